//! Starting and stopping the test identity provider (`provider.mjs`, the `oidc-provider`
//! package under Node), its test users, and a Pledge app configured to sign in through it.

#![allow(dead_code)]

use crate::harness::{Backend, TestApp, spawn_app_on};
use anyhow::{Context, bail};
use pledge_app::AccountRole;
use pledge_app::accounts::oidc::settings::{DEFAULT_ALGORITHMS, parse_algorithm};
use pledge_app::accounts::oidc::{LinkField, OidcSettings, Provider};
use pledge_web::{Clock, WebConfig};
use serde_json::{Value, json};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

/// The client Pledge is at the provider.
pub const CLIENT_ID: &str = "pledge-test";
/// Its secret.
pub const CLIENT_SECRET: &str = "a-test-client-secret-of-some-length";
/// The button's name.
pub const FORCE_NAME: &str = "Test Constabulary";

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/oidc")
}

/// Whether the provider can run; `Ok(false)` means skip (with the message printed).
pub fn available() -> anyhow::Result<bool> {
    let required = std::env::var_os("PLEDGE_REQUIRE_OIDC").is_some();
    let node = Command::new("node")
        .arg("--version")
        .output()
        .ok()
        .filter(|o| o.status.success());
    let problem = if node.is_none() {
        Some("Node.js (node) is not installed".to_owned())
    } else if !dir()
        .join("node_modules/oidc-provider/package.json")
        .is_file()
    {
        Some(format!(
            "the provider's packages are not installed: run `npm ci` in {}",
            dir().display()
        ))
    } else {
        None
    };
    match problem {
        None => Ok(true),
        Some(p) if required => bail!("PLEDGE_REQUIRE_OIDC is set but {p}"),
        Some(p) => {
            eprintln!("SKIPPED: {p}; set PLEDGE_REQUIRE_OIDC=1 to make this a failure");
            Ok(false)
        }
    }
}

/// The test users: login name -> subject, claims, and how they signed in (`amr`).
pub fn users() -> Value {
    let user =
        |sub: &str, oid: &str, employeeid: &str, name: &str, roles: &[&str], amr: &[&str]| {
            json!({
                "sub": sub,
                "claims": {"oid": oid, "employeeid": employeeid, "name": name, "roles": roles,
                           "email": format!("{sub}@force.example")},
                "amr": amr,
            })
        };
    json!({
        // A sergeant: supervisor at the provider.
        "amira": user("sub-amira", "oid-amira", "PS-2231", "Amira Khan", &["Pledge.Supervisor"], &["pwd"]),
        // A constable: no Pledge role at the provider (staff only).
        "tom": user("sub-tom", "oid-tom", "PC-4410", "Tom Reed", &[], &["pwd"]),
        // The administrator, with multi-factor...
        "chris": user("sub-chris", "oid-chris", "ADM-9000", "Chris Lee", &["Pledge.Admin"], &["pwd", "mfa"]),
        // ...and the same person signing in with a password alone.
        "chris-password-only": user("sub-chris", "oid-chris", "ADM-9000", "Chris Lee", &["Pledge.Admin"], &["pwd"]),
        // Someone the directory does not know.
        "stranger": user("sub-stranger", "oid-stranger", "PC-0000", "Sam Stranger", &["Pledge.Supervisor"], &["pwd"]),
        // Someone whose token has no linking claim at all.
        "nolink": {"sub": "sub-nolink", "claims": {"oid": "oid-nolink", "name": "No Link"}, "amr": ["pwd"]},
    })
}

/// A running provider, stopped when dropped.
pub struct TestProvider {
    child: Child,
    /// Its issuer, `http://127.0.0.1:PORT`.
    pub issuer: String,
    port: u16,
    redirect_uri: String,
    post_logout: String,
}

impl Drop for TestProvider {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl TestProvider {
    /// Starts the provider for a Pledge at `pledge_base`, on a free port (`port` 0) or the
    /// given one (a restart).
    pub fn start(pledge_base: &str, port: u16) -> anyhow::Result<Self> {
        let redirect_uri = format!("{pledge_base}/sign-in/oidc/callback");
        let post_logout = format!("{pledge_base}/sign-in?signed_out=1");
        let mut child = Command::new("node")
            .arg("provider.mjs")
            .current_dir(dir())
            .env("PORT", port.to_string())
            .env("REDIRECT_URI", &redirect_uri)
            .env("POST_LOGOUT_REDIRECT_URI", &post_logout)
            .env("CLIENT_ID", CLIENT_ID)
            .env("CLIENT_SECRET", CLIENT_SECRET)
            .env("OIDC_USERS", users().to_string())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .context("starting node provider.mjs")?;
        let stdout = child.stdout.take().context("the provider's output")?;
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if let Some(issuer) = line.strip_prefix("listening ") {
                    let _ = tx.send(issuer.to_owned());
                }
            }
        });
        let issuer = match rx.recv_timeout(Duration::from_secs(30)) {
            Ok(i) => i,
            Err(_) => {
                let _ = child.kill();
                bail!("the test provider did not start within 30 s");
            }
        };
        let port = issuer
            .rsplit(':')
            .next()
            .and_then(|p| p.parse().ok())
            .context("the provider's port")?;
        Ok(Self {
            child,
            issuer,
            port,
            redirect_uri,
            post_logout,
        })
    }

    /// Stops the provider and starts it again on the same port: the same issuer, new keys
    /// (key rotation).
    pub fn restart(self, pledge_base: &str) -> anyhow::Result<Self> {
        let port = self.port;
        drop(self);
        let mut tries = 0;
        loop {
            match Self::start(pledge_base, port) {
                Ok(p) => return Ok(p),
                Err(e) if tries < 20 => {
                    tries += 1;
                    eprintln!("restarting the provider: {e}");
                    std::thread::sleep(Duration::from_millis(100));
                }
                Err(e) => return Err(e),
            }
        }
    }

    /// The settings Pledge signs in with: Entra-like claims (`oid`, `employeeid`, `roles`).
    pub fn settings(&self) -> OidcSettings {
        OidcSettings {
            issuer: self.issuer.clone(),
            client_id: CLIENT_ID.into(),
            client_secret: Some(CLIENT_SECRET.into()),
            redirect_url: self.redirect_uri.clone(),
            post_logout_redirect_url: self.post_logout.clone(),
            display_name: FORCE_NAME.into(),
            subject_claim: "oid".into(),
            link_claim: "employeeid".into(),
            link_field: LinkField::PersonId,
            roles_claim: "roles".into(),
            role_map: vec![
                ("Pledge.Supervisor".into(), AccountRole::Supervisor),
                ("Pledge.Admin".into(), AccountRole::Administrator),
            ],
            mfa_amr: vec!["mfa".into(), "otp".into()],
            mfa_acr: vec![],
            algorithms: DEFAULT_ALGORITHMS
                .iter()
                .filter_map(|a| parse_algorithm(a, true).ok())
                .collect(),
            ask: "the Op Hampshire lead".into(),
        }
    }

    /// Discovers this provider as Pledge does at startup.
    pub async fn discover(&self) -> anyhow::Result<Arc<Provider>> {
        Ok(Arc::new(Provider::discover(self.settings()).await?))
    }

    /// Signs claims with the provider's own current key (`stranger`: a key it never
    /// publishes).
    pub async fn sign(&self, claims: &Value, stranger: bool) -> anyhow::Result<String> {
        let url = format!(
            "{}/test/sign{}",
            self.issuer,
            if stranger { "?key=stranger" } else { "" }
        );
        let res = reqwest::Client::new()
            .post(url)
            .body(claims.to_string())
            .send()
            .await?;
        anyhow::ensure!(res.status().is_success(), "signing: {}", res.status());
        Ok(res.text().await?)
    }
}

/// A demo app signing in through a freshly started provider; `None` when the backend is not
/// configured. `local_accounts` off switches password sign-in off.
pub async fn app_with_provider(
    backend: Backend,
    test: &str,
    local_accounts: bool,
) -> anyhow::Result<Option<(TestApp, TestProvider)>> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    let provider = TestProvider::start(&base, 0)?;
    let mut config = WebConfig {
        oidc: Some(provider.discover().await?),
        ..WebConfig::default()
    };
    config.accounts.local_accounts = local_accounts;
    let Some(app) = spawn_app_on(listener, backend, test, config, Clock::System).await? else {
        return Ok(None);
    };
    let now = app.state.now();
    pledge_web::demo::seed(app.state.app(), now).await?;
    pledge_web::demo::accounts(app.store(), now).await?;
    Ok(Some((app, provider)))
}
