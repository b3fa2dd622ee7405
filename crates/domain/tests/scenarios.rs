//! Scenario and property tests for the plan engine, in one test binary: for every point of
//! each built-in plan (Op Hampshire a–g, BTP 1–7, West Midlands 1–10), cases built event by
//! event through `Case::record` and checked with `evaluate`, written from the source
//! documents (seeds 000–002); the Victims' Code clocks across weekends, bank holidays,
//! jurisdictions and clock changes; property tests; and the documentation checks.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

#[path = "scenarios/support.rs"]
mod support;

#[path = "scenarios/btp.rs"]
mod btp;
#[path = "scenarios/calendar_source.rs"]
mod calendar_source;
#[path = "scenarios/clocks.rs"]
mod clocks;
#[path = "scenarios/docs.rs"]
mod docs;
#[path = "scenarios/essex.rs"]
mod essex;
#[path = "scenarios/fidelity.rs"]
mod fidelity;
#[path = "scenarios/op_hampshire.rs"]
mod op_hampshire;
#[path = "scenarios/ossr_context.rs"]
mod ossr_context;
#[path = "scenarios/properties.rs"]
mod properties;
#[path = "scenarios/west_midlands.rs"]
mod west_midlands;
#[path = "scenarios/whom.rs"]
mod whom;
