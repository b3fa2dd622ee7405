//! Read models derived from a case: the summary and one row per obligation. Derived only from
//! the events (never from the clock), so `rebuild` reproduces them exactly.

use crate::model::{CaseId, CaseSummary, EscalationDue, ObligationRow, Projection, RowStatus};
use pledge_domain::evaluate::{Clocks, State, evaluate};
use pledge_domain::event::EventType;
use pledge_domain::notify::{EscalationPolicy, ObligationClock, escalation_steps};
use pledge_domain::plan::Fact;
use pledge_domain::{CaseState, Plan};

/// Projects a case's state under its plan. `clocks` supplies working days and meetings.
/// Returns `None` for a case with no report yet.
pub fn project(
    case_id: &CaseId,
    plan: &Plan,
    state: &CaseState,
    clocks: &Clocks<'_>,
) -> Option<Projection> {
    let report = state.report()?;
    // Evaluate at the report time: settled rows do not depend on `now`, and open rows keep
    // only their due time, which does not either.
    let evaluation = evaluate(plan, state, report.reported_at, clocks);
    let summary = CaseSummary {
        case_id: case_id.clone(),
        plan_id: report.plan.id.clone(),
        plan_version: report.plan.version,
        force: report.force.clone(),
        unit: report.unit.clone(),
        occurred_at: report.occurred_at,
        reported_at: report.reported_at,
        injury: state.worst_injury().as_str().to_owned(),
        hospitalised: state.fact(Fact::Hospitalised),
        hate_crime: report
            .hate_crime
            .iter()
            .map(|s| s.as_str().to_owned())
            .collect(),
        status: if state.closed_at().is_some() {
            "closed"
        } else {
            "open"
        }
        .to_owned(),
        oic: state.officer_in_case().map(|p| p.to_string()),
        supervisor: report.supervisor.to_string(),
        victims: report
            .victims
            .iter()
            .map(|v| v.person.to_string())
            .collect(),
        arrested: state.has(EventType::ArrestMade),
        no_arrest_reason: state.has(EventType::NoArrestRecorded),
        outcome_type: state.outcome().map(|o| o.get()),
        version: state.version() as u64,
    };
    let obligations: Vec<ObligationRow> = evaluation
        .obligations
        .iter()
        .map(|s| {
            let o = &plan.obligations[s.obligation];
            let status = match s.state {
                State::NotYetDue | State::DueSoon | State::Overdue => RowStatus::Open,
                State::MetOnTime => RowStatus::MetOnTime,
                State::MetLate => RowStatus::MetLate,
                State::Waived => RowStatus::Waived,
                State::NotApplicable => RowStatus::NotApplicable,
            };
            ObligationRow {
                case_id: case_id.clone(),
                obligation_id: o.id.clone(),
                instance: s.instance,
                point: plan.points[o.point].number.clone(),
                title: o.title.clone(),
                owner_role: o.owner.as_str().to_owned(),
                owner_person: state.person_for(o.owner).map(|p| p.to_string()),
                force: report.force.clone(),
                unit: report.unit.clone(),
                started_at: s.started_at,
                due_at: s.due_at,
                completed_at: s.completed_at,
                status,
            }
        })
        .collect();
    let report = crate::report::case_report(case_id, state)?;
    let escalation_due = if summary.status == "open" {
        escalation_due(plan, &obligations)
    } else {
        Vec::new()
    };
    Some(Projection {
        summary,
        obligations,
        report,
        escalation_due,
    })
}

/// Every reminder and escalation level of the open obligation rows, with when each falls due,
/// as the plan's escalation policy sets it (the same pure function the sweep decides with).
/// Like the rows, it depends on the events and the plan only, never on the clock.
fn escalation_due(plan: &Plan, rows: &[ObligationRow]) -> Vec<EscalationDue> {
    rows.iter()
        .filter(|r| r.status == RowStatus::Open)
        .filter_map(|r| Some((r, plan.obligation(&r.obligation_id)?)))
        .flat_map(|(r, ob)| {
            let clock = ObligationClock {
                open: true,
                started_at: r.started_at,
                due_at: r.due_at,
            };
            escalation_steps(ob, &clock, &EscalationPolicy::of(plan, ob))
                .into_iter()
                .map(|step| EscalationDue {
                    obligation_id: r.obligation_id.clone(),
                    instance: r.instance,
                    level: step.level,
                    due_at: step.at,
                })
        })
        .collect()
}
