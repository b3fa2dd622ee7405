//! `pledge user add`: a person (created if missing) and their account. Prints a one-time
//! password, shown once, unless `--password-stdin` reads a chosen one from standard input.

use super::StoreArgs;
use anyhow::Context;
use pledge_app::accounts::password;
use pledge_app::accounts::{NewAccount, create_account, parse_roles};
use pledge_store::{AccountStore, Person, Store};
use std::io::BufRead;
use std::process::ExitCode;

/// `pledge user` subcommands.
#[derive(clap::Subcommand)]
pub enum Command {
    /// Add a person (if missing) and their account; prints a one-time password.
    Add(Args),
}

/// Runs a `pledge user` command.
pub async fn run_command(cmd: Command) -> anyhow::Result<ExitCode> {
    match cmd {
        Command::Add(args) => run(args).await,
    }
}

/// Arguments of `pledge user add`.
#[derive(clap::Args)]
pub struct Args {
    /// The person id (also the sign-in name), e.g. `PC-1234`.
    #[arg(long)]
    pub id: String,
    /// The person's name (used when the person record is created).
    #[arg(long)]
    pub name: String,
    /// Account roles, comma-separated: staff, supervisor, investigator, inspector,
    /// senior_leader, welfare, force_lead, analyst, administrator (`staff` is always added).
    #[arg(long = "role", value_delimiter = ',', required = true)]
    pub roles: Vec<String>,
    /// The person's unit (its force becomes the account's force).
    #[arg(long)]
    pub unit: String,
    /// Email for notifications (used when the person record is created).
    #[arg(long)]
    pub email: Option<String>,
    /// Read the password from the first line of standard input instead of generating a
    /// one-time password (at least 12 characters; not required to be changed).
    #[arg(long)]
    pub password_stdin: bool,
    #[command(flatten)]
    pub store: StoreArgs,
}

/// Checks an identifier: 1 to 64 of `a-z A-Z 0-9 - _ .`.
fn check_id(what: &str, id: &str) -> anyhow::Result<()> {
    let ok = (1..=64).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
    anyhow::ensure!(
        ok,
        "{what} \"{id}\": use 1 to 64 letters, digits, '-', '_' or '.'"
    );
    Ok(())
}

/// Reads one line from standard input, without its line ending.
fn read_password() -> anyhow::Result<String> {
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .context("cannot read the password from standard input")?;
    let password = line.trim_end_matches(['\r', '\n']).to_owned();
    anyhow::ensure!(!password.is_empty(), "no password on standard input");
    Ok(password)
}

/// Adds the person (if missing) and their account.
pub async fn run(args: Args) -> anyhow::Result<ExitCode> {
    check_id("--id", &args.id)?;
    check_id("--unit", &args.unit)?;
    anyhow::ensure!(
        !args.name.trim().is_empty() && args.name.len() <= 200,
        "--name: 1 to 200 characters"
    );
    // Check everything before writing anything, so a mistake leaves no half-made person.
    parse_roles(&args.roles).map_err(|e| anyhow::anyhow!("--role: {e}"))?;
    let password = if args.password_stdin {
        let p = read_password()?;
        password::check_new(&p).map_err(|m| anyhow::anyhow!("the password: {m}"))?;
        Some(p)
    } else {
        None
    };
    let store = args.store.open().await?;
    anyhow::ensure!(
        store
            .account(&args.id)
            .await
            .context("cannot read accounts")?
            .is_none(),
        "{} already has an account",
        args.id
    );
    let units = store.units().await.context("cannot read the units")?;
    if !units.iter().any(|u| u.id == args.unit) {
        eprintln!(
            "note: unit {} is not known yet; until it is added (with its force) the account \
             has no force",
            args.unit
        );
    }
    match store.person(&args.id).await.context("cannot read people")? {
        Some(existing) => {
            eprintln!(
                "{} is already known ({}); their record is kept as it is",
                args.id, existing.name
            );
        }
        None => {
            store
                .upsert_person(&Person {
                    id: args.id.clone(),
                    name: args.name.trim().to_owned(),
                    email: args.email.clone(),
                    workforce_role: None,
                    unit: Some(args.unit.clone()),
                    line_manager: None,
                    staff_association: None,
                })
                .await
                .context("cannot add the person")?;
            eprintln!("added the person {} ({})", args.id, args.name.trim());
        }
    }
    let created = create_account(
        &store,
        NewAccount {
            person_id: args.id.clone(),
            roles: args.roles.iter().map(|r| r.trim().to_owned()).collect(),
            password,
            created_by: "cli".to_owned(),
        },
    )
    .await
    .map_err(|e| anyhow::anyhow!("{e}"))
    .with_context(|| format!("cannot create an account for {}", args.id))?;
    eprintln!(
        "created the account {} with roles {}",
        created.account.person_id,
        created.account.roles.join(", ")
    );
    if let Some(otp) = created.one_time_password {
        eprintln!("one-time password (shown once; it must be changed at first sign-in):");
        println!("{otp}");
    }
    Ok(ExitCode::SUCCESS)
}
