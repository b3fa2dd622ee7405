//! A person's own notification choices: email on or off for each optional kind, and quiet
//! hours, read and saved through the policy (theirs alone). What they mean for each
//! notification is the domain's one decision (`pledge_domain::notify::email_decision`),
//! applied when the notification is written (`resolve.rs`).

use crate::actor::Actor;
use crate::app::App;
use crate::error::{AppError, AppResult};
use crate::policy::{NotificationAction, decide_notifications};
use jiff::Timestamp;
use pledge_domain::notify::{EmailChoices, NoticeKind, QuietHours};
use pledge_store::{NotificationSettings, Store};

/// One kind of notification and whether the person gets it by email.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KindChoice {
    /// The kind.
    pub kind: NoticeKind,
    /// Emailed (always true for a mandatory kind).
    pub email: bool,
    /// Cannot be turned off.
    pub mandatory: bool,
}

/// A person's choices as shown: every kind, and their quiet hours.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotificationChoices {
    /// Every kind, in the vocabulary's order.
    pub kinds: Vec<KindChoice>,
    /// Quiet hours, if set.
    pub quiet_hours: Option<QuietHours>,
}

/// The kinds a person may turn email off for.
pub fn optional_kinds() -> impl Iterator<Item = NoticeKind> {
    NoticeKind::ALL.iter().copied().filter(|k| !k.mandatory())
}

fn owner(actor: &Actor, action: NotificationAction) -> AppResult<String> {
    let me = match actor {
        Actor::Person { id, .. } => id.clone(),
        Actor::System { .. } => String::new(),
    };
    if decide_notifications(actor, action, &me) {
        Ok(me)
    } else {
        Err(AppError::Forbidden(
            "use notification settings (a person's are their own)".into(),
        ))
    }
}

/// The domain's choices from a stored row. A kind the vocabulary no longer has, or quiet
/// hours the domain would refuse, are ignored (the default) rather than failing a write.
fn choices_of(row: Option<NotificationSettings>) -> EmailChoices {
    let Some(row) = row else {
        return EmailChoices::default();
    };
    EmailChoices {
        off: row
            .email_off
            .iter()
            .filter_map(|k| NoticeKind::parse(k).ok())
            .collect(),
        quiet_hours: row
            .quiet_hours
            .and_then(|(s, e)| QuietHours::from_minutes(s, e).ok()),
    }
}

fn shown(c: &EmailChoices) -> NotificationChoices {
    NotificationChoices {
        kinds: NoticeKind::ALL
            .iter()
            .map(|&kind| KindChoice {
                kind,
                email: kind.mandatory() || !c.off.contains(&kind),
                mandatory: kind.mandatory(),
            })
            .collect(),
        quiet_hours: c.quiet_hours,
    }
}

impl<S: Store> App<S> {
    /// A person's email choices as the domain reads them (the default when none are saved).
    pub(super) async fn email_choices(&self, person: &str) -> AppResult<EmailChoices> {
        Ok(choices_of(self.store.notification_settings(person).await?))
    }

    /// The actor's own choices.
    pub async fn my_notification_settings(&self, actor: &Actor) -> AppResult<NotificationChoices> {
        let me = owner(actor, NotificationAction::ReadSettings)?;
        Ok(shown(&self.email_choices(&me).await?))
    }

    /// Saves the actor's own choices: `email_off`, the kinds they want no email for (only
    /// optional kinds: a mandatory one is refused, naming `email_off[i]`), and quiet hours as
    /// (start, end) times like `22:00` (refused naming `quiet_hours.start` or
    /// `quiet_hours.end`). Applies to notifications written from now on.
    pub async fn set_my_notification_settings(
        &self,
        actor: &Actor,
        email_off: &[String],
        quiet_hours: Option<(&str, &str)>,
        now: Timestamp,
    ) -> AppResult<NotificationChoices> {
        let me = owner(actor, NotificationAction::ChangeSettings)?;
        let mut off: Vec<NoticeKind> = Vec::new();
        for (i, k) in email_off.iter().enumerate() {
            let field = format!("email_off[{i}]");
            let kind = NoticeKind::parse(k.trim()).map_err(|e| AppError::invalid(&field, e))?;
            if kind.mandatory() {
                return Err(AppError::invalid(
                    &field,
                    format!(
                        "`{kind}` cannot be turned off: the plan says you must be told, so it is always emailed"
                    ),
                ));
            }
            if !off.contains(&kind) {
                off.push(kind);
            }
        }
        let quiet = quiet_hours
            .map(|(s, e)| {
                QuietHours::parse(s, e)
                    .map_err(|q| AppError::invalid(&format!("quiet_hours.{}", q.field), q.message))
            })
            .transpose()?;
        let row = NotificationSettings {
            person: me,
            email_off: off.iter().map(|k| k.as_str().to_owned()).collect(),
            quiet_hours: quiet.map(|q| (q.start_minutes(), q.end_minutes())),
            updated_at: now,
        };
        self.store.set_notification_settings(&row).await?;
        Ok(shown(&EmailChoices {
            off,
            quiet_hours: quiet,
        }))
    }
}
