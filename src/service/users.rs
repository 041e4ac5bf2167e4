//! Staff accounts made on the command line.

use crate::auth::password;
use crate::db::{DbConnection, portable};
use crate::domain::user::{CreatedUser, NewUser, check_password};
use crate::error::ApiError;
use crate::store::audit::NewAuditEvent;
use crate::store::users;

/// Creates an account with a password, for the operator on the command line (the first
/// administrator, break-glass accounts): after checking every rule of it and of the password
/// (422), generating one when `password` is `None` (returned once); 409 when the e-mail is
/// taken. The password is hashed before the transaction, so argon2 holds no write lock; the
/// account and `event` (when given, targeting the new account) are written together.
pub fn register_with_password(
    conn: &mut DbConnection,
    new: &NewUser,
    password: Option<&str>,
    event: Option<&NewAuditEvent>,
) -> Result<CreatedUser, ApiError> {
    new.check()?;
    if let Some(password) = password {
        check_password(password, &new.email, "/password")?;
    }
    let generated = password.is_none().then(password::generate);
    let chosen = password.or(generated.as_deref()).unwrap_or_default();
    let password_hash = password::hash(chosen);
    let insert = |conn: &mut DbConnection| users::insert_user(conn, new, &password_hash);
    let user = match event {
        Some(event) => super::recorded_as(conn, event, insert, |user| Some(user.id.clone()))?,
        None => portable::write_transaction(conn, insert)?,
    };
    Ok(CreatedUser {
        user,
        password: generated,
    })
}
