//! One notification as an email: a subject that names nobody, plain-text and HTML bodies
//! with a link to the case, and a Message-ID made from the notification's id, so a resend
//! after a crash is the same message and receivers can drop the duplicate.

use super::MailConfig;
use lettre::Message;
use lettre::message::header::ContentType;
use lettre::message::{Mailbox, MultiPart, SinglePart};
use pledge_store::notify::EmailJob;

/// The email for one claimed notification. Errors name the address or header at fault.
pub fn compose(config: &MailConfig, job: &EmailJob) -> Result<Message, String> {
    let from: Mailbox = config
        .from
        .parse()
        .map_err(|e| format!("from address \"{}\": {e}", config.from))?;
    let to: Mailbox = job
        .email
        .parse()
        .map_err(|e| format!("address \"{}\": {e}", job.email))?;
    let domain = from.email.domain().to_owned();
    let link = format!("{}/cases/{}", config.base_url, job.case_id);
    let subject = if job.urgent {
        format!("[Urgent] {}", job.headline)
    } else {
        job.headline.clone()
    };
    let text = format!(
        "{}\n\nOpen the case: {link}\n\nYou are receiving this because Pledge's plan for \
         assaults on colleagues says you must be told.\n",
        job.body
    );
    let html = format!(
        "<!doctype html><html><body><p>{}</p><p><a href=\"{link}\">Open the case</a></p>\
         <p>You are receiving this because Pledge's plan for assaults on colleagues says you \
         must be told.</p></body></html>",
        escape(&job.body),
        link = escape(&link)
    );
    Message::builder()
        .from(from)
        .to(to)
        .subject(subject)
        .message_id(Some(format!("<notification-{}@{domain}>", job.id)))
        .multipart(
            MultiPart::alternative()
                .singlepart(
                    SinglePart::builder()
                        .header(ContentType::TEXT_PLAIN)
                        .body(text),
                )
                .singlepart(
                    SinglePart::builder()
                        .header(ContentType::TEXT_HTML)
                        .body(html),
                ),
        )
        .map_err(|e| format!("composing notification {}: {e}", job.id))
}

/// Escapes text for HTML.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}
