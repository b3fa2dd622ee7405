//! Notifications an event causes at once.

use super::{Notice, NoticeKind, Recipient};
use crate::case::CaseState;
use crate::event::values::{InjurySeverity, LeadershipLevel};
use crate::event::{Event, EventKind, EventType};
use crate::plan::Fact;
use crate::plan::Plan;
use crate::plan::Role;

/// The notifications due because `event` was just recorded in a case (`case` is the state
/// after it). Leadership is told whoever the plan says must be informed of this case
/// (each obligation that applies and is completed by informing a level, or by notifying the
/// Force Incident Manager); the victim hears of each update, key decision and outcome; a
/// TRiM or support referral goes to the welfare team only.
pub fn on_event(plan: &Plan, case: &CaseState, event: &Event) -> Vec<Notice> {
    match &event.kind {
        EventKind::AssaultReported { .. } => leadership(plan, case),
        EventKind::OicAssigned { officer } => vec![Notice::new(
            Recipient::Person(officer.clone()),
            NoticeKind::OicAssigned,
            "You are the officer in a case".into(),
            "You have been assigned as the officer in the case of an assault on a colleague. \
             Open the case to see what is due."
                .into(),
        )],
        EventKind::VictimUpdated { .. } => to_victims(
            case,
            "There is an update on your case",
            "An officer has recorded an update to you about your case.".into(),
        ),
        EventKind::KeyDecisionMade { decision, .. } => to_victims(
            case,
            "A decision was made in your case",
            format!(
                "A key decision was made in your case: {}.",
                words(decision.as_str())
            ),
        ),
        EventKind::Charged { .. } => to_victims(
            case,
            "A decision was made in your case",
            "A suspect in your case has been charged.".into(),
        ),
        EventKind::OutcomeFinalised { .. } => to_victims(
            case,
            "Your case has an outcome",
            "The outcome of your case has been recorded. Open the case to see it.".into(),
        ),
        EventKind::VerdictGiven { verdict } => to_victims(
            case,
            "Your case has an outcome",
            format!(
                "The court's verdict in your case: {}.",
                words(verdict.as_str())
            ),
        ),
        EventKind::Sentenced { .. } => to_victims(
            case,
            "Your case has an outcome",
            "The court passed sentence in your case. Open the case to see it.".into(),
        ),
        EventKind::TrimReferralConsidered { referred: true, .. } => vec![Notice::new(
            Recipient::Role(Role::Welfare),
            NoticeKind::WelfareReferral,
            "A TRiM referral was made".into(),
            "A colleague has been referred for TRiM. Open the case for the referral.".into(),
        )],
        EventKind::SupportReferralMade { .. } => vec![Notice::new(
            Recipient::Role(Role::Welfare),
            NoticeKind::WelfareReferral,
            "A welfare referral was made".into(),
            "A colleague has been referred to support services. Open the case for the referral."
                .into(),
        )],
        _ => Vec::new(),
    }
}

/// Senior leadership, as the plan names it for this case: one notice per role, in plan order.
fn leadership(plan: &Plan, case: &CaseState) -> Vec<Notice> {
    let mut roles: Vec<Role> = Vec::new();
    for ob in plan.obligations.iter().filter(|o| o.applies.holds(case)) {
        // An obligation's alternatives each meet it ("any level of leadership told"): the
        // first one it lists is the one the plan asks for, so only that level is told.
        let told: &[Role] = ob
            .completed_by
            .iter()
            .map(|c| -> &[Role] {
                match (c.event, c.qualifier.as_deref()) {
                    (EventType::SeniorLeadershipInformed, Some(q)) => {
                        match LeadershipLevel::parse(q) {
                            Ok(LeadershipLevel::LocalCommandTeam) => &[Role::LocalCommandTeam],
                            Ok(LeadershipLevel::SeniorDutyOfficer) => &[Role::SeniorDutyOfficer],
                            Ok(LeadershipLevel::ChiefOfficerGroup) => &[Role::ChiefOfficerGroup],
                            Ok(LeadershipLevel::OnCallChiefOfficer) => &[Role::OnCallChiefOfficer],
                            Err(_) => &[],
                        }
                    }
                    (EventType::FimNotified, _) => {
                        &[Role::ForceIncidentManager, Role::OnCallChiefOfficer]
                    }
                    _ => &[],
                }
            })
            .find(|t| !t.is_empty())
            .unwrap_or(&[]);
        for r in told {
            if !roles.contains(r) {
                roles.push(*r);
            }
        }
    }
    let (kind, headline, text) = if case.fact(Fact::Hospitalised) {
        (
            NoticeKind::Hospitalised,
            "Urgent: a colleague has been taken to hospital",
            "A colleague assaulted on duty has been taken to hospital. The plan requires you \
             to be told now. Open the case for what is known and what is due.",
        )
    } else if case.worst_injury() >= InjurySeverity::Serious {
        (
            NoticeKind::SeriousInjury,
            "A colleague has been seriously injured",
            "A colleague has been seriously injured in an assault. The plan requires you to \
             be told. Open the case for what is known and what is due.",
        )
    } else if case.fact(Fact::HateCrime) {
        (
            NoticeKind::HateCrime,
            "A hate crime against a colleague was reported",
            "An assault on a colleague has been recorded as a hate crime. The plan requires \
             you to be told. Open the case for what is known and what is due.",
        )
    } else {
        (
            NoticeKind::AssaultReported,
            "An assault on a colleague was reported",
            "An assault on a colleague has been reported. The plan requires you to be told. \
             Open the case for what is known and what is due.",
        )
    };
    roles
        .into_iter()
        .map(|r| Notice::new(Recipient::Role(r), kind, headline.into(), text.into()))
        .collect()
}

/// One notice per victim: never the detail, only that something happened.
fn to_victims(case: &CaseState, headline: &str, text: String) -> Vec<Notice> {
    case.victims()
        .iter()
        .map(|v| {
            Notice::new(
                Recipient::Person(v.person.clone()),
                NoticeKind::VictimUpdate,
                headline.into(),
                text.clone(),
            )
        })
        .collect()
}

/// `no_further_action` -> `no further action`.
fn words(snake: &str) -> String {
    snake.replace('_', " ")
}
