//! The page assets embedded in the binary: the pages refer to content-hashed names, each is
//! served with its type and a year-long immutable cache, the stylesheet's own references
//! resolve, and an unknown name is a 404.

use crate::harness::{Backend, spawn_app};
use reqwest::StatusCode;
use reqwest::header::{CACHE_CONTROL, CONTENT_TYPE, ETAG, IF_NONE_MATCH};

crate::both!(pages_refer_to_the_hashed_assets_the_server_serves);

/// The values of `attr="..."` in `html` that start with `/assets/`.
fn asset_refs(html: &str, attr: &str) -> Vec<String> {
    let needle = format!("{attr}=\"/assets/");
    html.match_indices(&needle)
        .filter_map(|(i, _)| {
            let start = i + attr.len() + 2;
            let len = html[start..].find('"')?;
            Some(html[start..start + len].to_owned())
        })
        .collect()
}

/// The `/assets/...` URLs of a stylesheet's `url(...)`s.
fn css_refs(css: &str) -> Vec<String> {
    css.match_indices("url(")
        .filter_map(|(i, _)| {
            let rest = &css[i + 4..];
            let inner = rest[..rest.find(')')?].trim_matches(|c| c == '"' || c == '\'');
            inner.starts_with("/assets/").then(|| inner.to_owned())
        })
        .collect()
}

/// `NAME.HASH8.EXT`: eight lower-case hexadecimal digits before the extension.
fn is_hashed(url: &str) -> bool {
    let parts: Vec<&str> = url.rsplitn(3, '.').collect();
    parts.len() == 3
        && parts[1].len() == 8
        && parts[1]
            .chars()
            .all(|c| c.is_ascii_digit() || ('a'..='f').contains(&c))
}

async fn pages_refer_to_the_hashed_assets_the_server_serves(
    backend: Backend,
) -> anyhow::Result<()> {
    let Some(app) = spawn_app(backend, "assets").await? else {
        return Ok(());
    };
    let c = app.client();
    let html = c.get(app.url("/sign-in")).send().await?.text().await?;
    let styles = asset_refs(&html, "href");
    let scripts = asset_refs(&html, "src");
    // Exactly the names the one helper gives: the stylesheet and the menu's script.
    assert_eq!(
        styles,
        vec![pledge_web::pages::asset("pledge.css")],
        "{html}"
    );
    assert_eq!(scripts, vec![pledge_web::pages::asset("menu.js")], "{html}");

    let mut css = String::new();
    for (url, kind) in [
        (&styles[0], "text/css; charset=utf-8"),
        (&scripts[0], "text/javascript; charset=utf-8"),
    ] {
        assert!(is_hashed(url), "{url} is content-hashed");
        let res = c.get(app.url(url)).send().await?;
        assert_eq!(res.status(), StatusCode::OK, "{url}");
        let h = res.headers().clone();
        assert_eq!(h[CONTENT_TYPE], kind, "{url}");
        assert_eq!(
            h[CACHE_CONTROL], "public, max-age=31536000, immutable",
            "{url}"
        );
        let etag = h[ETAG].clone();
        let body = res.text().await?;
        assert!(!body.is_empty(), "{url}");
        if kind.starts_with("text/css") {
            css = body;
        }
        // A browser revalidating (a reload) gets 304 with no body.
        let again = c
            .get(app.url(url))
            .header(IF_NONE_MATCH, etag)
            .send()
            .await?;
        assert_eq!(again.status(), StatusCode::NOT_MODIFIED, "{url}");
    }
    assert!(css.contains(".govuk-button"), "the stylesheet is compiled");

    // Every image or font the stylesheet refers to is served, under a hashed name too.
    let refs = css_refs(&css);
    assert!(
        !refs.is_empty(),
        "govuk-frontend's stylesheet refers to its images"
    );
    for url in refs {
        assert!(is_hashed(&url), "{url} is content-hashed");
        let res = c.get(app.url(&url)).send().await?;
        assert_eq!(res.status(), StatusCode::OK, "{url}");
        assert_eq!(
            res.headers()[CACHE_CONTROL],
            "public, max-age=31536000, immutable"
        );
        let kind = res.headers()[CONTENT_TYPE].to_str()?.to_owned();
        assert!(
            kind.starts_with("image/") || kind.starts_with("font/"),
            "{url}: {kind}"
        );
    }

    // Unknown names, plain names (outside development) and escapes are 404, never 500.
    for url in [
        "/assets/pledge.css",
        "/assets/pledge.00000000.css",
        "/assets/nothing.js",
        "/assets/images/",
        "/assets/..%2FCargo.toml",
        "/assets/%2e%2e/Cargo.toml",
        "/assets/",
    ] {
        let res = c.get(app.url(url)).send().await?;
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "{url}");
    }
    Ok(())
}
