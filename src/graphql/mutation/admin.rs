//! Organisation, region, scheme and budget-line mutations.

use async_graphql::{Context, InputObject, MaybeUndefined, Object, ID};

use super::programme::{ids, patch, PeriodInput};
use super::{payload, run_write, validation_errors};
use crate::graphql::types::common::Decimal;
use crate::graphql::types::{BudgetLine, FundingScheme, Organisation, Region};
use crate::ids::NodeType;
use crate::vocab::{AmountBasis, AmountQualifier, OrganisationKind, RegionScheme, SchoolLevel};
use crate::write::admin::{self as admin_ops, NewBudgetLine, NewRegion, NewScheme};
use crate::write::organisation::{self as org_ops, NewOrganisation, OrganisationChanges};
use crate::write::Validator;

fn list(v: &mut Validator, field: &str, items: &[String]) -> Vec<String> {
    v.text_list(field, items)
}

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
        super::require(ctx, crate::auth::Scope::OrganisationWrite)?;
        let mut v = Validator::new();
        let id = v.id(&["input", "id"], &input.id, NodeType::Organisation);
        let changes = OrganisationChanges {
            name: input.name.as_deref().map(|n| v.text("name", n, 300)),
            short_name: patch(&input.short_name).map(|s| v.optional_text("shortName", s.as_deref(), 100)),
            website: patch(&input.website).map(|w| v.url("website", w.as_deref())),
            identifiers: input.identifiers.as_ref().map(|l| list(&mut v, "identifiers", l)),
            aliases: input.aliases.as_ref().map(|l| list(&mut v, "aliases", l)),
            home_region_ids: input.home_region_ids.as_ref().map(|l| ids(&mut v, "homeRegionIds", l, NodeType::Region)),
        };
        if let Err(e) = v.finish() {
            return Ok(OrganisationPayload::refused(validation_errors(e)?));
        }
        let expected = input.expected_version;
        let outcome = run_write(ctx, move |c, a| org_ops::update(c, a, id, expected, &changes)).await?;
        Ok(OrganisationPayload::from_outcome(outcome, Organisation))
    }

    /// Creates an organisation. Who: admin.
    async fn create_organisation(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The organisation.")] input: CreateOrganisationInput,
    ) -> async_graphql::Result<OrganisationPayload> {
        super::require(ctx, crate::auth::Scope::Admin)?;
        let mut v = Validator::new();
        let parsed = NewOrganisation {
            slug: v.slug("slug", &input.slug),
            name: v.text("name", &input.name, 300),
            short_name: v.optional_text("shortName", input.short_name.as_deref(), 100),
            kind: input.kind,
            school_level: input.school_level,
            website: v.url("website", input.website.as_deref()),
            identifiers: list(&mut v, "identifiers", &input.identifiers),
            aliases: list(&mut v, "aliases", &input.aliases),
            home_region_ids: ids(&mut v, "homeRegionIds", &input.home_region_ids, NodeType::Region),
            idempotency_key: v.optional_text("idempotencyKey", input.idempotency_key.as_deref(), 200),
        };
        if let Err(e) = v.finish() {
            return Ok(OrganisationPayload::refused(validation_errors(e)?));
        }
        let outcome = run_write(ctx, move |c, a| org_ops::create(c, a, &parsed)).await?;
        Ok(OrganisationPayload::from_outcome(outcome, Organisation))
    }

    /// Creates a region. Who: admin.
    async fn create_region(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The region.")] input: CreateRegionInput,
    ) -> async_graphql::Result<RegionPayload> {
        super::require(ctx, crate::auth::Scope::Admin)?;
        let mut v = Validator::new();
        let code = v.text("code", &input.code, 100);
        if !code.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '-') {
            v.push(&["input", "code"], crate::error::UserErrorCode::Invalid, "codes are capitals, digits and -");
        }
        let parsed = NewRegion {
            scheme: input.scheme,
            code,
            name: v.text("name", &input.name, 300),
            aliases: list(&mut v, "aliases", &input.aliases),
            identifiers: list(&mut v, "identifiers", &input.identifiers),
            parent_id: input.parent_id.as_ref().map(|p| v.id(&["input", "parentId"], p, NodeType::Region)),
            idempotency_key: v.optional_text("idempotencyKey", input.idempotency_key.as_deref(), 200),
        };
        if let Err(e) = v.finish() {
            return Ok(RegionPayload::refused(validation_errors(e)?));
        }
        let outcome = run_write(ctx, move |c, a| admin_ops::create_region(c, a, &parsed)).await?;
        Ok(RegionPayload::from_outcome(outcome, Region))
    }

    /// Creates a funding scheme. Who: admin.
    async fn create_funding_scheme(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The scheme.")] input: CreateFundingSchemeInput,
    ) -> async_graphql::Result<FundingSchemePayload> {
        super::require(ctx, crate::auth::Scope::Admin)?;
        let mut v = Validator::new();
        let code = v.text("code", &input.code, 100);
        if !code.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_') {
            v.push(&["input", "code"], crate::error::UserErrorCode::Invalid, "codes are capitals, digits and _");
        }
        let parsed = NewScheme {
            code,
            name: v.text("name", &input.name, 300),
            display_name: v.optional_text("displayName", input.display_name.as_deref(), 100),
            funder_id: input.funder_id.as_ref().map(|o| v.id(&["input", "funderId"], o, NodeType::Organisation)),
            administrator_id: input
                .administrator_id
                .as_ref()
                .map(|o| v.id(&["input", "administratorId"], o, NodeType::Organisation)),
            legal_basis: v.optional_text("legalBasis", input.legal_basis.as_deref(), 500),
            url: v.url("url", input.url.as_deref()),
            period: input
                .period
                .as_ref()
                .map(|p| v.period("period", p.start.as_deref(), p.end.as_deref()))
                .unwrap_or_default(),
            idempotency_key: v.optional_text("idempotencyKey", input.idempotency_key.as_deref(), 200),
        };
        if let Err(e) = v.finish() {
            return Ok(FundingSchemePayload::refused(validation_errors(e)?));
        }
        let outcome = run_write(ctx, move |c, a| admin_ops::create_scheme(c, a, &parsed)).await?;
        Ok(FundingSchemePayload::from_outcome(outcome, FundingScheme))
    }

    /// Adds a scheme-level amount (a budget, not a grant). Who: admin.
    async fn add_budget_line(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The budget line.")] input: AddBudgetLineInput,
    ) -> async_graphql::Result<BudgetLinePayload> {
        super::require(ctx, crate::auth::Scope::Admin)?;
        let mut v = Validator::new();
        let scheme = v.id(&["input", "schemeId"], &input.scheme_id, NodeType::FundingScheme);
        let line = NewBudgetLine {
            period: input
                .period
                .as_ref()
                .map(|p| v.period("period", p.start.as_deref(), p.end.as_deref()))
                .unwrap_or_default(),
            amount_cents: v.amount("amount", &input.amount.0),
            qualifier: input.qualifier,
            basis: input.basis,
            note: v.optional_text("note", input.note.as_deref(), 2000),
        };
        if let Err(e) = v.finish() {
            return Ok(BudgetLinePayload::refused(validation_errors(e)?));
        }
        let expected = input.expected_version;
        let outcome = run_write(ctx, move |c, a| admin_ops::add_budget_line(c, a, scheme, expected, &line)).await?;
        Ok(BudgetLinePayload::from_outcome(outcome, BudgetLine))
    }
}
