-- (d) what recordFunding writes, as one pgbench transaction: the token check, the scheme and the links
-- looked up, the funding with two allocations, the row read back for the answer, the audit event and
-- the partner source. Variables (pgbench -D): jti org scheme programme recipient region1 region2.
-- (The JSON has a space after every colon: pgbench would take `:null` for a variable.)
BEGIN;
SELECT id, organisation_id, scopes, expires_at, revoked_at, parent_jti FROM api_token WHERE jti = :jti;
SELECT id, funder_id, administrator_id FROM funding_scheme WHERE id = :scheme;
SELECT count(*) FROM programme WHERE id = :programme;
SELECT count(*) FROM organisation WHERE id = :recipient;
SELECT count(*) FROM region WHERE id IN (:region1, :region2);
INSERT INTO funding (key, scheme_id, programme_id, recipient_id, start_date, start_precision, end_date, end_precision,
                     amount_cents, status, note, sort_key, search_text, created_at, updated_at)
VALUES ('pgbench-' || gen_random_uuid(), :scheme, :programme, :recipient, '2024-01-01', 'YEAR', '2025-12-31', 'YEAR',
        12345678, 'AWARDED', 'Synthetic write from the load measurement.', 'pgbench', 'pgbench', now(), now())
RETURNING id AS fid \gset
DELETE FROM region_allocation WHERE funding_id = :fid;
INSERT INTO region_allocation (funding_id, region_id, share_basis_points, created_at, updated_at) VALUES (:fid, :region1, 6000, now(), now());
INSERT INTO region_allocation (funding_id, region_id, share_basis_points, created_at, updated_at) VALUES (:fid, :region2, 4000, now(), now());
SELECT * FROM funding WHERE id = :fid;
SELECT region_id, share_basis_points FROM region_allocation WHERE funding_id = :fid ORDER BY id;
INSERT INTO audit_event (occurred_at, organisation_id, token_jti, mutation, entity_type, entity_id, owner_organisation_id, changes, created_at, updated_at)
VALUES (now(), :org, :jti, 'recordFunding', 'funding', :fid, :org,
        '{"before": null, "after": {"key": "pgbench", "schemeId": "RnVuZGluZ1NjaGVtZTox", "funderId": null, "programmeId": "UHJvZ3JhbW1lOjEwMzA3", "recipientId": "T3JnYW5pc2F0aW9uOjQyMTE", "startDate": "2024-01-01", "endDate": "2025-12-31", "awardDate": null, "amountCents": 12345678, "coFinancingCents": null, "qualifier": null, "basis": null, "status": "AWARDED", "note": "Synthetic write from the load measurement.", "allocations": [{"regionId": "UmVnaW9uOjE1", "shareBasisPoints": 6000}, {"regionId": "UmVnaW9uOjE3", "shareBasisPoints": 4000}], "version": 1}}',
        now(), now())
RETURNING id AS eid \gset
INSERT INTO source (entity_type, entity_id, organisation_id, audit_event_id, created_at, updated_at) VALUES ('funding', :fid, :org, :eid, now(), now());
COMMIT;
