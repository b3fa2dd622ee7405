//! Journeys for each role, end to end in the browser, with the accessibility audit of every
//! page they pass through.

use crate::driver::{Browser, available};
use crate::harness::Backend;
use crate::seeded::demo_app;
use anyhow::{Context, ensure};
use fantoccini::Locator;
use std::time::Instant;

/// A date's day, month and year as a person types them in the GOV.UK date input.
fn parts(d: jiff::civil::Date) -> (String, String, String) {
    (
        d.day().to_string(),
        d.month().to_string(),
        d.year().to_string(),
    )
}

/// Today in the UK.
fn uk_today() -> jiff::civil::Date {
    jiff::Zoned::now()
        .with_time_zone(jiff::tz::TimeZone::get("Europe/London").unwrap_or(jiff::tz::TimeZone::UTC))
        .date()
}

/// Today in the UK: day, month, year.
fn today_parts() -> (String, String, String) {
    parts(uk_today())
}

/// Yesterday in the UK: day, month, year.
fn yesterday_parts() -> (String, String, String) {
    let today = uk_today();
    parts(today.yesterday().unwrap_or(today))
}

/// Waits up to 5 s for an element (a script's answer).
async fn wait_for(b: &Browser, css: &str) -> anyhow::Result<()> {
    let started = Instant::now();
    loop {
        if let Ok(e) = b.c.find(Locator::Css(css)).await
            && e.is_displayed().await.unwrap_or(false)
        {
            return Ok(());
        }
        anyhow::ensure!(
            started.elapsed() < std::time::Duration::from_secs(5),
            "{css} did not appear within 5 s"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

/// A senior leader filters the case list on a phone (the table stacked into rows), sees the
/// filtered cases by unit name, and finds the CSV export of exactly that list.
async fn case_list_journey(b: &mut Browser) -> anyhow::Result<()> {
    b.go("/cases").await?;
    b.audit("cases").await?;
    open_filter(b).await?;
    b.pick("#unit", "south-response").await?;
    b.submit("#apply-filter").await?;
    ensure!(
        b.path().await?.contains("unit=south-response"),
        "the filter is in the address"
    );
    let list = b.text("#case-list").await?;
    ensure!(
        list.contains("WX-2026-0064") && !list.contains("Northern Response"),
        "only Southern Response's cases: {list}"
    );
    ensure!(!list.contains("south-response"), "units by name: {list}");
    // On a phone the rows are stacked: no sideways scrolling.
    let wide =
        b.c.execute(
            "return document.documentElement.scrollWidth > window.innerWidth",
            vec![],
        )
        .await?;
    ensure!(
        wide == serde_json::Value::Bool(false),
        "the list scrolls sideways on a phone"
    );
    let export =
        b.c.find(Locator::Css("#export-csv"))
            .await?
            .attr("href")
            .await?;
    ensure!(
        export.as_deref() == Some("/cases.csv?unit=south-response"),
        "the export is of the filtered list: {export:?}"
    );
    b.audit("cases-filtered").await?;
    sort_search_and_overdue(b).await
}

/// Opens "Filter the cases" when it is folded, as a person would by tapping it (it is shown
/// open when a filter is chosen, and tapping it then would fold it away).
async fn open_filter(b: &Browser) -> anyhow::Result<()> {
    let folded =
        b.c.execute(
            "return !document.getElementById('filter-cases').open;",
            vec![],
        )
        .await?;
    if folded == serde_json::Value::Bool(true) {
        b.click("#filter-cases > summary").await?;
    }
    Ok(())
}

/// The references of the listed cases, top to bottom, as a person reads them.
async fn listed(b: &Browser) -> anyhow::Result<Vec<String>> {
    let v =
        b.c.execute(
            "return [...document.querySelectorAll('#case-list tbody tr td:first-child a')]\
             .map(a => a.textContent.trim());",
            vec![],
        )
        .await?;
    Ok(serde_json::from_value(v)?)
}

/// The senior leader sorts the whole list by reference from its header (desktop) and by the
/// "Sort by" choice (phone, where the headers are out of sight), searches by a colleague's
/// name, narrows to a point overdue chosen by its title, and exports exactly that.
async fn sort_search_and_overdue(b: &mut Browser) -> anyhow::Result<()> {
    b.size((1280, 900)).await?;
    b.go("/cases").await?;
    b.submit("th a[href*='sort=reference']").await?;
    let asc = listed(b).await?;
    let mut sorted = asc.clone();
    sorted.sort();
    ensure!(asc.len() > 2 && asc == sorted, "A to Z: {asc:?}");
    ensure!(
        b.text("#sorted-by")
            .await?
            .contains("sorted by case reference, A to Z"),
        "the caption says the order"
    );
    let aria =
        b.c.find(Locator::Css("th[aria-sort='ascending']"))
            .await?
            .text()
            .await?;
    ensure!(
        aria.starts_with("Case"),
        "aria-sort on the sorted header: {aria}"
    );
    // The same header again: Z to A.
    b.submit("th a[href*='sort=reference']").await?;
    let desc = listed(b).await?;
    ensure!(
        desc == asc.iter().rev().cloned().collect::<Vec<_>>(),
        "Z to A: {desc:?}"
    );
    b.audit("cases-sorted").await?;

    // On a phone: search by name, then sort and filter from the form.
    b.size((360, 740)).await?;
    b.go("/cases").await?;
    b.fill("#q", "tom reed").await?;
    b.submit("#search-cases").await?;
    let found = listed(b).await?;
    let text = b.text("#case-list").await?;
    ensure!(
        found.contains(&"WX-2026-0101".to_owned()) && !found.contains(&"WX-2026-0064".to_owned()),
        "PC Tom Reed's cases only: {found:?}"
    );
    ensure!(
        text.contains("Northern Response Team 2") && !text.contains("Southern Response"),
        "units by name: {text}"
    );
    // A search alone leaves the filter folded; a person opens it to see the points.
    open_filter(b).await?;
    let options = b.text("#overdue_point").await?;
    ensure!(
        options.contains("d. Welfare and supervision"),
        "points by their title: {options}"
    );
    b.pick("#overdue_point", "d").await?;
    b.pick("#sort", "reference").await?;
    b.pick("#order", "asc").await?;
    b.submit("#apply-filter").await?;
    let path = b.path().await?;
    ensure!(
        path.contains("q=tom")
            && path.contains("overdue_point=d")
            && path.contains("sort=reference"),
        "the search is kept with the filter and the sort: {path}"
    );
    let overdue = listed(b).await?;
    let mut sorted = overdue.clone();
    sorted.sort();
    ensure!(overdue == sorted, "A to Z: {overdue:?}");
    ensure!(
        overdue.iter().all(|r| found.contains(r)),
        "within the search: {overdue:?}"
    );
    if !overdue.is_empty() {
        let export =
            b.c.find(Locator::Css("#export-csv"))
                .await?
                .attr("href")
                .await?
                .unwrap_or_default();
        ensure!(
            export.contains("q=tom%20reed") && export.contains("overdue_point=d"),
            "the export is of this list: {export}"
        );
    }
    b.audit("cases-searched").await?;
    Ok(())
}

/// Tomorrow in the UK, as `YYYY-MM-DD`.
fn tomorrow() -> String {
    let now = jiff::Zoned::now().with_time_zone(
        jiff::tz::TimeZone::get("Europe/London").unwrap_or(jiff::tz::TimeZone::UTC),
    );
    now.date()
        .tomorrow()
        .map(|d| d.to_string())
        .unwrap_or_else(|_| now.date().to_string())
}

/// The tag of the obligation card holding a step's form, by the card's id.
async fn tag_of(b: &Browser, card_id: &str) -> anyhow::Result<String> {
    b.text(&format!("#{card_id} .govuk-tag")).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_role_in_a_real_browser() -> anyhow::Result<()> {
    if !available()? {
        return Ok(());
    }
    let app = demo_app(Backend::Sqlite, "browser")
        .await?
        .context("SQLite is always available")?;
    let mut b = Browser::start(&app.base).await?;
    let result = journeys(&mut b, &app).await;
    let violations = std::mem::take(&mut b.violations);
    let audited = std::mem::take(&mut b.audited);
    let _ = b.close().await;
    result?;
    eprintln!(
        "axe-core: {} page views audited (WCAG 2.2 A/AA), {} violations",
        audited.len(),
        violations.len()
    );
    for v in &violations {
        eprintln!("VIOLATION {v}");
    }
    ensure!(
        violations.is_empty(),
        "{} accessibility violations (printed above)",
        violations.len()
    );
    Ok(())
}

async fn journeys(b: &mut Browser, app: &crate::harness::TestApp) -> anyhow::Result<()> {
    // Not signed in: every page sends you to sign in.
    b.go("/").await?;
    ensure!(
        b.path().await?.starts_with("/sign-in"),
        "not redirected to sign-in"
    );
    b.audit("sign-in").await?;

    // A wrong password is an error on the page, linked from the error summary.
    b.fill("#person_id", "PS-2231").await?;
    b.fill("#password", "not the password").await?;
    b.submit("form button[type=submit]").await?;
    ensure!(
        b.text(".govuk-error-summary").await?.contains("wrong"),
        "wrong password not reported"
    );
    b.audit("sign-in-error").await?;

    // 404 page.
    b.go("/no-such-page").await?;
    ensure!(b.text("h1").await? == "Page not found");
    b.audit("not-found").await?;

    // ---- Supervisor: records an assault on a phone, assigns the OIC, completes steps.
    b.sign_in(app, "PS-2231").await?;
    b.audit("tasks-supervisor").await?;
    b.go("/cases/new").await?;
    b.audit("record-assault").await?;
    // Saving with only a summary answered (a script, as an attacker would): the error summary
    // links to the fields, in plain English, and the script is shown as text, never run.
    b.fill("#summary", "<script>alert(1)</script>").await?;
    b.set_value("#date-day", "").await?;
    b.submit("#save-assault").await?;
    let summary = b.text(".govuk-error-summary").await?;
    for message in [
        "The date of the assault must include a day",
        "Enter the time of the assault",
        "Enter the name or collar number of the colleague who was assaulted",
        "Select whether a suspect was arrested",
    ] {
        ensure!(summary.contains(message), "{message} missing: {summary}");
    }
    let first_link =
        b.c.find(Locator::Css(".govuk-error-summary__list a"))
            .await?
            .attr("href")
            .await?;
    ensure!(
        first_link.as_deref() == Some("#date-day"),
        "summary links to {first_link:?}"
    );
    ensure!(
        b.c.get_alert_text().await.is_err(),
        "an alert dialog opened"
    );
    ensure!(
        b.c.source()
            .await?
            .contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "the summary is not escaped in the HTML"
    );
    b.audit("record-assault-errors").await?;
    // Now an officer on a phone records last night's assault, counting every tap and every
    // character typed (docs/pages.md). The date boxes start at today's date.
    b.go("/cases/new").await?;
    let mut taps = 0u32;
    let mut typed = 0usize;
    let started = Instant::now();
    let (day, month, year) = yesterday_parts();
    let today = today_parts();
    b.fill("#date-day", &day).await?;
    taps += 1;
    typed += day.len();
    if month != today.1 || year != today.2 {
        b.fill("#date-month", &month).await?;
        b.fill("#date-year", &year).await?;
        taps += 2;
        typed += month.len() + year.len();
    }
    b.fill("#time", "0120").await?;
    taps += 1;
    typed += 4;
    // The victim from the directory: type part of the name, tap the match.
    b.fill("#victim", "Reed").await?;
    taps += 1;
    typed += 4;
    wait_for(b, "#victim-matches li").await?;
    let offered = b.text("#victim-matches").await?;
    ensure!(
        offered.contains("PC Tom Reed, PC-4410, Northern Response Team 2"),
        "the autocomplete offers {offered:?}"
    );
    b.click("#victim-matches li").await?;
    taps += 1;
    ensure!(
        b.c.find(Locator::Css("#victim"))
            .await?
            .prop("value")
            .await?
            .as_deref()
            == Some("PC-4410"),
        "choosing puts the collar number in the field"
    );
    b.click("#injury-2").await?; // minor
    b.click("#hospitalised-2").await?; // no
    taps += 2;
    b.fill("#place", "High Street").await?;
    taps += 1;
    typed += "High Street".len();
    b.pick("#location_type", "street").await?;
    taps += 2; // open the list, choose
    // "Why was no arrest made?" shows only once "No" is chosen.
    let reason = b.c.find(Locator::Css("#no_arrest_reason")).await?;
    ensure!(
        !reason.is_displayed().await?,
        "the reason is asked before No is chosen"
    );
    b.click("#arrested-2").await?; // no
    taps += 1;
    ensure!(reason.is_displayed().await?, "the reason is not revealed");
    b.fill("#no_arrest_reason", "Ran off").await?;
    taps += 1;
    typed += "Ran off".len();
    b.submit("#save-assault").await?;
    taps += 1;
    let elapsed = started.elapsed();
    eprintln!(
        "recorded an assault on a 360 px phone: {taps} taps, {typed} characters typed, \
         {} ms in the browser (filling and saving)",
        elapsed.as_millis()
    );
    ensure!(
        taps <= 15 && typed <= 40,
        "{taps} taps and {typed} characters: more than a minute's work on a phone"
    );
    // The confirmation: the reference and what happens next, then the case.
    let confirmation = b.path().await?;
    ensure!(
        confirmation.starts_with("/cases/PL-") && confirmation.ends_with("/recorded"),
        "after saving at {confirmation}"
    );
    ensure!(b.text(".govuk-panel__title").await? == "Assault recorded");
    let reference = b.text("#case-reference").await?;
    ensure!(
        confirmation.contains(&reference),
        "the reference {reference} is the case's"
    );
    ensure!(
        b.text("#next").await?.contains("Sgt Amira Khan"),
        "what happens next names the supervisor (PC Reed's line manager)"
    );
    b.audit("recorded").await?;
    b.click("a[href^='/cases/PL-']").await?;
    let case_path = b.path().await?;
    let case_url = case_path.split('?').next().unwrap_or_default().to_owned();
    b.audit("case-new").await?;

    // Assign the victim as OIC, from the obligation's own page: refused in the plan's own
    // words, on that page.
    b.go(&format!("{case_url}/obligations/oic-assigned/0"))
        .await?;
    let oic_form = "form[action$='/steps/oic_assigned']";
    b.pick(&format!("{oic_form} select[name=officer]"), "PC-4410")
        .await?;
    b.submit(&format!("{oic_form} button")).await?;
    let refusal = b.text(".govuk-error-summary").await?;
    ensure!(
        refusal.contains("Refused by point") && refusal.contains("The plan says"),
        "no refusal shown: {refusal}"
    );
    b.audit("case-refused").await?;
    // Assign the investigator instead: back on the case page, by name.
    b.pick(&format!("{oic_form} select[name=officer]"), "DC-3020")
        .await?;
    b.submit(&format!("{oic_form} button")).await?;
    ensure!(
        b.text(".govuk-notification-banner--success")
            .await?
            .contains("Saved")
    );
    ensure!(
        b.text("#case-summary")
            .await?
            .contains("DC Sam Patel (DC-3020)"),
        "OIC not shown by name"
    );

    // Complete a step and see its clock change.
    let card = "ob-crime-recorded-0";
    let before = tag_of(b, card).await?;
    b.click(&format!("#{card} a")).await?;
    b.fill(
        "form[action$='/steps/crime_recorded'] input[name=crime_reference]",
        "CR-2026-1001",
    )
    .await?;
    b.submit("form[action$='/steps/crime_recorded'] button")
        .await?;
    let after = tag_of(b, card).await?;
    ensure!(
        before != after && after.starts_with("Met"),
        "clock {before} -> {after}"
    );
    eprintln!("crime recorded: {before} -> {after}");
    b.audit("case-steps").await?;
    b.go(&format!("{case_url}/record?step=key_decision_made"))
        .await?;
    b.audit("record-step").await?;

    // CSRF: a form with a wrong token, then with none, is refused with the 403 page.
    b.go(&case_url).await?;
    b.open_menu().await?;
    b.c.execute(
        "document.querySelector(\"form.pledge-sign-out input[name=csrf_token]\").value = 'wrong';",
        vec![],
    )
    .await?;
    b.submit("form.pledge-sign-out button").await?;
    ensure!(
        b.text("h1").await? == "This form has expired",
        "wrong token accepted"
    );
    b.audit("csrf-refused").await?;
    b.go(&case_url).await?;
    b.open_menu().await?;
    b.c.execute(
        "document.querySelector(\"form.pledge-sign-out input[name=csrf_token]\").remove();",
        vec![],
    )
    .await?;
    b.submit("form.pledge-sign-out button").await?;
    ensure!(
        b.text("h1").await? == "This form has expired",
        "missing token accepted"
    );
    b.go("/cases").await?;
    b.audit("cases").await?;
    b.go("/account").await?;
    b.audit("account").await?;
    b.go("/account/password").await?;
    b.audit("change-password").await?;
    b.sign_out().await?;
    b.audit("signed-out").await?;

    // ---- Investigator: the new case's tasks are theirs now.
    b.sign_in(app, "DC-3020").await?;
    let tasks = b.text("#tasks").await?;
    ensure!(
        tasks.contains(case_url.trim_start_matches("/cases/")),
        "OIC has no task in the case"
    );
    ensure!(
        tasks.contains("due in") || tasks.contains("was due"),
        "{tasks}"
    );
    b.audit("tasks-investigator").await?;
    b.sign_out().await?;

    // ---- Victim: their own view, and their choice of update frequency.
    b.sign_in(app, "PC-4410").await?;
    b.go(&format!("{case_url}/victim")).await?;
    b.audit("victim-view").await?;
    b.click("#every_days").await?; // every week
    b.submit("form[action$='/update_frequency_chosen'] button")
        .await?;
    ensure!(b.text("#update-frequency").await? == "every week");
    let done = b.text("#done").await?;
    ensure!(done.contains("Done"), "nothing done shown: {done}");
    // Their view on the outcome: an empty answer is asked for again, then it is recorded and
    // meets the plan's "view before outcome" obligation.
    b.submit("form[action$='/victim_view_recorded'] button")
        .await?;
    ensure!(
        b.text(".govuk-error-summary")
            .await?
            .contains("Enter your view")
    );
    b.fill("#view", "I would like the man charged").await?;
    b.submit("form[action$='/victim_view_recorded'] button")
        .await?;
    ensure!(
        b.text(".govuk-notification-banner")
            .await?
            .contains("saved")
    );
    b.audit("victim-view-given").await?;
    b.fill("#note", "Evenings are best").await?;
    b.submit("form[action$='/vps_requested'] button").await?;
    ensure!(
        b.text(".govuk-notification-banner")
            .await?
            .contains("saved")
    );
    // The victim cannot open another colleague's case.
    b.go("/cases/PL-19990101-000001").await?;
    ensure!(b.text("h1").await? == "Page not found");
    b.sign_out().await?;

    // ---- Senior leadership and the force lead: the overview.
    for who in ["SUPT-0450", "CI-0101", "INSP-1107"] {
        b.sign_in(app, who).await?;
        b.go("/overview").await?;
        ensure!(b.text("h1").await? == "Overview");
        if who != "INSP-1107" {
            // The PCSO's case in the Southern Division: no arrest, the suspect ran.
            let page = b.page_text().await?;
            ensure!(
                page.contains("No arrest") && page.contains("WX-2026-0064"),
                "{page}"
            );
        }
        // Units, points and owners by name, never by their codes.
        let page = b.page_text().await?;
        ensure!(
            !page.contains("north-response") && !page.contains("south-response"),
            "unit codes on the overview: {page}"
        );
        if page.contains("Overdue, by unit and plan point") && !page.contains("Nothing is overdue")
        {
            ensure!(page.contains("Team"), "units by name: {page}");
        }
        b.audit(&format!("overview-{who}")).await?;
        if who == "SUPT-0450" {
            // Rates per 1,000 staff from the stored headcounts, units by name.
            let rates = b.text("#rates").await?;
            ensure!(
                rates.contains("Northern Response Team 2")
                    && rates.contains("All these units")
                    && !rates.contains("north-response"),
                "{rates}"
            );
            case_list_journey(b).await?;
        }
        b.sign_out().await?;
    }

    // ---- The scrutiny pack: the analyst's panel version, the force lead's named one.
    pack_journey(b, app).await?;

    // ---- Welfare: tasks page.
    b.sign_in(app, "TRIM-07").await?;
    b.audit("tasks-welfare").await?;
    b.go("/admin").await?;
    ensure!(
        b.text("h1").await? == "You cannot do this",
        "admin open to welfare"
    );
    b.audit("forbidden").await?;
    b.sign_out().await?;

    // ---- Administrator (two-factor): every administration page; a people file imported
    // (upload, dry run, confirmation); an API token created (shown once) and revoked; an account; a meeting date.
    b.sign_in(app, "ADM-9000").await?;
    for page in [
        "",
        "/people",
        "/units",
        "/plans",
        "/meetings",
        "/tokens",
        "/accounts",
        "/import/units",
        "/import/crimes",
    ] {
        b.go(&format!("/admin{page}")).await?;
        b.audit(&format!("admin{}", page.replace('/', "-"))).await?;
    }
    // Imports: a real file upload, checked first (the dry run in words), then confirmed.
    let dir = std::env::temp_dir().join(format!("pledge-browser-import-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let people = dir.join("people.csv");
    std::fs::write(
        &people,
        "id,name,email,workforce_role,unit,line_manager,staff_association\nPC-5001,PC New Starter,,officer,north-response,PS-2231,federation\n",
    )?;
    let bad = dir.join("bad.csv");
    std::fs::write(
        &bad,
        "id,name,unit\nPC-5002,PC Lost,atlantis\nPC-5002,PC Twice,north-response\n",
    )?;
    b.go("/admin/import/people").await?;
    b.audit("admin-import-people").await?;
    b.submit("#check").await?;
    ensure!(
        b.text(".govuk-error-summary")
            .await?
            .contains("Select a CSV file"),
        "no error for a missing file"
    );
    b.audit("admin-import-no-file").await?;
    b.c.find(Locator::Css("#file"))
        .await?
        .send_keys(&bad.display().to_string())
        .await?;
    b.submit("#check").await?;
    let problems = b.text("#problems").await?;
    ensure!(
        problems.contains("row 2, column \"unit\": no unit \"atlantis\" in your force")
            && problems.contains("row 3, column \"id\": \"PC-5002\" is also on row 2"),
        "{problems}"
    );
    ensure!(
        b.text(".govuk-error-summary")
            .await?
            .contains("nothing was saved")
    );
    b.audit("admin-import-problems").await?;
    b.c.find(Locator::Css("#file"))
        .await?
        .send_keys(&people.display().to_string())
        .await?;
    b.click("#partial").await?;
    b.submit("#check").await?;
    ensure!(b.text("h1").await? == "Check what importing this people file would do");
    let dry = b.text("#dry-run").await?;
    ensure!(
        dry.contains("New people") && dry.contains("Leaving"),
        "{dry}"
    );
    ensure!(
        b.text("#new").await? == "PC New Starter, Northern Response Team 2",
        "the new person is not named in words"
    );
    ensure!(
        !b.page_text().await?.contains("PC-5001"),
        "an id on the dry run"
    );
    b.audit("admin-import-dry-run").await?;
    ensure!(
        pledge_store::Store::person(app.store(), "PC-5001")
            .await?
            .is_none(),
        "saved before confirming"
    );
    b.submit("#confirm").await?;
    ensure!(
        b.text("#notice")
            .await?
            .starts_with("Imported: 1 new, 0 changed"),
        "no success notice"
    );
    b.audit("admin-import-done").await?;
    b.go("/admin/people").await?;
    ensure!(b.page_text().await?.contains("PC New Starter"));
    let _ = std::fs::remove_dir_all(&dir);

    // API tokens: nothing answered, then a token shown once, then revoked.
    b.go("/admin/tokens").await?;
    b.submit("form[action='/admin/tokens'] button").await?;
    ensure!(
        b.text(".govuk-error-summary a[href='#name']")
            .await?
            .contains("Token name"),
        "no error for the token name"
    );
    ensure!(
        b.text(".govuk-error-summary").await?.contains("Token name"),
        "no error summary"
    );
    b.audit("admin-token-errors").await?;
    b.fill("#name", "journey-system").await?;
    b.click("#scopes").await?;
    b.submit("form[action='/admin/tokens'] button").await?;
    ensure!(b.text("h1").await? == "Token journey-system created");
    let token = b.text("#secret").await?;
    ensure!(token.starts_with("pledge_") && token.len() == 71, "{token}");
    ensure!(b.page_text().await?.contains("will not be shown again"));
    b.audit("admin-token-created").await?;
    b.go("/admin/tokens").await?;
    ensure!(
        !b.page_text().await?.contains(&token),
        "the token is shown again"
    );
    b.submit("button[value='journey-system']").await?;
    ensure!(b.text("#notice").await?.contains("journey-system revoked"));
    ensure!(
        b.text("button[value='journey-system']").await.is_err(),
        "a revoked token still has a revoke button"
    );
    b.audit("admin-token-revoked").await?;

    // Accounts: one for the person just uploaded, then the same again (refused).
    b.go("/admin/accounts").await?;
    b.fill("#person_id", "PC-5001").await?;
    b.click("#roles").await?;
    b.submit("form[action='/admin/accounts'] button").await?;
    ensure!(b.text("h1").await? == "Account created for PC-5001");
    ensure!(b.text("#secret").await?.len() >= 12);
    b.audit("admin-account-created").await?;
    b.go("/admin/accounts").await?;
    b.fill("#person_id", "PC-5001").await?;
    b.submit("form[action='/admin/accounts'] button").await?;
    let summary = b.text(".govuk-error-summary a[href='#person_id']").await?;
    ensure!(summary.contains("already has an account"), "{summary}");
    b.audit("admin-account-errors").await?;

    // Meeting calendars: nothing answered, then a meeting tomorrow.
    b.go("/admin/meetings").await?;
    b.submit("form[action='/admin/meetings'] button").await?;
    let summary = b.text(".govuk-error-summary").await?;
    ensure!(
        summary.contains("Unit") && summary.contains("Date") && summary.contains("Time"),
        "{summary}"
    );
    b.audit("admin-meeting-errors").await?;
    b.pick("#calendar", "trm").await?;
    b.pick("#unit", "north-cid").await?;
    b.set_value("#date", &tomorrow()).await?;
    b.set_value("#time", "10:30").await?;
    b.submit("form[action='/admin/meetings'] button").await?;
    let notice = b.text("#notice").await?;
    ensure!(
        notice.contains("Meeting added") && notice.contains("north-cid"),
        "{notice}"
    );
    ensure!(b.page_text().await?.contains("10:30"));
    b.audit("admin-meeting-added").await?;

    // A recurring meeting: a wrong exception date (named), then Wednesdays at 09:30.
    b.pick("#every_calendar", "trm").await?;
    b.pick("#every_unit", "north-cid").await?;
    b.pick("#weekday", "Wednesday").await?;
    b.set_value("#every_time", "09:30").await?;
    b.set_value("#from", "2030-01-01").await?;
    b.fill("#except", "2030-13-01").await?;
    b.submit("form[action='/admin/meetings/schedule'] button")
        .await?;
    let summary = b.text(".govuk-error-summary a[href='#except']").await?;
    ensure!(
        summary.contains("Dates it does not meet") && summary.contains("2030-13-01"),
        "{summary}"
    );
    b.audit("admin-schedule-errors").await?;
    b.fill("#except", "2030-01-09").await?;
    b.submit("form[action='/admin/meetings/schedule'] button")
        .await?;
    let notice = b.text("#notice").await?;
    ensure!(notice.contains("Recurring meeting set"), "{notice}");
    let text = b.page_text().await?;
    ensure!(
        text.contains("every Wednesday at 09:30 from 2030-01-01 except 2030-01-09"),
        "{text}"
    );
    b.audit("admin-schedule-set").await?;
    b.sign_out().await?;
    Ok(())
}

/// The figures the page should show: the same pack the application makes for the page's
/// default request (the twelve months to yesterday).
async fn expected_pack(
    app: &crate::harness::TestApp,
    who: &str,
    roles: &[pledge_app::AccountRole],
    named: bool,
) -> anyhow::Result<pledge_app::reports::Pack> {
    let now = app.state.now();
    let today = now
        .to_zoned(jiff::tz::TimeZone::get("Europe/London")?)
        .date();
    let q = pledge_web::pages::PackQuery {
        version: if named { "named" } else { "panel" }.into(),
        ..Default::default()
    };
    let req = pledge_web::pages::report_request("Wessex Constabulary", &q, today)?;
    let actor = pledge_app::Actor::Person {
        id: who.into(),
        roles: roles.iter().copied().collect(),
        unit: Some("force-hq".into()),
        force: Some("Wessex Constabulary".into()),
    };
    Ok(app.state.app().report_pack(&actor, &req, now).await?)
}

/// Row `label` of table `id` as the page shows it: its cells' text.
async fn shown_row(b: &Browser, id: &str, label: &str) -> anyhow::Result<Vec<String>> {
    let rows =
        b.c.find_all(Locator::Css(&format!("#table-{id} tbody tr")))
            .await?;
    for r in rows {
        let head = r.find(Locator::Css("th")).await?.text().await?;
        if head.trim() == label {
            let mut out = Vec::new();
            for c in r.find_all(Locator::Css("td")).await? {
                out.push(c.text().await?.trim().to_owned());
            }
            return Ok(out);
        }
    }
    anyhow::bail!("no row {label} in table {id}")
}

async fn pack_journey(b: &mut Browser, app: &crate::harness::TestApp) -> anyhow::Result<()> {
    use pledge_app::AccountRole::{Analyst, ForceLead, Staff};
    b.sign_in(app, "AN-5005").await?;
    // The menu leads to it.
    b.go("/").await?;
    b.open_menu().await?;
    b.click("#navigation a[href='/reports']").await?;
    ensure!(b.text("h1").await? == "Scrutiny pack");
    let want = expected_pack(app, "AN-5005", &[Staff, Analyst], false).await?;
    let assaults = want.table("assaults").context("assaults table")?;
    ensure!(
        !matches!(
            assaults.rows[0].cells[0],
            pledge_app::reports::Cell::Count { value: 0 }
        ),
        "the demo has assaults in the last twelve months: {:?}",
        assaults.rows[0]
    );
    // Every row of the assaults, injury and arrests tables as the pack has it.
    for id in ["assaults", "injury", "arrests", "point_by_point"] {
        for row in &want.table(id).context("table")?.rows {
            let shown = shown_row(b, id, &row.label).await?;
            let expected: Vec<String> = row.cells.iter().map(|c| c.display()).collect();
            ensure!(
                shown == expected,
                "{id} / {}: page {shown:?}, pack {expected:?}",
                row.label
            );
        }
    }
    let page = b.page_text().await?;
    ensure!(
        page.contains("Safe to publish") && page.contains("fewer than 5"),
        "the panel version says how it is suppressed: {page}"
    );
    // No names, collar numbers or case references in the panel version.
    for leak in [
        "PC-4410",
        "WX-2026-",
        "Suspect ran off",
        "Repeat victims, named",
    ] {
        ensure!(!page.contains(leak), "the panel pack shows {leak}");
    }
    // The charts are drawn on the server, beside their tables.
    ensure!(b.c.find_all(Locator::Css("svg.pledge-chart")).await?.len() >= 3);
    // The analyst is not offered the named version.
    ensure!(b.c.find_all(Locator::Css("#version")).await?.is_empty());
    b.audit("pack-panel").await?;
    // A bad date is an error on the page naming the field.
    b.go("/reports?from=yesterday").await?;
    ensure!(
        b.text(".govuk-error-summary")
            .await?
            .contains("enter a date")
    );
    b.audit("pack-error").await?;
    b.sign_out().await?;

    // The force lead: the named version, with the free-text reasons the panel never sees.
    b.sign_in(app, "CI-0101").await?;
    b.go("/reports").await?;
    b.pick("#version", "named").await?;
    b.submit("form[action='/reports'] button[type=submit]")
        .await?;
    let page = b.page_text().await?;
    ensure!(
        page.contains("This pack names colleagues and cases"),
        "{page}"
    );
    ensure!(page.contains("Reasons given for no arrest"), "{page}");
    let named = expected_pack(app, "CI-0101", &[Staff, ForceLead], true).await?;
    for row in &named.table("assaults").context("assaults")?.rows {
        let shown = shown_row(b, "assaults", &row.label).await?;
        let expected: Vec<String> = row.cells.iter().map(|c| c.display()).collect();
        ensure!(
            shown == expected,
            "named assaults / {}: {shown:?} vs {expected:?}",
            row.label
        );
    }
    b.audit("pack-named").await?;
    b.sign_out().await?;
    Ok(())
}
