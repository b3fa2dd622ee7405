//! The JSON a webhook carries. One body serves both readers: a Microsoft Teams workflow
//! ("When a Teams webhook request is received" → "Post card in a chat or channel") reads
//! `type` and `attachments` (an Adaptive Card), and the force's own systems read `pledge`.
//!
//! It carries what a lock screen may show and no more: the kind, the urgency, the role told,
//! the escalation level, the headline (which names nobody) and a link to the case, which asks
//! the reader to sign in. Never a name, a person id, the victim or case detail.

use pledge_store::webhooks::WebhookJob;
use serde_json::{Value, json};

/// The body for one delivery, as bytes (signed exactly as sent).
pub fn payload(base_url: &str, job: &WebhookJob) -> Result<Vec<u8>, String> {
    let link = format!("{base_url}/cases/{}", job.case_id);
    let role_words = job.role.as_deref().map(|r| r.replace('_', " "));
    let to = match (&role_words, job.has_person) {
        (Some(r), true) => format!("Sent to the {r}."),
        (Some(r), false) => format!("Nobody holds the role {r}: this reached no one in person."),
        (None, _) => "Sent to the person concerned.".to_owned(),
    };
    let mut card_body: Vec<Value> = vec![json!({
        "type": "TextBlock",
        "text": job.headline,
        "weight": "Bolder",
        "size": "Medium",
        "wrap": true,
        "color": if job.urgent { "Attention" } else { "Default" },
    })];
    if job.urgent {
        card_body.insert(
            0,
            json!({"type": "TextBlock", "text": "Urgent", "color": "Attention", "weight": "Bolder"}),
        );
    }
    card_body.push(json!({"type": "TextBlock", "text": to, "wrap": true, "isSubtle": true}));
    let body = json!({
        "type": "message",
        "summary": job.headline,
        "attachments": [{
            "contentType": "application/vnd.microsoft.card.adaptive",
            "contentUrl": null,
            "content": {
                "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
                "type": "AdaptiveCard",
                "version": "1.4",
                "body": card_body,
                "actions": [{"type": "Action.OpenUrl", "title": "Open the case", "url": link}],
            },
        }],
        "pledge": {
            "version": 1,
            "delivery": job.id,
            "notification": job.notification_id,
            "kind": job.kind,
            "urgent": job.urgent,
            "mandatory": job.mandatory,
            "role": job.role,
            "reached_a_person": job.has_person,
            "obligation": job.obligation_id,
            "level": job.level,
            "headline": job.headline,
            "link": link,
            "created_at": job.created_at.to_string(),
        },
    });
    serde_json::to_vec(&body).map_err(|e| format!("webhook body for delivery {}: {e}", job.id))
}
