//! Sign-in data on SQLite. Single statements run in autocommit (WAL, `busy_timeout` waits
//! for the writer); nothing here needs a multi-statement transaction.

use super::SqliteStore;
use crate::accounts::{
    ACCOUNT_COLS, Account, AccountStore, ApiToken, LoginFailures, SESSION_COLS, Session,
    TOKEN_COLS, account_row, check_account, check_token, failures_row, failures_sql,
    is_foreign_key_violation, is_unique_violation, session_row, token_row,
};
use crate::encode::micros;
use crate::error::{Result, StoreError};
use crate::rows::Get;
use jiff::Timestamp;

impl AccountStore for SqliteStore {
    async fn create_account(&self, a: &Account) -> Result<bool> {
        let roles = check_account(a)?;
        // Insert or nothing: two creations for one person race on the primary key, and
        // exactly one of them writes.
        let done = sqlx::query(
            "INSERT INTO account (person_id, password_hash, roles, totp_secret, \
             must_change_password, disabled, version, totp_last_step) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, 1, NULL) \
             ON CONFLICT (person_id) DO NOTHING",
        )
        .bind(&a.person_id)
        .bind(&a.password_hash)
        .bind(roles)
        .bind(&a.totp_secret)
        .bind(a.must_change_password)
        .bind(a.disabled)
        .execute(&self.pool)
        .await
        .map_err(|e| match e {
            e if is_foreign_key_violation(&e) => StoreError::Invalid(format!(
                "there is no person {}; add the person before their account",
                a.person_id
            )),
            e => e.into(),
        })?;
        Ok(done.rows_affected() > 0)
    }

    async fn update_account(&self, a: &Account) -> Result<bool> {
        let roles = check_account(a)?;
        let version = i64::try_from(a.version).map_err(|_| {
            StoreError::Invalid(format!("account {}: version out of range", a.person_id))
        })?;
        let step = a
            .totp_last_step
            .map(i64::try_from)
            .transpose()
            .map_err(|_| {
                StoreError::Invalid(format!("account {}: step out of range", a.person_id))
            })?;
        let done = sqlx::query(
            "UPDATE account SET password_hash = ?1, roles = ?2, totp_secret = ?3, \
             must_change_password = ?4, disabled = ?5, totp_last_step = ?6, \
             version = version + 1 WHERE person_id = ?7 AND version = ?8",
        )
        .bind(&a.password_hash)
        .bind(roles)
        .bind(&a.totp_secret)
        .bind(a.must_change_password)
        .bind(a.disabled)
        .bind(step)
        .bind(&a.person_id)
        .bind(version)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() > 0)
    }

    async fn use_totp_step(&self, person_id: &str, step: u64) -> Result<bool> {
        let step = i64::try_from(step)
            .map_err(|_| StoreError::Invalid("two-factor step out of range".to_owned()))?;
        // One statement: two sign-ins with the same code race here, and one wins.
        let done = sqlx::query(
            "UPDATE account SET totp_last_step = ?1 WHERE person_id = ?2 \
             AND (totp_last_step IS NULL OR totp_last_step < ?1)",
        )
        .bind(step)
        .bind(person_id)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() > 0)
    }

    async fn account(&self, person_id: &str) -> Result<Option<Account>> {
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {ACCOUNT_COLS} FROM account WHERE person_id = ?"
        )))
        .bind(person_id)
        .fetch_optional(&self.pool)
        .await?
        .map(|r| account_row(&r))
        .transpose()
    }

    async fn accounts(&self) -> Result<Vec<Account>> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {ACCOUNT_COLS} FROM account ORDER BY person_id"
        )))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(account_row).collect()
    }

    async fn record_login_attempt(
        &self,
        person_id: &str,
        address: &str,
        succeeded: bool,
        at: Timestamp,
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO login_attempt (person_id, address, succeeded, at) VALUES (?1, ?2, ?3, ?4)",
        )
        .bind(person_id)
        .bind(address)
        .bind(succeeded)
        .bind(micros(at))
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn login_failures(
        &self,
        person_id: &str,
        address: &str,
        since: Timestamp,
    ) -> Result<LoginFailures> {
        let since = micros(since);
        let pair = sqlx::query(sqlx::AssertSqlSafe(failures_sql(
            "person_id = ?1 AND address = ?2",
            "?3",
        )))
        .bind(person_id)
        .bind(address)
        .bind(since)
        .fetch_one(&self.pool)
        .await?;
        let by_address = sqlx::query(sqlx::AssertSqlSafe(failures_sql("address = ?1", "?2")))
            .bind(address)
            .bind(since)
            .fetch_one(&self.pool)
            .await?;
        let by_name = sqlx::query(sqlx::AssertSqlSafe(failures_sql("person_id = ?1", "?2")))
            .bind(person_id)
            .bind(since)
            .fetch_one(&self.pool)
            .await?;
        Ok(LoginFailures {
            pair: failures_row(&pair, "name and address")?,
            address: failures_row(&by_address, "address")?,
            name: failures_row(&by_name, "name")?,
        })
    }

    async fn clear_login_failures(&self, person_id: &str) -> Result<u64> {
        let done =
            sqlx::query("DELETE FROM login_attempt WHERE person_id = ?1 AND succeeded = FALSE")
                .bind(person_id)
                .execute(&self.pool)
                .await?;
        Ok(done.rows_affected())
    }

    async fn create_session(&self, s: &Session) -> Result<()> {
        sqlx::query(
            "INSERT INTO session (id_hash, person_id, csrf_token, created_at, expires_at, second_factor_done, totp_pending, id_token) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(&s.id_hash)
        .bind(&s.person_id)
        .bind(&s.csrf_token)
        .bind(micros(s.created_at))
        .bind(micros(s.expires_at))
        .bind(s.second_factor_done)
        .bind(&s.totp_pending)
        .bind(&s.id_token)
        .execute(&self.pool)
        .await
        .map_err(|e| match e {
            e if is_foreign_key_violation(&e) => {
                StoreError::Invalid(format!("there is no account {}", s.person_id))
            }
            e if is_unique_violation(&e) => {
                StoreError::Invalid("a session with this token already exists".to_owned())
            }
            e => e.into(),
        })?;
        Ok(())
    }

    async fn session(&self, id_hash: &str) -> Result<Option<Session>> {
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {SESSION_COLS} FROM session WHERE id_hash = ?"
        )))
        .bind(id_hash)
        .fetch_optional(&self.pool)
        .await?
        .map(|r| session_row(&r))
        .transpose()
    }

    async fn complete_second_factor(&self, id_hash: &str) -> Result<()> {
        sqlx::query("UPDATE session SET second_factor_done = 1 WHERE id_hash = ?")
            .bind(id_hash)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn set_totp_pending(&self, id_hash: &str, secret: Option<&str>) -> Result<()> {
        sqlx::query("UPDATE session SET totp_pending = ? WHERE id_hash = ?")
            .bind(secret)
            .bind(id_hash)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn delete_session(&self, id_hash: &str) -> Result<()> {
        sqlx::query("DELETE FROM session WHERE id_hash = ?")
            .bind(id_hash)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn delete_sessions_of(&self, person_id: &str, except: Option<&str>) -> Result<u64> {
        let done = sqlx::query("DELETE FROM session WHERE person_id = ? AND id_hash IS NOT ?")
            .bind(person_id)
            .bind(except)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected())
    }

    async fn expire_sessions(&self, now: Timestamp) -> Result<u64> {
        let done = sqlx::query("DELETE FROM session WHERE expires_at <= ?")
            .bind(micros(now))
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected())
    }

    async fn prune_login_attempts(&self, before: Timestamp) -> Result<u64> {
        let done = sqlx::query("DELETE FROM login_attempt WHERE at < ?")
            .bind(micros(before))
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected())
    }

    async fn create_token(&self, t: &ApiToken) -> Result<()> {
        let scopes = check_token(t)?;
        sqlx::query(
            "INSERT INTO api_token (name, hash, scopes, force, created_by, created_at, revoked_at) \
             VALUES (?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(&t.name)
        .bind(&t.hash)
        .bind(scopes)
        .bind(&t.force)
        .bind(&t.created_by)
        .bind(micros(t.created_at))
        .bind(t.revoked_at.map(micros))
        .execute(&self.pool)
        .await
        .map_err(|e| match e {
            e if is_unique_violation(&e) => StoreError::Invalid(format!(
                "a token named {} already exists (revoked tokens keep their name)",
                t.name
            )),
            e => e.into(),
        })?;
        Ok(())
    }

    async fn token_by_hash(&self, hash: &str) -> Result<Option<ApiToken>> {
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {TOKEN_COLS} FROM api_token WHERE hash = ?"
        )))
        .bind(hash)
        .fetch_optional(&self.pool)
        .await?
        .map(|r| token_row(&r))
        .transpose()
    }

    async fn tokens(&self) -> Result<Vec<ApiToken>> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {TOKEN_COLS} FROM api_token ORDER BY name"
        )))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(token_row).collect()
    }

    async fn revoke_token(&self, name: &str, at: Timestamp) -> Result<bool> {
        let done = sqlx::query(
            "UPDATE api_token SET revoked_at = ? WHERE name = ? AND revoked_at IS NULL",
        )
        .bind(micros(at))
        .bind(name)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() > 0)
    }

    async fn oidc_person(&self, issuer: &str, subject: &str) -> Result<Option<String>> {
        let row = sqlx::query("SELECT person_id FROM oidc_link WHERE issuer = ? AND subject = ?")
            .bind(issuer)
            .bind(subject)
            .fetch_optional(&self.pool)
            .await?;
        row.map(|r| r.text("person_id")).transpose()
    }

    async fn link_oidc(
        &self,
        issuer: &str,
        subject: &str,
        person_id: &str,
        at: Timestamp,
    ) -> Result<bool> {
        let done = sqlx::query(
            "INSERT INTO oidc_link (issuer, subject, person_id, linked_at) \
             VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
        )
        .bind(issuer)
        .bind(subject)
        .bind(person_id)
        .bind(micros(at))
        .execute(&self.pool)
        .await
        .map_err(|e| match e {
            e if is_foreign_key_violation(&e) => {
                StoreError::Invalid(format!("there is no person {person_id}"))
            }
            e => e.into(),
        })?;
        Ok(done.rows_affected() > 0)
    }
}
