//! The Relay `Node` interface.

use async_graphql::{Interface, ID};

use super::*;

/// Any record with a global ID; fetch one with `node(id:)`.
#[derive(Interface)]
#[graphql(field(name = "id", ty = "ID", desc = "The record's opaque global ID."))]
pub enum Node {
    Organisation(Organisation),
    Programme(Programme),
    Participation(Participation),
    Region(Region),
    FundingScheme(FundingScheme),
    BudgetLine(BudgetLine),
    Funding(Funding),
    Relation(Relation),
    Event(Event),
    Person(Person),
    Statement(Statement),
}
