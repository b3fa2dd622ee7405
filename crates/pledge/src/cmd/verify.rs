//! `pledge verify`: the two hash chains, published heads, disposals against the access log,
//! and the read models against read models rebuilt from the events.

use anyhow::Context;
use pledge_domain::plan::Deadline;
use pledge_domain::{CaseState, Clocks, Meetings, Plan, PlanLibrary};
use pledge_store::integrity::Expected;
use pledge_store::{ExpectedHead, MeetingDate, PlanStore, Store, StoredCase, VerifyOptions};
use std::collections::HashMap;
use std::process::ExitCode;

/// Arguments.
#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    store: super::StoreArgs,
    /// Print the report as JSON.
    #[arg(long)]
    json: bool,
    /// A head of the event log published earlier (`SEQ:HASH` as `pledge serve` logs it, or
    /// the hash alone). It must still be in the log at that position; events appended since
    /// are fine. Repeatable.
    #[arg(long = "expect-head", value_name = "SEQ:HASH", value_parser = parse_head)]
    expect_heads: Vec<ExpectedHead>,
    /// A head of the access log published earlier (`SEQ:HASH`), checked the same way.
    #[arg(long = "expect-access-head", value_name = "SEQ:HASH", value_parser = parse_head)]
    expect_access_heads: Vec<ExpectedHead>,
    /// Skip rebuilding the read models from the events and comparing them with the stored
    /// rows (the chains are still walked).
    #[arg(long)]
    skip_read_models: bool,
}

fn parse_head(s: &str) -> Result<ExpectedHead, String> {
    ExpectedHead::parse(s)
}

/// Walks both chains and compares the read models; exits 1 when anything is wrong.
pub async fn run(args: Args) -> anyhow::Result<ExitCode> {
    let store = args.store.open().await?;
    let mut report = store
        .verify_with(VerifyOptions {
            expect_heads: args.expect_heads,
            expect_access_heads: args.expect_access_heads,
        })
        .await?;
    // The plan register: every force's own plan versions, chained like the event log.
    let register = store
        .plan_register()
        .await
        .context("cannot read the plan register")?;
    report
        .problems
        .extend(pledge_store::verify_plan_register(&register));
    let mut cases_checked = None;
    if !args.skip_read_models {
        let projector = Projector::load(&store).await?;
        let mut bar = super::progress::CaseProgress::new("comparing read models");
        let found = pledge_store::verify_read_models_with(
            &store,
            |case| projector.expected(case),
            &mut |done, total| bar.update(done, total),
        )
        .await;
        bar.finish();
        let (checked, problems) = found?;
        cases_checked = Some(checked);
        report.problems.extend(problems);
    }
    if args.json {
        let mut json = serde_json::to_value(&report)?;
        if let Some(obj) = json.as_object_mut() {
            if let Some(n) = cases_checked {
                obj.insert("read_models_checked".into(), n.into());
            }
            obj.insert("plan_register_entries".into(), register.len().into());
        }
        println!("{}", serde_json::to_string_pretty(&json)?);
    } else {
        for p in &report.problems {
            match &p.case_id {
                Some(c) => println!(
                    "{} log: case {c} position {}: {} — {}",
                    p.log, p.position, p.kind, p.detail
                ),
                None => println!(
                    "{} log: position {}: {} — {}",
                    p.log, p.position, p.kind, p.detail
                ),
            }
        }
        println!(
            "{} events, {} access entries, {} plan register entries{} checked; {}; head {}",
            report.events,
            report.access_entries,
            register.len(),
            cases_checked
                .map(|n| format!(", the read models of {n} cases"))
                .unwrap_or_default(),
            if report.problems.is_empty() {
                "clean".to_owned()
            } else {
                format!("{} problem(s)", report.problems.len())
            },
            report.head.as_deref().unwrap_or("(empty log)")
        );
    }
    Ok(if report.problems.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// The projector of `verify` and `rebuild`: read models as the application writes them, with
/// the built-in plans, UK calendars and the meeting dates of the case's unit (loaded once;
/// meetings are organisation data, small).
pub(crate) struct Projector {
    plans: PlanLibrary,
    calendar: pledge_domain::calendar::Calendar,
    /// Meeting dates by (calendar, unit).
    meetings: HashMap<(String, String), Vec<jiff::Timestamp>>,
}

impl Projector {
    /// Loads the plans and every meeting date.
    pub(crate) async fn load(store: &impl Store) -> anyhow::Result<Self> {
        let plans = super::plan_files::library_for_store(store, &[] as &[&std::path::Path]).await?;
        let mut calendars: Vec<String> = plans
            .iter()
            .flat_map(|p| p.meetings.iter().map(|m| m.id.clone()))
            .collect();
        calendars.sort();
        calendars.dedup();
        let mut meetings: HashMap<(String, String), Vec<jiff::Timestamp>> = HashMap::new();
        for cal in &calendars {
            let dates: Vec<MeetingDate> = store
                .meetings(cal, None)
                .await
                .with_context(|| format!("reading the meeting calendar {cal}"))?;
            for d in dates {
                meetings.entry((d.calendar, d.unit)).or_default().push(d.at);
            }
        }
        Ok(Self {
            plans,
            calendar: pledge_domain::calendar::Calendar::uk(),
            meetings,
        })
    }

    /// The read models the events (and the unit's meetings) give a case, or `None` without a
    /// report or with a plan that is not loaded.
    pub(crate) fn expected(&self, case: &StoredCase) -> Option<Expected> {
        let state = CaseState::from_events(&case.events);
        let report = state.report()?;
        let plan = self.plans.get(&report.plan.id, report.plan.version)?;
        let mut meetings = Meetings::default();
        for cal in &plan.meetings {
            if let Some(dates) = self.meetings.get(&(cal.id.clone(), report.unit.clone())) {
                meetings.add(&cal.id, dates.iter().copied());
            }
        }
        let clocks = Clocks {
            calendar: &self.calendar,
            meetings: &meetings,
        };
        let projection = pledge_store::projection::project(&case.case_id, plan, &state, &clocks)?;
        Some(Expected {
            projection,
            calendar_dependent: calendar_dependent(plan),
        })
    }
}

/// Obligations whose due time follows a meeting calendar: their stored due time (and so
/// their settled status) was computed with the meetings known when the case was last written,
/// which later meeting dates can change, so the events alone do not determine it.
fn calendar_dependent(plan: &Plan) -> Vec<String> {
    fn uses_meeting(d: &Deadline) -> bool {
        match d {
            Deadline::NextMeeting(_) => true,
            Deadline::AsSoonAsPracticable(inner) => uses_meeting(inner),
            _ => false,
        }
    }
    plan.obligations
        .iter()
        .filter(|o| uses_meeting(&o.deadline) || o.deadline_if.iter().any(|(_, d)| uses_meeting(d)))
        .map(|o| o.id.clone())
        .collect()
}
