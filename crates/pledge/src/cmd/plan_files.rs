//! A force's own plan files next to the built-in plans: loading them into the library, and
//! reading a plan named as `ID`, `ID@VERSION` or a file.

use anyhow::Context;
use pledge_domain::{Plan, PlanLibrary};
use std::path::Path;

/// Loads a plan file, checking it (every problem with its line and column).
pub fn load(path: &Path) -> anyhow::Result<Plan> {
    let text = super::read_limited(path, pledge_domain::plan::MAX_PLAN_BYTES as u64)?;
    pledge_domain::load_plan(&path.display().to_string(), &text)
        .with_context(|| format!("{}: the plan file has problems", path.display()))
}

/// The built-in plans and these plan files (a force's own plans and versions).
pub fn library_with(files: &[impl AsRef<Path>]) -> anyhow::Result<PlanLibrary> {
    let mut lib = super::library()?;
    for path in files {
        let plan = load(path.as_ref())?;
        lib.add(plan)
            .map_err(|e| anyhow::anyhow!("{}: {e}", path.as_ref().display()))?;
    }
    Ok(lib)
}

/// A plan named as a file (loaded), `ID@VERSION` or `ID` (the newest version) in `lib`.
pub fn resolve(lib: &PlanLibrary, spec: &str) -> anyhow::Result<Plan> {
    if Path::new(spec).is_file() {
        return load(Path::new(spec));
    }
    let found = match spec.split_once('@') {
        Some((id, v)) => {
            let v: u32 = v
                .parse()
                .with_context(|| format!("\"{v}\" is not a version number"))?;
            lib.get(id, v)
        }
        None => lib.latest(spec),
    };
    found
        .cloned()
        .with_context(|| format!("no plan \"{spec}\" and no such file"))
}

/// The built-in plans, these plan files, and every version installed in the store's plan
/// register (what `pledge serve` would have loaded).
pub async fn library_for_store(
    store: &impl pledge_store::PlanStore,
    files: &[impl AsRef<Path>],
) -> anyhow::Result<PlanLibrary> {
    let entries = store
        .plan_register()
        .await
        .context("cannot read the plan register")?;
    let loaded = pledge_app::plans::with_register(library_with(files)?, entries);
    if let Some(problem) = loaded.problems.first() {
        anyhow::bail!("{problem}");
    }
    let lib = loaded.library;
    Ok(lib)
}
