//! E-mail notifications as the outbox holds them: what a message is about, where it stands, and
//! what admins see of it.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::code_list::code_list;

code_list! {
    /// What a notification tells its recipients; each kind has its own message templates.
    NotificationKind {
        /// A live report has arrived.
        NewReport,
        /// A staff account's one-time enrollment link, to its holder only.
        StaffEnrollment,
        /// An organization's webhook endpoint was disabled after persistent failure, to the
        /// organization's contact.
        WebhookDisabled,
    }
}

code_list! {
    /// Where a notification stands.
    NotificationStatus {
        /// Waiting for its first or next attempt.
        Pending,
        /// Accepted by the mail server (or written to the mail folder).
        Sent,
        /// Refused for good, or out of attempts; an admin may retry it.
        Failed,
    }
}

/// A notification as admins see it: never any report content, only which report it is about, and
/// never an enrollment link, only which account it enrolls.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Notification {
    /// The notification's id (UUIDv7); its messages carry `Message-ID: <outbox-{id}@…>`.
    pub id: String,
    /// What it tells.
    pub kind: NotificationKind,
    /// The report it is about (`new_report`).
    pub report_id: Option<String>,
    /// The account it enrolls (`staff_enrollment`).
    pub user_id: Option<String>,
    /// Sent before the others, with `[URGENT]` in the subject (critical reports).
    pub urgent: bool,
    /// Where it stands.
    pub status: NotificationStatus,
    /// Delivery attempts made so far.
    pub attempts: i32,
    /// When a pending notification is next tried (UTC).
    pub next_attempt_at: DateTime<Utc>,
    /// When it was queued, in the same transaction as the report (UTC).
    pub created_at: DateTime<Utc>,
    /// When the mail server accepted it (UTC).
    pub sent_at: Option<DateTime<Utc>>,
    /// The addresses of the latest attempt.
    pub recipients: Vec<String>,
    /// Why the latest failed attempt failed, e.g. the mail server's answer.
    pub last_error: Option<String>,
}

/// `?status=` of the notification list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct NotificationFilter {
    /// Only notifications in this status.
    pub status: Option<NotificationStatus>,
}

/// How much the outbox holds that is not sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
pub struct OutboxDepth {
    /// Notifications waiting to be sent (or retried).
    pub pending: i64,
    /// Notifications that failed for good and wait for an admin.
    pub failed: i64,
}
