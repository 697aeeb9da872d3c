//! The loader's one step for a record of any kind: plan it against the stored row with the same
//! natural key, then insert the row when it is new, update it when the file changed it, or keep it.

use std::collections::HashMap;

use crate::ids::RecordKind;
use chrono::NaiveDateTime;
use diesel::dsl::{Eq, Filter, Find, Limit, Returning, Select};
use diesel::expression::NonAggregate;
use diesel::prelude::*;
use diesel::query_builder::{AsQuery, InsertStatement, IntoUpdateTarget, UpdateStatement};
use diesel::query_dsl::methods::{self, ExecuteDsl};
use diesel::query_dsl::LoadQuery;
use diesel::sql_types::BigInt;

use super::{row_version, Loader, LOADER_REVISION};
use crate::db::schema::*;
use crate::db::{now, DbConn};
use crate::error::AppError;
use crate::text::content_hash;
use crate::write::links;

/// A table the loader writes records to: an `id`, a `version` raised by every change, and the
/// time a row was created (the assignments are named here, once per table, so that the step's
/// bounds need not spell them out).
pub(super) trait RecordTable: Table + Copy {
    /// The row id column.
    type Id: Column<Table = Self, SqlType = BigInt> + Default + SelectableExpression<Self> + NonAggregate;
    /// The id and version columns.
    type IdVersion: Default + Expression;
    /// `created_at = t`.
    type Created;
    /// `version = version + 1`.
    type Bumped;
    /// `created_at = t`.
    fn created(t: NaiveDateTime) -> Self::Created;
    /// `version = version + 1`.
    fn bumped() -> Self::Bumped;
}

macro_rules! record_tables {
    ($($table:ident),*) => {$(
        impl RecordTable for $table::table {
            type Id = $table::id;
            type IdVersion = ($table::id, $table::version);
            type Created = Eq<$table::created_at, NaiveDateTime>;
            type Bumped = Eq<$table::version, diesel::dsl::Add<$table::version, i32>>;
            fn created(t: NaiveDateTime) -> Self::Created {
                $table::created_at.eq(t)
            }
            fn bumped() -> Self::Bumped {
                $table::version.eq($table::version + 1)
            }
        }
    )*};
}
record_tables!(
    region,
    organisation,
    programme,
    funding_scheme,
    funding,
    pact_goal,
    observation,
    relation,
    event,
    person,
    listed_item,
    statement
);

/// What to do with one record.
enum Plan {
    Insert,
    Update(i64),
    Keep(i64),
    /// Deleted through the API: leave it deleted.
    Skip,
}

/// A row the step wrote: its id, the hash of the file's record, and whether it is new.
pub(super) struct Written {
    pub(super) id: i64,
    pub(super) hash: String,
    pub(super) inserted: bool,
}

/// What the step did with a record.
pub(super) enum Outcome {
    /// Deleted through the API since it was loaded: no row.
    Skipped,
    /// Left as it is (unchanged, or changed through the API).
    Kept(i64),
    /// Inserted or updated; its links, sources and load record are to be written.
    Written(Written),
}

impl Outcome {
    /// The written row, if the step wrote one.
    pub(super) fn written(self) -> Option<Written> {
        match self {
            Self::Written(w) => Some(w),
            Self::Skipped | Self::Kept(_) => None,
        }
    }

    /// Notes the row's id under `key` in `ids` (unless it was deleted through the API), for the
    /// records that refer to it; then [`Outcome::written`].
    pub(super) fn noted(self, ids: &mut HashMap<String, i64>, key: &str) -> Option<Written> {
        match &self {
            Self::Skipped => {}
            Self::Kept(id) => _ = ids.insert(key.to_owned(), *id),
            Self::Written(w) => _ = ids.insert(key.to_owned(), w.id),
        }
        self.written()
    }
}

/// One record of the file: its kind and natural key (as `dataset_record` keeps them), the file's
/// entry (hashed to tell a change), and the filter that finds its stored row by natural key.
pub(super) struct Record<'r, S, P> {
    pub(super) kind: RecordKind,
    pub(super) key: &'r str,
    pub(super) data: &'r S,
    pub(super) natural_key: P,
}

type Current<T, P> = Limit<Select<Filter<T, P>, <T as RecordTable>::IdVersion>>;
type Inserted<T, V> = InsertStatement<T, <(V, <T as RecordTable>::Created) as Insertable<T>>::Values>;
type Changes<T, V> = (V, <T as RecordTable>::Bumped);
type Updated<T, V> =
    UpdateStatement<T, <Find<T, i64> as IntoUpdateTarget>::WhereClause, <Changes<T, V> as AsChangeset>::Changeset>;

impl Loader<'_> {
    /// The step for one record of table `T`: plans it, then inserts `values` (with `created_at`
    /// at `t`), updates the row to `values` (raising its version), or keeps the row. Counts it
    /// as unchanged, or lists it among the API's changes, as the plan says; inserts and updates
    /// are counted by [`Loader::remember`].
    ///
    /// # Errors
    /// A database error.
    pub(super) fn step<'q, T, S, P, V>(
        &mut self,
        table: T,
        record: Record<'_, S, P>,
        values: V,
        t: NaiveDateTime,
    ) -> Result<Outcome, AppError>
    where
        T: RecordTable + methods::FilterDsl<P> + methods::FindDsl<i64>,
        S: serde::Serialize,
        Filter<T, P>: methods::SelectDsl<T::IdVersion>,
        Select<Filter<T, P>, T::IdVersion>: methods::LimitDsl + RunQueryDsl<DbConn>,
        Current<T, P>: LoadQuery<'q, DbConn, (i64, i32)>,
        (V, T::Created): Insertable<T>,
        Returning<Inserted<T, V>, T::Id>: LoadQuery<'q, DbConn, i64>,
        Find<T, i64>: IntoUpdateTarget<Table = T>,
        Changes<T, V>: AsChangeset<Target = T>,
        Updated<T, V>: AsQuery + ExecuteDsl<DbConn>,
    {
        let by_key = methods::FilterDsl::filter(table, record.natural_key);
        let current = methods::SelectDsl::select(by_key, T::IdVersion::default()).first(self.conn).optional()?;
        let (plan, hash) = self.plan(record.kind, record.key, record.data, current)?;
        let (id, inserted) = match plan {
            Plan::Skip => return Ok(Outcome::Skipped),
            Plan::Keep(id) => return Ok(Outcome::Kept(id)),
            Plan::Insert => {
                let id = diesel::insert_into(table)
                    .values((values, T::created(t)))
                    .returning(T::Id::default())
                    .get_result(self.conn)?;
                (id, true)
            }
            Plan::Update(id) => {
                diesel::update(methods::FindDsl::find(table, id)).set((values, T::bumped())).execute(self.conn)?;
                (id, false)
            }
        };
        Ok(Outcome::Written(Written { id, hash, inserted }))
    }

    /// Decides insert/update/keep for a record whose stored row is `row` (id and version), and
    /// does the bookkeeping that does not depend on the table.
    fn plan<S: serde::Serialize>(
        &mut self,
        kind: RecordKind,
        key: &str,
        record: &S,
        row: Option<(i64, i32)>,
    ) -> Result<(Plan, String), AppError> {
        let mut bytes = LOADER_REVISION.to_be_bytes().to_vec();
        bytes.extend(serde_json::to_vec(record).map_err(|e| AppError::internal_from("serialising the data set", e))?);
        let hash = content_hash(&bytes);
        let loaded: Option<(i64, String, i32)> = dataset_record::table
            .filter(dataset_record::entity_type.eq(kind.as_str()))
            .filter(dataset_record::natural_key.eq(key))
            .select((dataset_record::entity_id, dataset_record::content_hash, dataset_record::row_version))
            .first(self.conn)
            .optional()?;
        let plan = match (loaded, row) {
            (None, None) => Plan::Insert,
            (None, Some((id, _))) => {
                self.report
                    .kept_api_changes
                    .push(format!("{kind} {key}: created through the API before the data set had it"));
                Plan::Keep(id)
            }
            (Some(_), None) => {
                // Loaded once, then deleted through the API: a deletion is a change too.
                self.report
                    .kept_api_changes
                    .push(format!("{kind} {key}: deleted through the API since it was loaded; not re-created"));
                Plan::Skip
            }
            (Some((_, h, _)), Some((id, _))) if h == hash => {
                self.report.unchanged += 1;
                Plan::Keep(id)
            }
            (Some((_, _, loaded_version)), Some((id, version))) if version != loaded_version => {
                self.report
                    .kept_api_changes
                    .push(format!("{kind} {key}: changed through the API since it was loaded; not overwritten"));
                Plan::Keep(id)
            }
            (Some(_), Some((id, _))) => Plan::Update(id),
        };
        Ok((plan, hash))
    }

    /// Records what was loaded for a written record (its hash and the row version it left) and
    /// counts it as inserted or updated.
    ///
    /// # Errors
    /// A database error.
    pub(super) fn remember(&mut self, kind: RecordKind, key: &str, written: &Written) -> Result<(), AppError> {
        let Written { id, hash, inserted } = written;
        let t = now();
        let version = if *inserted { 1 } else { row_version(self.conn, kind, *id)? };
        let row = (
            dataset_record::entity_type.eq(kind.as_str()),
            dataset_record::natural_key.eq(key),
            dataset_record::entity_id.eq(id),
            dataset_record::content_hash.eq(hash),
            dataset_record::row_version.eq(version),
            dataset_record::created_at.eq(t),
            dataset_record::updated_at.eq(t),
        );
        let loaded = dataset_record::table
            .filter(dataset_record::entity_type.eq(kind.as_str()))
            .filter(dataset_record::natural_key.eq(key));
        links::replace_rows(self.conn, loaded, [row])?;
        if *inserted {
            self.report.inserted += 1;
        } else {
            self.report.updated += 1;
        }
        Ok(())
    }
}
