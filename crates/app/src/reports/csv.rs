//! The pack as CSV: one file per table, and a data dictionary (docs/reports.md).

use super::{Pack, Table};

/// Quotes a CSV field when it needs it (RFC 4180); a field starting with a formula character
/// is prefixed with `'` so a spreadsheet does not run it.
pub fn field(s: &str) -> String {
    let s = if s.starts_with(['=', '+', '-', '@']) && s.parse::<f64>().is_err() {
        format!("'{s}")
    } else {
        s.to_owned()
    };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

/// One table as CSV.
pub fn table(t: &Table) -> String {
    let mut out = String::new();
    let line =
        |cells: Vec<String>| cells.iter().map(|c| field(c)).collect::<Vec<_>>().join(",") + "\r\n";
    out.push_str(&line(t.columns.clone()));
    for r in &t.rows {
        let mut cells = vec![r.label.clone()];
        cells.extend(r.cells.iter().map(|c| c.csv()));
        out.push_str(&line(cells));
    }
    out
}

/// Every file of the pack: (file name, contents), the data dictionary first.
pub fn files(pack: &Pack) -> Vec<(String, String)> {
    let mut out = vec![("dictionary.csv".to_owned(), dictionary(pack))];
    for t in &pack.tables {
        out.push((format!("{}.csv", t.id), table(t)));
    }
    out
}

/// The data dictionary: each file, its columns and what they hold.
pub fn dictionary(pack: &Pack) -> String {
    let mut out = String::from("file,column,meaning\r\n");
    let mut row = |f: &str, c: &str, m: &str| {
        out.push_str(&format!("{},{},{}\r\n", field(f), field(c), field(m)));
    };
    row(
        "*",
        "*",
        &format!(
            "{} pack for {} ({}), assaults that happened from {} to {} (UK time); counts from 1 to {} are shown as <{} and some others as [withheld] so that totals cannot reveal them; an empty cell has no figure",
            pack.version,
            pack.area,
            pack.force,
            pack.from,
            pack.to,
            pack.threshold.saturating_sub(1),
            pack.threshold
        ),
    );
    for t in &pack.tables {
        let file = format!("{}.csv", t.id);
        row(&file, "", &format!("{}: {}", t.title, t.about));
        for c in &t.columns {
            row(&file, c, "");
        }
    }
    out
}
