//! `pledge stress-append` (hidden): appends single-event commands as fast as it can and
//! prints one line per acknowledged append, for the crash test (kill it at any moment; every
//! line printed must be in the store afterwards) and for measuring append throughput.

use anyhow::Context;
use jiff::{SignedDuration, Timestamp};
use pledge_domain::event::values::*;
use pledge_domain::{Case, Clocks, Event, EventKind};
use pledge_store::{AccessAction, AccessEntry, Append, CaseId, Store};
use std::io::Write;
use std::process::ExitCode;

/// Arguments.
#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    store: super::StoreArgs,
    /// Stop after this many appends (default: run until killed).
    #[arg(long)]
    count: Option<u64>,
    /// Open a new case after this many events in one case.
    #[arg(long, default_value_t = 50)]
    events_per_case: u64,
}

fn person(id: &str) -> anyhow::Result<PersonId> {
    PersonId::parse(id).map_err(anyhow::Error::msg)
}

/// The opening report of a stress case.
fn report(at: Timestamp) -> anyhow::Result<Event> {
    Ok(Event {
        at,
        by: person("PS-1")?,
        kind: EventKind::AssaultReported {
            plan: PlanRef {
                id: "op-hampshire".into(),
                version: 1,
            },
            force: "Stress Constabulary".into(),
            unit: "stress-unit".into(),
            jurisdiction: Default::default(),
            occurred_at: at - SignedDuration::from_mins(30),
            place: String::new(),
            location_type: LocationType::Street,
            how_reported: "radio".into(),
            supervisor: person("PS-1")?,
            victims: vec![Victim {
                person: person("PC-1")?,
                workforce_role: WorkforceRole::Officer,
                on_duty: true,
                years_of_service: None,
                injury: InjurySeverity::None,
                hospitalised: false,
                specified_injury: false,
                body_parts: Vec::new(),
                mechanisms: vec![Mechanism::Spit],
                enhanced_rights: false,
                previous_assaults: None,
            }],
            offence: Offence::CommonAssaultEmergencyWorker,
            hate_crime: Vec::new(),
            suspects: Vec::new(),
            circumstances: Default::default(),
            summary: String::new(),
        },
    })
}

/// Appends until killed (or `--count`), printing `CASE VERSION` per acknowledged append.
pub async fn run(args: Args) -> anyhow::Result<ExitCode> {
    let store = args.store.open().await?;
    let plans = super::library()?;
    let plan = plans
        .get("op-hampshire", 1)
        .context("the op-hampshire plan is missing")?;
    let calendar = pledge_domain::calendar::Calendar::uk();
    let meetings = pledge_domain::Meetings::default();
    let clocks = Clocks {
        calendar: &calendar,
        meetings: &meetings,
    };
    // A run of its own: case ids never collide with an earlier (killed) run.
    let run_id = format!(
        "{}{:09}",
        Timestamp::now().as_second(),
        Timestamp::now().subsec_nanosecond()
    );
    let base: Timestamp = "2026-01-05T09:00:00Z".parse()?;
    let mut out = std::io::stdout().lock();
    let (mut n, mut case_no) = (0u64, 0u64);
    let per_case = args.events_per_case.max(1);
    while args.count.is_none_or(|c| n < c) {
        case_no += 1;
        let case_id =
            CaseId::parse(&format!("S-{run_id}-{case_no}")).map_err(anyhow::Error::msg)?;
        let mut case = Case::new(plan);
        for i in 0..per_case {
            if args.count.is_some_and(|c| n >= c) {
                break;
            }
            let at = base + SignedDuration::from_mins(i as i64);
            let event = if i == 0 {
                report(at)?
            } else {
                Event {
                    at,
                    by: person("DC-1")?,
                    kind: EventKind::VictimUpdated {
                        how: "phone".into(),
                        note: String::new(),
                    },
                }
            };
            case.record(event.clone())
                .map_err(|r| anyhow::anyhow!("the plan refused a stress event: {r}"))?;
            let projection =
                pledge_store::projection::project(&case_id, plan, case.state(), &clocks)
                    .context("no projection")?;
            let done = store
                .append(Append {
                    case_id: case_id.clone(),
                    expected_version: i,
                    events: vec![event],
                    projection,
                    idempotency: None,
                    notify: None,
                    access: AccessEntry {
                        at,
                        actor: "stress".into(),
                        action: if i == 0 {
                            AccessAction::Collect
                        } else {
                            AccessAction::Alter
                        },
                        case_id: Some(case_id.clone()),
                        what: "stress append".into(),
                        justification: "crash test".into(),
                    },
                })
                .await
                .with_context(|| format!("append {} to {case_id}", i + 1))?;
            writeln!(out, "{case_id} {}", done.version)?;
            out.flush()?;
            n += 1;
        }
    }
    Ok(ExitCode::SUCCESS)
}
