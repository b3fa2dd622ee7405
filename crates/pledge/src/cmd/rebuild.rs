//! `pledge rebuild`

use std::process::ExitCode;

/// Recomputes every read model from the events.
pub async fn run(args: super::StoreArgs) -> anyhow::Result<ExitCode> {
    let store = args.open().await?;
    // As the application writes them: with the meeting dates of each case's unit.
    let projector = super::verify::Projector::load(&store).await?;
    let mut bar = super::progress::CaseProgress::new("rebuilding read models");
    let n = pledge_store::rebuild_with(
        &store,
        |case| projector.expected(case).map(|e| e.projection),
        &mut |done, total| bar.update(done, total),
    )
    .await;
    bar.finish();
    println!("rebuilt the read models of {} cases", n?);
    Ok(ExitCode::SUCCESS)
}
