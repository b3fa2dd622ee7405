//! The force's on-call rota: who is Force Incident Manager, on-call chief officer, Senior Duty
//! Officer, ... from when until when. Notifications for those roles go to whoever is on call at
//! that moment (`notifications/resolve.rs`). Administrators (and an HR system's token) keep
//! it; supervisors and above may read it.

use crate::actor::Actor;
use crate::app::App;
use crate::error::{AppError, AppResult};
use crate::policy::OrgAction;
use jiff::Timestamp;
use pledge_domain::plan::Role;
use pledge_store::{OnCallShift, Store};

/// The longest shift: a rota entry longer than a month is a mistake, not a shift.
pub const MAX_SHIFT_DAYS: i64 = 31;

/// The most shifts one import may add.
pub const MAX_IMPORT_ROWS: usize = 5_000;

/// A shift to put on the rota.
#[derive(Debug, Clone)]
pub struct NewShift {
    /// The role (`force_incident_manager`, `on_call_chief_officer`, ...).
    pub role: String,
    /// Who (a person id of the force).
    pub person: String,
    /// From (inclusive).
    pub starts_at: Timestamp,
    /// Until (exclusive).
    pub ends_at: Timestamp,
}

/// Roles a rota may hold: every role that is not relative to a case.
pub fn rota_role(name: &str) -> Result<Role, String> {
    let role = Role::parse(name)?;
    match role {
        Role::Supervisor
        | Role::Inspector
        | Role::OfficerInCase
        | Role::LocalCommandTeam
        | Role::Victim => Err(format!(
            "\"{name}\" is decided by the case, not by a rota; choose a force-wide role such as \
             force_incident_manager or on_call_chief_officer"
        )),
        other => Ok(other),
    }
}

/// A rejected row of an import: its number (1 is the first after the header), the column and
/// what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowProblem {
    /// Row number (the header is row 0).
    pub row: usize,
    /// The column.
    pub column: String,
    /// What is wrong.
    pub message: String,
}

impl std::fmt::Display for RowProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "row {}, {}: {}", self.row, self.column, self.message)
    }
}

fn allowed(actor: &Actor, action: OrgAction, what: &str) -> AppResult<String> {
    crate::org::allowed_force(actor, action, what).map(str::to_owned)
}

impl<S: Store> App<S> {
    /// The force's shifts overlapping `[from, to)`.
    pub async fn rota(
        &self,
        actor: &Actor,
        from: Timestamp,
        to: Timestamp,
    ) -> AppResult<Vec<OnCallShift>> {
        let force = allowed(actor, OrgAction::ReadPeople, "see the on-call rota")?;
        Ok(self.store.shifts_between(&force, from, to).await?)
    }

    /// Puts shifts on the rota, all or none: each checked (a force-wide role, a person of the
    /// force, an end after the start, at most a month long).
    pub async fn add_shifts(
        &self,
        actor: &Actor,
        shifts: Vec<NewShift>,
        now: Timestamp,
    ) -> AppResult<Vec<OnCallShift>> {
        let force = allowed(actor, OrgAction::Maintain, "change the on-call rota")?;
        let people = self.people_of_force(actor, now).await?;
        let mut checked = Vec::with_capacity(shifts.len());
        for (i, s) in shifts.into_iter().enumerate() {
            let at = |field: &str| {
                if i == 0 {
                    field.to_owned()
                } else {
                    format!("[{i}].{field}")
                }
            };
            checked.push(
                check_shift(&s, &people)
                    .map(|()| OnCallShift {
                        id: 0,
                        force: force.clone(),
                        role: s.role.trim().to_owned(),
                        person: s.person.trim().to_owned(),
                        starts_at: s.starts_at,
                        ends_at: s.ends_at,
                        recorded_by: actor.log_id(),
                        recorded_at: now,
                    })
                    .map_err(|(field, message)| AppError::invalid(&at(field), message))?,
            );
        }
        let ids = self.store.add_shifts(&checked).await?;
        for (s, id) in checked.iter_mut().zip(ids) {
            s.id = id;
        }
        Ok(checked)
    }

    /// Imports a rota CSV (`role,person,starts_at,ends_at`; times in RFC 3339 or London local
    /// `YYYY-MM-DD HH:MM`): every row checked first, and nothing saved unless every row is
    /// right. The problems name row and column.
    pub async fn import_rota(
        &self,
        actor: &Actor,
        csv_text: &str,
        now: Timestamp,
    ) -> AppResult<Result<Vec<OnCallShift>, Vec<RowProblem>>> {
        allowed(actor, OrgAction::Maintain, "change the on-call rota")?;
        let people = self.people_of_force(actor, now).await?;
        let mut reader = csv::ReaderBuilder::new()
            .trim(csv::Trim::All)
            .flexible(true)
            .from_reader(csv_text.as_bytes());
        let headers: Vec<String> = match reader.headers() {
            Ok(h) => h.iter().map(|c| c.to_ascii_lowercase()).collect(),
            Err(e) => {
                return Ok(Err(vec![RowProblem {
                    row: 0,
                    column: "header".into(),
                    message: format!("cannot read the header: {e}"),
                }]));
            }
        };
        let mut problems = Vec::new();
        let col = |name: &str| headers.iter().position(|h| h == name);
        let columns = ["role", "person", "starts_at", "ends_at"].map(|c| (c, col(c)));
        for (name, found) in &columns {
            if found.is_none() {
                problems.push(RowProblem {
                    row: 0,
                    column: (*name).into(),
                    message:
                        "the header has no such column (expected role,person,starts_at,ends_at)"
                            .into(),
                });
            }
        }
        if !problems.is_empty() {
            return Ok(Err(problems));
        }
        let mut shifts = Vec::new();
        for (i, record) in reader.records().enumerate() {
            let row = i + 1;
            if row > MAX_IMPORT_ROWS {
                problems.push(RowProblem {
                    row,
                    column: "row".into(),
                    message: format!("at most {MAX_IMPORT_ROWS} shifts in one file"),
                });
                break;
            }
            let record = match record {
                Ok(r) => r,
                Err(e) => {
                    problems.push(RowProblem {
                        row,
                        column: "row".into(),
                        message: format!("cannot be read: {e}"),
                    });
                    continue;
                }
            };
            let get = |name: &str| {
                columns
                    .iter()
                    .find(|(c, _)| *c == name)
                    .and_then(|(_, i)| *i)
                    .and_then(|i| record.get(i))
                    .unwrap_or("")
                    .to_owned()
            };
            let mut time = |name: &str| match parse_time(&get(name), &self.calendar) {
                Ok(t) => Some(t),
                Err(message) => {
                    problems.push(RowProblem {
                        row,
                        column: name.into(),
                        message,
                    });
                    None
                }
            };
            let (starts_at, ends_at) = (time("starts_at"), time("ends_at"));
            let (Some(starts_at), Some(ends_at)) = (starts_at, ends_at) else {
                continue;
            };
            let shift = NewShift {
                role: get("role"),
                person: get("person"),
                starts_at,
                ends_at,
            };
            match check_shift(&shift, &people) {
                Ok(()) => shifts.push(shift),
                Err((column, message)) => problems.push(RowProblem {
                    row,
                    column: column.into(),
                    message,
                }),
            }
        }
        if !problems.is_empty() {
            return Ok(Err(problems));
        }
        if shifts.is_empty() {
            return Ok(Err(vec![RowProblem {
                row: 1,
                column: "row".into(),
                message: "the file has no shifts".into(),
            }]));
        }
        self.add_shifts(actor, shifts, now).await.map(Ok)
    }

    /// Takes a shift off the rota; `NotFound` when the force has no such shift.
    pub async fn remove_shift(&self, actor: &Actor, id: i64) -> AppResult<()> {
        let force = allowed(actor, OrgAction::Maintain, "change the on-call rota")?;
        if self.store.remove_shift(&force, id).await? {
            Ok(())
        } else {
            Err(AppError::NotFound)
        }
    }
}

/// Checks one shift against the force's people: (field, message) when it is wrong.
fn check_shift(
    s: &NewShift,
    people: &[pledge_store::Person],
) -> Result<(), (&'static str, String)> {
    rota_role(s.role.trim()).map_err(|m| ("role", m))?;
    let person = s.person.trim();
    if !people.iter().any(|p| p.id == person) {
        return Err((
            "person",
            format!("\"{person}\" is not a person of your force"),
        ));
    }
    if s.ends_at <= s.starts_at {
        return Err(("ends_at", "the shift must end after it starts".into()));
    }
    if s.ends_at.duration_since(s.starts_at).as_secs() > MAX_SHIFT_DAYS * 86_400 {
        return Err((
            "ends_at",
            format!("a shift is at most {MAX_SHIFT_DAYS} days; split a longer one"),
        ));
    }
    Ok(())
}

/// A time as RFC 3339 (`2026-12-01T08:00:00Z`) or London local `YYYY-MM-DD HH:MM`.
pub fn parse_time(
    s: &str,
    calendar: &pledge_domain::calendar::Calendar,
) -> Result<Timestamp, String> {
    let s = s.trim();
    if s.is_empty() {
        return Err("empty: give a time such as 2026-12-01 08:00 (London)".into());
    }
    if let Ok(t) = s.parse::<Timestamp>() {
        return Ok(t);
    }
    s.replacen(' ', "T", 1)
        .parse::<jiff::civil::DateTime>()
        .map(|local| calendar.local_instant(local))
        .map_err(|_| {
            format!(
                "\"{s}\" is not a time: write 2026-12-01 08:00 (London) or 2026-12-01T08:00:00Z"
            )
        })
}
