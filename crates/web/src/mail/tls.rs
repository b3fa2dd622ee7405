//! How the connection to the mail server is protected: plain, STARTTLS (upgraded after the
//! greeting, and required: a server that does not offer it is an error, never a silent
//! fallback to plain text) or implicit TLS from the first byte (SMTPS, usually port 465).
//! Certificates are checked against the system's roots plus, for a force's private CA, the
//! certificates in `--smtp-ca-file`.

use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use std::path::PathBuf;

/// The protection of the connection to the mail server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmtpTls {
    /// Plain SMTP: only for a relay on the same host or a trusted network.
    None,
    /// Plain connection upgraded with STARTTLS before anything is sent; required.
    StartTls,
    /// TLS from the first byte (SMTPS).
    Tls,
}

impl SmtpTls {
    /// The default for a port when none is chosen: 465 is SMTPS, 25 a local relay (plain, as
    /// before), and any other port (587, a submission port) STARTTLS.
    pub fn default_for_port(port: u16) -> Self {
        match port {
            465 => SmtpTls::Tls,
            25 => SmtpTls::None,
            _ => SmtpTls::StartTls,
        }
    }

    /// Reads `none`, `starttls` or `tls`; the error names the accepted words.
    pub fn parse(s: &str) -> Result<Self, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "none" => Ok(SmtpTls::None),
            "starttls" => Ok(SmtpTls::StartTls),
            "tls" => Ok(SmtpTls::Tls),
            other => Err(format!(
                "\"{other}\" is not a mail server TLS mode: use none, starttls or tls"
            )),
        }
    }
}

/// The lettre TLS setting for `host`: certificates checked for that name, against the
/// system roots and those in `ca_file` (PEM, one or more certificates).
pub(super) fn lettre_tls(
    mode: SmtpTls,
    host: &str,
    ca_file: Option<&PathBuf>,
) -> Result<Tls, String> {
    if mode == SmtpTls::None {
        return Ok(Tls::None);
    }
    let mut b = TlsParameters::builder(host.to_owned());
    if let Some(path) = ca_file {
        let pem =
            std::fs::read(path).map_err(|e| format!("--smtp-ca-file {}: {e}", path.display()))?;
        // lettre reads a file without any certificate as an empty list; say so instead.
        if !String::from_utf8_lossy(&pem).contains("-----BEGIN CERTIFICATE-----") {
            return Err(format!(
                "--smtp-ca-file {}: holds no PEM certificate (-----BEGIN CERTIFICATE-----)",
                path.display()
            ));
        }
        let cert = Certificate::from_pem(&pem).map_err(|e| {
            format!(
                "--smtp-ca-file {}: not a PEM certificate: {e}",
                path.display()
            )
        })?;
        b = b.add_root_certificate(cert);
    }
    let params = b
        .build_rustls()
        .map_err(|e| format!("TLS settings for mail server {host}: {e}"))?;
    Ok(match mode {
        SmtpTls::StartTls => Tls::Required(params),
        _ => Tls::Wrapper(params),
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn the_mode_defaults_by_port_and_parses_its_three_words() {
        assert_eq!(SmtpTls::default_for_port(465), SmtpTls::Tls);
        assert_eq!(SmtpTls::default_for_port(25), SmtpTls::None);
        assert_eq!(SmtpTls::default_for_port(587), SmtpTls::StartTls);
        assert_eq!(SmtpTls::parse("STARTTLS"), Ok(SmtpTls::StartTls));
        assert_eq!(SmtpTls::parse("tls"), Ok(SmtpTls::Tls));
        assert_eq!(SmtpTls::parse("none"), Ok(SmtpTls::None));
        let err = SmtpTls::parse("ssl").unwrap_err();
        assert!(err.contains("none, starttls or tls"), "{err}");
    }

    #[test]
    fn a_missing_or_unreadable_ca_file_is_named() {
        let missing = PathBuf::from("/nonexistent/ca.pem");
        let err = lettre_tls(SmtpTls::StartTls, "mail.example", Some(&missing)).unwrap_err();
        assert!(err.contains("--smtp-ca-file /nonexistent/ca.pem"), "{err}");
    }
}
