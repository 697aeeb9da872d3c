//! The query root: root connections, `node`/`nodes`, look-ups by natural key, `vocabulary`.

use async_graphql::{Context, MergedObject, Object, SimpleObject, ID};

use super::context::{db, load_one, Caller};
use super::filters::*;
use super::loaders::*;
use super::report::{funding_by_region, FundingByRegion};
use super::types::{
    BudgetLine, Event, Funding, FundingScheme, Node, Observation, Organisation, PactGoal, Participation, Person,
    Programme, Region, Relation, Statement,
};
use crate::auth::policy::can_see_participation;

use crate::error::AppError;
use crate::ids::{decode_id, NodeType, RecordKind};
use crate::read;
use crate::vocab::{all_terms, GoalKind, Placement, RegionScheme};

/// A labelled enum value, for showing terms instead of codes.
#[derive(SimpleObject)]
pub struct VocabularyTerm {
    /// The GraphQL enum (or `FundingScheme` for scheme codes), e.g. `RegionScheme`.
    pub r#enum: String,
    /// The value as the API returns it, e.g. `LANDSDEEL` or `MKB_IDEE`.
    pub value: String,
    /// The Dutch label, e.g. `Landsdeel`, `MKB!dee`.
    pub label_nl: String,
    /// The English label.
    pub label_en: String,
}

mod lists;

/// Read access to the partner graph. All reads are public.
#[derive(MergedObject, Default)]
pub struct QueryRoot(LookupQuery, lists::ListQuery, super::matrix::MatrixQuery);

/// Look-ups by ID and natural key, reports, the vocabulary and the caller's own data.
#[derive(Default)]
pub struct LookupQuery;

/// Look-ups by ID and natural key, reports, the vocabulary and the caller's own data.
#[Object]
impl LookupQuery {
    /// Any record by its global ID; null when no such record exists.
    ///
    /// Errors: `BAD_USER_INPUT` when `id` is not a valid ID.
    async fn node(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "A global ID.")] id: ID,
    ) -> async_graphql::Result<Option<Node>> {
        let (node_type, row) = decode_id(&id, "id")?;
        fetch_node(ctx, node_type, row).await
    }

    /// Records by global ID, in the order asked; null for IDs with no record. At most 100 IDs.
    #[graphql(complexity = "ids.len().max(1) * child_complexity")]
    async fn nodes(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Global IDs (at most 100).")] ids: Vec<ID>,
    ) -> async_graphql::Result<Vec<Option<Node>>> {
        if ids.len() > 100 {
            return Err(AppError::bad_input("argument `ids`: at most 100 IDs").into());
        }
        let decoded = ids.iter().map(|id| decode_id(id, "ids")).collect::<Result<Vec<_>, _>>()?;
        // Start every load before awaiting any, so the data loader batches them per type.
        let loads = decoded.into_iter().map(|(t, row)| fetch_node(ctx, t, row));
        futures_util::future::try_join_all(loads).await
    }

    /// An organisation by its slug, e.g. `sbb`; null when there is none.
    async fn organisation(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The slug.")] slug: String,
    ) -> async_graphql::Result<Option<Organisation>> {
        if slug.contains('\0') {
            return Ok(None);
        }
        let row = db(ctx)?.run(move |c| read::organisations::by_slug(c, &slug)).await?;
        Ok(row.map(Organisation))
    }

    /// A programme by its slug; null when there is none.
    async fn programme(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The slug.")] slug: String,
    ) -> async_graphql::Result<Option<Programme>> {
        if slug.contains('\0') {
            return Ok(None);
        }
        let row = db(ctx)?.run(move |c| read::programmes::by_slug(c, &slug)).await?;
        Ok(row.map(Programme))
    }

    /// A region by scheme and code, e.g. `(scheme: PROVINCE, code: "NL-ZE")`; null when there is none.
    async fn region(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The scheme.")] scheme: RegionScheme,
        #[graphql(desc = "The code within the scheme.")] code: String,
    ) -> async_graphql::Result<Option<Region>> {
        if code.contains('\0') {
            return Ok(None);
        }
        let row = db(ctx)?.run(move |c| read::regions::by_code(c, scheme, &code)).await?;
        Ok(row.map(Region))
    }

    /// A funding scheme by code, e.g. `RIF` or `MKB_IDEE`; null when there is none.
    async fn funding_scheme(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The code.")] code: String,
    ) -> async_graphql::Result<Option<FundingScheme>> {
        if code.contains('\0') {
            return Ok(None);
        }
        let row = db(ctx)?.run(move |c| read::schemes::by_code(c, &code)).await?;
        Ok(row.map(FundingScheme))
    }

    /// The pact's goals (2017 report) and main themes (2019 report), by code.
    #[graphql(complexity = "30 * child_complexity")]
    async fn goals(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only goals or only themes.")] kind: Option<GoalKind>,
    ) -> async_graphql::Result<Vec<PactGoal>> {
        let rows = db(ctx)?.run(move |c| read::observations::goals(c, kind)).await?;
        Ok(rows.into_iter().map(PactGoal).collect())
    }

    /// Pact-wide figures the reports give (e.g. shares of pupils choosing technical profiles),
    /// optionally of one metric.
    #[graphql(complexity = "50 * child_complexity")]
    async fn pact_observations(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only this metric.")] metric: Option<String>,
    ) -> async_graphql::Result<Vec<Observation>> {
        super::types::observation::observations_of(ctx, RecordKind::Pact, 0, metric).await
    }

    /// Who the request's token acts for; null without a token.
    async fn viewer(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<super::audit::ViewerInfo>> {
        let Some(actor) = ctx.actor() else { return Ok(None) };
        let org = load_one(ctx, OrganisationById(actor.organisation_id)).await?;
        Ok(org.map(|o| super::audit::ViewerInfo::new(actor, Organisation(o))))
    }

    /// What this request costs and what is left of the caller's query budget (per token, a session
    /// token spending its parent's; without a token per client address); null when limits are off.
    async fn rate_limit(&self, ctx: &Context<'_>) -> Option<super::limits::budget::RateLimit> {
        super::limits::budget::rate_limit(ctx)
    }

    /// The audit trail, newest first. Admins see every event; an organisation sees the events it
    /// caused and those on its own records. Needs a token (`UNAUTHENTICATED` without one).
    #[graphql(complexity = "connection_cost(first, None, child_complexity)")]
    async fn audit_events(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which events.")] filter: Option<super::audit::AuditEventFilter>,
        #[graphql(desc = "Page size, 1–100 (default 20).")] first: Option<i32>,
        #[graphql(desc = "Cursor to start after.")] after: Option<String>,
    ) -> async_graphql::Result<super::audit::AuditEventConnection> {
        super::audit::audit_events(ctx, filter.unwrap_or_default(), first, after).await
    }

    /// Every enum value with its Dutch and English label, plus the funding schemes' codes with the
    /// names to show (`MKB_IDEE` → `MKB!dee`).
    async fn vocabulary(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<VocabularyTerm>> {
        let mut terms: Vec<VocabularyTerm> = all_terms()
            .into_iter()
            .map(|(e, v, nl, en)| VocabularyTerm {
                r#enum: e.into(),
                value: v.into(),
                label_nl: nl.into(),
                label_en: en.into(),
            })
            .collect();
        let schemes = db(ctx)?.run(read::schemes::labels).await?;
        terms.extend(schemes.into_iter().map(|(code, display, name)| VocabularyTerm {
            r#enum: "FundingScheme".into(),
            value: code,
            label_nl: display,
            label_en: name,
        }));
        Ok(terms)
    }

    /// Funding per region at one level: where the documents place each funding's amount, by the
    /// placement rules (README "Funding per region"). At level L a funding's allocations with shares
    /// split its amount to the cent over their regions' ancestors-or-self at L; otherwise the regions
    /// it names (its own allocations, else its programme's regions) place the whole amount in the one
    /// region at L they all fall in, or list it under `unsplit` (several regions at L) or
    /// `outsideLevel` (a region with none at L); a funding with nothing to place it by is
    /// `unallocated`. Nothing is counted twice; `sameAs` links and the recipient's home regions never
    /// place. Read from totals the database keeps, so it costs the same at any data size when
    /// unfiltered or filtered by scheme only. A report costs at least 5,000 of a request's 50,000 (so
    /// at most 10 per request).
    #[graphql(complexity = "super::limits::report_cost(child_complexity)")]
    async fn funding_by_region(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The region scheme to total per (LANDSDEEL, PROVINCE, SUBREGION or ARBEIDSMARKTREGIO).")]
        level: RegionScheme,
        #[graphql(desc = "Which fundings to count.")] filter: Option<FundingFilter>,
        #[graphql(
            desc = "Whether amounts placed through a programme's regions count (`STATED_AND_PROGRAMME`) or only where the funding itself is placed (`STATED`: the rest is `unallocated`).",
            default_with = "Placement::StatedAndProgramme"
        )]
        placement: Placement,
    ) -> async_graphql::Result<FundingByRegion> {
        funding_by_region(ctx, level, filter.unwrap_or_default(), placement).await
    }
}

use super::pagination::connection_cost;

async fn fetch_node(ctx: &Context<'_>, node_type: NodeType, row: i64) -> async_graphql::Result<Option<Node>> {
    Ok(match node_type {
        NodeType::Organisation => {
            load_one(ctx, OrganisationById(row)).await?.map(|r| Node::Organisation(Organisation(r)))
        }
        NodeType::Programme => load_one(ctx, ProgrammeById(row)).await?.map(|r| Node::Programme(Programme(r))),
        NodeType::Region => load_one(ctx, RegionById(row)).await?.map(|r| Node::Region(Region(r))),
        NodeType::FundingScheme => load_one(ctx, SchemeById(row)).await?.map(|r| Node::FundingScheme(FundingScheme(r))),
        NodeType::Funding => load_one(ctx, FundingById(row)).await?.map(|r| Node::Funding(Funding(r))),
        NodeType::BudgetLine => load_one(ctx, BudgetLineById(row)).await?.map(|r| Node::BudgetLine(BudgetLine(r))),
        NodeType::Participation => {
            let Some(p) = load_one(ctx, ParticipationById(row)).await? else { return Ok(None) };
            let owner = load_one(ctx, ProgrammeById(p.programme_id)).await?.and_then(|r| r.owner_id);
            let viewer = ctx.viewer();
            can_see_participation(viewer, &p, owner).then_some(Node::Participation(Participation(p)))
        }
        // Audit events are read through `auditEvents`, which checks who may see them.
        NodeType::AuditEvent => None,
        NodeType::Relation => load_one(ctx, RelationById(row)).await?.map(|r| Node::Relation(Relation(r))),
        NodeType::Event => load_one(ctx, EventById(row)).await?.map(|r| Node::Event(Event(r))),
        NodeType::Statement => load_one(ctx, StatementById(row)).await?.map(|r| Node::Statement(Statement(r))),
        NodeType::Person => load_one(ctx, PersonById(row)).await?.map(|r| Node::Person(Person(r))),
    })
}
