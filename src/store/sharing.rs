//! Partner sharing's tables: partners and their credentials, collections and grants, shares of
//! reports, and the STIX objects each collection serves over TAXII (one row per version, paged
//! by `(added_us, object_id, version)` on an index, never by offset).

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use serde_json::Value;

use super::parse;
use crate::auth::secret;
use crate::db::portable::insert_rows;
use crate::db::schema::{
    collection_grants, partners, report_holds, reports, shares, sharing_collections, taxii_objects,
};
use crate::db::{DbConnection, portable};
use crate::domain::organization::CredentialMode;
use crate::domain::report::{NewReport, check_rules};
use crate::domain::sharing::{
    Collection, IssuedPartner, NewCollection, NewPartner, Partner, Share, ShareCount,
};
use crate::domain::status::ReportStatus;
use crate::domain::stix::{self, Tlp};
use crate::error::ApiError;
use crate::keys::{KeyStore, place};

/// The prefix of every partner's client id: the token endpoint knows a partner by it.
pub const PARTNER_CLIENT_PREFIX: &str = "rp_partner_";

/// Whether a partner's credentials may still obtain and use tokens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartnerAccess {
    /// The partner's id.
    pub partner_id: String,
    /// Whether its credentials are revoked.
    pub revoked: bool,
}

fn conflict(detail: &str) -> ApiError {
    ApiError::Conflict {
        detail: detail.into(),
        existing_id: None,
    }
}

/// Registers a partner agency and issues its client credentials (the secret returned once,
/// only its hash kept); 422 for a bad name, 409 when the name is taken.
pub fn create_partner(
    conn: &mut DbConnection,
    new: &NewPartner,
) -> Result<IssuedPartner, ApiError> {
    check_rules(new, [])?;
    let id = super::new_id();
    let client_id = format!(
        "{PARTNER_CLIENT_PREFIX}{}",
        secret::new_secret().chars().take(24).collect::<String>()
    );
    let client_secret = secret::new_client_secret();
    let inserted = diesel::insert_into(partners::table)
        .values((
            partners::id.eq(&id),
            partners::name.eq(new.name.trim()),
            partners::client_id.eq(&client_id),
            partners::secret_hash.eq(secret::hash_secret(&client_secret)),
            partners::created_at.eq(super::now()),
        ))
        .execute(conn);
    if portable::is_unique_violation(&inserted) {
        return Err(conflict("a partner of that name exists"));
    }
    inserted?;
    Ok(IssuedPartner {
        id,
        client_id,
        client_secret,
    })
}

/// Every partner, by name, with the collections it is granted.
pub fn list_partners(conn: &mut DbConnection) -> Result<Vec<Partner>, ApiError> {
    let rows = partners::table
        .order(partners::name.asc())
        .limit(1000)
        .select((
            partners::id,
            partners::name,
            partners::client_id,
            partners::created_at,
            partners::revoked_at,
        ))
        .load::<(String, String, String, NaiveDateTime, Option<NaiveDateTime>)>(conn)?;
    let grants = collection_grants::table
        .select((
            collection_grants::partner_id,
            collection_grants::collection_id,
        ))
        .order(collection_grants::collection_id.asc())
        .load::<(String, String)>(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, name, client_id, created_at, revoked_at)| Partner {
            collection_ids: grants
                .iter()
                .filter(|(p, _)| *p == id)
                .map(|(_, c)| c.clone())
                .collect(),
            id,
            name,
            client_id,
            created_at: created_at.and_utc(),
            revoked_at: revoked_at.map(|at| at.and_utc()),
        })
        .collect())
}

/// Revokes a partner's credentials (its tokens stop working within `auth_cache_seconds`); 404
/// when there is no such partner or it is already revoked.
pub fn revoke_partner(conn: &mut DbConnection, id: &str) -> Result<(), ApiError> {
    let updated = diesel::update(
        partners::table
            .find(id)
            .filter(partners::revoked_at.is_null()),
    )
    .set(partners::revoked_at.eq(super::now()))
    .execute(conn)?;
    if updated == 0 {
        return Err(ApiError::NotFound);
    }
    Ok(())
}

/// The partner credential `client_id` with its secret hash, if it exists.
pub fn partner_with_secret(
    conn: &mut DbConnection,
    client_id: &str,
) -> Result<Option<(String, PartnerAccess)>, ApiError> {
    Ok(partners::table
        .filter(partners::client_id.eq(client_id))
        .select((
            partners::secret_hash,
            partners::id,
            partners::revoked_at.is_not_null(),
        ))
        .first::<(String, String, bool)>(conn)
        .optional()?
        .map(|(hash, partner_id, revoked)| {
            (
                hash,
                PartnerAccess {
                    partner_id,
                    revoked,
                },
            )
        }))
}

/// Defines a collection; 422 for bad fields, 409 when the title is taken.
pub fn create_collection(
    conn: &mut DbConnection,
    new: &NewCollection,
) -> Result<Collection, ApiError> {
    check_rules(new, [])?;
    let collection = Collection {
        id: uuid::Uuid::new_v4().to_string(),
        title: new.title.trim().to_owned(),
        description: new.description.clone(),
        created_at: super::now().and_utc(),
    };
    let inserted = diesel::insert_into(sharing_collections::table)
        .values((
            sharing_collections::id.eq(&collection.id),
            sharing_collections::title.eq(&collection.title),
            sharing_collections::description.eq(&collection.description),
            sharing_collections::created_at.eq(collection.created_at.naive_utc()),
        ))
        .execute(conn);
    if portable::is_unique_violation(&inserted) {
        return Err(conflict("a collection of that title exists"));
    }
    inserted?;
    Ok(collection)
}

type CollectionRow = (String, String, Option<String>, NaiveDateTime);

const COLLECTION_COLUMNS: (
    sharing_collections::id,
    sharing_collections::title,
    sharing_collections::description,
    sharing_collections::created_at,
) = (
    sharing_collections::id,
    sharing_collections::title,
    sharing_collections::description,
    sharing_collections::created_at,
);

fn collection((id, title, description, created_at): CollectionRow) -> Collection {
    Collection {
        id,
        title,
        description,
        created_at: created_at.and_utc(),
    }
}

/// Every collection, by title.
pub fn list_collections(conn: &mut DbConnection) -> Result<Vec<Collection>, ApiError> {
    Ok(sharing_collections::table
        .order(sharing_collections::title.asc())
        .limit(1000)
        .select(COLLECTION_COLUMNS)
        .load::<CollectionRow>(conn)?
        .into_iter()
        .map(collection)
        .collect())
}

/// Grants partner `partner_id` the collection `collection_id` (again: no change); 404 when
/// either is absent.
pub fn grant(
    conn: &mut DbConnection,
    partner_id: &str,
    collection_id: &str,
) -> Result<(), ApiError> {
    let partner = partners::table
        .find(partner_id)
        .count()
        .get_result::<i64>(conn)?;
    let found = sharing_collections::table
        .find(collection_id)
        .count()
        .get_result::<i64>(conn)?;
    if partner == 0 || found == 0 {
        return Err(ApiError::NotFound);
    }
    // A grant made again is no change; `ON CONFLICT DO NOTHING`, not a caught unique violation,
    // which on PostgreSQL would abort the transaction the audit event is written in.
    let row = (
        collection_grants::partner_id.eq(partner_id),
        collection_grants::collection_id.eq(collection_id),
        collection_grants::granted_at.eq(super::now()),
    );
    insert_rows!(
        conn,
        collection_grants::table,
        &[row],
        on_conflict_do_nothing
    )?;
    Ok(())
}

/// Withdraws a grant; 404 when there was none.
pub fn revoke_grant(
    conn: &mut DbConnection,
    partner_id: &str,
    collection_id: &str,
) -> Result<(), ApiError> {
    let deleted =
        diesel::delete(collection_grants::table.find((partner_id, collection_id))).execute(conn)?;
    if deleted == 0 {
        return Err(ApiError::NotFound);
    }
    Ok(())
}

/// The collections partner `partner_id` may read, by title.
pub fn granted_collections(
    conn: &mut DbConnection,
    partner_id: &str,
) -> Result<Vec<Collection>, ApiError> {
    Ok(collection_grants::table
        .inner_join(sharing_collections::table)
        .filter(collection_grants::partner_id.eq(partner_id))
        .order(sharing_collections::title.asc())
        .select(COLLECTION_COLUMNS)
        .load::<CollectionRow>(conn)?
        .into_iter()
        .map(collection)
        .collect())
}

/// Collection `collection_id` if partner `partner_id` may read it; 404 otherwise (absent and
/// not granted answer the same).
pub fn granted_collection(
    conn: &mut DbConnection,
    partner_id: &str,
    collection_id: &str,
) -> Result<Collection, ApiError> {
    collection_grants::table
        .inner_join(sharing_collections::table)
        .filter(collection_grants::partner_id.eq(partner_id))
        .filter(collection_grants::collection_id.eq(collection_id))
        .select(COLLECTION_COLUMNS)
        .first::<CollectionRow>(conn)
        .optional()?
        .map(collection)
        .ok_or(ApiError::NotFound)
}

/// What sharing needs of a report: its status, mode, whether it is held, and its body.
pub struct ShareableReport {
    /// The report's status.
    pub status: ReportStatus,
    /// Live or test.
    pub mode: CredentialMode,
    /// Whether a legal hold is in place.
    pub held: bool,
    /// The report as submitted.
    pub report: NewReport,
}

/// The report `id` as sharing needs it; 404 (or 410 when purged) when absent.
pub fn shareable_report(
    conn: &mut DbConnection,
    keys: &KeyStore,
    id: &str,
) -> Result<ShareableReport, ApiError> {
    let found = reports::table
        .find(id)
        .select((
            reports::status,
            reports::mode,
            reports::key_id,
            reports::body,
        ))
        .first::<(String, String, String, Vec<u8>)>(conn)
        .optional()?;
    let Some((status, mode, key_id, body)) = found else {
        return Err(super::tombstones::gone_or_not_found(
            conn,
            None,
            &super::owner::ReportKey::Id(id.to_owned()),
        ));
    };
    let held = report_holds::table
        .find(id)
        .count()
        .get_result::<i64>(conn)?
        > 0;
    let key = keys.one(&key_id)?;
    let body = key.open_body(&body, &place(id, "body"))?;
    Ok(ShareableReport {
        status: parse(&status)?,
        mode: parse(&mode)?,
        held,
        report: serde_json::from_str(&body).map_err(|e| ApiError::Internal(e.into()))?,
    })
}

/// 404 unless collection `id` exists.
pub fn require_collection(conn: &mut DbConnection, id: &str) -> Result<(), ApiError> {
    let found = sharing_collections::table
        .find(id)
        .count()
        .get_result::<i64>(conn)?;
    if found == 0 {
        return Err(ApiError::NotFound);
    }
    Ok(())
}

/// A share about to be recorded.
pub struct NewShare<'a> {
    /// Its id.
    pub id: &'a str,
    /// The report shared.
    pub report_id: &'a str,
    /// Into which collection.
    pub collection_id: &'a str,
    /// The marking.
    pub tlp: Tlp,
    /// Who shares it.
    pub shared_by: &'a str,
    /// When.
    pub at: DateTime<Utc>,
    /// The STIX objects it produced.
    pub objects: &'a [Value],
}

/// Records a share and adds its objects to the collection (each object version once).
pub fn record_share(conn: &mut DbConnection, share: &NewShare<'_>) -> Result<Share, ApiError> {
    let objects = Value::Array(share.objects.to_vec()).to_string();
    diesel::insert_into(shares::table)
        .values((
            shares::id.eq(share.id),
            shares::report_id.eq(share.report_id),
            shares::collection_id.eq(share.collection_id),
            shares::tlp.eq(share.tlp.as_ref()),
            shares::shared_by.eq(share.shared_by),
            shares::shared_at.eq(share.at.naive_utc()),
            shares::objects.eq(&objects),
        ))
        .execute(conn)?;
    add_objects(conn, share.collection_id, share.objects, share.at)?;
    Ok(Share {
        id: share.id.to_owned(),
        report_id: share.report_id.to_owned(),
        collection_id: share.collection_id.to_owned(),
        tlp: share.tlp,
        shared_by: share.shared_by.to_owned(),
        shared_at: share.at,
        withdrawn_at: None,
        object_ids: ids(share.objects),
    })
}

fn ids(objects: &[Value]) -> Vec<String> {
    objects
        .iter()
        .filter_map(|o| o["id"].as_str().map(str::to_owned))
        .collect()
}

/// Microseconds since the epoch: a TAXII `date_added` as stored.
fn micros(at: DateTime<Utc>) -> i64 {
    at.timestamp_micros()
}

/// Adds object versions to a collection at `at`: a version already there is left as it is; an
/// object without versions (an observable, a marking) is added once.
pub fn add_objects(
    conn: &mut DbConnection,
    collection_id: &str,
    objects: &[Value],
    at: DateTime<Utc>,
) -> Result<usize, ApiError> {
    let added = micros(at);
    let mut count = 0;
    for object in objects {
        let (Some(id), Some(kind)) = (object["id"].as_str(), object["type"].as_str()) else {
            continue;
        };
        let versions: Vec<String> = taxii_objects::table
            .filter(taxii_objects::collection_id.eq(collection_id))
            .filter(taxii_objects::object_id.eq(id))
            .select(taxii_objects::version)
            .load(conn)?;
        let version = match stix::version(object) {
            Some(v) => v.to_owned(),
            None if !versions.is_empty() => continue,
            None => stix::timestamp(at),
        };
        if versions.contains(&version) {
            continue;
        }
        let latest = versions.iter().all(|v| *v < version);
        if latest {
            diesel::update(
                taxii_objects::table
                    .filter(taxii_objects::collection_id.eq(collection_id))
                    .filter(taxii_objects::object_id.eq(id)),
            )
            .set(taxii_objects::is_latest.eq(false))
            .execute(conn)?;
        }
        let first = versions.iter().all(|v| *v > version);
        if first {
            diesel::update(
                taxii_objects::table
                    .filter(taxii_objects::collection_id.eq(collection_id))
                    .filter(taxii_objects::object_id.eq(id)),
            )
            .set(taxii_objects::is_first.eq(false))
            .execute(conn)?;
        }
        // A concurrent share that added the same version first wins, and this one goes on:
        // `ON CONFLICT DO NOTHING`, not a caught unique violation, which on PostgreSQL would
        // abort the caller's transaction.
        let row = (
            taxii_objects::collection_id.eq(collection_id),
            taxii_objects::object_id.eq(id),
            taxii_objects::version.eq(&version),
            taxii_objects::added_us.eq(added),
            taxii_objects::object_type.eq(kind),
            taxii_objects::is_first.eq(first),
            taxii_objects::is_latest.eq(latest),
            taxii_objects::body.eq(object.to_string()),
        );
        if insert_rows!(conn, taxii_objects::table, &[row], on_conflict_do_nothing)? == 0 {
            continue;
        }
        count += 1;
    }
    Ok(count)
}

type ShareRow = (
    String,
    String,
    String,
    String,
    String,
    NaiveDateTime,
    String,
    Option<NaiveDateTime>,
);

const SHARE_COLUMNS: (
    shares::id,
    shares::report_id,
    shares::collection_id,
    shares::tlp,
    shares::shared_by,
    shares::shared_at,
    shares::objects,
    shares::withdrawn_at,
) = (
    shares::id,
    shares::report_id,
    shares::collection_id,
    shares::tlp,
    shares::shared_by,
    shares::shared_at,
    shares::objects,
    shares::withdrawn_at,
);

/// A share and the objects it produced (their revoked versions once withdrawn).
fn share_of(row: ShareRow) -> Result<(Share, Vec<Value>), ApiError> {
    let (id, report_id, collection_id, tlp, shared_by, shared_at, objects, withdrawn_at) = row;
    let objects: Vec<Value> =
        serde_json::from_str(&objects).map_err(|e| ApiError::Internal(e.into()))?;
    let withdrawn_at = withdrawn_at.map(|at| at.and_utc());
    let objects = match withdrawn_at {
        Some(at) => objects
            .into_iter()
            .map(|o| stix::revoked(&o, at).unwrap_or(o))
            .collect(),
        None => objects,
    };
    Ok((
        Share {
            object_ids: ids(&objects),
            id,
            report_id,
            collection_id,
            tlp: parse(&tlp)?,
            shared_by,
            shared_at: shared_at.and_utc(),
            withdrawn_at,
        },
        objects,
    ))
}

/// The shares of report `report_id`, oldest first, with their objects as they now stand.
pub fn report_shares(
    conn: &mut DbConnection,
    report_id: &str,
) -> Result<Vec<(Share, Vec<Value>)>, ApiError> {
    shares::table
        .filter(shares::report_id.eq(report_id))
        .order(shares::id.asc())
        .limit(1000)
        .select(SHARE_COLUMNS)
        .load::<ShareRow>(conn)?
        .into_iter()
        .map(share_of)
        .collect()
}

/// Withdraws share `share_id` of report `report_id` at `at`: its indicators, relationships and
/// report object get a revoked version in the collection. 404 when there is no such share, 409
/// when it is already withdrawn.
pub fn withdraw(
    conn: &mut DbConnection,
    report_id: &str,
    share_id: &str,
    actor_id: &str,
    at: DateTime<Utc>,
) -> Result<Share, ApiError> {
    let updated = diesel::update(
        shares::table
            .find(share_id)
            .filter(shares::report_id.eq(report_id))
            .filter(shares::withdrawn_at.is_null()),
    )
    .set((
        shares::withdrawn_at.eq(at.naive_utc()),
        shares::withdrawn_by.eq(actor_id),
    ))
    .execute(conn)?;
    let row = shares::table
        .find(share_id)
        .filter(shares::report_id.eq(report_id))
        .select(SHARE_COLUMNS)
        .first::<ShareRow>(conn)
        .optional()?
        .ok_or(ApiError::NotFound)?;
    if updated == 0 {
        return Err(conflict("the share is already withdrawn"));
    }
    let (share, objects) = share_of(row)?;
    let revoked: Vec<Value> = objects
        .into_iter()
        .filter(|o| o["revoked"] == true)
        .collect();
    add_objects(conn, &share.collection_id, &revoked, at)?;
    Ok(share)
}

/// Shares by collection and marking (all time).
pub fn share_counts(conn: &mut DbConnection) -> Result<Vec<ShareCount>, ApiError> {
    use diesel::dsl::{count, count_star};
    let totals = shares::table
        .group_by((shares::collection_id, shares::tlp))
        .select((
            shares::collection_id,
            shares::tlp,
            count_star(),
            count(shares::withdrawn_at),
        ))
        .order((shares::collection_id.asc(), shares::tlp.asc()))
        .load::<(String, String, i64, i64)>(conn)?;
    let titles: std::collections::HashMap<String, String> = sharing_collections::table
        .select((sharing_collections::id, sharing_collections::title))
        .load::<(String, String)>(conn)?
        .into_iter()
        .collect();
    totals
        .into_iter()
        .map(|(collection_id, tlp, shares, withdrawn)| {
            Ok(ShareCount {
                collection_title: titles.get(&collection_id).cloned().unwrap_or_default(),
                collection_id,
                tlp: parse(&tlp)?,
                shares,
                withdrawn,
            })
        })
        .collect()
}

/// Which versions of the matching objects a TAXII request asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Versions {
    /// The latest of each (the default).
    Last,
    /// The first of each.
    First,
    /// Every version.
    All,
    /// These versions (timestamps as the objects write them).
    These(Vec<String>),
}

/// A TAXII object query on one collection.
#[derive(Debug, Clone)]
pub struct ObjectQuery {
    /// Only objects added after this (microseconds since the epoch).
    pub added_after: Option<i64>,
    /// Only these ids.
    pub ids: Vec<String>,
    /// Only these types.
    pub types: Vec<String>,
    /// Which versions.
    pub versions: Versions,
    /// At most this many.
    pub limit: i64,
    /// After this place (from the previous page's `next`): `(added_us, object_id, version)`.
    pub after: Option<(i64, String, String)>,
    /// Whether a filter excludes every object (a `match[spec_version]` without `2.1`, the
    /// only version served).
    pub nothing: bool,
}

/// One stored object version.
#[derive(Debug, Clone)]
pub struct StoredObject {
    /// The object's id.
    pub id: String,
    /// Its version.
    pub version: String,
    /// When it was added (microseconds since the epoch).
    pub added_us: i64,
    /// The object, as JSON text.
    pub body: String,
}

/// One page of a collection's objects, in `(date_added, id, version)` order, and whether more
/// follow.
pub fn objects(
    conn: &mut DbConnection,
    collection_id: &str,
    query: &ObjectQuery,
) -> Result<(Vec<StoredObject>, bool), ApiError> {
    if query.nothing {
        return Ok((Vec::new(), false));
    }
    let mut q = taxii_objects::table
        .filter(taxii_objects::collection_id.eq(collection_id))
        .into_boxed();
    if let Some(after) = query.added_after {
        q = q.filter(taxii_objects::added_us.gt(after));
    }
    if !query.ids.is_empty() {
        q = q.filter(taxii_objects::object_id.eq_any(&query.ids));
    }
    if !query.types.is_empty() {
        q = q.filter(taxii_objects::object_type.eq_any(&query.types));
    }
    q = match &query.versions {
        Versions::Last => q.filter(taxii_objects::is_latest.eq(true)),
        Versions::First => q.filter(taxii_objects::is_first.eq(true)),
        Versions::All => q,
        Versions::These(versions) => q.filter(taxii_objects::version.eq_any(versions)),
    };
    if let Some((added, id, version)) = &query.after {
        // The first condition alone bounds the index range; the second cuts its first instant.
        q = q.filter(taxii_objects::added_us.ge(*added)).filter(
            taxii_objects::added_us
                .gt(*added)
                .or(taxii_objects::added_us.eq(*added).and(
                    taxii_objects::object_id.gt(id).or(taxii_objects::object_id
                        .eq(id)
                        .and(taxii_objects::version.gt(version))),
                )),
        );
    }
    let mut rows = q
        .order((
            taxii_objects::added_us.asc(),
            taxii_objects::object_id.asc(),
            taxii_objects::version.asc(),
        ))
        .limit(query.limit + 1)
        .select((
            taxii_objects::object_id,
            taxii_objects::version,
            taxii_objects::added_us,
            taxii_objects::body,
        ))
        .load::<(String, String, i64, String)>(conn)?;
    let more = rows.len() as i64 > query.limit;
    rows.truncate(query.limit as usize);
    Ok((
        rows.into_iter()
            .map(|(id, version, added_us, body)| StoredObject {
                id,
                version,
                added_us,
                body,
            })
            .collect(),
        more,
    ))
}
