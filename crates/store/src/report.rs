//! The per-case report read model (`case_report`): the facts of a case the scrutiny panel's
//! pack counts that the case summary does not hold (place, circumstances, each victim's role
//! and injury, court result, aggravation at sentence, views heard, referrals, the survey,
//! escalations, waivers). Written from the case's state with every append, in the same
//! transaction as the other read models; rebuilt by `pledge rebuild`; compared by `pledge
//! verify`. Headcounts (per unit, date and workforce role) live here too.

use crate::model::CaseId;
use jiff::Timestamp;
use jiff::civil::Date;
use pledge_domain::CaseState;
use pledge_domain::event::EventType;
use pledge_domain::plan::Fact;
use serde::{Deserialize, Serialize};

/// One case's row in the report read model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CaseReport {
    /// The case.
    pub case_id: CaseId,
    /// Force.
    pub force: String,
    /// Unit.
    pub unit: String,
    /// When the assault happened (a pack's period selects cases by this time).
    pub occurred_at: Timestamp,
    /// The counted facts (stored as JSON).
    pub facts: CaseFacts,
}

/// One assaulted colleague, as the pack counts them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VictimFact {
    /// Person id (shown only in the named pack).
    pub person: String,
    /// Workforce role (`officer`, `special_constable`, `pcso`, `staff`, `volunteer`).
    pub role: String,
    /// Injury severity.
    pub injury: String,
    /// Taken to hospital.
    pub hospitalised: bool,
}

/// What a case contributes to the pack.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CaseFacts {
    /// When it was reported.
    pub reported_at: Option<Timestamp>,
    /// When it closed.
    pub closed_at: Option<Timestamp>,
    /// Worst injury of any victim.
    pub injury: String,
    /// Any victim hospitalised.
    pub hospitalised: bool,
    /// The victims.
    pub victims: Vec<VictimFact>,
    /// Kind of location.
    pub location: String,
    /// What the colleague was doing, if recorded.
    pub activity: Option<String>,
    /// Causal factors recorded with the report.
    pub causal_factors: Vec<String>,
    /// Hate crime strands.
    pub hate_crime: Vec<String>,
    /// Equipment carried (OSSR context; rows written before it was counted have none).
    #[serde(default)]
    pub equipment_carried: Vec<String>,
    /// Equipment used.
    #[serde(default)]
    pub equipment_used: Vec<String>,
    /// Body-worn video on and recording: `yes`, `no`, `not_known`.
    #[serde(default = "not_known")]
    pub body_worn_video_recording: String,
    /// Single-crewed: `yes`, `no`, `not_known`.
    #[serde(default = "not_known")]
    pub single_crewed: String,
    /// The victim's last personal safety training, if known.
    #[serde(default)]
    pub last_safety_training: Option<Date>,
    /// A suspect was arrested.
    pub arrested: bool,
    /// The reasons recorded for not arresting (free text: named pack only).
    pub no_arrest_reasons: Vec<String>,
    /// Charged.
    pub charged: bool,
    /// Home Office outcome type.
    pub outcome_type: Option<u8>,
    /// When the outcome was finalised.
    pub outcome_at: Option<Timestamp>,
    /// Last verdict (`guilty`, `not_guilty`, `discontinued`).
    pub verdict: Option<String>,
    /// Emergency-worker aggravation applied at sentence (None: not sentenced).
    pub aggravation_applied: Option<bool>,
    /// When the victim's view on the outcome was first recorded.
    pub view_recorded_at: Option<Timestamp>,
    /// Referred to support services.
    pub support_referred: bool,
    /// Opted out of support.
    pub support_opted_out: bool,
    /// A TRiM referral was considered.
    pub trim_considered: bool,
    /// A TRiM referral was made.
    pub trim_referred: bool,
    /// The feedback survey was sent.
    pub survey_sent: bool,
    /// The obligation id of each escalation.
    pub escalations: Vec<String>,
    /// Waivers: (obligation id, reason; the reason is free text: named pack only).
    pub waivers: Vec<(String, String)>,
}

fn not_known() -> String {
    "not_known".to_owned()
}

/// The report row of a case's state (None before the report).
pub fn case_report(case_id: &CaseId, state: &CaseState) -> Option<CaseReport> {
    let report = state.report()?;
    let context = state.context();
    let facts = CaseFacts {
        reported_at: Some(report.reported_at),
        closed_at: state.closed_at(),
        injury: state.worst_injury().as_str().to_owned(),
        hospitalised: state.fact(Fact::Hospitalised),
        victims: report
            .victims
            .iter()
            .map(|v| VictimFact {
                person: v.person.to_string(),
                role: v.workforce_role.as_str().to_owned(),
                injury: v.injury.as_str().to_owned(),
                hospitalised: v.hospitalised,
            })
            .collect(),
        location: report.location_type.as_str().to_owned(),
        activity: report.activity.map(|a| a.as_str().to_owned()),
        causal_factors: report
            .causal_factors
            .iter()
            .map(|c| c.as_str().to_owned())
            .collect(),
        hate_crime: report
            .hate_crime
            .iter()
            .map(|s| s.as_str().to_owned())
            .collect(),
        equipment_carried: context
            .equipment_carried
            .iter()
            .map(|e| e.as_str().to_owned())
            .collect(),
        equipment_used: context
            .equipment_used
            .iter()
            .map(|e| e.as_str().to_owned())
            .collect(),
        body_worn_video_recording: context.body_worn_video_recording.as_str().to_owned(),
        single_crewed: context.single_crewed.as_str().to_owned(),
        last_safety_training: context.last_safety_training,
        arrested: state.has(EventType::ArrestMade),
        no_arrest_reasons: state.no_arrest_reasons().to_vec(),
        charged: state.has(EventType::Charged),
        outcome_type: state.outcome().map(|o| o.get()),
        outcome_at: state.first(EventType::OutcomeFinalised),
        verdict: state.verdict().map(str::to_owned),
        aggravation_applied: state.aggravation_applied(),
        view_recorded_at: state.first(EventType::VictimViewRecorded),
        support_referred: state.has(EventType::SupportReferralMade),
        support_opted_out: state.has(EventType::SupportOptedOut),
        trim_considered: state.has(EventType::TrimReferralConsidered),
        trim_referred: state.fact(Fact::TrimReferred),
        survey_sent: state.has(EventType::SurveySent),
        escalations: state.escalations().to_vec(),
        waivers: state
            .waivers()
            .iter()
            .map(|w| (w.obligation.clone(), w.reason.clone()))
            .collect(),
    };
    Some(CaseReport {
        case_id: case_id.clone(),
        force: report.force.clone(),
        unit: report.unit.clone(),
        occurred_at: report.occurred_at,
        facts,
    })
}

/// The workforce roles headcounts are kept for.
pub const HEADCOUNT_ROLES: [&str; 5] =
    ["officer", "special_constable", "pcso", "staff", "volunteer"];

/// How many people of a workforce role a unit had on a date (for rates per 1,000). A figure
/// holds from its date until the next figure for the same unit and role.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Headcount {
    /// Force.
    pub force: String,
    /// Unit.
    pub unit: String,
    /// From when the figure holds.
    pub on: Date,
    /// Workforce role (one of [`HEADCOUNT_ROLES`]).
    pub role: String,
    /// People.
    pub count: u32,
}

/// Which cases a pack reads: always one force; some of its units (None: the whole force);
/// assaults that occurred in `[from, to)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportScope {
    /// The force (never empty: a missing force never means "all").
    pub force: String,
    /// Units (a unit with its sub-units), or None for the whole force.
    pub units: Option<Vec<String>>,
    /// From (inclusive).
    pub from: Timestamp,
    /// To (exclusive).
    pub to: Timestamp,
}

/// The stored JSON of a row's facts.
pub(crate) fn facts_json(r: &CaseReport) -> crate::Result<String> {
    serde_json::to_string(&r.facts)
        .map_err(|e| crate::StoreError::Invalid(format!("case_report {}: {e}", r.case_id)))
}

/// Checks a headcount before it is written: a known role, a force and a unit.
pub(crate) fn check_headcount(h: &Headcount) -> crate::Result<()> {
    let refuse = |field: &str, message: String| {
        Err(crate::StoreError::Refused {
            field: field.to_owned(),
            message,
        })
    };
    if h.force.is_empty() {
        return refuse("force", "a headcount names its force".into());
    }
    if h.unit.is_empty() {
        return refuse("unit", "a headcount names its unit".into());
    }
    if !HEADCOUNT_ROLES.contains(&h.role.as_str()) {
        return refuse(
            "role",
            format!(
                "unknown workforce role \"{}\"; expected one of: {}",
                h.role,
                HEADCOUNT_ROLES.join(", ")
            ),
        );
    }
    Ok(())
}

/// The latest figure per unit and role among rows already sorted by (unit, role, date).
pub(crate) fn latest_per_unit_role(rows: Vec<Headcount>) -> Vec<Headcount> {
    let mut out: Vec<Headcount> = Vec::new();
    for h in rows {
        match out.last_mut() {
            Some(last) if last.unit == h.unit && last.role == h.role => *last = h,
            _ => out.push(h),
        }
    }
    out
}

/// How one obligation of a report scope was kept, counted by the database from the scope's
/// obligation rows (the pack's point by point): one row of figures instead of every row.
/// Missed and still open are the open rows of closed and of open cases (the row's
/// `case_open`, written from the same state as the case's report row).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ObligationKept {
    /// Obligation id in the plan.
    pub obligation_id: String,
    /// The point and title of its first row that applied (by case id, then plan order); None
    /// when it applied to no case of the scope.
    pub applied: Option<FirstApplied>,
    /// The title of its last row, applied or not (by case id, then plan order).
    pub last_title: String,
    /// Cases it applied to.
    pub cases: u64,
    /// Rows kept on time, kept late, missed, still open, waived.
    pub kept: [u64; 5],
    /// Met rows with both a deadline and a completion time (those the percentiles are of).
    pub timed: u64,
    /// Nearest-rank median of completion minus deadline over those rows (negative: early).
    pub median: Option<jiff::SignedDuration>,
    /// Nearest-rank 90th percentile of the same.
    pub p90: Option<jiff::SignedDuration>,
}

/// An obligation's first row that applied in a scope.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FirstApplied {
    /// Plan point number.
    pub point: String,
    /// What must be done.
    pub title: String,
}

/// How one case's obligations were kept (the pack's trends), counted by the database.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseKept {
    /// The case.
    pub case_id: CaseId,
    /// Rows kept on time.
    pub on_time: u64,
    /// Rows kept late.
    pub late: u64,
    /// Open rows of a closed case.
    pub missed: u64,
}

/// The nearest rank (1-based) of the `p`th percentile of `n` values: ceil(p n / 100), at
/// least 1. The SQL below computes the same as `(p * n + 99) / 100`.
pub fn nearest_rank(p: u64, n: u64) -> u64 {
    (p * n).div_ceil(100).max(1)
}

/// The statuses a row may have; any other is corruption.
const KNOWN_STATUSES: &str = "'met_on_time', 'met_late', 'open', 'waived', 'not_applicable'";

/// The scope's case ids as a subquery: the text before the scope's conditions (which
/// `push_report_scope` writes after `force = `), then [`SCOPE_CLOSE`].
pub(crate) const SCOPE_OPEN: &str = "SELECT case_id FROM case_report WHERE force = ";

/// Per obligation id (applied or not) in a scope: the counts, the first applied case and
/// the last case; `closed` is the backend's test of a row's case being closed. The scope's
/// subquery goes between the two parts.
pub(crate) fn kept_by_obligation_sql(closed: &str) -> (String, String) {
    // One GROUP BY over the rows (SQLite sorts them once by obligation); the point, the titles
    // and the first position are then a primary-key lookup each per obligation.
    let head = format!(
        "WITH agg AS (SELECT obligation_id, \
           CAST(SUM(CASE WHEN status = 'met_on_time' THEN 1 ELSE 0 END) AS BIGINT) AS on_time, \
           CAST(SUM(CASE WHEN status = 'met_late' THEN 1 ELSE 0 END) AS BIGINT) AS late, \
           CAST(SUM(CASE WHEN status = 'open' AND {closed} THEN 1 ELSE 0 END) AS BIGINT) AS missed, \
           CAST(SUM(CASE WHEN status = 'open' AND NOT ({closed}) THEN 1 ELSE 0 END) AS BIGINT) \
             AS still_open, \
           CAST(SUM(CASE WHEN status = 'waived' THEN 1 ELSE 0 END) AS BIGINT) AS waived, \
           CAST(SUM(CASE WHEN status IN ({KNOWN_STATUSES}) THEN 0 ELSE 1 END) AS BIGINT) \
             AS other_status, \
           CAST(COUNT(DISTINCT CASE WHEN status <> 'not_applicable' THEN case_id END) AS BIGINT) \
             AS cases, \
           MIN(CASE WHEN status <> 'not_applicable' THEN case_id END) AS first_case, \
           MAX(case_id) AS last_case \
         FROM obligation WHERE case_id IN ({SCOPE_OPEN}"
    );
    let tail = "\
         ) GROUP BY obligation_id) \
         SELECT agg.obligation_id, on_time, late, missed, still_open, waived, other_status, cases, \
           first_case, \
           (SELECT MIN(o.ord) FROM obligation o WHERE o.case_id = agg.first_case \
             AND o.obligation_id = agg.obligation_id AND o.status <> 'not_applicable') AS first_ord, \
           (SELECT o.point FROM obligation o WHERE o.case_id = agg.first_case \
             AND o.obligation_id = agg.obligation_id AND o.status <> 'not_applicable' \
             ORDER BY o.ord LIMIT 1) AS point, \
           (SELECT o.title FROM obligation o WHERE o.case_id = agg.first_case \
             AND o.obligation_id = agg.obligation_id AND o.status <> 'not_applicable' \
             ORDER BY o.ord LIMIT 1) AS title, \
           (SELECT o.title FROM obligation o WHERE o.case_id = agg.last_case \
             AND o.obligation_id = agg.obligation_id ORDER BY o.ord DESC LIMIT 1) AS last_title \
         FROM agg"
        .to_owned();
    (head, tail)
}

/// The percentile ranks' values of completion minus deadline (microseconds) per obligation,
/// over met rows with both times. The scope's subquery goes between the two parts.
pub(crate) fn kept_percentiles_sql() -> (String, String) {
    let head = format!(
        "SELECT obligation_id, n, rn, d FROM (SELECT obligation_id, completed_at - due_at AS d, \
           ROW_NUMBER() OVER (PARTITION BY obligation_id ORDER BY completed_at - due_at) AS rn, \
           COUNT(*) OVER (PARTITION BY obligation_id) AS n \
         FROM obligation WHERE case_id IN ({SCOPE_OPEN}"
    );
    let tail = ") AND status IN ('met_on_time', 'met_late') \
           AND due_at IS NOT NULL AND completed_at IS NOT NULL) m \
         WHERE rn = (50 * n + 99) / 100 OR rn = (90 * n + 99) / 100"
        .to_owned();
    (head, tail)
}

/// Per case of a scope with obligation rows: kept on time, kept late, missed. The scope's
/// subquery goes between the two parts.
pub(crate) fn kept_by_case_sql(closed: &str) -> (String, String) {
    let head = format!(
        "SELECT case_id, \
           CAST(SUM(CASE WHEN status = 'met_on_time' THEN 1 ELSE 0 END) AS BIGINT) AS on_time, \
           CAST(SUM(CASE WHEN status = 'met_late' THEN 1 ELSE 0 END) AS BIGINT) AS late, \
           CAST(SUM(CASE WHEN status = 'open' AND {closed} THEN 1 ELSE 0 END) AS BIGINT) AS missed, \
           CAST(SUM(CASE WHEN status IN ({KNOWN_STATUSES}) THEN 0 ELSE 1 END) AS BIGINT) AS other_status \
         FROM obligation WHERE case_id IN ({SCOPE_OPEN}"
    );
    (head, ") GROUP BY case_id".to_owned())
}

fn count(r: &impl crate::rows::Get, col: &str) -> crate::Result<u64> {
    let n = r.int(col)?;
    u64::try_from(n).map_err(|_| crate::StoreError::Corrupt(format!("{col}: negative count {n}")))
}

/// Puts the rows of [`kept_by_obligation_sql`] and [`kept_percentiles_sql`] together, in the
/// order the obligations were first seen applying (by case id, then plan order; those that
/// never applied last, by id).
pub(crate) fn kept_by_obligation(
    rows: &[impl crate::rows::Get],
    percentiles: &[impl crate::rows::Get],
) -> crate::Result<Vec<ObligationKept>> {
    use std::collections::HashMap;
    // obligation id -> (timed rows, median, p90)
    type Pct = (u64, Option<i64>, Option<i64>);
    let mut pct: HashMap<String, Pct> = HashMap::new();
    for r in percentiles {
        let id = r.text("obligation_id")?;
        let (n, rn, d) = (count(r, "n")?, count(r, "rn")?, r.int("d")?);
        let e = pct.entry(id).or_insert((n, None, None));
        if rn == nearest_rank(50, n) {
            e.1 = Some(d);
        }
        if rn == nearest_rank(90, n) {
            e.2 = Some(d);
        }
    }
    let mut out: Vec<((Option<String>, i64), ObligationKept)> = Vec::with_capacity(rows.len());
    for r in rows {
        let id = r.text("obligation_id")?;
        let unknown = count(r, "other_status")?;
        if unknown > 0 {
            return Err(crate::StoreError::Corrupt(format!(
                "obligation {id}: {unknown} rows with an unknown status"
            )));
        }
        let first_case = r.opt_text("first_case")?;
        let applied = match (&first_case, r.opt_text("point")?, r.opt_text("title")?) {
            (Some(_), Some(point), Some(title)) => Some(FirstApplied { point, title }),
            _ => None,
        };
        let (timed, median, p90) = pct.remove(&id).unwrap_or((0, None, None));
        let key = (first_case, r.opt_int("first_ord")?.unwrap_or(0));
        out.push((
            key,
            ObligationKept {
                last_title: r.opt_text("last_title")?.unwrap_or_default(),
                cases: count(r, "cases")?,
                kept: [
                    count(r, "on_time")?,
                    count(r, "late")?,
                    count(r, "missed")?,
                    count(r, "still_open")?,
                    count(r, "waived")?,
                ],
                timed,
                median: median.map(jiff::SignedDuration::from_micros),
                p90: p90.map(jiff::SignedDuration::from_micros),
                applied,
                obligation_id: id,
            },
        ));
    }
    // Case ids compare as bytes, as both backends order them (BINARY; COLLATE "C").
    out.sort_by(|(a, x), (b, y)| match (&a.0, &b.0) {
        (Some(ca), Some(cb)) => (ca.as_bytes(), a.1).cmp(&(cb.as_bytes(), b.1)),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => x.obligation_id.cmp(&y.obligation_id),
    });
    Ok(out.into_iter().map(|(_, o)| o).collect())
}

/// A row of [`kept_by_case_sql`].
pub(crate) fn case_kept(r: &impl crate::rows::Get) -> crate::Result<CaseKept> {
    let id = r.text("case_id")?;
    let unknown = count(r, "other_status")?;
    if unknown > 0 {
        return Err(crate::StoreError::Corrupt(format!(
            "case {id}: {unknown} obligation rows with an unknown status"
        )));
    }
    Ok(CaseKept {
        on_time: count(r, "on_time")?,
        late: count(r, "late")?,
        missed: count(r, "missed")?,
        case_id: crate::encode::case_id(id)?,
    })
}
