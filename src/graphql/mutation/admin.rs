//! Organisation, region, scheme and budget-line mutations.

use async_graphql::{Context, InputObject, MaybeUndefined, Object, ID};

use super::inputs::{code, idempotency_key, ids, optional_id, patch, period, typed_id, PeriodInput};
use super::{mutate, payload, MutationInput};
use crate::auth::policy::Mutation;
use crate::graphql::types::common::Decimal;
use crate::graphql::types::{BudgetLine, FundingScheme, Organisation, Region};
use crate::ids::{FundingSchemeId, NodeType, OrganisationId};
use crate::vocab::{AmountBasis, AmountQualifier, OrganisationKind, RegionScheme, SchoolLevel};
use crate::write::admin::{self as admin_ops, NewBudgetLine, NewRegion, NewScheme};
use crate::write::organisation::{self as org_ops, NewOrganisation, OrganisationChanges};
use crate::write::Validator;

/// Input of `updateOrganisation`: fields left out stay as they are; `null` clears a field.
#[derive(InputObject, Debug)]
pub struct UpdateOrganisationInput {
    /// The organisation (an Organisation ID).
    pub id: ID,
    /// The version you last read.
    pub expected_version: i32,
    /// A new name.
    pub name: Option<String>,
    /// A new short name, or null.
    pub short_name: MaybeUndefined<String>,
    /// A new website, or null.
    pub website: MaybeUndefined<String>,
    /// The complete new list of identifiers (e.g. `NL-KVK-12345678`).
    pub identifiers: Option<Vec<String>>,
    /// The complete new list of other names.
    pub aliases: Option<Vec<String>>,
    /// The complete new list of home regions (Region IDs).
    pub home_region_ids: Option<Vec<ID>>,
}

/// Input of `createOrganisation`.
#[derive(InputObject, Debug)]
pub struct CreateOrganisationInput {
    /// A stable key (lowercase letters, digits, `-`).
    pub slug: String,
    /// The full name.
    pub name: String,
    /// The abbreviation.
    pub short_name: Option<String>,
    /// The kind of stakeholder.
    pub kind: OrganisationKind,
    /// For schools: the level.
    pub school_level: Option<SchoolLevel>,
    /// The website.
    pub website: Option<String>,
    /// External identifiers.
    #[graphql(default)]
    pub identifiers: Vec<String>,
    /// Other names.
    #[graphql(default)]
    pub aliases: Vec<String>,
    /// Home regions (Region IDs).
    #[graphql(default)]
    pub home_region_ids: Vec<ID>,
    /// Repeat-safe creation (see `createProgramme`).
    pub idempotency_key: Option<String>,
}

/// Input of `createRegion`.
#[derive(InputObject, Debug)]
pub struct CreateRegionInput {
    /// The scheme.
    pub scheme: RegionScheme,
    /// The code, unique within the scheme.
    pub code: String,
    /// The name.
    pub name: String,
    /// Other names.
    #[graphql(default)]
    pub aliases: Vec<String>,
    /// Other identifiers.
    #[graphql(default)]
    pub identifiers: Vec<String>,
    /// The formal parent (a Region ID).
    pub parent_id: Option<ID>,
    /// Repeat-safe creation (see `createProgramme`).
    pub idempotency_key: Option<String>,
}

/// Input of `createFundingScheme`.
#[derive(InputObject, Debug)]
pub struct CreateFundingSchemeInput {
    /// The code: capitals, digits and `_` (e.g. `MKB_IDEE`).
    pub code: String,
    /// The full name.
    pub name: String,
    /// The name to show (e.g. `MKB!dee`); the full name when left out.
    pub display_name: Option<String>,
    /// Whose money it is (an Organisation ID).
    pub funder_id: Option<ID>,
    /// Who runs it (an Organisation ID).
    pub administrator_id: Option<ID>,
    /// The legal basis.
    pub legal_basis: Option<String>,
    /// A web page.
    pub url: Option<String>,
    /// When it runs.
    pub period: Option<PeriodInput>,
    /// Repeat-safe creation (see `createProgramme`).
    pub idempotency_key: Option<String>,
}

/// Input of `addBudgetLine`.
#[derive(InputObject, Debug)]
pub struct AddBudgetLineInput {
    /// The scheme (a FundingScheme ID).
    pub scheme_id: ID,
    /// The scheme's version you last read (adding raises it).
    pub expected_version: i32,
    /// The amount in euros.
    pub amount: Decimal,
    /// The year or period it is for.
    pub period: Option<PeriodInput>,
    /// How exact the amount is; left out, it stays unknown (null).
    pub qualifier: Option<AmountQualifier>,
    /// What it counts; left out, it stays unknown (null).
    pub basis: Option<AmountBasis>,
    /// A remark.
    pub note: Option<String>,
}

impl MutationInput for UpdateOrganisationInput {
    const MUTATION: Mutation = Mutation::UpdateOrganisation;
    type Parsed = (OrganisationId, i32, OrganisationChanges);

    fn parse(&self, v: &mut Validator) -> Self::Parsed {
        let target = typed_id(v, "id", &self.id);
        let changes = OrganisationChanges {
            name: self.name.as_deref().map(|n| v.text("name", n, 300)),
            short_name: patch(&self.short_name).map(|s| v.optional_text("shortName", s.as_deref(), 100)),
            website: patch(&self.website).map(|w| v.url("website", w.as_deref())),
            identifiers: self.identifiers.as_ref().map(|l| v.text_list("identifiers", l)),
            aliases: self.aliases.as_ref().map(|l| v.text_list("aliases", l)),
            home_region_ids: self.home_region_ids.as_ref().map(|l| ids(v, "homeRegionIds", l, NodeType::Region)),
        };
        (target, self.expected_version, changes)
    }
}

impl MutationInput for CreateOrganisationInput {
    const MUTATION: Mutation = Mutation::CreateOrganisation;
    type Parsed = NewOrganisation;

    fn parse(&self, v: &mut Validator) -> NewOrganisation {
        NewOrganisation {
            slug: v.slug("slug", &self.slug),
            name: v.text("name", &self.name, 300),
            short_name: v.optional_text("shortName", self.short_name.as_deref(), 100),
            kind: self.kind,
            school_level: self.school_level,
            website: v.url("website", self.website.as_deref()),
            identifiers: v.text_list("identifiers", &self.identifiers),
            aliases: v.text_list("aliases", &self.aliases),
            home_region_ids: ids(v, "homeRegionIds", &self.home_region_ids, NodeType::Region),
            idempotency_key: idempotency_key(v, self.idempotency_key.as_deref()),
        }
    }
}

impl MutationInput for CreateRegionInput {
    const MUTATION: Mutation = Mutation::CreateRegion;
    type Parsed = NewRegion;

    fn parse(&self, v: &mut Validator) -> NewRegion {
        NewRegion {
            scheme: self.scheme,
            code: code(v, &self.code, '-'),
            name: v.text("name", &self.name, 300),
            aliases: v.text_list("aliases", &self.aliases),
            identifiers: v.text_list("identifiers", &self.identifiers),
            parent_id: optional_id(v, "parentId", self.parent_id.as_ref(), NodeType::Region),
            idempotency_key: idempotency_key(v, self.idempotency_key.as_deref()),
        }
    }
}

impl MutationInput for CreateFundingSchemeInput {
    const MUTATION: Mutation = Mutation::CreateFundingScheme;
    type Parsed = NewScheme;

    fn parse(&self, v: &mut Validator) -> NewScheme {
        NewScheme {
            code: code(v, &self.code, '_'),
            name: v.text("name", &self.name, 300),
            display_name: v.optional_text("displayName", self.display_name.as_deref(), 100),
            funder_id: optional_id(v, "funderId", self.funder_id.as_ref(), NodeType::Organisation),
            administrator_id: optional_id(v, "administratorId", self.administrator_id.as_ref(), NodeType::Organisation),
            legal_basis: v.optional_text("legalBasis", self.legal_basis.as_deref(), 500),
            url: v.url("url", self.url.as_deref()),
            period: period(v, "period", self.period.as_ref()),
            idempotency_key: idempotency_key(v, self.idempotency_key.as_deref()),
        }
    }
}

impl MutationInput for AddBudgetLineInput {
    const MUTATION: Mutation = Mutation::AddBudgetLine;
    type Parsed = (FundingSchemeId, i32, NewBudgetLine);

    fn parse(&self, v: &mut Validator) -> Self::Parsed {
        let scheme = typed_id(v, "schemeId", &self.scheme_id);
        let line = NewBudgetLine {
            period: period(v, "period", self.period.as_ref()),
            amount_cents: v.amount("amount", &self.amount.0),
            qualifier: self.qualifier,
            basis: self.basis,
            note: v.optional_text("note", self.note.as_deref(), 2000),
        };
        (scheme, self.expected_version, line)
    }
}

payload!(
    /// The result of an organisation mutation.
    OrganisationPayload, organisation: Organisation
);
payload!(
    /// The result of `createRegion`.
    RegionPayload, region: Region
);
payload!(
    /// The result of `createFundingScheme`.
    FundingSchemePayload, funding_scheme: FundingScheme
);
payload!(
    /// The result of `addBudgetLine`.
    BudgetLinePayload, budget_line: BudgetLine
);

/// Organisation and reference-data mutations.
#[derive(Default)]
pub struct AdminMutation;

#[Object]
impl AdminMutation {
    /// Changes an organisation's profile. Who: that organisation with `organisation:write`; admin.
    async fn update_organisation(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The changes.")] input: UpdateOrganisationInput,
    ) -> async_graphql::Result<OrganisationPayload> {
        let write = |c: &mut _, a: &_, (id, expected, changes): &(OrganisationId, i32, OrganisationChanges)| {
            org_ops::update(c, a, *id, *expected, changes)
        };
        mutate(ctx, &input, write, Organisation).await
    }

    /// Creates an organisation. Who: admin.
    async fn create_organisation(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The organisation.")] input: CreateOrganisationInput,
    ) -> async_graphql::Result<OrganisationPayload> {
        mutate(ctx, &input, org_ops::create, Organisation).await
    }

    /// Creates a region. Who: admin.
    async fn create_region(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The region.")] input: CreateRegionInput,
    ) -> async_graphql::Result<RegionPayload> {
        mutate(ctx, &input, admin_ops::create_region, Region).await
    }

    /// Creates a funding scheme. Who: admin.
    async fn create_funding_scheme(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The scheme.")] input: CreateFundingSchemeInput,
    ) -> async_graphql::Result<FundingSchemePayload> {
        mutate(ctx, &input, admin_ops::create_scheme, FundingScheme).await
    }

    /// Adds a scheme-level amount (a budget, not a grant). Who: admin.
    async fn add_budget_line(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The budget line.")] input: AddBudgetLineInput,
    ) -> async_graphql::Result<BudgetLinePayload> {
        let write = |c: &mut _, a: &_, (scheme, expected, line): &(FundingSchemeId, i32, NewBudgetLine)| {
            admin_ops::add_budget_line(c, a, *scheme, *expected, line)
        };
        mutate(ctx, &input, write, BudgetLine).await
    }
}
