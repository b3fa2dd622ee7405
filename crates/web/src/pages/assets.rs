//! `/assets/...`: the compiled stylesheet (built by `crates/web/assets/build.sh` into
//! `crates/web/assets/dist/`), served from disk with a cache lifetime of a day.

use axum::http::{HeaderValue, header};
use std::path::PathBuf;
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeader;

/// Where the built assets are: `PLEDGE_ASSETS_DIR` when set, otherwise the `dist` folder the
/// build script writes next to this crate's sources.
pub fn assets_dir() -> PathBuf {
    std::env::var_os("PLEDGE_ASSETS_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/assets/dist")))
}

/// The service for `/assets`.
pub fn service() -> SetResponseHeader<ServeDir, HeaderValue> {
    let dir = assets_dir();
    if !dir.join("pledge.css").is_file() {
        tracing::warn!(dir = %dir.display(),
            "page styles are not built: run crates/web/assets/build.sh (pages will be unstyled)");
    }
    SetResponseHeader::overriding(
        ServeDir::new(dir),
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=86400"),
    )
}
