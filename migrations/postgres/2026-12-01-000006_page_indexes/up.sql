-- Indexes for every filter and order the API offers (Read path 3/3). A parent's page of fundings
-- reads the parent's rows in name order; the root orders by amount and dates read an index too
-- (PostgreSQL scans an index backwards only as DESC NULLS FIRST, so the NULLS LAST descending
-- orders have indexes of their own).
DROP INDEX funding_programme_idx;
DROP INDEX funding_recipient_idx;
DROP INDEX funding_funder_idx;
DROP INDEX funding_scheme_id_idx;
CREATE INDEX funding_programme_sort_idx ON funding (programme_id, sort_key, id);
CREATE INDEX funding_recipient_sort_idx ON funding (recipient_id, sort_key, id);
CREATE INDEX funding_funder_sort_idx ON funding (funder_id, sort_key, id);
CREATE INDEX funding_of_scheme_sort_idx ON funding (scheme_id, sort_key, id);
CREATE INDEX funding_amount_idx ON funding (amount_cents, id);
CREATE INDEX funding_award_date_idx ON funding (award_date, id);
CREATE INDEX funding_award_date_desc_idx ON funding (award_date DESC NULLS LAST, id DESC);
CREATE INDEX programme_start_date_idx ON programme (start_date, id);
CREATE INDEX programme_start_date_desc_idx ON programme (start_date DESC NULLS LAST, id DESC);
CREATE INDEX participation_programme_idx ON participation (programme_id, role, id);
CREATE INDEX participation_organisation_status_idx ON participation (organisation_id, status, programme_id);
DROP INDEX participation_organisation_idx;
