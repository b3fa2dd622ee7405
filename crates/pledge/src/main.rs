//! The `pledge` command: the service, the demo, plans, evaluation, imports, reports and the
//! store. `--help` opens with the crate's description (Cargo.toml).

mod cmd;
mod words;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// Pledge: Operation Hampshire as software.
#[derive(Parser)]
#[command(name = "pledge", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Start a ready-to-explore Pledge: a demo force on an embedded SQLite database, served
    /// with the address and sign-ins printed.
    Demo(cmd::demo::Args),
    /// Run the web service (JSON API and pages).
    Serve(cmd::serve::Args),
    /// Run the escalation sweep and notification delivery without serving HTTP (any number
    /// of workers and servers may share one PostgreSQL database).
    Worker(Box<cmd::worker::Args>),
    /// Work with plans: list, show, check, diff.
    #[command(subcommand)]
    Plan(PlanCommand),
    /// Evaluate a case file against its plan: every obligation's state at a moment.
    Evaluate(cmd::evaluate::Args),
    /// What a change of plan would have done: re-evaluate a force's stored cases of a period
    /// under a plan version or a draft plan file, compared with the plan each is held to.
    Backtest(Box<cmd::backtest::Args>),
    /// Apply the database migrations (also done at start-up by every store command).
    Migrate(cmd::StoreArgs),
    /// Walk the tamper-evident logs and report every edited, deleted, inserted or reordered entry.
    Verify(cmd::verify::Args),
    /// Recompute every read model from the events.
    Rebuild(cmd::StoreArgs),
    /// Copy a SQLite database while it is in use (PostgreSQL: use pg_dump, see docs/operations.md).
    Backup(cmd::backup::Args),
    /// Restore a SQLite database from a backup file (with the server stopped).
    Restore(cmd::restore::Args),
    /// Cases past their retention review date, and disposal of one.
    #[command(subcommand)]
    Retention(cmd::retention::Command),
    /// The scrutiny panel's pack for a force and period: html, csv, json or pdf.
    Report(cmd::report::Args),
    /// Export a force's anonymised, suppressed aggregate for the national picture.
    #[command(subcommand)]
    Export(cmd::export_national::Command),
    /// The national picture: merge force exports.
    #[command(subcommand)]
    National(cmd::national_merge::Command),
    /// Fill a store with realistic synthetic cases (deterministic for a seed).
    Generate(cmd::generate::Args),
    /// Append single-event commands until killed, printing each acknowledged append (crash test).
    #[command(hide = true)]
    StressAppend(cmd::stress_append::Args),
    /// Accounts: add a person's account (prints a one-time password).
    #[command(subcommand)]
    User(cmd::user_add::Command),
    /// API tokens for force systems: create (printed once) and revoke.
    #[command(subcommand)]
    Token(cmd::token::Command),
    /// Import a force's people and units (HR export) or crime records (CSV; docs/imports.md).
    #[command(subcommand)]
    Import(cmd::import::Command),
}

#[derive(Subcommand)]
enum PlanCommand {
    /// List the built-in plans.
    List,
    /// Show a plan in plain words, point by point.
    Show(cmd::plan_show::Args),
    /// Check plan files; exits non-zero and lists every problem when one is wrong.
    Check(cmd::plan_check::Args),
    /// What changes, point by point, from one plan (version) to another.
    Diff(cmd::plan_diff::Args),
    /// Install a force's own plan version in the database and put it in force from a day.
    Install(cmd::plan_install::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Demo(args) => cmd::run_async(cmd::demo::run(args)),
        Command::Serve(args) => cmd::run_async(cmd::serve::run(args)),
        Command::Worker(args) => cmd::run_async(cmd::worker::run(*args)),
        Command::Plan(PlanCommand::List) => cmd::plan_list::run(),
        Command::Plan(PlanCommand::Show(args)) => cmd::plan_show::run(args),
        Command::Plan(PlanCommand::Check(args)) => cmd::plan_check::run(args),
        Command::Plan(PlanCommand::Diff(args)) => cmd::plan_diff::run(args),
        Command::Plan(PlanCommand::Install(args)) => cmd::run_async(cmd::plan_install::run(args)),
        Command::Evaluate(args) => cmd::evaluate::run(args),
        Command::Backtest(args) => cmd::run_async(cmd::backtest::run(*args)),
        Command::Migrate(args) => cmd::run_async(cmd::migrate::run(args)),
        Command::Verify(args) => cmd::run_async(cmd::verify::run(args)),
        Command::Rebuild(args) => cmd::run_async(cmd::rebuild::run(args)),
        Command::Backup(args) => cmd::run_async(cmd::backup::run(args)),
        Command::Restore(args) => cmd::restore::run(args),
        Command::Retention(c) => cmd::run_async(cmd::retention::run(c)),
        Command::Report(args) => cmd::run_async(cmd::report::run(args)),
        Command::Export(c) => cmd::run_async(cmd::export_national::run(c)),
        Command::National(c) => cmd::national_merge::run(c),
        Command::Generate(args) => cmd::run_async(cmd::generate::run(args)),
        Command::StressAppend(args) => cmd::run_async(cmd::stress_append::run(args)),
        Command::User(c) => cmd::run_async(cmd::user_add::run_command(c)),
        Command::Token(c) => cmd::run_async(cmd::token::run(c)),
        Command::Import(c) => cmd::run_async(cmd::import::run(c)),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("pledge: {e:#}");
            ExitCode::from(2)
        }
    }
}
