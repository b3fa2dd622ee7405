//! The case page as the officer in the case uses it on a phone, and the victim's page as the
//! victim reads it (issue 11): a task list point by point with names, not codes; each
//! obligation's form on its own page; after saving, the success banner in view beside the
//! obligation; the steps that make sense now; the victim's page in their words. axe-core at
//! 320, 360 and 1280 px, the contrast of secondary buttons on their grey panel, and the menu
//! folded on a phone.

use crate::driver::{Browser, DESKTOP, PHONE, available};
use crate::harness::Backend;
use crate::seeded::{demo_app, new_assault, sign_in};
use anyhow::{Context, ensure};
use serde_json::{Value, json};

const NARROW: (u32, u32) = (320, 640);
const WIDTHS: [(u32, u32); 3] = [NARROW, PHONE, DESKTOP];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_officer_in_the_case_and_the_victim_on_their_pages() -> anyhow::Result<()> {
    if !available()? {
        return Ok(());
    }
    let app = demo_app(Backend::Sqlite, "browser_case_page")
        .await?
        .context("SQLite is always available")?;
    let sgt = sign_in(&app, "PS-2231").await?;
    let (status, case) = sgt
        .post(&app.api("/cases"), &new_assault("PC-4410"))
        .await?;
    ensure!(status.is_success(), "{case}");
    let id = case["case_id"].as_str().context("case_id")?.to_owned();
    let (status, body) = sgt
        .post(
            &app.api(&format!("/cases/{id}/steps/oic_assigned")),
            &json!({"officer": "DC-3020"}),
        )
        .await?;
    ensure!(status.is_success(), "{body}");

    let mut b = Browser::start(&app.base).await?;
    let result = async {
        officer_in_the_case(&mut b, &app, &id).await?;
        victim(&mut b, &app, &id).await
    }
    .await;
    let violations = std::mem::take(&mut b.violations);
    let audited = std::mem::take(&mut b.audited);
    let _ = b.close().await;
    result?;
    eprintln!(
        "axe-core: {} page views audited, {} violations",
        audited.len(),
        violations.len()
    );
    for v in &violations {
        eprintln!("VIOLATION {v}");
    }
    ensure!(violations.is_empty(), "{} violations", violations.len());
    Ok(())
}

/// Whether the element is wholly inside the viewport.
async fn in_view(b: &Browser, css: &str) -> anyhow::Result<bool> {
    let v =
        b.c.execute(
            "const r = document.querySelector(arguments[0]).getBoundingClientRect(); \
             return r.top >= 0 && r.bottom <= window.innerHeight && r.height > 0;",
            vec![Value::String(css.to_owned())],
        )
        .await?;
    Ok(v == Value::Bool(true))
}

/// Completes an obligation from the case page on a phone: its link, its page, its form;
/// back on the case page the banner is in view and the obligation is met.
async fn complete(
    b: &mut Browser,
    anchor: &str,
    step: &str,
    fill: &[(&str, &str)],
    click: &[&str],
) -> anyhow::Result<()> {
    b.click(&format!("#{anchor} a")).await?;
    ensure!(
        b.path().await?.contains("/obligations/"),
        "the link of {anchor} opens its own page"
    );
    let form = format!("form[action$='/steps/{step}']");
    for (name, value) in fill {
        b.fill(&format!("{form} [name={name}]"), value).await?;
    }
    for css in click {
        b.click(&format!("{form} {css}")).await?;
    }
    b.submit(&format!("{form} button")).await?;
    let path = b.path().await?;
    ensure!(
        path.contains(&format!("ob={anchor}")),
        "after saving {step} at {path}"
    );
    let banner = b.text("#saved").await?;
    ensure!(banner.contains("Saved"), "{banner}");
    ensure!(
        in_view(b, "#saved").await?,
        "the success banner is not in view after saving {step}"
    );
    let tag = b.text(&format!("#{anchor} .govuk-tag")).await?;
    ensure!(tag.starts_with("Met"), "{anchor} is {tag} after {step}");
    Ok(())
}

async fn officer_in_the_case(
    b: &mut Browser,
    app: &crate::harness::TestApp,
    id: &str,
) -> anyhow::Result<()> {
    b.sign_in(app, "DC-3020").await?;
    let case = format!("/cases/{id}");
    b.go(&case).await?;

    // Names, not codes: people with their role and collar number, the unit, the plan and
    // its points by title.
    let page = b.page_text().await?;
    for expected in [
        "Sgt Amira Khan (PS-2231)",
        "PC Tom Reed (PC-4410)",
        "DC Sam Patel (DC-3020)",
        "DC Sam Patel, officer in the case (DC-3020)",
        "Northern Response Team 2",
        "Operation Hampshire seven point plan, version 1",
        "c. Never investigate their own assault",
    ] {
        ensure!(page.contains(expected), "{expected:?} not on the case page");
    }
    for code in [
        "north-response",
        "op-hampshire@1",
        "officer_in_case",
        "officer in case",
        "Overdue overdue",
        "overdue by",
        "Point 3",
    ] {
        ensure!(!page.contains(code), "{code:?} on the case page");
    }
    // The key-decision promise waits for a decision: it offers the decision, not an update
    // (which would meet the regular update instead), and is not counted as an open task.
    let kd = b.text("#ob-victim-told-of-key-decisions-0").await?;
    ensure!(kd.contains("Starts when"), "{kd}");
    // Not a wall: the task list is a fraction of the old page of open forms.
    let height =
        b.c.execute("return document.documentElement.scrollHeight", vec![])
            .await?
            .as_u64()
            .unwrap_or(u64::MAX);
    eprintln!("case page at 360 px: {height} px tall");
    ensure!(
        height < 9000,
        "the case page is {height} px tall on a phone"
    );
    // The menu is folded behind "Menu" on a phone and opens when tapped.
    let menu_visible = |b: &Browser| {
        let c = b.c.clone();
        async move {
            c.execute(
                "return document.getElementById('navigation').getBoundingClientRect().height > 0",
                vec![],
            )
            .await
        }
    };
    ensure!(
        menu_visible(b).await? == Value::Bool(false),
        "menu open on a phone"
    );
    b.open_menu().await?;
    ensure!(
        menu_visible(b).await? == Value::Bool(true),
        "menu did not open"
    );
    b.go(&case).await?;
    b.audit_at("case-page", &WIDTHS).await?;
    b.size(DESKTOP).await?;
    ensure!(
        menu_visible(b).await? == Value::Bool(true),
        "menu folded on a desktop"
    );
    b.size(PHONE).await?;

    // The form of the key-decision obligation is the decision's.
    b.go(&format!(
        "{case}/obligations/victim-told-of-key-decisions/0"
    ))
    .await?;
    ensure!(
        b.c.find(fantoccini::Locator::Css(
            "form[action$='/steps/key_decision_made']"
        ))
        .await
        .is_ok(),
        "no key decision form"
    );
    b.audit_at("obligation-page", &WIDTHS).await?;
    // Secondary buttons on the grey panel: at least 3:1 against it (WCAG 1.4.11).
    let ratio =
        b.c.execute(
            r#"function lum(c) {
                 const v = c.match(/[\d.]+/g).slice(0, 3).map(Number).map(x => x / 255)
                   .map(x => x <= 0.03928 ? x / 12.92 : Math.pow((x + 0.055) / 1.055, 2.4));
                 return 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2];
               }
               const btn = document.querySelector('.pledge-step-form .govuk-button--secondary');
               const panel = getComputedStyle(btn.closest('.pledge-step-form')).backgroundColor;
               const edge = getComputedStyle(btn).borderTopColor;
               const [a, b] = [lum(edge), lum(panel)].sort((x, y) => y - x);
               return (a + 0.05) / (b + 0.05);"#,
            vec![],
        )
        .await?
        .as_f64()
        .context("contrast ratio")?;
    eprintln!("secondary button edge against its panel: {ratio:.2}:1");
    ensure!(ratio >= 3.0, "secondary button contrast {ratio:.2}:1");

    // "Record a step": the steps that make sense now, by point, not every step there is.
    b.go(&format!("{case}/record")).await?;
    let now = b.text("#steps-now").await?;
    ensure!(now.contains("a. Investigated with the same care"), "{now}");
    let offered =
        b.c.find_all(fantoccini::Locator::Css("#steps-now a"))
            .await?
            .len();
    eprintln!("record a step offers {offered} steps now");
    ensure!(offered > 0 && offered < 20, "{offered} steps offered now");
    b.go(&format!("{case}/record?step=arrest_made")).await?;
    b.audit_at("record-step-page", &WIDTHS).await?;

    // Three obligations from the case page, on a phone.
    b.go(&case).await?;
    complete(
        b,
        "ob-arrest-or-reason-0",
        "arrest_made",
        &[("suspect", "Male, 20s, arrested at the scene")],
        &[],
    )
    .await?;
    b.screenshot("case-page-saved-phone").await?;
    complete(
        b,
        "ob-investigation-plan-0",
        "investigation_plan_completed",
        &[("evidence", "body-worn video, CCTV, witnesses")],
        &[],
    )
    .await?;
    complete(
        b,
        "ob-vps-offered-0",
        "vps_offered",
        &[],
        &["input[name=accepted][value=yes]"],
    )
    .await?;
    // The arrest is a key decision: the victim must now be told, and telling them from the
    // key-decision obligation meets that obligation.
    let kd = b.text("#ob-victim-told-of-key-decisions-1").await?;
    ensure!(
        kd.contains("Due in"),
        "arrest started no key-decision clock: {kd}"
    );
    complete(
        b,
        "ob-victim-told-of-key-decisions-1",
        "victim_updated",
        &[("how", "phone")],
        &[],
    )
    .await?;
    b.sign_out().await?;
    Ok(())
}

async fn victim(b: &mut Browser, app: &crate::harness::TestApp, id: &str) -> anyhow::Result<()> {
    b.sign_in(app, "PC-4410").await?;
    b.go(&format!("/cases/{id}/victim")).await?;
    let page = b.page_text().await?;
    for expected in [
        "You were assaulted on",
        "by Sgt Amira Khan",
        "The officer investigating your case is DC Sam Patel",
        "Your supervisor meets you to talk about your welfare",
        "You are told of each key decision",
    ] {
        ensure!(
            page.contains(expected),
            "{expected:?} not on the victim's page"
        );
    }
    for jargon in [
        "You reported being assaulted",
        "RIDDOR",
        "TRM",
        "HSE",
        "point b of the plan",
    ] {
        ensure!(!page.contains(jargon), "{jargon:?} on the victim's page");
    }
    // Each promise once: nothing still to happen is also listed as done.
    let next: Vec<String> = item_titles(b, "#next .pledge-promise").await?;
    let done: Vec<String> = item_titles(b, "#done .pledge-promise").await?;
    for n in &next {
        ensure!(!done.contains(n), "{n:?} is both next and done");
    }
    ensure!(
        done.iter()
            .any(|d| d.starts_with("You are told of each key decision")),
        "telling the victim of the arrest is not done: {done:?}"
    );
    b.audit_at("victim-page", &WIDTHS).await?;
    // How often: a choice, not a number of days.
    b.click("input[name=every_days][value='14']").await?;
    b.submit("form[action$='/update_frequency_chosen'] button")
        .await?;
    ensure!(b.text("#update-frequency").await? == "every two weeks");
    b.sign_out().await?;
    Ok(())
}

/// The promises of a list, without their tags and times.
async fn item_titles(b: &Browser, css: &str) -> anyhow::Result<Vec<String>> {
    let mut out = Vec::new();
    for li in b.c.find_all(fantoccini::Locator::Css(css)).await? {
        out.push(li.text().await?);
    }
    Ok(out)
}
