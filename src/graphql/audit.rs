//! `viewer` and `auditEvents`.

use async_graphql::{Context, InputObject, Json, Object, ResultExt, SimpleObject, ID};
use chrono::{DateTime, Utc};
use diesel::prelude::*;

use super::context::{db, load_one};
use super::loaders::OrganisationById;
use super::mutation::actor;
use super::pagination::{PageInfo, DEFAULT_PAGE, MAX_PAGE};
use super::types::Organisation;
use crate::auth::{Actor, Scope};
use crate::db::schema::audit_event;
use crate::error::AppError;
use crate::ids::{decode_id, encode_id, Cursor, NodeType};

/// Who a token acts for.
#[derive(SimpleObject)]
pub struct ViewerInfo {
    /// The organisation.
    pub organisation: Organisation,
    /// What the token may do.
    pub scopes: Vec<Scope>,
    /// When the token expires.
    pub expires_at: DateTime<Utc>,
    /// The token's ID (`jti`).
    pub token_id: String,
}

impl ViewerInfo {
    /// From the request's actor.
    pub fn new(actor: &Actor, organisation: Organisation) -> Self {
        Self {
            organisation,
            scopes: actor.scopes.iter().copied().collect(),
            expires_at: actor.expires_at,
            token_id: actor.jti.clone(),
        }
    }
}

/// Which audit events.
#[derive(InputObject, Default, Debug)]
pub struct AuditEventFilter {
    /// Events about this record (any global ID).
    pub entity: Option<ID>,
    /// Events of this mutation, e.g. `updateProgramme`.
    pub mutation: Option<String>,
}

/// One successful write.
#[derive(Clone)]
pub struct AuditEvent(AuditRow);

#[derive(Clone, Queryable, Selectable)]
#[diesel(table_name = audit_event)]
struct AuditRow {
    id: i64,
    occurred_at: chrono::NaiveDateTime,
    organisation_id: Option<i64>,
    token_jti: Option<String>,
    mutation: String,
    entity_type: String,
    entity_id: i64,
    changes: String,
}

fn entity_node(entity_type: &str) -> Option<NodeType> {
    Some(match entity_type {
        "organisation" => NodeType::Organisation,
        "programme" => NodeType::Programme,
        "region" => NodeType::Region,
        "funding_scheme" => NodeType::FundingScheme,
        "funding" => NodeType::Funding,
        "budget_line" => NodeType::BudgetLine,
        "participation" => NodeType::Participation,
        _ => return None,
    })
}

/// One successful write.
#[Object]
impl AuditEvent {
    /// The event's ID.
    async fn id(&self) -> ID {
        encode_id(NodeType::AuditEvent, self.0.id)
    }

    /// When it happened (UTC).
    async fn occurred_at(&self) -> DateTime<Utc> {
        self.0.occurred_at.and_utc()
    }

    /// The organisation whose token made the change.
    async fn organisation(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Organisation>> {
        let Some(id) = self.0.organisation_id else { return Ok(None) };
        Ok(load_one(ctx, OrganisationById(id)).await?.map(Organisation))
    }

    /// The token's ID (`jti`); shown to admins and to the organisation whose token it was.
    async fn token_id(&self, ctx: &Context<'_>) -> Option<&str> {
        let viewer = ctx.data::<crate::auth::Viewer>().ok().and_then(crate::auth::Viewer::actor)?;
        (viewer.is_admin() || self.0.organisation_id == Some(viewer.organisation_id))
            .then_some(self.0.token_jti.as_deref())
            .flatten()
    }

    /// The mutation, e.g. `updateProgramme`.
    async fn mutation(&self) -> &str {
        &self.0.mutation
    }

    /// The kind of record changed, e.g. `programme`, `funding`, `api_token`.
    async fn entity_type(&self) -> &str {
        &self.0.entity_type
    }

    /// The global ID of the record changed (null for tokens, which have none).
    async fn entity_id(&self) -> Option<ID> {
        entity_node(&self.0.entity_type).map(|t| encode_id(t, self.0.entity_id))
    }

    /// The changed fields: `{ "before": {…}, "after": {…} }` (`before` is null for a create,
    /// `after` null for a delete). Amounts are in cents.
    async fn changes(&self) -> Json<serde_json::Value> {
        Json(serde_json::from_str(&self.0.changes).unwrap_or(serde_json::Value::Null))
    }
}

/// A page of audit events, newest first.
#[derive(SimpleObject)]
pub struct AuditEventConnection {
    /// The events of this page.
    pub nodes: Vec<AuditEvent>,
    /// Where this page stands.
    pub page_info: PageInfo,
}

/// Runs `auditEvents`.
pub async fn audit_events(
    ctx: &Context<'_>,
    filter: AuditEventFilter,
    first: Option<i32>,
    after: Option<String>,
) -> async_graphql::Result<AuditEventConnection> {
    let actor = actor(ctx)?;
    let first = first.unwrap_or(DEFAULT_PAGE);
    if !(1..=MAX_PAGE).contains(&first) {
        return Err(AppError::bad_input(format!("argument `first` must be between 1 and {MAX_PAGE}, got {first}")))
            .extend();
    }
    let after = after.map(|c| Cursor::decode(&c, "AUDIT", "after")).transpose().extend()?;
    let entity = filter.entity.as_ref().map(|id| decode_id(id, "filter.entity")).transpose().extend()?;
    let mutation = filter.mutation.clone();
    let rows: Vec<AuditRow> = db(ctx)?
        .run(move |c| {
            let mut q = audit_event::table.into_boxed::<crate::db::Db>();
            if !actor.is_admin() {
                let me = actor.organisation_id;
                q = q.filter(audit_event::organisation_id.eq(me).or(audit_event::owner_organisation_id.eq(me)));
            }
            if let Some((t, id)) = entity {
                let name = match t {
                    NodeType::Organisation => "organisation",
                    NodeType::Programme => "programme",
                    NodeType::Region => "region",
                    NodeType::FundingScheme => "funding_scheme",
                    NodeType::Funding => "funding",
                    NodeType::BudgetLine => "budget_line",
                    NodeType::Participation => "participation",
                    NodeType::AuditEvent => "audit_event",
                };
                q = q.filter(audit_event::entity_type.eq(name)).filter(audit_event::entity_id.eq(id));
            }
            if let Some(m) = mutation {
                q = q.filter(audit_event::mutation.eq(m));
            }
            if let Some(c) = after {
                q = q.filter(audit_event::id.lt(c.id));
            }
            Ok(q.order(audit_event::id.desc()).limit(i64::from(first) + 1).select(AuditRow::as_select()).load(c)?)
        })
        .await
        .extend()?;
    let more = rows.len() > first as usize;
    let nodes: Vec<AuditEvent> = rows.into_iter().take(first as usize).map(AuditEvent).collect();
    let cursor = |e: &AuditEvent| Cursor { order: "AUDIT".into(), value: String::new(), id: e.0.id }.encode();
    let page_info = PageInfo {
        has_previous_page: false,
        has_next_page: more,
        start_cursor: nodes.first().map(cursor),
        end_cursor: nodes.last().map(cursor),
    };
    Ok(AuditEventConnection { nodes, page_info })
}
