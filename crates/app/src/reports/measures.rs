//! The assaults: counts, rates, breakdowns (docs/reports.md, "The assaults").

use super::table::{Draft, DraftTable, Grid};
use super::words;
use pledge_store::CaseReport;
use std::collections::{BTreeMap, HashMap};

/// The counts other tables tie to (the trends' period totals).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Totals {
    pub assaults: usize,
    pub injured: usize,
    pub hospitalised: usize,
    pub hate: usize,
    pub arrested: usize,
}

/// Headcounts for the rates: officers (with specials) and staff (with PCSOs), and by role.
#[derive(Debug, Clone, Default)]
pub(crate) struct Heads {
    pub by_role: BTreeMap<String, u64>,
}

impl Heads {
    fn of(&self, roles: &[&str]) -> u64 {
        roles.iter().filter_map(|r| self.by_role.get(*r)).sum()
    }
}

/// Roles counted as officers and as staff in the headline rates.
pub(crate) const OFFICER_ROLES: [&str; 2] = ["officer", "special_constable"];
/// See [`OFFICER_ROLES`].
pub(crate) const STAFF_ROLES: [&str; 2] = ["staff", "pcso"];

pub(super) fn count(g: &mut Grid, n: usize) -> usize {
    g.count(n as u64)
}

pub(super) fn table(
    id: &'static str,
    title: &str,
    about: &str,
    columns: &[&str],
    rows: Vec<(String, Vec<Draft>)>,
    chart: bool,
) -> DraftTable {
    DraftTable {
        id,
        title: title.into(),
        about: about.into(),
        columns: columns.iter().map(|c| (*c).to_owned()).collect(),
        rows,
        chart,
    }
}

/// A breakdown of the cases by one value each, with a total: one line.
pub(super) fn breakdown(
    g: &mut Grid,
    total: usize,
    parts: Vec<(String, usize)>,
) -> Vec<(String, Vec<Draft>)> {
    let mut line = vec![total];
    let mut rows = Vec::new();
    for (label, n) in parts {
        let c = count(g, n);
        line.push(c);
        rows.push((label, vec![Draft::Count(c)]));
    }
    g.line(line);
    rows.push(("Total".into(), vec![Draft::Count(total)]));
    rows
}

/// Drafts the assault tables; returns the counts the trends tie to.
pub(crate) fn draft(
    g: &mut Grid,
    cases: &[CaseReport],
    heads: &Heads,
    names: Option<&HashMap<String, String>>,
) -> Totals {
    let n = cases.len();
    let total = count(g, n);
    let victims: Vec<_> = cases.iter().flat_map(|c| &c.facts.victims).collect();
    let victim_total = count(g, victims.len());
    let role_n = |roles: &[&str]| {
        victims
            .iter()
            .filter(|v| roles.contains(&v.role.as_str()))
            .count()
    };
    let officers = count(g, role_n(&OFFICER_ROLES));
    let staff = count(g, role_n(&STAFF_ROLES));
    g.table(table(
        "assaults",
        "Assaults",
        "Assaults on colleagues that happened in the period, the colleagues assaulted, and rates per 1,000 of the workforce (officers include special constables; staff include PCSOs).",
        &["Measure", "Figure"],
        vec![
            ("Assaults".into(), vec![Draft::Count(total)]),
            ("Colleagues assaulted".into(), vec![Draft::Count(victim_total)]),
            ("Officers assaulted".into(), vec![Draft::Count(officers)]),
            (
                "Rate per 1,000 officers".into(),
                vec![Draft::Rate { count: officers, per: heads.of(&OFFICER_ROLES) }],
            ),
            ("Staff assaulted".into(), vec![Draft::Count(staff)]),
            (
                "Rate per 1,000 staff".into(),
                vec![Draft::Rate { count: staff, per: heads.of(&STAFF_ROLES) }],
            ),
        ],
        false,
    ));

    // Injury: by worst severity, with an "injured" subtotal.
    let sev = |s: &str| cases.iter().filter(|c| c.facts.injury == s).count();
    let none = count(g, sev("none"));
    let minor = count(g, sev("minor"));
    let serious = count(g, sev("serious"));
    let critical = count(g, sev("critical"));
    let injured = count(g, sev("minor") + sev("serious") + sev("critical"));
    g.line(vec![injured, minor, serious, critical]);
    g.line(vec![total, none, injured]);
    g.table(table(
        "injury",
        "Injury",
        "Assaults by the worst injury to any colleague.",
        &["Injury", "Assaults"],
        vec![
            (words::injury("none").into(), vec![Draft::Count(none)]),
            ("Injured".into(), vec![Draft::Count(injured)]),
            (words::injury("minor").into(), vec![Draft::Count(minor)]),
            (words::injury("serious").into(), vec![Draft::Count(serious)]),
            (
                words::injury("critical").into(),
                vec![Draft::Count(critical)],
            ),
            ("Total".into(), vec![Draft::Count(total)]),
        ],
        true,
    ));

    let h = cases.iter().filter(|c| c.facts.hospitalised).count();
    let hospitalised = count(g, h);
    let not_h = count(g, n - h);
    g.line(vec![total, hospitalised, not_h]);
    g.table(table(
        "hospital",
        "Hospitalisations",
        "Assaults after which a colleague was taken to hospital.",
        &["", "Assaults"],
        vec![
            ("Taken to hospital".into(), vec![Draft::Count(hospitalised)]),
            ("Not taken to hospital".into(), vec![Draft::Count(not_h)]),
            ("Total".into(), vec![Draft::Count(total)]),
        ],
        false,
    ));

    let parts = pledge_store::HEADCOUNT_ROLES
        .iter()
        .map(|r| (words::role(r).to_owned(), role_n(&[r])))
        .collect();
    let mut rows = breakdown(g, victim_total, parts);
    // The headline officers (officers and specials) and staff (staff and PCSOs) are sums of
    // these rows: tie them, or a shown sum would reveal a hidden part.
    let role_cell = |rows: &[(String, Vec<Draft>)], i: usize| match rows[i].1[0] {
        Draft::Count(c) => Some(c),
        _ => None,
    };
    if let (Some(o), Some(sc), Some(pcso), Some(st)) = (
        role_cell(&rows, 0),
        role_cell(&rows, 1),
        role_cell(&rows, 2),
        role_cell(&rows, 3),
    ) {
        g.line(vec![officers, o, sc]);
        g.line(vec![staff, st, pcso]);
    }
    if let Some(last) = rows.last_mut() {
        last.0 = "All colleagues assaulted".into();
    }
    for (row, r) in rows.iter_mut().zip(pledge_store::HEADCOUNT_ROLES) {
        let Draft::Count(c) = row.1[0] else { continue };
        row.1.push(Draft::Rate {
            count: c,
            per: heads.of(&[r]),
        });
    }
    if let Some(last) = rows.last_mut() {
        last.1.push(Draft::None);
    }
    g.table(table(
        "workforce_role",
        "Colleagues assaulted by workforce role",
        "Each assaulted colleague once per assault, by their role, with the rate per 1,000 of that role.",
        &["Role", "Colleagues", "Rate per 1,000"],
        rows,
        true,
    ));

    let places = [
        "street", "custody", "vehicle", "station", "railway", "hospital", "other",
    ];
    let parts = places
        .iter()
        .map(|p| {
            (
                words::location(p).to_owned(),
                cases.iter().filter(|c| c.facts.location == *p).count(),
            )
        })
        .collect();
    let rows = breakdown(g, total, parts);
    g.table(table(
        "place",
        "Where",
        "Assaults by kind of place.",
        &["Place", "Assaults"],
        rows,
        true,
    ));

    let activities = [
        "arrest",
        "custody",
        "stop",
        "public_order",
        "mental_health_call",
        "transport",
        "other",
    ];
    let mut parts: Vec<(String, usize)> = activities
        .iter()
        .map(|a| {
            (
                words::activity(a).to_owned(),
                cases
                    .iter()
                    .filter(|c| c.facts.activity.as_deref() == Some(*a))
                    .count(),
            )
        })
        .collect();
    parts.push((
        "Not recorded".into(),
        cases.iter().filter(|c| c.facts.activity.is_none()).count(),
    ));
    let rows = breakdown(g, total, parts);
    g.table(table(
        "circumstances",
        "What the colleague was doing",
        "Assaults by the activity recorded with the report.",
        &["Activity", "Assaults"],
        rows,
        true,
    ));

    let factors = [
        "drunk",
        "drugs",
        "mental_health_crisis",
        "hostile",
        "resisting_arrest",
    ];
    let rows = factors
        .iter()
        .map(|f| {
            let c = count(
                g,
                cases
                    .iter()
                    .filter(|c| c.facts.causal_factors.iter().any(|x| x == f))
                    .count(),
            );
            (words::factor(f).to_owned(), vec![Draft::Count(c)])
        })
        .collect();
    g.table(table(
        "causal_factors",
        "Causal factors",
        "Assaults with each causal factor recorded (an assault may have several, so these do not add up).",
        &["Factor", "Assaults"],
        rows,
        false,
    ));

    super::context::draft(g, cases, total);

    let hc = cases
        .iter()
        .filter(|c| !c.facts.hate_crime.is_empty())
        .count();
    let hate = count(g, hc);
    let not_hate = count(g, n - hc);
    g.line(vec![total, hate, not_hate]);
    let mut rows = vec![
        ("Hate crimes".into(), vec![Draft::Count(hate)]),
        ("Not hate crimes".into(), vec![Draft::Count(not_hate)]),
        ("Total".into(), vec![Draft::Count(total)]),
    ];
    for s in [
        "race",
        "religion",
        "sexual_orientation",
        "disability",
        "transgender_identity",
    ] {
        let c = count(
            g,
            cases
                .iter()
                .filter(|c| c.facts.hate_crime.iter().any(|x| x == s))
                .count(),
        );
        rows.push((
            format!("Hate crimes: {}", words::strand(s)),
            vec![Draft::Count(c)],
        ));
    }
    g.table(table(
        "hate_crime",
        "Hate crimes",
        "Assaults recorded as hate crimes, and by the five monitored strands (an assault may be recorded under several).",
        &["", "Assaults"],
        rows,
        false,
    ));

    let repeats = repeat_victims(cases);
    let rv = count(g, repeats.len());
    g.table(table(
        "repeat_victims",
        "Repeat victims",
        "Colleagues assaulted more than once within 12 months, among the assaults of the period.",
        &["", "Colleagues"],
        vec![(
            "Colleagues assaulted more than once in 12 months".into(),
            vec![Draft::Count(rv)],
        )],
        false,
    ));
    if let Some(names) = names {
        let rows = repeats
            .iter()
            .map(|(person, ids)| {
                let name = names.get(person).cloned().unwrap_or_else(|| person.clone());
                (
                    format!("{name} ({person})"),
                    vec![
                        Draft::Text(ids.len().to_string()),
                        Draft::Text(ids.join(", ")),
                    ],
                )
            })
            .collect();
        g.table(table(
            "repeat_victims_named",
            "Repeat victims, named",
            "Named pack only: each colleague assaulted more than once within 12 months, and the cases.",
            &["Colleague", "Assaults", "Cases"],
            rows,
            false,
        ));
    }

    let a = cases.iter().filter(|c| c.facts.arrested).count();
    let r = cases
        .iter()
        .filter(|c| !c.facts.arrested && !c.facts.no_arrest_reasons.is_empty())
        .count();
    let arrested = count(g, a);
    let with_reason = count(g, r);
    let neither = count(g, n - a - r);
    g.line(vec![total, arrested, with_reason, neither]);
    g.table(table(
        "arrests",
        "Arrests",
        "Assaults after which a suspect was arrested, and, when none was, whether the reason was recorded.",
        &["", "Assaults"],
        vec![
            ("A suspect arrested".into(), vec![Draft::Count(arrested)]),
            ("No arrest, reason recorded".into(), vec![Draft::Count(with_reason)]),
            ("No arrest, no reason recorded".into(), vec![Draft::Count(neither)]),
            ("Total".into(), vec![Draft::Count(total)]),
        ],
        false,
    ));
    if names.is_some() {
        let mut reasons: BTreeMap<&str, u64> = BTreeMap::new();
        for c in cases.iter().filter(|c| !c.facts.arrested) {
            for reason in &c.facts.no_arrest_reasons {
                *reasons.entry(reason.as_str()).or_default() += 1;
            }
        }
        let rows = reasons
            .into_iter()
            .map(|(reason, n)| (reason.to_owned(), vec![Draft::Text(n.to_string())]))
            .collect();
        g.table(table(
            "no_arrest_reasons",
            "Reasons given for no arrest",
            "Named pack only: the reasons recorded, grouped by their words.",
            &["Reason", "Times given"],
            rows,
            false,
        ));
    }

    let charged = count(g, cases.iter().filter(|c| c.facts.charged).count());
    let mut outcomes: BTreeMap<u8, usize> = BTreeMap::new();
    for c in cases {
        if let Some(o) = c.facts.outcome_type {
            *outcomes.entry(o).or_default() += 1;
        }
    }
    let mut parts: Vec<(String, usize)> = outcomes
        .iter()
        .map(|(o, n)| (words::outcome(*o), *n))
        .collect();
    parts.push((
        "No outcome yet".into(),
        cases
            .iter()
            .filter(|c| c.facts.outcome_type.is_none())
            .count(),
    ));
    let mut rows = vec![("Charged".into(), vec![Draft::Count(charged)])];
    let parts_rows = breakdown(g, total, parts);
    // "No outcome yet" is the row before the total; the victims' table's "Outcome
    // finalised" is the total minus it.
    let no_outcome = parts_rows
        .len()
        .checked_sub(2)
        .and_then(|i| match parts_rows[i].1[0] {
            Draft::Count(c) => Some(c),
            _ => None,
        });
    rows.extend(parts_rows);
    g.table(table(
        "outcomes",
        "Charges and outcomes",
        "Assaults charged, and by Home Office outcome type (types with no assaults are left out).",
        &["", "Assaults"],
        rows,
        false,
    ));

    let verdicts = ["guilty", "not_guilty", "discontinued"];
    let mut parts: Vec<(String, usize)> = verdicts
        .iter()
        .map(|v| {
            (
                words::verdict(v).to_owned(),
                cases
                    .iter()
                    .filter(|c| c.facts.verdict.as_deref() == Some(*v))
                    .count(),
            )
        })
        .collect();
    parts.push((
        "No verdict".into(),
        cases.iter().filter(|c| c.facts.verdict.is_none()).count(),
    ));
    let mut rows = breakdown(g, total, parts);
    let applied = cases
        .iter()
        .filter(|c| c.facts.aggravation_applied == Some(true))
        .count();
    let not_applied = cases
        .iter()
        .filter(|c| c.facts.aggravation_applied == Some(false))
        .count();
    let sentenced = count(g, applied + not_applied);
    let ap = count(g, applied);
    let nap = count(g, not_applied);
    g.line(vec![sentenced, ap, nap]);
    rows.push(("Sentenced".into(), vec![Draft::Count(sentenced)]));
    rows.push((
        "Emergency-worker aggravation applied".into(),
        vec![Draft::Count(ap)],
    ));
    rows.push(("Aggravation not applied".into(), vec![Draft::Count(nap)]));
    g.table(table(
        "court",
        "Court results",
        "Assaults by the last verdict, and sentences by whether the emergency-worker aggravation (Assaults on Emergency Workers (Offences) Act 2018, section 2) was applied.",
        &["", "Assaults"],
        rows,
        false,
    ));

    let with_outcome: Vec<&CaseReport> = cases
        .iter()
        .filter(|c| c.facts.outcome_at.is_some())
        .collect();
    let before = with_outcome
        .iter()
        .filter(|c| matches!((c.facts.view_recorded_at, c.facts.outcome_at), (Some(v), Some(o)) if v <= o))
        .count();
    let wo = count(g, with_outcome.len());
    let b = count(g, before);
    let nb = count(g, with_outcome.len() - before);
    g.line(vec![wo, b, nb]);
    if let Some(no) = no_outcome {
        g.line(vec![total, wo, no]);
    }
    let flag = |f: fn(&CaseReport) -> bool| cases.iter().filter(|c| f(c)).count();
    let support = count(g, flag(|c| c.facts.support_referred));
    let opted = count(g, flag(|c| c.facts.support_opted_out));
    let trim_c = count(g, flag(|c| c.facts.trim_considered));
    let trim_r = count(g, flag(|c| c.facts.trim_referred));
    let survey = count(g, flag(|c| c.facts.survey_sent));
    g.table(table(
        "victims",
        "Victims' views and support",
        "Whether the victim's view was heard before the outcome, referrals to support and to TRiM, and feedback surveys sent.",
        &["", "Assaults"],
        vec![
            ("Outcome finalised".into(), vec![Draft::Count(wo)]),
            ("View heard before the outcome".into(), vec![Draft::Count(b)]),
            ("View not heard before the outcome".into(), vec![Draft::Count(nb)]),
            ("Referred to support services".into(), vec![Draft::Count(support)]),
            ("Opted out of support".into(), vec![Draft::Count(opted)]),
            ("TRiM referral considered".into(), vec![Draft::Count(trim_c)]),
            ("Referred to TRiM".into(), vec![Draft::Count(trim_r)]),
            ("Feedback survey sent".into(), vec![Draft::Count(survey)]),
        ],
        false,
    ));

    Totals {
        assaults: total,
        injured,
        hospitalised,
        hate,
        arrested,
    }
}

/// Colleagues named as victims in two assaults that happened within 365 days of each other,
/// with their cases (sorted by person).
pub(crate) fn repeat_victims(cases: &[CaseReport]) -> Vec<(String, Vec<String>)> {
    let mut by_person: BTreeMap<&str, Vec<&CaseReport>> = BTreeMap::new();
    for c in cases {
        for v in &c.facts.victims {
            by_person.entry(v.person.as_str()).or_default().push(c);
        }
    }
    let year = jiff::SignedDuration::from_hours(365 * 24);
    by_person
        .into_iter()
        .filter_map(|(p, mut cs)| {
            cs.sort_by_key(|c| c.occurred_at);
            cs.dedup_by(|a, b| a.case_id == b.case_id);
            let repeat = cs
                .windows(2)
                .any(|w| w[1].occurred_at.duration_since(w[0].occurred_at) <= year);
            repeat.then(|| {
                (
                    p.to_owned(),
                    cs.iter().map(|c| c.case_id.to_string()).collect(),
                )
            })
        })
        .collect()
}
