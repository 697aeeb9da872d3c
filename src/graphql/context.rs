//! Reaching request data from resolvers without panics: the database, the loader, the caller.

use async_graphql::dataloader::{DataLoader, Loader};
use async_graphql::{Context, ErrorExtensions};

use super::loaders::DbLoader;
use crate::auth::{Actor, Viewer};
use crate::db::Database;
use crate::error::AppError;

/// The database handle registered on the schema.
pub fn db<'a>(ctx: &Context<'a>) -> async_graphql::Result<&'a Database> {
    ctx.data::<Database>().map_err(|_| AppError::internal("no database in the schema data").extend())
}

/// This request's loader.
pub fn loader<'a>(ctx: &Context<'a>) -> async_graphql::Result<&'a DataLoader<DbLoader>> {
    ctx.data::<DataLoader<DbLoader>>().map_err(|_| AppError::internal("no data loader in the request data").extend())
}

/// Loads one value through this request's loader.
pub async fn load_one<K>(ctx: &Context<'_>, key: K) -> async_graphql::Result<Option<<DbLoader as Loader<K>>::Value>>
where
    K: Send + Sync + std::hash::Hash + Eq + Clone + 'static,
    DbLoader: Loader<K, Error = AppError>,
{
    loader(ctx)?.load_one(key).await.map_err(|e| e.extend())
}

/// Loads a list relation (empty when the parent has none).
pub async fn load_list<K, V>(ctx: &Context<'_>, key: K) -> async_graphql::Result<Vec<V>>
where
    K: Send + Sync + std::hash::Hash + Eq + Clone + 'static,
    V: Send + Sync + Clone + 'static,
    DbLoader: Loader<K, Value = Vec<V>, Error = AppError>,
{
    Ok(loader(ctx)?.load_one(key).await.map_err(|e| e.extend())?.unwrap_or_default())
}

/// The caller, or `UNAUTHENTICATED`.
///
/// # Errors
/// `UNAUTHENTICATED` when the request has no token.
pub fn actor(ctx: &Context<'_>) -> async_graphql::Result<Actor> {
    match ctx.data::<Viewer>() {
        Ok(Viewer::Authenticated(actor)) => Ok(actor.clone()),
        _ => Err(AppError::Unauthenticated("this needs a token: send `Authorization: Bearer <token>`".into()).extend()),
    }
}
