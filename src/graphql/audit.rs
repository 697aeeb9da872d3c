//! `viewer` and `auditEvents`.

use async_graphql::{Context, InputObject, Json, Object, SimpleObject, ID};
use chrono::{DateTime, Utc};

use super::context::{db, load_one, Caller};
use super::loaders::OrganisationById;
use super::pagination::{ConnectionData, PageInfo, TotalCount, DEFAULT_PAGE, MAX_PAGE};
use super::types::Organisation;
use crate::auth::{policy, Actor, Scope};
use crate::error::AppError;
use crate::ids::{decode_id, encode_id, Cursor, NodeType, RecordKind};
use crate::read::audit::{AuditQuery, AuditRow};

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
        policy::can_see_token_id(ctx.viewer(), self.0.organisation_id).then_some(self.0.token_jti.as_deref()).flatten()
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
        RecordKind::parse(&self.0.entity_type).and_then(RecordKind::node_type).map(|t| encode_id(t, self.0.entity_id))
    }

    /// The changed fields: `{ "before": {…}, "after": {…} }` (`before` is null for a create,
    /// `after` null for a delete). Amounts are in cents.
    async fn changes(&self) -> Json<serde_json::Value> {
        Json(serde_json::from_str(&self.0.changes).unwrap_or(serde_json::Value::Null))
    }
}

crate::graphql::pagination::connection!(AuditEventConnection, AuditEventEdge, AuditEvent, "audit events, newest first");

/// Runs `auditEvents`.
pub async fn audit_events(
    ctx: &Context<'_>,
    filter: AuditEventFilter,
    first: Option<i32>,
    after: Option<String>,
) -> async_graphql::Result<AuditEventConnection> {
    let visible_to = policy::audit_events_visible(ctx.viewer())?;
    let first = first.unwrap_or(DEFAULT_PAGE);
    if !(1..=MAX_PAGE).contains(&first) {
        return Err(
            AppError::bad_input(format!("argument `first` must be between 1 and {MAX_PAGE}, got {first}")).into()
        );
    }
    let after = after.map(|c| Cursor::decode(&c, "AUDIT", "after")).transpose()?;
    let entity = filter.entity.as_ref().map(|id| decode_id(id, "filter.entity")).transpose()?;
    let query = AuditQuery {
        visible_to: match visible_to {
            policy::AuditVisibility::All => None,
            policy::AuditVisibility::Organisation(id) => Some(id),
        },
        entity: entity.map(|(t, id)| (t.kind(), id)),
        mutation: filter.mutation.clone(),
    };
    let page_query = query.clone();
    let db = db(ctx)?.clone();
    let before_id = after.map(|c| c.id);
    let rows: Vec<AuditRow> =
        db.run(move |c| crate::read::audit::page(c, &page_query, before_id, i64::from(first) + 1)).await?;
    let more = rows.len() > first as usize;
    let edges: Vec<(String, AuditEvent)> = rows
        .into_iter()
        .take(first as usize)
        .map(|row| (Cursor { order: "AUDIT".into(), value: String::new(), id: row.id }.encode(), AuditEvent(row)))
        .collect();
    let total = TotalCount::Deferred(db, std::sync::Arc::new(move |c| crate::read::audit::count(c, &query)));
    let page_info = PageInfo {
        has_previous_page: false,
        has_next_page: more,
        start_cursor: edges.first().map(|e| e.0.clone()),
        end_cursor: edges.last().map(|e| e.0.clone()),
    };
    Ok(AuditEventConnection(ConnectionData { edges, page_info, total }))
}
