//! `pledge rebuild`

use std::process::ExitCode;

/// Recomputes every read model from the events.
pub async fn run(args: super::StoreArgs) -> anyhow::Result<ExitCode> {
    let store = args.open().await?;
    // As the application writes them: with the meeting dates of each case's unit.
    let projector = super::verify::Projector::load(&store).await?;
    let n = pledge_store::rebuild(&store, |case| {
        projector.expected(case).map(|e| e.projection)
    })
    .await?;
    println!("rebuilt the read models of {n} cases");
    Ok(ExitCode::SUCCESS)
}
