//! `pledge rebuild`

use std::process::ExitCode;

/// Recomputes every read model from the events.
pub async fn run(args: super::StoreArgs) -> anyhow::Result<ExitCode> {
    let store = args.open().await?;
    let projector = super::Projector::new()?;
    let n = pledge_store::rebuild(&store, |case| projector.project(case)).await?;
    println!("rebuilt the read models of {n} cases");
    Ok(ExitCode::SUCCESS)
}
