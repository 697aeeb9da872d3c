//! The Techniekpact partner graph: a GraphQL API over the stakeholders, programmes, regions and
//! funding schemes of the Dutch Nationaal Techniekpact. See README.md.

pub mod arenas;
pub mod auth;
pub mod config;
pub mod data;
pub mod db;
pub mod error;
pub mod graphql;
pub mod ids;
pub mod middleware;
pub mod money;
pub mod period;
pub mod read;
pub mod routes;
pub mod startup;
pub mod static_assets;
pub mod telemetry;
pub mod text;
pub mod vocab;
pub mod write;
