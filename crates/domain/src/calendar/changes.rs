//! Bank-holiday changes a force's administrator adds without a new release: a day newly
//! proclaimed (a jubilee, a state funeral, a national celebration) or a usual day moved.
//! A small, versioned TOML file that `pledge serve --calendar FILE` and `pledge evaluate
//! --calendar FILE` load on top of the built-in rules (see docs/operations.md).

use super::Jurisdiction;
use jiff::civil::Date;
use serde::Deserialize;

/// Calendar files larger than this are refused unread: a year's changes are a few lines.
pub const MAX_CALENDAR_BYTES: usize = 64 * 1024;

/// A checked calendar changes file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CalendarChanges {
    /// Raised each time the file changes, so a deadline can be traced to the calendar used.
    pub version: u32,
    /// Where the days come from (the proclamation, the government announcement).
    pub source: String,
    /// The changed days.
    pub days: Vec<ChangedDay>,
}

/// One added bank holiday, perhaps replacing a usual one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangedDay {
    /// Where it is a bank holiday.
    pub jurisdictions: Vec<Jurisdiction>,
    /// The day.
    pub date: Date,
    /// Its name.
    pub name: String,
    /// The usual bank holiday it replaces (that day becomes a working day), if any.
    pub replaces: Option<Date>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawChanges {
    version: u32,
    source: String,
    #[serde(default)]
    day: Vec<RawDay>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDay {
    jurisdictions: Vec<String>,
    date: String,
    name: String,
    #[serde(default)]
    replaces: Option<String>,
}

impl CalendarChanges {
    /// Parses and checks a calendar changes file; the error says where (`day[0].date`) and
    /// what is wrong. `origin` names the file in messages.
    pub fn parse(origin: &str, text: &str) -> Result<Self, String> {
        if text.len() > MAX_CALENDAR_BYTES {
            return Err(format!(
                "{origin}: the file is {} bytes; a calendar file is at most {MAX_CALENDAR_BYTES}",
                text.len()
            ));
        }
        let raw: RawChanges =
            toml::from_str(text).map_err(|e| format!("{origin}: {}", e.message().trim()))?;
        if raw.version == 0 {
            return Err(format!("{origin}: version must be a whole number from 1"));
        }
        if raw.source.trim().is_empty() {
            return Err(format!(
                "{origin}: source must say where the days come from"
            ));
        }
        let mut days = Vec::new();
        for (i, d) in raw.day.into_iter().enumerate() {
            let at = |field: &str| format!("{origin}: day[{i}].{field}");
            let date = parse_date(&d.date).map_err(|e| format!("{}: {e}", at("date")))?;
            let replaces = d
                .replaces
                .as_deref()
                .map(parse_date)
                .transpose()
                .map_err(|e| format!("{}: {e}", at("replaces")))?;
            if d.jurisdictions.is_empty() {
                return Err(format!(
                    "{}: name at least one of england_and_wales, scotland, northern_ireland",
                    at("jurisdictions")
                ));
            }
            let jurisdictions = d
                .jurisdictions
                .iter()
                .map(|j| j.parse::<Jurisdiction>())
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| format!("{}: {e}", at("jurisdictions")))?;
            if d.name.trim().is_empty() {
                return Err(format!("{}: a bank holiday needs a name", at("name")));
            }
            days.push(ChangedDay {
                jurisdictions,
                date,
                name: d.name,
                replaces,
            });
        }
        Ok(Self {
            version: raw.version,
            source: raw.source,
            days,
        })
    }
}

fn parse_date(s: &str) -> Result<Date, String> {
    let d: Date = s
        .parse()
        .map_err(|_| format!("\"{s}\" is not a date; write it as \"YYYY-MM-DD\""))?;
    if !(1990..=2100).contains(&d.year()) {
        return Err(format!("{s} is outside the years 1990 to 2100"));
    }
    Ok(d)
}
