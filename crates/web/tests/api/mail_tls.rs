//! Email over TLS to a real SMTP server (aiosmtpd, started here with a certificate made in
//! the test and signed by a private CA made in the test): STARTTLS and implicit TLS deliver
//! when the CA is trusted through the CA file; a plain connection is refused by a server that
//! requires STARTTLS, and a server whose certificate nobody trusts gets no mail.

use crate::harness::Backend;
use crate::notifications::{SmtpServer, smtp_python};
use crate::seeded::demo_app;
use pledge_web::mail::{MailConfig, Mailer, SmtpTls};
use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair};
use std::ffi::OsStr;
use std::path::{Path, PathBuf};

crate::both!(mail_goes_over_starttls_and_implicit_tls_trusting_a_private_ca);

/// A private CA and a server certificate for 127.0.0.1 it signed, as PEM files in `dir`:
/// (CA certificate, server certificate, server key).
fn private_ca(dir: &Path) -> anyhow::Result<(PathBuf, PathBuf, PathBuf)> {
    let mut ca_params = CertificateParams::new(Vec::<String>::new())?;
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(DnType::CommonName, "Wessex Police test CA");
    let ca_key = KeyPair::generate()?;
    let ca_cert = ca_params.self_signed(&ca_key)?;
    let issuer = Issuer::new(ca_params, ca_key);
    let server_params = CertificateParams::new(vec!["127.0.0.1".to_owned()])?;
    let server_key = KeyPair::generate()?;
    let server_cert = server_params.signed_by(&server_key, &issuer)?;
    let paths = (
        dir.join("ca.pem"),
        dir.join("cert.pem"),
        dir.join("key.pem"),
    );
    std::fs::write(&paths.0, ca_cert.pem())?;
    std::fs::write(&paths.1, server_cert.pem())?;
    std::fs::write(&paths.2, server_key.serialize_pem())?;
    Ok(paths)
}

fn mailer(port: u16, tls: SmtpTls, ca: Option<&Path>) -> anyhow::Result<Mailer> {
    let mut c = MailConfig::new(
        "127.0.0.1",
        port,
        "Pledge <pledge@wessex.police.example>",
        "https://pledge.example",
    );
    c.tls = tls;
    c.ca_file = ca.map(Path::to_path_buf);
    Mailer::new(c).map_err(anyhow::Error::msg)
}

async fn mail_goes_over_starttls_and_implicit_tls_trusting_a_private_ca(
    backend: Backend,
) -> anyhow::Result<()> {
    let Some(python) = smtp_python() else {
        return Ok(());
    };
    let Some(app) = demo_app(backend, "mail_tls").await? else {
        return Ok(());
    };
    let store = app.store();
    let now = app.state.now();
    let (dir, _cleanup) = pledge_test_support::temp_dir("smtp-tls", &format!("{backend:?}"))?;
    let (ca, cert, key) = private_ca(&dir)?;

    // STARTTLS, required by the server (aiosmtpd refuses MAIL before STARTTLS).
    let starttls = SmtpServer::start_with(
        &python,
        &format!("starttls_{backend:?}"),
        &[
            OsStr::new("--tlscert"),
            cert.as_os_str(),
            OsStr::new("--tlskey"),
            key.as_os_str(),
        ],
    )
    .await?;
    // Implicit TLS (SMTPS) from the first byte.
    let smtps = SmtpServer::start_with(
        &python,
        &format!("smtps_{backend:?}"),
        &[
            OsStr::new("--smtpscert"),
            cert.as_os_str(),
            OsStr::new("--smtpskey"),
            key.as_os_str(),
        ],
    )
    .await?;

    // Without the CA file the certificate is not trusted: nothing is sent, all waits.
    let untrusted = mailer(starttls.port, SmtpTls::StartTls, None)?
        .deliver_due(store, now, 1000)
        .await?;
    assert!(untrusted.claimed > 0, "the demo wrote mail: {untrusted:?}");
    assert_eq!(untrusted.retrying, untrusted.claimed, "{untrusted:?}");
    // Plain SMTP to a server that requires STARTTLS is refused too.
    let t1 = now + jiff::SignedDuration::from_mins(1);
    let plain = mailer(starttls.port, SmtpTls::None, None)?
        .deliver_due(store, t1, 1000)
        .await?;
    assert_eq!(plain.retrying, untrusted.claimed, "{plain:?}");
    assert!(starttls.received()?.is_empty());

    // Trusting the private CA: one message over SMTPS, the rest over STARTTLS.
    let t2 = now + jiff::SignedDuration::from_mins(5);
    let over_tls = mailer(smtps.port, SmtpTls::Tls, Some(&ca))?
        .deliver_due(store, t2, 1)
        .await?;
    assert_eq!(over_tls.sent, 1, "{over_tls:?}");
    let over_starttls = mailer(starttls.port, SmtpTls::StartTls, Some(&ca))?
        .deliver_due(store, t2, 1000)
        .await?;
    assert_eq!(
        over_starttls.sent,
        untrusted.claimed - 1,
        "{over_starttls:?}"
    );
    assert_eq!(smtps.received()?.len(), 1);
    assert_eq!(starttls.received()?.len(), untrusted.claimed - 1);
    for m in starttls.received()?.iter().chain(&smtps.received()?) {
        assert!(m.contains("https://pledge.example/cases/"), "{m}");
    }
    Ok(())
}

#[test]
fn a_ca_file_that_is_not_a_certificate_is_named() -> anyhow::Result<()> {
    let (dir, _cleanup) = pledge_test_support::temp_dir("smtp-tls", "bad_ca")?;
    let bad = dir.join("ca.pem");
    std::fs::write(&bad, "not a certificate")?;
    let Err(e) = mailer(587, SmtpTls::StartTls, Some(&bad)) else {
        anyhow::bail!("a CA file without a certificate was accepted");
    };
    assert!(e.to_string().contains("--smtp-ca-file"), "{e}");
    Ok(())
}
