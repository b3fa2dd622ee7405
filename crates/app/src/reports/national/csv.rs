//! The national export and picture as CSV, one figure a line (long format, for
//! spreadsheets; docs/reports.md). `pledge national merge` reads the JSON export only.

use super::merge::NationalPicture;
use super::schema::NationalExport;
use crate::error::{AppError, AppResult};

fn writer() -> csv::Writer<Vec<u8>> {
    csv::Writer::from_writer(Vec::new())
}

fn finish(w: csv::Writer<Vec<u8>>) -> AppResult<String> {
    let bytes = w
        .into_inner()
        .map_err(|e| AppError::Internal(format!("cannot finish the CSV: {e}")))?;
    String::from_utf8(bytes).map_err(|e| AppError::Internal(format!("CSV is not UTF-8: {e}")))
}

fn row(w: &mut csv::Writer<Vec<u8>>, cells: &[&str]) -> AppResult<()> {
    w.write_record(cells)
        .map_err(|e| AppError::Internal(format!("cannot write the CSV: {e}")))
}

/// A force's export: `schema_version,force,from,to,table,point,row,column,value`. The
/// export's own facts are lines of the table `export` (log head, threshold, plan versions,
/// headcounts by role).
pub fn export(e: &NationalExport) -> AppResult<String> {
    let mut w = writer();
    row(
        &mut w,
        &[
            "schema_version",
            "force",
            "from",
            "to",
            "table",
            "point",
            "row",
            "column",
            "value",
        ],
    )?;
    let (v, from, to) = (
        e.schema_version.to_string(),
        e.from.to_string(),
        e.to.to_string(),
    );
    let line =
        |w: &mut csv::Writer<Vec<u8>>, table: &str, point: &str, r: &str, c: &str, value: &str| {
            row(w, &[&v, &e.force, &from, &to, table, point, r, c, value])
        };
    line(
        &mut w,
        "export",
        "",
        "generated_at",
        "",
        &e.generated_at.to_string(),
    )?;
    line(
        &mut w,
        "export",
        "",
        "threshold",
        "",
        &e.threshold.to_string(),
    )?;
    line(&mut w, "export", "", "log_head", "", &e.log_head.label())?;
    for p in &e.plan_versions {
        line(
            &mut w,
            "export",
            "",
            "plan_version",
            &p.plan,
            &p.version.to_string(),
        )?;
    }
    for (role, n) in &e.headcounts.by_role {
        line(
            &mut w,
            "headcounts",
            "",
            role,
            &e.headcounts.on.to_string(),
            &n.to_string(),
        )?;
    }
    for t in &e.tables {
        for r in &t.rows {
            for (c, f) in t.columns.iter().zip(&r.figures) {
                line(
                    &mut w,
                    &t.id,
                    r.point.as_deref().unwrap_or(""),
                    &r.label,
                    c,
                    &f.csv(),
                )?;
            }
        }
    }
    finish(w)
}

/// The national picture: `table,point,row,column,area,value`, each force's figure and then
/// the all-forces total (`>=N` where some force's figure was hidden); the rates as the table
/// `rates`.
pub fn picture(p: &NationalPicture) -> AppResult<String> {
    let mut w = writer();
    row(
        &mut w,
        &["table", "point", "row", "column", "area", "value"],
    )?;
    for t in &p.tables {
        for r in &t.rows {
            let point = r.point.as_deref().unwrap_or("");
            for (ci, c) in t.columns.iter().enumerate() {
                for (f, figures) in p.forces.iter().zip(&r.by_force) {
                    let value = figures
                        .as_ref()
                        .and_then(|fs| fs.get(ci))
                        .map(|x| x.csv())
                        .unwrap_or_default();
                    row(&mut w, &[&t.id, point, &r.label, c, &f.force, &value])?;
                }
                let total = r.total.get(ci).map(|x| x.csv()).unwrap_or_default();
                row(&mut w, &[&t.id, point, &r.label, c, "All forces", &total])?;
            }
        }
    }
    for r in &p.rates {
        let fmt = |x: Option<f64>| x.map(|v| format!("{v:.1}")).unwrap_or_default();
        row(
            &mut w,
            &[
                "rates",
                "",
                "per 1,000 officers",
                "",
                &r.area,
                &fmt(r.per_1000_officers),
            ],
        )?;
        row(
            &mut w,
            &[
                "rates",
                "",
                "per 1,000 staff",
                "",
                &r.area,
                &fmt(r.per_1000_staff),
            ],
        )?;
        for (role, x) in &r.per_1000_by_role {
            row(
                &mut w,
                &[
                    "rates",
                    "",
                    &format!("per 1,000 {role}"),
                    "",
                    &r.area,
                    &fmt(*x),
                ],
            )?;
        }
    }
    finish(w)
}
