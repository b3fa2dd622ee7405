//! Demo sign-ins: an account for every demo person, all with the same printed password; the
//! administrator has two-factor set up with a printed secret.

use super::force;
use anyhow::Context;
use pledge_app::accounts::{NewAccount, create_account, totp};
use pledge_store::{AccountStore, AnyStore};

/// The password of every demo account. Demo data only: it is printed on purpose.
pub const DEMO_PASSWORD: &str = "pledge-demo-2026";

/// One demo sign-in.
pub struct Login {
    /// Sign-in name.
    pub person_id: String,
    /// What they are in the demo.
    pub what: &'static str,
}

/// The demo sign-ins.
pub struct Logins {
    /// Every person with an account.
    pub people: Vec<Login>,
    /// The shared password.
    pub password: &'static str,
    /// The administrator's sign-in name.
    pub admin: String,
    /// The administrator's TOTP secret.
    pub admin_totp_secret: Option<String>,
}

/// Creates the demo accounts that do not exist yet and returns the sign-ins.
pub async fn accounts(store: &AnyStore, _now: jiff::Timestamp) -> anyhow::Result<Logins> {
    let mut people = Vec::new();
    let mut admin = String::new();
    let mut admin_totp_secret = None;
    for p in force::people() {
        let id = p.person.id.clone();
        if store
            .account(&id)
            .await
            .context("reading a demo account")?
            .is_none()
        {
            create_account(
                store,
                NewAccount {
                    person_id: id.clone(),
                    roles: p.roles.iter().map(|r| r.as_str().to_owned()).collect(),
                    password: Some(DEMO_PASSWORD.to_owned()),
                    created_by: "demo".into(),
                },
            )
            .await
            .map_err(|e| anyhow::anyhow!("creating the demo account {id}: {e}"))?;
        }
        if p.roles.contains(&pledge_app::AccountRole::Administrator) {
            let mut account = store
                .account(&id)
                .await
                .context("reading the demo administrator")?
                .context("the demo administrator has no account")?;
            if account.totp_secret.is_none() {
                account.totp_secret = Some(totp::new_secret());
                anyhow::ensure!(
                    store
                        .update_account(&account)
                        .await
                        .context("setting up the administrator's two-factor")?,
                    "the demo administrator's account changed while two-factor was set up"
                );
            }
            admin = id.clone();
            admin_totp_secret = account.totp_secret.clone();
        }
        people.push(Login {
            person_id: id,
            what: p.what,
        });
    }
    Ok(Logins {
        people,
        password: DEMO_PASSWORD,
        admin,
        admin_totp_secret,
    })
}
