//! The national picture as tables for reading (the HTML page and file): the forces, the
//! rates, and for each measure the all-forces totals (charted) and each force's figures.

use super::merge::{NationalPicture, Total};
use super::schema::Figure;
use crate::reports::{Cell, Row, Table, words};

fn figure(f: Option<&Figure>) -> Cell {
    match f {
        Some(Figure::Count { value }) => Cell::Count { value: *value },
        Some(Figure::FewerThan { threshold }) => Cell::FewerThan {
            threshold: *threshold,
        },
        Some(Figure::Withheld) => Cell::Withheld,
        Some(Figure::NotApplicable) | None => Cell::NotAvailable,
    }
}

fn total(t: Option<&Total>) -> Cell {
    match t {
        Some(Total::Exact { value }) => Cell::Count { value: *value },
        Some(at_least @ Total::AtLeast { .. }) => Cell::Text {
            value: at_least.display(),
        },
        Some(Total::NotApplicable) | None => Cell::NotAvailable,
    }
}

fn rate(x: Option<f64>) -> Cell {
    x.map_or(Cell::NotAvailable, |value| Cell::Rate { value })
}

fn label(point: Option<&str>, label: &str) -> String {
    match point {
        Some(p) => format!("{label} (point {p})"),
        None => label.to_owned(),
    }
}

/// The tables, in reading order.
pub fn tables(p: &NationalPicture) -> Vec<Table> {
    let mut out = Vec::new();
    out.push(Table {
        id: "forces".into(),
        title: "Forces in this picture".into(),
        about: "Each force's export: when it was made, the plan versions its cases were held to and its event log head then (the whole hash is in the JSON and CSV, for pledge verify --expect-head), and its workforce.".into(),
        columns: vec![
            "Force".into(),
            "Exported".into(),
            "Plan versions".into(),
            "Event log head".into(),
            "Officers and specials".into(),
            "Staff and PCSOs".into(),
        ],
        rows: p
            .forces
            .iter()
            .map(|f| {
                let heads = |roles: &[&str]| -> u64 {
                    roles.iter().filter_map(|r| f.headcounts.by_role.get(*r)).sum()
                };
                Row {
                    label: f.force.clone(),
                    cells: vec![
                        Cell::Text {
                            value: f.generated_at.strftime("%-d %B %Y %H:%M UTC").to_string(),
                        },
                        Cell::Text {
                            value: f
                                .plan_versions
                                .iter()
                                .map(|v| format!("{} version {}", v.plan, v.version))
                                .collect::<Vec<_>>()
                                .join(", "),
                        },
                        // The page shows the start of the hash; the JSON and CSV carry it
                        // whole for `pledge verify --expect-head`.
                        Cell::Text {
                            value: format!(
                                "event {}, hash {}…",
                                crate::reports::table::thousands(
                                    u64::try_from(f.log_head.sequence).unwrap_or(0)
                                ),
                                f.log_head.hash.get(..16).unwrap_or(&f.log_head.hash)
                            ),
                        },
                        Cell::Count { value: heads(&["officer", "special_constable"]) },
                        Cell::Count { value: heads(&["staff", "pcso"]) },
                    ],
                }
            })
            .collect(),
        chart: false,
    });
    let mut columns = vec![
        "Area".to_owned(),
        "Officers assaulted per 1,000 officers".to_owned(),
        "Staff assaulted per 1,000 staff".to_owned(),
    ];
    columns.extend(
        pledge_store::HEADCOUNT_ROLES
            .iter()
            .map(|r| format!("{} per 1,000", words::role(r))),
    );
    out.push(Table {
        id: "rates".into(),
        title: "Rates per 1,000 of the workforce".into(),
        about: "Colleagues assaulted per 1,000 of the workforce on the last day of the period (officers include special constables; staff include PCSOs). No rate is given for a hidden count.".into(),
        columns,
        rows: p
            .rates
            .iter()
            .map(|r| {
                let mut cells = vec![rate(r.per_1000_officers), rate(r.per_1000_staff)];
                cells.extend(r.per_1000_by_role.iter().map(|(_, x)| rate(*x)));
                Row { label: r.area.clone(), cells }
            })
            .collect(),
        chart: false,
    });
    for t in &p.tables {
        let mut columns = vec![String::new()];
        columns.extend(t.columns.iter().cloned());
        out.push(Table {
            id: format!("{}_all", t.id),
            title: format!("{}: all forces", t.title),
            about: "The forces' figures added up. “At least” where some force's figure was hidden: the shown figures plus one for each hidden one.".into(),
            columns: columns.clone(),
            rows: t
                .rows
                .iter()
                .map(|r| Row {
                    label: label(r.point.as_deref(), &r.label),
                    cells: (0..t.columns.len()).map(|c| total(r.total.get(c))).collect(),
                })
                .collect(),
            chart: t.columns.len() == 1,
        });
        let mut by_force = vec![String::new()];
        by_force.extend(p.forces.iter().map(|f| f.force.clone()));
        for (ci, c) in t.columns.iter().enumerate() {
            let title = if t.columns.len() == 1 {
                format!("{} by force", t.title)
            } else {
                format!("{} by force: {}", t.title, c.to_lowercase())
            };
            out.push(Table {
                id: format!("{}_by_force_{ci}", t.id),
                title,
                about: "Each force's figure as its export shows it.".into(),
                columns: by_force.clone(),
                rows: t
                    .rows
                    .iter()
                    .map(|r| Row {
                        label: label(r.point.as_deref(), &r.label),
                        cells: r
                            .by_force
                            .iter()
                            .map(|fs| figure(fs.as_ref().and_then(|v| v.get(ci))))
                            .collect(),
                    })
                    .collect(),
                chart: false,
            });
        }
    }
    out
}
