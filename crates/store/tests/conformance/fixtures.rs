//! Realistic cases built with the domain: the example case files under the built-in plans,
//! replayed through `Case::replay` (so every event passes the plan's rules) and projected
//! with the UK calendar.

use anyhow::{Context, anyhow};
use jiff::Timestamp;
use pledge_domain::calendar::Calendar;
use pledge_domain::{Case, CaseFile, Clocks, Event, Meetings, PlanLibrary};
use pledge_store::{
    AccessAction, AccessEntry, Append, Appended, CaseId, Projection, Store, StoredCase, projection,
};

/// Plans and clocks.
pub struct Fixtures {
    /// The built-in plans.
    pub plans: PlanLibrary,
    /// UK working days.
    pub calendar: Calendar,
    /// No meetings.
    pub meetings: Meetings,
}

/// A case and its events.
#[derive(Clone)]
pub struct TestCase {
    /// Id.
    pub id: CaseId,
    /// Events in order.
    pub events: Vec<Event>,
}

/// The example files shipped with Pledge.
pub const EXAMPLES: [&str; 3] = [
    "op-hampshire-hospitalised",
    "west-midlands-hate-crime",
    "btp-railway-spit",
];

impl Fixtures {
    /// Loads the built-in plans.
    pub fn new() -> anyhow::Result<Self> {
        Ok(Self {
            plans: PlanLibrary::builtin()?,
            calendar: Calendar::uk(),
            meetings: Meetings::default(),
        })
    }

    /// An example case file.
    pub fn example(name: &str) -> anyhow::Result<CaseFile> {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../examples")
            .join(format!("{name}.json"));
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("reading {}", path.display()))?;
        CaseFile::from_json(&text).map_err(|e| anyhow!("{}: {e}", path.display()))
    }

    /// A case from an example under another id, cut to its first `n` events.
    pub fn case(&self, example: &str, id: &str, n: usize) -> anyhow::Result<TestCase> {
        let file = Self::example(example)?;
        let events: Vec<Event> = file.events.into_iter().take(n).collect();
        self.check(&events)?;
        Ok(TestCase {
            id: CaseId::parse(id).map_err(anyhow::Error::msg)?,
            events,
        })
    }

    /// Checks events pass the plan's rules.
    pub fn check(&self, events: &[Event]) -> anyhow::Result<()> {
        let state = pledge_domain::CaseState::from_events(events);
        let plan_ref = &state.report().context("no report")?.plan;
        let plan = self
            .plans
            .get(&plan_ref.id, plan_ref.version)
            .context("unknown plan")?;
        Case::replay(plan, events.iter().cloned())
            .map_err(|(i, r)| anyhow!("event {i} refused: {r:?}"))?;
        Ok(())
    }

    /// The corpus most tests use: every example whole and cut short at several points (so
    /// some obligations are open, some met), under distinct ids.
    pub fn corpus(&self) -> anyhow::Result<Vec<TestCase>> {
        let mut out = Vec::new();
        for (i, example) in EXAMPLES.iter().enumerate() {
            let total = Self::example(example)?.events.len();
            for n in [1, 2, 4, 7, total] {
                out.push(self.case(example, &format!("T{i}-{n:02}"), n.min(total))?);
            }
        }
        Ok(out)
    }

    /// The read models of a case after `events`.
    pub fn project(&self, id: &CaseId, events: &[Event]) -> anyhow::Result<Projection> {
        let state = pledge_domain::CaseState::from_events(events);
        let plan_ref = &state.report().context("no report")?.plan;
        let plan = self
            .plans
            .get(&plan_ref.id, plan_ref.version)
            .context("unknown plan")?;
        let clocks = Clocks {
            calendar: &self.calendar,
            meetings: &self.meetings,
        };
        projection::project(id, plan, &state, &clocks).context("no projection")
    }

    /// The projector `rebuild` uses.
    pub fn projector(&self) -> impl Fn(&StoredCase) -> Option<Projection> + '_ {
        move |case| self.project(&case.case_id, &case.events).ok()
    }

    /// Appends carrying `events[from..to]` of a case that has `from` events.
    pub fn append(&self, case: &TestCase, from: usize, to: usize) -> anyhow::Result<Append> {
        let last = case.events[to - 1].clone();
        Ok(Append {
            case_id: case.id.clone(),
            expected_version: from as u64,
            events: case.events[from..to].to_vec(),
            projection: self.project(&case.id, &case.events[..to])?,
            idempotency: None,
            notify: None,
            access: AccessEntry {
                at: last.at,
                actor: last.by.to_string(),
                action: if from == 0 {
                    AccessAction::Collect
                } else {
                    AccessAction::Alter
                },
                case_id: Some(case.id.clone()),
                what: format!("events {} to {}", from + 1, to),
                justification: "recording the case".into(),
            },
        })
    }

    /// Writes a case in appends of at most `chunk` events; returns the last acknowledgement.
    pub async fn write<S: Store>(
        &self,
        s: &S,
        case: &TestCase,
        chunk: usize,
    ) -> anyhow::Result<Appended> {
        let mut from = 0;
        let mut last = None;
        while from < case.events.len() {
            let to = (from + chunk).min(case.events.len());
            last = Some(s.append(self.append(case, from, to)?).await?);
            from = to;
        }
        last.context("a case with no events")
    }

    /// Writes the corpus (in appends of 3 events).
    pub async fn write_corpus<S: Store>(&self, s: &S) -> anyhow::Result<Vec<TestCase>> {
        let corpus = self.corpus()?;
        for c in &corpus {
            self.write(s, c, 3).await?;
        }
        Ok(corpus)
    }
}

/// A case id.
pub fn id(s: &str) -> CaseId {
    CaseId::parse(s).unwrap_or_else(|e| panic!("bad case id: {e}"))
}

/// A time from RFC 3339.
pub fn at(s: &str) -> Timestamp {
    s.parse().unwrap_or_else(|e| panic!("bad time {s}: {e}"))
}

/// An access entry.
pub fn access(actor: &str, action: AccessAction, case: Option<&CaseId>, t: &str) -> AccessEntry {
    AccessEntry {
        at: at(t),
        actor: actor.into(),
        action,
        case_id: case.cloned(),
        what: "case page".into(),
        justification: "supervising the investigation".into(),
    }
}

/// An event from JSON.
pub fn event(json: serde_json::Value) -> Event {
    serde_json::from_value(json).unwrap_or_else(|e| panic!("bad event: {e}"))
}
