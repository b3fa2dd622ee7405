//! Email of notifications through an SMTP server (lettre): composing each message from an
//! outbox row, and the delivery worker that claims rows, sends them and marks them sent.
//! See `docs/notifications.md`.

mod compose;
mod deliver;
mod run;
mod tls;
mod to_dir;

pub use compose::compose;
pub use deliver::{DeliveryReport, Mailer, backoff};
pub use run::{RoundReport, round};
pub use tls::SmtpTls;
pub use to_dir::write_due;

/// Where and how mail goes.
#[derive(Debug, Clone)]
pub struct MailConfig {
    /// SMTP server host.
    pub host: String,
    /// SMTP server port.
    pub port: u16,
    /// Plain, STARTTLS or implicit TLS.
    pub tls: SmtpTls,
    /// Extra trusted certificates (PEM) for a server signed by a private CA.
    pub ca_file: Option<std::path::PathBuf>,
    /// User name and password, when the server wants them.
    pub credentials: Option<(String, String)>,
    /// The sender, e.g. `Pledge <pledge@force.example>`.
    pub from: String,
    /// The service's public address, for links (`https://pledge.force.example`).
    pub base_url: String,
    /// Attempts before a message is given up as failed.
    pub max_attempts: u32,
    /// How long a claimed message is held before another worker may try it.
    pub lease: jiff::SignedDuration,
}

impl MailConfig {
    /// A server on `host:port`, with defaults for the rest (the port's usual TLS mode, see
    /// [`SmtpTls::default_for_port`]; 8 attempts, a 5-minute lease).
    pub fn new(host: &str, port: u16, from: &str, base_url: &str) -> Self {
        MailConfig {
            host: host.to_owned(),
            port,
            tls: SmtpTls::default_for_port(port),
            ca_file: None,
            credentials: None,
            from: from.to_owned(),
            base_url: base_url.trim_end_matches('/').to_owned(),
            max_attempts: 8,
            lease: jiff::SignedDuration::from_mins(5),
        }
    }
}
