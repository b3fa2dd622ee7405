//! What a directory file would change, row by row: pure functions over the parsed rows and
//! the directory as it stands, so the dry run and the import see exactly the same thing.
//!
//! A people file: each row is new, changed or unchanged; in a full import, a person of the
//! force missing from the file has left (a partial import never finds leavers); a person
//! marked as left who is in the file again has come back. A units file: each row new,
//! changed or unchanged, written parents first; units are never removed by an import.

use super::FileErrors;
use super::mapping::{PeopleColumns, UnitColumns};
use crate::org::check_id;
use jiff::civil::Date;
use pledge_domain::event::values::WorkforceRole;
use pledge_store::{Person, Unit};
use std::collections::{HashMap, HashSet};

/// A people row as read, with its row number and the day it says the person left.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonRow {
    /// Row number (header = 1).
    pub row: u64,
    /// The person.
    pub person: Person,
    /// The day the export says they left, if it does.
    pub left_on: Option<Date>,
}

/// What a people file changes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PeopleDiff {
    /// People not in the directory yet.
    pub new: Vec<Person>,
    /// People whose details change: (before, after).
    pub changed: Vec<(Person, Person)>,
    /// Rows that change nothing.
    pub unchanged: usize,
    /// People who have left, with the day.
    pub leavers: Vec<(Person, Date)>,
    /// People marked as left who are in the file again.
    pub returners: Vec<Person>,
}

impl PeopleDiff {
    /// The people to write: new, changed and returning.
    pub fn to_write(&self) -> Vec<Person> {
        let mut out: Vec<Person> = self.new.clone();
        out.extend(self.changed.iter().map(|(_, after)| after.clone()));
        out.extend(
            self.returners
                .iter()
                .filter(|r| {
                    !self.new.iter().any(|p| p.id == r.id)
                        && !self.changed.iter().any(|(_, p)| p.id == r.id)
                })
                .cloned(),
        );
        out
    }
}

/// Turns a people file's cells (in the order of [`people_columns`]) into a row, naming each
/// problem by row and column.
pub fn person_row(
    row: u64,
    mut cells: Vec<String>,
    cols: &PeopleColumns,
    errors: &mut FileErrors,
) -> Option<PersonRow> {
    let before = errors.total;
    let mut take = |i: usize| std::mem::take(&mut cells[i]);
    let (id, name, email, role, unit, manager, association, left) = (
        take(0),
        take(1),
        take(2),
        take(3),
        take(4),
        take(5),
        take(6),
        take(7),
    );
    if let Err(e) = check_id("id", &id) {
        errors.at(row, &cols.id, problem_of(e));
    }
    if name.is_empty() || name.chars().count() > 200 {
        errors.at(row, &cols.name, "1 to 200 characters");
    }
    if !email.is_empty() && (email.len() > 254 || !email.contains('@') || email.contains(' ')) {
        errors.at(
            row,
            &cols.email,
            format!("\"{email}\" is not an email address"),
        );
    }
    let role = if role.is_empty() {
        None
    } else {
        let ours = cols
            .workforce_roles
            .get(&role)
            .map(String::as_str)
            .unwrap_or(role.as_str());
        match WorkforceRole::parse(ours) {
            Ok(r) => Some(r.as_str().to_owned()),
            Err(_) => {
                errors.at(
                    row,
                    &cols.workforce_role,
                    format!(
                        "\"{role}\" is not a workforce role Pledge knows (officer, staff, special_constable, pcso, volunteer); map it in the mapping file's [people.workforce_roles]"
                    ),
                );
                None
            }
        }
    };
    if unit.is_empty() {
        errors.at(row, &cols.unit, "required: the unit the person belongs to");
    }
    if !manager.is_empty()
        && let Err(e) = check_id("line_manager", &manager)
    {
        errors.at(row, &cols.line_manager, problem_of(e));
    }
    let association = association.to_lowercase();
    if !association.is_empty() && !matches!(association.as_str(), "federation" | "unison" | "unite")
    {
        errors.at(
            row,
            &cols.staff_association,
            format!("\"{association}\": expected federation, unison or unite"),
        );
    }
    let left_on = if left.is_empty() {
        None
    } else {
        match Date::strptime(cols.date_format.as_str(), &left) {
            Ok(d) => Some(d),
            Err(_) => {
                errors.at(
                    row,
                    &cols.left_on,
                    format!(
                        "\"{left}\" is not a date written as {} (the mapping's date_format)",
                        cols.date_format
                    ),
                );
                None
            }
        }
    };
    if errors.total > before {
        return None;
    }
    let opt = |s: String| Some(s).filter(|s| !s.is_empty());
    Some(PersonRow {
        row,
        person: Person {
            id,
            name,
            email: opt(email),
            workforce_role: role,
            unit: opt(unit),
            line_manager: opt(manager),
            staff_association: opt(association),
        },
        left_on,
    })
}

fn problem_of(e: crate::AppError) -> String {
    match e {
        crate::AppError::Invalid { message, .. } => message,
        other => other.to_string(),
    }
}

/// The directory as it stands, as a people diff needs it.
#[derive(Debug, Clone, Default)]
pub struct Directory {
    /// Every unit (all forces: an id of another force is refused).
    pub units: Vec<Unit>,
    /// Every person (all forces).
    pub people: Vec<Person>,
    /// People marked as left, with the day.
    pub left: HashMap<String, Date>,
}

/// What a people file changes in `force`, with every problem the diff finds (a unit not of
/// the force, a person of another force, a duplicate id, a line manager nobody knows).
/// `full`: people of the force missing from the file have left (on `today`).
pub fn diff_people(
    rows: &[PersonRow],
    dir: &Directory,
    force: &str,
    full: bool,
    today: Date,
    cols: &PeopleColumns,
    errors: &mut FileErrors,
) -> PeopleDiff {
    let unit_force: HashMap<&str, &str> = dir
        .units
        .iter()
        .map(|u| (u.id.as_str(), u.force.as_str()))
        .collect();
    let existing: HashMap<&str, &Person> = dir.people.iter().map(|p| (p.id.as_str(), p)).collect();
    let in_force = |p: &Person| {
        p.unit
            .as_deref()
            .and_then(|u| unit_force.get(u))
            .is_some_and(|f| *f == force)
    };
    let mut seen: HashMap<&str, u64> = HashMap::with_capacity(rows.len());
    let mut diff = PeopleDiff::default();
    for r in rows {
        let p = &r.person;
        if let Some(first) = seen.insert(p.id.as_str(), r.row) {
            errors.at(
                r.row,
                &cols.id,
                format!("\"{}\" is also on row {first}: each person once", p.id),
            );
            continue;
        }
        let unit = p.unit.as_deref().unwrap_or_default();
        if unit_force.get(unit) != Some(&force) {
            errors.at(
                r.row,
                &cols.unit,
                format!("no unit \"{unit}\" in your force (import the units first)"),
            );
            continue;
        }
        let before = existing.get(p.id.as_str()).copied();
        if let Some(b) = before
            && !in_force(b)
        {
            errors.at(
                r.row,
                &cols.id,
                format!(
                    "\"{}\" is a person of another force; choose another id",
                    p.id
                ),
            );
            continue;
        }
        let was_left = dir.left.contains_key(&p.id);
        match r.left_on {
            Some(d) if d <= today && !was_left => diff.leavers.push((p.clone(), d)),
            Some(d) if d <= today => {}
            _ if was_left => diff.returners.push(p.clone()),
            _ => {}
        }
        match before {
            None => diff.new.push(p.clone()),
            Some(b) if b != p => diff.changed.push((b.clone(), p.clone())),
            Some(_) => diff.unchanged += 1,
        }
    }
    // In a full file line managers must be someone: in this file or the force's directory
    // (a partial file may name managers the directory does not hold yet).
    for r in rows.iter().filter(|_| full) {
        if let Some(m) = r.person.line_manager.as_deref()
            && !seen.contains_key(m)
            && !existing.get(m).is_some_and(|p| in_force(p))
        {
            errors.at(
                r.row,
                &cols.line_manager,
                format!("no person \"{m}\" in this file or your force's directory"),
            );
        }
    }
    if full {
        for p in dir.people.iter().filter(|p| in_force(p)) {
            if !seen.contains_key(p.id.as_str()) && !dir.left.contains_key(&p.id) {
                diff.leavers.push((p.clone(), today));
            }
        }
    }
    diff
}

/// A units row as read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitRow {
    /// Row number.
    pub row: u64,
    /// The unit (of the importing force).
    pub unit: Unit,
}

/// What a units file changes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UnitsDiff {
    /// Units not there yet.
    pub new: Vec<Unit>,
    /// Units whose name or parent changes: (before, after).
    pub changed: Vec<(Unit, Unit)>,
    /// Rows that change nothing.
    pub unchanged: usize,
    /// New and changed units in the order to write them: parents first.
    pub ordered: Vec<Unit>,
}

/// Turns a units file's cells into a row.
pub fn unit_row(
    row: u64,
    mut cells: Vec<String>,
    force: &str,
    cols: &UnitColumns,
    errors: &mut FileErrors,
) -> Option<UnitRow> {
    let before = errors.total;
    let parent = std::mem::take(&mut cells[2]);
    let name = std::mem::take(&mut cells[1]);
    let id = std::mem::take(&mut cells[0]);
    if let Err(e) = check_id("id", &id) {
        errors.at(row, &cols.id, problem_of(e));
    }
    if name.is_empty() || name.chars().count() > 200 {
        errors.at(row, &cols.name, "1 to 200 characters");
    }
    if !parent.is_empty()
        && let Err(e) = check_id("parent", &parent)
    {
        errors.at(row, &cols.parent, problem_of(e));
    }
    (errors.total == before).then(|| UnitRow {
        row,
        unit: Unit {
            id,
            name,
            force: force.to_owned(),
            parent: Some(parent).filter(|p| !p.is_empty()),
        },
    })
}

/// What a units file changes in `force`: ids of another force, unknown parents and cycles in
/// the chain of command are errors; the units to write come parents first.
pub fn diff_units(
    rows: &[UnitRow],
    all_units: &[Unit],
    force: &str,
    cols: &UnitColumns,
    errors: &mut FileErrors,
) -> UnitsDiff {
    let existing: HashMap<&str, &Unit> = all_units.iter().map(|u| (u.id.as_str(), u)).collect();
    let mut seen: HashMap<&str, u64> = HashMap::new();
    let mut parent_of: HashMap<String, Option<String>> = all_units
        .iter()
        .filter(|u| u.force == force)
        .map(|u| (u.id.clone(), u.parent.clone()))
        .collect();
    let mut diff = UnitsDiff::default();
    let mut good: Vec<&UnitRow> = Vec::new();
    for r in rows {
        let u = &r.unit;
        if let Some(first) = seen.insert(u.id.as_str(), r.row) {
            errors.at(
                r.row,
                &cols.id,
                format!("\"{}\" is also on row {first}: each unit once", u.id),
            );
            continue;
        }
        if existing
            .get(u.id.as_str())
            .is_some_and(|e| e.force != force)
        {
            errors.at(
                r.row,
                &cols.id,
                format!("\"{}\" is a unit of another force; choose another id", u.id),
            );
            continue;
        }
        parent_of.insert(u.id.clone(), u.parent.clone());
        good.push(r);
    }
    let mut depth: HashMap<&str, usize> = HashMap::new();
    for r in &good {
        let u = &r.unit;
        if let Some(p) = u.parent.as_deref()
            && !parent_of.contains_key(p)
        {
            errors.at(
                r.row,
                &cols.parent,
                format!("no unit \"{p}\" in this file or your force"),
            );
            continue;
        }
        // Walk up: a unit must not be its own superior.
        let mut at = u.parent.clone();
        let mut steps = 0;
        let mut cycle = false;
        while let Some(p) = at {
            if p == u.id || steps > parent_of.len() {
                cycle = true;
                break;
            }
            steps += 1;
            at = parent_of.get(&p).cloned().flatten();
        }
        if cycle {
            errors.at(
                r.row,
                &cols.parent,
                "that would make the unit its own superior",
            );
            continue;
        }
        depth.insert(u.id.as_str(), steps);
        match existing.get(u.id.as_str()) {
            None => diff.new.push(u.clone()),
            Some(e) if *e != u => diff.changed.push(((*e).clone(), u.clone())),
            Some(_) => diff.unchanged += 1,
        }
    }
    let writing: HashSet<&str> = diff
        .new
        .iter()
        .chain(diff.changed.iter().map(|(_, a)| a))
        .map(|u| u.id.as_str())
        .collect();
    let mut ordered: Vec<&Unit> = good
        .iter()
        .map(|r| &r.unit)
        .filter(|u| writing.contains(u.id.as_str()))
        .collect();
    ordered.sort_by_key(|u| depth.get(u.id.as_str()).copied().unwrap_or(0));
    diff.ordered = ordered.into_iter().cloned().collect();
    diff
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(id: &str, force: &str, parent: Option<&str>) -> Unit {
        Unit {
            id: id.into(),
            name: id.into(),
            force: force.into(),
            parent: parent.map(Into::into),
        }
    }

    fn person(id: &str, unit: &str) -> Person {
        Person {
            id: id.into(),
            name: format!("Person {id}"),
            email: None,
            workforce_role: Some("officer".into()),
            unit: Some(unit.into()),
            line_manager: None,
            staff_association: None,
        }
    }

    fn row(n: u64, p: Person) -> PersonRow {
        PersonRow {
            row: n,
            person: p,
            left_on: None,
        }
    }

    #[test]
    fn new_changed_leavers_and_returners() {
        let today = jiff::civil::date(2026, 11, 24);
        let dir = Directory {
            units: vec![unit("n", "wessex", None), unit("e", "mercia", None)],
            people: vec![
                person("A", "n"),
                person("B", "n"),
                person("C", "n"),
                person("D", "n"),
                person("X", "e"),
            ],
            left: HashMap::from([("D".to_owned(), jiff::civil::date(2026, 1, 1))]),
        };
        let mut b = person("B", "n");
        b.name = "Renamed".into();
        let rows = vec![
            row(2, person("A", "n")),
            row(3, b.clone()),
            row(4, person("D", "n")),
            row(5, person("N", "n")),
        ];
        let cols = PeopleColumns::default();
        let mut errors = FileErrors::default();
        let full = diff_people(&rows, &dir, "wessex", true, today, &cols, &mut errors);
        assert!(errors.is_empty(), "{errors}");
        assert_eq!(full.new, vec![person("N", "n")]);
        assert_eq!(full.changed, vec![(person("B", "n"), b)]);
        assert_eq!(full.unchanged, 2);
        // C is missing (X is of another force, D has left already).
        assert_eq!(full.leavers, vec![(person("C", "n"), today)]);
        assert_eq!(full.returners, vec![person("D", "n")]);
        assert_eq!(full.to_write().len(), 3);
        let partial = diff_people(&rows, &dir, "wessex", false, today, &cols, &mut errors);
        assert!(partial.leavers.is_empty());
    }

    #[test]
    fn rows_that_cannot_be_saved_are_named() {
        let today = jiff::civil::date(2026, 11, 24);
        let dir = Directory {
            units: vec![unit("n", "wessex", None), unit("e", "mercia", None)],
            people: vec![person("X", "e")],
            left: HashMap::new(),
        };
        let mut managed = person("M", "n");
        managed.line_manager = Some("NOBODY".into());
        let rows = vec![
            row(2, person("A", "n")),
            row(3, person("A", "n")),
            row(4, person("X", "n")),
            row(5, person("U", "e")),
            row(6, managed),
        ];
        let mut errors = FileErrors::default();
        diff_people(
            &rows,
            &dir,
            "wessex",
            true,
            today,
            &PeopleColumns::default(),
            &mut errors,
        );
        assert_eq!(
            errors.lines(),
            vec![
                "row 3, column \"id\": \"A\" is also on row 2: each person once",
                "row 4, column \"id\": \"X\" is a person of another force; choose another id",
                "row 5, column \"unit\": no unit \"e\" in your force (import the units first)",
                "row 6, column \"line_manager\": no person \"NOBODY\" in this file or your force's directory",
            ]
        );
    }

    #[test]
    fn units_come_parents_first_and_cycles_are_refused() {
        let cols = UnitColumns::default();
        let rows: Vec<UnitRow> = [
            ("team", Some("div")),
            ("div", Some("hq")),
            ("hq", None),
            ("loop", Some("loop")),
            ("theirs", None),
        ]
        .into_iter()
        .enumerate()
        .map(|(i, (id, p))| UnitRow {
            row: i as u64 + 2,
            unit: unit(id, "wessex", p),
        })
        .collect();
        let mut errors = FileErrors::default();
        let d = diff_units(
            &rows,
            &[unit("theirs", "mercia", None)],
            "wessex",
            &cols,
            &mut errors,
        );
        let order: Vec<&str> = d.ordered.iter().map(|u| u.id.as_str()).collect();
        assert_eq!(order, vec!["hq", "div", "team"]);
        assert_eq!(
            errors.lines(),
            vec![
                "row 6, column \"id\": \"theirs\" is a unit of another force; choose another id",
                "row 5, column \"parent\": that would make the unit its own superior",
            ]
        );
    }
}
