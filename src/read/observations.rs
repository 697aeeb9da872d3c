//! Observations (dated figures the reports give) and the pact's goals.

use std::collections::HashSet;

use diesel::prelude::*;

use crate::db::models::{GoalRow, ObservationRow};
use crate::db::schema::{observation, pact_goal};
use crate::db::{Db, DbConn};
use crate::error::AppError;
use crate::ids::RecordKind;
use crate::vocab::GoalKind;

/// The observations of the subjects `(subject type as stored, row id)`, plus those of each type
/// without a subject (the pact as a whole), by metric, report year, date and id.
///
/// # Errors
/// A database error.
pub fn observations_of(conn: &mut DbConn, subjects: &[(RecordKind, i64)]) -> Result<Vec<ObservationRow>, AppError> {
    let types: Vec<&'static str> = subjects.iter().map(|k| k.0.as_str()).collect::<HashSet<_>>().into_iter().collect();
    let ids: Vec<i64> = subjects.iter().map(|k| k.1).collect();
    Ok(observation::table
        .filter(observation::subject_type.eq_any(types))
        .filter(observation::subject_id.eq_any(ids).or(observation::subject_id.is_null()))
        .order((
            observation::metric.asc(),
            observation::report_year.asc(),
            observation::observed_on.asc(),
            observation::id.asc(),
        ))
        .select(ObservationRow::as_select())
        .load(conn)?)
}

/// The pact's goals and themes (or only those of one kind), by code.
///
/// # Errors
/// A database error.
pub fn goals(conn: &mut DbConn, kind: Option<GoalKind>) -> Result<Vec<GoalRow>, AppError> {
    let mut q = pact_goal::table.order(pact_goal::code.asc()).select(GoalRow::as_select()).into_boxed::<Db>();
    if let Some(k) = kind {
        q = q.filter(pact_goal::kind.eq(k.as_str()));
    }
    Ok(q.load(conn)?)
}
