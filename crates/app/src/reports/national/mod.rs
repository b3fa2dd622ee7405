//! The national view (issue 10; docs/reports.md, "The national view"): each force exports an
//! anonymised, suppressed aggregate of its panel pack ([`export`], schema in [`schema`]), and
//! any number of exports merge into the national picture ([`merge`]): the same measures by
//! force and for all forces, with rates per 1,000 ([`rates`]). Nothing personal crosses the
//! boundary: the exports hold only the panel pack's suppressed counts.

pub mod csv;
pub mod export;
pub mod merge;
mod rates;
pub mod reading;
pub mod schema;

pub use export::{ExportRequest, build as build_export};
pub use merge::{NationalPicture, Refusal, Total, merge, parse};
pub use schema::{Figure, NationalExport, SCHEMA_VERSION};

/// Parses and merges files given as (name, text), refusing the first bad one.
pub fn merge_texts(files: &[(String, String)]) -> Result<NationalPicture, Refusal> {
    let parsed = files
        .iter()
        .map(|(name, text)| parse(name, text).map(|e| (name.clone(), e)))
        .collect::<Result<Vec<_>, _>>()?;
    merge(&parsed)
}

impl<S: pledge_store::Store> crate::app::App<S> {
    /// Merges exports given as (name, text) for an actor the policy allows
    /// ([`crate::policy::decide_national`]; otherwise [`crate::error::AppError::Forbidden`]).
    /// A refused file is the inner error, naming the file and the field.
    pub fn national_merge(
        &self,
        actor: &crate::actor::Actor,
        files: &[(String, String)],
    ) -> crate::error::AppResult<Result<NationalPicture, Refusal>> {
        if !crate::policy::decide_national(actor) {
            return Err(crate::error::AppError::Forbidden(
                "merge force exports into the national picture".into(),
            ));
        }
        Ok(merge_texts(files))
    }
}
