//! Mail written to a directory instead of sent, for `pledge demo` without a mail server:
//! each due notification email becomes `notification-ID.eml` (the same message an SMTP
//! server would get), and its row is marked sent with the file's path as the answer, so it
//! is written once.

use super::{MailConfig, compose};
use jiff::Timestamp;
use pledge_store::notify::NotificationStore;
use std::path::Path;

/// Messages one call claims.
const BATCH: u32 = 100;

/// Writes every email due at `now` into `dir` (created if missing); returns how many were
/// written. A message that cannot be composed is failed for good, as the mailer would.
pub async fn write_due(
    config: &MailConfig,
    store: &impl NotificationStore,
    now: Timestamp,
    dir: &Path,
) -> anyhow::Result<usize> {
    std::fs::create_dir_all(dir)
        .map_err(|e| anyhow::anyhow!("--mail-dir {}: {e}", dir.display()))?;
    let mut written = 0;
    loop {
        let jobs = store.claim_emails(now, config.lease, BATCH).await?;
        let claimed = jobs.len();
        for job in jobs {
            let message = match compose(config, &job) {
                Ok(m) => m,
                Err(e) => {
                    store.email_failed(job.id, &e, None).await?;
                    continue;
                }
            };
            let path = dir.join(format!("notification-{}.eml", job.id));
            std::fs::write(&path, message.formatted())
                .map_err(|e| anyhow::anyhow!("writing {}: {e}", path.display()))?;
            store
                .email_sent(job.id, now, &format!("written to {}", path.display()))
                .await?;
            written += 1;
        }
        if claimed < BATCH as usize {
            return Ok(written);
        }
    }
}
