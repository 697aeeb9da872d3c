//! GraphQL output types, one module per domain. Each wraps its row struct; relations load through
//! the request's [`DbLoader`](super::loaders::DbLoader).

pub mod common;
pub mod funding;
pub mod node;
pub mod observation;
pub mod organisation;
pub mod programme;
pub mod region;
pub mod scheme;

pub use funding::{Funding, RegionAllocation};
pub use node::Node;
pub use observation::{Observation, PactGoal};
pub use organisation::Organisation;
pub use programme::{Participation, Programme};
pub use region::Region;
pub use scheme::{BudgetLine, FundingScheme};

use super::pagination::{format_timestamp, Keyed, OrderField};
use crate::db::models::*;

macro_rules! keyed {
    ($row:ty) => {
        impl Keyed for $row {
            fn sort_value(&self, field: OrderField) -> String {
                match field {
                    OrderField::Name => self.sort_key.clone(),
                    OrderField::UpdatedAt => format_timestamp(self.updated_at),
                }
            }
            fn row_id(&self) -> i64 {
                self.id
            }
        }
    };
}

keyed!(OrganisationRow);
keyed!(ProgrammeRow);
keyed!(RegionRow);
keyed!(FundingSchemeRow);
keyed!(FundingRow);

/// Pages a batched list of fundings as a `FundingConnection`.
pub(crate) fn funding_page(
    rows: &[FundingRow],
    first: Option<i32>,
    after: Option<String>,
    last: Option<i32>,
    before: Option<String>,
    order_by: Option<super::pagination::OrderBy>,
) -> async_graphql::Result<super::pagination::FundingConnection> {
    use async_graphql::ErrorExtensions;
    let page =
        super::pagination::Page::parse("Funding", first, after, last, before, order_by).map_err(|e| e.extend())?;
    Ok(super::pagination::from_list(rows, &page, Funding).into())
}

/// The complexity of a connection field: the page size times the cost of one node.
pub(crate) fn connection_cost(first: Option<i32>, last: Option<i32>, child: usize) -> usize {
    let n = first.or(last).unwrap_or(super::pagination::DEFAULT_PAGE).clamp(1, super::pagination::MAX_PAGE);
    usize::try_from(n).unwrap_or(1) * child + 1
}
