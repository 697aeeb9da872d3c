//! The read layer: every statement that reads the partner graph for the API, over `&mut DbConn`.
//!
//! One module per record kind (look-ups by id and natural key, the filtered root list as a plain
//! query struct, the per-parent relation queries that DataLoader batches run), plus the region tree,
//! the audit trail and the funding report. Nothing here knows GraphQL: `crate::graphql` turns its
//! inputs into these query structs and these rows into its output types. Layers (nothing imports
//! upward): `routes`/`startup` → `graphql` → `write` → `read` → `auth` → `db`, with `data` →
//! `write`/`db`; the value modules (`ids`, `money`, `period`, `text`, `vocab`, `error`) serve all.

pub mod page;

pub mod audit;
pub mod events;
pub mod export;
pub mod fundings;
pub mod grouped;
pub mod items;
pub mod matrix;
pub mod observations;
pub mod organisations;
pub mod people;
pub mod plans;
pub mod programmes;
pub mod provenance;
mod ranked;
pub mod records;
pub mod region_tree;
pub mod regions;
pub mod relations;
pub mod report;
pub mod schemes;
pub mod statements;

use std::collections::HashMap;

use chrono::NaiveDate;

/// A period to overlap with (both ends inclusive; `None` is unbounded). Records whose period shares
/// at least one day with it match; a record without any period never matches, and an open or
/// unknown end of the record counts as unbounded.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Overlap {
    /// First day of interest.
    pub from: Option<NaiveDate>,
    /// Last day of interest.
    pub to: Option<NaiveDate>,
}

/// Adds the period-overlap condition for a table with `start_date`/`end_date` columns.
macro_rules! overlap {
    ($q:ident, $t:ident, $overlap:expr) => {{
        let $crate::read::Overlap { from, to } = $overlap;
        $q = $q.filter($t::start_date.is_not_null().or($t::end_date.is_not_null()));
        if let Some(to) = to {
            $q = $q.filter($t::start_date.is_null().or($t::start_date.le(to)));
        }
        if let Some(from) = from {
            $q = $q.filter($t::end_date.is_null().or($t::end_date.ge(from)));
        }
    }};
}

pub(crate) use overlap;

/// `(parent, row)` pairs, as a per-parent relation query returns them for a DataLoader batch.
pub type ByParent<R> = Vec<(i64, R)>;

/// Groups `(parent, row)` pairs by parent, keeping their order.
pub fn group<K: std::hash::Hash + Eq, V>(pairs: impl IntoIterator<Item = (K, V)>) -> HashMap<K, Vec<V>> {
    let mut map: HashMap<K, Vec<V>> = HashMap::new();
    for (k, v) in pairs {
        map.entry(k).or_default().push(v);
    }
    map
}

/// Defines a look-up of one row by id (`None` when there is none) for a table whose row type is
/// selectable.
macro_rules! find {
    ($(#[$m:meta])* $name:ident, $table:ident, $row:ty) => {
        $(#[$m])*
        ///
        /// # Errors
        /// A database error.
        pub fn $name(conn: &mut $crate::db::DbConn, id: i64) -> Result<Option<$row>, $crate::error::AppError> {
            Ok($table::table.find(id).select(<$row>::as_select()).first(conn).optional()?)
        }
    };
}

pub(crate) use find;

/// Defines `by_ids(conn, ids)` for a table whose row type is selectable.
macro_rules! by_ids {
    ($(#[$m:meta])* $name:ident, $table:ident, $row:ty) => {
        $(#[$m])*
        ///
        /// # Errors
        /// A database error.
        pub fn $name(conn: &mut $crate::db::DbConn, ids: &[i64]) -> Result<Vec<$row>, $crate::error::AppError> {
            Ok($table::table.filter($table::id.eq_any(ids)).select(<$row>::as_select()).load(conn)?)
        }
    };
}

pub(crate) use by_ids;
