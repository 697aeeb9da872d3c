//! The `orderBy` inputs: the shared `OrderBy` of most lists, and the per-connection orders of
//! fundings and programmes, each turned into the read layer's [`Order`] and a cursor tag.

use async_graphql::{Enum, InputObject};

use crate::read::page::{Order, SortField};

/// An `orderBy` input: the read layer's ordering it asks for.
pub trait ListOrder: Copy + Default {
    /// The read layer's order.
    fn order(self) -> Order;
}

/// The ordering part of a cursor tag (`NAME_ASC`, `AWARD_DATE_DESC`, …): a cursor made under one
/// ordering is refused under another.
pub fn order_tag(order: Order) -> String {
    let field = match order.field {
        SortField::Name => "NAME",
        SortField::UpdatedAt => "UPDATED_AT",
        SortField::Amount => "AMOUNT",
        SortField::AwardDate => "AWARD_DATE",
        SortField::StartDate => "START_DATE",
    };
    format!("{field}_{}", if order.descending { "DESC" } else { "ASC" })
}

/// Sort direction.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OrderDirection {
    /// Ascending (A–Z, oldest first).
    #[default]
    Asc,
    /// Descending (Z–A, newest first).
    Desc,
}

/// The field a list is sorted by; the row's ID always breaks ties.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OrderField {
    /// The name, compared case- and accent-insensitively (for fundings: their key).
    #[default]
    Name,
    /// The time of the last change; use with `updatedAfter` to sync.
    UpdatedAt,
}

/// How to order a connection.
#[derive(InputObject, Debug, Clone, Copy, Default)]
pub struct OrderBy {
    /// The sort field (default `NAME`).
    #[graphql(default)]
    pub field: OrderField,
    /// The direction (default `ASC`).
    #[graphql(default)]
    pub direction: OrderDirection,
}

impl ListOrder for OrderBy {
    fn order(self) -> Order {
        let field = match self.field {
            OrderField::Name => SortField::Name,
            OrderField::UpdatedAt => SortField::UpdatedAt,
        };
        Order { field, descending: self.direction == OrderDirection::Desc }
    }
}

/// The field fundings are sorted by; the funding's ID always breaks ties.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FundingOrderField {
    /// The key, compared case- and accent-insensitively.
    #[default]
    Name,
    /// The time of the last change; use with `updatedAfter` to sync.
    UpdatedAt,
    /// The amount awarded (in cents).
    Amount,
    /// The award date; fundings without one come last in both directions.
    AwardDate,
}

/// How to order fundings; the ID breaks ties, so no row is skipped or repeated across pages.
#[derive(InputObject, Debug, Clone, Copy, Default)]
pub struct FundingOrder {
    /// The sort field (default `NAME`, the key).
    #[graphql(default)]
    pub field: FundingOrderField,
    /// The direction (default `ASC`); fundings without an award date come last either way.
    #[graphql(default)]
    pub direction: OrderDirection,
}

impl ListOrder for FundingOrder {
    fn order(self) -> Order {
        let field = match self.field {
            FundingOrderField::Name => SortField::Name,
            FundingOrderField::UpdatedAt => SortField::UpdatedAt,
            FundingOrderField::Amount => SortField::Amount,
            FundingOrderField::AwardDate => SortField::AwardDate,
        };
        Order { field, descending: self.direction == OrderDirection::Desc }
    }
}

/// The field programmes are sorted by; the programme's ID always breaks ties.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ProgrammeOrderField {
    /// The name, compared case- and accent-insensitively.
    #[default]
    Name,
    /// The time of the last change; use with `updatedAfter` to sync.
    UpdatedAt,
    /// The start, by its earliest day; programmes without a start come last in both directions.
    StartDate,
}

/// How to order programmes; the ID breaks ties, so no row is skipped or repeated across pages.
#[derive(InputObject, Debug, Clone, Copy, Default)]
pub struct ProgrammeOrder {
    /// The sort field (default `NAME`).
    #[graphql(default)]
    pub field: ProgrammeOrderField,
    /// The direction (default `ASC`); programmes without a start come last either way.
    #[graphql(default)]
    pub direction: OrderDirection,
}

impl ListOrder for ProgrammeOrder {
    fn order(self) -> Order {
        let field = match self.field {
            ProgrammeOrderField::Name => SortField::Name,
            ProgrammeOrderField::UpdatedAt => SortField::UpdatedAt,
            ProgrammeOrderField::StartDate => SortField::StartDate,
        };
        Order { field, descending: self.direction == OrderDirection::Desc }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_of_the_shared_orders_are_unchanged() {
        let tag = |field, direction| order_tag(OrderBy { field, direction }.order());
        assert_eq!(tag(OrderField::Name, OrderDirection::Asc), "NAME_ASC");
        assert_eq!(tag(OrderField::Name, OrderDirection::Desc), "NAME_DESC");
        assert_eq!(tag(OrderField::UpdatedAt, OrderDirection::Asc), "UPDATED_AT_ASC");
        assert_eq!(tag(OrderField::UpdatedAt, OrderDirection::Desc), "UPDATED_AT_DESC");
        let funding = FundingOrder { field: FundingOrderField::AwardDate, direction: OrderDirection::Desc };
        assert_eq!(order_tag(funding.order()), "AWARD_DATE_DESC");
        assert_eq!(order_tag(FundingOrder::default().order()), "NAME_ASC");
        let programme = ProgrammeOrder { field: ProgrammeOrderField::StartDate, direction: OrderDirection::Asc };
        assert_eq!(order_tag(programme.order()), "START_DATE_ASC");
    }
}
