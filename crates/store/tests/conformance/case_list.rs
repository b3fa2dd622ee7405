//! The case list's sort, search and "overdue on point" filter: the same cases in the same
//! order on both backends as a plain reading of the read models gives, and a search never
//! reaches past the reader's scope.

use crate::fixtures::{Fixtures, at};
use crate::harness::{Backend, TestDb};
use anyhow::{Context, ensure};
use jiff::Timestamp;
use pledge_store::{
    CaseFilter, CaseScope, CaseSort, CaseSummary, ObligationRow, OverdueOn, Person, RowStatus,
    SortOrder, Unit,
};
use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};

crate::conformance!(case_list_sorts_searches_and_filters_overdue);

/// What the list should hold: the corpus's summaries and rows, with the directory's names.
struct Expected {
    rows: Vec<ObligationRow>,
    unit_names: BTreeMap<String, String>,
    people: BTreeMap<String, String>,
}

impl Expected {
    fn next_due(&self, s: &CaseSummary) -> Option<Timestamp> {
        self.rows
            .iter()
            .filter(|r| r.case_id == s.case_id && r.status == RowStatus::Open && s.status == "open")
            .filter_map(|r| r.due_at)
            .min()
    }

    fn unit_name<'a>(&'a self, s: &'a CaseSummary) -> &'a str {
        self.unit_names
            .get(&s.unit)
            .map(String::as_str)
            .unwrap_or(s.unit.as_str())
    }

    /// The order the store promises: the column, then the reference, both one way.
    fn sorted(&self, mut v: Vec<CaseSummary>, sort: CaseSort, order: SortOrder) -> Vec<String> {
        v.sort_by(|a, b| {
            let key = match sort {
                CaseSort::Reported => a.reported_at.cmp(&b.reported_at),
                CaseSort::Occurred => a.occurred_at.cmp(&b.occurred_at),
                CaseSort::Reference => Ordering::Equal,
                CaseSort::Unit => self
                    .unit_name(a)
                    .cmp(self.unit_name(b))
                    .then(a.reported_at.cmp(&b.reported_at)),
                CaseSort::Status => a
                    .status
                    .cmp(&b.status)
                    .then(a.reported_at.cmp(&b.reported_at)),
                // Nothing due comes last whichever way: ordered below.
                CaseSort::NextDue => Ordering::Equal,
            };
            if sort == CaseSort::NextDue {
                match (self.next_due(a), self.next_due(b)) {
                    (Some(x), Some(y)) => match order {
                        SortOrder::Asc => x.cmp(&y),
                        SortOrder::Desc => y.cmp(&x),
                    },
                    (Some(_), None) => Ordering::Less,
                    (None, Some(_)) => Ordering::Greater,
                    (None, None) => Ordering::Equal,
                }
                .then(match order {
                    SortOrder::Asc => a.case_id.cmp(&b.case_id),
                    SortOrder::Desc => b.case_id.cmp(&a.case_id),
                })
            } else {
                let k = key.then(a.case_id.cmp(&b.case_id));
                match order {
                    SortOrder::Asc => k,
                    SortOrder::Desc => k.reverse(),
                }
            }
        });
        v.into_iter().map(|s| s.case_id.to_string()).collect()
    }

    /// Cases whose reference starts with `text` or with a victim or officer in the case whose
    /// name holds it (either case).
    fn matches(&self, s: &CaseSummary, text: &str) -> bool {
        let t = text.to_lowercase();
        let named = |p: &str| {
            self.people
                .get(p)
                .is_some_and(|n| n.to_lowercase().contains(&t))
        };
        s.case_id.as_str().to_lowercase().starts_with(&t)
            || s.victims.iter().any(|v| named(v))
            || s.oic.as_deref().is_some_and(named)
    }
}

async fn ids<S: Backend>(
    db: &TestDb<S>,
    scope: &CaseScope,
    f: CaseFilter,
) -> anyhow::Result<Vec<String>> {
    Ok(db
        .list_cases(
            scope,
            &CaseFilter {
                limit: Some(500),
                ..f
            },
        )
        .await?
        .into_iter()
        .map(|s| s.case_id.to_string())
        .collect())
}

async fn case_list_sorts_searches_and_filters_overdue<S: Backend>(
    db: &TestDb<S>,
) -> anyhow::Result<()> {
    let fx = Fixtures::new()?;
    let corpus = fx.write_corpus(&db.store).await?;
    let mut all = Vec::new();
    let mut rows = Vec::new();
    for c in &corpus {
        let p = fx.project(&c.id, &c.events)?;
        all.push(p.summary);
        rows.extend(p.obligations);
    }
    // The busiest force.
    let mut per_force: BTreeMap<String, usize> = BTreeMap::new();
    for s in &all {
        *per_force.entry(s.force.clone()).or_default() += 1;
    }
    let force = per_force
        .iter()
        .max_by_key(|(_, n)| **n)
        .map(|(f, _)| f.clone())
        .context("corpus")?;
    let in_force: Vec<CaseSummary> = all.iter().filter(|s| s.force == force).cloned().collect();
    ensure!(in_force.len() >= 5, "enough cases to sort: {per_force:?}");

    // Units named so that A to Z by name is Z to A by id (the sort is by name).
    let unit_ids: BTreeSet<String> = all.iter().map(|s| s.unit.clone()).collect();
    let mut unit_names = BTreeMap::new();
    for (i, u) in unit_ids.iter().enumerate() {
        let force_of = all
            .iter()
            .find(|s| &s.unit == u)
            .map(|s| s.force.clone())
            .context("unit's force")?;
        let name = format!("{} {u}", char::from(b'Z' - i as u8));
        db.upsert_unit(&Unit {
            id: u.clone(),
            name: name.clone(),
            force: force_of,
            parent: None,
        })
        .await?;
        unit_names.insert(u.clone(), name);
    }
    // Everyone the cases name, in the directory; one victim with a name to find.
    let first = in_force.first().context("a case")?.clone();
    let victim = first.victims.first().context("a victim")?.clone();
    let mut people = BTreeMap::new();
    for s in &all {
        for p in s.victims.iter().chain(s.oic.iter()) {
            let name = if *p == victim {
                "Tom O'Reed-Ñúñez".to_owned()
            } else {
                format!("Colleague {p}")
            };
            people.entry(p.clone()).or_insert(name);
        }
    }
    // Supervisors who are nobody's victim or officer in the case.
    for s in &all {
        people
            .entry(s.supervisor.clone())
            .or_insert(format!("Sergeant {} Supervisor", s.supervisor));
    }
    for (id, name) in &people {
        db.upsert_person(&Person {
            id: id.clone(),
            name: name.clone(),
            email: None,
            workforce_role: None,
            unit: None,
            line_manager: None,
            staff_association: None,
        })
        .await?;
    }
    let want = Expected {
        rows,
        unit_names,
        people,
    };
    let whole = CaseScope::whole_force(&force);

    // Every column, both ways, and each column's natural order when none is given.
    for sort in CaseSort::ALL {
        for order in [SortOrder::Asc, SortOrder::Desc] {
            let got = ids(
                db,
                &whole,
                CaseFilter {
                    sort,
                    order: Some(order),
                    ..Default::default()
                },
            )
            .await?;
            let expected = want.sorted(in_force.clone(), sort, order);
            ensure!(
                got == expected,
                "{} sort {sort:?} {order:?}: got {got:?}, want {expected:?}",
                S::NAME
            );
        }
        let natural = ids(
            db,
            &whole,
            CaseFilter {
                sort,
                ..Default::default()
            },
        )
        .await?;
        ensure!(natural == want.sorted(in_force.clone(), sort, sort.natural_order()));
    }
    // Pages of a sorted list neither overlap nor leave a case out.
    let mut paged = Vec::new();
    for offset in (0..in_force.len()).step_by(2) {
        paged.extend(
            ids(
                db,
                &whole,
                CaseFilter {
                    sort: CaseSort::Unit,
                    limit: Some(2),
                    offset: Some(offset as u32),
                    ..Default::default()
                },
            )
            .await?
            .into_iter()
            .take(2),
        );
    }
    ensure!(paged == want.sorted(in_force.clone(), CaseSort::Unit, SortOrder::Asc));

    // Search: a reference's beginning, in either case; a name, in part and either case;
    // never a supervisor's name; wildcards are only characters.
    let prefix = first.case_id.as_str()[..3].to_lowercase();
    for text in [
        prefix.as_str(),
        first.case_id.as_str(),
        "o'reed",
        "ÑÚÑEZ",
        "TOM O",
        "colleague",
        "supervisor",
        "%",
        "_",
        "nobody at all",
    ] {
        let got = ids(
            db,
            &whole,
            CaseFilter {
                search: Some(text.to_owned()),
                ..Default::default()
            },
        )
        .await?;
        let expected: Vec<String> = want
            .sorted(in_force.clone(), CaseSort::Reported, SortOrder::Desc)
            .into_iter()
            .filter(|id| {
                in_force
                    .iter()
                    .any(|s| s.case_id.as_str() == id && want.matches(s, text))
            })
            .collect();
        // SQLite folds only ASCII letters: "ÑÚÑEZ" finds nothing there, and the name on
        // PostgreSQL. Everything else must agree exactly.
        if text == "ÑÚÑEZ" && S::NAME == "sqlite" {
            ensure!(got.is_empty(), "sqlite folds ASCII only: {got:?}");
            continue;
        }
        ensure!(
            got == expected,
            "{} search {text:?}: got {got:?}, want {expected:?}",
            S::NAME
        );
    }
    let by_name = ids(
        db,
        &whole,
        CaseFilter {
            search: Some("o'reed".into()),
            ..Default::default()
        },
    )
    .await?;
    ensure!(
        by_name.contains(&first.case_id.to_string()),
        "the victim's name finds their case"
    );
    ensure!(
        ids(
            db,
            &whole,
            CaseFilter {
                search: Some("supervisor".into()),
                ..Default::default()
            },
        )
        .await?
        .is_empty(),
        "a supervisor's name is not searched"
    );

    // Scope: a name outside the reader's scope finds nothing, not even that a case exists.
    let elsewhere = CaseScope {
        whole_force: false,
        units: vec!["no-such-unit".into()],
        ..whole.clone()
    };
    let other_units: Vec<String> = unit_ids
        .iter()
        .filter(|u| **u != first.unit)
        .cloned()
        .collect();
    let other_scope = CaseScope {
        whole_force: false,
        units: other_units.clone(),
        ..whole.clone()
    };
    for (name, scope) in [
        ("a unit with no cases", elsewhere),
        ("another force", CaseScope::whole_force("another force")),
        (
            "the victim's own cases left out",
            CaseScope {
                not_victim: Some(victim.clone()),
                ..whole.clone()
            },
        ),
    ] {
        let got = ids(
            db,
            &scope,
            CaseFilter {
                search: Some("O'Reed".into()),
                ..Default::default()
            },
        )
        .await?;
        ensure!(got.is_empty(), "{} {name}: {got:?}", S::NAME);
    }
    let got = ids(
        db,
        &other_scope,
        CaseFilter {
            search: Some("o'reed".into()),
            ..Default::default()
        },
    )
    .await?;
    let expected: Vec<String> = in_force
        .iter()
        .filter(|s| other_units.contains(&s.unit) && want.matches(s, "o'reed"))
        .map(|s| s.case_id.to_string())
        .collect();
    ensure!(
        got.iter().cloned().collect::<BTreeSet<_>>() == expected.into_iter().collect(),
        "within other units only: {got:?}"
    );
    ensure!(!got.contains(&first.case_id.to_string()));

    // Overdue on a point: an open obligation of an open case at that point, past due.
    let now = at("2027-01-01T00:00:00Z");
    let points: BTreeSet<String> = want.rows.iter().map(|r| r.point.clone()).collect();
    let mut some = false;
    for point in points.iter().chain([&"zz".to_owned()]) {
        let got = ids(
            db,
            &whole,
            CaseFilter {
                overdue_point: Some(OverdueOn {
                    point: point.clone(),
                    at: now,
                }),
                ..Default::default()
            },
        )
        .await?;
        let expected: Vec<String> = want
            .sorted(in_force.clone(), CaseSort::Reported, SortOrder::Desc)
            .into_iter()
            .filter(|id| {
                let open = in_force
                    .iter()
                    .any(|s| s.case_id.as_str() == id && s.status == "open");
                open && want.rows.iter().any(|r| {
                    r.case_id.as_str() == id
                        && r.point == *point
                        && r.status == RowStatus::Open
                        && r.due_at.is_some_and(|d| d < now)
                })
            })
            .collect();
        some |= !expected.is_empty() && expected.len() < in_force.len();
        ensure!(
            got == expected,
            "{} overdue on {point}: got {got:?}, want {expected:?}",
            S::NAME
        );
    }
    ensure!(some, "some point is overdue in some cases and not others");

    // The plans (PLEDGE_TEST_SHOW=1 prints them): the overdue filter reads the live
    // obligations' index, a name reaches cases through case_person's index.
    let plan = db
        .explain_list(
            &whole,
            &CaseFilter {
                search: Some("reed".into()),
                overdue_point: Some(OverdueOn {
                    point: "d".into(),
                    at: now,
                }),
                sort: CaseSort::NextDue,
                ..Default::default()
            },
        )
        .await?;
    if std::env::var_os("PLEDGE_TEST_SHOW").is_some() {
        eprintln!(
            "{} case list (search, overdue on d, next due):\n{plan}",
            S::NAME
        );
    }
    if S::NAME == "sqlite" {
        ensure!(plan.contains("obligation_force_live"), "{plan}");
        ensure!(plan.contains("case_person_person"), "{plan}");
    }
    Ok(())
}
