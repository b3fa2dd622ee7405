//! Importing a directory file: through the policy (those who maintain the force's people
//! only), parsed and checked in full before anything is written, then written in one store
//! transaction (all or nothing), then leavers lose access. A dry run stops before the write
//! and says what the import would do.

use super::diff::{self, Directory, PersonRow, UnitRow};
use super::headcount::{UnitHeadcount, headcounts_from_people};
use super::mapping::Mapping;
use super::parse::{Wanted, read_rows};
use super::{FileErrors, SAMPLE_ROWS};
use crate::actor::Actor;
use crate::app::App;
use crate::error::{AppError, AppResult};
use crate::policy::{OrgAction, decide_org};
use jiff::Timestamp;
use jiff::tz::TimeZone;
use pledge_store::{
    AccessAction, AccessEntry, AccountStore, DirectoryImport, DirectoryStore, Person, Store,
    StoreError, Unit,
};
use serde::Serialize;
use std::collections::HashMap;
use std::io::Read;

/// Whether a people file is the whole force (people missing from it have left) or a part.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ImportMode {
    /// The whole force: anyone of the force missing from the file has left.
    Full,
    /// Some people only: nobody is found to have left.
    Partial,
}

/// The first few of a list, and how many in all.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Sample {
    /// The first [`SAMPLE_ROWS`], in words.
    pub first: Vec<String>,
    /// How many in all.
    pub count: usize,
}

impl Sample {
    fn of<T>(items: &[T], describe: impl Fn(&T) -> String) -> Self {
        Self {
            first: items.iter().take(SAMPLE_ROWS).map(describe).collect(),
            count: items.len(),
        }
    }
}

/// What a directory import did, or would do (a dry run), or why it did nothing.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct DirectoryReport {
    /// `people` or `units`.
    pub what: &'static str,
    /// Data rows read.
    pub rows: usize,
    /// New people or units.
    pub new: Sample,
    /// Changed ones, with what changes.
    pub changed: Sample,
    /// Rows that change nothing.
    pub unchanged: usize,
    /// People found to have left.
    pub leavers: Sample,
    /// People marked as left who are back.
    pub returners: Sample,
    /// The problems (nothing is written when there is one).
    pub errors: FileErrors,
    /// The changes were written.
    pub applied: bool,
    /// People whose access ended because they have left.
    pub access_ended: usize,
    /// The force's people per unit and workforce role, as the file has them (people files).
    #[serde(skip)]
    pub headcounts: Vec<UnitHeadcount>,
}

impl DirectoryReport {
    fn failed(what: &'static str, rows: usize, errors: FileErrors) -> Self {
        Self {
            what,
            rows,
            errors,
            ..Self::default()
        }
    }
}

/// The columns a people file is read with, in [`diff::person_row`]'s order.
fn people_wanted(m: &Mapping) -> [Wanted<'_>; 8] {
    let c = &m.people;
    fn w(header: &str, required: bool) -> Wanted<'_> {
        Wanted { header, required }
    }
    [
        w(&c.id, true),
        w(&c.name, true),
        w(&c.email, false),
        w(&c.workforce_role, false),
        w(&c.unit, true),
        w(&c.line_manager, false),
        w(&c.staff_association, false),
        w(&c.left_on, false),
    ]
}

fn describe_person(p: &Person, units: &HashMap<&str, &str>) -> String {
    match p.unit.as_deref().and_then(|u| units.get(u)) {
        Some(unit) => format!("{}, {unit}", p.name),
        None => p.name.clone(),
    }
}

fn person_changes(b: &Person, a: &Person, units: &HashMap<&str, &str>) -> String {
    let mut what = Vec::new();
    if b.name != a.name {
        what.push(format!("name {} to {}", b.name, a.name));
    }
    if b.unit != a.unit {
        let name = |u: &Option<String>| {
            u.as_deref()
                .map(|u| units.get(u).copied().unwrap_or(u).to_owned())
                .unwrap_or_else(|| "none".into())
        };
        what.push(format!("unit {} to {}", name(&b.unit), name(&a.unit)));
    }
    if b.email != a.email {
        what.push("email".into());
    }
    if b.workforce_role != a.workforce_role {
        what.push(format!(
            "role to {}",
            a.workforce_role
                .as_deref()
                .map(|r| r.replace('_', " "))
                .unwrap_or_else(|| "none".into())
        ));
    }
    if b.line_manager != a.line_manager {
        what.push("line manager".into());
    }
    if b.staff_association != a.staff_association {
        what.push("staff association".into());
    }
    format!("{}: {}", a.name, what.join(", "))
}

/// A store refusal during the write, as a problem with the file.
fn write_problem(e: StoreError) -> AppResult<FileErrors> {
    match e {
        StoreError::Refused { field, message } => Ok(FileErrors::file(format!(
            "{field}: {message} (nothing was saved)"
        ))),
        StoreError::Stale { what, .. } => Ok(FileErrors::file(format!(
            "{what} changed while the file was imported; nothing was saved: import it again"
        ))),
        other => Err(other.into()),
    }
}

impl<S: Store + DirectoryStore + AccountStore> App<S> {
    /// The force whose directory the actor maintains.
    fn maintained_force(actor: &Actor) -> AppResult<&str> {
        match actor.force() {
            Some(force) if decide_org(actor, OrgAction::Maintain, force) => Ok(force),
            _ => Err(AppError::Forbidden("import your force's directory".into())),
        }
    }

    /// Imports (or with `dry_run`, only checks and describes) a people file of the actor's
    /// force. Nothing is written unless the whole file is good; problems come back in the
    /// report, by row and column. A full import marks the people of the force missing from
    /// the file as left and ends their access; a partial one never does.
    pub async fn import_people<R: Read + Send>(
        &self,
        actor: &Actor,
        input: R,
        mapping: &Mapping,
        mode: ImportMode,
        dry_run: bool,
        now: Timestamp,
    ) -> AppResult<DirectoryReport> {
        let force = Self::maintained_force(actor)?.to_owned();
        let cols = &mapping.people;
        let mut rows: Vec<PersonRow> = Vec::new();
        let errors = read_rows(input, &people_wanted(mapping), |row, cells, errors| {
            if let Some(r) = diff::person_row(row, cells, cols, errors) {
                rows.push(r);
            }
        });
        let read = rows.len() + errors.total;
        if !errors.is_empty() {
            return Ok(DirectoryReport::failed("people", read, errors));
        }
        if rows.is_empty() && mode == ImportMode::Full {
            return Ok(DirectoryReport::failed(
                "people",
                0,
                FileErrors::file(
                    "the file lists nobody: a full import of it would mark everyone in your force as left",
                ),
            ));
        }
        let dir = Directory {
            units: self.store.units().await?,
            people: self.store.people().await?,
            left: self
                .store
                .leavers()
                .await?
                .into_iter()
                .map(|l| (l.person.id, l.left_on))
                .collect(),
        };
        let today = now
            .to_zoned(TimeZone::get("Europe/London").unwrap_or(TimeZone::UTC))
            .date();
        let mut errors = FileErrors::default();
        let d = diff::diff_people(
            &rows,
            &dir,
            &force,
            mode == ImportMode::Full,
            today,
            cols,
            &mut errors,
        );
        // An administrator never locks themselves out with a file that leaves them out.
        let me = actor.log_id();
        if d.leavers.iter().any(|(p, _)| p.id == me) {
            errors.push(super::RowError {
                row: 0,
                column: None,
                problem: format!(
                    "you ({me}) are not a current member of your force in this file: importing it would mark you as left and end your access; use a partial import, or ask another administrator"
                ),
            });
        }
        if !errors.is_empty() {
            return Ok(DirectoryReport::failed("people", rows.len(), errors));
        }
        let unit_names: HashMap<&str, &str> = dir
            .units
            .iter()
            .map(|u| (u.id.as_str(), u.name.as_str()))
            .collect();
        let current = rows
            .iter()
            .filter(|r| r.left_on.is_none_or(|d| d > today))
            .map(|r| &r.person);
        let mut report = DirectoryReport {
            what: "people",
            rows: rows.len(),
            new: Sample::of(&d.new, |p| describe_person(p, &unit_names)),
            changed: Sample::of(&d.changed, |(b, a)| person_changes(b, a, &unit_names)),
            unchanged: d.unchanged,
            leavers: Sample::of(&d.leavers, |(p, on)| {
                format!(
                    "{}, left on {}",
                    describe_person(p, &unit_names),
                    on.strftime("%-d %B %Y")
                )
            }),
            returners: Sample::of(&d.returners, |p| describe_person(p, &unit_names)),
            errors: FileErrors::default(),
            applied: false,
            access_ended: 0,
            headcounts: headcounts_from_people(current),
        };
        if dry_run {
            return Ok(report);
        }
        let import = DirectoryImport {
            units: Vec::new(),
            people: d.to_write(),
            leavers: d
                .leavers
                .iter()
                .map(|(p, on)| (p.id.clone(), *on))
                .collect(),
        };
        if let Err(e) = self.store.import_directory(&import).await {
            report.errors = write_problem(e)?;
            return Ok(report);
        }
        report.applied = true;
        if mode == ImportMode::Full {
            // A full file is the whole force on this day: its headcounts, for the pack's rates
            // per 1,000 (every unit of the force, an emptied one at zero).
            self.record_headcounts(&force, &dir.units, &report.headcounts, today)
                .await?;
        }
        self.log_import(actor, &report, now).await?;
        let ended = self
            .end_access_of_leavers(actor, &force, now)
            .await
            .map_err(|e| AppError::Internal(format!("ending leavers' access: {e}")))?;
        report.access_ended = ended.len();
        Ok(report)
    }

    /// Stores a full import's headcounts per unit and workforce role, dated `on`.
    async fn record_headcounts(
        &self,
        force: &str,
        units: &[pledge_store::Unit],
        counts: &[UnitHeadcount],
        on: jiff::civil::Date,
    ) -> AppResult<()> {
        for unit in units.iter().filter(|u| u.force == force) {
            let c = counts.iter().find(|h| h.unit == unit.id);
            let of = |f: fn(&UnitHeadcount) -> u32| c.map(f).unwrap_or(0);
            for (role, count) in [
                ("officer", of(|h| h.officers)),
                ("special_constable", of(|h| h.specials)),
                ("pcso", of(|h| h.pcsos)),
                ("staff", of(|h| h.staff)),
                ("volunteer", of(|h| h.volunteers)),
            ] {
                self.store
                    .set_headcount(&pledge_store::Headcount {
                        force: force.to_owned(),
                        unit: unit.id.clone(),
                        on,
                        role: role.to_owned(),
                        count,
                    })
                    .await?;
            }
        }
        Ok(())
    }

    /// Imports (or checks) a units file of the actor's force: new and changed units, written
    /// parents first; units are never removed.
    pub async fn import_units<R: Read + Send>(
        &self,
        actor: &Actor,
        input: R,
        mapping: &Mapping,
        dry_run: bool,
        now: Timestamp,
    ) -> AppResult<DirectoryReport> {
        let force = Self::maintained_force(actor)?.to_owned();
        let cols = &mapping.units;
        let wanted = [
            Wanted {
                header: &cols.id,
                required: true,
            },
            Wanted {
                header: &cols.name,
                required: true,
            },
            Wanted {
                header: &cols.parent,
                required: false,
            },
        ];
        let mut rows: Vec<UnitRow> = Vec::new();
        let errors = read_rows(input, &wanted, |row, cells, errors| {
            if let Some(r) = diff::unit_row(row, cells, &force, cols, errors) {
                rows.push(r);
            }
        });
        if !errors.is_empty() {
            return Ok(DirectoryReport::failed(
                "units",
                rows.len() + errors.total,
                errors,
            ));
        }
        let all = self.store.units().await?;
        let mut errors = FileErrors::default();
        let d = diff::diff_units(&rows, &all, &force, cols, &mut errors);
        if !errors.is_empty() {
            return Ok(DirectoryReport::failed("units", rows.len(), errors));
        }
        let names: HashMap<&str, &str> = all
            .iter()
            .chain(rows.iter().map(|r| &r.unit))
            .map(|u| (u.id.as_str(), u.name.as_str()))
            .collect();
        let describe = |u: &Unit| match u.parent.as_deref() {
            Some(p) => format!("{}, part of {}", u.name, names.get(p).copied().unwrap_or(p)),
            None => format!("{}, at the top of the force", u.name),
        };
        let mut report = DirectoryReport {
            what: "units",
            rows: rows.len(),
            new: Sample::of(&d.new, describe),
            changed: Sample::of(&d.changed, |(_, a)| describe(a)),
            unchanged: d.unchanged,
            ..DirectoryReport::default()
        };
        if dry_run {
            return Ok(report);
        }
        let import = DirectoryImport {
            units: d.ordered,
            people: Vec::new(),
            leavers: Vec::new(),
        };
        if let Err(e) = self.store.import_directory(&import).await {
            report.errors = write_problem(e)?;
            return Ok(report);
        }
        report.applied = true;
        self.log_import(actor, &report, now).await?;
        Ok(report)
    }

    async fn log_import(
        &self,
        actor: &Actor,
        r: &DirectoryReport,
        now: Timestamp,
    ) -> AppResult<()> {
        self.store
            .record_access(AccessEntry {
                at: now,
                actor: actor.log_id(),
                action: AccessAction::Alter,
                case_id: None,
                what: format!(
                    "{} imported: {} new, {} changed, {} left, {} back",
                    r.what, r.new.count, r.changed.count, r.leavers.count, r.returners.count
                ),
                justification: "maintaining the people directory".into(),
            })
            .await?;
        Ok(())
    }

    /// The people of the actor's force marked as left, with the day (for the directory page).
    pub async fn leavers_of_force(&self, actor: &Actor) -> AppResult<Vec<pledge_store::Leaver>> {
        let units: std::collections::HashSet<String> = self
            .units_of_force(actor)
            .await?
            .into_iter()
            .map(|u| u.id)
            .collect();
        if !actor
            .force()
            .is_some_and(|f| decide_org(actor, OrgAction::ReadPeople, f))
        {
            return Err(AppError::Forbidden("read the people directory".into()));
        }
        Ok(self
            .store
            .leavers()
            .await?
            .into_iter()
            .filter(|l| l.person.unit.as_deref().is_some_and(|u| units.contains(u)))
            .collect())
    }

    /// Open obligations of open cases owned by people who have left, with the leaver, among
    /// the cases the actor may list (the overdue list's scope: the leadership overview shows
    /// them to be reassigned).
    pub async fn leavers_open_obligations(
        &self,
        actor: &Actor,
        limit: u32,
        now: Timestamp,
    ) -> AppResult<Vec<(Person, pledge_store::ObligationRow)>> {
        let scope = self
            .list_scope(actor, crate::policy::CaseList::Overdue)
            .await?;
        let rows = self
            .store
            .leavers_open_obligations(&scope.force, limit)
            .await?;
        let leavers: HashMap<String, Person> = self
            .store
            .leavers()
            .await?
            .into_iter()
            .map(|l| (l.person.id.clone(), l.person))
            .collect();
        let mut out = Vec::new();
        for o in rows {
            let Some(p) = o.owner_person.as_deref().and_then(|id| leavers.get(id)) else {
                continue;
            };
            let Some(s) = self.store.summary(&o.case_id).await? else {
                continue;
            };
            let named = scope
                .named
                .as_deref()
                .is_some_and(|me| s.supervisor == me || s.oic.as_deref() == Some(me));
            let in_scope = scope.whole_force || scope.units.contains(&s.unit) || named;
            let own = scope
                .not_victim
                .as_deref()
                .is_some_and(|me| s.victims.iter().any(|v| v == me));
            if in_scope && !own {
                out.push((p.clone(), o));
            }
        }
        if !out.is_empty() {
            self.store
                .record_access(AccessEntry {
                    at: now,
                    actor: actor.log_id(),
                    action: AccessAction::Consult,
                    case_id: None,
                    what: "open obligations of people who have left".into(),
                    justification: "line management oversight".into(),
                })
                .await?;
        }
        Ok(out)
    }
}
