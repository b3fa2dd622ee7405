//! `pledge evaluate CASE.json`: every obligation's state at a moment.

use crate::words;
use anyhow::{Context, bail};
use jiff::Timestamp;
use pledge_domain::calendar::Calendar;
use pledge_domain::evaluate::{EvaluationView, Pending, State};
use pledge_domain::{Case, CaseFile, CaseState, Clocks, EventKind, Meetings, evaluate};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

/// Case files larger than this are refused: a case is a few hundred events at most.
const MAX_CASE_BYTES: u64 = 16 << 20;

/// Arguments.
#[derive(clap::Args)]
pub struct Args {
    /// The case file (JSON, see docs/events.md).
    case: PathBuf,
    /// Evaluate against this plan (`ID`, `ID@VERSION` or a plan file) instead of the one the
    /// case opened under: a backtest. That plan's rules are not re-applied to past events.
    #[arg(long)]
    plan: Option<String>,
    /// A force's own plan file (repeatable): added to the built-in plans, so a case opened
    /// under a version that is not built in can be evaluated under it.
    #[arg(long = "plan-file", value_name = "FILE")]
    plan_files: Vec<PathBuf>,
    /// The moment to evaluate at: RFC 3339 (`2026-11-23T09:00:00Z`), or London local time
    /// (`2026-11-23T09:00`, `2026-11-23`). Events after it are ignored. Default: now.
    #[arg(long)]
    at: Option<String>,
    /// Meeting dates for plans that use them, e.g. `--meeting trm=2026-11-30T10:00`.
    #[arg(long = "meeting", value_name = "ID=TIME")]
    meetings: Vec<String>,
    /// Print the evaluation as JSON (format `pledge-evaluation/1`, see docs/events.md).
    #[arg(long)]
    json: bool,
    /// A calendar file of bank holidays proclaimed or moved since this release (see
    /// docs/operations.md).
    #[arg(long)]
    calendar: Option<PathBuf>,
}

/// The UK calendar, with an administrator's calendar file applied when one is given.
pub fn load_calendar(path: Option<&std::path::Path>) -> anyhow::Result<Calendar> {
    let Some(path) = path else {
        return Ok(Calendar::uk());
    };
    let text = super::read_limited(path, pledge_domain::calendar::MAX_CALENDAR_BYTES as u64)
        .context("--calendar")?;
    let changes =
        pledge_domain::calendar::CalendarChanges::parse(&path.display().to_string(), &text)
            .map_err(|e| anyhow::anyhow!("--calendar: {e}"))?;
    Ok(Calendar::uk_with(changes))
}

/// Parses a moment: RFC 3339, or a London civil date-time or date.
pub fn parse_moment(s: &str) -> anyhow::Result<Timestamp> {
    if let Ok(t) = s.parse::<Timestamp>() {
        return Ok(t);
    }
    let tz = jiff::tz::TimeZone::get("Europe/London").context("the Europe/London time zone")?;
    if let Ok(dt) = s.parse::<jiff::civil::DateTime>() {
        return Ok(dt.to_zoned(tz)?.timestamp());
    }
    if let Ok(d) = s.parse::<jiff::civil::Date>() {
        return Ok(d.to_zoned(tz)?.timestamp());
    }
    bail!(
        "cannot read the time \"{s}\"; use e.g. 2026-11-23T09:00:00Z, 2026-11-23T09:00 (London) or 2026-11-23"
    )
}

/// Evaluates and prints.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let mut lib = super::library()?;
    for path in &args.plan_files {
        let text = super::read_limited(path, pledge_domain::plan::MAX_PLAN_BYTES as u64)
            .context("--plan-file")?;
        let plan = pledge_domain::load_plan(&path.display().to_string(), &text)
            .context("--plan-file: the plan file has problems")?;
        lib.add(plan)
            .map_err(|e| anyhow::anyhow!("--plan-file {}: {e}", path.display()))?;
    }
    let text = super::read_limited(&args.case, MAX_CASE_BYTES)?;
    let file =
        CaseFile::from_json(&text).map_err(|e| anyhow::anyhow!("{}: {e}", args.case.display()))?;
    let at = match &args.at {
        Some(s) => parse_moment(s).context("--at")?,
        None => Timestamp::now(),
    };
    let Some(EventKind::AssaultReported {
        plan: opened_under, ..
    }) = file.events.first().map(|e| &e.kind)
    else {
        bail!(
            "{}: events[0]: a case opens with assault_reported",
            args.case.display()
        );
    };
    let own = lib
        .get(&opened_under.id, opened_under.version)
        .with_context(|| {
            format!(
                "the case opened under plan {}@{}, which is not a built-in plan; give its file with --plan-file",
                opened_under.id, opened_under.version
            )
        })?;
    // Events are checked against the rules of the plan they were recorded under.
    let case = Case::replay(own, file.events.iter().cloned()).map_err(|(i, refusal)| {
        anyhow::anyhow!(
            "{}: events[{i}] would not have been accepted: {refusal}",
            args.case.display()
        )
    })?;
    let loaded;
    let plan = match &args.plan {
        None => own,
        Some(spec) if std::path::Path::new(spec).is_file() => {
            let text =
                super::read_limited(spec.as_ref(), pledge_domain::plan::MAX_PLAN_BYTES as u64)?;
            loaded = pledge_domain::load_plan(spec, &text)
                .context("--plan: the plan file has problems")?;
            &loaded
        }
        Some(spec) => {
            let (id, version) = match spec.split_once('@') {
                Some((id, v)) => (
                    id,
                    Some(
                        v.parse::<u32>()
                            .with_context(|| format!("--plan: \"{v}\" is not a version number"))?,
                    ),
                ),
                None => (spec.as_str(), None),
            };
            match version {
                Some(v) => lib.get(id, v),
                None => lib.latest(id),
            }
            .with_context(|| format!("--plan: no plan \"{spec}\" and no such file"))?
        }
    };
    let state = CaseState::from_events(case.events().iter().filter(|e| e.at <= at));
    let mut meetings = Meetings::default();
    for m in &args.meetings {
        let (id, when) = m
            .split_once('=')
            .with_context(|| format!("--meeting \"{m}\": expected ID=TIME"))?;
        meetings.add(
            id,
            [parse_moment(when).with_context(|| format!("--meeting {id}"))?],
        );
    }
    let calendar = load_calendar(args.calendar.as_deref())?;
    let clocks = Clocks {
        calendar: &calendar,
        meetings: &meetings,
    };
    let evaluation = evaluate(plan, &state, at, &clocks);
    let view = EvaluationView::new(plan, &state, at, &evaluation);
    let mut out = std::io::stdout().lock();
    let printed = if args.json {
        let text = serde_json::to_string_pretty(&view)?;
        writeln!(out, "{text}")
    } else {
        print_table(&mut out, &file.case_id, &view, at)
    };
    words::printed(printed.and_then(|()| out.flush()), ExitCode::SUCCESS)
}

fn print_table(
    out: &mut impl Write,
    case_id: &str,
    view: &EvaluationView,
    at: Timestamp,
) -> std::io::Result<()> {
    writeln!(
        out,
        "Case {case_id} under {} at {}",
        view.plan,
        words::local(at)
    )?;
    for p in &view.points {
        writeln!(out)?;
        writeln!(
            out,
            "Point {}. {} — {}",
            p.number,
            p.title,
            p.verdict.label()
        )?;
        for o in &p.obligations {
            let instance = if o.instance > 0 {
                format!(" #{}", o.instance)
            } else {
                String::new()
            };
            let when = describe(o, at);
            writeln!(out, "  {:<15} {}{instance}", o.state.label(), o.title)?;
            let owner = match &o.owner_person {
                Some(p) => format!("{} ({p})", words::role(o.owner)),
                None => words::role(o.owner),
            };
            writeln!(out, "  {:<15} owner: {owner}; {when}", "")?;
            if let Some(why) = &o.deadline_because {
                writeln!(out, "  {:<15} deadline {}: {why}", "", o.deadline)?;
            }
        }
    }
    Ok(())
}

/// A due time in words. A working-day deadline ends at local midnight, which reads as the
/// next day at 00:00 ("due Wed 30 Dec 00:00"); say the day it really ends instead: "by the
/// end of Tue 29 Dec 2026".
fn due_words(due: Timestamp) -> String {
    let Ok(tz) = jiff::tz::TimeZone::get("Europe/London") else {
        return words::local(due);
    };
    let local = due.to_zoned(tz);
    if local.time() == jiff::civil::Time::midnight()
        && let Ok(day_before) = local.date().yesterday()
    {
        return format!("by the end of {}", day_before.strftime("%a %d %b %Y"));
    }
    words::local(due)
}

fn describe(o: &pledge_domain::evaluate::ObligationView, at: Timestamp) -> String {
    match o.state {
        State::NotApplicable => o.not_applicable_because.clone().unwrap_or_default(),
        State::Waived => o
            .waiver
            .as_ref()
            .map(|w| format!("waived by {} on {}: {}", w.by, words::local(w.at), w.reason))
            .unwrap_or_default(),
        State::MetOnTime | State::MetLate => {
            let done = o.completed_at.map(words::local).unwrap_or_default();
            match o.due_at {
                Some(due) => format!("done {done}, due {}", due_words(due)),
                None => format!("done {done}"),
            }
        }
        State::Overdue => match o.due_at {
            Some(due) => format!(
                "due {}, overdue by {}",
                due_words(due),
                words::span(at.duration_since(due).as_secs())
            ),
            None => "overdue".into(),
        },
        State::NotYetDue | State::DueSoon => match (o.due_at, o.pending) {
            (Some(due), _) => format!(
                "due {} (in {})",
                due_words(due),
                words::span(due.duration_since(at).as_secs())
            ),
            (None, Pending::ClockNotStarted(e)) => {
                format!("clock starts at {}", e.as_str().replace('_', " "))
            }
            (None, Pending::BeforeStep) => format!("due {}", o.deadline),
            (None, Pending::NoMeetingScheduled) => format!("{}: no meeting scheduled", o.deadline),
            (None, _) => "no clock: recorded when it happens".into(),
        },
    }
}
