//! Table definitions for diesel, written by hand to match both migration folders
//! (`migrations/postgres` and `migrations/sqlite`), which share one column layout.

diesel::table! {
    region (id) {
        id -> BigInt,
        scheme -> Text,
        code -> Text,
        name -> Text,
        aliases -> Text,
        identifiers -> Text,
        parent_id -> Nullable<BigInt>,
        note -> Nullable<Text>,
        sort_key -> Text,
        search_text -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> Integer,
    }
}

diesel::table! {
    region_link (id) {
        id -> BigInt,
        region_id -> BigInt,
        linked_region_id -> BigInt,
        kind -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> Integer,
    }
}

diesel::table! {
    organisation (id) {
        id -> BigInt,
        slug -> Text,
        name -> Text,
        short_name -> Nullable<Text>,
        kind -> Text,
        school_level -> Nullable<Text>,
        identifiers -> Text,
        website -> Nullable<Text>,
        aliases -> Text,
        sort_key -> Text,
        search_text -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> Integer,
        note -> Nullable<Text>,
        description -> Nullable<Text>,
    }
}

diesel::table! {
    organisation_region (id) {
        id -> BigInt,
        organisation_id -> BigInt,
        region_id -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> Integer,
    }
}

diesel::table! {
    programme (id) {
        id -> BigInt,
        slug -> Text,
        name -> Text,
        description -> Nullable<Text>,
        kind -> Text,
        theme -> Nullable<Text>,
        start_date -> Nullable<Date>,
        start_precision -> Nullable<Text>,
        end_date -> Nullable<Date>,
        end_precision -> Nullable<Text>,
        website -> Nullable<Text>,
        status -> Nullable<Text>,
        status_year -> Nullable<Integer>,
        owner_id -> Nullable<BigInt>,
        aliases -> Text,
        sort_key -> Text,
        search_text -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> Integer,
        note -> Nullable<Text>,
        status_inferred -> Bool,
        status_note -> Nullable<Text>,
    }
}

diesel::table! {
    programme_target_group (id) {
        id -> BigInt,
        programme_id -> BigInt,
        target_group -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> Integer,
    }
}

diesel::table! {
    programme_region (id) {
        id -> BigInt,
        programme_id -> BigInt,
        region_id -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> Integer,
    }
}

diesel::table! {
    participation (id) {
        id -> BigInt,
        programme_id -> BigInt,
        organisation_id -> BigInt,
        role -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> Integer,
        status -> Text,
        start_date -> Nullable<Date>,
        start_precision -> Nullable<Text>,
        end_date -> Nullable<Date>,
        end_precision -> Nullable<Text>,
    }
}

diesel::table! {
    funding_scheme (id) {
        id -> BigInt,
        code -> Text,
        name -> Text,
        display_name -> Text,
        funder_id -> Nullable<BigInt>,
        administrator_id -> Nullable<BigInt>,
        legal_basis -> Nullable<Text>,
        url -> Nullable<Text>,
        start_date -> Nullable<Date>,
        start_precision -> Nullable<Text>,
        end_date -> Nullable<Date>,
        end_precision -> Nullable<Text>,
        aliases -> Text,
        sort_key -> Text,
        search_text -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> Integer,
        note -> Nullable<Text>,
        description -> Nullable<Text>,
    }
}

diesel::table! {
    budget_line (id) {
        id -> BigInt,
        scheme_id -> BigInt,
        start_date -> Nullable<Date>,
        start_precision -> Nullable<Text>,
        end_date -> Nullable<Date>,
        end_precision -> Nullable<Text>,
        amount_cents -> BigInt,
        qualifier -> Nullable<Text>,
        basis -> Nullable<Text>,
        note -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> Integer,
    }
}

diesel::table! {
    funding (id) {
        id -> BigInt,
        key -> Text,
        scheme_id -> Nullable<BigInt>,
        funder_id -> Nullable<BigInt>,
        programme_id -> Nullable<BigInt>,
        recipient_id -> Nullable<BigInt>,
        start_date -> Nullable<Date>,
        start_precision -> Nullable<Text>,
        end_date -> Nullable<Date>,
        end_precision -> Nullable<Text>,
        award_date -> Nullable<Date>,
        amount_cents -> BigInt,
        co_financing_cents -> Nullable<BigInt>,
        qualifier -> Nullable<Text>,
        basis -> Nullable<Text>,
        status -> Nullable<Text>,
        note -> Nullable<Text>,
        sort_key -> Text,
        search_text -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> Integer,
        award_precision -> Nullable<Text>,
    }
}

diesel::table! {
    region_allocation (id) {
        id -> BigInt,
        funding_id -> BigInt,
        region_id -> BigInt,
        share_basis_points -> Nullable<Integer>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> Integer,
    }
}

diesel::table! {
    source (id) {
        id -> BigInt,
        entity_type -> Text,
        entity_id -> BigInt,
        document -> Nullable<Text>,
        line_start -> Nullable<Integer>,
        line_end -> Nullable<Integer>,
        organisation_id -> Nullable<BigInt>,
        audit_event_id -> Nullable<BigInt>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> Integer,
    }
}

diesel::table! {
    dataset_record (id) {
        id -> BigInt,
        entity_type -> Text,
        natural_key -> Text,
        entity_id -> BigInt,
        content_hash -> Text,
        row_version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> Integer,
    }
}

diesel::table! {
    dataset_meta (id) {
        id -> BigInt,
        name -> Text,
        value -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> Integer,
    }
}

diesel::joinable!(region_allocation -> funding (funding_id));
diesel::joinable!(funding_placement -> funding (funding_id));
diesel::joinable!(participation -> programme (programme_id));
diesel::joinable!(programme_region -> programme (programme_id));
diesel::joinable!(programme_target_group -> programme (programme_id));

diesel::allow_tables_to_appear_in_same_query!(
    region,
    region_link,
    organisation,
    organisation_region,
    programme,
    programme_target_group,
    programme_region,
    participation,
    funding_scheme,
    budget_line,
    funding,
    region_allocation,
    source,
    dataset_record,
    dataset_meta,
    api_token,
    audit_event,
    idempotency_key,
    observation,
    pact_goal,
    programme_goal,
    region_level,
    funding_placement,
    funding_region_total,
    funding_region_programme,
    relation,
    event,
    event_record,
    person,
    person_role,
    listed_item,
    statement,
    statement_record,
);

diesel::table! {
    api_token (id) {
        id -> BigInt,
        jti -> Text,
        organisation_id -> BigInt,
        scopes -> Text,
        label -> Nullable<Text>,
        expires_at -> Timestamp,
        revoked_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> Integer,
        parent_jti -> Nullable<Text>,
    }
}

diesel::table! {
    audit_event (id) {
        id -> BigInt,
        occurred_at -> Timestamp,
        organisation_id -> Nullable<BigInt>,
        token_jti -> Nullable<Text>,
        mutation -> Text,
        entity_type -> Text,
        entity_id -> BigInt,
        owner_organisation_id -> Nullable<BigInt>,
        changes -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> Integer,
    }
}

diesel::table! {
    idempotency_key (id) {
        id -> BigInt,
        organisation_id -> BigInt,
        key -> Text,
        mutation -> Text,
        request_hash -> Text,
        entity_type -> Text,
        entity_id -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> Integer,
    }
}

diesel::table! {
    observation (id) {
        id -> BigInt,
        natural_key -> Text,
        subject_type -> Text,
        subject_id -> Nullable<BigInt>,
        metric -> Text,
        value -> Text,
        unit -> Text,
        qualifier -> Nullable<Text>,
        observed_on -> Nullable<Date>,
        observed_precision -> Nullable<Text>,
        report_year -> Nullable<Integer>,
        note -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> Integer,
    }
}

diesel::table! {
    pact_goal (id) {
        id -> BigInt,
        code -> Text,
        kind -> Text,
        name -> Text,
        description -> Nullable<Text>,
        report_year -> Nullable<Integer>,
        sort_key -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> Integer,
    }
}

diesel::table! {
    programme_goal (id) {
        id -> BigInt,
        programme_id -> BigInt,
        goal_id -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> Integer,
    }
}

diesel::joinable!(programme_goal -> pact_goal (goal_id));

// Derived tables kept by `crate::write::placement` (no versions: rebuilt from the records above).

diesel::table! {
    region_level (region_id, level) {
        region_id -> BigInt,
        level -> Text,
        at_level_id -> BigInt,
    }
}

diesel::table! {
    funding_placement (funding_id, level, bucket, region_id) {
        funding_id -> BigInt,
        level -> Text,
        bucket -> Text,
        region_id -> BigInt,
        cents -> BigInt,
        co_financing_cents -> BigInt,
        co_financing_known -> Integer,
        placed_by -> Text,
        scheme_id -> BigInt,
        programme_id -> BigInt,
        year -> Integer,
    }
}

diesel::table! {
    funding_region_total (id) {
        id -> BigInt,
        level -> Text,
        bucket -> Text,
        region_id -> BigInt,
        scheme_id -> BigInt,
        year -> Integer,
        placed_by -> Text,
        cents -> BigInt,
        co_financing_cents -> BigInt,
        funding_count -> BigInt,
        co_financing_missing -> BigInt,
    }
}

diesel::table! {
    funding_region_programme (id) {
        id -> BigInt,
        level -> Text,
        region_id -> BigInt,
        scheme_id -> BigInt,
        placed_by -> Text,
        programme_id -> BigInt,
        cents -> BigInt,
        co_financing_cents -> BigInt,
        funding_count -> BigInt,
        co_financing_missing -> BigInt,
    }
}

diesel::table! {
    /// The cost budgets' GCRA state on PostgreSQL (`auth::budget`): one row per bucket, its
    /// theoretical arrival time in nanoseconds since the Unix epoch. Empty on SQLite.
    rate_limit (bucket) {
        bucket -> Text,
        tat -> BigInt,
    }
}
diesel::table! {
    relation (id) {
        id -> BigInt,
        natural_key -> Text,
        kind -> Text,
        subject_type -> Text,
        subject_id -> BigInt,
        object_type -> Text,
        object_id -> BigInt,
        start_date -> Nullable<Date>,
        start_precision -> Nullable<Text>,
        end_date -> Nullable<Date>,
        end_precision -> Nullable<Text>,
        note -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> Integer,
    }
}
diesel::table! {
    event (id) {
        id -> BigInt,
        natural_key -> Text,
        kind -> Text,
        event_date -> Date,
        event_date_end -> Date,
        event_precision -> Text,
        description -> Text,
        sort_key -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> Integer,
    }
}
diesel::table! {
    event_record (id) {
        id -> BigInt,
        event_id -> BigInt,
        record_type -> Text,
        record_id -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> Integer,
    }
}
diesel::table! {
    person (id) {
        id -> BigInt,
        slug -> Text,
        name -> Text,
        aliases -> Text,
        note -> Nullable<Text>,
        sort_key -> Text,
        search_text -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> Integer,
    }
}
diesel::table! {
    person_role (id) {
        id -> BigInt,
        person_id -> BigInt,
        title -> Text,
        record_type -> Nullable<Text>,
        record_id -> Nullable<BigInt>,
        start_date -> Nullable<Date>,
        start_precision -> Nullable<Text>,
        end_date -> Nullable<Date>,
        end_precision -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> Integer,
    }
}
diesel::table! {
    listed_item (id) {
        id -> BigInt,
        natural_key -> Text,
        record_type -> Text,
        record_id -> BigInt,
        kind -> Text,
        label -> Text,
        code -> Nullable<Text>,
        position -> Integer,
        note -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> Integer,
    }
}
diesel::joinable!(event_record -> event (event_id));
diesel::joinable!(person_role -> person (person_id));
diesel::table! {
    statement (id) {
        id -> BigInt,
        natural_key -> Text,
        kind -> Text,
        summary -> Text,
        phrase -> Text,
        topic -> Nullable<Text>,
        date_start -> Nullable<Date>,
        date_end -> Nullable<Date>,
        date_precision -> Nullable<Text>,
        note -> Nullable<Text>,
        search_text -> Text,
        sort_key -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> Integer,
    }
}
diesel::table! {
    statement_record (id) {
        id -> BigInt,
        statement_id -> BigInt,
        role -> Text,
        record_type -> Text,
        record_id -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> Integer,
    }
}
diesel::joinable!(statement_record -> statement (statement_id));
