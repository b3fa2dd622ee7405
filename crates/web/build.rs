//! Builds the page assets and embeds them in the crate, so that the binary carries its styles
//! wherever it runs: `npm ci` from `assets/package-lock.json` when `node_modules/` does not
//! hold it yet (build/node.rs), Sass over `assets/pledge.scss`, then every file under a
//! content-hashed name in OUT_DIR with the table `src/pages/assets.rs` includes
//! (build/bundle.rs). Needs Node.js 20.19+ and npm; without them the build stops with a
//! sentence saying what to install. See docs/pages.md, "Styles (assets)".

#[path = "src/pages/asset_types.rs"]
mod asset_types;
#[path = "build/bundle.rs"]
mod bundle;
#[path = "build/node.rs"]
mod node;

use std::path::{Path, PathBuf};
use std::time::Instant;

fn main() {
    if let Err(message) = run() {
        // One line: cargo shows `cargo::error` as an error of this crate's build and stops
        // the build, without a panic's backtrace or the script's exit status around it.
        println!("cargo::error={}", message.replace('\n', " "));
    }
}

fn run() -> Result<(), String> {
    let started = Instant::now();
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").map_err(|e| e.to_string())?);
    let out = PathBuf::from(std::env::var("OUT_DIR").map_err(|e| e.to_string())?);
    let assets = manifest.join("assets");
    watch(&manifest, &assets)?;

    let node_version = node::check()?;
    let lock = node::lock(&assets)?;
    let installed = node::install(&assets)?;
    let css = bundle::compile_styles(&assets, &out)?;
    let built = bundle::bundle(&assets, &css, &out)?;
    drop(lock);

    let table = out.join("assets.rs");
    std::fs::write(&table, bundle::table(&built)?)
        .map_err(|e| format!("cannot write {}: {e}", table.display()))?;
    let names: Vec<&str> = built.iter().map(|b| b.path.as_str()).collect();
    println!(
        "cargo::warning=built the page styles with Node.js {node_version} ({}Sass) in {:.1} s: {}",
        if installed { "npm ci, " } else { "" },
        started.elapsed().as_secs_f64(),
        names.join(", ")
    );
    Ok(())
}

/// Tells cargo to run this again when a source of the assets changes: the build script, the
/// npm manifest and lockfile, and each stylesheet and script of `assets/` (a new file there is
/// seen once any of these changes; `node_modules/` and `dist/` are outputs, not watched).
fn watch(manifest: &Path, assets: &Path) -> Result<(), String> {
    for path in ["build.rs", "build", "src/pages/asset_types.rs"] {
        println!("cargo::rerun-if-changed={}", manifest.join(path).display());
    }
    for name in ["package.json", "package-lock.json"] {
        println!("cargo::rerun-if-changed={}", assets.join(name).display());
    }
    let entries =
        std::fs::read_dir(assets).map_err(|e| format!("cannot list {}: {e}", assets.display()))?;
    for entry in entries.filter_map(Result::ok) {
        let path = entry.path();
        let name = entry.file_name();
        let name = name.to_string_lossy();
        let source = path.is_file()
            && [".scss", ".js", ".svg", ".png", ".woff2"]
                .iter()
                .any(|ext| name.ends_with(ext));
        if source {
            println!("cargo::rerun-if-changed={}", path.display());
        }
    }
    Ok(())
}
