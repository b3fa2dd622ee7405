//! End-to-end tests of the `pledge` binary: crash safety of appends (SIGKILL at random
//! moments), determinism of `pledge generate`, PostgreSQL dump and restore, and the
//! service's commands (demo, serve, user add, token create/revoke), backtests, on SQLite always and on
//! PostgreSQL when `PLEDGE_TEST_POSTGRES_URL` is set. One test binary; the modules are
//! under `tests/cli/`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod cli {
    pub mod assets;
    pub mod backtest;
    pub mod crash;
    pub mod escalation_crash;
    pub mod generate;
    pub mod harness;
    pub mod idempotency_crash;
    pub mod national;
    pub mod pg_dump;
    pub mod plan_install;
    pub mod serve;
}
