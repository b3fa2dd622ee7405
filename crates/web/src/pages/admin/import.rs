//! Imports on the administration pages: a people, units or crimes file (a real file upload,
//! `multipart/form-data`, with an optional column mapping), first checked in a dry run that
//! says what would change (new, changed, leavers, with the first rows of each), then applied
//! when the administrator confirms. Between the two the file is kept in the store for its
//! uploader only (so the confirmation applies exactly the bytes checked, on any server), and
//! removed when applied or after a day. The work is the app's (`import_people`,
//! `import_units`, `import_crimes`), through the policy.

use super::{LINKS, admin_only};
use crate::pages::auth_steps::csrf_matches;
use crate::pages::error::PageError;
use crate::pages::form::ErrorItem;
use crate::pages::layout::Layout;
use crate::pages::session::{PageForm, PageUser};
use crate::state::AppState;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use pledge_app::import::{
    CrimeOutcome, CrimeReport, DirectoryReport, FileErrors, ImportMode, Mapping, Sample,
};
use pledge_store::{DirectoryStore, ImportUpload};
use serde::{Deserialize, Serialize};

/// The largest file an import page accepts.
pub const MAX_UPLOAD_BYTES: usize = 16 * 1024 * 1024;

/// What is imported.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    People,
    Units,
    Crimes,
}

impl Kind {
    fn parse(s: &str) -> Option<Self> {
        match s {
            "people" => Some(Kind::People),
            "units" => Some(Kind::Units),
            "crimes" => Some(Kind::Crimes),
            _ => None,
        }
    }
    fn slug(self) -> &'static str {
        match self {
            Kind::People => "people",
            Kind::Units => "units",
            Kind::Crimes => "crimes",
        }
    }
    fn title(self) -> &'static str {
        match self {
            Kind::People => "Import people",
            Kind::Units => "Import units",
            Kind::Crimes => "Import crimes",
        }
    }
    fn intro(self) -> Vec<String> {
        let common = "Choose the CSV file your system exported. Pledge checks all of it first and shows what would change; nothing is saved until you confirm. A file with any problem saves nothing: every problem is listed by row and column.".to_owned();
        let first = match self {
            Kind::People => {
                "People from your HR system's export. Each person needs an id, a name and the unit they belong to. Anyone in your force who is missing from a full file has left: they are kept, marked as left, and lose access to Pledge."
            }
            Kind::Units => {
                "Units from your HR system's export: each unit's id, name and the unit it is part of. Units are added and changed, never removed."
            }
            Kind::Crimes => {
                "Crime records from your records management system: each record's id, the crime reference, the classification and the outcome. Each is recorded on its case through the plan's rules; a record that matches no case is kept below for someone to resolve."
            }
        };
        vec![first.to_owned(), common]
    }
}

/// Options kept with an upload until it is confirmed.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct Options {
    mapping: String,
    partial: bool,
}

/// A list of rows in words, with how many more there are.
pub struct Section {
    /// Its heading.
    pub heading: String,
    /// The id of its list.
    pub id: &'static str,
    /// The first rows, in words.
    pub lines: Vec<String>,
    /// "and 12 more", or "".
    pub more: String,
}

/// An import page: the upload form, a dry run with its confirmation, or the result.
#[derive(Template, WebTemplate)]
#[template(path = "admin_import.html")]
pub struct ImportPage {
    /// Layout.
    pub layout: Layout,
    /// Heading.
    pub heading: String,
    /// Paragraphs.
    pub intro: Vec<String>,
    /// Links to the other administration pages.
    pub links: Vec<(&'static str, &'static str)>,
    /// `people`, `units` or `crimes`.
    pub kind: &'static str,
    /// A success message ("" for none).
    pub notice: String,
    /// The error summary.
    pub errors: Vec<ErrorItem>,
    /// The problems with the file, by row and column.
    pub problems: Vec<String>,
    /// What the dry run found, as (what, how many).
    pub summary: Vec<(String, String)>,
    /// The first rows of each kind of change.
    pub sections: Vec<Section>,
    /// The upload to confirm ("" when there is none).
    pub confirm: String,
    /// The confirmation button's words.
    pub confirm_label: String,
    /// Show the upload form.
    pub show_form: bool,
    /// Offer "only some people" (people files).
    pub offer_partial: bool,
    /// Crime records waiting for someone to resolve, in words: (record, crime reference,
    /// why, when).
    pub unmatched: Vec<Vec<String>>,
}

fn blank(layout: Layout, kind: Kind) -> ImportPage {
    ImportPage {
        layout,
        heading: kind.title().to_owned(),
        intro: kind.intro(),
        links: LINKS.to_vec(),
        kind: kind.slug(),
        notice: String::new(),
        errors: Vec::new(),
        problems: Vec::new(),
        summary: Vec::new(),
        sections: Vec::new(),
        confirm: String::new(),
        confirm_label: String::new(),
        show_form: true,
        offer_partial: kind == Kind::People,
        unmatched: Vec::new(),
    }
}

fn with_problem(mut p: ImportPage, message: &str) -> ImportPage {
    p.errors.push(ErrorItem {
        href: "#file".into(),
        message: message.to_owned(),
    });
    p.layout = p.layout.with_errors(true);
    p
}

fn with_file_errors(mut p: ImportPage, e: &FileErrors) -> ImportPage {
    p = with_problem(
        p,
        &format!(
            "The file has {} {}; nothing was saved. Correct the file and upload it again.",
            e.total,
            if e.total == 1 { "problem" } else { "problems" }
        ),
    );
    p.problems = e.lines();
    p
}

fn respond(p: ImportPage) -> Response {
    let status = if p.errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    (status, p).into_response()
}

fn section(heading: &str, id: &'static str, s: &Sample) -> Option<Section> {
    (s.count > 0).then(|| Section {
        heading: format!("{heading} ({})", s.count),
        id,
        lines: s.first.clone(),
        more: if s.count > s.first.len() {
            format!("and {} more", s.count - s.first.len())
        } else {
            String::new()
        },
    })
}

fn noun(kind: &str, n: usize) -> &'static str {
    match (kind, n) {
        ("people", 1) => "person",
        ("people", _) => "people",
        (_, 1) => "unit",
        _ => "units",
    }
}

/// Fills a page with a directory report: a dry run to confirm, or what was saved.
fn directory(mut p: ImportPage, r: &DirectoryReport, upload: Option<&str>) -> ImportPage {
    if !r.errors.is_empty() {
        return with_file_errors(p, &r.errors);
    }
    let would = if r.applied { "" } else { "would be " };
    p.summary = vec![
        ("Rows in the file".into(), r.rows.to_string()),
        (format!("New {}", noun(r.what, 2)), r.new.count.to_string()),
        ("Changed".into(), r.changed.count.to_string()),
        ("Unchanged".into(), r.unchanged.to_string()),
    ];
    if r.what == "people" {
        p.summary.push((
            format!("Leaving ({}marked as left)", would),
            r.leavers.count.to_string(),
        ));
        p.summary
            .push(("Back after leaving".into(), r.returners.count.to_string()));
    }
    p.sections = [
        section(&format!("New {}", noun(r.what, 2)), "new", &r.new),
        section("Changed", "changed", &r.changed),
        section("Leaving", "leavers", &r.leavers),
        section("Back after leaving", "returners", &r.returners),
    ]
    .into_iter()
    .flatten()
    .collect();
    if r.applied {
        p.notice = format!(
            "Imported: {} new, {} changed{}.",
            r.new.count,
            r.changed.count,
            if r.what == "people" {
                format!(
                    ", {} marked as left ({} lost access)",
                    r.leavers.count, r.access_ended
                )
            } else {
                String::new()
            }
        );
    } else if let Some(id) = upload {
        p.heading = format!("Check what importing this {} file would do", r.what);
        p.intro = vec!["Nothing has been saved yet.".into()];
        p.confirm = id.to_owned();
        p.confirm_label = format!(
            "Import {} new and {} changed {}",
            r.new.count,
            r.changed.count,
            noun(r.what, r.new.count + r.changed.count)
        );
        p.show_form = false;
    }
    p
}

fn crime_line(row: u64, record: &str, o: &CrimeOutcome) -> (&'static str, String) {
    let at = format!("Row {row} (record {record})");
    match o {
        CrimeOutcome::Recorded { case_id, steps }
        | CrimeOutcome::WouldRecord { case_id, steps } => (
            "record",
            format!(
                "{at}: case {case_id}: {}",
                steps
                    .iter()
                    .map(|s| match s.as_str() {
                        "crime_recorded" => "crime recorded",
                        "outcome_finalised" => "outcome finalised",
                        other => other,
                    })
                    .collect::<Vec<_>>()
                    .join(" and ")
            ),
        ),
        CrimeOutcome::AlreadyRecorded { case_id, .. } => (
            "already",
            format!("{at}: already recorded on case {case_id}"),
        ),
        CrimeOutcome::NothingNew { case_id } => {
            ("already", format!("{at}: case {case_id} already says this"))
        }
        CrimeOutcome::Unmatched { reason } => ("unmatched", format!("{at}: {reason}")),
        CrimeOutcome::Refused {
            case_id, reason, ..
        } => ("refused", format!("{at}: case {case_id}: {reason}")),
    }
}

fn crimes(mut p: ImportPage, r: &CrimeReport, upload: Option<&str>) -> ImportPage {
    if !r.errors.is_empty() {
        return with_file_errors(p, &r.errors);
    }
    let mut groups: Vec<(&'static str, &str, Vec<String>)> = vec![
        (
            "record",
            if r.dry_run { "To record" } else { "Recorded" },
            Vec::new(),
        ),
        ("refused", "Refused by the plan's rules", Vec::new()),
        ("unmatched", "No matching case", Vec::new()),
        ("already", "Already recorded", Vec::new()),
    ];
    for row in &r.rows {
        let (group, line) = crime_line(row.row, &row.record.record_id, &row.outcome);
        if let Some(g) = groups.iter_mut().find(|g| g.0 == group) {
            g.2.push(line);
        }
    }
    p.summary = vec![("Rows in the file".into(), r.rows.len().to_string())];
    for (id, heading, lines) in groups {
        p.summary
            .push((heading.to_owned(), lines.len().to_string()));
        let sample = Sample {
            count: lines.len(),
            first: lines
                .into_iter()
                .take(pledge_app::import::SAMPLE_ROWS)
                .collect(),
        };
        let id = match id {
            "record" => "record",
            "refused" => "refused",
            "unmatched" => "unmatched-rows",
            _ => "already",
        };
        if let Some(s) = section(heading, id, &sample) {
            p.sections.push(s);
        }
    }
    let to_record = r.count(|o| matches!(o, CrimeOutcome::WouldRecord { .. }));
    if !r.dry_run {
        p.notice = format!(
            "Imported: {} recorded, {} refused, {} with no matching case.",
            r.count(|o| matches!(o, CrimeOutcome::Recorded { .. })),
            r.count(|o| matches!(o, CrimeOutcome::Refused { .. })),
            r.count(|o| matches!(o, CrimeOutcome::Unmatched { .. })),
        );
    } else if let Some(id) = upload {
        p.heading = "Check what importing this crimes file would do".into();
        p.intro = vec!["Nothing has been recorded yet.".into()];
        p.confirm = id.to_owned();
        p.confirm_label = format!(
            "Record {to_record} crime {}",
            if to_record == 1 { "record" } else { "records" }
        );
        p.show_form = false;
    }
    p
}

async fn with_unmatched(state: &AppState, user: &PageUser, mut p: ImportPage) -> ImportPage {
    if p.kind != "crimes" {
        return p;
    }
    if let Ok(list) = state.app().unmatched_crimes(&user.actor, 200).await {
        p.unmatched = list
            .into_iter()
            .map(|u| {
                vec![
                    format!("{} record {}", u.source, u.record_id),
                    u.crime_reference,
                    u.reason,
                    u.received_at
                        .to_zoned(
                            jiff::tz::TimeZone::get("Europe/London")
                                .unwrap_or(jiff::tz::TimeZone::UTC),
                        )
                        .strftime("%-d %B %Y %H:%M")
                        .to_string(),
                ]
            })
            .collect();
    }
    p
}

fn kind_of(s: &str) -> Result<Kind, PageError> {
    Kind::parse(s).ok_or(PageError::NotFound)
}

/// `GET /admin/import/{kind}`: the upload form.
pub async fn form(
    State(state): State<AppState>,
    user: PageUser,
    Path(kind): Path<String>,
) -> Response {
    let layout = user.layout("Import", "/admin");
    let r = async {
        admin_only(&user)?;
        let kind = kind_of(&kind)?;
        let p = blank(user.layout(kind.title(), "/admin"), kind);
        Ok::<_, PageError>(with_unmatched(&state, &user, p).await)
    }
    .await;
    match r {
        Ok(p) => respond(p),
        Err(e) => e.page(layout),
    }
}

/// What the upload form sent.
#[derive(Default)]
struct Sent {
    csrf: String,
    file: Vec<u8>,
    file_name: String,
    mapping: String,
    partial: bool,
}

async fn read_form(mut m: Multipart) -> Result<Sent, String> {
    let mut sent = Sent::default();
    loop {
        let field = match m.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) => {
                return Err(if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                    format!(
                        "The file is larger than {} MB: split it, or use the command line (pledge import)",
                        MAX_UPLOAD_BYTES / (1024 * 1024)
                    )
                } else {
                    "The upload could not be read; choose the file and try again".into()
                });
            }
        };
        let name = field.name().unwrap_or_default().to_owned();
        let file_name = field.file_name().unwrap_or_default().to_owned();
        let bytes = field.bytes().await.map_err(|e| {
            if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                format!(
                    "The file is larger than {} MB: split it, or use the command line (pledge import)",
                    MAX_UPLOAD_BYTES / (1024 * 1024)
                )
            } else {
                "The upload could not be read; choose the file and try again".to_owned()
            }
        })?;
        match name.as_str() {
            "csrf_token" => sent.csrf = String::from_utf8_lossy(&bytes).into_owned(),
            "file" => {
                sent.file = bytes.to_vec();
                sent.file_name = file_name;
            }
            "mapping" => {
                sent.mapping = String::from_utf8(bytes.to_vec())
                    .map_err(|_| "The mapping file is not UTF-8 text".to_owned())?;
            }
            "partial" => sent.partial = true,
            _ => {}
        }
    }
    Ok(sent)
}

/// `POST /admin/import/{kind}` (multipart): the dry run, with a button to confirm.
pub async fn upload(
    State(state): State<AppState>,
    user: PageUser,
    Path(kind): Path<String>,
    multipart: Multipart,
) -> Response {
    let layout = user.layout("Import", "/admin");
    let kind = match admin_only(&user).and_then(|()| kind_of(&kind)) {
        Ok(k) => k,
        Err(e) => return e.page(layout),
    };
    let p = blank(user.layout(kind.title(), "/admin"), kind);
    let sent = match read_form(multipart).await {
        Ok(s) => s,
        Err(message) => return respond(with_problem(p, &message)),
    };
    if !csrf_matches(&user.user, &sent.csrf) {
        return PageError::Csrf.page(layout);
    }
    if sent.file.is_empty() {
        let p = with_unmatched(&state, &user, p).await;
        return respond(with_problem(
            p,
            if sent.file_name.is_empty() {
                "Select a CSV file"
            } else {
                "The selected file is empty"
            },
        ));
    }
    let mapping = match Mapping::from_toml(&sent.mapping) {
        Ok(m) => m,
        Err(e) => {
            let mut p = with_problem(p, "The mapping file has a mistake");
            p.problems = vec![e];
            return respond(p);
        }
    };
    let options = Options {
        mapping: sent.mapping.clone(),
        partial: sent.partial,
    };
    let now = state.now();
    let id = pledge_app::accounts::random_hex(16);
    let result = run(&state, &user, kind, &sent.file, &mapping, &options, true).await;
    let page = match result {
        Ok(Ran::Directory(r)) if r.errors.is_empty() => {
            if let Err(e) = keep(&state, &user, kind, &id, &options, sent.file, now).await {
                return e.page(layout);
            }
            directory(p, &r, Some(&id))
        }
        Ok(Ran::Directory(r)) => directory(p, &r, None),
        Ok(Ran::Crimes(r)) if r.errors.is_empty() => {
            if let Err(e) = keep(&state, &user, kind, &id, &options, sent.file, now).await {
                return e.page(layout);
            }
            crimes(p, &r, Some(&id))
        }
        Ok(Ran::Crimes(r)) => crimes(p, &r, None),
        Err(e) => return e.page(layout),
    };
    respond(with_unmatched(&state, &user, page).await)
}

async fn keep(
    state: &AppState,
    user: &PageUser,
    kind: Kind,
    id: &str,
    options: &Options,
    body: Vec<u8>,
    now: jiff::Timestamp,
) -> Result<(), PageError> {
    let options = serde_json::to_string(options)
        .map_err(|e| PageError::from(pledge_app::AppError::Internal(e.to_string())))?;
    let store = state.store();
    let day_ago = now
        .checked_sub(jiff::SignedDuration::from_hours(24))
        .unwrap_or(now);
    store
        .remove_uploads("", day_ago)
        .await
        .map_err(pledge_app::AppError::from)?;
    store
        .keep_upload(&ImportUpload {
            id: id.to_owned(),
            actor: user.actor.log_id(),
            kind: kind.slug().to_owned(),
            options,
            body,
            created_at: now,
        })
        .await
        .map_err(pledge_app::AppError::from)?;
    Ok(())
}

enum Ran {
    Directory(DirectoryReport),
    Crimes(CrimeReport),
}

async fn run(
    state: &AppState,
    user: &PageUser,
    kind: Kind,
    file: &[u8],
    mapping: &Mapping,
    options: &Options,
    dry_run: bool,
) -> Result<Ran, PageError> {
    let (app, actor, now) = (state.app(), &user.actor, state.now());
    Ok(match kind {
        Kind::People => {
            let mode = if options.partial {
                ImportMode::Partial
            } else {
                ImportMode::Full
            };
            Ran::Directory(
                app.import_people(actor, file, mapping, mode, dry_run, now)
                    .await?,
            )
        }
        Kind::Units => Ran::Directory(app.import_units(actor, file, mapping, dry_run, now).await?),
        Kind::Crimes => Ran::Crimes(
            app.import_crimes(actor, file, mapping, dry_run, now)
                .await?,
        ),
    })
}

/// `POST /admin/import/{kind}/confirm`: applies the file the dry run checked.
pub async fn confirm(
    State(state): State<AppState>,
    Path(kind): Path<String>,
    form: PageForm,
) -> Response {
    let user = &form.user;
    let layout = user.layout("Import", "/admin");
    let r = async {
        admin_only(user)?;
        let kind = kind_of(&kind)?;
        let p = blank(user.layout(kind.title(), "/admin"), kind);
        let id = form.fields.get("upload").to_owned();
        let store = state.store();
        let upload = store
            .upload(&id, &user.actor.log_id())
            .await
            .map_err(pledge_app::AppError::from)?
            .filter(|u| {
                u.kind == kind.slug()
                    && u.created_at.as_second() > state.now().as_second() - 24 * 3600
            });
        let Some(upload) = upload else {
            return Ok(with_problem(
                p,
                "This upload is no longer waiting (it was imported, or it is more than a day old): upload the file again",
            ));
        };
        let options: Options = serde_json::from_str(&upload.options).unwrap_or_default();
        let mapping = Mapping::from_toml(&options.mapping).unwrap_or_default();
        let ran = run(&state, user, kind, &upload.body, &mapping, &options, false).await?;
        let now = state.now();
        let day_ago = now
            .checked_sub(jiff::SignedDuration::from_hours(24))
            .unwrap_or(now);
        store
            .remove_uploads(&id, day_ago)
            .await
            .map_err(pledge_app::AppError::from)?;
        let p = match ran {
            Ran::Directory(r) => directory(p, &r, None),
            Ran::Crimes(r) => crimes(p, &r, None),
        };
        Ok::<_, PageError>(with_unmatched(&state, user, p).await)
    }
    .await;
    match r {
        Ok(p) => respond(p),
        Err(e) => e.page(layout),
    }
}
