//! Table definitions, written by hand with only the column types both backends share
//! (TEXT ids, UTC `Timestamp`, `Bool`, `Integer`, `BigInt`).

diesel::table! {
    organizations (id) {
        id -> Text,
        name -> Text,
        contact_email -> Nullable<Text>,
        status -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    credentials (client_id) {
        client_id -> Text,
        organization_id -> Text,
        secret_hash -> Text,
        mode -> Text,
        label -> Nullable<Text>,
        created_at -> Timestamp,
        revoked_at -> Nullable<Timestamp>,
        expires_at -> Timestamp,
        expiry_warned_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    reports (id) {
        id -> Text,
        organization_id -> Text,
        client_id -> Text,
        mode -> Text,
        external_id -> Text,
        service -> Text,
        category -> Text,
        severity -> Text,
        detection_method -> Text,
        detected_at -> Timestamp,
        activity_start -> Nullable<Timestamp>,
        activity_end -> Nullable<Timestamp>,
        languages -> Text,
        status -> Text,
        received_at -> Timestamp,
        /// The body as received: compressed, then sealed ([`crate::sealing::DataKey::seal_body`]).
        body -> Binary,
        /// SHA-256 of the canonical body: its 32 bytes ([`crate::store::reports::HexDigest`]).
        body_sha256 -> Binary,
        assignee_id -> Nullable<Text>,
        version -> Integer,
        resolution -> Nullable<Text>,
        first_reviewed_at -> Nullable<Timestamp>,
        closed_at -> Nullable<Timestamp>,
        released_at -> Nullable<Timestamp>,
        retracted_at -> Nullable<Timestamp>,
        key_id -> Text,
        /// The referral (JSON), sealed.
        sealed_referral -> Nullable<Text>,
        /// The report's integer key (what the search words point at on SQLite).
        seq -> BigInt,
    }
}

diesel::table! {
    /// The suspected groups of reports, by group: what the review list's filter by group reads.
    report_groups (code, report_seq) {
        code -> Text,
        report_seq -> BigInt,
    }
}

diesel::table! {
    report_prior_reports (report_id, prior_report_id) {
        report_id -> Text,
        prior_report_id -> Text,
    }
}

diesel::table! {
    users (id) {
        id -> Text,
        email -> Text,
        display_name -> Text,
        role -> Text,
        active -> Bool,
        password_hash -> Text,
        notify -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    login_throttle (key) {
        key -> Text,
        failures -> Integer,
        blocked_until -> Nullable<Timestamp>,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    organization_events (id) {
        id -> Text,
        organization_id -> Text,
        at -> Timestamp,
        actor_id -> Nullable<Text>,
        from_status -> Nullable<Text>,
        to_status -> Text,
        reason -> Nullable<Text>,
    }
}

diesel::table! {
    report_events (id) {
        id -> Text,
        report_id -> Text,
        at -> Timestamp,
        actor_id -> Nullable<Text>,
        actor_role -> Text,
        kind -> Text,
        from_status -> Nullable<Text>,
        to_status -> Nullable<Text>,
        /// Plain JSON: ids, codes and counts only.
        detail -> Nullable<Text>,
        sealed_reason -> Nullable<Text>,
        /// JSON, sealed, instead of `detail` when the detail carries free text (a referral).
        sealed_detail -> Nullable<Text>,
    }
}

diesel::table! {
    report_notes (id) {
        id -> Text,
        report_id -> Text,
        author_id -> Text,
        at -> Timestamp,
        body -> Text,
    }
}

diesel::table! {
    /// Search words on SQLite: a contentless FTS5 index (`detail=none`, no text kept), one
    /// document per report (`rowid` its `seq`) and one per amendment that brought words (a
    /// `rowid` below zero, [`crate::store::words`]). On PostgreSQL the table has another form,
    /// [`postgres::report_words`].
    report_words (rowid) {
        /// The report's `seq`, or an amendment's row.
        rowid -> BigInt,
        /// The word keys ([`crate::domain::search::WordHasher::word_key`]) as tokens of
        /// base32 digits, separated by spaces (written only: the index gives no text back).
        word_keys -> Text,
    }
}

/// Tables whose PostgreSQL form differs from SQLite's (used only with a PostgreSQL connection).
pub mod postgres {
    diesel::table! {
        /// Search words on PostgreSQL: one row per report, its word keys in a GIN-indexed array.
        report_words (report_seq) {
            /// The report's `seq`.
            report_seq -> BigInt,
            /// [`crate::domain::search::WordHasher::word_key`] of each of its words, distinct.
            word_keys -> Array<BigInt>,
        }
    }

    diesel::table! {
        /// The correlation index's exact values on PostgreSQL: one row per report, its values'
        /// 16-byte keys as two parallel arrays of their halves (the first GIN-indexed) and their
        /// places in a third (SQLite packs them in blobs, `sqlite::correlation_key_sets`, and
        /// keeps rows by value, `correlation_keys`).
        correlation_key_sets (report_seq) {
            /// The report (`reports.seq`).
            report_seq -> BigInt,
            /// Where each value is in the report (`correlation_places.id`), in the order of
            /// `key_heads`.
            places -> Array<Integer>,
            /// The first 8 bytes of each value's key ([`crate::domain::indicators::KEY_BYTES`]
            /// of its keyed hash), a big-endian signed integer: what the GIN index holds.
            key_heads -> Array<BigInt>,
            /// The last 8 bytes of each value's key, likewise, in the order of `key_heads`.
            key_tails -> Array<BigInt>,
        }
    }
}

diesel::joinable!(credentials -> organizations (organization_id));
diesel::joinable!(reports -> organizations (organization_id));

/// Tables whose SQLite form differs from PostgreSQL's (used only with a SQLite connection).
pub mod sqlite {
    diesel::table! {
        /// The correlation index's exact values on SQLite by report: one row per report (a rowid
        /// table), its values' keys and their places packed in two blobs
        /// (`store::correlation::keys`).
        correlation_key_sets (report_seq) {
            /// The report (`reports.seq`).
            report_seq -> BigInt,
            /// The first 16 bytes of each value's keyed hash ([`crate::domain::indicators`]),
            /// distinct, concatenated in key order.
            value_keys -> Binary,
            /// Where each value is in the report (`correlation_places.id`), in the order of
            /// `value_keys`: unsigned LEB128 varints.
            places -> Binary,
        }
    }

    use super::correlation_keys;
    diesel::allow_tables_to_appear_in_same_query!(correlation_key_sets, correlation_keys);
}

diesel::allow_tables_to_appear_in_same_query!(
    organizations,
    credentials,
    reports,
    report_groups,
    report_prior_reports,
    users,
    login_throttle,
    organization_events,
    report_events,
    report_notes,
    report_words,
);

diesel::table! {
    audit_events (id) {
        id -> Text,
        at -> Timestamp,
        actor -> Nullable<Text>,
        role -> Nullable<Text>,
        action -> Text,
        target -> Nullable<Text>,
        outcome -> Text,
        ip -> Nullable<Text>,
        request_id -> Nullable<Text>,
        seq -> Nullable<BigInt>,
        prev_hash -> Nullable<Text>,
        hash -> Nullable<Text>,
    }
}

diesel::table! {
    report_counts (day, dimension, key, shard) {
        day -> Text,
        dimension -> Text,
        key -> Text,
        shard -> Integer,
        count -> BigInt,
    }
}

diesel::table! {
    report_counts_monthly (dimension, month, key) {
        dimension -> Text,
        month -> Text,
        key -> Text,
        count -> BigInt,
    }
}

diesel::table! {
    triage_histogram (day, metric, bucket, shard) {
        day -> Text,
        metric -> Text,
        bucket -> Integer,
        shard -> Integer,
        count -> BigInt,
    }
}

diesel::table! {
    purged_counts (day, dimension, key) {
        day -> Text,
        dimension -> Text,
        key -> Text,
        count -> BigInt,
    }
}

diesel::table! {
    purged_triage (day, metric, bucket) {
        day -> Text,
        metric -> Text,
        bucket -> Integer,
        count -> BigInt,
    }
}

diesel::table! {
    outbox (id) {
        id -> Text,
        kind -> Text,
        report_id -> Nullable<Text>,
        enrollment_id -> Nullable<Text>,
        webhook_endpoint_id -> Nullable<Text>,
        urgent -> Bool,
        status -> Text,
        attempts -> Integer,
        next_attempt_at -> Timestamp,
        lease_owner -> Nullable<Text>,
        recipients -> Nullable<Text>,
        last_error -> Nullable<Text>,
        created_at -> Timestamp,
        sent_at -> Nullable<Timestamp>,
    }
}

diesel::joinable!(outbox -> reports (report_id));
diesel::allow_tables_to_appear_in_same_query!(outbox, reports);
diesel::allow_tables_to_appear_in_same_query!(outbox, organizations);

diesel::table! {
    staff_enrollments (id) {
        id -> Text,
        user_id -> Text,
        token_hash -> Nullable<Text>,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}

diesel::joinable!(staff_enrollments -> users (user_id));
diesel::joinable!(outbox -> staff_enrollments (enrollment_id));
diesel::allow_tables_to_appear_in_same_query!(staff_enrollments, users, outbox);

diesel::table! {
    report_amendments (id) {
        id -> Text,
        report_id -> Text,
        number -> Integer,
        client_id -> Text,
        received_at -> Timestamp,
        body -> Text,
        body_sha256 -> Text,
    }
}

diesel::table! {
    /// The correlation index's exact values on SQLite by value: one row per value and report, the
    /// reports holding a value (a report's values and their places are in
    /// [`sqlite::correlation_key_sets`]; PostgreSQL keeps only its sets,
    /// [`postgres::correlation_key_sets`]).
    correlation_keys (value_key, report_seq) {
        /// The first 16 bytes of the value's keyed hash ([`crate::domain::indicators`]).
        value_key -> Binary,
        /// The report (`reports.seq`).
        report_seq -> BigInt,
    }
}

diesel::table! {
    /// Where an indexed value appears: its kind and JSON Pointer, shared by all reports.
    correlation_places (id) {
        /// What index rows point at.
        id -> Integer,
        /// The indicator's kind.
        kind -> Text,
        /// The JSON Pointer into the report's body (or `/amendments/{number}/…`).
        pointer -> Text,
    }
}

diesel::table! {
    /// The reports of each common value (one in more reports than the threshold), in rows that
    /// add up: shard 16 the base, 0 to 15 the reports indexed since (`seq % 16`).
    correlation_common (value_key, shard) {
        /// The value's key (16 bytes), or a PDQ hash (its 32).
        value_key -> Binary,
        /// Which part of the count.
        shard -> Integer,
        /// Reports counted in this part.
        count -> Integer,
    }
}

diesel::table! {
    /// What a new report's notification says of its matches, counted when it was stored.
    correlation_counts (report_seq) {
        /// The report (`reports.seq`).
        report_seq -> BigInt,
        /// Earlier reports sharing an indicator with it.
        matching_reports -> Integer,
        /// Other organizations among their senders.
        other_organizations -> Integer,
    }
}

diesel::table! {
    report_evidence (id) {
        id -> Text,
        report_id -> Text,
        sha256 -> Text,
        size -> BigInt,
        media_type -> Text,
        content_index -> Nullable<Integer>,
        client_id -> Text,
        uploaded_at -> Timestamp,
        sealed_description -> Nullable<Text>,
    }
}

diesel::allow_tables_to_appear_in_same_query!(reports, report_amendments, report_evidence,);

diesel::table! {
    /// The PDQ hashes of reports, for the distance check. On PostgreSQL each row also holds its
    /// hash's 16 chunk keys, `chunk_keys INTEGER[]` (GIN-indexed), a column the database
    /// generates from `pdq` (see `store::correlation::pdq`).
    correlation_pdq (report_seq, pdq) {
        /// The report (`reports.seq`).
        report_seq -> BigInt,
        /// The 32 bytes of the hash.
        pdq -> Binary,
        /// Where it is in the report (`correlation_places.id`).
        place -> Integer,
    }
}

diesel::table! {
    /// The 16 chunks of each indexed PDQ hash as keys (`position << 16 | chunk`): SQLite only
    /// (PostgreSQL holds them in `correlation_pdq`'s rows).
    correlation_pdq_chunks (chunk_key, report_seq) {
        /// [`crate::domain::indicators::Pdq::chunk_keys`].
        chunk_key -> Integer,
        /// The report (`reports.seq`).
        report_seq -> BigInt,
    }
}

diesel::allow_tables_to_appear_in_same_query!(
    correlation_keys,
    correlation_places,
    correlation_common,
    correlation_counts,
    correlation_pdq,
    correlation_pdq_chunks,
    reports
);

diesel::table! {
    report_tombstones (report_id) {
        report_id -> Text,
        organization_id -> Text,
        external_id -> Text,
        mode -> Text,
        received_at -> Timestamp,
        purged_at -> Timestamp,
        policy -> Text,
        evidence_deleted -> Bool,
        counts_kept -> Bool,
    }
}

diesel::table! {
    report_holds (report_id) {
        report_id -> Text,
        placed_at -> Timestamp,
        placed_by -> Text,
        sealed_reason -> Text,
    }
}

diesel::table! {
    /// Free text that migration `000014_sealed_free_text` took out of its plaintext column, until
    /// [`crate::store::sealed::seal_set_aside`] has sealed it into its `sealed_*` column.
    free_text_to_seal (field, row_id) {
        field -> Text,
        row_id -> Text,
        report_id -> Text,
        text -> Text,
    }
}

diesel::allow_tables_to_appear_in_same_query!(reports, report_holds);

diesel::table! {
    /// An organization's webhook endpoints, per credential mode; the signing secret sealed under
    /// the data key `key_id`.
    webhook_endpoints (id) {
        id -> Text,
        organization_id -> Text,
        mode -> Text,
        url -> Text,
        event_types -> Text,
        key_id -> Text,
        sealed_secret -> Text,
        status -> Text,
        disabled_reason -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    /// The events of the webhooks and the feed: ids and coarse statuses, never content.
    events (id) {
        id -> Text,
        organization_id -> Text,
        mode -> Text,
        event_type -> Text,
        report_id -> Nullable<Text>,
        endpoint_id -> Nullable<Text>,
        /// The event's data (JSON) without the `report_id` of its row
        /// ([`crate::store::events`] makes the whole event from the row).
        data -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    /// The webhook outbox: one row per event and endpoint.
    webhook_deliveries (id) {
        id -> Text,
        endpoint_id -> Text,
        event_id -> Text,
        order_key -> Text,
        status -> Text,
        attempts -> Integer,
        next_attempt_at -> Timestamp,
        lease_owner -> Nullable<Text>,
        last_status_code -> Nullable<Integer>,
        last_error -> Nullable<Text>,
        created_at -> Timestamp,
        last_attempt_at -> Nullable<Timestamp>,
        delivered_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    /// The outcome feedback an analyst gave the submitter on closing a report.
    report_feedback (report_id) {
        report_id -> Text,
        actionable -> Bool,
        reason -> Nullable<Text>,
        recorded_at -> Timestamp,
    }
}

diesel::joinable!(webhook_deliveries -> webhook_endpoints (endpoint_id));
diesel::joinable!(webhook_deliveries -> events (event_id));
diesel::joinable!(webhook_endpoints -> organizations (organization_id));
diesel::joinable!(outbox -> webhook_endpoints (webhook_endpoint_id));
diesel::joinable!(report_feedback -> reports (report_id));
diesel::allow_tables_to_appear_in_same_query!(webhook_deliveries, webhook_endpoints, events);
diesel::allow_tables_to_appear_in_same_query!(webhook_endpoints, organizations);
diesel::allow_tables_to_appear_in_same_query!(webhook_endpoints, outbox);
diesel::allow_tables_to_appear_in_same_query!(webhook_deliveries, organizations);
diesel::allow_tables_to_appear_in_same_query!(events, organizations);
diesel::allow_tables_to_appear_in_same_query!(reports, report_feedback);

diesel::table! {
    /// A family of refresh tokens: one sign-in and every token rotated from it.
    refresh_families (id) {
        id -> Text,
        user_id -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    /// One refresh token, by its hash.
    refresh_tokens (token_hash) {
        token_hash -> Text,
        family_id -> Text,
        idle_expires_at -> Timestamp,
        rotated_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    /// A local account's TOTP secret, sealed.
    staff_factors (user_id) {
        user_id -> Text,
        key_id -> Text,
        sealed_secret -> Text,
        confirmed_at -> Nullable<Timestamp>,
        last_step -> Nullable<BigInt>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    /// Single-use recovery codes, by their hash.
    staff_recovery_codes (code_hash) {
        code_hash -> Text,
        user_id -> Text,
        used_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    /// The identity provider's subject of an account signing in through OpenID Connect.
    staff_identities (subject) {
        subject -> Text,
        user_id -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    /// A sign-in started at the identity provider, by the hash of its `state`.
    oidc_logins (state_hash) {
        state_hash -> Text,
        nonce -> Text,
        pkce_verifier -> Text,
        return_to -> Nullable<Text>,
        expires_at -> Timestamp,
    }
}

diesel::joinable!(refresh_tokens -> refresh_families (family_id));
diesel::joinable!(refresh_families -> users (user_id));
diesel::joinable!(staff_identities -> users (user_id));
diesel::allow_tables_to_appear_in_same_query!(refresh_tokens, refresh_families, users);
diesel::allow_tables_to_appear_in_same_query!(staff_identities, users);

diesel::table! {
    partners (id) {
        id -> Text,
        name -> Text,
        client_id -> Text,
        secret_hash -> Text,
        created_at -> Timestamp,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    sharing_collections (id) {
        id -> Text,
        title -> Text,
        description -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    collection_grants (partner_id, collection_id) {
        partner_id -> Text,
        collection_id -> Text,
        granted_at -> Timestamp,
    }
}

diesel::table! {
    shares (id) {
        id -> Text,
        report_id -> Text,
        collection_id -> Text,
        tlp -> Text,
        shared_by -> Text,
        shared_at -> Timestamp,
        objects -> Text,
        withdrawn_at -> Nullable<Timestamp>,
        withdrawn_by -> Nullable<Text>,
    }
}

diesel::table! {
    taxii_objects (collection_id, object_id, version) {
        collection_id -> Text,
        object_id -> Text,
        version -> Text,
        added_us -> BigInt,
        object_type -> Text,
        is_first -> Bool,
        is_latest -> Bool,
        body -> Text,
    }
}

diesel::joinable!(collection_grants -> partners (partner_id));
diesel::joinable!(collection_grants -> sharing_collections (collection_id));
diesel::allow_tables_to_appear_in_same_query!(
    partners,
    sharing_collections,
    collection_grants,
    shares,
    taxii_objects,
    reports,
);

diesel::table! {
    idempotency_keys (organization_id, mode, idempotency_key) {
        organization_id -> Text,
        mode -> Text,
        idempotency_key -> Text,
        fingerprint -> Nullable<Text>,
        status -> Nullable<Integer>,
        sealed_answer -> Nullable<Text>,
        data_key_id -> Nullable<Text>,
        created_at -> Timestamp,
    }
}
