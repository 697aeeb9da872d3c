//! Black-box tests through HTTP, each on a fresh database, on SQLite and (with TEST_DATABASE_URL)
//! PostgreSQL.

#![expect(clippy::unwrap_used, clippy::expect_used, reason = "a panic in a test is a failed test")]

mod abuse;
mod access_matrix;
mod answers;
mod batching;
mod browser;
mod coverage;
mod data_load;
mod errors;
mod exports;
mod exports_csv;
mod fixtures;
mod generate;
mod graphiql;
mod hardening;
mod helpers;
mod honesty;
mod layers;
mod matrix;
mod matrix_reference;
mod migrations;
mod model;
mod operations;
mod orders;
mod page;
mod pagination;
mod placement;
mod placement_reference;
mod placement_writes;
mod plans;
mod provenance;
mod provenance_model;
mod questions;
mod rate_limit_callers;
mod rate_limits;
mod read_layer;
mod readme;
mod reads;
mod reports;
mod schema;
mod served;
mod statements;
mod writes;
mod writes_fixture;
