//! Staff accounts, their enrollment (the one-time e-mailed link through which a holder chooses
//! their password), and the record of failed sign-ins that slows down password guessing.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use super::organizations::parse;
use crate::auth::password;
use crate::db::DbConnection;
use crate::db::portable::{self, per_backend};
use crate::db::schema::{login_throttle, staff_enrollments, users};
use crate::domain::pagination::{Page, Paginated};
use crate::domain::user::{
    CreatedUser, NewUser, Role, User, UserChanges, check_password, judge_role_change,
};
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

/// Creates an account with a password, for the operator on the command line (the first
/// administrator, break-glass accounts): after checking every rule of it and of the password
/// (422), generating one when `password` is `None` (returned once); 409 when the e-mail is taken.
pub fn register_with_password(
    conn: &mut DbConnection,
    new: &NewUser,
    password: Option<&str>,
) -> Result<CreatedUser, ApiError> {
    new.check()?;
    if let Some(password) = password {
        check_password(password, &new.email, "/password")?;
    }
    let generated = password.is_none().then(password::generate);
    let chosen = password.or(generated.as_deref()).unwrap_or_default();
    let user = insert_user(conn, new, &password::hash(chosen))?;
    Ok(CreatedUser {
        user,
        password: generated,
    })
}

/// Creates an account through the API, after checking every rule of it (422); 409 when the
/// e-mail is taken. Nobody knows its password: its holder is e-mailed an enrollment link valid
/// for `link_ttl` (see [`start_enrollment`]).
pub fn invite(
    conn: &mut DbConnection,
    new: &NewUser,
    link_ttl: Duration,
) -> Result<User, ApiError> {
    new.check()?;
    let unusable = password::unusable();
    portable::write_transaction(conn, |conn| {
        let user = insert_user(conn, new, &unusable)?;
        start_enrollment(conn, &user.id, link_ttl)?;
        Ok(user)
    })
}

/// Opens a new enrollment of account `user_id`, valid for `link_ttl`, and queues its e-mail in
/// the same transaction; any link sent to the account before stops working. The link's token is
/// minted when the e-mail is written ([`super::outbox::claim`]).
pub fn start_enrollment(
    conn: &mut DbConnection,
    user_id: &str,
    link_ttl: Duration,
) -> Result<(), ApiError> {
    let now = super::now();
    portable::write_transaction(conn, |conn| {
        diesel::update(
            staff_enrollments::table
                .filter(staff_enrollments::user_id.eq(user_id))
                .filter(staff_enrollments::used_at.is_null())
                .filter(staff_enrollments::expires_at.gt(now)),
        )
        .set(staff_enrollments::expires_at.eq(now))
        .execute(conn)?;
        let id = super::new_id();
        diesel::insert_into(staff_enrollments::table)
            .values((
                staff_enrollments::id.eq(&id),
                staff_enrollments::user_id.eq(user_id),
                staff_enrollments::expires_at.eq(now + link_ttl),
                staff_enrollments::created_at.eq(now),
            ))
            .execute(conn)?;
        super::outbox::enqueue_enrollment(conn, &id)?;
        Ok(())
    })
}

/// The enrollment whose link carries a token hashing to `token_hash`, with its account.
#[derive(Debug, Clone)]
pub struct Enrollment {
    /// The enrollment's id.
    pub id: String,
    /// The account it enrolls.
    pub user: User,
    /// Whether the link still works: not used, not expired, not replaced by a newer one, and
    /// the account active.
    pub open: bool,
}

/// The enrollment whose token hashes to `token_hash`; `None` when no link carries it.
pub fn find_enrollment(
    conn: &mut DbConnection,
    token_hash: &str,
) -> Result<Option<Enrollment>, ApiError> {
    let row = staff_enrollments::table
        .inner_join(users::table)
        .filter(staff_enrollments::token_hash.eq(token_hash))
        .select((
            staff_enrollments::id,
            staff_enrollments::expires_at,
            staff_enrollments::used_at,
            USER_COLUMNS,
        ))
        .first::<(String, NaiveDateTime, Option<NaiveDateTime>, UserRow)>(conn)
        .optional()?;
    row.map(|(id, expires_at, used_at, user_row)| {
        let user = user(user_row)?;
        Ok(Enrollment {
            id,
            open: used_at.is_none() && expires_at > super::now() && user.active,
            user,
        })
    })
    .transpose()
}

/// Uses enrollment `id` to set its account's password (`password_hash`, checked and hashed by
/// the caller): once, and only while the link works; `false` when it no longer does (used,
/// expired or replaced meanwhile).
pub fn complete_enrollment(
    conn: &mut DbConnection,
    id: &str,
    password_hash: &str,
) -> Result<bool, ApiError> {
    let now = super::now();
    portable::write_transaction(conn, |conn| {
        let claimed = diesel::update(
            staff_enrollments::table
                .filter(staff_enrollments::id.eq(id))
                .filter(staff_enrollments::used_at.is_null())
                .filter(staff_enrollments::expires_at.gt(now)),
        )
        .set(staff_enrollments::used_at.eq(now))
        .execute(conn)?;
        if claimed == 0 {
            return Ok(false);
        }
        let user_id: String = staff_enrollments::table
            .find(id)
            .select(staff_enrollments::user_id)
            .first(conn)?;
        diesel::update(users::table.find(&user_id))
            .set((
                users::password_hash.eq(password_hash),
                users::updated_at.eq(now),
            ))
            .execute(conn)?;
        Ok(true)
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

/// An account after an administrator changed it, and what became of its role.
#[derive(Debug, Clone)]
pub struct UpdatedUser {
    /// The account as changed.
    pub user: User,
    /// The role it had before, when the change gave it another.
    pub previous_role: Option<Role>,
    /// Whether its password was withdrawn and an enrollment link e-mailed to its holder (a move
    /// into a role that reads report content).
    pub reenrollment: bool,
}

/// Applies administrator `admin_id`'s `changes` to account `id` after checking their rules
/// (422); 404 when there is no such account, 403 for a change of one's own role, 409 when it
/// would leave no active admin. A move into a role that reads report content from one that
/// does not withdraws the account's password and e-mails its holder an enrollment link valid for
/// `link_ttl`, in the same transaction.
pub fn update_user(
    conn: &mut DbConnection,
    admin_id: &str,
    id: &str,
    changes: &UserChanges,
    link_ttl: Duration,
) -> Result<UpdatedUser, ApiError> {
    changes.check()?;
    portable::write_transaction(conn, |conn| {
        let current = get_user(conn, id)?;
        let new_role = changes.role.unwrap_or(current.role);
        let reenrollment = judge_role_change(admin_id, id, current.role, new_role)?;
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
        if reenrollment {
            diesel::update(users::table.find(id))
                .set(users::password_hash.eq(password::unusable()))
                .execute(conn)?;
            start_enrollment(conn, id, link_ttl)?;
        }
        Ok(UpdatedUser {
            user: get_user(conn, id)?,
            previous_role: (new_role != current.role).then_some(current.role),
            reenrollment,
        })
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
