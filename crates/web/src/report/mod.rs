//! The scrutiny pack as HTML (the page and the standalone file `pledge report` writes), with
//! its charts drawn as SVG on the server. Shared by `pages::report` and the command line.

pub mod chart;
pub mod national;

use askama::Template;
use pledge_app::reports::{Pack, Table};

/// A table with its chart, ready for the template.
pub struct ShownTable<'a> {
    /// The table.
    pub table: &'a Table,
    /// Its chart (SVG markup, escaped), when it has one.
    pub svg: Option<String>,
    /// Its CSV download link, on the page (None in a file).
    pub csv_href: Option<String>,
}

/// The tables of a pack with their charts; `csv_query` (the page's query string) gives each
/// a download link.
pub fn shown<'a>(pack: &'a Pack, csv_query: Option<&str>) -> Vec<ShownTable<'a>> {
    pack.tables
        .iter()
        .map(|t| ShownTable {
            table: t,
            svg: t.chart.then(|| chart::bars(t)),
            csv_href: csv_query.map(|q| format!("/reports/{}.csv?{q}", t.id)),
        })
        .collect()
}

/// The pack as one standalone HTML document (its own styles, print-ready, no script).
#[derive(Template)]
#[template(path = "report_standalone.html")]
pub struct Standalone<'a> {
    /// The pack.
    pub pack: &'a Pack,
    /// Its tables.
    pub tables: Vec<ShownTable<'a>>,
}

/// Renders the standalone document.
pub fn standalone(pack: &Pack) -> Result<String, askama::Error> {
    Standalone {
        pack,
        tables: shown(pack, None),
    }
    .render()
}
