//! The bank-holiday tables checked against an independent source: a dated snapshot of the
//! `holidays` package from PyPI (crates/domain/tests/data/, with how it was made), weekday
//! bank holidays 2015–2035 in all three jurisdictions; and an administrator's calendar file
//! adding a day proclaimed after the release.

use crate::support::*;
use jiff::civil::Date;
use pledge_domain::calendar::{Calendar, CalendarChanges, Jurisdiction};
use std::collections::BTreeSet;

fn snapshot() -> Vec<(Jurisdiction, Date)> {
    let text = include_str!("../data/uk-bank-holidays-2015-2035.csv");
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.starts_with("jurisdiction,"))
        .map(|l| {
            let mut parts = l.splitn(3, ',');
            let j: Jurisdiction = parts.next().unwrap().parse().unwrap();
            let d: Date = parts.next().unwrap().parse().unwrap();
            (j, d)
        })
        .collect()
}

#[test]
fn weekday_bank_holidays_2015_to_2035_agree_exactly_with_the_independent_source() {
    let cal = calendar();
    let source = snapshot();
    assert!(source.len() > 500, "the snapshot is read");
    for j in Jurisdiction::ALL {
        let theirs: BTreeSet<Date> = source
            .iter()
            .filter(|(k, _)| *k == j)
            .map(|(_, d)| *d)
            .collect();
        let ours: BTreeSet<Date> = (2015..=2035)
            .flat_map(|y| cal.bank_holiday_dates(j, y))
            .filter(|d| {
                !matches!(
                    d.weekday(),
                    jiff::civil::Weekday::Saturday | jiff::civil::Weekday::Sunday
                )
            })
            .collect();
        let missing: Vec<_> = theirs.difference(&ours).collect();
        let extra: Vec<_> = ours.difference(&theirs).collect();
        assert!(
            missing.is_empty() && extra.is_empty(),
            "{j}: missing {missing:?}, not in the source {extra:?}"
        );
        for d in &theirs {
            assert!(
                cal.is_bank_holiday(j, *d) && !cal.is_working_day(j, *d),
                "{j} {d}"
            );
        }
    }
}

#[test]
fn scotland_has_the_2026_world_cup_bank_holiday_and_the_rest_of_the_uk_does_not() {
    let cal = calendar();
    let day = Date::constant(2026, 6, 15);
    assert!(cal.is_bank_holiday(Jurisdiction::Scotland, day));
    assert!(!cal.is_bank_holiday(Jurisdiction::EnglandAndWales, day));
    assert!(!cal.is_bank_holiday(Jurisdiction::NorthernIreland, day));
    // Five working days from Friday 12 June 2026 end a day later in Scotland.
    let from = london("2026-06-12T10:00");
    assert_eq!(
        cal.working_days_deadline(Jurisdiction::EnglandAndWales, from, 5),
        midnight("2026-06-20")
    );
    assert_eq!(
        cal.working_days_deadline(Jurisdiction::Scotland, from, 5),
        midnight("2026-06-23")
    );
}

const PROCLAIMED: &str = r#"
version = 3
source = "Example proclamation: an extra bank holiday, and the spring bank holiday moved"

[[day]]
jurisdictions = ["england_and_wales", "northern_ireland"]
date = "2030-06-07"
name = "Example extra bank holiday"

[[day]]
jurisdictions = ["england_and_wales"]
date = "2030-06-03"
name = "Spring bank holiday (moved)"
replaces = "2030-05-27"
"#;

#[test]
fn an_administrators_calendar_file_adds_and_moves_days_without_a_release() {
    let changes = CalendarChanges::parse("calendar.toml", PROCLAIMED).unwrap();
    assert_eq!(changes.version, 3);
    let cal = Calendar::uk_with(changes);
    let ew = Jurisdiction::EnglandAndWales;
    assert!(cal.is_bank_holiday(ew, Date::constant(2030, 6, 7)));
    assert!(cal.is_bank_holiday(Jurisdiction::NorthernIreland, Date::constant(2030, 6, 7)));
    assert!(!cal.is_bank_holiday(Jurisdiction::Scotland, Date::constant(2030, 6, 7)));
    assert!(cal.is_bank_holiday(ew, Date::constant(2030, 6, 3)));
    assert!(cal.is_working_day(ew, Date::constant(2030, 5, 27)));
    // The built-in calendar is unchanged.
    assert!(!calendar().is_bank_holiday(ew, Date::constant(2030, 6, 7)));
    assert_eq!(cal.changes().map(|c| c.version), Some(3));
    // A deadline across the new day moves.
    let from = london("2030-06-06T10:00");
    assert_eq!(
        cal.working_days_deadline(ew, from, 1),
        midnight("2030-06-11")
    );
    assert_eq!(
        calendar().working_days_deadline(ew, from, 1),
        midnight("2030-06-08")
    );
}

#[test]
fn a_bad_calendar_file_is_refused_naming_the_field() {
    for (text, expect) in [
        (
            "version = 1\nsource = \"x\"\n[[day]]\njurisdictions = [\"wales\"]\ndate = \"2030-01-02\"\nname = \"x\"\n",
            "day[0].jurisdictions",
        ),
        (
            "version = 1\nsource = \"x\"\n[[day]]\njurisdictions = [\"scotland\"]\ndate = \"2030-02-30\"\nname = \"x\"\n",
            "day[0].date",
        ),
        (
            "version = 1\nsource = \"x\"\n[[day]]\njurisdictions = [\"scotland\"]\ndate = \"2030-02-03\"\nname = \"x\"\nreplaces = \"soon\"\n",
            "day[0].replaces",
        ),
        ("version = 0\nsource = \"x\"\n", "version"),
        ("version = 1\nsource = \"\"\n", "source"),
        ("version = 1\nsource = \"x\"\ncolour = 1\n", "unknown field"),
    ] {
        let e = CalendarChanges::parse("c.toml", text).unwrap_err();
        assert!(e.contains(expect), "{e}");
    }
}
