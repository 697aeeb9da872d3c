//! The formal region tree (each region has at most one parent): descendants for filters and
//! relations, ancestors, and the ancestor-or-self at a level for the report. The tree is small (a
//! few hundred regions) and read in one statement.

use std::collections::{HashMap, HashSet};

use diesel::prelude::*;

use crate::db::schema::region;
use crate::db::DbConn;
use crate::error::AppError;

/// The deepest a tree is walked; a longer chain would be a cycle, which is a data error.
const MAX_DEPTH: usize = 32;

/// Parent, children and scheme of every region.
#[derive(Debug, Default)]
pub struct RegionTree {
    parent: HashMap<i64, i64>,
    children: HashMap<i64, Vec<i64>>,
    scheme: HashMap<i64, String>,
}

impl RegionTree {
    /// Reads the whole tree (one statement).
    ///
    /// # Errors
    /// A database error.
    pub fn load(conn: &mut DbConn) -> Result<Self, AppError> {
        let rows: Vec<(i64, Option<i64>, String)> =
            region::table.select((region::id, region::parent_id, region::scheme)).load(conn)?;
        Ok(Self::from_rows(rows))
    }

    /// Builds the tree from `(id, parent, scheme)` rows.
    pub fn from_rows(rows: impl IntoIterator<Item = (i64, Option<i64>, String)>) -> Self {
        let mut tree = Self::default();
        for (id, parent, scheme) in rows {
            if let Some(p) = parent {
                tree.parent.insert(id, p);
                tree.children.entry(p).or_default().push(id);
            }
            tree.scheme.insert(id, scheme);
        }
        tree
    }

    /// The region and all its formal descendants (the region itself included, even when unknown).
    pub fn descendants(&self, root: i64) -> Vec<i64> {
        let mut seen = HashSet::from([root]);
        let mut stack = vec![root];
        while let Some(r) = stack.pop() {
            for c in self.children.get(&r).into_iter().flatten() {
                if seen.insert(*c) {
                    stack.push(*c);
                }
            }
        }
        seen.into_iter().collect()
    }

    /// The formal ancestors, nearest first.
    pub fn ancestors(&self, id: i64) -> Vec<i64> {
        let mut out = Vec::new();
        let mut next = self.parent.get(&id).copied();
        while let Some(p) = next {
            if out.len() >= MAX_DEPTH || out.contains(&p) {
                break;
            }
            out.push(p);
            next = self.parent.get(&p).copied();
        }
        out
    }

    /// The region itself or its nearest ancestor in `scheme`; `None` when there is none.
    pub fn at_level(&self, id: i64, scheme: &str) -> Option<i64> {
        std::iter::once(id).chain(self.ancestors(id)).find(|r| self.scheme.get(r).is_some_and(|s| s == scheme))
    }
}
