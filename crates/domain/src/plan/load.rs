//! Loading a plan file: parse the TOML, then check everything, collecting every problem.

use super::condition::Condition;
use super::deadline::{Deadline, Step};
use super::model::*;
use super::problem::{Lines, PlanError, Problem};
use super::raw::*;
use super::role::Role;
use crate::event::EventType;
use crate::event::values::WorkforceRole;
use std::collections::{HashMap, HashSet};

/// Plan files larger than this are refused before parsing: a plan is a few dozen kilobytes.
pub const MAX_PLAN_BYTES: usize = 1 << 20;

/// Parses and validates a plan file. `origin` names it in messages (a path).
pub fn load_plan(origin: &str, text: &str) -> Result<Plan, PlanError> {
    let fail = |line, column, message: String| PlanError {
        origin: origin.to_owned(),
        problems: vec![Problem {
            line,
            column,
            message,
        }],
    };
    if text.len() > MAX_PLAN_BYTES {
        return Err(fail(
            1,
            1,
            format!(
                "the file is {} bytes; a plan file is at most {MAX_PLAN_BYTES}",
                text.len()
            ),
        ));
    }
    let lines = Lines::new(text);
    let raw: RawPlan = toml::from_str(text).map_err(|e| {
        let (line, column) = e.span().map(|s| lines.position(s.start)).unwrap_or((1, 1));
        fail(line, column, e.message().trim().to_owned())
    })?;
    let mut check = Checker {
        lines,
        problems: Vec::new(),
    };
    let plan = check.plan(raw);
    if check.problems.is_empty() {
        Ok(plan)
    } else {
        let mut problems = check.problems;
        problems.sort_by_key(|p| (p.line, p.column));
        problems.dedup();
        Err(PlanError {
            origin: origin.to_owned(),
            problems,
        })
    }
}

struct Checker<'a> {
    lines: Lines<'a>,
    problems: Vec<Problem>,
}

fn is_id(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 64
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !s.starts_with('-')
}

impl Checker<'_> {
    /// Records a problem at a spanned value; `shift` moves into a string past its quote.
    fn at(&mut self, span: std::ops::Range<usize>, shift: usize, message: impl Into<String>) {
        let (line, column) = self.lines.position(span.start + shift);
        self.problems.push(Problem {
            line,
            column,
            message: message.into(),
        });
    }

    fn id(&mut self, s: &S, what: &str) {
        if !is_id(s.get_ref()) {
            self.at(
                s.span(),
                0,
                format!(
                    "{what} \"{}\" must be 1 to 64 lowercase letters, digits and hyphens",
                    s.get_ref()
                ),
            );
        }
    }

    fn role(&mut self, s: &S) -> Role {
        Role::parse(s.get_ref()).unwrap_or_else(|e| {
            self.at(s.span(), 0, e);
            Role::Supervisor
        })
    }

    fn condition(&mut self, s: &S) -> Condition {
        Condition::parse(s.get_ref()).unwrap_or_else(|(offset, msg)| {
            // +1 steps over the opening quote of a basic string.
            self.at(
                s.span(),
                offset + 1,
                format!("in condition \"{}\": {msg}", s.get_ref()),
            );
            Condition::Always
        })
    }

    fn deadline(&mut self, s: &S, meetings: &HashSet<String>) -> Deadline {
        match Deadline::parse(s.get_ref()) {
            Ok(Deadline::NextMeeting(m)) if !meetings.contains(&m) => {
                let known: Vec<&str> = meetings.iter().map(String::as_str).collect();
                self.at(s.span(), 0, format!(
                    "the deadline refers to the meeting \"{m}\", which the plan does not declare (declared: {})",
                    if known.is_empty() { "none".to_owned() } else { known.join(", ") }
                ));
                Deadline::WhenItHappens
            }
            Ok(d) => d,
            Err(e) => {
                self.at(s.span(), 0, e);
                Deadline::WhenItHappens
            }
        }
    }

    fn plan(&mut self, raw: RawPlan) -> Plan {
        self.id(&raw.id, "the plan id");
        let version = *raw.version.get_ref();
        if !(1..=i64::from(u32::MAX)).contains(&version) {
            self.at(
                raw.version.span(),
                0,
                format!("version must be a whole number from 1, got {version}"),
            );
        }
        for (s, what) in [(&raw.title, "title"), (&raw.source, "source")] {
            if s.get_ref().trim().is_empty() {
                self.at(s.span(), 0, format!("the plan's {what} must not be empty"));
            }
        }
        if raw.point.is_empty() {
            self.at(
                raw.id.span(),
                0,
                "the plan has no points; add at least one [[point]]",
            );
        }

        let mut meeting_ids = HashSet::new();
        let mut meetings = Vec::new();
        for m in raw.meeting {
            self.id(&m.id, "the meeting id");
            if !meeting_ids.insert(m.id.get_ref().clone()) {
                self.at(
                    m.id.span(),
                    0,
                    format!("the meeting id \"{}\" is used twice", m.id.get_ref()),
                );
            }
            meetings.push(Meeting {
                id: m.id.into_inner(),
                title: m.title,
            });
        }
        let mut tier_ids = HashSet::new();
        let mut statement_tiers = Vec::new();
        for t in raw.statement_tier {
            self.id(&t.id, "the statement tier id");
            if !tier_ids.insert(t.id.get_ref().clone()) {
                self.at(
                    t.id.span(),
                    0,
                    format!("the statement tier id \"{}\" is used twice", t.id.get_ref()),
                );
            }
            let victims = self.roles(t.victims.as_ref());
            statement_tiers.push(StatementTier {
                id: t.id.into_inner(),
                title: t.title,
                victim_may_write_own: t.victim_may_write_own,
                victims,
            });
        }

        let mut points = Vec::new();
        let mut obligations = Vec::new();
        let mut rules = Vec::new();
        let mut befores: Vec<(usize, S)> = Vec::new();
        let mut point_numbers = HashSet::new();
        let mut ids: HashMap<String, ()> = HashMap::new();
        let mut rule_kinds = HashSet::new();

        for p in raw.point {
            let index = points.len();
            if p.number.get_ref().trim().is_empty()
                || !point_numbers.insert(p.number.get_ref().clone())
            {
                self.at(
                    p.number.span(),
                    0,
                    format!(
                        "the point number \"{}\" is empty or used twice",
                        p.number.get_ref()
                    ),
                );
            }
            if p.title.get_ref().trim().is_empty() {
                self.at(p.title.span(), 0, "the point's title must not be empty");
            }
            for o in p.obligation {
                self.id(&o.id, "the obligation id");
                if ids.insert(o.id.get_ref().clone(), ()).is_some() {
                    self.at(
                        o.id.span(),
                        0,
                        format!("the id \"{}\" is used twice", o.id.get_ref()),
                    );
                }
                if o.title.get_ref().trim().is_empty() {
                    self.at(
                        o.title.span(),
                        0,
                        "the obligation's title must not be empty",
                    );
                }
                let owner = self.role(&o.owner);
                let escalates_to: Vec<Role> = o.escalates_to.iter().map(|r| self.role(r)).collect();
                let escalate_after_hours = self.intervals(o.escalate_after.as_ref());
                if let Some(list) = &o.escalate_after
                    && list.get_ref().len() > escalates_to.len() + 1
                {
                    self.at(
                        list.span(),
                        0,
                        format!(
                            "escalate_after has {} intervals but the obligation has {} levels \
                             (the owner, then each of escalates_to)",
                            list.get_ref().len(),
                            escalates_to.len() + 1
                        ),
                    );
                }
                let applies = o
                    .applies
                    .as_ref()
                    .map(|c| self.condition(c))
                    .unwrap_or(Condition::Always);
                let starts = match &o.starts {
                    None => ClockStart::Reported,
                    Some(s) => self.clock_start(s),
                };
                let deadline = self.deadline(&o.deadline, &meeting_ids);
                if let Deadline::Before(_) = deadline {
                    befores.push((obligations.len(), o.deadline.clone()));
                }
                let mut deadline_if = Vec::new();
                for d in &o.deadline_if {
                    let c = self.condition(&d.when);
                    let dl = self.deadline(&d.deadline, &meeting_ids);
                    if !matches!(
                        dl,
                        Deadline::Hours(_) | Deadline::CalendarDays(_) | Deadline::WorkingDays(_)
                    ) {
                        self.at(
                            d.deadline.span(),
                            0,
                            "a deadline_if deadline must be hours, days or working days",
                        );
                    }
                    deadline_if.push((c, dl));
                }
                let recurs_every_days = o.every.as_ref().and_then(|e| match Deadline::parse(e.get_ref()) {
                    Ok(Deadline::CalendarDays(n)) if n > 0 => Some(n),
                    _ => {
                        self.at(e.span(), 0, format!("\"every\" must be a number of days, e.g. \"28 days\", got \"{}\"", e.get_ref()));
                        None
                    }
                });
                if recurs_every_days.is_some() && matches!(starts, ClockStart::Each(_)) {
                    self.at(
                        o.id.span(),
                        0,
                        "an obligation cannot both recur (\"every\") and start on \"each\" event",
                    );
                }
                if o.completed_by.is_empty() {
                    self.at(o.id.span(), 0, format!("the obligation \"{}\" has no completed_by: say which event completes it", o.id.get_ref()));
                }
                let completed_by = o
                    .completed_by
                    .iter()
                    .filter_map(|c| self.completion(c))
                    .collect();
                let victims = self.roles(o.victims.as_ref());
                obligations.push(Obligation {
                    id: o.id.get_ref().clone(),
                    point: index,
                    title: o.title.into_inner(),
                    owner,
                    applies,
                    starts,
                    deadline,
                    deadline_if,
                    deadline_is_default: o.default,
                    recurs_every_days,
                    victims,
                    each_victim: o.each_victim,
                    completed_by,
                    escalates_to,
                    escalate_after_hours,
                    cites: o.cites,
                });
            }
            for r in p.rule {
                self.id(&r.id, "the rule id");
                if ids.insert(r.id.get_ref().clone(), ()).is_some() {
                    self.at(
                        r.id.span(),
                        0,
                        format!("the id \"{}\" is used twice", r.id.get_ref()),
                    );
                }
                let Some(kind) = RuleKind::parse(r.enforces.get_ref()) else {
                    let known: Vec<&str> = RuleKind::ALL.iter().map(|k| k.as_str()).collect();
                    self.at(
                        r.enforces.span(),
                        0,
                        format!(
                            "unknown rule \"{}\"; expected one of: {}",
                            r.enforces.get_ref(),
                            known.join(", ")
                        ),
                    );
                    continue;
                };
                if !rule_kinds.insert(kind) {
                    self.at(r.enforces.span(), 0, format!("the rule \"{}\" is stated twice; state it once, at the point it belongs to", kind.as_str()));
                }
                if r.says.get_ref().trim().is_empty() {
                    self.at(
                        r.says.span(),
                        0,
                        "a rule must say, in the plan's words, what it forbids",
                    );
                }
                let victims = self.roles(r.victims.as_ref());
                rules.push(Rule {
                    id: r.id.into_inner(),
                    point: index,
                    enforces: kind,
                    says: r.says.into_inner(),
                    victims,
                });
            }
            points.push(Point {
                number: p.number.into_inner(),
                title: p.title.into_inner(),
                wording: p.wording,
            });
        }

        self.resolve_befores(&mut obligations, &befores);
        let escalation = match &raw.escalation {
            Some(e) => EscalationIntervals {
                after_due_hours: self.intervals(e.after_due.as_ref()),
                remind_before_hours: e.remind_before.as_ref().map(|s| self.interval(s)),
            },
            None => EscalationIntervals::default(),
        };
        let reviews = raw
            .review
            .iter()
            .filter_map(|r| self.review(r, &mut ids))
            .collect();

        Plan {
            id: raw.id.into_inner(),
            version: u32::try_from(version).unwrap_or(0),
            title: raw.title.into_inner(),
            source: raw.source.into_inner(),
            summary: raw.summary,
            meetings,
            statement_tiers,
            points,
            obligations,
            rules,
            escalation,
            reviews,
        }
    }

    /// A `[[review]]`: a force-level recurring review. Its id shares the plan's id space.
    fn review(&mut self, r: &RawReview, ids: &mut HashMap<String, ()>) -> Option<ForceReview> {
        self.id(&r.id, "the review id");
        if ids.insert(r.id.get_ref().clone(), ()).is_some() {
            self.at(
                r.id.span(),
                0,
                format!("the id \"{}\" is used twice in this plan", r.id.get_ref()),
            );
        }
        if r.title.get_ref().trim().is_empty() {
            self.at(r.title.span(), 0, "say in words what the review is");
        }
        let owner = self.role(&r.owner);
        let escalates_to = r.escalates_to.iter().map(|s| self.role(s)).collect();
        let every = ReviewEvery::parse(r.every.get_ref());
        if every.is_none() {
            self.at(
                r.every.span(),
                0,
                format!(
                    "\"{}\" is not a review period: write \"month\", \"quarter\" or \"year\"",
                    r.every.get_ref()
                ),
            );
        }
        let grace_days = match &r.grace {
            None => 0,
            Some(g) => match Deadline::parse(g.get_ref()) {
                Ok(Deadline::CalendarDays(d)) if d <= 366 => d,
                _ => {
                    self.at(
                        g.span(),
                        0,
                        format!(
                            "\"{}\" is not a grace period: write a number of days up to 366, \
                             such as \"42 days\"",
                            g.get_ref()
                        ),
                    );
                    0
                }
            },
        };
        Some(ForceReview {
            id: r.id.get_ref().clone(),
            title: r.title.get_ref().clone(),
            owner,
            every: every?,
            grace_days,
            is_default: r.default,
            escalates_to,
            cites: r.cites.clone(),
        })
    }

    /// An escalation interval: a number of hours or days (days of 24 hours).
    fn interval(&mut self, s: &S) -> u32 {
        match Deadline::parse(s.get_ref()) {
            Ok(Deadline::Hours(h)) => h,
            Ok(Deadline::CalendarDays(d)) => d.saturating_mul(24),
            _ => {
                self.at(
                    s.span(),
                    0,
                    format!(
                        "\"{}\" is not an escalation interval: write a number of hours or days, \
                         such as \"0 hours\", \"24 hours\" or \"3 days\"",
                        s.get_ref()
                    ),
                );
                0
            }
        }
    }

    /// A list of escalation intervals, each at least the one before.
    fn intervals(&mut self, list: Option<&toml::Spanned<Vec<S>>>) -> Vec<u32> {
        let Some(list) = list else {
            return Vec::new();
        };
        if list.get_ref().is_empty() {
            self.at(
                list.span(),
                0,
                "give at least one interval, or leave the list out",
            );
        }
        let mut out: Vec<u32> = Vec::new();
        for s in list.get_ref() {
            let h = self.interval(s);
            if out.last().is_some_and(|prev| h < *prev) {
                self.at(
                    s.span(),
                    0,
                    "each escalation interval must be at least the one before it",
                );
            }
            out.push(h);
        }
        out
    }

    /// A `victims = [...]` list of workforce roles; absent means every victim, and an
    /// empty list is refused (it would concern nobody).
    fn roles(&mut self, list: Option<&toml::Spanned<Vec<S>>>) -> Vec<WorkforceRole> {
        let Some(spanned) = list else {
            return Vec::new();
        };
        let list = spanned.get_ref();
        let mut out = Vec::new();
        for s in list {
            match WorkforceRole::parse(s.get_ref()) {
                Ok(r) if !out.contains(&r) => out.push(r),
                Ok(_) => self.at(
                    s.span(),
                    0,
                    format!("the workforce role \"{}\" is listed twice", s.get_ref()),
                ),
                Err(e) => self.at(s.span(), 0, e),
            }
        }
        if list.is_empty() {
            self.at(
                spanned.span(),
                0,
                "a `victims` list is empty; leave it out to mean every victim",
            );
        }
        out
    }

    fn clock_start(&mut self, s: &S) -> ClockStart {
        let text = s.get_ref().trim();
        if text == "reported" {
            return ClockStart::Reported;
        }
        let (each, name) = match text.strip_prefix("each ") {
            Some(rest) => (true, rest.trim()),
            None => (false, text),
        };
        match EventType::parse(name) {
            Some(e) if each => ClockStart::Each(e),
            Some(e) => ClockStart::Event(e),
            None => {
                self.at(s.span(), 0, format!("unknown clock start \"{text}\"; expected \"reported\", an event type, or \"each\" and an event type"));
                ClockStart::Reported
            }
        }
    }

    fn completion(&mut self, s: &S) -> Option<Completion> {
        let text = s.get_ref().trim();
        let (name, qualifier) = match text.split_once(':') {
            Some((n, q)) => (n, Some(q)),
            None => (text, None),
        };
        let Some(event) = EventType::parse(name) else {
            self.at(
                s.span(),
                0,
                format!(
                    "unknown event type \"{name}\" in completed_by (docs/events.md lists them)"
                ),
            );
            return None;
        };
        if let Some(q) = qualifier
            && !event.qualifiers().contains(&q)
        {
            let known = event.qualifiers();
            self.at(
                s.span(),
                0,
                format!(
                    "\"{name}\" has no qualifier \"{q}\"; {}",
                    if known.is_empty() {
                        "it takes none".to_owned()
                    } else {
                        format!("expected one of: {}", known.join(", "))
                    }
                ),
            );
            return None;
        }
        let mask = qualifier
            .and_then(|q| event.qualifiers().iter().position(|k| *k == q))
            .map(|i| 1u8 << i)
            .unwrap_or(0);
        Some(Completion {
            event,
            qualifier: qualifier.map(str::to_owned),
            mask,
        })
    }

    /// Resolves "before X" to an obligation or event, then refuses cycles among obligations.
    fn resolve_befores(&mut self, obligations: &mut [Obligation], befores: &[(usize, S)]) {
        let index: HashMap<String, usize> = obligations
            .iter()
            .enumerate()
            .map(|(i, o)| (o.id.clone(), i))
            .collect();
        for (i, span) in befores {
            let Deadline::Before(Step::Unresolved(name)) = &obligations[*i].deadline else {
                continue;
            };
            let step = if let Some(&j) = index.get(name) {
                if j == *i {
                    self.at(
                        span.span(),
                        0,
                        format!("the obligation \"{name}\" cannot be due before itself"),
                    );
                }
                Step::Obligation(j, name.clone())
            } else if let Some(e) = EventType::parse(name) {
                Step::Event(e)
            } else {
                self.at(span.span(), 0, format!("\"before {name}\": no obligation of this plan and no event type is called \"{name}\""));
                continue;
            };
            obligations[*i].deadline = Deadline::Before(step);
        }
        // Cycle check over obligation -> obligation "before" edges (each node has at most one
        // outgoing edge, so following it from each node finds every cycle).
        let next = |i: usize| match &obligations[i].deadline {
            Deadline::Before(Step::Obligation(j, _)) => Some(*j),
            _ => None,
        };
        let mut reported = HashSet::new();
        for (start, span) in befores {
            let mut path = vec![*start];
            let mut at = *start;
            while let Some(j) = next(at) {
                if j == *start {
                    if path.iter().all(|p| !reported.contains(p)) && path.len() > 1 {
                        let names: Vec<&str> = path
                            .iter()
                            .chain([start])
                            .map(|&k| obligations[k].id.as_str())
                            .collect();
                        self.at(
                            span.span(),
                            0,
                            format!(
                                "the \"before\" deadlines form a cycle: {}",
                                names.join(" → ")
                            ),
                        );
                        reported.extend(path.iter().copied());
                    }
                    break;
                }
                if path.contains(&j) || path.len() > obligations.len() {
                    break;
                }
                path.push(j);
                at = j;
            }
        }
    }
}
