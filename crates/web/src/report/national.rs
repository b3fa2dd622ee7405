//! The national picture as HTML: the standalone file `pledge national merge` writes (its own
//! styles, print-ready, no script), with the all-forces tables charted as SVG beside them.

use super::{ShownTable, chart};
use askama::Template;
use pledge_app::reports::Table;
use pledge_app::reports::national::{NationalPicture, reading};

/// The picture's tables and charts, ready for a template.
pub struct Shown {
    /// The forces, in words.
    pub forces: String,
    /// The period, in words.
    pub period: String,
    /// The tables for reading.
    pub tables: Vec<Table>,
    /// Their charts.
    pub svgs: Vec<Option<String>>,
}

impl Shown {
    /// Reads a picture.
    pub fn of(p: &NationalPicture) -> Self {
        let tables = reading::tables(p);
        let svgs = tables
            .iter()
            .map(|t| t.chart.then(|| chart::bars(t)))
            .collect();
        let date = |d: jiff::civil::Date| d.strftime("%-d %B %Y").to_string();
        Shown {
            forces: match p.forces.len() {
                1 => "1 force".into(),
                n => format!("{n} forces"),
            },
            period: format!("{} to {}", date(p.from), date(p.to)),
            tables,
            svgs,
        }
    }

    /// The tables with their charts.
    pub fn shown(&self) -> Vec<ShownTable<'_>> {
        self.tables
            .iter()
            .zip(&self.svgs)
            .map(|(table, svg)| ShownTable {
                table,
                svg: svg.clone(),
                csv_href: None,
            })
            .collect()
    }
}

/// The standalone document.
#[derive(Template)]
#[template(path = "national_standalone.html")]
pub struct Standalone<'a> {
    /// What is shown.
    pub n: &'a Shown,
    /// Its tables.
    pub tables: Vec<ShownTable<'a>>,
}

/// Renders the picture as one standalone HTML document.
pub fn standalone(p: &NationalPicture) -> Result<String, askama::Error> {
    let n = Shown::of(p);
    Standalone {
        n: &n,
        tables: n.shown(),
    }
    .render()
}
