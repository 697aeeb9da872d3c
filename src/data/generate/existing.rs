//! What the database already holds: partner writes, an earlier synthetic set (and removing it), and
//! the real records synthetic ones point at.

use diesel::prelude::*;

use super::{PREFIX, SOURCE_DOCUMENT};
use crate::db::schema::*;
use crate::db::{write_transaction, DbConn};
use crate::error::AppError;

/// True when a partner wrote through the API (an audit event not made by the command line).
pub(super) fn partners_wrote(conn: &mut DbConn) -> Result<bool, AppError> {
    let n: i64 = audit_event::table.filter(audit_event::mutation.not_like("cli:%")).count().get_result(conn)?;
    Ok(n > 0)
}

/// A synthetic set is recognised by its sources (document `synthetic`, which no partner write
/// can cite), never by a slug alone: a partner's "Synthetic fuels" programme is not synthetic.
pub(super) fn holds_synthetic(conn: &mut DbConn) -> Result<bool, AppError> {
    let n: i64 = source::table.filter(source::document.eq(SOURCE_DOCUMENT)).count().get_result(conn)?;
    Ok(n > 0)
}

/// Deletes every synthetic record and what hangs off it (also fundings recorded through the API
/// for a synthetic programme or recipient).
pub(super) fn remove_synthetic(conn: &mut DbConn) -> Result<(), AppError> {
    use diesel::connection::SimpleConnection;
    // Constant SQL, the same on both backends; subqueries, because a synthetic set may hold a
    // million rows (more than either backend binds in one statement).
    const REMOVE: &str = "
        CREATE TEMPORARY TABLE synthetic_record AS SELECT entity_type, entity_id FROM source
          WHERE document = 'synthetic';
        CREATE TEMPORARY TABLE synthetic_funding AS SELECT id FROM funding
          WHERE id IN (SELECT entity_id FROM synthetic_record WHERE entity_type = 'funding')
             OR programme_id IN (SELECT entity_id FROM synthetic_record WHERE entity_type = 'programme')
             OR recipient_id IN (SELECT entity_id FROM synthetic_record WHERE entity_type = 'organisation');
        DELETE FROM region_allocation WHERE funding_id IN (SELECT id FROM synthetic_funding);
        DELETE FROM source WHERE document = 'synthetic';
        DELETE FROM funding WHERE id IN (SELECT id FROM synthetic_funding);
        DELETE FROM participation
          WHERE programme_id IN (SELECT entity_id FROM synthetic_record WHERE entity_type = 'programme')
             OR organisation_id IN (SELECT entity_id FROM synthetic_record WHERE entity_type = 'organisation');
        DELETE FROM programme_target_group
          WHERE programme_id IN (SELECT entity_id FROM synthetic_record WHERE entity_type = 'programme');
        DELETE FROM programme_region
          WHERE programme_id IN (SELECT entity_id FROM synthetic_record WHERE entity_type = 'programme');
        DELETE FROM programme WHERE id IN (SELECT entity_id FROM synthetic_record WHERE entity_type = 'programme');
        DELETE FROM organisation_region
          WHERE organisation_id IN (SELECT entity_id FROM synthetic_record WHERE entity_type = 'organisation');
        DELETE FROM organisation
          WHERE id IN (SELECT entity_id FROM synthetic_record WHERE entity_type = 'organisation');
        DROP TABLE synthetic_funding;
        DROP TABLE synthetic_record;";
    write_transaction(conn, |c| {
        c.batch_execute(REMOVE)?;
        crate::write::placement::rebuild(c)
    })
}

/// The real records synthetic ones point at.
pub(super) struct Real {
    pub(super) provinces: Vec<i64>,
    pub(super) subregions: Vec<i64>,
    pub(super) landsdelen: Vec<i64>,
    pub(super) organisations: Vec<i64>,
    /// (scheme id, weight, first year, last year)
    pub(super) schemes: Vec<(i64, u32)>,
}

pub(super) fn real(conn: &mut DbConn) -> Result<Real, AppError> {
    let regions = |c: &mut DbConn, scheme: &str| -> Result<Vec<i64>, AppError> {
        Ok(region::table.filter(region::scheme.eq(scheme)).order(region::id).select(region::id).load(c)?)
    };
    let provinces = regions(conn, "PROVINCE")?;
    let subregions = regions(conn, "SUBREGION")?;
    let landsdelen = regions(conn, "LANDSDEEL")?;
    let like = format!("{PREFIX}%");
    let organisations: Vec<i64> = organisation::table
        .filter(organisation::slug.not_like(like))
        .order(organisation::id)
        .select(organisation::id)
        .load(conn)?;
    let codes: Vec<(i64, String)> = funding_scheme::table
        .order(funding_scheme::id)
        .select((funding_scheme::id, funding_scheme::code))
        .load(conn)?;
    let schemes = codes
        .into_iter()
        .map(|(id, code)| {
            let weight = match code.as_str() {
                "PRAKTIJKLEREN" | "SUBSIDIEREGELING_PRAKTIJKLEREN" => 30,
                "RIF" => 20,
                "MKB_IDEE" => 15,
                "SECTORPLANNEN" => 10,
                _ => 2,
            };
            (id, weight)
        })
        .collect();
    let real = Real { provinces, subregions, landsdelen, organisations, schemes };
    if real.provinces.is_empty() || real.schemes.is_empty() || real.organisations.is_empty() {
        return Err(AppError::bad_input(
            "generate-data adds to the real data: load it first (`techniekpact-api load-data`)",
        ));
    }
    Ok(real)
}
