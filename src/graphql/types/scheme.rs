//! `FundingScheme` and its `BudgetLine`s.

use async_graphql::{Context, Object, ID};

use super::common::{Money, Period};
use super::item::ListedItem;
use super::linked::{items_of, SchemeModel};
use super::record::{Annotated, Sourced, Versioned};
use super::{connection_field, FundingConnection};
use super::{funding_page, Organisation};
use crate::db::models::{BudgetLineRow, FundingSchemeRow};
use crate::graphql::context::{load_list, load_one};
use crate::graphql::loaders::*;
use crate::graphql::pagination::{connection_cost, FundingOrder, PageArgs};
use crate::ids::{encode_id, NodeType, RecordKind};
use crate::read::fundings::FundingParent;
use crate::vocab::{AmountBasis, AmountQualifier, ItemKind};

/// A funding scheme such as the Regionaal Investeringsfonds mbo (`RIF`) or `MKB!dee`.
#[derive(Clone)]
pub struct FundingScheme(pub FundingSchemeRow);

/// A funding scheme such as the Regionaal Investeringsfonds mbo (`RIF`) or `MKB!dee`.
#[Object]
impl FundingScheme {
    /// The opaque global ID.
    pub async fn id(&self) -> ID {
        encode_id(NodeType::FundingScheme, self.0.id)
    }

    /// The stable code: capitals and `_`, e.g. `RIF`, `MKB_IDEE`; use with `fundingScheme(code:)`.
    async fn code(&self) -> &str {
        &self.0.code
    }

    /// The full name, e.g. `Regionaal Investeringsfonds mbo`.
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// The name to show, as the pact writes it, e.g. `MKB!dee`; the full `name` where the documents
    /// use no shorter one.
    async fn display_name(&self) -> &str {
        &self.0.display_name
    }

    /// The organisation whose money it is (e.g. a ministry), where a source says.
    async fn funder(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Organisation>> {
        let Some(id) = self.0.funder_id else { return Ok(None) };
        Ok(load_one(ctx, OrganisationById(id)).await?.map(Organisation))
    }

    /// The organisation that runs it (e.g. an agency), where a source says.
    async fn administrator(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Organisation>> {
        let Some(id) = self.0.administrator_id else { return Ok(None) };
        Ok(load_one(ctx, OrganisationById(id)).await?.map(Organisation))
    }

    /// The legal basis (regulation), where known.
    async fn legal_basis(&self) -> Option<&str> {
        self.0.legal_basis.as_deref()
    }

    /// A web page on the scheme, where a source gives one.
    async fn url(&self) -> Option<&str> {
        self.0.url.as_deref()
    }

    /// When the scheme runs; null when no source says.
    async fn period(&self) -> Option<Period> {
        let r = &self.0;
        Period::from_db(r.start_date, r.start_precision.as_deref(), r.end_date, r.end_precision.as_deref())
    }

    /// What the scheme is and what it pays for, in our own words (Dutch), where the documents say.
    async fn description(&self) -> Option<&str> {
        self.0.description.as_deref()
    }

    /// The scheme's rules as the documents state them: who or what is eligible, who may apply,
    /// minimum requirements, and extensions of its scope or term (the `ELIGIBILITY`, `APPLICANT`,
    /// `REQUIREMENT` and `EXTENSION` items), each with its sources.
    #[graphql(complexity = "10 * child_complexity")]
    async fn conditions(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<ListedItem>> {
        items_of(ctx, (RecordKind::FundingScheme, self.0.id.into()), Some(&ItemKind::CONDITIONS)).await
    }

    /// (Flattened: `relations`, `events`, `items`.)
    #[graphql(flatten)]
    async fn modelled(&self) -> SchemeModel {
        SchemeModel(RecordKind::FundingScheme, self.0.id.into())
    }

    /// (Flattened: `aliases`, `note`, `observations`.)
    #[graphql(flatten)]
    async fn annotated(&self) -> Annotated {
        Annotated::new(RecordKind::FundingScheme, self.0.id.into(), &self.0.aliases, self.0.note.as_deref())
    }

    /// Scheme-level amounts (budgets) per year or period, as the sources give them. These are not
    /// grants and are never counted as fundings.
    #[graphql(complexity = "20 * child_complexity")]
    async fn budget_lines(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<BudgetLine>> {
        Ok(load_list(ctx, BudgetLinesOfScheme(self.0.id)).await?.into_iter().map(BudgetLine).collect())
    }

    /// (Flattened: `fundings`.)
    #[graphql(flatten)]
    async fn fundings_connection(&self) -> SchemeFundings {
        SchemeFundings(self.0.id.into())
    }

    /// (Flattened: `sources`, `createdAt`, `updatedAt`, `version`.)
    #[graphql(flatten)]
    async fn versioned(&self) -> Versioned {
        let r = &self.0;
        Versioned::new(RecordKind::FundingScheme, r.id.into(), r.created_at, r.updated_at, r.version)
    }
}

/// A scheme-level amount for a year or period (a budget, not a grant).
#[derive(Clone)]
pub struct BudgetLine(pub BudgetLineRow);

/// A scheme-level amount for a year or period (a budget, not a grant).
#[Object]
impl BudgetLine {
    /// The opaque global ID.
    pub async fn id(&self) -> ID {
        encode_id(NodeType::BudgetLine, self.0.id)
    }

    /// The year or period the amount is for; null when the source does not say.
    async fn period(&self) -> Option<Period> {
        let r = &self.0;
        Period::from_db(r.start_date, r.start_precision.as_deref(), r.end_date, r.end_precision.as_deref())
    }

    /// The amount, exact, in euros.
    async fn amount(&self) -> Money {
        Money::eur(self.0.amount_cents)
    }

    /// How exact the source's figure is ("circa" is `APPROXIMATE`); null where the source leaves it open.
    async fn qualifier(&self) -> Option<AmountQualifier> {
        self.0.qualifier.as_deref().and_then(AmountQualifier::parse)
    }

    /// What the amount counts: a total, per year, or per item; null where the source leaves it open.
    async fn basis(&self) -> Option<AmountBasis> {
        self.0.basis.as_deref().and_then(AmountBasis::parse)
    }

    /// A remark, e.g. where the source's wording is ambiguous.
    async fn note(&self) -> Option<&str> {
        self.0.note.as_deref()
    }

    /// (Flattened: `sources`.)
    #[graphql(flatten)]
    async fn sourced(&self) -> Sourced {
        Sourced(RecordKind::BudgetLine, self.0.id.into())
    }
}

connection_field! {
    /// Fundings awarded under this scheme.
    SchemeFundings.fundings -> FundingConnection, order: FundingOrder = "Ordering (default by key).",
    args: (),
    |ctx, id, page| funding_page(ctx, FundingParent::Scheme, id, page).await
}
