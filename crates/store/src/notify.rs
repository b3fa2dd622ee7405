//! Notifications as the store keeps them: the outbox rows an append writes with its events,
//! the escalation levels decided (once each, by a unique key), the in-app inbox and the
//! email delivery queue. See `docs/notifications.md`.

use crate::error::Result;
use crate::model::{CaseId, ObligationRow};
use jiff::Timestamp;
use serde::Serialize;
use std::future::Future;

/// Notifications to write with an append, and the escalation levels it records, if any.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Outbox {
    /// One row per person told (or per role nobody holds).
    pub notifications: Vec<NewNotification>,
    /// The escalation levels this append decides (the sweep: one; generated history: every
    /// level its history passed): each written under a unique key, so a second writer's
    /// append fails and writes nothing.
    pub escalations: Vec<EscalationKey>,
}

/// One notification to write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewNotification {
    /// The person told; `None` when nobody holds the role (a gap, shown to administrators).
    pub person: Option<String>,
    /// The role the person was told as, when it came from a role.
    pub role: Option<String>,
    /// The address to email, when the person has one and wants email of this kind.
    pub email: Option<String>,
    /// The person turned email off for this kind (`email_status = 'off'`: in the inbox only).
    pub email_off: bool,
    /// Quiet hours: the email waits until then (its first `next_attempt_at`); `None` at once.
    pub email_not_before: Option<Timestamp>,
    /// What about (`NoticeKind` name).
    pub kind: String,
    /// The obligation, for reminders and escalations.
    pub obligation_id: Option<String>,
    /// Its instance.
    pub instance: u32,
    /// Escalation level (0 for events and reminders).
    pub level: u32,
    /// Email cannot be turned off.
    pub mandatory: bool,
    /// Urgent (hospitalisation).
    pub urgent: bool,
    /// Headline (the email subject): never names anyone.
    pub headline: String,
    /// Plain words.
    pub body: String,
}

/// One escalation level of one obligation instance of a case.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct EscalationKey {
    /// Obligation id.
    pub obligation_id: String,
    /// Instance.
    pub instance: u32,
    /// Level (0 reminder, 1 owner overdue, 2.. `escalates_to`).
    pub level: u32,
    /// The obligation's last level: the sweep stops reading it.
    pub final_level: bool,
}

impl EscalationKey {
    /// The key deciding `step` of an instance of `obligation`, whose steps in level order are
    /// `all` ([`pledge_domain::notify::escalation_steps`]). The sweep and generated history
    /// both key their levels with it.
    pub fn of_step(
        obligation: &pledge_domain::plan::Obligation,
        instance: u32,
        step: &pledge_domain::notify::Step,
        all: &[pledge_domain::notify::Step],
    ) -> Self {
        EscalationKey {
            obligation_id: obligation.id.clone(),
            instance,
            level: step.level,
            final_level: all.last().map(|s| s.level) == Some(step.level),
        }
    }
}

/// Where a sweep's page of candidates ended: the next page starts after this index row (in
/// the order due time, case, obligation, instance, level), so rows a sweep could not decide
/// never hide the rows behind them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SweepCursor {
    /// Due time of the last index row read.
    pub due_at: Timestamp,
    /// Its case.
    pub case_id: CaseId,
    /// Its obligation.
    pub obligation_id: String,
    /// Its instance.
    pub instance: u32,
    /// Its level.
    pub level: u32,
}

/// A row of the sweep's index that has fallen due, with its open obligation and the levels
/// decided so far.
#[derive(Debug, Clone, PartialEq)]
pub struct EscalationCandidate {
    /// The obligation row.
    pub row: ObligationRow,
    /// The level that has fallen due.
    pub level: u32,
    /// When it fell due.
    pub due_at: Timestamp,
    /// Levels decided so far.
    pub decided: Vec<u32>,
}

impl EscalationCandidate {
    /// Where a page that ends with this candidate ended.
    pub fn cursor(&self) -> SweepCursor {
        SweepCursor {
            due_at: self.due_at,
            case_id: self.row.case_id.clone(),
            obligation_id: self.row.obligation_id.clone(),
            instance: self.row.instance,
            level: self.level,
        }
    }
}

/// A stored notification (the inbox shows these).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StoredNotification {
    /// Id (also the email's Message-ID).
    pub id: i64,
    /// The case.
    pub case_id: String,
    /// Who.
    pub person: Option<String>,
    /// As which role.
    pub role: Option<String>,
    /// What about.
    pub kind: String,
    /// The obligation.
    pub obligation_id: Option<String>,
    /// Its instance.
    pub instance: u32,
    /// Escalation level.
    pub level: u32,
    /// Email cannot be turned off.
    pub mandatory: bool,
    /// Urgent.
    pub urgent: bool,
    /// Headline.
    pub headline: String,
    /// Plain words.
    pub body: String,
    /// When written.
    pub created_at: Timestamp,
    /// When the person marked it read.
    pub read_at: Option<Timestamp>,
    /// `none` (no address), `off` (the person turned this kind off), `pending`, `sent` or
    /// `failed`.
    pub email_status: String,
    /// Delivery attempts.
    pub attempts: u32,
    /// The mail server's last answer.
    pub last_answer: Option<String>,
    /// When the mail server accepted it.
    pub sent_at: Option<Timestamp>,
}

/// Pending mail claimed by a delivery worker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmailJob {
    /// Notification id.
    pub id: i64,
    /// The case.
    pub case_id: String,
    /// Address.
    pub email: String,
    /// Subject.
    pub headline: String,
    /// Plain words.
    pub body: String,
    /// Urgent.
    pub urgent: bool,
    /// Attempts including this one.
    pub attempts: u32,
}

/// The notification tables. Both backends pass the conformance suite's notification tests.
pub trait NotificationStore: Send + Sync {
    /// The rows of the sweep's index (`escalation_due`, migration 0020) due by `until`,
    /// oldest due first, each with its obligation row and the levels decided so far; a page
    /// of at most `limit` rows after `after`. Reads only the index entries due, never every
    /// case: with nothing due, one index entry.
    fn escalation_candidates(
        &self,
        until: Timestamp,
        after: Option<&SweepCursor>,
        limit: u32,
    ) -> impl Future<Output = Result<Vec<EscalationCandidate>>> + Send;

    /// Decides a level that records no event (the due-soon reminder) with its notifications,
    /// in one transaction. False, writing nothing, when the level was already decided.
    fn decide_without_event(
        &self,
        case_id: &CaseId,
        key: &EscalationKey,
        notifications: &[NewNotification],
        at: Timestamp,
    ) -> impl Future<Output = Result<bool>> + Send;

    /// Whether a level is decided.
    fn escalation_decided(
        &self,
        case_id: &CaseId,
        obligation_id: &str,
        instance: u32,
        level: u32,
    ) -> impl Future<Output = Result<bool>> + Send;

    /// A person's notifications, newest first.
    fn inbox(
        &self,
        person: &str,
        limit: u32,
    ) -> impl Future<Output = Result<Vec<StoredNotification>>> + Send;

    /// A person's unread notifications.
    fn unread_count(&self, person: &str) -> impl Future<Output = Result<u64>> + Send;

    /// Marks a person's notification read; false when they have no such notification.
    fn mark_read(
        &self,
        person: &str,
        id: i64,
        at: Timestamp,
    ) -> impl Future<Output = Result<bool>> + Send;

    /// Notifications of a case (for the case page and tests).
    fn case_notifications(
        &self,
        case_id: &CaseId,
    ) -> impl Future<Output = Result<Vec<StoredNotification>>> + Send;

    /// Notifications nobody could receive (a role nobody holds), newest first.
    fn notification_gaps(
        &self,
        limit: u32,
    ) -> impl Future<Output = Result<Vec<StoredNotification>>> + Send;

    /// A force's notifications that reached nobody: a role nobody held, or an email given up
    /// (`failed`), newest first.
    fn notification_problems(
        &self,
        force: &str,
        limit: u32,
    ) -> impl Future<Output = Result<Vec<StoredNotification>>> + Send;

    /// How many notifications, over every force, reached nobody: (gaps, emails failed).
    fn notification_problem_counts(&self) -> impl Future<Output = Result<(u64, u64)>> + Send;

    /// Claims up to `limit` pending emails due by `now`: each one's next attempt moves to
    /// `now + lease` and its attempt count goes up, so a worker that dies holding it lets
    /// another take it after the lease. PostgreSQL claims with `FOR UPDATE SKIP LOCKED`.
    fn claim_emails(
        &self,
        now: Timestamp,
        lease: jiff::SignedDuration,
        limit: u32,
    ) -> impl Future<Output = Result<Vec<EmailJob>>> + Send;

    /// Marks an email sent with the server's answer.
    fn email_sent(
        &self,
        id: i64,
        at: Timestamp,
        answer: &str,
    ) -> impl Future<Output = Result<()>> + Send;

    /// Records a failed attempt: retried at `retry_at`, or given up (`failed`) when `None`.
    fn email_failed(
        &self,
        id: i64,
        answer: &str,
        retry_at: Option<Timestamp>,
    ) -> impl Future<Output = Result<()>> + Send;
}

/// The columns [`stored`] reads.
pub(crate) const NOTIFICATION_COLS: &str = "id, case_id, person, role, kind, obligation_id, instance, level, \
     mandatory, urgent, headline, body, created_at, read_at, email_status, attempts, last_answer, sent_at";

/// A stored notification from a row of [`NOTIFICATION_COLS`].
pub(crate) fn stored(r: &impl crate::rows::Get) -> Result<StoredNotification> {
    use crate::encode::{timestamp, uint};
    let opt_ts = |c: &str| -> Result<Option<Timestamp>> {
        r.opt_int(c)?.map(|v| timestamp(v, c)).transpose()
    };
    Ok(StoredNotification {
        id: r.int("id")?,
        case_id: r.text("case_id")?,
        person: r.opt_text("person")?,
        role: r.opt_text("role")?,
        kind: r.text("kind")?,
        obligation_id: r.opt_text("obligation_id")?,
        instance: uint(r.int("instance")?, "instance")?,
        level: uint(r.int("level")?, "level")?,
        mandatory: r.flag("mandatory")?,
        urgent: r.flag("urgent")?,
        headline: r.text("headline")?,
        body: r.text("body")?,
        created_at: timestamp(r.int("created_at")?, "created_at")?,
        read_at: opt_ts("read_at")?,
        email_status: r.text("email_status")?,
        attempts: uint(r.int("attempts")?, "attempts")?,
        last_answer: r.opt_text("last_answer")?,
        sent_at: opt_ts("sent_at")?,
    })
}

/// An email job from a claimed row.
pub(crate) fn email_job(r: &impl crate::rows::Get) -> Result<EmailJob> {
    Ok(EmailJob {
        id: r.int("id")?,
        case_id: r.text("case_id")?,
        email: r.text("email")?,
        headline: r.text("headline")?,
        body: r.text("body")?,
        urgent: r.flag("urgent")?,
        attempts: crate::encode::uint(r.int("attempts")?, "attempts")?,
    })
}

/// A candidate from a row of the obligation columns (as `o.`) with `step_level`,
/// `step_due_at` and `decided`.
pub(crate) fn candidate(r: &impl crate::rows::Get) -> Result<EscalationCandidate> {
    use crate::encode::{timestamp, uint};
    Ok(EscalationCandidate {
        row: crate::rows::obligation(r)?,
        level: uint(r.int("step_level")?, "level")?,
        due_at: timestamp(r.int("step_due_at")?, "escalation_due.due_at")?,
        decided: levels(r.opt_text("decided")?),
    })
}

/// The obligation columns, qualified by the alias `o` (the candidate query joins the index).
pub(crate) fn obligation_cols_of_o() -> String {
    crate::rows::OBLIGATION_COLS
        .split(',')
        .map(|c| format!("o.{}", c.trim()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Parses the comma-separated levels a candidate query aggregates.
pub(crate) fn levels(text: Option<String>) -> Vec<u32> {
    text.map(|t| t.split(',').filter_map(|l| l.trim().parse().ok()).collect())
        .unwrap_or_default()
}

/// `next_attempt_at` of a new pending row: the epoch, so any worker may try it at once
/// whatever its clock says (and new mail comes before retries).
pub(crate) const NEW_MAIL_DUE: i64 = 0;

/// The email status a new row starts with.
pub(crate) fn initial_status(n: &NewNotification) -> &'static str {
    match (&n.person, &n.email) {
        (Some(_), Some(_)) => "pending",
        (Some(_), None) if n.email_off => "off",
        _ => "none",
    }
}

/// `next_attempt_at` of a new row: pending mail at once, or when quiet hours end (so no
/// worker claims it before, and none spins on it); nothing for a row without email.
pub(crate) fn first_attempt(n: &NewNotification, status: &str) -> Option<i64> {
    (status == "pending").then(|| {
        n.email_not_before
            .map_or(NEW_MAIL_DUE, crate::encode::micros)
    })
}

macro_rules! either {
    ($self:ident, $s:ident => $e:expr) => {
        match $self {
            crate::AnyStore::Sqlite($s) => $e.await,
            crate::AnyStore::Postgres($s) => $e.await,
        }
    };
}

impl NotificationStore for crate::AnyStore {
    async fn escalation_candidates(
        &self,
        until: Timestamp,
        after: Option<&SweepCursor>,
        limit: u32,
    ) -> Result<Vec<EscalationCandidate>> {
        either!(self, s => s.escalation_candidates(until, after, limit))
    }
    async fn decide_without_event(
        &self,
        case_id: &CaseId,
        key: &EscalationKey,
        notifications: &[NewNotification],
        at: Timestamp,
    ) -> Result<bool> {
        either!(self, s => s.decide_without_event(case_id, key, notifications, at))
    }
    async fn escalation_decided(
        &self,
        case_id: &CaseId,
        obligation_id: &str,
        instance: u32,
        level: u32,
    ) -> Result<bool> {
        either!(self, s => s.escalation_decided(case_id, obligation_id, instance, level))
    }
    async fn inbox(&self, person: &str, limit: u32) -> Result<Vec<StoredNotification>> {
        either!(self, s => s.inbox(person, limit))
    }
    async fn unread_count(&self, person: &str) -> Result<u64> {
        either!(self, s => s.unread_count(person))
    }
    async fn mark_read(&self, person: &str, id: i64, at: Timestamp) -> Result<bool> {
        either!(self, s => s.mark_read(person, id, at))
    }
    async fn case_notifications(&self, case_id: &CaseId) -> Result<Vec<StoredNotification>> {
        either!(self, s => s.case_notifications(case_id))
    }
    async fn notification_problems(
        &self,
        force: &str,
        limit: u32,
    ) -> Result<Vec<StoredNotification>> {
        either!(self, s => s.notification_problems(force, limit))
    }
    async fn notification_problem_counts(&self) -> Result<(u64, u64)> {
        either!(self, s => s.notification_problem_counts())
    }
    async fn notification_gaps(&self, limit: u32) -> Result<Vec<StoredNotification>> {
        either!(self, s => s.notification_gaps(limit))
    }
    async fn claim_emails(
        &self,
        now: Timestamp,
        lease: jiff::SignedDuration,
        limit: u32,
    ) -> Result<Vec<EmailJob>> {
        either!(self, s => s.claim_emails(now, lease, limit))
    }
    async fn email_sent(&self, id: i64, at: Timestamp, answer: &str) -> Result<()> {
        either!(self, s => s.email_sent(id, at, answer))
    }
    async fn email_failed(&self, id: i64, answer: &str, retry_at: Option<Timestamp>) -> Result<()> {
        either!(self, s => s.email_failed(id, answer, retry_at))
    }
}
