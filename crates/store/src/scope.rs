//! The access policy's [`CaseScope`] as SQL, written once for both backends so a list on
//! SQLite and on PostgreSQL shows exactly the same cases.

use crate::model::CaseScope;
use sqlx::{Database, Encode, QueryBuilder, Type};

/// Appends ` AND (...)` restricting `case_col`'s rows (a table with `force`, `unit` and a case
/// id column) to the scope.
pub(crate) fn push_scope<DB>(q: &mut QueryBuilder<DB>, scope: &CaseScope, case_col: &str)
where
    DB: Database,
    for<'t> String: Encode<'t, DB> + Type<DB>,
{
    q.push(" AND force = ").push_bind(scope.force.clone());
    if let Some(me) = &scope.not_victim {
        q.push(format!(
            " AND {case_col} NOT IN (SELECT case_id FROM case_person WHERE relation = 'victim' AND person = "
        ))
        .push_bind(me.clone())
        .push(")");
    }
    if scope.whole_force {
        return;
    }
    // Default deny: with no units and no person named, the clause is false.
    q.push(" AND (1 = 0");
    if !scope.units.is_empty() {
        q.push(" OR unit IN (");
        let mut sep = q.separated(", ");
        for u in &scope.units {
            sep.push_bind(u.clone());
        }
        q.push(")");
    }
    if let Some(me) = &scope.named {
        q.push(format!(
            " OR {case_col} IN (SELECT case_id FROM case_person WHERE relation IN ('supervisor', 'oic') AND person = "
        ))
        .push_bind(me.clone())
        .push(")");
    }
    q.push(")");
}
