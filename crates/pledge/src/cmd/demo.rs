//! `pledge demo`: a ready-to-explore Pledge on an embedded SQLite database with a small
//! force, people in every role and cases at every stage; prints the address and sign-ins.

use super::StoreArgs;
use std::process::ExitCode;

/// Arguments of `pledge demo`.
#[derive(clap::Args)]
pub struct Args {
    /// Where the demo data lives (created and filled on first run, reused afterwards). Kept
    /// apart from `pledge serve`'s default `pledge.db`, so a demo never fills a real database;
    /// the demo prints how to serve it again.
    #[arg(
        long = "database",
        env = "PLEDGE_DEMO_DATABASE_URL",
        default_value = "sqlite://pledge-demo.db"
    )]
    pub database: String,
    /// Address to listen on.
    #[arg(long, env = "PLEDGE_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: String,
    /// Fill the database and print the sign-ins, then exit without serving (for scripts).
    #[arg(long)]
    pub no_serve: bool,
    /// Write notification email into this directory, one .eml file per message, instead of
    /// sending it (the demo has no mail server).
    #[arg(long, env = "PLEDGE_DEMO_MAIL_DIR")]
    pub mail_dir: Option<std::path::PathBuf>,
}

/// Runs the demo.
pub async fn run(args: Args) -> anyhow::Result<ExitCode> {
    pledge_web::serve::init_tracing(false, "warn");
    let store = StoreArgs {
        database: args.database.clone(),
    };
    let state = super::serve::state(&store, "op-hampshire", false, None, None, None).await?;
    let now = state.now();
    let cases = pledge_web::demo::seed(state.app(), now).await?;
    let logins = pledge_web::demo::accounts(state.store(), now).await?;
    let listener = if args.no_serve {
        None
    } else {
        Some(super::serve::bind(&args.listen).await?)
    };
    let base_url = match &listener {
        Some(l) => format!(
            "http://{}",
            l.local_addr()
                .map(|a| a.to_string())
                .unwrap_or(args.listen.clone())
        ),
        None => format!("http://{}", args.listen),
    };
    let mail = pledge_web::mail::MailConfig::new(
        "localhost",
        25,
        "Pledge demo <pledge@localhost>",
        &base_url,
    );
    let written = match &args.mail_dir {
        Some(dir) => Some(pledge_web::mail::write_due(&mail, state.store(), now, dir).await?),
        None => None,
    };
    println!("Pledge demo — {}", pledge_web::demo::force::FORCE);
    if cases > 0 {
        println!("Filled {} with {cases} cases.", args.database);
    } else {
        println!("Using the demo data already in {}.", args.database);
    }
    println!();
    if let Some(l) = &listener {
        let addr = l
            .local_addr()
            .map(|a| a.to_string())
            .unwrap_or(args.listen.clone());
        println!("Open   http://{addr}/");
        println!("API    http://{addr}/api/v1  (described at http://{addr}/api/openapi.json)");
        println!();
    }
    println!("Sign in as (the same password for every demo account):");
    for l in &logins.people {
        println!("  {:<11} {}", l.person_id, l.what);
    }
    println!("Password: {}", logins.password);
    println!();
    println!(
        "The demo data is in {}. To serve it again: pledge serve --database {}",
        args.database, args.database
    );
    if let Some(secret) = &logins.admin_totp_secret {
        println!(
            "Two-factor for {}: add this secret to an authenticator app: {secret}",
            logins.admin
        );
    }
    println!();
    match (&args.mail_dir, written) {
        (Some(dir), Some(n)) => println!(
            "Mail: no mail server; email is written to {} as .eml files ({n} written now{}).",
            dir.display(),
            if listener.is_some() {
                ", more each minute"
            } else {
                ""
            }
        ),
        _ => println!(
            "Mail: no mail server is set, so no email is sent; notifications are in each \
             person's inbox (Notifications). Add --mail-dir DIR to write email as .eml files."
        ),
    }
    let Some(listener) = listener else {
        return Ok(ExitCode::SUCCESS);
    };
    if let Some(dir) = args.mail_dir.clone() {
        // The notification round marks new mail due; write it out every minute.
        let state = state.clone();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(pledge_web::background::DEFAULT_EVERY);
            loop {
                tick.tick().await;
                if let Err(e) =
                    pledge_web::mail::write_due(&mail, state.store(), state.now(), &dir).await
                {
                    tracing::warn!(error = %e, "writing demo mail failed");
                }
            }
        });
    }
    println!();
    println!("Stop with Ctrl-C.");
    pledge_web::serve::serve(listener, state).await?;
    Ok(ExitCode::SUCCESS)
}
