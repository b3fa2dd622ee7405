//! Sign-in data on SQLite. Single statements run in autocommit (WAL, `busy_timeout` waits
//! for the writer); nothing here needs a multi-statement transaction.

use super::SqliteStore;
use crate::accounts::{
    ACCOUNT_COLS, Account, AccountStore, ApiToken, SESSION_COLS, Session, TOKEN_COLS, account_row,
    check_account, check_token, is_foreign_key_violation, is_unique_violation, session_row,
    token_row,
};
use crate::encode::{self, micros};
use crate::error::{Result, StoreError};
use jiff::Timestamp;

impl AccountStore for SqliteStore {
    async fn upsert_account(&self, a: &Account) -> Result<()> {
        let roles = check_account(a)?;
        sqlx::query(
            "INSERT INTO account (person_id, password_hash, roles, totp_secret, must_change_password, disabled) \
             VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (person_id) DO UPDATE SET \
             password_hash = excluded.password_hash, roles = excluded.roles, \
             totp_secret = excluded.totp_secret, must_change_password = excluded.must_change_password, \
             disabled = excluded.disabled",
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
        Ok(())
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
        succeeded: bool,
        at: Timestamp,
    ) -> Result<()> {
        sqlx::query("INSERT INTO login_attempt (person_id, succeeded, at) VALUES (?, ?, ?)")
            .bind(person_id)
            .bind(succeeded)
            .bind(micros(at))
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn failed_logins_since(&self, person_id: &str, since: Timestamp) -> Result<u32> {
        let n: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM login_attempt WHERE person_id = ?1 AND succeeded = 0 AND at >= ?2 \
             AND at > COALESCE((SELECT MAX(at) FROM login_attempt \
                                WHERE person_id = ?1 AND succeeded = 1 AND at >= ?2), ?2 - 1)",
        )
        .bind(person_id)
        .bind(micros(since))
        .fetch_one(&self.pool)
        .await?;
        encode::uint(n, "failed sign-in count")
    }

    async fn create_session(&self, s: &Session) -> Result<()> {
        sqlx::query(
            "INSERT INTO session (id_hash, person_id, csrf_token, created_at, expires_at, second_factor_done, totp_pending) \
             VALUES (?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(&s.id_hash)
        .bind(&s.person_id)
        .bind(&s.csrf_token)
        .bind(micros(s.created_at))
        .bind(micros(s.expires_at))
        .bind(s.second_factor_done)
        .bind(&s.totp_pending)
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
}
