//! Flags shared by `pledge serve` and `pledge worker` for the notification round: how often it
//! runs, and the test-only settable clock.

use anyhow::Context;
use jiff::Timestamp;
use pledge_web::Clock;
use std::time::Duration;

/// The environment variable that must be set to `1` before the test clock is accepted, so a
/// production service can never be started on a false time by a stray flag.
pub const TEST_CLOCK_OPT_IN: &str = "PLEDGE_TEST_CLOCK";

/// The notification round's flags.
#[derive(clap::Args, Clone)]
pub struct BackgroundArgs {
    /// How often (seconds) the escalation sweep and delivery run.
    #[arg(long, env = "PLEDGE_NOTIFY_INTERVAL", default_value_t = 60, value_parser = clap::value_parser!(u64).range(1..=86_400))]
    pub notify_interval: u64,
    /// TEST ONLY, refused unless PLEDGE_TEST_CLOCK=1: the service's clock starts at this
    /// moment (RFC 3339, e.g. 2026-03-02T08:00:00Z) instead of the real time, for the sweep,
    /// delivery and every request.
    #[arg(long, value_name = "RFC3339")]
    pub test_clock_start: Option<String>,
    /// TEST ONLY, with --test-clock-start: the test clock runs this many times as fast as
    /// the real one (1440: a day a minute).
    #[arg(long, value_name = "N", default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    pub test_clock_speed: u32,
}

impl BackgroundArgs {
    /// The interval between rounds.
    pub fn every(&self) -> Duration {
        Duration::from_secs(self.notify_interval)
    }

    /// The clock: the system's, or the test clock when asked for and allowed.
    pub fn clock(&self) -> anyhow::Result<Clock> {
        let opted_in = std::env::var(TEST_CLOCK_OPT_IN).is_ok_and(|v| v == "1");
        self.clock_with(opted_in)
    }

    fn clock_with(&self, opted_in: bool) -> anyhow::Result<Clock> {
        let Some(start) = &self.test_clock_start else {
            if self.test_clock_speed != 1 {
                anyhow::bail!("--test-clock-speed: only with --test-clock-start");
            }
            return Ok(Clock::System);
        };
        if !opted_in {
            anyhow::bail!(
                "--test-clock-start: the settable clock is for tests only; \
                 set {TEST_CLOCK_OPT_IN}=1 to use it"
            );
        }
        let start: Timestamp = start
            .parse()
            .with_context(|| format!("--test-clock-start: {start:?} is not an RFC 3339 time"))?;
        tracing::warn!(start = %start, speed = self.test_clock_speed, "running on the TEST clock, not the real time");
        Ok(Clock::Scaled {
            start,
            origin: std::time::Instant::now(),
            speed: self.test_clock_speed,
        })
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn args(start: Option<&str>, speed: u32) -> BackgroundArgs {
        BackgroundArgs {
            notify_interval: 60,
            test_clock_start: start.map(str::to_owned),
            test_clock_speed: speed,
        }
    }

    #[test]
    fn the_test_clock_is_refused_without_the_opt_in() {
        let e = args(Some("2026-03-02T08:00:00Z"), 60)
            .clock_with(false)
            .unwrap_err();
        assert!(e.to_string().contains("PLEDGE_TEST_CLOCK=1"), "{e}");
    }

    #[test]
    fn the_test_clock_starts_where_told_and_runs_fast() {
        let clock = args(Some("2026-03-02T08:00:00Z"), 3600)
            .clock_with(true)
            .unwrap();
        let start: Timestamp = "2026-03-02T08:00:00Z".parse().unwrap();
        let first = clock.now();
        assert!(first >= start && first < start + jiff::SignedDuration::from_mins(10));
        std::thread::sleep(Duration::from_millis(50));
        // 50 ms at 3600 times is at least 3 minutes.
        assert!(clock.now() >= first + jiff::SignedDuration::from_mins(3));
    }

    #[test]
    fn bad_clock_flags_are_named() {
        let e = args(Some("yesterday"), 1).clock_with(true).unwrap_err();
        assert!(e.to_string().contains("--test-clock-start"), "{e}");
        let e = args(None, 5).clock_with(true).unwrap_err();
        assert!(e.to_string().contains("--test-clock-speed"), "{e}");
        assert!(matches!(
            args(None, 1).clock_with(false).unwrap(),
            Clock::System
        ));
    }
}
