//! `/assets/...`: the page styles, scripts and the images the styles refer to, embedded in
//! the binary by `build.rs` under content-hashed names (`pledge.3f9a1c2e.css`) and served with
//! `Cache-Control: public, max-age=31536000, immutable`, so a copied binary serves styled
//! pages from any folder and a browser asks for each version once. Templates name them
//! through [`href`] (`{{ crate::pages::asset("pledge.css") }}`), never by a written path.
//!
//! `PLEDGE_ASSETS_DIR` is for development only: set it to a folder (usually
//! `crates/web/assets/dist`, which `crates/web/assets/build.sh` writes) and pages refer to the
//! plain names, served from that folder (falling back to the embedded files) with
//! `Cache-Control: no-cache`, so an edited stylesheet shows on the next reload without a
//! rebuild of Rust.

use super::asset_types::content_type;
use axum::extract::Path;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use std::path::{Component, PathBuf};
use std::sync::OnceLock;

/// One file embedded by the build script.
pub struct Embedded {
    /// The name templates ask for: `pledge.css`, `images/govuk-crest.svg`.
    pub name: &'static str,
    /// The content-hashed name it is served under, below `/assets/`.
    pub path: &'static str,
    /// Its Content-Type.
    pub content_type: &'static str,
    /// Its entity tag (from the same hash), quoted.
    pub etag: &'static str,
    /// Its bytes.
    pub bytes: &'static [u8],
}

/// Every embedded file, sorted by hashed name (written by `build.rs` into OUT_DIR).
pub static EMBEDDED: &[Embedded] = include!(concat!(env!("OUT_DIR"), "/assets.rs"));

/// A hashed name never changes its content, so a browser may keep it for a year unasked.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";

/// The development folder's files change at any moment: ask each time.
const NO_CACHE: &str = "no-cache";

/// The development folder, when `PLEDGE_ASSETS_DIR` is set (read once).
fn override_dir() -> Option<&'static PathBuf> {
    static DIR: OnceLock<Option<PathBuf>> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = std::env::var_os("PLEDGE_ASSETS_DIR").map(PathBuf::from)?;
        tracing::info!(dir = %dir.display(),
            "PLEDGE_ASSETS_DIR is set: page assets are served from it, uncached (development only)");
        Some(dir)
    })
    .as_ref()
}

/// The URL of an asset by its plain name (`pledge.css` → `/assets/pledge.3f9a1c2e.css`); the
/// plain `/assets/NAME` under `PLEDGE_ASSETS_DIR`. A name that was not built (a template's
/// mistake, caught by this module's tests) gets the plain URL, which answers 404.
pub fn href(name: &str) -> String {
    match EMBEDDED.iter().find(|a| a.name == name) {
        Some(asset) if override_dir().is_none() => format!("/assets/{}", asset.path),
        _ => format!("/assets/{name}"),
    }
}

/// `GET /assets/{*path}`: an embedded file by its hashed name; under `PLEDGE_ASSETS_DIR`, the
/// folder's file or the embedded one by its plain name; anything else 404.
pub async fn serve(Path(path): Path<String>, headers: HeaderMap) -> Response {
    if let Some(asset) = EMBEDDED.iter().find(|a| a.path == path) {
        return embedded(asset, IMMUTABLE, &headers);
    }
    if let Some(dir) = override_dir() {
        if let Some(response) = from_folder(dir, &path).await {
            return response;
        }
        if let Some(asset) = EMBEDDED.iter().find(|a| a.name == path) {
            return embedded(asset, NO_CACHE, &headers);
        }
    }
    not_found()
}

/// An embedded file, or 304 when the browser already holds this version.
fn embedded(asset: &Embedded, cache: &'static str, headers: &HeaderMap) -> Response {
    let etag = HeaderValue::from_static(asset.etag);
    let cache = (header::CACHE_CONTROL, HeaderValue::from_static(cache));
    let held = headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|tag| tag.trim() == asset.etag || tag.trim() == "*");
    if held {
        return (StatusCode::NOT_MODIFIED, [(header::ETAG, etag), cache]).into_response();
    }
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static(asset.content_type),
            ),
            (header::ETAG, etag),
            cache,
        ],
        asset.bytes,
    )
        .into_response()
}

/// A file of the development folder; `None` when it has none by that name. Only plain names
/// below the folder are looked up (no `..`, no absolute paths, no hidden files).
async fn from_folder(dir: &std::path::Path, path: &str) -> Option<Response> {
    let relative = std::path::Path::new(path);
    let plain = relative.components().all(|c| match c {
        Component::Normal(part) => !part.to_string_lossy().starts_with('.'),
        _ => false,
    });
    if !plain {
        return None;
    }
    let bytes = tokio::fs::read(dir.join(relative)).await.ok()?;
    let content_type = content_type(path).unwrap_or("application/octet-stream");
    Some(
        (
            [
                (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
                (header::CACHE_CONTROL, HeaderValue::from_static(NO_CACHE)),
            ],
            bytes,
        )
            .into_response(),
    )
}

/// An unknown asset: a plain 404 (a stylesheet's or script's request has no reader).
fn not_found() -> Response {
    (
        StatusCode::NOT_FOUND,
        [(header::CACHE_CONTROL, HeaderValue::from_static(NO_CACHE))],
        "No such asset\n",
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every `asset("...")` a template asks for was built, so no page links to a 404.
    #[test]
    fn every_asset_a_template_names_is_embedded() -> Result<(), std::io::Error> {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/templates");
        let mut asked = 0;
        for entry in std::fs::read_dir(dir)? {
            let text = std::fs::read_to_string(entry?.path())?;
            for (_, rest) in text
                .match_indices("asset(\"")
                .map(|(i, _)| text.split_at(i + 7))
            {
                let name = &rest[..rest.find('"').unwrap_or(0)];
                assert!(
                    EMBEDDED.iter().any(|a| a.name == name),
                    "a template asks for the asset {name:?}, which build.rs did not embed"
                );
                asked += 1;
            }
        }
        assert!(
            asked >= 3,
            "the templates name their assets through asset(...)"
        );
        Ok(())
    }

    #[test]
    fn hashed_names_are_unique_and_typed() {
        for a in EMBEDDED {
            assert_eq!(EMBEDDED.iter().filter(|b| b.path == a.path).count(), 1);
            assert!(a.path.len() > a.name.len(), "{} is hashed", a.path);
            assert_eq!(Some(a.content_type), content_type(a.name));
        }
    }
}
