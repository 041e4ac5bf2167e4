//! DHS staff: roles, and the rules for their accounts and passwords.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use super::code_list::code_list;
use super::refusal::{FieldError, Refusal};
use super::report::check_rules;

code_list! {
    /// Every role a caller can have: `reporter` for organizations' API clients, the rest for staff.
    #[derive(clap::ValueEnum)]
    Role {
        /// An organization's API client: submits and reads its own reports.
        Reporter,
        /// Triage, notes, referrals.
        Analyst,
        /// All an analyst does, plus assigning others and reopening closed reports.
        Supervisor,
        /// Statistics and the audit log; never report content.
        Auditor,
        /// Organizations, credentials and staff accounts; never report content.
        Admin,
        /// A partner agency's platform: reads its granted TAXII collections, nothing else.
        Partner,
    }
}

/// Who is acting: a staff member or an organization's API client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    /// A user id, or an API client id.
    pub id: String,
    /// The actor's role.
    pub role: Role,
}

/// The shortest password a staff member may choose.
pub const MIN_PASSWORD_CHARS: usize = 12;

/// Checks a staff password: at least 12 characters, and not guessable (zxcvbn score 3 or more,
/// which refuses common passwords, dictionary words and keyboard patterns, and passwords made of
/// the user's own e-mail address). `pointer` locates it in the request body.
pub fn check_password(password: &str, email: &str, pointer: &str) -> Result<(), Refusal> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(Refusal::invalid(
            pointer,
            "length",
            format!("must be at least {MIN_PASSWORD_CHARS} characters"),
        ));
    }
    let user_inputs: Vec<&str> = email.split(['@', '.']).collect();
    let estimate = zxcvbn::zxcvbn(password, &user_inputs);
    if (estimate.score() as u8) < 3 {
        return Err(Refusal::invalid(
            pointer,
            "weak_password",
            "is too common or too easy to guess",
        ));
    }
    Ok(())
}

/// A new staff account, as an admin or the command line asks for it. It carries no password: an
/// account made through the API is enrolled by its holder through an e-mailed link, and the
/// command line takes the password separately (`--password-stdin`).
#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewUser {
    /// The sign-in e-mail address (case-insensitive, unique); the enrollment link is sent to it.
    #[validate(
        email(message = "must be a valid e-mail address"),
        length(max = 254, message = "must be at most 254 characters")
    )]
    #[schema(format = Email, max_length = 254)]
    pub email: String,
    /// The name shown to colleagues.
    #[validate(length(min = 1, max = 200, message = "must be 1 to 200 characters"))]
    #[schema(min_length = 1, max_length = 200)]
    pub display_name: String,
    /// `analyst`, `supervisor`, `auditor` or `admin`.
    #[schema(schema_with = staff_role_schema)]
    pub role: Role,
    /// Whether to e-mail this user about new reports (analysts and supervisors).
    #[serde(default)]
    pub notify: bool,
}

impl NewUser {
    /// Every rule of a new account: e-mail, name, a staff role.
    pub fn check(&self) -> Result<(), Refusal> {
        check_rules(self, staff_role_error(self.role))
    }
}

impl Role {
    /// Whether the role reads report content: analysts and supervisors.
    pub fn reads_report_content(self) -> bool {
        matches!(self, Role::Analyst | Role::Supervisor)
    }
}

/// Judges an administrator's (`admin_id`) change of account `user_id` from role `from` to `to`:
/// an administrator may not change their own role (403), since they know their own password.
/// Answers whether the holder must enroll again (choose a new password through an e-mailed link)
/// before the new role can be used: so when the account moves from a role that does not read
/// report content to one that does, whose password an administrator could know (a break-glass
/// account made on the command line, or one they share).
pub fn judge_role_change(
    admin_id: &str,
    user_id: &str,
    from: Role,
    to: Role,
) -> Result<bool, Refusal> {
    if from == to {
        return Ok(false);
    }
    if admin_id == user_id {
        return Err(Refusal::Forbidden(
            "an administrator cannot change their own role; ask another administrator".into(),
        ));
    }
    Ok(to.reads_report_content() && !from.reads_report_content())
}

/// Whether a staff token issued with the role claim `token_role` still serves an account whose
/// role is now `current`: a role that reads report content serves only tokens issued for it, so
/// that a change to such a role takes effect only once the holder signs in again. (A change to
/// any other role takes effect at once, with the tokens already issued.)
pub fn token_serves_role(token_role: &str, current: Role) -> bool {
    !current.reads_report_content() || token_role == current.as_ref()
}

/// The roles a staff account may have: every role but `reporter`.
const STAFF_ROLES: [Role; 4] = [Role::Analyst, Role::Supervisor, Role::Auditor, Role::Admin];

/// The schema of a staff account's role: a string naming one of [`STAFF_ROLES`].
fn staff_role_schema() -> utoipa::openapi::Object {
    utoipa::openapi::ObjectBuilder::new()
        .schema_type(utoipa::openapi::Type::String)
        .enum_values(Some(STAFF_ROLES.map(|role| role.as_ref().to_owned())))
        .build()
}

/// The schema of a change of role: one of [`STAFF_ROLES`], or `null` for no change.
fn staff_role_change_schema() -> utoipa::openapi::Object {
    use utoipa::openapi::schema::SchemaType;
    use utoipa::openapi::{ObjectBuilder, Type};
    let names = STAFF_ROLES.map(|role| serde_json::Value::from(role.as_ref()));
    ObjectBuilder::new()
        .schema_type(SchemaType::from_iter([Type::String, Type::Null]))
        .enum_values(Some(names.into_iter().chain([serde_json::Value::Null])))
        .build()
}

/// The error at `/role` when `role` is not a staff role.
fn staff_role_error(role: Role) -> Option<FieldError> {
    (!STAFF_ROLES.contains(&role)).then(|| {
        FieldError::new(
            "/role",
            "staff_role",
            "must be analyst, supervisor, auditor or admin",
        )
    })
}

/// Changes to a staff account; absent fields stay as they are.
#[derive(Debug, Clone, Default, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UserChanges {
    /// A new role: `analyst`, `supervisor`, `auditor` or `admin`.
    #[schema(schema_with = staff_role_change_schema)]
    pub role: Option<Role>,
    /// Activate or deactivate: a deactivated user's tokens stop working.
    pub active: Option<bool>,
    /// A new display name.
    #[validate(length(min = 1, max = 200, message = "must be 1 to 200 characters"))]
    #[schema(min_length = 1, max_length = 200)]
    pub display_name: Option<String>,
    /// Opt in or out of new-report e-mail.
    pub notify: Option<bool>,
}

impl UserChanges {
    /// Every rule of the changes: a staff role, a display name of 1 to 200 characters.
    pub fn check(&self) -> Result<(), Refusal> {
        check_rules(self, self.role.and_then(staff_role_error))
    }
}

/// A staff account as admins see it (never its password hash).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct User {
    /// The user's id.
    pub id: String,
    /// The sign-in e-mail address, lower-cased.
    pub email: String,
    /// The name shown to colleagues.
    pub display_name: String,
    /// The role.
    pub role: Role,
    /// Whether the account may sign in.
    pub active: bool,
    /// Whether the user is e-mailed about new reports.
    pub notify: bool,
}

/// An account created on the command line; `password` only when it was generated, printed this
/// once to the operator.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CreatedUser {
    /// The account.
    #[serde(flatten)]
    pub user: User,
    /// The generated password, shown once.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub password: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_and_common_passwords_are_refused() {
        for weak in [
            "short",
            "password1234",
            "qwertyuiop123",
            "aaaaaaaaaaaa",
            "letmein123456",
        ] {
            assert!(
                check_password(weak, "analyst@dhs.gov", "/password").is_err(),
                "{weak}"
            );
        }
        assert!(check_password("orbit-Lantern-97-quietly", "analyst@dhs.gov", "/password").is_ok());
    }

    #[test]
    fn a_move_into_a_content_reading_role_needs_a_new_enrollment_and_a_new_sign_in() {
        use Role::*;
        assert!(judge_role_change("a", "u", Auditor, Analyst).unwrap());
        assert!(judge_role_change("a", "u", Admin, Supervisor).unwrap());
        assert!(!judge_role_change("a", "u", Analyst, Supervisor).unwrap());
        assert!(!judge_role_change("a", "u", Supervisor, Auditor).unwrap());
        assert!(!judge_role_change("a", "a", Admin, Admin).unwrap());
        assert!(judge_role_change("a", "a", Admin, Analyst).is_err());
        assert!(!token_serves_role("auditor", Analyst));
        assert!(!token_serves_role("analyst", Supervisor));
        assert!(token_serves_role("supervisor", Supervisor));
        assert!(token_serves_role("admin", Auditor));
    }
}
