//! GraphQL output types, one module per domain. Each wraps its row struct; relations load through
//! the request's [`DbLoader`](super::loaders::DbLoader).

pub mod common;
mod connections;
pub mod event;
pub mod funding;
pub mod item;
pub mod linked;
pub mod node;
pub mod observation;
pub mod organisation;
pub mod person;
pub mod programme;
mod record;
pub mod region;
pub mod relation;
pub mod scheme;
pub mod statement;

pub use event::Event;
pub use funding::{Funding, RegionAllocation};
pub use node::Node;
pub use observation::{Observation, PactGoal};
pub use organisation::Organisation;
pub use person::{Person, PersonRole};
pub use programme::{Participation, Programme};
pub use region::Region;
pub use relation::Relation;
pub use scheme::{BudgetLine, FundingScheme};
pub use statement::Statement;

pub use connections::*;
