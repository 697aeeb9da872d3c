//! Reaching request data from resolvers without panics: the database, the loader, the caller.

use async_graphql::dataloader::{DataLoader, Loader};
use async_graphql::Context;

use super::loaders::DbLoader;
use crate::auth::{Actor, Viewer};
use crate::db::Database;
use crate::error::AppError;

/// The database handle registered on the schema.
pub fn db<'a>(ctx: &Context<'a>) -> async_graphql::Result<&'a Database> {
    ctx.data::<Database>().map_err(|_| AppError::internal("no database in the schema data").into())
}

/// This request's loader.
pub fn loader<'a>(ctx: &Context<'a>) -> async_graphql::Result<&'a DataLoader<DbLoader>> {
    ctx.data::<DataLoader<DbLoader>>().map_err(|_| AppError::internal("no data loader in the request data").into())
}

/// Loads one value through this request's loader.
pub async fn load_one<K>(ctx: &Context<'_>, key: K) -> async_graphql::Result<Option<<DbLoader as Loader<K>>::Value>>
where
    K: Send + Sync + std::hash::Hash + Eq + Clone + 'static,
    DbLoader: Loader<K, Error = AppError>,
{
    Ok(loader(ctx)?.load_one(key).await?)
}

/// Loads a list relation (empty when the parent has none).
pub async fn load_list<K, V>(ctx: &Context<'_>, key: K) -> async_graphql::Result<Vec<V>>
where
    K: Send + Sync + std::hash::Hash + Eq + Clone + 'static,
    V: Send + Sync + Clone + 'static,
    DbLoader: Loader<K, Value = Vec<V>, Error = AppError>,
{
    Ok(loader(ctx)?.load_one(key).await?.unwrap_or_default())
}

/// The caller, as resolvers reach it: `ctx.viewer()` (anonymous when the request has no token) and
/// `ctx.actor()`. What the caller may do is decided in [`crate::auth::policy`].
pub trait Caller {
    /// Who is making the request.
    fn viewer(&self) -> &Viewer;

    /// The token's actor, if any.
    fn actor(&self) -> Option<&Actor> {
        self.viewer().actor()
    }
}

static ANONYMOUS: Viewer = Viewer::Anonymous;

impl Caller for Context<'_> {
    fn viewer(&self) -> &Viewer {
        self.data::<Viewer>().unwrap_or(&ANONYMOUS)
    }
}
