//! Merging force exports into the national picture (docs/reports.md, "The national
//! picture"). Every file is checked before anything is added up; a refusal names the file
//! and the field.
//!
//! Totals never reveal a suppressed force cell: the merge has only what the exports show,
//! so a national total is either exact (every force's figure shown) or "at least" the sum of
//! the shown figures plus one for each hidden figure (a hidden count is never zero). Each
//! export's secondary suppression leaves no line of it with exactly one hidden figure, so no
//! national line has exactly one inexact total either.

use super::schema::{
    ExportRow, Figure, Headcounts, LogHead, NationalExport, PlanVersion, SCHEMA, SCHEMA_VERSION,
};
use jiff::Timestamp;
use jiff::civil::Date;
use serde::Serialize;
use std::collections::HashMap;

/// The most files one merge takes (the 43 territorial forces, BTP and room to spare).
pub const MAX_FILES: usize = 100;

/// Why a merge was refused: the file, the field and the problem.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}: {field}: {problem}")]
pub struct Refusal {
    /// The file (its name as given).
    pub file: String,
    /// The field, as a path into the file (`schema_version`, `tables[2].rows[4].figures`).
    pub field: String,
    /// What is wrong, in a sentence.
    pub problem: String,
}

fn refuse(file: &str, field: impl Into<String>, problem: impl Into<String>) -> Refusal {
    Refusal {
        file: file.to_owned(),
        field: field.into(),
        problem: problem.into(),
    }
}

/// A national total of one figure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Total {
    /// Every force's figure was shown: the exact sum.
    Exact {
        /// The sum.
        value: u64,
    },
    /// Some forces' figures were hidden: the shown figures plus one for each hidden one.
    AtLeast {
        /// The lower bound.
        value: u64,
        /// How many forces' figures were hidden.
        hidden: u32,
    },
    /// No force has a figure here.
    NotApplicable,
}

impl Total {
    /// As a person reads it.
    pub fn display(&self) -> String {
        match self {
            Total::Exact { value } => crate::reports::table::thousands(*value),
            Total::AtLeast { value, .. } => {
                format!("at least {}", crate::reports::table::thousands(*value))
            }
            Total::NotApplicable => "not available".into(),
        }
    }

    /// In a CSV file: the number, `>=N`, or empty.
    pub fn csv(&self) -> String {
        match self {
            Total::Exact { value } => value.to_string(),
            Total::AtLeast { value, .. } => format!(">={value}"),
            Total::NotApplicable => String::new(),
        }
    }

    /// The exact value, if it is one.
    pub fn exact(&self) -> Option<u64> {
        match self {
            Total::Exact { value } => Some(*value),
            _ => None,
        }
    }
}

/// One force in the picture: where its figures came from.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ForceEntry {
    /// The force.
    pub force: String,
    /// The file it came from, as given.
    pub file: String,
    /// When its export was made.
    pub generated_at: Timestamp,
    /// Its suppression threshold.
    pub threshold: u64,
    /// Its plan versions.
    pub plan_versions: Vec<PlanVersion>,
    /// Its log head at export time.
    pub log_head: LogHead,
    /// Its headcounts.
    pub headcounts: Headcounts,
}

/// One row of a merged table.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MergedRow {
    /// The plan point (point-by-point rows).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub point: Option<String>,
    /// What it counts.
    pub label: String,
    /// Each force's figures, in the order of `forces`; None where the force's export has no
    /// such row (another plan's obligation, or one that never applied).
    pub by_force: Vec<Option<Vec<Figure>>>,
    /// The national total of each column.
    pub total: Vec<Total>,
}

/// One merged table.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MergedTable {
    /// The pack's table id.
    pub id: String,
    /// Its heading.
    pub title: String,
    /// The figure columns.
    pub columns: Vec<String>,
    /// The rows, in the order first seen.
    pub rows: Vec<MergedRow>,
}

/// One line of the rates table: a force or all forces.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RateRow {
    /// The force, or "All forces".
    pub area: String,
    /// Officers (with special constables) assaulted per 1,000 officers.
    pub per_1000_officers: Option<f64>,
    /// Staff (with PCSOs) assaulted per 1,000 staff.
    pub per_1000_staff: Option<f64>,
    /// Colleagues of each role assaulted per 1,000 of that role.
    pub per_1000_by_role: Vec<(String, Option<f64>)>,
}

/// The national picture.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NationalPicture {
    /// The export schema version the files were.
    pub schema_version: u32,
    /// First day.
    pub from: Date,
    /// Last day, inclusive.
    pub to: Date,
    /// The forces, in the order given.
    pub forces: Vec<ForceEntry>,
    /// The national headcounts (the forces' added up).
    pub headcounts: std::collections::BTreeMap<String, u64>,
    /// The merged tables.
    pub tables: Vec<MergedTable>,
    /// Rates per 1,000 by force and for all forces (None: a hidden count or no headcount).
    pub rates: Vec<RateRow>,
}

impl NationalPicture {
    /// A table by id.
    pub fn table(&self, id: &str) -> Option<&MergedTable> {
        self.tables.iter().find(|t| t.id == id)
    }
}

/// Reads one file: JSON of the right schema and version, consistent in itself.
pub fn parse(file: &str, text: &str) -> Result<NationalExport, Refusal> {
    let value: serde_json::Value = serde_json::from_str(text).map_err(|e| {
        refuse(
            file,
            "(file)",
            format!("not a national export: not JSON ({e}); merge reads the JSON export"),
        )
    })?;
    match value.get("schema").and_then(|s| s.as_str()) {
        Some(SCHEMA) => {}
        Some(other) => {
            return Err(refuse(
                file,
                "schema",
                format!("is \"{other}\", not \"{SCHEMA}\""),
            ));
        }
        None => {
            return Err(refuse(
                file,
                "schema",
                format!("missing: not a national export (\"schema\": \"{SCHEMA}\")"),
            ));
        }
    }
    match value.get("schema_version").and_then(|v| v.as_u64()) {
        Some(v) if v == u64::from(SCHEMA_VERSION) => {}
        Some(v) => {
            return Err(refuse(
                file,
                "schema_version",
                format!(
                    "is {v}; this Pledge reads version {SCHEMA_VERSION} (export every force with the same Pledge release)"
                ),
            ));
        }
        None => {
            return Err(refuse(
                file,
                "schema_version",
                "missing or not a whole number",
            ));
        }
    }
    let export: NationalExport = serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e.path().to_string();
        refuse(
            file,
            if path == "." { "(file)".into() } else { path },
            e.into_inner().to_string(),
        )
    })?;
    check(file, &export)?;
    Ok(export)
}

/// The checks a file's own fields must pass.
fn check(file: &str, e: &NationalExport) -> Result<(), Refusal> {
    if e.force.trim().is_empty() {
        return Err(refuse(file, "force", "is empty"));
    }
    if e.to < e.from {
        return Err(refuse(file, "to", "the period ends before it starts"));
    }
    if e.threshold < 2 {
        return Err(refuse(file, "threshold", "must be at least 2"));
    }
    if !is_hash(&e.log_head.hash) || e.log_head.sequence < 0 {
        return Err(refuse(
            file,
            "log_head",
            "is not a sequence number and a 64-hex-digit hash",
        ));
    }
    let mut ids = std::collections::HashSet::new();
    for (ti, t) in e.tables.iter().enumerate() {
        if !ids.insert(t.id.as_str()) {
            return Err(refuse(
                file,
                format!("tables[{ti}].id"),
                format!("\"{}\" appears twice", t.id),
            ));
        }
        let mut keys = std::collections::HashSet::new();
        for (ri, r) in t.rows.iter().enumerate() {
            if r.figures.len() != t.columns.len() {
                return Err(refuse(
                    file,
                    format!("tables[{ti}].rows[{ri}].figures"),
                    format!(
                        "has {} figures for {} columns",
                        r.figures.len(),
                        t.columns.len()
                    ),
                ));
            }
            if !keys.insert((r.point.as_deref(), r.label.as_str())) {
                return Err(refuse(
                    file,
                    format!("tables[{ti}].rows[{ri}].label"),
                    format!("\"{}\" appears twice in the {} table", r.label, t.id),
                ));
            }
            for (fi, f) in r.figures.iter().enumerate() {
                if let Figure::FewerThan { threshold } = f
                    && *threshold != e.threshold
                {
                    return Err(refuse(
                        file,
                        format!("tables[{ti}].rows[{ri}].figures[{fi}].threshold"),
                        format!("is {threshold}, not the file's threshold {}", e.threshold),
                    ));
                }
                if let Figure::Count { value } = f
                    && *value > 0
                    && *value < e.threshold
                {
                    return Err(refuse(
                        file,
                        format!("tables[{ti}].rows[{ri}].figures[{fi}]"),
                        format!(
                            "shows {value}, under the threshold {}: the file is not suppressed",
                            e.threshold
                        ),
                    ));
                }
            }
        }
    }
    Ok(())
}

fn is_hash(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Merges parsed files (name, export): refused when there are none, too many, two of one
/// force, or periods that differ.
pub fn merge(files: &[(String, NationalExport)]) -> Result<NationalPicture, Refusal> {
    let Some((first_name, first)) = files.first() else {
        return Err(refuse("(none)", "files", "give at least one force export"));
    };
    if files.len() > MAX_FILES {
        return Err(refuse(
            "(all)",
            "files",
            format!("{} files; a merge takes at most {MAX_FILES}", files.len()),
        ));
    }
    let mut seen: HashMap<&str, &str> = HashMap::new();
    for (name, e) in files {
        if let Some(other) = seen.insert(e.force.as_str(), name.as_str()) {
            return Err(refuse(
                name,
                "force",
                format!(
                    "{} is also in {other}: two exports of the same force for overlapping periods (give one per force)",
                    e.force
                ),
            ));
        }
        for (field, mine, theirs) in [("from", e.from, first.from), ("to", e.to, first.to)] {
            if mine != theirs {
                return Err(refuse(
                    name,
                    field,
                    format!(
                        "the period {} to {} differs from {first_name}'s {} to {}: every export of a merge covers the same period",
                        e.from, e.to, first.from, first.to
                    ),
                ));
            }
        }
    }
    let mut tables: Vec<MergedTable> = Vec::new();
    let mut first_file_of_table: HashMap<String, &str> = HashMap::new();
    let n = files.len();
    for (fi, (name, e)) in files.iter().enumerate() {
        for t in &e.tables {
            let idx = match tables.iter().position(|m| m.id == t.id) {
                Some(i) => {
                    if tables[i].columns != t.columns {
                        let other = first_file_of_table.get(&t.id).copied().unwrap_or("");
                        return Err(refuse(
                            name,
                            format!("tables[{}].columns", t.id),
                            format!("differ from {other}'s columns of the same table"),
                        ));
                    }
                    i
                }
                None => {
                    first_file_of_table.insert(t.id.clone(), name);
                    tables.push(MergedTable {
                        id: t.id.clone(),
                        title: t.title.clone(),
                        columns: t.columns.clone(),
                        rows: Vec::new(),
                    });
                    tables.len() - 1
                }
            };
            let m = &mut tables[idx];
            for r in &t.rows {
                let ri = row_index(m, r, n);
                m.rows[ri].by_force[fi] = Some(r.figures.clone());
            }
        }
    }
    for t in &mut tables {
        for r in &mut t.rows {
            r.total = (0..t.columns.len())
                .map(|c| {
                    total(
                        r.by_force
                            .iter()
                            .map(|f| f.as_ref().and_then(|fs| fs.get(c))),
                    )
                })
                .collect();
        }
    }
    let mut headcounts = std::collections::BTreeMap::new();
    for (_, e) in files {
        for (role, n) in &e.headcounts.by_role {
            *headcounts.entry(role.clone()).or_insert(0u64) += n;
        }
    }
    let forces: Vec<ForceEntry> = files
        .iter()
        .map(|(name, e)| ForceEntry {
            force: e.force.clone(),
            file: name.clone(),
            generated_at: e.generated_at,
            threshold: e.threshold,
            plan_versions: e.plan_versions.clone(),
            log_head: e.log_head.clone(),
            headcounts: e.headcounts.clone(),
        })
        .collect();
    let mut picture = NationalPicture {
        schema_version: SCHEMA_VERSION,
        from: first.from,
        to: first.to,
        forces,
        headcounts,
        tables,
        rates: Vec::new(),
    };
    picture.rates = super::rates::rates(&picture);
    Ok(picture)
}

/// The row of a merged table for an export's row, added when new.
fn row_index(m: &mut MergedTable, r: &ExportRow, forces: usize) -> usize {
    if let Some(i) = m
        .rows
        .iter()
        .position(|x| x.point == r.point && x.label == r.label)
    {
        return i;
    }
    m.rows.push(MergedRow {
        point: r.point.clone(),
        label: r.label.clone(),
        by_force: vec![None; forces],
        total: Vec::new(),
    });
    m.rows.len() - 1
}

/// The national total of one figure over the forces.
pub fn total<'a>(figures: impl Iterator<Item = Option<&'a Figure>>) -> Total {
    let (mut sum, mut hidden, mut any) = (0u64, 0u32, false);
    for f in figures.flatten() {
        match f {
            Figure::Count { value } => {
                sum = sum.saturating_add(*value);
                any = true;
            }
            Figure::FewerThan { .. } | Figure::Withheld => {
                sum = sum.saturating_add(1);
                hidden += 1;
                any = true;
            }
            Figure::NotApplicable => {}
        }
    }
    match (any, hidden) {
        (false, _) => Total::NotApplicable,
        (true, 0) => Total::Exact { value: sum },
        (true, h) => Total::AtLeast {
            value: sum,
            hidden: h,
        },
    }
}
