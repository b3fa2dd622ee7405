//! ID token validation against the real provider's keys (its JWKS, as discovered): a token
//! the provider signed is accepted, and every way a token can be wrong is refused. The
//! provider signs the claims the test chooses with its own key (`POST /test/sign`), so the
//! only thing made up is what the claims say.

use crate::provider::{CLIENT_ID, CLIENT_SECRET, TestProvider, available};
use anyhow::{Context, ensure};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use pledge_app::accounts::oidc::{OidcError, Provider};
use serde_json::{Value, json};

const NONCE: &str = "the-nonce-of-this-sign-in";

fn now() -> i64 {
    jiff::Timestamp::now().as_second()
}

fn claims(provider: &TestProvider) -> Value {
    json!({
        "iss": provider.issuer,
        "aud": CLIENT_ID,
        "sub": "sub-amira",
        "oid": "oid-amira",
        "employeeid": "PS-2231",
        "roles": ["Pledge.Supervisor"],
        "amr": ["pwd", "mfa"],
        "nonce": NONCE,
        "iat": now() - 10,
        "exp": now() + 300,
    })
}

fn with(mut claims: Value, key: &str, value: Value) -> Value {
    claims[key] = value;
    claims
}

async fn refused(p: &Provider, token: &str, nonce: &str, what: &str) -> anyhow::Result<String> {
    match p.verify(token, nonce).await {
        Err(OidcError::InvalidToken(why)) => Ok(why),
        Err(other) => anyhow::bail!("{what}: refused for another reason: {other}"),
        Ok(identity) => anyhow::bail!("{what}: accepted, as {identity:?}"),
    }
}

/// An unsigned or HMAC token with the given claims.
fn hand_made(alg: &str, claims: &Value, secret: Option<&str>) -> anyhow::Result<String> {
    let header = URL_SAFE_NO_PAD.encode(json!({"alg": alg, "typ": "JWT"}).to_string());
    let payload = URL_SAFE_NO_PAD.encode(claims.to_string());
    let signing_input = format!("{header}.{payload}");
    let sig = match secret {
        None => String::new(),
        Some(secret) => {
            use hmac::Mac;
            let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes())
                .context("hmac key")?;
            mac.update(signing_input.as_bytes());
            URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
        }
    };
    Ok(format!("{signing_input}.{sig}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn id_tokens_are_validated_against_the_providers_keys() -> anyhow::Result<()> {
    if !available()? {
        return Ok(());
    }
    let provider = TestProvider::start("http://127.0.0.1:9", 0)?;
    let p = provider.discover().await?;

    // The control: a token the provider signed, as it would issue it, is accepted and read.
    let good = provider.sign(&claims(&provider), false).await?;
    let identity = p.verify(&good, NONCE).await?;
    ensure!(identity.subject == "oid-amira", "{identity:?}");
    ensure!(identity.link.as_deref() == Some("PS-2231"));
    ensure!(identity.roles == ["Pledge.Supervisor"] && identity.multi_factor);

    // Expired.
    let expired = provider
        .sign(&with(claims(&provider), "exp", json!(now() - 60)), false)
        .await?;
    let why = refused(&p, &expired, NONCE, "expired").await?;
    ensure!(why.to_lowercase().contains("expire"), "{why}");

    // Tampered: the payload changed (another person's number), the signature kept.
    let mut parts: Vec<String> = good.split('.').map(str::to_owned).collect();
    parts[1] = URL_SAFE_NO_PAD
        .encode(with(claims(&provider), "employeeid", json!("ADM-9000")).to_string());
    refused(&p, &parts.join("."), NONCE, "tampered payload").await?;
    // Tampered: the signature's bytes changed.
    let mut sig = URL_SAFE_NO_PAD.decode(good.rsplit('.').next().unwrap_or(""))?;
    sig[10] ^= 0x01;
    let flipped = format!(
        "{}.{}",
        good.rsplit_once('.').map(|(h, _)| h).unwrap_or(""),
        URL_SAFE_NO_PAD.encode(&sig)
    );
    refused(&p, &flipped, NONCE, "tampered signature").await?;

    // Another audience, another issuer, another sign-in's nonce.
    let other_aud = provider
        .sign(
            &with(claims(&provider), "aud", json!("another-client")),
            false,
        )
        .await?;
    refused(&p, &other_aud, NONCE, "another audience").await?;
    let other_iss = provider
        .sign(
            &with(claims(&provider), "iss", json!("https://evil.example")),
            false,
        )
        .await?;
    refused(&p, &other_iss, NONCE, "another issuer").await?;
    refused(&p, &good, "another-nonce", "another nonce").await?;

    // Unsigned (alg none), and HMAC-signed with the client secret (not allowed unless
    // configured).
    let none = hand_made("none", &claims(&provider), None)?;
    refused(&p, &none, NONCE, "alg none").await?;
    let hs = hand_made("HS256", &claims(&provider), Some(CLIENT_SECRET))?;
    refused(&p, &hs, NONCE, "HS256 with the client secret").await?;

    // Signed by a key the provider never published: its keys are fetched again, and the
    // token is still refused.
    let stranger = provider.sign(&claims(&provider), true).await?;
    let why = refused(&p, &stranger, NONCE, "unknown key").await?;
    ensure!(why.to_lowercase().contains("key"), "{why}");

    // Not a token at all.
    refused(&p, "not.a.token", NONCE, "garbage").await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rotated_key_is_fetched_when_a_token_names_it() -> anyhow::Result<()> {
    if !available()? {
        return Ok(());
    }
    let provider = TestProvider::start("http://127.0.0.1:9", 0)?;
    let p = provider.discover().await?;
    let before = provider.sign(&claims(&provider), false).await?;
    p.verify(&before, NONCE).await?;
    // The provider rotates its signing key (restarted with new keys, same issuer): Pledge,
    // still holding the old keys, fetches the new ones when a token names one.
    let provider = provider.restart("http://127.0.0.1:9")?;
    let after = provider.sign(&claims(&provider), false).await?;
    let identity = p.verify(&after, NONCE).await?;
    ensure!(identity.subject == "oid-amira");
    // The old key is gone from the provider's set: its tokens are refused now.
    let why = refused(&p, &before, NONCE, "a token of the retired key").await?;
    ensure!(why.to_lowercase().contains("key"), "{why}");
    Ok(())
}
