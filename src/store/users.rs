//! Staff accounts, and the record of failed sign-ins that slows down password guessing.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use super::organizations::parse;
use crate::auth::password;
use crate::db::DbConnection;
use crate::db::portable::{self, per_backend};
use crate::db::schema::{login_throttle, users};
use crate::domain::pagination::{Page, Paginated};
use crate::domain::user::{CreatedUser, NewUser, Role, User, UserChanges};
use crate::error::ApiError;

/// What authorization needs to know about a staff member, re-read at most every
/// `auth_cache_seconds`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffAccess {
    /// The sign-in e-mail.
    pub email: String,
    /// The current role (a demotion takes effect without a new token).
    pub role: Role,
    /// Whether the account may act.
    pub active: bool,
}

type UserRow = (String, String, String, String, bool, bool);

const USER_COLUMNS: (
    users::id,
    users::email,
    users::display_name,
    users::role,
    users::active,
    users::notify,
) = (
    users::id,
    users::email,
    users::display_name,
    users::role,
    users::active,
    users::notify,
);

fn user(row: UserRow) -> Result<User, ApiError> {
    let (id, email, display_name, role, active, notify) = row;
    Ok(User {
        id,
        email,
        display_name,
        role: parse(&role)?,
        active,
        notify,
    })
}

/// Creates an account after checking every rule of it (422), generating a password when none
/// is given (returned once); 409 when the e-mail is taken.
pub fn register(conn: &mut DbConnection, new: &NewUser) -> Result<CreatedUser, ApiError> {
    new.check()?;
    let generated = new.password.is_none().then(password::generate);
    let chosen = new
        .password
        .as_deref()
        .or(generated.as_deref())
        .unwrap_or_default();
    let user = insert_user(conn, new, &password::hash(chosen))?;
    Ok(CreatedUser {
        user,
        password: generated,
    })
}

fn insert_user(
    conn: &mut DbConnection,
    new: &NewUser,
    password_hash: &str,
) -> Result<User, ApiError> {
    let id = super::new_id();
    let now = super::now();
    let email = new.email.trim().to_lowercase();
    let inserted = diesel::insert_into(users::table)
        .values((
            users::id.eq(&id),
            users::email.eq(&email),
            users::display_name.eq(&new.display_name),
            users::role.eq(new.role.as_ref()),
            users::active.eq(true),
            users::password_hash.eq(password_hash),
            users::notify.eq(new.notify),
            users::created_at.eq(now),
            users::updated_at.eq(now),
        ))
        .execute(conn);
    if portable::is_unique_violation(&inserted) {
        return Err(ApiError::Conflict {
            detail: format!("a user with e-mail {email} exists"),
            existing_id: None,
        });
    }
    inserted?;
    Ok(User {
        id,
        email,
        display_name: new.display_name.clone(),
        role: new.role,
        active: true,
        notify: new.notify,
    })
}

/// Every account, ordered by id.
pub fn list_users(conn: &mut DbConnection, page: &Page) -> Result<Paginated<User>, ApiError> {
    let mut query = users::table
        .order(users::id.asc())
        .limit(page.limit + 1)
        .into_boxed();
    if let Some(after) = &page.after {
        query = query.filter(users::id.gt(after));
    }
    let items = query
        .select(USER_COLUMNS)
        .load::<UserRow>(conn)?
        .into_iter()
        .map(user)
        .collect::<Result<_, _>>()?;
    Ok(Paginated::from_overfetch(items, page, |u: &User| &u.id))
}

/// One account; 404 when absent.
pub fn get_user(conn: &mut DbConnection, id: &str) -> Result<User, ApiError> {
    user(users::table.find(id).select(USER_COLUMNS).first(conn)?)
}

/// The columns [`update_user`] may change; `None` leaves a column as it is.
#[derive(AsChangeset)]
#[diesel(table_name = users)]
struct UserUpdate<'a> {
    role: Option<&'a str>,
    active: Option<bool>,
    display_name: Option<&'a str>,
    notify: Option<bool>,
    updated_at: NaiveDateTime,
}

/// Applies `changes` after checking their rules (422); 404 when there is no such account, 409
/// when it would leave no active admin.
pub fn update_user(
    conn: &mut DbConnection,
    id: &str,
    changes: &UserChanges,
) -> Result<User, ApiError> {
    changes.check()?;
    portable::write_transaction(conn, |conn| {
        let current = get_user(conn, id)?;
        let stays_admin = changes.role.unwrap_or(current.role) == Role::Admin
            && changes.active.unwrap_or(current.active);
        if current.role == Role::Admin && current.active && !stays_admin {
            let active_admins = users::table
                .filter(users::role.eq(Role::Admin.as_ref()))
                .filter(users::active.eq(true));
            // Lock every active admin's row before counting, so that two concurrent demotions
            // on PostgreSQL take turns instead of each counting the other as the one that stays.
            diesel::update(active_admins)
                .set(users::updated_at.eq(users::updated_at))
                .execute(conn)?;
            let other_admins: i64 = active_admins
                .filter(users::id.ne(id))
                .count()
                .get_result(conn)?;
            if other_admins == 0 {
                return Err(ApiError::Conflict {
                    detail: "this is the last active admin; make another admin first".into(),
                    existing_id: None,
                });
            }
        }
        diesel::update(users::table.find(id))
            .set(UserUpdate {
                role: changes.role.as_ref().map(AsRef::as_ref),
                active: changes.active,
                display_name: changes.display_name.as_deref(),
                notify: changes.notify,
                updated_at: super::now(),
            })
            .execute(conn)?;
        get_user(conn, id)
    })
}

/// The account signing in as `email` (any case) with its password hash.
pub fn find_for_login(
    conn: &mut DbConnection,
    email: &str,
) -> Result<Option<(User, String)>, ApiError> {
    let row = users::table
        .filter(users::email.eq(email.trim().to_lowercase()))
        .select((USER_COLUMNS, users::password_hash))
        .first::<(UserRow, String)>(conn)
        .optional()?;
    row.map(|(row, hash)| Ok((user(row)?, hash))).transpose()
}

/// Whether staff member `id` may act, and as what; `None` if no such account.
pub fn staff_access(conn: &mut DbConnection, id: &str) -> Result<Option<StaffAccess>, ApiError> {
    match get_user(conn, id) {
        Ok(u) => Ok(Some(StaffAccess {
            email: u.email,
            role: u.role,
            active: u.active,
        })),
        Err(ApiError::NotFound) => Ok(None),
        Err(e) => Err(e),
    }
}

/// Failed sign-ins older than this are forgotten.
const FAILURE_WINDOW_MINUTES: i64 = 15;
/// Failures allowed before sign-ins for one account are slowed down.
const FREE_ACCOUNT_FAILURES: i32 = 5;
/// Failures allowed before sign-ins from one client address are slowed down (higher, since
/// many people may share an address).
const FREE_ADDRESS_FAILURES: i32 = 20;
/// The longest wait imposed.
const MAX_BACKOFF_SECONDS: i64 = 900;

/// Seconds until sign-ins under any of `keys` are allowed again; `None` when they are now.
pub fn login_blocked_for(
    conn: &mut DbConnection,
    keys: &[String],
) -> Result<Option<u64>, ApiError> {
    let now = super::now();
    let until: Option<NaiveDateTime> = login_throttle::table
        .filter(login_throttle::key.eq_any(keys))
        .select(diesel::dsl::max(login_throttle::blocked_until))
        .first(conn)?;
    Ok(until
        .filter(|until| *until > now)
        .map(|until| (until - now).num_seconds().max(1) as u64))
}

/// Records a failed sign-in under each of `keys` (`email:…` and `addr:…`): after 5 failures for
/// an account, or 20 from an address, within 15 minutes, each further failure doubles the wait
/// before the next attempt (1 s, 2 s, 4 s … up to 15 minutes).
pub fn record_login_failure(conn: &mut DbConnection, keys: &[String]) -> Result<(), ApiError> {
    let now = super::now();
    portable::write_transaction(conn, |conn| {
        for key in keys {
            let previous: Option<(i32, NaiveDateTime)> = login_throttle::table
                .find(key)
                .select((login_throttle::failures, login_throttle::updated_at))
                .first(conn)
                .optional()?;
            let failures = match previous {
                Some((failures, at)) if now - at < Duration::minutes(FAILURE_WINDOW_MINUTES) => {
                    failures + 1
                }
                _ => 1,
            };
            let free = if key.starts_with("addr:") {
                FREE_ADDRESS_FAILURES
            } else {
                FREE_ACCOUNT_FAILURES
            };
            let blocked_until = (failures >= free).then(|| {
                let exponent = (failures - free).min(10) as u32;
                now + Duration::seconds((1_i64 << exponent).min(MAX_BACKOFF_SECONDS))
            });
            let values = (
                login_throttle::key.eq(key),
                login_throttle::failures.eq(failures),
                login_throttle::blocked_until.eq(blocked_until),
                login_throttle::updated_at.eq(now),
            );
            per_backend!(conn, c => diesel::insert_into(login_throttle::table)
                .values(values)
                .on_conflict(login_throttle::key)
                .do_update()
                .set(values)
                .execute(c))?;
        }
        Ok(())
    })
}

/// Forgets the failures under `key` (after a successful sign-in).
pub fn clear_login_failures(conn: &mut DbConnection, key: &str) -> Result<(), ApiError> {
    diesel::delete(login_throttle::table.find(key)).execute(conn)?;
    Ok(())
}
