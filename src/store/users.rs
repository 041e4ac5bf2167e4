//! Staff accounts, their enrollment (the one-time e-mailed link through which a holder chooses
//! their password), and the record of failed sign-ins that slows down password guessing.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use crate::auth::{password, secret};
use crate::db::DbConnection;
use crate::db::portable::{self, Local, insert_rows, load_locked};
use crate::db::schema::{login_throttle, staff_enrollments, users};
use crate::domain::pagination::{Page, Paginated};
use crate::domain::user::{NewUser, Role, User, UserChanges, judge_role_change};
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

/// An account as stored, without its password hash.
#[derive(Queryable, Selectable)]
#[diesel(table_name = users, check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite))]
struct UserRow {
    id: String,
    email: String,
    display_name: String,
    role: Role,
    active: bool,
    notify: bool,
}

impl From<UserRow> for User {
    fn from(row: UserRow) -> Self {
        let UserRow {
            id,
            email,
            display_name,
            role,
            active,
            notify,
        } = row;
        User {
            id,
            email,
            display_name,
            role,
            active,
            notify,
        }
    }
}

/// A new account as written.
#[derive(Insertable)]
#[diesel(table_name = users)]
struct NewUserRow<'a> {
    id: &'a str,
    email: &'a str,
    display_name: &'a str,
    role: Role,
    active: bool,
    password_hash: &'a str,
    notify: bool,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
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
    let user = insert_user(conn, new, &unusable)?;
    start_enrollment(conn, &user.id, link_ttl)?;
    Ok(user)
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
        .values(NewEnrollmentRow {
            id: &id,
            user_id,
            expires_at: now + link_ttl,
            created_at: now,
        })
        .execute(conn)?;
    super::outbox::enqueue_enrollment(conn, &id)?;
    Ok(())
}

/// A new enrollment as written: its token hash is set when its e-mail is written.
#[derive(Insertable)]
#[diesel(table_name = staff_enrollments)]
struct NewEnrollmentRow<'a> {
    id: &'a str,
    user_id: &'a str,
    expires_at: NaiveDateTime,
    created_at: NaiveDateTime,
}

/// An enrollment as [`find_enrollment`] reads it.
#[derive(Queryable, Selectable)]
#[diesel(table_name = staff_enrollments, check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite))]
struct EnrollmentRow {
    id: String,
    expires_at: NaiveDateTime,
    used_at: Option<NaiveDateTime>,
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
        .select((EnrollmentRow::as_select(), UserRow::as_select()))
        .first::<(EnrollmentRow, UserRow)>(conn)
        .optional()?;
    Ok(row.map(|(enrollment, user)| {
        let user = User::from(user);
        Enrollment {
            id: enrollment.id,
            open: enrollment.used_at.is_none()
                && enrollment.expires_at > super::now()
                && user.active,
            user,
        }
    }))
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
}

/// Inserts account `new` with `password_hash` (hashed beforehand, outside any transaction);
/// 409 when the e-mail is taken.
pub fn insert_user(
    conn: &mut DbConnection,
    new: &NewUser,
    password_hash: &str,
) -> Result<User, ApiError> {
    let id = super::new_id();
    let now = super::now();
    let email = new.email.trim().to_lowercase();
    let inserted = diesel::insert_into(users::table)
        .values(NewUserRow {
            id: &id,
            email: &email,
            display_name: &new.display_name,
            role: new.role,
            active: true,
            password_hash,
            notify: new.notify,
            created_at: now,
            updated_at: now,
        })
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
        .select(UserRow::as_select())
        .load(conn)?
        .into_iter()
        .map(User::from)
        .collect();
    Ok(Paginated::from_overfetch(items, page, |u: &User| &u.id))
}

/// One account; 404 when absent.
pub fn get_user(conn: &mut DbConnection, id: &str) -> Result<User, ApiError> {
    Ok(users::table
        .find(id)
        .select(UserRow::as_select())
        .first(conn)?
        .into())
}

/// The columns [`update_user`] may change; `None` leaves a column as it is.
#[derive(AsChangeset)]
#[diesel(table_name = users)]
struct UserUpdate<'a> {
    role: Option<Role>,
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
    let current = get_user(conn, id)?;
    let new_role = changes.role.unwrap_or(current.role);
    let reenrollment = judge_role_change(admin_id, id, current.role, new_role)?;
    let stays_admin = changes.role.unwrap_or(current.role) == Role::Admin
        && changes.active.unwrap_or(current.active);
    if current.role == Role::Admin && current.active && !stays_admin {
        let active_admins = users::table
            .filter(users::role.eq(Role::Admin))
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
            role: changes.role,
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
}

/// The account signing in as `email` (any case) with its password hash.
pub fn find_for_login(
    conn: &mut DbConnection,
    email: &str,
) -> Result<Option<(User, String)>, ApiError> {
    let row = users::table
        .filter(users::email.eq(email.trim().to_lowercase()))
        .select((UserRow::as_select(), users::password_hash))
        .first::<(UserRow, String)>(conn)
        .optional()?;
    Ok(row.map(|(row, hash)| (row.into(), hash)))
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
/// Failures allowed from one client address on one account before that address's sign-ins to
/// it are slowed down.
const FREE_PAIR_FAILURES: i32 = 5;
/// Failures allowed on one account from all addresses together before every sign-in to it is
/// slowed down (higher: it is what a guesser with many addresses meets, and what one address
/// alone must not reach quickly, since it stops the account holder too).
const FREE_ACCOUNT_FAILURES: i32 = 20;
/// The longest wait imposed.
const MAX_BACKOFF_SECONDS: i64 = 900;

/// The counters a sign-in attempt is charged to: the account's (by e-mail address, known or
/// not) and the pair of client address and account's. Both are hashes: the table of failures
/// names neither an e-mail address nor a client address. A client address has no counter of its
/// own: an address trying many accounts is slowed by the rate limit, and cannot lock out an
/// account it has not been failing on.
#[derive(Debug, Clone)]
pub struct LoginKeys {
    /// `account:<hash of the e-mail>` and `pair:<hash of address and e-mail>`, in key order.
    keys: [String; 2],
}

impl LoginKeys {
    /// The counters of a sign-in as `email` (normalized: trimmed, lower case) from `address`.
    pub fn new(email: &str, address: &str) -> Self {
        Self {
            keys: [
                format!("account:{}", secret::hash_secret(email)),
                format!(
                    "pair:{}",
                    secret::hash_secret(&format!("{address}\n{email}"))
                ),
            ],
        }
    }

    fn free_failures(key: &str) -> i32 {
        if key.starts_with("pair:") {
            FREE_PAIR_FAILURES
        } else {
            FREE_ACCOUNT_FAILURES
        }
    }
}

/// One counter of failed sign-ins.
#[derive(Queryable, Selectable)]
#[diesel(table_name = login_throttle, check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite))]
struct ThrottleRow {
    key: String,
    failures: i32,
    blocked_until: Option<NaiveDateTime>,
    updated_at: NaiveDateTime,
}

/// Claims one sign-in attempt under `keys`, counting it as a failure before the password is
/// checked: `Some(seconds)` to wait when either counter is blocked (nothing is counted), `None`
/// when the attempt may go on. The check and the count are one step (the rows are locked), so
/// that concurrent attempts get no more password checks than sequential ones: past the free
/// failures, each further failure doubles the wait (1 s, 2 s, 4 s … up to 15 minutes).
/// A successful sign-in gives the count back ([`clear_login_failures`]).
pub fn claim_login_attempt(
    conn: &mut DbConnection,
    keys: &LoginKeys,
) -> Result<Option<u64>, ApiError> {
    let now = super::now();
    let fresh: Vec<_> = keys
        .keys
        .iter()
        .map(|key| {
            (
                login_throttle::key.eq(key),
                login_throttle::failures.eq(0),
                login_throttle::blocked_until.eq(None::<NaiveDateTime>),
                login_throttle::updated_at.eq(now),
            )
        })
        .collect();
    insert_rows!(conn, login_throttle::table, &fresh, on_conflict_do_nothing)?;
    let rows: Vec<ThrottleRow> = load_locked!(
        conn,
        login_throttle::table
            .filter(login_throttle::key.eq_any(&keys.keys))
            .order(login_throttle::key.asc())
            .select(ThrottleRow::as_select())
    )?;
    let blocked = rows
        .iter()
        .filter_map(|row| row.blocked_until)
        .filter(|until| *until > now)
        .max();
    if let Some(until) = blocked {
        return Ok(Some((until - now).num_seconds().max(1) as u64));
    }
    for ThrottleRow {
        key,
        failures,
        updated_at,
        ..
    } in rows
    {
        let failures = if now - updated_at < Duration::minutes(FAILURE_WINDOW_MINUTES) {
            failures + 1
        } else {
            1
        };
        let free = LoginKeys::free_failures(&key);
        let blocked_until = (failures >= free).then(|| {
            let exponent = (failures - free).min(10) as u32;
            now + Duration::seconds((1_i64 << exponent).min(MAX_BACKOFF_SECONDS))
        });
        diesel::update(login_throttle::table.find(&key))
            .set((
                login_throttle::failures.eq(failures),
                login_throttle::blocked_until.eq(blocked_until),
                login_throttle::updated_at.eq(now),
            ))
            .execute(conn)?;
    }
    Ok(None)
}

/// Forgets the failures under `keys` (after a successful sign-in), the attempt's own included.
pub fn clear_login_failures(conn: &mut DbConnection, keys: &LoginKeys) -> Result<(), ApiError> {
    // One at a time in key order, as the claims lock them.
    for key in &keys.keys {
        diesel::delete(login_throttle::table.find(key)).execute(conn)?;
    }
    Ok(())
}

/// Deletes the counters whose failures are all past the window (and whose wait is over, as
/// every wait is at most the window): they would count from zero anyway. Background work: it
/// gives way to a sign-in holding a counter. Answers how many.
pub fn forget_old_login_failures(conn: &mut DbConnection) -> Result<usize, ApiError> {
    let before = super::now() - Duration::minutes(FAILURE_WINDOW_MINUTES);
    portable::write_transaction_under(conn, Local::ShortLockWaits, |conn| {
        let old = login_throttle::table.filter(login_throttle::updated_at.lt(before));
        Ok(diesel::delete(old).execute(conn)?)
    })
}
