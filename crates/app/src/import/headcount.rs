//! Headcounts from a people file: how many people of each workforce role each unit has, for
//! rates per 1,000. A pure function; storing the counts is the headcount store's job.

use pledge_domain::event::values::WorkforceRole;
use pledge_store::Person;
use std::collections::BTreeMap;

/// One unit's people by workforce role.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UnitHeadcount {
    /// The unit.
    pub unit: String,
    /// Police officers (regulars).
    pub officers: u32,
    /// Police staff.
    pub staff: u32,
    /// Special constables.
    pub specials: u32,
    /// Police community support officers.
    pub pcsos: u32,
    /// Police support volunteers.
    pub volunteers: u32,
    /// People whose role the file does not give.
    pub unknown: u32,
}

impl UnitHeadcount {
    /// Everyone counted.
    pub fn total(&self) -> u32 {
        self.officers + self.staff + self.specials + self.pcsos + self.volunteers + self.unknown
    }
}

/// Counts the people (those who have not left: pass the current people only) per unit and
/// workforce role, by unit id. A person without a unit is not counted.
pub fn headcounts_from_people<'a>(
    people: impl IntoIterator<Item = &'a Person>,
) -> Vec<UnitHeadcount> {
    let mut by_unit: BTreeMap<&str, UnitHeadcount> = BTreeMap::new();
    for p in people {
        let Some(unit) = p.unit.as_deref() else {
            continue;
        };
        let h = by_unit.entry(unit).or_insert_with(|| UnitHeadcount {
            unit: unit.to_owned(),
            ..UnitHeadcount::default()
        });
        let count = match p
            .workforce_role
            .as_deref()
            .and_then(|r| WorkforceRole::parse(r).ok())
        {
            Some(WorkforceRole::Officer) => &mut h.officers,
            Some(WorkforceRole::Staff) => &mut h.staff,
            Some(WorkforceRole::SpecialConstable) => &mut h.specials,
            Some(WorkforceRole::Pcso) => &mut h.pcsos,
            Some(WorkforceRole::Volunteer) => &mut h.volunteers,
            None => &mut h.unknown,
        };
        *count += 1;
    }
    by_unit.into_values().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(unit: Option<&str>, role: Option<&str>) -> Person {
        Person {
            id: "x".into(),
            name: "x".into(),
            email: None,
            workforce_role: role.map(Into::into),
            unit: unit.map(Into::into),
            line_manager: None,
            staff_association: None,
        }
    }

    #[test]
    fn counts_each_role_per_unit() {
        let people = [
            p(Some("north"), Some("officer")),
            p(Some("north"), Some("officer")),
            p(Some("north"), Some("special_constable")),
            p(Some("north"), Some("pcso")),
            p(Some("east"), Some("staff")),
            p(Some("east"), Some("volunteer")),
            p(Some("east"), None),
            p(None, Some("officer")),
        ];
        let counts = headcounts_from_people(&people);
        assert_eq!(
            counts,
            vec![
                UnitHeadcount {
                    unit: "east".into(),
                    staff: 1,
                    volunteers: 1,
                    unknown: 1,
                    ..UnitHeadcount::default()
                },
                UnitHeadcount {
                    unit: "north".into(),
                    officers: 2,
                    specials: 1,
                    pcsos: 1,
                    ..UnitHeadcount::default()
                },
            ]
        );
        assert_eq!(counts[1].total(), 4);
    }
}
