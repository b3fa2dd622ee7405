//! Times and states in words, for people reading a page at 3 a.m.: "due in 3 hours",
//! "overdue by 2 days", "Tue 24 Nov 2026, 07:14" (UK time).

use jiff::Timestamp;
use jiff::tz::TimeZone;
use pledge_domain::evaluate::State;
use pledge_domain::plan::Role;

/// A moment as UK local time, e.g. `Tue 24 Nov 2026, 07:14`.
pub fn when(t: Timestamp) -> String {
    let tz = TimeZone::get("Europe/London").unwrap_or(TimeZone::UTC);
    t.to_zoned(tz).strftime("%a %-d %b %Y, %H:%M").to_string()
}

/// An optional moment, or a dash.
pub fn when_opt(t: Option<Timestamp>) -> String {
    t.map(when).unwrap_or_else(|| "–".to_owned())
}

/// A length of time in the largest sensible unit: `45 minutes`, `3 hours`, `2 days`.
pub fn span(seconds: i64) -> String {
    let s = seconds.abs();
    let (n, unit) = if s < 3600 {
        ((s / 60).max(1), "minute")
    } else if s < 48 * 3600 {
        (s / 3600, "hour")
    } else {
        (s / 86_400, "day")
    };
    format!("{n} {unit}{}", if n == 1 { "" } else { "s" })
}

/// When something is due, relative to now: `due in 3 hours`, `was due 2 days ago`. The state
/// tag beside it says whether it is overdue, so these words never repeat it (before, a task
/// read "Overdue overdue by 6 days").
pub fn due(due_at: Option<Timestamp>, now: Timestamp) -> String {
    match due_at {
        None => "no due time yet".to_owned(),
        Some(d) => {
            let secs = d.as_second() - now.as_second();
            if secs >= 0 {
                format!("due in {}", span(secs))
            } else {
                format!("was due {} ago", span(secs))
            }
        }
    }
}

/// An obligation's state in the domain's own words (`State::label`, so every page and the
/// API say the same) and the GOV.UK tag colour for its urgency: red overdue, yellow due
/// soon, blue waiting, green met, turquoise met late, grey for what no longer asks anything.
pub fn state(s: State) -> (String, &'static str) {
    let tag = match s {
        State::NotYetDue => "govuk-tag--blue",
        State::DueSoon => "govuk-tag--yellow",
        State::Overdue => "govuk-tag--red",
        State::MetOnTime => "govuk-tag--green",
        State::MetLate => "govuk-tag--turquoise",
        State::NotApplicable | State::Waived => "govuk-tag--grey",
    };
    (sentence(s.label()), tag)
}

/// The first letter in capitals: `due soon` → `Due soon`.
pub fn sentence(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// A role relative to a case, as people say it.
pub fn role(r: Role) -> &'static str {
    match r {
        Role::Supervisor => "supervisor",
        Role::Inspector => "inspector",
        Role::OfficerInCase => "officer in the case",
        Role::LocalCommandTeam => "local command team",
        Role::SeniorDutyOfficer => "Senior Duty Officer",
        Role::ChiefOfficerGroup => "Chief Officer Group",
        Role::OnCallChiefOfficer => "on-call chief officer",
        Role::ForceIncidentManager => "Force Incident Manager",
        Role::Welfare => "welfare officer",
        Role::OccupationalHealth => "occupational health",
        Role::HealthAndSafety => "health and safety team",
        Role::OpHampshireLead => "Op Hampshire lead",
        Role::LessonsOfficer => "lessons officer",
        Role::CriminalJusticeLiaison => "criminal justice liaison",
        Role::Victim => "victim",
    }
}

/// A snake_case name as words: `senior_leader` → `senior leader`.
pub fn words(name: &str) -> String {
    name.replace('_', " ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn due_in_words() -> Result<(), jiff::Error> {
        let now: Timestamp = "2026-11-24T07:00:00Z".parse()?;
        let at = |s: &str| s.parse::<Timestamp>().ok();
        assert_eq!(due(at("2026-11-24T10:00:00Z"), now), "due in 3 hours");
        assert_eq!(due(at("2026-11-22T07:00:00Z"), now), "was due 2 days ago");
        assert_eq!(due(at("2026-11-24T07:30:00Z"), now), "due in 30 minutes");
        assert_eq!(due(at("2026-11-24T08:00:00Z"), now), "due in 1 hour");
        assert_eq!(due(None, now), "no due time yet");
        assert_eq!(when(now), "Tue 24 Nov 2026, 07:00");
        Ok(())
    }
}
