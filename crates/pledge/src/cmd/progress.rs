//! A progress bar for long passes over every case (`pledge rebuild`, `pledge verify`): cases
//! done, the rate and the time left, on standard error, and only when standard error is a
//! terminal, so scripts, tests and CI see nothing.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;

/// A bar counting cases; hidden when standard error is not a terminal.
pub struct CaseProgress {
    bar: ProgressBar,
}

impl CaseProgress {
    /// A bar with this message (e.g. "rebuilding read models").
    pub fn new(message: &'static str) -> Self {
        let bar = ProgressBar::with_draw_target(
            None,
            if std::io::stderr().is_terminal() {
                ProgressDrawTarget::stderr()
            } else {
                ProgressDrawTarget::hidden()
            },
        );
        bar.set_style(
            ProgressStyle::with_template(
                "{msg} [{bar:30}] {human_pos}/{human_len} cases, {per_sec}, {eta} left",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
        );
        bar.set_message(message);
        Self { bar }
    }

    /// Cases done so far of about `total`.
    pub fn update(&mut self, done: u64, total: u64) {
        self.bar.set_length(total);
        self.bar.set_position(done);
    }

    /// Removes the bar.
    pub fn finish(self) {
        self.bar.finish_and_clear();
    }
}
