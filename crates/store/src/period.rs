//! Reading every case of a period for a backtest: one ordered query per backend streams the
//! events of the selected cases (`case_id, body`, by case and version); [`Grouper`] decodes
//! each body as it arrives and hands over a case as soon as its last event is read, so memory
//! holds one case, not the period.

use crate::encode;
use crate::error::{Result, StoreError};
use crate::model::{PeriodCase, PeriodSelection};
use pledge_domain::Event;
use sqlx::{Database, Encode, QueryBuilder, Type};

/// The query selecting the events of a selection's cases, in case and version order
/// (`case_id, body`), written once for both backends.
pub(crate) fn query<DB>(selection: &PeriodSelection) -> QueryBuilder<DB>
where
    DB: Database,
    for<'t> String: Encode<'t, DB> + Type<DB>,
    for<'t> i64: Encode<'t, DB> + Type<DB>,
{
    let mut q = QueryBuilder::new(
        "SELECT e.case_id, e.body FROM event e WHERE e.disposed = FALSE AND e.case_id IN \
         (SELECT case_id FROM case_summary WHERE force IN (",
    );
    let mut forces = q.separated(", ");
    for f in &selection.forces {
        forces.push_bind(f.clone());
    }
    q.push(") AND reported_at >= ")
        .push_bind(encode::micros(selection.from))
        .push(" AND reported_at < ")
        .push_bind(encode::micros(selection.to))
        .push(") ORDER BY e.case_id, e.case_version");
    q
}

/// Groups streamed event rows into cases.
pub(crate) struct Grouper<'v> {
    visit: &'v mut (dyn FnMut(PeriodCase) -> Result<()> + Send),
    current: Option<PeriodCase>,
    visited: u64,
}

impl<'v> Grouper<'v> {
    pub(crate) fn new(visit: &'v mut (dyn FnMut(PeriodCase) -> Result<()> + Send)) -> Self {
        Self {
            visit,
            current: None,
            visited: 0,
        }
    }

    /// One row: an event of a case (rows arrive in case and version order).
    pub(crate) fn row(&mut self, case_id: &str, body: &str) -> Result<()> {
        let event: Event = serde_json::from_str(body).map_err(|e| {
            StoreError::Corrupt(format!("case {case_id}: an event is not readable: {e}"))
        })?;
        match &mut self.current {
            Some(c) if c.case_id.as_str() == case_id => c.events.push(event),
            _ => {
                let next = PeriodCase {
                    case_id: encode::case_id(case_id.to_owned())?,
                    events: vec![event],
                };
                if let Some(done) = self.current.replace(next) {
                    self.visited += 1;
                    (self.visit)(done)?;
                }
            }
        }
        Ok(())
    }

    /// The last case; how many were visited.
    pub(crate) fn finish(mut self) -> Result<u64> {
        if let Some(done) = self.current.take() {
            self.visited += 1;
            (self.visit)(done)?;
        }
        Ok(self.visited)
    }
}

/// Whether a selection selects nothing (no forces, or an empty period).
pub(crate) fn is_empty(selection: &PeriodSelection) -> bool {
    selection.forces.is_empty() || selection.from >= selection.to
}
