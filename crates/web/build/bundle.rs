//! The files the binary embeds: the stylesheet compiled by Sass with every `url(/assets/...)`
//! it references (govuk-frontend's images, or a file of Pledge's own) renamed to its hashed
//! name, and the page scripts; each written to OUT_DIR under a content-hashed name, and the
//! table `src/pages/assets.rs` includes.

use crate::asset_types::content_type;
use crate::node::hex;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Where the stylesheet's `/assets/...` references are looked for after Pledge's own folder.
const GOVUK_ASSETS: &str = "node_modules/govuk-frontend/dist/govuk/assets";

/// One embedded file.
pub struct Built {
    /// The name templates ask for (`pledge.css`, `images/govuk-crest.svg`).
    pub name: String,
    /// The hashed name it is served under (`pledge.3f9a1c2e.css`).
    pub path: String,
    /// Where its bytes are in OUT_DIR.
    pub file: PathBuf,
    /// Its SHA-256, hexadecimal.
    pub sha256: String,
}

/// Compiles `pledge.scss` with the Sass compiler of `node_modules/` (the lock must be held).
pub fn compile_styles(assets: &Path, out: &Path) -> Result<String, String> {
    let css = out.join("pledge.compiled.css");
    let result = Command::new("node")
        .arg("node_modules/sass/sass.js")
        .args([
            "--no-source-map",
            "--style=compressed",
            "--quiet-deps",
            "--load-path=node_modules",
            "pledge.scss",
        ])
        .arg(&css)
        .current_dir(assets)
        .env_remove("DEBUG")
        .output()
        .map_err(|e| format!("cannot run the Sass compiler with node: {e}"))?;
    if !result.status.success() {
        return Err(format!(
            "Sass could not compile {}: {}",
            assets.join("pledge.scss").display(),
            String::from_utf8_lossy(&result.stderr).trim()
        ));
    }
    fs::read_to_string(&css).map_err(|e| format!("cannot read {}: {e}", css.display()))
}

/// Builds every embedded file into `out/assets/` from the compiled stylesheet and the page
/// scripts (`assets/*.js`).
pub fn bundle(assets: &Path, css: &str, out: &Path) -> Result<Vec<Built>, String> {
    let dir = out.join("assets");
    if dir.exists() {
        fs::remove_dir_all(&dir).map_err(|e| format!("cannot empty {}: {e}", dir.display()))?;
    }
    let mut built = Vec::new();
    let mut referenced = BTreeMap::new();
    let css = rewrite_urls(css, |name| {
        if let Some(path) = referenced.get(name) {
            return Ok(Some(String::clone(path)));
        }
        let Some(source) = find_referenced(assets, name)? else {
            return Ok(None);
        };
        let b = emit(&dir, name, &read(&source)?)?;
        referenced.insert(name.to_owned(), b.path.clone());
        let path = b.path.clone();
        built.push(b);
        Ok(Some(path))
    })?;
    built.push(emit(&dir, "pledge.css", css.as_bytes())?);
    let mut scripts: Vec<PathBuf> = fs::read_dir(assets)
        .map_err(|e| format!("cannot list {}: {e}", assets.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "js") && p.is_file())
        .collect();
    scripts.sort();
    for script in scripts {
        let name = file_name(&script)?;
        built.push(emit(&dir, &name, &read(&script)?)?);
    }
    Ok(built)
}

/// The file a stylesheet reference `/assets/NAME` names: Pledge's own under `assets/`
/// (but never its build folders), else govuk-frontend's. `None` when neither has it.
fn find_referenced(assets: &Path, name: &str) -> Result<Option<PathBuf>, String> {
    let safe = !name.is_empty()
        && name.split('/').all(|part| {
            !part.is_empty()
                && !part.starts_with('.')
                && part
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        })
        && !name.starts_with("node_modules/")
        && !name.starts_with("dist/");
    if !safe {
        return Err(format!(
            "the stylesheet refers to /assets/{name}, which is not a name Pledge serves \
             (letters, digits, '-', '_', '.' and '/' only)"
        ));
    }
    for candidate in [assets.join(name), assets.join(GOVUK_ASSETS).join(name)] {
        if candidate.is_file() {
            return Ok(Some(candidate));
        }
    }
    Ok(None)
}

/// Replaces each `url(/assets/NAME)` (quoted or not; a `?query` or `#fragment` kept) by the
/// hashed name `hashed(NAME)` gives; other URLs (`data:`, elsewhere) are left alone. A name
/// `hashed` cannot find is an error naming it.
fn rewrite_urls(
    css: &str,
    mut hashed: impl FnMut(&str) -> Result<Option<String>, String>,
) -> Result<String, String> {
    let mut out = String::with_capacity(css.len());
    let mut rest = css;
    while let Some(start) = rest.find("url(") {
        let (before, after) = rest.split_at(start + "url(".len());
        out.push_str(before);
        let end = after
            .find(')')
            .ok_or_else(|| "the stylesheet has a url( without its )".to_owned())?;
        let inner = after[..end].trim();
        let unquoted = inner.trim_matches(|c| c == '"' || c == '\'');
        match unquoted.strip_prefix("/assets/") {
            Some(reference) => {
                let split = reference.find(['?', '#']).unwrap_or(reference.len());
                let (name, suffix) = reference.split_at(split);
                let path = hashed(name)?.ok_or_else(|| {
                    format!(
                        "the stylesheet refers to /assets/{name}, which is neither in \
                         crates/web/assets/ nor in govuk-frontend's assets"
                    )
                })?;
                let _ = write!(out, "\"/assets/{path}{suffix}\"");
            }
            None => out.push_str(&after[..end]),
        }
        rest = &after[end..];
    }
    out.push_str(rest);
    Ok(out)
}

/// Writes one file under its hashed name (`NAME.HASH8.EXT`, in NAME's folder).
fn emit(dir: &Path, name: &str, bytes: &[u8]) -> Result<Built, String> {
    if content_type(name).is_none() {
        return Err(format!(
            "{name} is of a kind Pledge does not serve (see src/pages/asset_types.rs)"
        ));
    }
    let sha256 = hex(&Sha256::digest(bytes));
    let (stem, ext) = name.rsplit_once('.').unwrap_or((name, ""));
    let path = format!("{stem}.{}.{ext}", &sha256[..8]);
    let file = dir.join(&path);
    if let Some(parent) = file.parent() {
        fs::create_dir_all(parent)
            .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
    }
    fs::write(&file, bytes).map_err(|e| format!("cannot write {}: {e}", file.display()))?;
    Ok(Built {
        name: name.to_owned(),
        path,
        file,
        sha256,
    })
}

/// The Rust source of the table of embedded files: a slice expression of `Embedded` values,
/// sorted by hashed name, each with its bytes by `include_bytes!`.
pub fn table(built: &[Built]) -> Result<String, String> {
    let mut sorted: Vec<&Built> = built.iter().collect();
    sorted.sort_by(|a, b| a.path.cmp(&b.path));
    let mut src =
        String::from("// Generated by crates/web/build.rs: the embedded page assets.\n&[\n");
    for b in sorted {
        let file = b
            .file
            .to_str()
            .ok_or_else(|| format!("{} is not a UTF-8 path", b.file.display()))?;
        let content_type = content_type(&b.name).unwrap_or("application/octet-stream");
        let _ = writeln!(
            src,
            "    Embedded {{ name: {:?}, path: {:?}, content_type: {:?}, etag: {:?}, bytes: include_bytes!({:?}) }},",
            b.name,
            b.path,
            content_type,
            format!("\"{}\"", &b.sha256[..32]),
            file
        );
    }
    src.push_str("]\n");
    Ok(src)
}

fn read(path: &Path) -> Result<Vec<u8>, String> {
    fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
}

fn file_name(path: &Path) -> Result<String, String> {
    path.file_name()
        .and_then(|n| n.to_str())
        .map(str::to_owned)
        .ok_or_else(|| format!("{} has no UTF-8 file name", path.display()))
}
