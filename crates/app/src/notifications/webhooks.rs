//! A force's webhook endpoints and their failed deliveries, kept by its administrators: add
//! an endpoint (its secret is made here and shown once), list and retire endpoints, see the
//! deliveries that are failing or dead, and put a dead letter back in the queue. Delivery
//! itself is the web crate's (`pledge_web::webhooks`). See `docs/notifications.md`.

use crate::actor::Actor;
use crate::app::App;
use crate::error::{AppError, AppResult};
use crate::policy::OrgAction;
use jiff::Timestamp;
use pledge_domain::notify::NoticeKind;
use pledge_store::Store;
use pledge_store::webhooks::{NewWebhookEndpoint, WebhookDelivery, WebhookEndpoint};
use rand::RngCore;

/// The most endpoints a force may have: each one is a copy of every notification.
pub const MAX_ENDPOINTS: usize = 20;

/// The most failed deliveries one page lists.
pub const WEBHOOK_PROBLEMS_LIMIT: u32 = 200;

/// An endpoint an administrator asks for.
#[derive(Debug, Clone)]
pub struct NewWebhook {
    /// A name the administrators know it by.
    pub name: String,
    /// Where to POST: an `https://` URL (or `http://` to a loopback address, for a receiver
    /// on the same host).
    pub url: String,
    /// The kinds it takes (`NoticeKind` names); empty for every kind.
    pub kinds: Vec<String>,
}

/// An endpoint just added, with its secret: the only time the secret is shown.
#[derive(Debug, Clone)]
pub struct AddedWebhook {
    /// The endpoint.
    pub endpoint: WebhookEndpoint,
    /// The signing secret (`whsec_` and 64 hex digits).
    pub secret: String,
}

fn allowed<'a>(actor: &'a Actor, what: &str) -> AppResult<&'a str> {
    crate::org::allowed_force(actor, OrgAction::ConfigureWebhooks, what)
}

/// Checks an endpoint's URL: absolute, `https`, or `http` to a loopback host (a receiver on
/// the same machine; anything else would send signed notifications in clear text).
pub fn check_url(url: &str) -> Result<(), String> {
    let url = url.trim();
    if url.len() > 2000 {
        return Err("at most 2,000 characters".into());
    }
    let (scheme, rest) = url
        .split_once("://")
        .ok_or("an absolute URL such as https://example.org/hook")?;
    let host_port = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = host_port
        .rsplit_once(':')
        .filter(|(_, p)| p.chars().all(|c| c.is_ascii_digit()))
        .map_or(host_port, |(h, _)| h);
    if host.is_empty() || host.contains('@') || host.chars().any(char::is_whitespace) {
        return Err("the URL has no host (or carries a user name or spaces)".into());
    }
    let loopback = matches!(host, "localhost" | "127.0.0.1" | "[::1]");
    match scheme.to_ascii_lowercase().as_str() {
        "https" => Ok(()),
        "http" if loopback => Ok(()),
        "http" => Err("must be https:// (http:// only to localhost or 127.0.0.1)".into()),
        other => Err(format!("scheme \"{other}\" is not https")),
    }
}

fn check_kinds(kinds: &[String]) -> AppResult<Vec<String>> {
    let mut out: Vec<String> = Vec::with_capacity(kinds.len());
    for (i, k) in kinds.iter().enumerate() {
        let field = format!("kinds[{i}]");
        let kind = NoticeKind::parse(k.trim()).map_err(|e| AppError::invalid(&field, e))?;
        if kind == NoticeKind::VictimUpdate {
            return Err(AppError::invalid(
                &field,
                "a victim's updates are for the victim alone and never go to a webhook",
            ));
        }
        if !out.iter().any(|o| o == kind.as_str()) {
            out.push(kind.as_str().to_owned());
        }
    }
    Ok(out)
}

fn new_secret() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    format!("whsec_{}", hex::encode(bytes))
}

impl<S: Store> App<S> {
    /// Adds an endpoint to the actor's force; the secret is returned once and never again.
    pub async fn add_webhook(
        &self,
        actor: &Actor,
        new: NewWebhook,
        now: Timestamp,
    ) -> AppResult<AddedWebhook> {
        let force = allowed(actor, "add a webhook")?;
        let name = new.name.trim();
        if name.is_empty() || name.chars().count() > 100 {
            return Err(AppError::invalid("name", "1 to 100 characters"));
        }
        check_url(&new.url).map_err(|m| AppError::invalid("url", m))?;
        let kinds = check_kinds(&new.kinds)?;
        if self.store.webhooks(force).await?.len() >= MAX_ENDPOINTS {
            return Err(AppError::invalid(
                "url",
                format!("a force has at most {MAX_ENDPOINTS} webhook endpoints; retire one first"),
            ));
        }
        let secret = new_secret();
        let stored = NewWebhookEndpoint {
            force: force.to_owned(),
            name: name.to_owned(),
            url: new.url.trim().to_owned(),
            secret: secret.clone(),
            kinds,
            created_by: actor.log_id(),
            created_at: now,
        };
        let id = self.store.add_webhook(&stored).await?;
        Ok(AddedWebhook {
            endpoint: WebhookEndpoint {
                id,
                force: stored.force,
                name: stored.name,
                url: stored.url,
                kinds: stored.kinds,
                created_by: stored.created_by,
                created_at: jiff::Timestamp::from_microsecond(now.as_microsecond()).unwrap_or(now),
            },
            secret,
        })
    }

    /// The actor's force's endpoints (without secrets).
    pub async fn webhooks(&self, actor: &Actor) -> AppResult<Vec<WebhookEndpoint>> {
        let force = allowed(actor, "see the webhooks")?;
        Ok(self.store.webhooks(force).await?)
    }

    /// Retires an endpoint of the actor's force; `NotFound` when there is no such endpoint.
    pub async fn remove_webhook(&self, actor: &Actor, id: i64) -> AppResult<()> {
        let force = allowed(actor, "retire a webhook")?;
        if self.store.remove_webhook(force, id).await? {
            Ok(())
        } else {
            Err(AppError::NotFound)
        }
    }

    /// The actor's force's failing deliveries and dead letters, newest first.
    pub async fn webhook_problems(&self, actor: &Actor) -> AppResult<Vec<WebhookDelivery>> {
        let force = allowed(actor, "see failed webhook deliveries")?;
        Ok(self
            .store
            .webhook_problems(force, WEBHOOK_PROBLEMS_LIMIT)
            .await?)
    }

    /// Puts a dead letter of the actor's force back in the queue, due now, with its attempts
    /// reset (the same Idempotency-Key); `NotFound` when there is no such dead letter.
    pub async fn retry_dead_letter(&self, actor: &Actor, id: i64, now: Timestamp) -> AppResult<()> {
        let force = allowed(actor, "retry a webhook delivery")?;
        if self.store.retry_dead_letter(force, id, now).await? {
            Ok(())
        } else {
            Err(AppError::NotFound)
        }
    }
}
