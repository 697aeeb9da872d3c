//! Funding mutations.

use async_graphql::{Context, InputObject, MaybeUndefined, Object, ID};

use super::inputs::{idempotency_key, optional_id, patch, period, typed_id, PeriodInput};
use super::{mutate, payload, MutationInput};
use crate::auth::policy::Mutation;
use crate::error::UserErrorCode;
use crate::graphql::types::common::Decimal;
use crate::graphql::types::Funding;
use crate::ids::{encode_id, FundingId, NodeType};
use crate::period::{parse_partial_date, Bound};
use crate::vocab::{AmountBasis, AmountQualifier, FundingStatus};
use crate::write::funding::{self as ops, Allocation, FundingChanges, NewFunding};
use crate::write::Validator;

/// A region's part of a funding.
#[derive(InputObject, Debug, Clone)]
pub struct AllocationInput {
    /// The region (a Region ID).
    pub region_id: ID,
    /// Its share in basis points (1–10000). Give a share for every allocation (summing to 10000)
    /// or for none (the regions are named without a split: see `fundingByRegion` for where the
    /// amount then counts).
    pub share_basis_points: Option<i32>,
}

fn allocations(v: &mut Validator, list: &[AllocationInput]) -> Vec<Allocation> {
    let parsed: Vec<Allocation> = list
        .iter()
        .enumerate()
        .map(|(i, a)| {
            let index = i.to_string();
            let region = v.id(&["input", "allocations", &index, "regionId"], &a.region_id, NodeType::Region);
            if let Some(s) = a.share_basis_points {
                if !(1..=10_000).contains(&s) {
                    v.push(
                        &["input", "allocations", &index, "shareBasisPoints"],
                        UserErrorCode::OutOfRange,
                        "a share is 1–10000 basis points",
                    );
                }
            }
            (region, a.share_basis_points)
        })
        .collect();
    let with = parsed.iter().filter(|a| a.1.is_some()).count();
    if with > 0 {
        let sum: i64 = parsed.iter().filter_map(|a| a.1).map(i64::from).sum();
        if with != parsed.len() || sum != 10_000 {
            v.push(
                &["input", "allocations"],
                UserErrorCode::SharesNotWhole,
                "give every allocation a share, summing to 10000 basis points, or none",
            );
        }
    }
    let mut regions: Vec<i64> = parsed.iter().map(|a| a.0).collect();
    regions.sort_unstable();
    if regions.windows(2).any(|w| w[0] == w[1]) {
        v.push(&["input", "allocations"], UserErrorCode::Duplicate, "a region is allocated twice");
    }
    parsed
}

/// An award date at the precision the submitter knows: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
fn award_date(v: &mut Validator, text: &str) -> Option<ops::PartialDay> {
    match parse_partial_date(text, Bound::Start) {
        Ok((d, _)) if !crate::period::in_range(d) => {
            v.push(&["input", "awardDate"], UserErrorCode::OutOfRange, "years run from 1900 to 2100");
            None
        }
        Ok(parsed) => Some(parsed),
        Err(_) => {
            v.push(
                &["input", "awardDate"],
                UserErrorCode::Invalid,
                "awardDate is a year, month or day: YYYY, YYYY-MM or YYYY-MM-DD",
            );
            None
        }
    }
}

/// Input of `recordFunding`.
#[derive(InputObject, Debug)]
pub struct RecordFundingInput {
    /// A stable key (lowercase letters, digits, `-`); generated when left out.
    pub key: Option<String>,
    /// The scheme it is awarded under (a FundingScheme ID); or give `funderId`.
    pub scheme_id: Option<ID>,
    /// The funder, for money outside a scheme (an Organisation ID).
    pub funder_id: Option<ID>,
    /// The programme funded (a Programme ID).
    pub programme_id: Option<ID>,
    /// The recipient (an Organisation ID).
    pub recipient_id: Option<ID>,
    /// The period the money is for.
    pub period: Option<PeriodInput>,
    /// When it was awarded, as precisely as known: `YYYY`, `YYYY-MM` or `YYYY-MM-DD` (read back as
    /// `awardDate { value precision }`).
    pub award_date: Option<String>,
    /// The amount in euros, e.g. `"1520000"` or `"2.50"` (not negative, at most two decimals).
    pub amount_awarded: Decimal,
    /// Co-financing in euros.
    pub co_financing: Option<Decimal>,
    /// How exact the amount is; left out, it stays unknown (null).
    pub qualifier: Option<AmountQualifier>,
    /// What the amount counts; left out, it stays unknown (null).
    pub basis: Option<AmountBasis>,
    /// Where it stands.
    pub status: Option<FundingStatus>,
    /// A remark.
    pub note: Option<String>,
    /// Region allocations.
    #[graphql(default)]
    pub allocations: Vec<AllocationInput>,
    /// Repeat-safe creation (see `createProgramme`).
    pub idempotency_key: Option<String>,
}

impl MutationInput for RecordFundingInput {
    const MUTATION: Mutation = Mutation::RecordFunding;
    type Parsed = NewFunding;

    fn parse(&self, v: &mut Validator) -> NewFunding {
        let scheme_id = optional_id(v, "schemeId", self.scheme_id.as_ref(), NodeType::FundingScheme);
        let funder_id = optional_id(v, "funderId", self.funder_id.as_ref(), NodeType::Organisation);
        let programme_id = optional_id(v, "programmeId", self.programme_id.as_ref(), NodeType::Programme);
        let recipient_id = optional_id(v, "recipientId", self.recipient_id.as_ref(), NodeType::Organisation);
        if scheme_id.is_none() && funder_id.is_none() {
            v.push(
                &["input", "schemeId"],
                UserErrorCode::Blank,
                "give a schemeId, or a funderId for money outside a scheme",
            );
        }
        NewFunding {
            key: self.key.as_deref().map(|k| v.slug("key", k)),
            scheme_id,
            funder_id,
            programme_id,
            recipient_id,
            period: period(v, "period", self.period.as_ref()),
            award_date: self.award_date.as_deref().and_then(|d| award_date(v, d)),
            amount_cents: v.amount("amountAwarded", &self.amount_awarded.0),
            co_financing_cents: self.co_financing.as_ref().map(|c| v.amount("coFinancing", &c.0)),
            qualifier: self.qualifier,
            basis: self.basis,
            status: self.status,
            note: v.optional_text("note", self.note.as_deref(), 2000),
            allocations: allocations(v, &self.allocations),
            idempotency_key: idempotency_key(v, self.idempotency_key.as_deref()),
        }
    }
}

/// Input of `updateFunding`: fields left out stay as they are; `null` clears a field.
#[derive(InputObject, Debug)]
pub struct UpdateFundingInput {
    /// The funding (a Funding ID).
    pub id: ID,
    /// The version you last read.
    pub expected_version: i32,
    /// The programme funded, or null.
    pub programme_id: MaybeUndefined<ID>,
    /// The recipient, or null.
    pub recipient_id: MaybeUndefined<ID>,
    /// The period, or null.
    pub period: MaybeUndefined<PeriodInput>,
    /// When it was awarded (`YYYY`, `YYYY-MM` or `YYYY-MM-DD`), or null.
    pub award_date: MaybeUndefined<String>,
    /// The amount in euros.
    pub amount_awarded: Option<Decimal>,
    /// Co-financing in euros, or null. The recipient may change this field (and only this one).
    pub co_financing: MaybeUndefined<Decimal>,
    /// How exact the amount is, or null (unknown).
    pub qualifier: MaybeUndefined<AmountQualifier>,
    /// What the amount counts, or null (unknown).
    pub basis: MaybeUndefined<AmountBasis>,
    /// Where it stands, or null.
    pub status: MaybeUndefined<FundingStatus>,
    /// A remark, or null.
    pub note: MaybeUndefined<String>,
    /// The complete new list of allocations.
    pub allocations: Option<Vec<AllocationInput>>,
}

impl MutationInput for UpdateFundingInput {
    const MUTATION: Mutation = Mutation::UpdateFunding;
    type Parsed = (FundingId, i32, FundingChanges);

    fn parse(&self, v: &mut Validator) -> Self::Parsed {
        let target = typed_id(v, "id", &self.id);
        let changes = FundingChanges {
            programme_id: patch(&self.programme_id)
                .map(|p| optional_id(v, "programmeId", p.as_ref(), NodeType::Programme)),
            recipient_id: patch(&self.recipient_id)
                .map(|r| optional_id(v, "recipientId", r.as_ref(), NodeType::Organisation)),
            period: patch(&self.period).map(|p| period(v, "period", p.as_ref())),
            award_date: patch(&self.award_date).map(|d| d.and_then(|d| award_date(v, &d))),
            amount_cents: self.amount_awarded.as_ref().map(|a| v.amount("amountAwarded", &a.0)),
            co_financing_cents: patch(&self.co_financing).map(|c| c.map(|c| v.amount("coFinancing", &c.0))),
            qualifier: patch(&self.qualifier),
            basis: patch(&self.basis),
            status: patch(&self.status),
            note: patch(&self.note).map(|n| v.optional_text("note", n.as_deref(), 2000)),
            allocations: self.allocations.as_ref().map(|a| allocations(v, a)),
        };
        (target, self.expected_version, changes)
    }
}

/// Input of `deleteFunding`.
#[derive(InputObject, Debug)]
pub struct DeleteFundingInput {
    /// The funding (a Funding ID).
    pub id: ID,
    /// The version you last read.
    pub expected_version: i32,
}

impl MutationInput for DeleteFundingInput {
    const MUTATION: Mutation = Mutation::DeleteFunding;
    type Parsed = (FundingId, i32);

    fn parse(&self, v: &mut Validator) -> Self::Parsed {
        (typed_id(v, "id", &self.id), self.expected_version)
    }
}

payload!(
    /// The result of a funding mutation.
    FundingPayload, funding: Funding
);
payload!(
    /// The result of `deleteFunding`.
    DeleteFundingPayload, deleted_funding_id: ID
);

/// Funding mutations.
#[derive(Default)]
pub struct FundingMutation;

#[Object]
impl FundingMutation {
    /// Records a funding. Who: with `fundings:write`, the scheme's administrator or funder (for
    /// money outside a scheme: the funder named in `funderId`); admin.
    async fn record_funding(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The funding.")] input: RecordFundingInput,
    ) -> async_graphql::Result<FundingPayload> {
        mutate(ctx, &input, ops::record, Funding).await
    }

    /// Changes a funding. Who: as for `recordFunding`; the recipient (with `fundings:write`) may
    /// change `coFinancing` alone.
    async fn update_funding(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The changes.")] input: UpdateFundingInput,
    ) -> async_graphql::Result<FundingPayload> {
        let write = |c: &mut _, a: &_, (id, expected, changes): &(FundingId, i32, FundingChanges)| {
            ops::update(c, a, *id, *expected, changes)
        };
        mutate(ctx, &input, write, Funding).await
    }

    /// Deletes a funding and its allocations. Who: as for `recordFunding`.
    async fn delete_funding(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to delete.")] input: DeleteFundingInput,
    ) -> async_graphql::Result<DeleteFundingPayload> {
        let write = |c: &mut _, a: &_, &(id, expected): &(FundingId, i32)| ops::delete(c, a, id, expected);
        mutate(ctx, &input, write, |row| encode_id(NodeType::Funding, row.id)).await
    }
}
