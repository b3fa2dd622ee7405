//! A horizontal bar chart of a table's first column, as SVG drawn on the server (no script).
//! The table beside it holds the same figures; a hidden count draws no bar and says why.

use pledge_app::reports::{Cell, Table};

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The chart of every row but the last (the total) by its first cell.
pub fn bars(t: &Table) -> String {
    let rows: Vec<_> = t.rows.iter().take(t.rows.len().saturating_sub(1)).collect();
    let max = rows
        .iter()
        .filter_map(|r| r.cells.first().and_then(Cell::count))
        .max()
        .unwrap_or(0)
        .max(1);
    let (label_w, bar_w, row_h) = (220.0, 300.0, 24.0);
    let height = row_h * rows.len() as f64 + 8.0;
    let mut out = format!(
        "<svg class=\"pledge-chart\" role=\"img\" aria-labelledby=\"chart-{id}-title\" viewBox=\"0 0 {w} {height}\" width=\"100%\" preserveAspectRatio=\"xMinYMin meet\" xmlns=\"http://www.w3.org/2000/svg\"><title id=\"chart-{id}-title\">{title}: bar chart of the figures in the table</title>",
        id = escape(&t.id),
        w = label_w + bar_w + 110.0,
        title = escape(&t.title),
    );
    for (i, r) in rows.iter().enumerate() {
        let y = i as f64 * row_h + 4.0;
        let cell = r.cells.first();
        let label: String = r.label.chars().take(34).collect();
        out.push_str(&format!(
            "<text x=\"0\" y=\"{ty}\" font-size=\"13\" fill=\"#0b0c0c\">{}</text>",
            escape(&label),
            ty = y + 15.0
        ));
        let (w, text) = match cell {
            Some(Cell::Count { value }) => (
                *value as f64 / max as f64 * bar_w,
                cell.map(Cell::display).unwrap_or_default(),
            ),
            Some(c) => (0.0, c.display()),
            None => (0.0, String::new()),
        };
        out.push_str(&format!(
            "<rect x=\"{label_w}\" y=\"{y}\" width=\"{w:.1}\" height=\"{h}\" fill=\"#1d70b8\"/><text x=\"{tx:.1}\" y=\"{ty}\" font-size=\"13\" fill=\"#0b0c0c\">{}</text>",
            escape(&text),
            h = row_h - 6.0,
            tx = label_w + w + 6.0,
            ty = y + 15.0
        ));
    }
    out.push_str("</svg>");
    out
}
