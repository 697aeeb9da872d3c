//! `Funding`: an amount from a scheme or funder to a programme and/or recipient, with region allocations.

use async_graphql::{Context, Object, ID};

use super::common::{Money, PartialDate, Period};
use super::record::Versioned;
use super::{FundingScheme, Organisation, Programme, Region};
use crate::db::models::{AllocationRow, FundingRow};
use crate::graphql::context::{load_list, load_one};
use crate::graphql::loaders::*;
use crate::ids::{encode_id, NodeType, RecordKind};
use crate::money::split_by_shares;
use crate::vocab::{AmountBasis, AmountQualifier, FundingStatus};

/// An amount from a scheme (or a named funder) to a programme and/or a recipient organisation.
#[derive(Clone)]
pub struct Funding(pub FundingRow);

/// An amount from a scheme (or a named funder) to a programme and/or a recipient organisation.
#[Object]
impl Funding {
    /// The opaque global ID.
    pub async fn id(&self) -> ID {
        encode_id(NodeType::Funding, self.0.id)
    }

    /// A stable, readable key.
    async fn key(&self) -> &str {
        &self.0.key
    }

    /// The scheme it was awarded under, if any.
    async fn scheme(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<FundingScheme>> {
        let Some(id) = self.0.scheme_id else { return Ok(None) };
        Ok(load_one(ctx, SchemeById(id)).await?.map(FundingScheme))
    }

    /// The funder named for this funding (outside or beside a scheme), if any.
    async fn funder(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Organisation>> {
        let Some(id) = self.0.funder_id else { return Ok(None) };
        Ok(load_one(ctx, OrganisationById(id)).await?.map(Organisation))
    }

    /// The programme funded, if any.
    async fn programme(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Programme>> {
        let Some(id) = self.0.programme_id else { return Ok(None) };
        Ok(load_one(ctx, ProgrammeById(id)).await?.map(Programme))
    }

    /// The organisation that received it, if known.
    async fn recipient(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Organisation>> {
        let Some(id) = self.0.recipient_id else { return Ok(None) };
        Ok(load_one(ctx, OrganisationById(id)).await?.map(Organisation))
    }

    /// The period the money is for; null when no source says.
    async fn period(&self) -> Option<Period> {
        let r = &self.0;
        Period::from_db(r.start_date, r.start_precision.as_deref(), r.end_date, r.end_precision.as_deref())
    }

    /// When it was awarded, to the precision the source gives (a year, a month or a day); null
    /// when no source says.
    async fn award_date(&self) -> Option<PartialDate> {
        PartialDate::from_db(self.0.award_date, self.0.award_precision.as_deref())
    }

    /// The amount awarded, exact, in euros.
    async fn amount_awarded(&self) -> Money {
        Money::eur(self.0.amount_cents)
    }

    /// Co-financing by the recipient or others, where known.
    async fn co_financing(&self) -> Option<Money> {
        self.0.co_financing_cents.map(Money::eur)
    }

    /// How exact the source's figure is; null where the source leaves it open.
    async fn qualifier(&self) -> Option<AmountQualifier> {
        self.0.qualifier.as_deref().and_then(AmountQualifier::parse)
    }

    /// What the amount counts: a total, per year, or per item; null where the source leaves it open.
    async fn basis(&self) -> Option<AmountBasis> {
        self.0.basis.as_deref().and_then(AmountBasis::parse)
    }

    /// Where it stands, where known.
    async fn status(&self) -> Option<FundingStatus> {
        self.0.status.as_deref().and_then(FundingStatus::parse)
    }

    /// A remark, e.g. where the source's wording is ambiguous.
    async fn note(&self) -> Option<&str> {
        self.0.note.as_deref()
    }

    /// The regions it is allocated to. Either every allocation has a share (summing to 100%) or none
    /// has: then the source names the regions without a split, and `fundingByRegion` places the whole
    /// amount in the one region at a level they fall in (else lists it as unsplit).
    #[graphql(complexity = "5 * child_complexity")]
    async fn allocations(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<RegionAllocation>> {
        let rows = load_list(ctx, AllocationsOfFunding(self.0.id)).await?;
        let shares: Option<Vec<i32>> = rows.iter().map(|r| r.share_basis_points).collect();
        let amounts = shares.map(|s| split_by_shares(self.0.amount_cents, &s));
        Ok(rows
            .into_iter()
            .enumerate()
            .map(|(i, row)| RegionAllocation { amount_cents: amounts.as_ref().and_then(|a| a.get(i).copied()), row })
            .collect())
    }

    /// (Flattened: `sources`, `createdAt`, `updatedAt`, `version`.)
    #[graphql(flatten)]
    async fn versioned(&self) -> Versioned {
        let r = &self.0;
        Versioned::new(RecordKind::Funding, r.id.into(), r.created_at, r.updated_at, r.version)
    }
}

/// Part of a funding attributed to a region.
pub struct RegionAllocation {
    row: AllocationRow,
    amount_cents: Option<i64>,
}

/// Part of a funding attributed to a region.
#[Object]
impl RegionAllocation {
    /// The region.
    async fn region(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Region>> {
        Ok(load_one(ctx, RegionById(self.row.region_id)).await?.map(Region))
    }

    /// The region's share in basis points (1–10000 = 0.01%–100%); null when the source gives no split.
    async fn share_basis_points(&self) -> Option<i32> {
        self.row.share_basis_points
    }

    /// The share as money (split to the cent by largest remainder); null without a share.
    async fn amount(&self) -> Option<Money> {
        self.amount_cents.map(Money::eur)
    }
}
