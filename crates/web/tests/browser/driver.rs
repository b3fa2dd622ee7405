//! Starting chromedriver and a headless Chromium session, and the helpers the journeys use:
//! navigation, forms, the axe-core audit and screenshots.

#![allow(dead_code)]

use anyhow::{Context, bail};
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Chromium, overridable with `PLEDGE_CHROMIUM`.
fn chromium() -> PathBuf {
    std::env::var_os("PLEDGE_CHROMIUM")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/bin/chromium"))
}

/// chromedriver, overridable with `PLEDGE_CHROMEDRIVER`.
fn chromedriver() -> PathBuf {
    std::env::var_os("PLEDGE_CHROMEDRIVER")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/bin/chromedriver"))
}

/// The axe-core script installed (npm ci) by the web crate's build script or
/// `crates/web/assets/build.sh`.
fn axe_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/node_modules/axe-core/axe.min.js")
}

/// Where screenshots go: `target/screenshots/` of the workspace.
pub fn screenshots_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/screenshots")
}

/// Whether the browser tests can run; `Ok(false)` means skip (with the message printed).
pub fn available() -> anyhow::Result<bool> {
    let required = std::env::var_os("PLEDGE_REQUIRE_BROWSER").is_some();
    let mut missing = Vec::new();
    for p in [chromium(), chromedriver()] {
        if !p.is_file() {
            missing.push(p.display().to_string());
        }
    }
    if !missing.is_empty() {
        let msg = format!(
            "browser tests need {} (apt-get install -y chromium chromium-driver)",
            missing.join(" and ")
        );
        if required {
            bail!("PLEDGE_REQUIRE_BROWSER is set but {msg}");
        }
        eprintln!("SKIPPED: {msg}; set PLEDGE_REQUIRE_BROWSER=1 to make this a failure");
        return Ok(false);
    }
    if !axe_path().is_file() {
        bail!(
            "{} is missing: run crates/web/assets/build.sh (npm ci) before the browser tests",
            axe_path().display()
        );
    }
    Ok(true)
}

/// A running chromedriver, stopped (by its own handle) when dropped.
struct Driver {
    child: Child,
    profile: PathBuf,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.profile);
    }
}

/// A browser session.
pub struct Browser {
    /// The WebDriver client.
    pub c: Client,
    /// The app's base URL.
    pub base: String,
    axe: String,
    /// Accessibility violations found so far, described.
    pub violations: Vec<String>,
    /// Pages audited.
    pub audited: Vec<String>,
    _driver: Driver,
}

/// Phone size (CSS pixels).
pub const PHONE: (u32, u32) = (360, 740);
/// The narrowest phone WCAG's reflow criterion (1.4.10) asks for: 320 CSS pixels.
pub const NARROW: (u32, u32) = (320, 640);
/// Desktop size.
pub const DESKTOP: (u32, u32) = (1280, 900);

impl Browser {
    /// Starts chromedriver and a headless Chromium session.
    pub async fn start(base: &str) -> anyhow::Result<Self> {
        let port = {
            let l = std::net::TcpListener::bind("127.0.0.1:0")?;
            l.local_addr()?.port()
        };
        let profile =
            std::env::temp_dir().join(format!("pledge-chromium-{}-{port}", std::process::id()));
        std::fs::create_dir_all(&profile)?;
        let child = Command::new(chromedriver())
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .context("starting chromedriver")?;
        let driver = Driver { child, profile };
        let started = Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            if started.elapsed() > Duration::from_secs(20) {
                bail!("chromedriver did not listen on port {port} within 20 s");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let mut caps = serde_json::Map::new();
        caps.insert(
            "goog:chromeOptions".into(),
            json!({
                "binary": chromium().display().to_string(),
                "args": [
                    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                    "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync",
                    "--disable-dev-shm-usage", "--hide-scrollbars",
                    format!("--user-data-dir={}", driver.profile.display()),
                    format!("--window-size={},{}", PHONE.0, PHONE.1),
                ]
            }),
        );
        let c = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(caps)
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
            .context("starting a Chromium session through chromedriver")?;
        let axe = std::fs::read_to_string(axe_path())
            .with_context(|| format!("reading {}", axe_path().display()))?;
        let b = Self {
            c,
            base: base.to_owned(),
            axe,
            violations: Vec::new(),
            audited: Vec::new(),
            _driver: driver,
        };
        b.size(PHONE).await?;
        Ok(b)
    }

    /// Sets the viewport size (the window is resized until its inner size matches).
    pub async fn size(&self, (w, h): (u32, u32)) -> anyhow::Result<()> {
        self.c.set_window_size(w, h).await?;
        let inner = self
            .c
            .execute("return [window.innerWidth, window.innerHeight]", vec![])
            .await?;
        let iw = inner[0].as_u64().unwrap_or(u64::from(w)) as u32;
        let ih = inner[1].as_u64().unwrap_or(u64::from(h)) as u32;
        if iw != w || ih != h {
            self.c
                .set_window_size(w + w.saturating_sub(iw), h + h.saturating_sub(ih))
                .await?;
        }
        Ok(())
    }

    /// Goes to a path on the app.
    pub async fn go(&self, path: &str) -> anyhow::Result<()> {
        self.c.goto(&format!("{}{path}", self.base)).await?;
        Ok(())
    }

    /// The path (and query) shown now.
    pub async fn path(&self) -> anyhow::Result<String> {
        let u = self.c.current_url().await?;
        Ok(match u.query() {
            Some(q) => format!("{}?{q}", u.path()),
            None => u.path().to_owned(),
        })
    }

    /// The text of the first element matching a CSS selector.
    pub async fn text(&self, css: &str) -> anyhow::Result<String> {
        match self.c.find(Locator::Css(css)).await {
            Ok(e) => Ok(e.text().await?),
            Err(e) => {
                let path = self.path().await.unwrap_or_default();
                let body: String = self
                    .c
                    .source()
                    .await
                    .unwrap_or_default()
                    .split("<main")
                    .nth(1)
                    .unwrap_or("")
                    .chars()
                    .take(2500)
                    .collect();
                Err(anyhow::anyhow!("no {css} on {path}: {e}\n{body}"))
            }
        }
    }

    /// The text of the whole page.
    pub async fn page_text(&self) -> anyhow::Result<String> {
        self.text("body").await
    }

    /// The page's HTML as the browser holds it (attributes and hidden text included).
    pub async fn source(&self) -> anyhow::Result<String> {
        Ok(self.c.source().await?)
    }

    /// Types into a field (clearing it first).
    pub async fn fill(&self, css: &str, value: &str) -> anyhow::Result<()> {
        let e = self
            .c
            .find(Locator::Css(css))
            .await
            .with_context(|| format!("no field {css}"))?;
        e.clear().await?;
        e.send_keys(value).await?;
        Ok(())
    }

    /// Chooses a file for a file input (the browser runs on this machine, so a path works).
    pub async fn upload(&self, css: &str, path: &std::path::Path) -> anyhow::Result<()> {
        let e = self
            .c
            .find(Locator::Css(css))
            .await
            .with_context(|| format!("no file input {css}"))?;
        e.send_keys(&path.display().to_string()).await?;
        Ok(())
    }

    /// Sets a field's value directly (date and time inputs, whose typing depends on locale).
    pub async fn set_value(&self, css: &str, value: &str) -> anyhow::Result<()> {
        let e = self
            .c
            .find(Locator::Css(css))
            .await
            .with_context(|| format!("no field {css}"))?;
        self.c
            .execute(
                "arguments[0].value = arguments[1];",
                vec![serde_json::to_value(&e)?, json!(value)],
            )
            .await?;
        Ok(())
    }

    /// Chooses an option of a select.
    pub async fn pick(&self, css: &str, value: &str) -> anyhow::Result<()> {
        self.c
            .find(Locator::Css(css))
            .await
            .with_context(|| format!("no select {css}"))?
            .select_by_value(value)
            .await
            .with_context(|| format!("no option {value} in {css}"))?;
        Ok(())
    }

    /// Clicks an element.
    pub async fn click(&self, css: &str) -> anyhow::Result<()> {
        self.c
            .find(Locator::Css(css))
            .await
            .with_context(|| format!("no {css} on the page"))?
            .click()
            .await?;
        Ok(())
    }

    /// Clicks a button or link that loads a new page, and waits for the new page.
    pub async fn submit(&self, css: &str) -> anyhow::Result<()> {
        self.c.execute("window.__pledgeOld = true;", vec![]).await?;
        self.click(css).await?;
        let started = Instant::now();
        loop {
            let done = self
                .c
                .execute(
                    "return window.__pledgeOld === undefined && document.readyState === 'complete';",
                    vec![],
                )
                .await
                .unwrap_or(Value::Bool(false));
            if done == Value::Bool(true) {
                return Ok(());
            }
            if started.elapsed() > Duration::from_secs(15) {
                bail!("no new page within 15 s after clicking {css}");
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    }

    /// Runs axe-core on the page at the narrowest phone (320 px), phone and desktop widths,
    /// with a screenshot of each;
    /// violations are collected (the test fails at the end if there are any).
    pub async fn audit(&mut self, name: &str) -> anyhow::Result<()> {
        self.audit_at(name, &[NARROW, PHONE, DESKTOP]).await
    }

    /// Runs axe-core on the page at each of these sizes, with a screenshot of each (named
    /// `phone`, `desktop` or by width).
    pub async fn audit_at(&mut self, name: &str, sizes: &[(u32, u32)]) -> anyhow::Result<()> {
        for &size in sizes {
            let label = match size {
                NARROW => "narrow".to_owned(),
                PHONE => "phone".to_owned(),
                DESKTOP => "desktop".to_owned(),
                (w, _) => format!("{w}px"),
            };
            self.size(size).await?;
            self.screenshot(&format!("{name}-{label}")).await?;
            self.c
                .execute(&format!("{};\nreturn typeof axe;", self.axe), vec![])
                .await?;
            let out = self
                .c
                .execute_async(
                    r#"const done = arguments[arguments.length - 1];
                    axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']}})
                      .then(r => done(JSON.stringify(r.violations.map(v => ({
                          id: v.id, impact: v.impact, help: v.help,
                          nodes: v.nodes.map(n => n.target.join(' ') + ' — ' + (n.failureSummary || ''))})))))
                      .catch(e => done('ERROR ' + e));"#,
                    vec![],
                )
                .await?;
            let raw = out.as_str().unwrap_or("ERROR no answer from axe");
            if raw.starts_with("ERROR") {
                bail!("axe failed on {name}: {raw}");
            }
            let found: Vec<Value> = serde_json::from_str(raw)?;
            for v in found {
                self.violations.push(format!(
                    "{name} at {label} width: {} ({}): {}\n    {}",
                    v["id"].as_str().unwrap_or(""),
                    v["impact"].as_str().unwrap_or(""),
                    v["help"].as_str().unwrap_or(""),
                    v["nodes"]
                        .as_array()
                        .map(|n| n
                            .iter()
                            .filter_map(Value::as_str)
                            .collect::<Vec<_>>()
                            .join("\n    "))
                        .unwrap_or_default()
                ));
            }
            self.audited.push(format!("{name} ({label})"));
        }
        self.size(PHONE).await?;
        Ok(())
    }

    /// Saves a screenshot of the viewport as `target/screenshots/NAME.png`.
    pub async fn screenshot(&self, name: &str) -> anyhow::Result<()> {
        let dir = screenshots_dir();
        std::fs::create_dir_all(&dir)?;
        let png = self.c.screenshot().await?;
        std::fs::write(dir.join(format!("{name}.png")), png)?;
        Ok(())
    }

    /// Signs in through the sign-in page (giving the two-factor code when asked).
    pub async fn sign_in(&self, app: &crate::harness::TestApp, person: &str) -> anyhow::Result<()> {
        self.go("/sign-in").await?;
        self.fill("#person_id", person).await?;
        self.fill("#password", pledge_web::demo::accounts::DEMO_PASSWORD)
            .await?;
        self.submit("form button[type=submit]").await?;
        if self.path().await? == "/sign-in/code" {
            let account = pledge_store::AccountStore::account(app.store(), person)
                .await?
                .context("account")?;
            // A code is accepted once per 30-second step: tests sign in again and again within
            // one step, so forget the step spent (as the next step would).
            let mut account = account;
            account.totp_last_step = None;
            pledge_store::AccountStore::update_account(app.store(), &account).await?;
            let secret = account.totp_secret.context("totp secret")?;
            let code =
                pledge_app::accounts::totp::code_at(&secret, app.state.now()).context("code")?;
            self.fill("#code", &code).await?;
            self.submit("main form button[type=submit]").await?;
        }
        let path = self.path().await?;
        anyhow::ensure!(path == "/", "{person} signed in but landed on {path}");
        Ok(())
    }

    /// Opens the menu when it is folded behind its "Menu" button (a narrow screen), as a
    /// person would by tapping it.
    pub async fn open_menu(&self) -> anyhow::Result<()> {
        let folded = self
            .c
            .execute(
                "const m = document.getElementById('pledge-menu'); \
                 const t = m && m.querySelector('summary'); \
                 return !!(m && !m.open && t && t.getBoundingClientRect().height > 0);",
                vec![],
            )
            .await?;
        if folded == Value::Bool(true) {
            self.click("#pledge-menu summary").await?;
        }
        Ok(())
    }

    /// Signs out with the header's form.
    pub async fn sign_out(&self) -> anyhow::Result<()> {
        self.go("/").await?;
        self.open_menu().await?;
        self.submit("form.pledge-sign-out button").await?;
        let path = self.path().await?;
        anyhow::ensure!(path.starts_with("/sign-in"), "after sign-out at {path}");
        Ok(())
    }

    /// Ends the session.
    pub async fn close(self) -> anyhow::Result<()> {
        self.c.close().await?;
        Ok(())
    }
}
