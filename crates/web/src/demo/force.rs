//! The demo force: units in a chain of command, and a person in every role.

use pledge_app::AccountRole;
use pledge_store::{Headcount, MeetingDate, Person, Unit};

/// The demo force's name.
pub const FORCE: &str = "Wessex Constabulary";

/// A demo person and the account roles they sign in with.
pub struct DemoPerson {
    /// The person record.
    pub person: Person,
    /// Account roles.
    pub roles: &'static [AccountRole],
    /// What they are in the demo, for the printed sign-in list.
    pub what: &'static str,
}

/// Units: the force, two divisions, teams under them.
pub fn units() -> Vec<Unit> {
    let u = |id: &str, name: &str, parent: Option<&str>| Unit {
        id: id.into(),
        name: name.into(),
        force: FORCE.into(),
        parent: parent.map(Into::into),
    };
    vec![
        u("wessex", "Wessex Constabulary", None),
        u("north", "Northern Division", Some("wessex")),
        u("south", "Southern Division", Some("wessex")),
        u("north-response", "Northern Response Team 2", Some("north")),
        u("north-cid", "Northern CID", Some("north")),
        u("south-response", "Southern Response Team 1", Some("south")),
        u("force-hq", "Force Headquarters", Some("wessex")),
    ]
}

/// People in every role.
pub fn people() -> Vec<DemoPerson> {
    use AccountRole::*;
    let p = |id: &str,
             name: &str,
             wr: &str,
             unit: &str,
             lm: Option<&str>,
             sa: &str,
             roles: &'static [AccountRole],
             what: &'static str| DemoPerson {
        person: Person {
            id: id.into(),
            name: name.into(),
            email: Some(format!("{}@wessex.police.example", id.to_lowercase())),
            workforce_role: Some(wr.into()),
            unit: Some(unit.into()),
            line_manager: lm.map(Into::into),
            staff_association: Some(sa.into()),
        },
        roles,
        what,
    };
    vec![
        p(
            "PC-4410",
            "PC Tom Reed",
            "officer",
            "north-response",
            Some("PS-2231"),
            "federation",
            &[Staff],
            "victim: a constable assaulted at an arrest",
        ),
        p(
            "PC-4471",
            "PC Grace Obi",
            "officer",
            "north-response",
            Some("PS-2231"),
            "federation",
            &[Staff],
            "victim: a hate crime",
        ),
        p(
            "PCSO-6120",
            "PCSO Dan Wood",
            "pcso",
            "south-response",
            Some("PS-2570"),
            "unison",
            &[Staff],
            "victim: a PCSO, no arrest made",
        ),
        p(
            "PS-2231",
            "Sgt Amira Khan",
            "officer",
            "north-response",
            Some("INSP-1107"),
            "federation",
            &[Staff, Supervisor],
            "supervisor (Northern Response)",
        ),
        p(
            "PS-2570",
            "Sgt Owen Price",
            "officer",
            "south-response",
            Some("INSP-1230"),
            "federation",
            &[Staff, Supervisor],
            "supervisor (Southern Response)",
        ),
        p(
            "DC-3020",
            "DC Sam Patel",
            "officer",
            "north-cid",
            Some("DS-2901"),
            "federation",
            &[Staff, Investigator],
            "investigator (officer in the case)",
        ),
        p(
            "INSP-1107",
            "Insp Laura Hughes",
            "officer",
            "north",
            Some("SUPT-0450"),
            "federation",
            &[Staff, Inspector],
            "inspector, Northern Division",
        ),
        p(
            "INSP-1230",
            "Insp Ben Adeyemi",
            "officer",
            "south",
            Some("SUPT-0450"),
            "federation",
            &[Staff, Inspector],
            "inspector, Southern Division",
        ),
        p(
            "SUPT-0450",
            "Supt David Moore",
            "officer",
            "wessex",
            None,
            "federation",
            &[Staff, SeniorLeader],
            "senior leadership (local command team)",
        ),
        p(
            "TRIM-07",
            "Jo Carter",
            "staff",
            "force-hq",
            None,
            "unison",
            &[Staff, Welfare],
            "welfare (TRiM practitioner)",
        ),
        p(
            "CI-0101",
            "Ch Insp Priya Shah",
            "officer",
            "force-hq",
            Some("SUPT-0450"),
            "federation",
            &[Staff, ForceLead],
            "Op Hampshire force lead",
        ),
        p(
            "AN-5005",
            "Alex Morgan",
            "staff",
            "force-hq",
            None,
            "unite",
            &[Staff, Analyst],
            "analyst",
        ),
        p(
            "ADM-9000",
            "Chris Lee",
            "staff",
            "force-hq",
            None,
            "unison",
            &[Staff, Administrator],
            "administrator (two-factor required)",
        ),
    ]
}

/// Headcounts per unit and workforce role from 1 January of last year and of this year (for
/// rates per 1,000 officers and per 1,000 staff).
pub fn headcounts(year: i16) -> Vec<Headcount> {
    let mut v = Vec::new();
    for y in [year - 1, year] {
        for (unit, officers, staff, pcsos, specials, volunteers) in [
            ("north-response", 48, 12, 6, 4, 2),
            ("north-cid", 22, 8, 0, 0, 0),
            ("south-response", 41, 10, 5, 3, 1),
        ] {
            for (role, n) in [
                ("officer", officers),
                ("staff", staff),
                ("pcso", pcsos),
                ("special_constable", specials),
                ("volunteer", volunteers),
            ] {
                v.push(Headcount {
                    force: FORCE.into(),
                    unit: unit.into(),
                    on: jiff::civil::date(y, 1, 1),
                    role: role.into(),
                    count: n,
                });
            }
        }
    }
    v
}

/// TRM meetings: every Tuesday at 10:00 UK time for eight weeks either side of `today`.
pub fn meetings(today: jiff::civil::Date) -> Vec<MeetingDate> {
    let mut v = Vec::new();
    let mut d = today
        .checked_sub(jiff::Span::new().weeks(8))
        .unwrap_or(today);
    while d.weekday() != jiff::civil::Weekday::Tuesday {
        d = d.tomorrow().unwrap_or(d);
    }
    for _ in 0..16 {
        for unit in ["north-response", "north-cid", "south-response"] {
            if let Ok(at) = d.at(10, 0, 0, 0).in_tz("Europe/London") {
                v.push(MeetingDate {
                    calendar: "trm".into(),
                    unit: unit.into(),
                    at: at.timestamp(),
                });
            }
        }
        d = d.checked_add(jiff::Span::new().weeks(1)).unwrap_or(d);
    }
    v
}
