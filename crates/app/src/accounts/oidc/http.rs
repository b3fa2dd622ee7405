//! The HTTP client openidconnect talks to the provider with: reqwest over rustls (the
//! operating system's trusted certificates), no redirects followed, a timeout, and a cap on
//! the answer's size.

use openidconnect::{HttpRequest, HttpResponse};
use std::time::Duration;

/// The largest answer read from the provider (discovery, keys, token), in bytes.
const MAX_RESPONSE: usize = 1024 * 1024;

/// A failed request to the provider.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct HttpError(String);

/// Builds the client (at startup).
pub fn client() -> Result<reqwest::Client, HttpError> {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(10))
        .connect_timeout(Duration::from_secs(5))
        .build()
        .map_err(|e| HttpError(format!("building the HTTP client: {e}")))
}

/// Sends one request for openidconnect.
pub async fn send(
    client: reqwest::Client,
    request: HttpRequest,
) -> Result<HttpResponse, HttpError> {
    let (parts, body) = request.into_parts();
    let mut response = client
        .request(parts.method, parts.uri.to_string())
        .headers(parts.headers)
        .body(body)
        .send()
        .await
        .map_err(|e| HttpError(format!("{}: {e}", parts.uri)))?;
    let mut answer = openidconnect::http::Response::builder().status(response.status());
    for (name, value) in response.headers() {
        answer = answer.header(name, value);
    }
    let mut bytes = Vec::new();
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(|e| HttpError(format!("{}: {e}", parts.uri)))?
    {
        if bytes.len() + chunk.len() > MAX_RESPONSE {
            return Err(HttpError(format!(
                "{}: the answer is larger than {MAX_RESPONSE} bytes",
                parts.uri
            )));
        }
        bytes.extend_from_slice(&chunk);
    }
    answer
        .body(bytes)
        .map_err(|e| HttpError(format!("{}: {e}", parts.uri)))
}
