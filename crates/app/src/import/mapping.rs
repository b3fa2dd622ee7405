//! The column mapping: which column of a force's export holds which of Pledge's fields, how
//! its dates are written, and how its workforce roles are named. A TOML file; every key is
//! optional and defaults to Pledge's own name (docs/imports.md lists them).

use serde::Deserialize;
use std::collections::BTreeMap;

/// The whole mapping file.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Mapping {
    /// The people file.
    pub people: PeopleColumns,
    /// The units file.
    pub units: UnitColumns,
    /// The crimes file.
    pub crimes: CrimeColumns,
}

/// Columns of the people file.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PeopleColumns {
    /// The person's id (collar or staff number): required.
    pub id: String,
    /// Their name: required.
    pub name: String,
    /// Email for notifications.
    pub email: String,
    /// Workforce role (officer, staff, special constable, PCSO, volunteer).
    pub workforce_role: String,
    /// Their unit's id: required.
    pub unit: String,
    /// Their line manager's id.
    pub line_manager: String,
    /// Staff association (federation, unison, unite).
    pub staff_association: String,
    /// The day they left, where the export says (a person with a day that has come is marked
    /// as left, in a partial import too).
    pub left_on: String,
    /// How dates are written (strftime, e.g. `%d/%m/%Y`).
    pub date_format: String,
    /// The export's names for workforce roles, each to one of Pledge's (`officer`, `staff`,
    /// `special_constable`, `pcso`, `volunteer`). Pledge's own names are always understood.
    pub workforce_roles: BTreeMap<String, String>,
}

impl Default for PeopleColumns {
    fn default() -> Self {
        Self {
            id: "id".into(),
            name: "name".into(),
            email: "email".into(),
            workforce_role: "workforce_role".into(),
            unit: "unit".into(),
            line_manager: "line_manager".into(),
            staff_association: "staff_association".into(),
            left_on: "left_on".into(),
            date_format: "%Y-%m-%d".into(),
            workforce_roles: BTreeMap::new(),
        }
    }
}

/// Columns of the units file.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct UnitColumns {
    /// The unit's id: required.
    pub id: String,
    /// Its name: required.
    pub name: String,
    /// The id of the unit it is part of (empty at the top of the force).
    pub parent: String,
}

impl Default for UnitColumns {
    fn default() -> Self {
        Self {
            id: "id".into(),
            name: "name".into(),
            parent: "parent".into(),
        }
    }
}

/// Columns of the crimes file.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CrimeColumns {
    /// The name Pledge keeps for the system the file comes from (records are imported once
    /// per system and record id).
    pub source: String,
    /// The system's own id of the record: required.
    pub record_id: String,
    /// The Pledge reference of the case, where the system holds it.
    pub pledge_reference: String,
    /// The crime reference: required.
    pub crime_reference: String,
    /// The crime classification (e.g. the Home Office offence code).
    pub classification: String,
    /// The Home Office outcome type, 1 to 22, once finalised.
    pub outcome: String,
    /// When the crime was recorded (its day; the day of the import where the file has none).
    pub recorded_on: String,
    /// How dates are written.
    pub date_format: String,
}

impl Default for CrimeColumns {
    fn default() -> Self {
        Self {
            source: "rms".into(),
            record_id: "record_id".into(),
            pledge_reference: "pledge_reference".into(),
            crime_reference: "crime_reference".into(),
            classification: "classification".into(),
            outcome: "outcome".into(),
            recorded_on: "recorded_on".into(),
            date_format: "%Y-%m-%d".into(),
        }
    }
}

impl Mapping {
    /// Reads a mapping file; the error names the line and column of the mistake.
    pub fn from_toml(text: &str) -> Result<Self, String> {
        let m: Mapping = toml::from_str(text).map_err(|e| format!("the mapping file: {e}"))?;
        m.check()?;
        Ok(m)
    }

    fn check(&self) -> Result<(), String> {
        for (key, format) in [
            ("people.date_format", &self.people.date_format),
            ("crimes.date_format", &self.crimes.date_format),
        ] {
            // A format must print a day that reads back as the same day.
            let day = jiff::civil::date(2026, 11, 24);
            let printed = jiff::fmt::strtime::format(format.as_str(), day)
                .map_err(|e| format!("the mapping file: {key}: {e}"))?;
            match jiff::civil::Date::strptime(format.as_str(), &printed) {
                Ok(d) if d == day => {}
                _ => {
                    return Err(format!(
                        "the mapping file: {key}: \"{format}\" does not write a whole date (day, month and year)"
                    ));
                }
            }
        }
        for (theirs, ours) in &self.people.workforce_roles {
            if pledge_domain::event::values::WorkforceRole::parse(ours).is_err() {
                return Err(format!(
                    "the mapping file: people.workforce_roles: \"{theirs}\" maps to \"{ours}\"; expected officer, staff, special_constable, pcso or volunteer"
                ));
            }
        }
        if self.crimes.source.is_empty() || self.crimes.source.len() > 64 {
            return Err("the mapping file: crimes.source: 1 to 64 characters".into());
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_a_force_mapping() -> Result<(), String> {
        assert_eq!(Mapping::from_toml("")?, Mapping::default());
        let m = Mapping::from_toml(
            "[people]\nid = \"Collar No\"\ndate_format = \"%d/%m/%Y\"\n[people.workforce_roles]\n\"Police Officer\" = \"officer\"\n",
        )?;
        assert_eq!(m.people.id, "Collar No");
        assert_eq!(m.people.name, "name");
        assert_eq!(m.people.workforce_roles["Police Officer"], "officer");
        Ok(())
    }

    #[test]
    fn mistakes_are_named() {
        let e = Mapping::from_toml("[people]\nidd = \"x\"\n")
            .err()
            .unwrap_or_default();
        assert!(e.contains("idd") && e.contains("line 2"), "{e}");
        let e = Mapping::from_toml("[people]\ndate_format = \"%d/%m\"\n")
            .err()
            .unwrap_or_default();
        assert!(e.contains("people.date_format"), "{e}");
        let e = Mapping::from_toml("[people.workforce_roles]\nPC = \"constable\"\n")
            .err()
            .unwrap_or_default();
        assert!(e.contains("\"PC\" maps to \"constable\""), "{e}");
    }
}
