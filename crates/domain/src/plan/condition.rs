//! Conditions over a case ("hospitalised", "injury >= serious and not hate_crime"): when
//! an obligation applies. A tiny expression language, parsed once when a plan loads.

use crate::case::CaseState;
use crate::event::values::{InjurySeverity, LocationType, WorkforceRole};
use serde::Serialize;
use std::fmt;

/// A yes/no fact about a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Fact {
    /// Any victim injured (minor or worse).
    Injured,
    /// Any victim taken to hospital.
    Hospitalised,
    /// Any victim has a RIDDOR specified injury.
    SpecifiedInjury,
    /// The assault is recorded as a hate crime.
    HateCrime,
    /// A victim has enhanced rights under the Victims' Code (hate crime among them).
    EnhancedRights,
    /// A suspect is identified.
    SuspectIdentified,
    /// A suspect is arrested.
    Arrested,
    /// A suspect is charged.
    Charged,
    /// Officers used force.
    ForceUsed,
    /// The victim accepted the offer of a Victim Personal Statement.
    VpsAccepted,
    /// A TRiM referral was made.
    TrimReferred,
    /// A debrief has been held.
    Debriefed,
    /// The case is closed.
    Closed,
    /// A victim had been assaulted before (`previous_assaults` of at least 1).
    RepeatVictim,
    /// A sentence was recorded without the emergency-worker aggravation.
    AggravationNotApplied,
}

const FACTS: &[(&str, Fact)] = &[
    ("injured", Fact::Injured),
    ("hospitalised", Fact::Hospitalised),
    ("specified_injury", Fact::SpecifiedInjury),
    ("hate_crime", Fact::HateCrime),
    ("enhanced_rights", Fact::EnhancedRights),
    ("suspect_identified", Fact::SuspectIdentified),
    ("arrested", Fact::Arrested),
    ("charged", Fact::Charged),
    ("force_used", Fact::ForceUsed),
    ("vps_accepted", Fact::VpsAccepted),
    ("trim_referred", Fact::TrimReferred),
    ("debriefed", Fact::Debriefed),
    ("closed", Fact::Closed),
    ("repeat_victim", Fact::RepeatVictim),
    ("aggravation_not_applied", Fact::AggravationNotApplied),
];

impl Fact {
    fn name(self) -> &'static str {
        FACTS
            .iter()
            .find(|(_, f)| *f == self)
            .map(|(n, _)| *n)
            .unwrap_or("?")
    }
}

/// A comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Cmp {
    /// `==`
    Eq,
    /// `!=`
    Ne,
    /// `>=`
    Ge,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `<`
    Lt,
}

impl Cmp {
    fn holds<T: PartialOrd>(self, a: T, b: T) -> bool {
        match self {
            Cmp::Eq => a == b,
            Cmp::Ne => a != b,
            Cmp::Ge => a >= b,
            Cmp::Le => a <= b,
            Cmp::Gt => a > b,
            Cmp::Lt => a < b,
        }
    }
    fn symbol(self) -> &'static str {
        match self {
            Cmp::Eq => "==",
            Cmp::Ne => "!=",
            Cmp::Ge => ">=",
            Cmp::Le => "<=",
            Cmp::Gt => ">",
            Cmp::Lt => "<",
        }
    }
}

/// When an obligation applies.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(into = "String")]
pub enum Condition {
    /// Always.
    Always,
    /// A fact holds.
    Fact(Fact),
    /// The worst injury among the victims compares so.
    Injury(Cmp, InjurySeverity),
    /// The most days lost by any victim compares so.
    DaysLost(Cmp, u32),
    /// Some victim has (`==`) or no victim has (`!=`) this workforce role.
    WorkforceRole(Cmp, WorkforceRole),
    /// The location type is (`==`) or is not (`!=`) this.
    Location(Cmp, LocationType),
    /// Not.
    Not(Box<Condition>),
    /// All of.
    All(Vec<Condition>),
    /// Any of.
    Any(Vec<Condition>),
}

impl From<Condition> for String {
    fn from(c: Condition) -> String {
        c.to_string()
    }
}

impl Condition {
    /// Whether it holds for the case.
    pub fn holds(&self, case: &CaseState) -> bool {
        match self {
            Condition::Always => true,
            Condition::Fact(f) => case.fact(*f),
            Condition::Injury(op, v) => op.holds(case.worst_injury(), *v),
            Condition::DaysLost(op, v) => op.holds(case.most_days_lost(), *v),
            Condition::WorkforceRole(op, r) => {
                let any = case.victims().iter().any(|v| v.workforce_role == *r);
                if *op == Cmp::Ne { !any } else { any }
            }
            Condition::Location(op, l) => {
                let is = case.location_type() == Some(*l);
                if *op == Cmp::Ne { !is } else { is }
            }
            Condition::Not(c) => !c.holds(case),
            Condition::All(cs) => cs.iter().all(|c| c.holds(case)),
            Condition::Any(cs) => cs.iter().any(|c| c.holds(case)),
        }
    }

    /// Parses a condition. Errors carry the character offset of the problem.
    pub fn parse(text: &str) -> Result<Condition, (usize, String)> {
        let tokens = tokenize(text)?;
        let mut p = Parser {
            tokens,
            pos: 0,
            len: text.len(),
        };
        let c = p.or()?;
        if let Some((at, t)) = p.tokens.get(p.pos) {
            return Err((*at, format!("unexpected `{t}` after a complete condition")));
        }
        Ok(c)
    }
}

impl fmt::Display for Condition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Condition::Always => f.write_str("always"),
            Condition::Fact(x) => f.write_str(x.name()),
            Condition::Injury(op, v) => write!(f, "injury {} {v}", op.symbol()),
            Condition::DaysLost(op, v) => write!(f, "days_lost {} {v}", op.symbol()),
            Condition::WorkforceRole(op, v) => write!(f, "workforce_role {} {v}", op.symbol()),
            Condition::Location(op, v) => write!(f, "location {} {v}", op.symbol()),
            Condition::Not(c) => match **c {
                Condition::All(_) | Condition::Any(_) => write!(f, "not ({c})"),
                _ => write!(f, "not {c}"),
            },
            Condition::All(cs) => join(f, cs, " and "),
            Condition::Any(cs) => join(f, cs, " or "),
        }
    }
}

fn join(f: &mut fmt::Formatter<'_>, cs: &[Condition], sep: &str) -> fmt::Result {
    for (i, c) in cs.iter().enumerate() {
        if i > 0 {
            f.write_str(sep)?;
        }
        if matches!(c, Condition::All(_) | Condition::Any(_)) {
            write!(f, "({c})")?;
        } else {
            write!(f, "{c}")?;
        }
    }
    Ok(())
}

type Token = (usize, String);

fn tokenize(text: &str) -> Result<Vec<Token>, (usize, String)> {
    let mut out = Vec::new();
    let mut chars = text.char_indices().peekable();
    while let Some(&(i, c)) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
        } else if c == '(' || c == ')' {
            out.push((i, c.to_string()));
            chars.next();
        } else if "=!<>".contains(c) {
            chars.next();
            let mut op = c.to_string();
            if let Some(&(_, '=')) = chars.peek() {
                op.push('=');
                chars.next();
            }
            if op == "=" || op == "!" {
                return Err((
                    i,
                    format!("`{op}` is not an operator; use ==, !=, >=, <=, > or <"),
                ));
            }
            out.push((i, op));
        } else if c.is_ascii_alphanumeric() || c == '_' {
            let mut word = String::new();
            while let Some(&(_, c)) = chars.peek() {
                if c.is_ascii_alphanumeric() || c == '_' {
                    word.push(c);
                    chars.next();
                } else {
                    break;
                }
            }
            out.push((i, word));
        } else {
            return Err((i, format!("unexpected character `{c}`")));
        }
    }
    Ok(out)
}

struct Parser {
    tokens: Vec<Token>,
    pos: usize,
    len: usize,
}

impl Parser {
    fn peek(&self) -> Option<&str> {
        self.tokens.get(self.pos).map(|(_, t)| t.as_str())
    }
    fn here(&self) -> usize {
        self.tokens
            .get(self.pos)
            .map(|(at, _)| *at)
            .unwrap_or(self.len)
    }
    fn next(&mut self) -> Option<Token> {
        let t = self.tokens.get(self.pos).cloned();
        self.pos += 1;
        t
    }

    fn or(&mut self) -> Result<Condition, (usize, String)> {
        let mut items = vec![self.and()?];
        while self.peek() == Some("or") {
            self.pos += 1;
            items.push(self.and()?);
        }
        Ok(if items.len() == 1 {
            items.remove(0)
        } else {
            Condition::Any(items)
        })
    }

    fn and(&mut self) -> Result<Condition, (usize, String)> {
        let mut items = vec![self.unary()?];
        while self.peek() == Some("and") {
            self.pos += 1;
            items.push(self.unary()?);
        }
        Ok(if items.len() == 1 {
            items.remove(0)
        } else {
            Condition::All(items)
        })
    }

    fn unary(&mut self) -> Result<Condition, (usize, String)> {
        // Depth is bounded by the input length (plan files are small); no recursion limit needed
        // beyond that, but refuse absurd nesting to keep the stack safe on hostile input.
        if self.pos > 512 {
            return Err((self.here(), "condition is too long".into()));
        }
        match self.peek() {
            Some("not") => {
                self.pos += 1;
                Ok(Condition::Not(Box::new(self.unary()?)))
            }
            Some("(") => {
                self.pos += 1;
                let c = self.or()?;
                if self.peek() != Some(")") {
                    return Err((self.here(), "expected `)`".into()));
                }
                self.pos += 1;
                Ok(c)
            }
            _ => self.atom(),
        }
    }

    fn atom(&mut self) -> Result<Condition, (usize, String)> {
        let at = self.here();
        let Some((_, word)) = self.next() else {
            return Err((at, "expected a condition, found the end".into()));
        };
        if word == "always" {
            return Ok(Condition::Always);
        }
        if let Some((_, f)) = FACTS.iter().find(|(n, _)| *n == word) {
            return Ok(Condition::Fact(*f));
        }
        let fields = ["injury", "days_lost", "workforce_role", "location"];
        if !fields.contains(&word.as_str()) {
            let facts: Vec<&str> = FACTS.iter().map(|(n, _)| *n).collect();
            return Err((
                at,
                format!(
                    "unknown condition `{word}`; expected always, {}, or a comparison on {}",
                    facts.join(", "),
                    fields.join(", ")
                ),
            ));
        }
        let op_at = self.here();
        let op = match self.next().map(|(_, t)| t) {
            Some(t) if t == "==" => Cmp::Eq,
            Some(t) if t == "!=" => Cmp::Ne,
            Some(t) if t == ">=" => Cmp::Ge,
            Some(t) if t == "<=" => Cmp::Le,
            Some(t) if t == ">" => Cmp::Gt,
            Some(t) if t == "<" => Cmp::Lt,
            _ => {
                return Err((
                    op_at,
                    format!("expected a comparison operator after `{word}`"),
                ));
            }
        };
        let v_at = self.here();
        let Some((_, value)) = self.next() else {
            return Err((
                v_at,
                format!("expected a value after `{word} {}`", op.symbol()),
            ));
        };
        let unordered = |op: Cmp| -> Result<(), (usize, String)> {
            if matches!(op, Cmp::Eq | Cmp::Ne) {
                Ok(())
            } else {
                Err((
                    op_at,
                    format!("`{word}` can only be compared with == or !="),
                ))
            }
        };
        match word.as_str() {
            "injury" => InjurySeverity::parse(&value)
                .map(|v| Condition::Injury(op, v))
                .map_err(|e| (v_at, e)),
            "days_lost" => value
                .parse::<u32>()
                .map(|v| Condition::DaysLost(op, v))
                .map_err(|_| {
                    (
                        v_at,
                        format!("days_lost compares with a whole number, got `{value}`"),
                    )
                }),
            "workforce_role" => {
                unordered(op)?;
                WorkforceRole::parse(&value)
                    .map(|v| Condition::WorkforceRole(op, v))
                    .map_err(|e| (v_at, e))
            }
            _ => {
                unordered(op)?;
                LocationType::parse(&value)
                    .map(|v| Condition::Location(op, v))
                    .map_err(|e| (v_at, e))
            }
        }
    }
}
