//! `pledge token create | revoke`: API tokens for force systems. The token is printed once;
//! Pledge keeps only its hash.

use super::StoreArgs;
use pledge_app::accounts::token::{NewToken, create_token, revoke_token};
use std::process::ExitCode;

/// Token subcommands.
#[derive(clap::Subcommand)]
pub enum Command {
    /// Create a token and print it (once).
    Create {
        /// A unique name for the system, e.g. `crime-system`.
        #[arg(long)]
        name: String,
        /// Scopes, comma-separated: cases:read, cases:write, people:write.
        #[arg(long = "scope", value_delimiter = ',', required = true)]
        scopes: Vec<String>,
        /// The force the system acts for.
        #[arg(long)]
        force: String,
        #[command(flatten)]
        store: StoreArgs,
    },
    /// Revoke a token by name: requests with it are refused from then on.
    Revoke {
        /// The token's name.
        name: String,
        #[command(flatten)]
        store: StoreArgs,
    },
}

/// Runs a token command.
pub async fn run(cmd: Command) -> anyhow::Result<ExitCode> {
    match cmd {
        Command::Create {
            name,
            scopes,
            force,
            store,
        } => {
            let store = store.open().await?;
            let created = create_token(
                &store,
                NewToken {
                    name,
                    scopes: scopes.iter().map(|s| s.trim().to_owned()).collect(),
                    force,
                    created_by: "cli".to_owned(),
                },
                jiff::Timestamp::now(),
            )
            .await
            .map_err(|e| anyhow::anyhow!("cannot create the token: {e}"))?;
            eprintln!(
                "created the token {} for {} ({}); it is shown once, give it to the system now:",
                created.stored.name,
                created.stored.force,
                created.stored.scopes.join(", ")
            );
            println!("{}", created.token);
            Ok(ExitCode::SUCCESS)
        }
        Command::Revoke { name, store } => {
            let store = store.open().await?;
            let done = revoke_token(&store, &name, "cli", jiff::Timestamp::now())
                .await
                .map_err(|e| anyhow::anyhow!("cannot revoke the token: {e}"))?;
            if done {
                eprintln!("revoked the token {name}");
                Ok(ExitCode::SUCCESS)
            } else {
                eprintln!("there is no live token named {name}");
                Ok(ExitCode::from(1))
            }
        }
    }
}
