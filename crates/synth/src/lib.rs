//! Deterministic synthetic data for Pledge: the forces of England and Wales and British
//! Transport Police, their units (a chain of command sized by headcount), the people cases
//! name, TRM meeting calendars, headcounts per unit, date and workforce role, and realistic assault cases.
//!
//! Every case is recorded through the domain ([`pledge_domain::Case::record`], so the plan's
//! rules apply) and projected into its read models exactly as `pledge rebuild` would (UK
//! calendar, no meeting dates). The same [`Config`] always produces the same data: a case's
//! content comes from its own random stream, derived from the seed and its position.
//!
//! Volumes follow the Home Office figures: about 46,000 assaults on police a year across
//! England and Wales, shared between forces by officer headcount, about a quarter with injury.
//! `cases / 46,000` national years of cases are generated, ending at [`Config::until`].
//!
//! ```no_run
//! # async fn demo(store: &pledge_store::AnyStore) -> Result<(), pledge_synth::Error> {
//! use pledge_synth::{Config, Generator};
//! let config = Config::for_forces(&["HIOW"], 2_000, 7)?;
//! let generator = std::sync::Arc::new(Generator::new(config)?);
//! let written = generator.write(store, 500, |_| {}).await?;
//! println!("{} cases", written.cases);
//! # Ok(()) }
//! ```

mod case;
mod history;
mod org;
mod pick;

pub use org::{FORCES, ForceSpec, Org, force_index};

use case::{Ctx, Header, OUTCOMES};
use jiff::Timestamp;
use pick::{Weighted, mix};
use pledge_domain::calendar::Calendar;
use pledge_domain::{Case, Clocks, Event, Meetings, Plan, PlanLibrary};
use pledge_store::notify::Outbox;
use pledge_store::{
    AccessAction, AccessEntry, Append, CaseId, Hash, Store, StoreError, projection,
};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::collections::HashMap;
use std::sync::Arc;

/// What went wrong while generating or storing synthetic data.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A bad configuration, or data that cannot be built.
    #[error("{0}")]
    Config(String),
    /// The domain refused a generated event: a defect in the generator.
    #[error("case {case}: event {index} ({event}) was refused: {refusal}")]
    Refused {
        /// The case.
        case: String,
        /// 0-based position of the event.
        index: usize,
        /// Its type.
        event: &'static str,
        /// Why.
        refusal: pledge_domain::Refusal,
    },
    /// The store failed.
    #[error("the store failed: {0}")]
    Store(#[from] StoreError),
    /// The generating thread stopped unexpectedly.
    #[error("the generator thread stopped: {0}")]
    Thread(String),
}

/// The result type of this crate.
pub type Result<T> = std::result::Result<T, Error>;

/// Assaults on police recorded in England and Wales in a year (45,907 in the year to March
/// 2024, rounded).
pub const NATIONAL_PER_YEAR: f64 = 46_000.0;

/// The default end of the generated period: 1 April 2026, so ten national years of cases
/// cover the Home Office years 2016/17 to 2025/26. A fixed date keeps a seed's data the same
/// whenever it is generated.
pub const DEFAULT_UNTIL: &str = "2026-04-01T00:00:00Z";

/// What to generate.
#[derive(Debug, Clone)]
pub struct Config {
    /// How many cases.
    pub cases: u64,
    /// The seed: the same seed gives the same data.
    pub seed: u64,
    /// The end of the generated period; events after it have not happened yet, so recent
    /// cases are still open.
    pub until: Timestamp,
    /// Indices into [`FORCES`] of the forces to generate.
    pub forces: Vec<usize>,
}

impl Config {
    /// Every force, ending at [`DEFAULT_UNTIL`].
    pub fn national(cases: u64, seed: u64) -> Result<Self> {
        Ok(Self {
            cases,
            seed,
            until: default_until()?,
            forces: (0..FORCES.len()).collect(),
        })
    }

    /// Only the forces with these codes (see [`FORCES`]), ending at [`DEFAULT_UNTIL`]; for a
    /// demonstration of one force, pass one code and set [`Config::until`] to today.
    pub fn for_forces(codes: &[&str], cases: u64, seed: u64) -> Result<Self> {
        let forces = codes
            .iter()
            .map(|c| {
                force_index(c).ok_or_else(|| {
                    Error::Config(format!(
                        "unknown force code \"{c}\"; known codes: {}",
                        FORCES.iter().map(|f| f.code).collect::<Vec<_>>().join(", ")
                    ))
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(Self {
            cases,
            seed,
            until: default_until()?,
            forces,
        })
    }
}

fn default_until() -> Result<Timestamp> {
    DEFAULT_UNTIL
        .parse()
        .map_err(|e| Error::Config(format!("{DEFAULT_UNTIL}: {e}")))
}

/// Assaults by hour of the day (late evenings and nights are busiest).
const HOURS: [f64; 24] = [
    6.0, 5.5, 4.5, 3.5, 2.5, 1.5, 1.0, 1.0, 1.5, 2.0, 2.5, 3.0, 3.0, 3.5, 4.0, 4.5, 5.0, 5.5, 6.0,
    6.5, 7.0, 7.5, 7.5, 7.0,
];

/// Generates an organisation and its cases from a [`Config`].
pub struct Generator {
    config: Config,
    org: Org,
    plans: PlanLibrary,
    calendar: Calendar,
    meetings: Meetings,
    force_weights: Weighted,
    hours: Weighted,
    outcomes: Weighted,
    start: i64,
    until: i64,
}

impl std::fmt::Debug for Generator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Generator")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

/// What [`Generator::write`] stored.
#[derive(Debug, Clone, Default)]
pub struct Written {
    /// Cases.
    pub cases: u64,
    /// Events.
    pub events: u64,
    /// People.
    pub people: u64,
    /// Units.
    pub units: u64,
    /// Meeting dates.
    pub meetings: u64,
    /// Headcount rows.
    pub headcounts: u64,
    /// The event log's head hash after the last batch.
    pub head: Option<Hash>,
}

/// Progress of [`Generator::write`].
#[derive(Debug, Clone, Copy)]
pub struct Progress {
    /// Cases stored so far.
    pub cases: u64,
    /// Cases to store.
    pub total: u64,
}

impl Generator {
    /// Builds the organisation and prepares to generate the cases.
    pub fn new(config: Config) -> Result<Self> {
        if config.forces.is_empty() {
            return Err(Error::Config("choose at least one force".into()));
        }
        if let Some(bad) = config.forces.iter().find(|f| **f >= FORCES.len()) {
            return Err(Error::Config(format!("no force number {bad}")));
        }
        let plans = PlanLibrary::builtin()
            .map_err(|e| Error::Config(format!("a built-in plan failed to load: {e}")))?;
        let calendar = Calendar::uk();
        let officers: f64 = config
            .forces
            .iter()
            .map(|f| f64::from(FORCES[*f].officers))
            .sum();
        let national: f64 = FORCES.iter().map(|f| f64::from(f.officers)).sum();
        // The chosen forces' share of the national figure, by officer headcount.
        let per_year = NATIONAL_PER_YEAR * officers / national;
        let span = (config.cases as f64 / per_year * 365.25 * 86_400.0).max(86_400.0) as i64;
        let until = config.until.as_second();
        let start = until - span;
        let from = Timestamp::from_second(start)
            .map_err(|e| Error::Config(format!("too many cases for the period: {e}")))?;
        let trm_plans: Vec<&str> = plans
            .iter()
            .filter(|p| p.meetings.iter().any(|m| m.id == "trm"))
            .map(|p| p.id.as_str())
            .collect();
        let org = org::build(
            config.seed,
            &config.forces,
            from,
            config.until,
            &calendar,
            &trm_plans,
        )?;
        let force_weights = Weighted::new(
            &org.forces
                .iter()
                .map(|f| f64::from(f.spec.officers))
                .collect::<Vec<_>>(),
        );
        Ok(Self {
            config,
            org,
            plans,
            calendar,
            meetings: Meetings::default(),
            force_weights,
            hours: Weighted::new(&HOURS),
            outcomes: Weighted::new(&OUTCOMES.map(|(_, w)| w)),
            start,
            until,
        })
    }

    /// The organisation data.
    pub fn org(&self) -> &Org {
        &self.org
    }

    /// The configuration.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The generated period: from the first report to [`Config::until`].
    pub fn period(&self) -> (Timestamp, Timestamp) {
        (
            Timestamp::from_second(self.start).unwrap_or(Timestamp::MIN),
            self.config.until,
        )
    }

    /// Every case in report order, as an append that opens it with all its events (recorded
    /// through the plan's rules) and its read models.
    pub fn cases(&self) -> impl Iterator<Item = Result<Append>> + '_ {
        let mut rng = ChaCha8Rng::seed_from_u64(mix(self.config.seed, 0x6865_6164));
        let mut counters: HashMap<(usize, i16), u32> = HashMap::new();
        let n = self.config.cases;
        let span = (self.until - self.start) as f64;
        (0..n).map(move |i| {
            let u: f64 = rng.random_range(0.0..1.0);
            let t = self.start + (span * (i as f64 + u) / n as f64) as i64;
            let day = t.div_euclid(86_400) * 86_400;
            let hour = self.hours.pick(&mut rng).unwrap_or(0) as i64;
            let reported =
                (day + hour * 3_600 + rng.random_range(0..3_600)).clamp(self.start, self.until);
            let force = self.force_weights.pick(&mut rng).unwrap_or(0);
            let division = self.org.forces[force]
                .division_weights
                .pick(&mut rng)
                .unwrap_or(0);
            let at = Timestamp::from_second(reported)
                .map_err(|e| Error::Config(format!("report time: {e}")))?;
            let year = self.calendar.local_date(at).year();
            let seq = counters.entry((force, year)).or_insert(0);
            *seq += 1;
            let header = Header {
                index: i,
                id: format!("{}-{year}-{:05}", self.org.forces[force].spec.code, seq),
                force,
                division,
                reported,
                year,
            };
            self.append(&header)
        })
    }

    /// One case: generated, recorded through the domain, projected.
    fn append(&self, h: &Header) -> Result<Append> {
        let ctx = Ctx {
            seed: self.config.seed,
            org: &self.org,
            calendar: &self.calendar,
            until: self.until,
            outcomes: &self.outcomes,
        };
        let events = case::generate(&ctx, h)?;
        let spec = &self.org.forces[h.force].spec;
        let plan = self
            .plans
            .get(spec.plan, 1)
            .ok_or_else(|| Error::Config(format!("no built-in plan {}", spec.plan)))?;
        let case_id = CaseId::parse(&h.id).map_err(Error::Config)?;
        let clocks = Clocks {
            calendar: &self.calendar,
            meetings: &self.meetings,
        };
        let case = self.record(h, plan, events)?;
        let mut projection = projection::project(&case_id, plan, case.state(), &clocks)
            .ok_or_else(|| Error::Config(format!("case {} has no report", h.id)))?;
        // The escalation sweep ran while the case was written: its events go into the
        // history (recorded through the rules like the rest) and its keys with the append.
        let recorded_at = case
            .events()
            .first()
            .map(|e| e.at)
            .ok_or_else(|| Error::Config(format!("case {} has no events", h.id)))?;
        let swept = history::decided(
            plan,
            &projection.obligations,
            recorded_at,
            case.state().closed_at(),
            self.config.until,
        );
        let case = if swept.events.is_empty() {
            case
        } else {
            let merged = history::merge(case.events().to_vec(), swept.events);
            let case = self.record(h, plan, merged)?;
            projection = projection::project(&case_id, plan, case.state(), &clocks)
                .ok_or_else(|| Error::Config(format!("case {} has no report", h.id)))?;
            case
        };
        let events = case.events().to_vec();
        let (first, last) = match (events.first(), events.last()) {
            (Some(f), Some(l)) => (f, l),
            _ => return Err(Error::Config(format!("case {} has no events", h.id))),
        };
        Ok(Append {
            idempotency: None,
            // Keys only: the notifications of the past were delivered long ago.
            notify: (!swept.keys.is_empty()).then(|| Outbox {
                notifications: Vec::new(),
                escalations: swept.keys,
            }),
            access: AccessEntry {
                at: last.at,
                actor: first.by.to_string(),
                action: AccessAction::Collect,
                case_id: Some(case_id.clone()),
                what: format!("events 1 to {}", events.len()),
                justification: "synthetic data (pledge generate)".to_owned(),
            },
            case_id,
            expected_version: 0,
            events,
            projection,
        })
    }

    /// Records a case's events through the domain (the plan's rules apply).
    fn record<'p>(&self, h: &Header, plan: &'p Plan, events: Vec<Event>) -> Result<Case<'p>> {
        let mut case = Case::new(plan);
        for (index, e) in events.into_iter().enumerate() {
            let event = e.event_type().as_str();
            case.record(e).map_err(|refusal| Error::Refused {
                case: h.id.clone(),
                index,
                event,
                refusal,
            })?;
        }
        Ok(case)
    }

    /// Stores the organisation data, then every case in batches of `batch` cases (one
    /// transaction each, [`Store::append_batch`]); cases are generated on a thread of their
    /// own while the store writes. Calls `progress` after each batch.
    pub async fn write<S: Store>(
        self: &Arc<Self>,
        store: &S,
        batch: usize,
        mut progress: impl FnMut(Progress),
    ) -> Result<Written> {
        let batch = batch.max(1);
        let (tx, mut rx) = tokio::sync::mpsc::channel::<Result<Vec<Append>>>(4);
        let generator = Arc::clone(self);
        let worker = std::thread::Builder::new()
            .name("pledge-synth".into())
            .spawn(move || {
                let mut chunk = Vec::with_capacity(batch);
                for append in generator.cases() {
                    let failed = append.is_err();
                    match append {
                        Ok(a) => chunk.push(a),
                        Err(e) => {
                            let _ = tx.blocking_send(Err(e));
                        }
                    }
                    if failed {
                        return;
                    }
                    if chunk.len() == batch {
                        let full = std::mem::replace(&mut chunk, Vec::with_capacity(batch));
                        if tx.blocking_send(Ok(full)).is_err() {
                            return;
                        }
                    }
                }
                if !chunk.is_empty() {
                    let _ = tx.blocking_send(Ok(chunk));
                }
            })
            .map_err(|e| Error::Thread(format!("cannot start: {e}")))?;

        let mut written = self.write_org(store).await?;
        let total = self.config.cases;
        while let Some(next) = rx.recv().await {
            let appends = next?;
            written.cases += appends.len() as u64;
            written.events += appends.iter().map(|a| a.events.len() as u64).sum::<u64>();
            if let Some(done) = store.append_batch(appends).await? {
                written.head = Some(done.head);
            }
            progress(Progress {
                cases: written.cases,
                total,
            });
        }
        worker
            .join()
            .map_err(|_| Error::Thread("the generator thread panicked".into()))?;
        if written.cases != total {
            return Err(Error::Thread(format!(
                "{} of {total} cases were generated",
                written.cases
            )));
        }
        Ok(written)
    }

    /// Stores units, people, meeting dates and headcounts.
    pub async fn write_org<S: Store>(&self, store: &S) -> Result<Written> {
        let org = &self.org;
        for u in &org.units {
            store.upsert_unit(u).await?;
        }
        for p in &org.people {
            store.upsert_person(p).await?;
        }
        for m in &org.meetings {
            store.add_meeting(m).await?;
        }
        for h in &org.headcounts {
            store.set_headcount(h).await?;
        }
        Ok(Written {
            units: org.units.len() as u64,
            people: org.people.len() as u64,
            meetings: org.meetings.len() as u64,
            headcounts: org.headcounts.len() as u64,
            ..Written::default()
        })
    }
}
