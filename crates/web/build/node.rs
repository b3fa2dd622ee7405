//! Node.js and the exact npm packages of `assets/package-lock.json`, installed once into the
//! shared `assets/node_modules/` (where `assets/build.sh` and the browser tests' axe-core
//! look too), under a file lock so that parallel builds (check, clippy, test, release, and
//! `build.sh`, which takes the same lock with flock(1)) never run `npm ci` over each other.

use sha2::{Digest, Sha256};
use std::fs::{self, File};
use std::path::Path;
use std::process::Command;

/// The oldest Node.js the page build runs on: the `engines` field of the Sass compiler in the
/// lockfile asks for 20.19.
const MIN_NODE: (u32, u32) = (20, 19);

/// What to do about a missing or old Node.js, said the same way in every case.
const INSTALL: &str = "Install Node.js 20.19 or later with npm from https://nodejs.org/en/download \
    (on Debian or Ubuntu, whose own nodejs package may be older, from NodeSource's apt \
    repository), then run cargo again.";

/// The lock file next to `node_modules/` (npm ci deletes and remakes that folder, so the lock
/// cannot live inside it). Held until the value is dropped.
pub fn lock(assets: &Path) -> Result<File, String> {
    let path = assets.join(".build.lock");
    let file = File::options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|e| format!("cannot open the page build's lock {}: {e}", path.display()))?;
    file.lock()
        .map_err(|e| format!("cannot take the page build's lock {}: {e}", path.display()))?;
    Ok(file)
}

/// Checks that Node.js 20.19+ and npm are installed; returns Node's version (`v20.20.2`).
pub fn check() -> Result<String, String> {
    let version = match Command::new("node").arg("--version").output() {
        Ok(out) if out.status.success() => String::from_utf8_lossy(&out.stdout).trim().to_owned(),
        _ => {
            return Err(format!(
                "Pledge's page styles are built with Node.js, and `node` was not found. {INSTALL}"
            ));
        }
    };
    let Some((major, minor)) = parse_version(&version) else {
        return Err(format!(
            "`node --version` answered {version:?}, which is not a version Pledge can read. {INSTALL}"
        ));
    };
    if (major, minor) < MIN_NODE {
        return Err(format!(
            "Pledge's page styles need Node.js 20.19 or later, and this machine has Node.js \
             {version}. {INSTALL}"
        ));
    }
    match Command::new("npm").arg("--version").output() {
        Ok(out) if out.status.success() => Ok(version),
        _ => Err(format!(
            "Pledge's page styles are built with npm, and `npm` was not found (Node.js {version} \
             is). {INSTALL}"
        )),
    }
}

/// `v20.19.1` → (20, 19).
fn parse_version(version: &str) -> Option<(u32, u32)> {
    let mut parts = version.trim().trim_start_matches('v').split('.');
    let major = parts.next()?.parse().ok()?;
    let minor = parts.next()?.parse().ok()?;
    Some((major, minor))
}

/// Runs `npm ci` unless `node_modules/` already holds this lockfile's packages (a stamp with
/// the lockfile's SHA-256, written after a successful install; `build.sh` writes the same).
/// Returns whether it installed.
pub fn install(assets: &Path) -> Result<bool, String> {
    let lockfile = assets.join("package-lock.json");
    let bytes =
        fs::read(&lockfile).map_err(|e| format!("cannot read {}: {e}", lockfile.display()))?;
    let want = hex(&Sha256::digest(&bytes));
    let stamp = assets.join("node_modules").join(".pledge-lockfile-sha256");
    if fs::read_to_string(&stamp).is_ok_and(|s| s.trim() == want) {
        return Ok(false);
    }
    let out = Command::new("npm")
        .args(["ci", "--ignore-scripts", "--no-audit", "--no-fund"])
        .current_dir(assets)
        // Cargo sets DEBUG for build scripts; Node's `debug` package reads it as a filter.
        .env_remove("DEBUG")
        .output()
        .map_err(|e| format!("cannot run `npm ci` in {}: {e}", assets.display()))?;
    if !out.status.success() {
        return Err(format!(
            "`npm ci` in {} failed ({}): {}",
            assets.display(),
            out.status,
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    fs::write(&stamp, format!("{want}\n"))
        .map_err(|e| format!("cannot write {}: {e}", stamp.display()))?;
    Ok(true)
}

/// Lower-case hexadecimal.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
