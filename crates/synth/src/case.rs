//! One synthetic case: a plausible life of an assault record under its force's plan, from
//! the report to the feedback survey, with obligations met on time, late or missed.

use crate::org::{Division, ForceOrg, Org, VICTIM_ROLES};
use crate::pick::{Weighted, choose, mix, subset};
use crate::{Error, Result};
use jiff::Timestamp;
use pledge_domain::calendar::{Calendar, Jurisdiction};
use pledge_domain::event::values::*;
use pledge_domain::{Event, EventKind};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

const HOUR: i64 = 3_600;
const DAY: i64 = 86_400;

/// Where a case sits before its events are generated: decided in one sequential pass so case
/// ids and report times do not depend on how the rest of the work is split.
#[derive(Debug, Clone)]
pub(crate) struct Header {
    pub index: u64,
    pub id: String,
    pub force: usize,
    pub division: usize,
    /// Report time, unix seconds.
    pub reported: i64,
    pub year: i16,
}

/// What case generation reads.
pub(crate) struct Ctx<'a> {
    pub seed: u64,
    pub org: &'a Org,
    pub calendar: &'a Calendar,
    /// Events after this (unix seconds) have not happened yet.
    pub until: i64,
    /// The Home Office outcome types, weighted.
    pub outcomes: &'a Weighted,
}

/// Home Office outcome types 1-22 and how often assaults on emergency workers end in each
/// (approximate; about a third charged, a quarter evidential difficulties, an eighth with no
/// suspect identified). 7 (cannabis warning) and 19 (no longer used) do not occur.
pub(crate) const OUTCOMES: [(u8, f64); 20] = [
    (1, 36.0),
    (2, 0.5),
    (3, 2.5),
    (4, 0.3),
    (5, 0.1),
    (6, 0.2),
    (8, 3.0),
    (9, 1.0),
    (10, 1.5),
    (11, 0.3),
    (12, 1.5),
    (13, 0.1),
    (14, 2.0),
    (15, 22.0),
    (16, 8.0),
    (17, 0.5),
    (18, 12.0),
    (20, 1.5),
    (21, 2.5),
    (22, 1.0),
];

/// How a step of the plan went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Done {
    OnTime,
    Late,
    Missed,
}

fn ts(s: i64) -> Result<Timestamp> {
    Timestamp::from_second(s).map_err(|e| Error::Config(format!("time {s} out of range: {e}")))
}

struct Draft<'a> {
    rng: ChaCha8Rng,
    ctx: &'a Ctx<'a>,
    force: &'a ForceOrg,
    div: &'a Division,
    /// Added to on-time probabilities: the force's quality and the year's trend.
    quality: f64,
    reported: i64,
    occurred: i64,
    /// (recorded time, happened at, by, what); sorted by recorded time at the end.
    events: Vec<(i64, i64, u32, EventKind)>,
    victims: Vec<u32>,
}

impl Draft<'_> {
    fn p(&self, base: f64) -> f64 {
        (base + self.quality).clamp(0.3, 0.98)
    }

    fn step(&mut self, on_time: f64, late: f64) -> Done {
        let on = self.p(on_time);
        let x: f64 = self.rng.random_range(0.0..1.0);
        if x < on {
            Done::OnTime
        } else if x < on + late * (1.0 - on) / (1.0 - on_time).max(0.01) {
            Done::Late
        } else {
            Done::Missed
        }
    }

    /// When a step with a deadline `within` seconds of `start` happened, if it did.
    fn when(&mut self, done: Done, start: i64, within: i64) -> Option<i64> {
        match done {
            Done::OnTime => {
                Some(start + (within as f64 * self.rng.random_range(0.05..0.95)) as i64)
            }
            Done::Late => Some(
                start
                    + (within as f64 * self.rng.random_range(1.05..2.5)) as i64
                    + self.rng.random_range(600..4 * HOUR),
            ),
            Done::Missed => None,
        }
    }

    /// A step's time: on time, late or missed by the usual proportions.
    fn timed(&mut self, on_time: f64, late: f64, start: i64, within: i64) -> Option<i64> {
        let done = self.step(on_time, late);
        self.when(done, start, within)
    }

    fn push(&mut self, at: i64, by: u32, kind: EventKind) {
        let recorded = at.max(self.reported);
        self.events.push((recorded, at, by, kind));
    }

    fn chance(&mut self, p: f64) -> bool {
        self.rng.random_bool(p.clamp(0.0, 1.0))
    }

    fn pick(&mut self, from: &[u32]) -> u32 {
        from[self.rng.random_range(0..from.len())]
    }

    /// A constable of the division who is not a victim (arrests, statements).
    fn colleague(&mut self) -> u32 {
        for _ in 0..8 {
            if let Some(p) = self.div.pools[0].pick(&mut self.rng)
                && !self.victims.contains(&p)
            {
                return p;
            }
        }
        let div = self.div;
        self.pick(&div.detectives)
    }
}

const BODY_PARTS: &[&str] = &[
    "head", "face", "hand", "arm", "leg", "torso", "neck", "knee", "finger", "eye",
];
const STREETS: &[&str] = &[
    "High Street",
    "Station Road",
    "Church Street",
    "Market Place",
    "London Road",
    "Victoria Street",
    "Park Road",
    "Queen Street",
    "the town centre",
    "the retail park",
];
const RAIL_ENGLAND: &[&str] = &[
    "London Bridge",
    "King's Cross",
    "Waterloo",
    "Birmingham New Street",
    "Manchester Piccadilly",
    "Leeds",
    "Cardiff Central",
    "Liverpool Lime Street",
    "Bristol Temple Meads",
    "Newcastle",
];
const RAIL_SCOTLAND: &[&str] = &[
    "Glasgow Central",
    "Glasgow Queen Street",
    "Edinburgh Waverley",
    "Aberdeen",
];
const NO_ARREST: &[&str] = &[
    "already in custody for the original offence; interviewed for this assault",
    "detained under section 136 Mental Health Act; assessed before any arrest",
    "suspect taken to hospital for treatment; to be interviewed on discharge",
    "suspect left the scene before officers could detain them",
    "arrest not necessary: voluntary interview arranged",
    "suspect under 10, below the age of criminal responsibility",
];
const SENTENCES: &[&str] = &[
    "fine and compensation to the officer",
    "community order with unpaid work",
    "12 weeks' imprisonment suspended for 12 months",
    "16 weeks' imprisonment",
    "26 weeks' imprisonment",
    "conditional discharge and compensation",
    "18 months' imprisonment",
];
const LESSONS: &[&str] = &[
    "double crewing for late-turn mental health calls",
    "spit and bite guards carried by all custody staff",
    "body-worn video started before entering the premises",
    "handcuffing refresher for probationers",
    "second officer requested before transport of violent detainees",
];

fn mechanism_words(m: Mechanism) -> &'static str {
    match m {
        Mechanism::Kick => "kicked",
        Mechanism::Punch => "punched",
        Mechanism::Spit => "spat at",
        Mechanism::Bite => "bitten",
        Mechanism::Weapon => "assaulted with a weapon",
        Mechanism::Vehicle => "struck by a vehicle",
        Mechanism::Corrosive => "attacked with a corrosive substance",
        Mechanism::Other => "assaulted",
    }
}

fn activity_words(a: Activity) -> &'static str {
    match a {
        Activity::Arrest => "an arrest",
        Activity::Custody => "booking-in at custody",
        Activity::Stop => "a stop",
        Activity::PublicOrder => "a public order incident",
        Activity::MentalHealthCall => "a mental health call",
        Activity::Transport => "transport of a detained person",
        Activity::Other => "a call for service",
    }
}

/// Generates a case's events in recorded order, ready for `Case::record`.
pub(crate) fn generate(ctx: &Ctx<'_>, h: &Header) -> Result<Vec<Event>> {
    let force = &ctx.org.forces[h.force];
    let div = &force.divisions[h.division];
    let mut rng = ChaCha8Rng::seed_from_u64(mix(ctx.seed, h.index.wrapping_add(1)));
    let delay = if rng.random_bool(0.03) {
        rng.random_range(6 * HOUR..3 * DAY)
    } else {
        rng.random_range(300..3 * HOUR)
    };
    // Forces improve a little year on year.
    let trend = f64::from(h.year - 2016) * 0.006;
    let mut d = Draft {
        rng,
        ctx,
        force,
        div,
        quality: force.quality + trend,
        reported: h.reported,
        occurred: h.reported - delay,
        events: Vec::with_capacity(40),
        victims: Vec::new(),
    };
    let (report, sup) = report(&mut d, h)?;
    let r = d.reported;
    // Every victim's workforce role: WMP 9's notice goes to the body for each victim's role.
    let victim_roles: Vec<(PersonId, WorkforceRole)> = match &report {
        EventKind::AssaultReported { victims, .. } => victims
            .iter()
            .map(|v| (v.person.clone(), v.workforce_role))
            .collect(),
        _ => Vec::new(),
    };
    let (plan, injury, hospitalised, hate, enhanced, identified, force_used, role) = match &report {
        EventKind::AssaultReported {
            plan,
            victims,
            hate_crime,
            suspects,
            circumstances,
            ..
        } => (
            plan.id.clone(),
            victims
                .iter()
                .map(|v| v.injury)
                .max()
                .unwrap_or(InjurySeverity::None),
            victims.iter().any(|v| v.hospitalised),
            !hate_crime.is_empty(),
            victims.iter().any(|v| v.enhanced_rights),
            suspects.iter().any(|s| s.identified),
            circumstances.force_used,
            victims.first().map(|v| v.workforce_role),
        ),
        _ => return Err(Error::Config("the report is not a report".into())),
    };
    let first_victim = d.victims[0];
    let specified = match &report {
        EventKind::AssaultReported { victims, .. } => victims.iter().any(|v| v.specified_injury),
        _ => false,
    };
    d.events.push((r, r, sup, report));
    let inspector = ctx.org.managers[sup as usize]
        .filter(|m| div.inspectors.contains(m))
        .unwrap_or(div.inspectors[0]);
    let serious = injury >= InjurySeverity::Serious;

    // Point: record the crime, cross-referenced.
    let crime = d.timed(0.86, 0.10, r, 24 * HOUR);
    if let Some(t) = crime {
        let safety = d.chance(0.5).then(|| format!("HS-{:07}", h.index));
        d.push(
            t,
            sup,
            EventKind::CrimeRecorded {
                crime_reference: format!(
                    "{}/{:02}/{:06}",
                    force.spec.code,
                    h.year % 100,
                    h.index % 1_000_000
                ),
                safety_reference: safety,
                classification: None,
            },
        );
    }

    // OIC, who is never a victim (detectives are not in the victim pools).
    let oic_at = d.timed(0.85, 0.12, r, 24 * HOUR);
    let oic = match oic_at {
        Some(t) => {
            let dc = d.pick(&div.detectives);
            d.push(
                t,
                inspector,
                EventKind::OicAssigned {
                    officer: ctx.org.ids[dc as usize].clone(),
                },
            );
            dc
        }
        None => sup,
    };

    // Welfare.
    let welfare = d.timed(0.80, 0.14, r, 24 * HOUR);
    match welfare {
        Some(t) => d.push(
            t,
            sup,
            EventKind::WelfareMeetingHeld {
                note: String::new(),
                victim: None,
                held_by: None,
            },
        ),
        None if d.chance(0.3) => {
            let t = r + d.rng.random_range(2 * DAY..5 * DAY);
            d.push(
                t,
                inspector,
                EventKind::ObligationWaived {
                    obligation: "welfare-meeting".into(),
                    reason:
                        "the victim went on leave; welfare contact made through occupational health"
                            .into(),
                },
            );
        }
        None => {}
    }
    let trim_at = d.timed(0.80, 0.14, r, 72 * HOUR);
    let referred =
        d.chance(0.2 + if serious { 0.3 } else { 0.0 } + if hospitalised { 0.2 } else { 0.0 });
    match trim_at {
        Some(t) => {
            d.push(
                t,
                sup,
                EventKind::TrimReferralConsidered {
                    referred,
                    reason: if referred {
                        String::new()
                    } else {
                        "offered; not wanted at this stage".into()
                    },
                },
            );
            if referred {
                let practitioner = d.pick(&force.trim);
                if let Some(a) = d.timed(0.82, 0.14, r, 4 * DAY) {
                    d.push(
                        a.max(t + HOUR),
                        practitioner,
                        EventKind::TrimAssessmentHeld {
                            stage: TrimStage::Initial,
                        },
                    );
                }
                let done = d.step(0.80, 0.12);
                let one_month = match done {
                    Done::OnTime => Some(r + d.rng.random_range(28 * DAY..35 * DAY - HOUR)),
                    other => d.when(other, r, 35 * DAY),
                };
                if let Some(a) = one_month {
                    d.push(
                        a,
                        practitioner,
                        EventKind::TrimAssessmentHeld {
                            stage: TrimStage::OneMonth,
                        },
                    );
                }
            }
        }
        None if d.chance(0.3) => {
            let t = r + d.rng.random_range(4 * DAY..8 * DAY);
            d.push(
                t,
                inspector,
                EventKind::ObligationWaived {
                    obligation: "trim-considered".into(),
                    reason: "the victim declined any welfare contact".into(),
                },
            );
        }
        None => {}
    }

    // Senior leadership, by severity.
    let within = if hospitalised {
        HOUR
    } else if serious {
        2 * HOUR
    } else {
        24 * HOUR
    };
    if let Some(t) = d.timed(0.83, 0.12, r, within) {
        let who = format!(
            "Chief Inspector {}",
            ctx.org.people[div.chief_inspector as usize].name
        );
        d.push(
            t,
            sup,
            EventKind::SeniorLeadershipInformed {
                level: LeadershipLevel::LocalCommandTeam,
                who,
            },
        );
    }
    if plan == "btp" && (serious || hospitalised) {
        if let Some(t) = d.timed(0.80, 0.15, r, 2 * HOUR) {
            d.push(
                t,
                sup,
                EventKind::SeniorLeadershipInformed {
                    level: LeadershipLevel::SeniorDutyOfficer,
                    who: String::new(),
                },
            );
        }
        if let Some(t) = d.timed(0.85, 0.10, r, 24 * HOUR) {
            let sdo = force.senior_duty_officer;
            d.push(
                t,
                sdo,
                EventKind::SeniorLeadershipInformed {
                    level: LeadershipLevel::ChiefOfficerGroup,
                    who: String::new(),
                },
            );
        }
    }
    if plan == "west-midlands"
        && hospitalised
        && let Some(t) = d.timed(0.80, 0.15, r, HOUR)
    {
        d.push(
            t,
            sup,
            EventKind::FimNotified {
                on_call_chief_officer_told: true,
            },
        );
    }

    // Health and safety.
    let system = match plan.as_str() {
        "btp" => SafetySystem::AccidentManagementSystem,
        "west-midlands" => SafetySystem::ESafety,
        _ => SafetySystem::InjuryOnDuty,
    };
    if let Some(t) = d.timed(0.78, 0.17, r, 72 * HOUR) {
        let factors = subset(
            &mut d.rng,
            &[
                (CausalFactor::Drunk, 0.45),
                (CausalFactor::Drugs, 0.2),
                (CausalFactor::MentalHealthCrisis, 0.15),
                (CausalFactor::Hostile, 0.5),
                (CausalFactor::ResistingArrest, 0.4),
            ],
        );
        let prefix = match system {
            SafetySystem::AccidentManagementSystem => "AMS",
            SafetySystem::ESafety => "ES",
            _ => "IOD",
        };
        let contributed = d.chance(0.7);
        d.push(
            t,
            sup,
            EventKind::SafetyReportCompleted {
                system,
                reference: format!("{prefix}-{:07}", h.index),
                causal_factors: factors,
                victim_contributed: contributed,
            },
        );
    }
    // Days lost and RIDDOR.
    let days: u16 = match injury {
        InjurySeverity::Minor if d.chance(0.25) => d.rng.random_range(1..7),
        InjurySeverity::Serious if d.chance(0.8) => d.rng.random_range(3..60),
        InjurySeverity::Critical => d.rng.random_range(14..180),
        _ => 0,
    };
    if days > 0 {
        let t = r + i64::from(days.min(8)) * DAY + d.rng.random_range(HOUR..8 * HOUR);
        d.push(
            t,
            sup,
            EventKind::DaysLostRecorded {
                victim: ctx.org.ids[first_victim as usize].clone(),
                days,
            },
        );
    }
    if days > 7 || specified {
        let (from, within) = if specified {
            (r, 10 * DAY)
        } else {
            (r + 8 * DAY, 7 * DAY)
        };
        if let Some(t) = d.timed(0.75, 0.18, from, within) {
            let hs = force.health_and_safety;
            d.push(
                t,
                hs,
                EventKind::RiddorReported {
                    reference: format!("RIDDOR-{:08}", h.index),
                },
            );
        }
    }
    // Support.
    if let Some(t) = d.timed(0.78, 0.15, r, 48 * HOUR) {
        if d.chance(0.3) {
            d.push(t, sup, EventKind::SupportOptedOut);
        } else {
            let service = choose(
                &mut d.rng,
                &[
                    ("Victim Support", 0.4),
                    ("Police Care UK", 0.2),
                    ("occupational health", 0.25),
                    ("Employee Assistance Programme", 0.15),
                ],
            );
            d.push(
                t,
                sup,
                EventKind::SupportReferralMade {
                    service: service.into(),
                },
            );
        }
    }
    // West Midlands: TRM, staff association, leaflet.
    if plan == "west-midlands" {
        let next = div.trm.partition_point(|m| *m <= r);
        let which = match d.step(0.80, 0.12) {
            Done::OnTime => Some(next),
            Done::Late => Some(next + 1),
            Done::Missed => None,
        };
        if let Some(&m) = which.and_then(|i| div.trm.get(i)) {
            let meeting = ctx.calendar.local_date(ts(m)?);
            let at = m + d.rng.random_range(HOUR..3 * HOUR);
            d.push(at, sup, EventKind::RaisedAtTrm { meeting });
        }
        if let Some(t) = d.timed(0.80, 0.12, r, 24 * HOUR) {
            // One notice per victim, to the body for their role (none for volunteers).
            for (person, victim_role) in &victim_roles {
                let body = match victim_role {
                    WorkforceRole::Officer | WorkforceRole::SpecialConstable => {
                        StaffAssociation::Federation
                    }
                    WorkforceRole::Staff | WorkforceRole::Pcso => {
                        if d.chance(0.75) {
                            StaffAssociation::Unison
                        } else {
                            StaffAssociation::Unite
                        }
                    }
                    WorkforceRole::Volunteer => continue,
                };
                let consent = d.chance(0.85);
                d.push(
                    t,
                    sup,
                    EventKind::StaffAssociationNotified {
                        body,
                        consent,
                        victim: Some(person.clone()),
                    },
                );
            }
        }
        if let Some(t) = d.timed(0.80, 0.12, r, 24 * HOUR) {
            d.push(t, sup, EventKind::LeafletGiven { victim: None });
        }
    }
    // Debrief and lessons.
    let debrief_p = if plan == "btp" { 0.9 } else { 0.25 };
    if d.chance(debrief_p) {
        let done = d.step(0.70, 0.20);
        if let Some(t) = d.when(done, r, 14 * DAY) {
            d.push(
                t,
                sup,
                EventKind::DebriefHeld {
                    kind: DebriefKind::Incident,
                },
            );
            if force_used && d.chance(if plan == "btp" { 0.6 } else { 0.15 }) {
                d.push(
                    t + HOUR,
                    sup,
                    EventKind::DebriefHeld {
                        kind: DebriefKind::UseOfForce,
                    },
                );
            }
            if plan == "btp"
                && let Some(l) = d.timed(0.65, 0.2, t, 28 * DAY)
            {
                let lesson = LESSONS[d.rng.random_range(0..LESSONS.len())];
                let lessons = force.lessons;
                d.push(
                    l,
                    lessons,
                    EventKind::LessonCaptured {
                        reference: format!("LXC-{:07}", h.index),
                        summary: lesson.into(),
                    },
                );
            }
        }
    }

    // The investigation: suspect, arrest, decisions, outcome.
    let mut suspect_known = identified.then_some(r);
    if !identified && d.chance(0.45) {
        let t = r + d.rng.random_range(DAY..30 * DAY);
        d.push(
            t,
            oic,
            EventKind::SuspectIdentified {
                description: "identified from CCTV".into(),
            },
        );
        suspect_known = Some(t);
    }
    let mut decisions: Vec<(i64, KeyDecision)> = Vec::new();
    let mut arrested_at = None;
    if let Some(known) = suspect_known {
        let x: f64 = d.rng.random_range(0.0..1.0);
        if identified && x < 0.72 {
            // Arrested at the scene (before the report was made).
            let t = (d.occurred + d.rng.random_range(120..40 * 60)).min(r);
            let by = d.colleague();
            d.push(
                t,
                by,
                EventKind::ArrestMade {
                    suspect: "suspect 1".into(),
                },
            );
            arrested_at = Some(t);
        } else if x < 0.87 {
            let done = d.step(0.8, 0.12);
            if let Some(t) = d.when(done, known, 24 * HOUR) {
                let reason = NO_ARREST[d.rng.random_range(0..NO_ARREST.len())];
                d.push(
                    t,
                    oic,
                    EventKind::NoArrestRecorded {
                        reason: reason.into(),
                    },
                );
            }
        } else if x < 0.97 {
            let t = known + d.rng.random_range(6 * HOUR..10 * DAY);
            let by = d.colleague();
            d.push(
                t,
                by,
                EventKind::ArrestMade {
                    suspect: "suspect 1".into(),
                },
            );
            arrested_at = Some(t);
        }
    }
    if let Some(t) = arrested_at {
        decisions.push((t.max(r), KeyDecision::Arrest));
    }
    let outcome = loop {
        let i = ctx.outcomes.pick(&mut d.rng).unwrap_or(0);
        let o = OUTCOMES.get(i).map(|(o, _)| *o).unwrap_or(15);
        let no_suspect = matches!(o, 14 | 18);
        if no_suspect == suspect_known.is_none() {
            break o;
        }
    };
    let custody_charge = outcome == 1 && arrested_at.is_some() && d.chance(0.45);
    if let Some(a) = arrested_at
        && !custody_charge
    {
        let t = a.max(r) + d.rng.random_range(6 * HOUR..20 * HOUR);
        let decision = choose(
            &mut d.rng,
            &[
                (KeyDecision::Bail, 0.3),
                (KeyDecision::ReleasedUnderInvestigation, 0.55),
                (KeyDecision::Release, 0.15),
            ],
        );
        decisions.push((t, decision));
    }
    let decided = match outcome {
        1 if custody_charge => {
            arrested_at.unwrap_or(r).max(r) + d.rng.random_range(8 * HOUR..24 * HOUR)
        }
        1 => r + d.rng.random_range(14 * DAY..150 * DAY),
        2 | 3 | 8 | 22 => r + d.rng.random_range(2 * DAY..60 * DAY),
        18 | 14 => r + d.rng.random_range(7 * DAY..90 * DAY),
        _ => r + d.rng.random_range(14 * DAY..200 * DAY),
    }
    .max(suspect_known.unwrap_or(r) + HOUR);
    // The file for a charging decision, and what must come before it.
    let file = matches!(outcome, 1 | 2 | 3 | 9) || (outcome == 15 && d.chance(0.4));
    let file_at = if file {
        let lead = if custody_charge {
            d.rng.random_range(HOUR..4 * HOUR)
        } else {
            d.rng.random_range(DAY..21 * DAY)
        };
        Some((decided - lead).max(r + 2 * HOUR))
    } else {
        None
    };
    let prep_until = file_at.unwrap_or(r + 20 * DAY);
    let before_file = |d: &mut Draft<'_>, p: f64| -> Option<i64> {
        let span = (prep_until - r - HOUR).max(HOUR);
        match d.step(p, 0.06) {
            Done::OnTime => {
                Some(r + HOUR / 2 + (span as f64 * d.rng.random_range(0.05..0.9)) as i64)
            }
            Done::Late => Some(prep_until + d.rng.random_range(HOUR..5 * DAY)),
            Done::Missed => None,
        }
    };
    let victim_id = ctx.org.ids[first_victim as usize].clone();
    if let Some(t) = before_file(&mut d, 0.9) {
        let self_written = plan == "west-midlands"
            && injury <= InjurySeverity::Minor
            && !hate
            && role == Some(WorkforceRole::Officer)
            && d.chance(0.08);
        let (taken_by, tier, tier_reason) = if self_written {
            (first_victim, Some("tier-1".to_owned()), Some("uninjured officer able to give a full account; written at once so the investigation was not delayed".to_owned()))
        } else if plan == "west-midlands" {
            let tier = if serious || hospitalised || hate {
                "tier-3"
            } else {
                "tier-2"
            };
            (
                oic,
                Some(tier.to_owned()),
                Some(
                    "injury or circumstances need a statement taken by another officer".to_owned(),
                ),
            )
        } else {
            (oic, None, None)
        };
        d.push(
            t,
            taken_by,
            EventKind::StatementTaken {
                of: StatementOf::Victim,
                giver: victim_id.clone(),
                taken_by: ctx.org.ids[taken_by as usize].clone(),
                tier,
                tier_reason,
            },
        );
    }
    if d.chance(0.4) {
        for w in 0..d.rng.random_range(1..3) {
            let t = r + d.rng.random_range(HOUR..10 * DAY);
            let by = d.colleague();
            let giver = PersonId::parse(&format!("{}-W{}", h.id, w + 1)).map_err(Error::Config)?;
            d.push(
                t,
                by,
                EventKind::StatementTaken {
                    of: StatementOf::Witness,
                    giver,
                    taken_by: ctx.org.ids[by as usize].clone(),
                    tier: None,
                    tier_reason: None,
                },
            );
        }
    }
    let vps_accepted = d.chance(0.55);
    if let Some(t) = before_file(&mut d, 0.85) {
        d.push(
            t,
            oic,
            EventKind::VpsOffered {
                accepted: vps_accepted,
            },
        );
        if vps_accepted && d.chance(0.8) {
            d.push(
                t + DAY,
                oic,
                EventKind::ImpactStatementAdded {
                    kind: ImpactStatement::Victim,
                },
            );
        }
    }
    let impact = match plan.as_str() {
        "btp" => Some(ImpactStatement::Community),
        "west-midlands" => Some(ImpactStatement::ChiefConstable),
        _ => None,
    };
    if let Some(kind) = impact
        && let Some(t) = before_file(&mut d, 0.85)
    {
        d.push(t, oic, EventKind::ImpactStatementAdded { kind });
    }
    let investigation = d.timed(0.72, 0.22, r, 7 * DAY);
    if let Some(t) = investigation {
        let evidence = subset(
            &mut d.rng,
            &[
                ("body_worn_video", 0.9),
                ("cctv", 0.5),
                ("witnesses", 0.5),
                ("injury_photographs", 0.3),
                ("medical_evidence", 0.15),
                ("forensic_samples", 0.05),
            ],
        );
        d.push(
            t,
            oic,
            EventKind::InvestigationPlanCompleted {
                evidence: evidence.into_iter().map(str::to_owned).collect(),
            },
        );
    }
    if let Some(f) = file_at {
        let to = if matches!(outcome, 2 | 3) {
            "police decision maker"
        } else {
            "CPS"
        };
        d.push(f, oic, EventKind::FileSubmitted { to: to.into() });
    }
    // The victim's view, always before the outcome (the plans' rule).
    let view_at = decided - ((decided - r) as f64 * d.rng.random_range(0.05..0.5)) as i64;
    d.push(
        view_at.max(r + 60).min(decided - 30),
        oic,
        EventKind::VictimViewRecorded {
            view: "content with the proposed outcome".into(),
        },
    );
    d.push(
        decided,
        oic,
        EventKind::OutcomeFinalised {
            outcome_type: OutcomeType::new(outcome).map_err(Error::Config)?,
        },
    );
    match outcome {
        1 => decisions.push((decided, KeyDecision::Charge)),
        2 | 3 => decisions.push((decided, KeyDecision::Caution)),
        14 | 18 | 8 | 22 => {}
        _ => decisions.push((decided, KeyDecision::NoFurtherAction)),
    }
    let mut work_end = decided;
    if outcome == 1 {
        let offence = match &d.events[0].3 {
            EventKind::AssaultReported { offence, .. } => *offence,
            _ => Offence::Other,
        };
        d.push(
            decided,
            oic,
            EventKind::Charged {
                offences: vec![offence],
            },
        );
        let cju = force.justice;
        let first = decided
            + if custody_charge {
                d.rng.random_range(12 * HOUR..3 * DAY)
            } else {
                d.rng.random_range(14 * DAY..56 * DAY)
            };
        let court = format!("{} Magistrates' Court", ctx.org.units[div.unit].name);
        d.push(
            first,
            cju,
            EventKind::CourtHearing {
                on: ctx.calendar.local_date(ts(first)?),
                court: court.clone(),
            },
        );
        let (verdict_at, verdict) = if d.chance(0.65) {
            (first, Verdict::Guilty)
        } else {
            let trial = first + d.rng.random_range(60 * DAY..200 * DAY);
            d.push(
                trial,
                cju,
                EventKind::CourtHearing {
                    on: ctx.calendar.local_date(ts(trial)?),
                    court,
                },
            );
            let v = choose(
                &mut d.rng,
                &[
                    (Verdict::Guilty, 0.6),
                    (Verdict::NotGuilty, 0.25),
                    (Verdict::Discontinued, 0.15),
                ],
            );
            (trial, v)
        };
        d.push(verdict_at + HOUR, cju, EventKind::VerdictGiven { verdict });
        work_end = verdict_at + HOUR;
        if verdict == Verdict::Guilty {
            let at = if d.chance(0.5) {
                verdict_at + 2 * HOUR
            } else {
                verdict_at + d.rng.random_range(21 * DAY..42 * DAY)
            };
            let sentence = SENTENCES[d.rng.random_range(0..SENTENCES.len())];
            let aggravation = d.chance(0.78);
            d.push(
                at,
                cju,
                EventKind::Sentenced {
                    sentence: sentence.into(),
                    emergency_worker_aggravation: aggravation,
                },
            );
            work_end = at;
        }
    }
    // Key decisions: the victim told within 5 working days (1 with enhanced rights).
    let mut updates: Vec<i64> = Vec::new();
    let tell = if hate || enhanced { 20 * HOUR } else { 5 * DAY };
    for (t, decision) in decisions {
        d.push(
            t,
            oic,
            EventKind::KeyDecisionMade {
                decision,
                detail: String::new(),
            },
        );
        if let Some(u) = d.timed(0.82, 0.12, t, tell) {
            updates.push(u);
        }
    }
    // Regular updates at the agreed frequency until the work is done.
    let every = if d.chance(0.3) {
        let days = choose(
            &mut d.rng,
            &[(14u16, 0.3), (21, 0.2), (28, 0.3), (42, 0.1), (56, 0.1)],
        );
        let t = r + d.rng.random_range(HOUR..3 * DAY);
        d.push(
            t,
            oic,
            EventKind::UpdateFrequencyChosen { every_days: days },
        );
        i64::from(days) * DAY
    } else {
        28 * DAY
    };
    let stops = d.chance(0.04);
    let mut anchor = r;
    loop {
        let gap = match d.step(0.78, 0.18) {
            Done::OnTime => (every as f64 * d.rng.random_range(0.4..0.97)) as i64,
            _ => (every as f64 * d.rng.random_range(1.05..1.8)) as i64,
        };
        let t = anchor + gap;
        if t > work_end || (stops && d.chance(0.3)) {
            break;
        }
        updates.push(t);
        anchor = t;
    }
    for u in updates {
        d.push(
            u,
            oic,
            EventKind::VictimUpdated {
                how: "phone".into(),
                note: String::new(),
            },
        );
    }
    // Closure, then the feedback survey (Operation Hampshire).
    let last = d.events.iter().map(|e| e.0).max().unwrap_or(r);
    if d.chance(0.97) {
        let closed = last + d.rng.random_range(DAY..10 * DAY);
        d.push(
            closed,
            oic,
            EventKind::CaseClosed {
                reason: format!("outcome {outcome} finalised"),
            },
        );
        if plan == "op-hampshire"
            && let Some(t) = d.timed(0.60, 0.20, closed, 5 * DAY)
        {
            let lead = force.lead;
            d.push(t, lead, EventKind::SurveySent {});
        }
    }

    // Recorded order; events that have not happened by `until` are not there yet.
    let mut events = std::mem::take(&mut d.events);
    events.sort_by_key(|e| e.0);
    let until = ctx.until;
    events
        .into_iter()
        .filter(|e| e.0 <= until)
        .map(|(_, at, by, kind)| {
            Ok(Event {
                at: ts(at)?,
                by: ctx.org.ids[by as usize].clone(),
                kind,
            })
        })
        .collect()
}

/// The opening report: victims, offence, place, suspects, circumstances.
fn report(d: &mut Draft<'_>, h: &Header) -> Result<(EventKind, u32)> {
    let org = d.ctx.org;
    let force = d.force;
    let div = d.div;
    let n = choose(&mut d.rng, &[(1usize, 0.85), (2, 0.12), (3, 0.03)]);
    // About a quarter of assaults cause injury (the Home Office "with injury" split).
    let injured = d.rng.random_bool(0.25);
    let mut victims = Vec::with_capacity(n);
    for i in 0..n {
        let mut person = None;
        for _ in 0..10 {
            let r = choose(
                &mut d.rng,
                &[
                    (0usize, VICTIM_ROLES[0].1),
                    (1, VICTIM_ROLES[1].1),
                    (2, VICTIM_ROLES[2].1),
                    (3, VICTIM_ROLES[3].1),
                    (4, VICTIM_ROLES[4].1),
                ],
            );
            if let Some(p) = div.pools[r].pick(&mut d.rng)
                && !d.victims.contains(&p)
            {
                person = Some((p, VICTIM_ROLES[r].0));
                break;
            }
        }
        let Some((p, role)) = person else { continue };
        d.victims.push(p);
        let injury = if i == 0 && injured {
            choose(
                &mut d.rng,
                &[
                    (InjurySeverity::Minor, 0.78),
                    (InjurySeverity::Serious, 0.19),
                    (InjurySeverity::Critical, 0.03),
                ],
            )
        } else if injured && d.rng.random_bool(0.3) {
            choose(
                &mut d.rng,
                &[(InjurySeverity::Minor, 0.9), (InjurySeverity::Serious, 0.1)],
            )
        } else {
            InjurySeverity::None
        };
        let hospitalised = match injury {
            InjurySeverity::Critical => true,
            InjurySeverity::Serious => d.rng.random_bool(0.55),
            InjurySeverity::Minor => d.rng.random_bool(0.06),
            InjurySeverity::None => false,
        };
        let specified_injury = match injury {
            InjurySeverity::Critical => d.rng.random_bool(0.6),
            InjurySeverity::Serious => d.rng.random_bool(0.25),
            InjurySeverity::Minor => d.rng.random_bool(0.01),
            InjurySeverity::None => false,
        };
        let mut mechanisms = vec![choose(
            &mut d.rng,
            &[
                (Mechanism::Punch, 0.35),
                (Mechanism::Kick, 0.25),
                (Mechanism::Spit, 0.2),
                (Mechanism::Bite, 0.07),
                (Mechanism::Weapon, 0.05),
                (Mechanism::Vehicle, 0.03),
                (Mechanism::Corrosive, 0.005),
                (Mechanism::Other, 0.045),
            ],
        )];
        if d.rng.random_bool(0.25) {
            let m = choose(
                &mut d.rng,
                &[(Mechanism::Punch, 0.5), (Mechanism::Kick, 0.5)],
            );
            if !mechanisms.contains(&m) {
                mechanisms.push(m);
            }
        }
        let body_parts = if injury > InjurySeverity::None {
            vec![BODY_PARTS[d.rng.random_range(0..BODY_PARTS.len())].to_owned()]
        } else {
            Vec::new()
        };
        let years = (-(1.0 - d.rng.random_range(0.0..1.0f64)).ln() * 6.0) as u16;
        victims.push(Victim {
            person: org.ids[p as usize].clone(),
            workforce_role: role,
            on_duty: d.rng.random_bool(0.98),
            years_of_service: Some(years.min(35)),
            injury,
            hospitalised,
            specified_injury,
            body_parts,
            mechanisms,
            enhanced_rights: d.rng.random_bool(0.04),
            previous_assaults: None,
        });
    }
    if victims.is_empty() {
        return Err(Error::Config(format!(
            "no victim could be drawn for case {}",
            h.id
        )));
    }
    let first = d.victims[0];
    // The supervisor: usually the victim's line manager, otherwise the sergeant on duty.
    let sup = match org.managers[first as usize] {
        Some(m) if div.sergeants.contains(&m) && d.rng.random_bool(0.85) => m,
        _ => div.sergeants[d.rng.random_range(0..div.sergeants.len())],
    };
    let btp = force.spec.plan == "btp";
    let location = if btp {
        choose(
            &mut d.rng,
            &[
                (LocationType::Railway, 0.8),
                (LocationType::Custody, 0.06),
                (LocationType::Station, 0.04),
                (LocationType::Street, 0.06),
                (LocationType::Vehicle, 0.02),
                (LocationType::Other, 0.02),
            ],
        )
    } else {
        choose(
            &mut d.rng,
            &[
                (LocationType::Street, 0.44),
                (LocationType::Custody, 0.2),
                (LocationType::Vehicle, 0.09),
                (LocationType::Station, 0.05),
                (LocationType::Hospital, 0.08),
                (LocationType::Railway, 0.01),
                (LocationType::Other, 0.13),
            ],
        )
    };
    let unit_name = &org.units[div.unit].name;
    let place = match location {
        LocationType::Street => format!(
            "{}, {unit_name}",
            STREETS[d.rng.random_range(0..STREETS.len())]
        ),
        LocationType::Custody => format!("{unit_name} custody suite"),
        LocationType::Vehicle => format!("police van, {unit_name}"),
        LocationType::Station => format!("{unit_name} police station front counter"),
        LocationType::Railway => {
            let list = if div.jurisdiction == Jurisdiction::Scotland {
                RAIL_SCOTLAND
            } else {
                RAIL_ENGLAND
            };
            format!("{} station", list[d.rng.random_range(0..list.len())])
        }
        LocationType::Hospital => format!("emergency department, {unit_name}"),
        LocationType::Other => format!("private address, {unit_name}"),
    };
    let activity = match location {
        LocationType::Custody => Activity::Custody,
        LocationType::Vehicle => Activity::Transport,
        _ => choose(
            &mut d.rng,
            &[
                (Activity::Arrest, 0.45),
                (Activity::Stop, 0.12),
                (Activity::PublicOrder, 0.15),
                (Activity::MentalHealthCall, 0.12),
                (Activity::Other, 0.16),
            ],
        ),
    };
    let worst = victims
        .iter()
        .map(|v| v.injury)
        .max()
        .unwrap_or(InjurySeverity::None);
    let offence = match worst {
        InjurySeverity::None => choose(
            &mut d.rng,
            &[
                (Offence::CommonAssaultEmergencyWorker, 0.9),
                (Offence::PoliceActS89, 0.08),
                (Offence::Other, 0.02),
            ],
        ),
        InjurySeverity::Minor => choose(
            &mut d.rng,
            &[
                (Offence::CommonAssaultEmergencyWorker, 0.5),
                (Offence::OapaS47, 0.45),
                (Offence::OapaS38, 0.05),
            ],
        ),
        InjurySeverity::Serious => choose(
            &mut d.rng,
            &[
                (Offence::OapaS47, 0.5),
                (Offence::OapaS20, 0.4),
                (Offence::OapaS18, 0.1),
            ],
        ),
        InjurySeverity::Critical => choose(
            &mut d.rng,
            &[(Offence::OapaS20, 0.4), (Offence::OapaS18, 0.6)],
        ),
    };
    let mut hate_crime = Vec::new();
    if d.rng.random_bool(0.035) {
        let strands = [
            (HateStrand::Race, 0.62),
            (HateStrand::SexualOrientation, 0.14),
            (HateStrand::Religion, 0.1),
            (HateStrand::Disability, 0.07),
            (HateStrand::TransgenderIdentity, 0.07),
        ];
        hate_crime.push(choose(&mut d.rng, &strands));
        if d.rng.random_bool(0.1) {
            let s = choose(&mut d.rng, &strands);
            if !hate_crime.contains(&s) {
                hate_crime.push(s);
            }
        }
    }
    let n_suspects = choose(&mut d.rng, &[(1usize, 0.9), (2, 0.08), (3, 0.02)]);
    let identified = d.rng.random_bool(0.88);
    let suspects = (0..n_suspects)
        .map(|i| Suspect {
            description: if i == 0 && activity == Activity::Custody {
                "detained person".into()
            } else {
                format!("suspect {}", i + 1)
            },
            identified: identified && (i == 0 || d.rng.random_bool(0.6)),
        })
        .collect();
    let frontline = matches!(
        victims[0].workforce_role,
        WorkforceRole::Officer | WorkforceRole::SpecialConstable
    );
    let carried = if frontline {
        subset(
            &mut d.rng,
            &[
                (Equipment::BodyWornVideo, 0.93),
                (Equipment::Taser, 0.3),
                (Equipment::SpitGuard, 0.55),
                (Equipment::BodyArmour, 0.9),
                (Equipment::Gloves, 0.6),
                (Equipment::Pava, 0.85),
                (Equipment::Baton, 0.85),
            ],
        )
    } else {
        subset(
            &mut d.rng,
            &[
                (Equipment::BodyWornVideo, 0.6),
                (Equipment::BodyArmour, 0.5),
                (Equipment::Gloves, 0.7),
                (Equipment::SpitGuard, 0.3),
            ],
        )
    };
    let used: Vec<Equipment> = carried
        .iter()
        .copied()
        .filter(|e| {
            let p = match e {
                Equipment::BodyWornVideo => 0.8,
                Equipment::Taser => 0.08,
                Equipment::Pava => 0.08,
                Equipment::Baton => 0.04,
                Equipment::SpitGuard => 0.12,
                Equipment::Gloves => 0.3,
                Equipment::BodyArmour => 0.0,
                Equipment::Handcuffs => 0.3,
            };
            d.rng.random_bool(p)
        })
        .collect();
    let causal_factors = subset(
        &mut d.rng,
        &[
            (CausalFactor::Drunk, 0.45),
            (CausalFactor::Drugs, 0.2),
            (
                CausalFactor::MentalHealthCrisis,
                if activity == Activity::MentalHealthCall {
                    0.8
                } else {
                    0.1
                },
            ),
            (CausalFactor::Hostile, 0.5),
            (
                CausalFactor::ResistingArrest,
                if activity == Activity::Arrest {
                    0.7
                } else {
                    0.15
                },
            ),
        ],
    );
    let training_days = d.rng.random_range(10..420);
    let last_safety_training = Some(
        d.ctx
            .calendar
            .local_date(ts(d.occurred - training_days * DAY)?),
    );
    let circumstances = Circumstances {
        activity: Some(activity),
        causal_factors,
        body_worn_video_recording: used.contains(&Equipment::BodyWornVideo),
        equipment_carried: carried,
        equipment_used: used,
        single_crewed: d.rng.random_bool(0.35),
        force_used: d.rng.random_bool(0.55),
        last_safety_training,
    };
    let summary = format!(
        "{} {} during {}.",
        match victims[0].workforce_role {
            WorkforceRole::Officer => "Officer",
            WorkforceRole::SpecialConstable => "Special constable",
            WorkforceRole::Pcso => "PCSO",
            WorkforceRole::Staff => "Member of staff",
            WorkforceRole::Volunteer => "Volunteer",
        },
        mechanism_words(victims[0].mechanisms[0]),
        activity_words(activity)
    );
    let how_reported = choose(
        &mut d.rng,
        &[
            ("radio", 0.4),
            ("in person", 0.35),
            ("phone", 0.15),
            ("duty management system", 0.1),
        ],
    );
    let kind = EventKind::AssaultReported {
        plan: PlanRef {
            id: force.spec.plan.to_owned(),
            version: 1,
        },
        force: force.spec.name.to_owned(),
        unit: org.units[div.unit].id.clone(),
        jurisdiction: div.jurisdiction,
        occurred_at: ts(d.occurred)?,
        place,
        location_type: location,
        how_reported: how_reported.into(),
        supervisor: org.ids[sup as usize].clone(),
        victims,
        offence,
        hate_crime,
        suspects,
        circumstances,
        summary,
    };
    Ok((kind, sup))
}
