//! E-mail to staff: notifications written from the templates beside this file, the
//! transports that carry them ([`transport`]), and the worker that delivers the outbox
//! ([`worker`]).
//!
//! A new-report message says which report arrived (id, category, severity, organization, time)
//! and links to it; it never carries personal data, excerpts or handles, since the composer is
//! only ever given [`ReportFacts`]. An enrollment message goes to its account's holder alone and
//! carries the one-time token with which they choose their password.

pub mod transport;
pub mod worker;

use anyhow::Context;
use lettre::Message;
use lettre::message::{Mailbox, MultiPart};

use crate::config::Settings;
use crate::store::outbox::{About, Claimed, EnrollmentFacts, ReportFacts};
use transport::SendError;

const NEW_REPORT_TEXT: &str = include_str!("new_report.txt");
const NEW_REPORT_HTML: &str = include_str!("new_report.html");
const STAFF_ENROLLMENT_TEXT: &str = include_str!("staff_enrollment.txt");
const STAFF_ENROLLMENT_HTML: &str = include_str!("staff_enrollment.html");
const WEBHOOK_DISABLED_TEXT: &str = include_str!("webhook_disabled.txt");
const WEBHOOK_DISABLED_HTML: &str = include_str!("webhook_disabled.html");

/// Why no notification can be sent while nobody is to receive them.
pub const NO_RECIPIENTS: &str = "no recipients: set PORTAL_NOTIFY_TO, or let analysts opt in";

/// Writes notifications: who sends them, who always receives them, and where their links point.
#[derive(Debug, Clone)]
pub struct Composer {
    from: Mailbox,
    notify_to: Vec<Mailbox>,
    public_url: String,
}

impl Composer {
    /// The composer `settings` describe; fails on a malformed address or URL.
    pub fn from_settings(settings: &Settings) -> anyhow::Result<Self> {
        let from = settings.mail_from.parse().with_context(|| {
            format!(
                "mail_from {:?} is not an e-mail address",
                settings.mail_from
            )
        })?;
        let notify_to = settings
            .notify_to
            .split(',')
            .map(str::trim)
            .filter(|address| !address.is_empty())
            .map(|address| {
                address
                    .parse()
                    .with_context(|| format!("notify_to: {address:?} is not an e-mail address"))
            })
            .collect::<anyhow::Result<_>>()?;
        url::Url::parse(&settings.public_url)
            .with_context(|| format!("public_url {:?} is not a URL", settings.public_url))?;
        Ok(Self {
            from,
            notify_to,
            public_url: settings.public_url.trim_end_matches('/').to_owned(),
        })
    }

    /// Who receives `notification`: an enrollment, its account's holder alone; a new report,
    /// [`Self::report_recipients`] of `staff`.
    pub fn recipients(&self, notification: &Claimed, staff: &[String]) -> Vec<Mailbox> {
        match &notification.about {
            About::NewReport(_) => self.report_recipients(staff),
            About::StaffEnrollment(enrollment) => match enrollment.email.parse() {
                Ok(mailbox) => vec![mailbox],
                Err(error) => {
                    tracing::warn!(%error, "enrollment address unreadable");
                    Vec::new()
                }
            },
            About::WebhookDisabled(notice) => notice
                .contact_email
                .as_deref()
                .and_then(|address| address.parse().ok())
                .into_iter()
                .collect(),
        }
    }

    /// Who receives a new-report notification: the distribution list, then each of `staff` not
    /// on it already (addresses compared without regard to case). An unreadable staff address is
    /// left out and logged.
    pub fn report_recipients(&self, staff: &[String]) -> Vec<Mailbox> {
        let mut recipients = self.notify_to.clone();
        for address in staff {
            match address.parse::<Mailbox>() {
                Ok(mailbox)
                    if !recipients
                        .iter()
                        .any(|known| known.email.to_string().eq_ignore_ascii_case(address)) =>
                {
                    recipients.push(mailbox)
                }
                Ok(_) => {}
                Err(error) => tracing::warn!(%address, %error, "staff address left out"),
            }
        }
        recipients
    }

    /// The message telling `notification` to `to`, plain text and HTML. Its `Message-ID` is made
    /// from the notification's id, so that a rare second delivery can be recognised as such.
    pub fn compose(&self, notification: &Claimed, to: &[Mailbox]) -> Result<Message, SendError> {
        if to.is_empty() {
            return Err(SendError::Permanent(NO_RECIPIENTS.into()));
        }
        let content = self.content(notification)?;
        let mut message = Message::builder()
            .from(self.from.clone())
            .subject(content.subject)
            .message_id(Some(format!(
                "<outbox-{}@{}>",
                notification.id,
                self.from.email.domain()
            )));
        for mailbox in to {
            message = message.to(mailbox.clone());
        }
        message
            .multipart(MultiPart::alternative_plain_html(
                content.text,
                content.html,
            ))
            .map_err(|e| SendError::Permanent(format!("cannot build the message: {e}")))
    }

    /// The subject and both bodies of `notification`'s message, from its kind's templates;
    /// fails for good for an enrollment whose link no longer works.
    fn content(&self, notification: &Claimed) -> Result<Content, SendError> {
        let (subject, values, text, html) = match &notification.about {
            About::NewReport(report) => {
                let subject = new_report_subject(notification.urgent, report);
                let values = self.report_values(report);
                (subject, values, NEW_REPORT_TEXT, NEW_REPORT_HTML)
            }
            About::StaffEnrollment(enrollment) => {
                let subject = "Your report-portal account: choose your password".to_owned();
                let values = self.enrollment_values(enrollment)?;
                (
                    subject,
                    values,
                    STAFF_ENROLLMENT_TEXT,
                    STAFF_ENROLLMENT_HTML,
                )
            }
            About::WebhookDisabled(notice) => {
                let subject = "Your report-portal webhook endpoint was disabled".to_owned();
                let values = vec![
                    ("organization", one_line(&notice.organization)),
                    ("endpoint_id", notice.endpoint_id.clone()),
                    ("url", one_line(&notice.url)),
                    ("reason", one_line(notice.reason.as_deref().unwrap_or(""))),
                    ("public_url", self.public_url.clone()),
                ];
                (
                    subject,
                    values,
                    WEBHOOK_DISABLED_TEXT,
                    WEBHOOK_DISABLED_HTML,
                )
            }
        };
        let values: Vec<(&str, String)> = values
            .into_iter()
            .chain([("subject", subject.clone())])
            .collect();
        Ok(Content {
            subject,
            text: render(text, &values, str::to_owned),
            html: render(html, &values, escape_html),
        })
    }

    /// The values of a new-report message's templates.
    fn report_values(&self, report: &ReportFacts) -> Vec<(&'static str, String)> {
        vec![
            ("report_id", report.id.clone()),
            ("severity", report.severity.as_ref().to_owned()),
            ("category", readable(report.category.as_ref())),
            ("organization", one_line(&report.organization)),
            ("received_at", utc(report.received_at)),
            (
                "link",
                format!("{}/api/v1/review/reports/{}", self.public_url, report.id),
            ),
            ("matches", matches(report.earlier_matches)),
        ]
    }

    /// The values of an enrollment message's templates.
    fn enrollment_values(
        &self,
        enrollment: &EnrollmentFacts,
    ) -> Result<Vec<(&'static str, String)>, SendError> {
        let token = enrollment.token.clone().ok_or_else(|| {
            SendError::Permanent(
                "the enrollment was used, expired or replaced before it was sent".into(),
            )
        })?;
        Ok(vec![
            ("display_name", one_line(&enrollment.display_name)),
            ("role", enrollment.role.as_ref().to_owned()),
            ("expires_at", utc(enrollment.expires_at)),
            (
                "endpoint",
                format!("{}/api/v1/auth/enrollment", self.public_url),
            ),
            ("public_url", self.public_url.clone()),
            ("token", token),
        ])
    }
}

/// A time as the messages show it: `2026-11-29 14:03:22 UTC`.
fn utc(at: chrono::DateTime<chrono::Utc>) -> String {
    at.format("%Y-%m-%d %H:%M:%S UTC").to_string()
}

/// A message's words: its subject, and its body as plain text and as HTML.
struct Content {
    subject: String,
    text: String,
    html: String,
}

/// `[URGENT] New critical report: recruitment from Example Social` (the marker only when urgent).
fn new_report_subject(urgent: bool, report: &ReportFacts) -> String {
    let marker = if urgent { "[URGENT] " } else { "" };
    format!(
        "{marker}New {} report: {} from {}",
        report.severity.as_ref(),
        readable(report.category.as_ref()),
        one_line(&report.organization)
    )
}

/// `matches 3 earlier reports`, or `no earlier report` when there is none.
fn matches(earlier: usize) -> String {
    match earlier {
        0 => "no earlier report".to_owned(),
        1 => "matches 1 earlier report".to_owned(),
        n => format!("matches {n} earlier reports"),
    }
}

/// A code as words: `violent_content` → `violent content`.
fn readable(code: &str) -> String {
    code.replace('_', " ")
}

/// `text` with control characters (line breaks above all) turned into spaces, fit for a header.
fn one_line(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// `template` with every `{{name}}` replaced by `encode(value)` of its entry in `values`.
fn render(template: &str, values: &[(&str, String)], encode: impl Fn(&str) -> String) -> String {
    values
        .iter()
        .fold(template.to_owned(), |text, (name, value)| {
            text.replace(&format!("{{{{{name}}}}}"), &encode(value))
        })
}

fn escape_html(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            c => escaped.push(c),
        }
    }
    escaped
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::taxonomy::{Category, Severity};

    fn claimed(severity: Severity, organization: &str) -> Claimed {
        Claimed {
            id: "0193a8f0-0000-7000-8000-000000000001".into(),
            urgent: severity == Severity::Critical,
            attempts: 0,
            about: About::NewReport(ReportFacts {
                id: "0193a8f0-0000-7000-8000-00000000abcd".into(),
                category: Category::ViolentContent,
                severity,
                organization: organization.into(),
                received_at: "2026-11-29T14:03:22Z".parse().unwrap(),
                earlier_matches: 0,
            }),
        }
    }

    fn composer() -> Composer {
        Composer::from_settings(&Settings {
            mail_from: "Portal <portal@dhs.example>".into(),
            notify_to: "desk@dhs.example, Watch <watch@dhs.example>".into(),
            public_url: "https://portal.dhs.example/".into(),
            ..Settings::default()
        })
        .unwrap()
    }

    fn formatted(message: &Message) -> String {
        String::from_utf8(message.formatted()).unwrap()
    }

    #[test]
    fn critical_reports_are_marked_urgent_and_others_are_not() {
        let composer = composer();
        let to = composer.report_recipients(&[]);
        let critical = formatted(
            &composer
                .compose(&claimed(Severity::Critical, "Example Social"), &to)
                .unwrap(),
        );
        assert!(
            critical.contains(
                "Subject: [URGENT] New critical report: violent content from Example Social"
            ),
            "{critical}"
        );
        let high = formatted(
            &composer
                .compose(&claimed(Severity::High, "Example Social"), &to)
                .unwrap(),
        );
        assert!(
            high.contains("Subject: New high report: violent content from Example Social"),
            "{high}"
        );
    }

    #[test]
    fn the_message_has_a_stable_id_and_goes_to_every_recipient() {
        let composer = composer();
        let message = formatted(
            &composer
                .compose(
                    &claimed(Severity::High, "Example Social"),
                    &composer.report_recipients(&[]),
                )
                .unwrap(),
        );
        assert!(
            message
                .contains("Message-ID: <outbox-0193a8f0-0000-7000-8000-000000000001@dhs.example>"),
            "{message}"
        );
        assert!(
            message.contains("To: desk@dhs.example, Watch <watch@dhs.example>"),
            "{message}"
        );
        assert!(message.contains("Content-Type: multipart/alternative"));
    }

    #[test]
    fn both_bodies_carry_the_facts_and_the_link_with_html_escaped() {
        let content = composer()
            .content(&claimed(Severity::High, "<b>Evil</b> & Co"))
            .unwrap();
        let link =
            "https://portal.dhs.example/api/v1/review/reports/0193a8f0-0000-7000-8000-00000000abcd";
        for body in [&content.text, &content.html] {
            assert!(body.contains(link), "{body}");
            assert!(body.contains("2026-11-29 14:03:22 UTC"), "{body}");
            assert!(body.contains("violent content"), "{body}");
            assert!(!body.contains("{{"), "every placeholder is filled: {body}");
        }
        assert!(content.text.contains("Organization:  <b>Evil</b> & Co"));
        assert!(
            content
                .html
                .contains("<td>&lt;b&gt;Evil&lt;/b&gt; &amp; Co</td>")
        );
        assert!(!content.html.contains("<b>Evil"));
    }

    #[test]
    fn staff_already_on_the_list_are_not_added_twice() {
        let composer = composer();
        let to =
            composer.report_recipients(&["WATCH@dhs.example".into(), "ana@dhs.example".into()]);
        let addresses: Vec<String> = to.iter().map(|m| m.email.to_string()).collect();
        assert_eq!(
            addresses,
            ["desk@dhs.example", "watch@dhs.example", "ana@dhs.example"]
        );
    }

    #[test]
    fn a_message_without_recipients_fails_for_good() {
        let error = composer()
            .compose(&claimed(Severity::Low, "Example Social"), &[])
            .unwrap_err();
        assert!(matches!(error, SendError::Permanent(_)), "{error:?}");
    }

    #[test]
    fn malformed_addresses_stop_the_start() {
        for settings in [
            Settings {
                notify_to: "desk@dhs.example, not an address".into(),
                ..Settings::default()
            },
            Settings {
                mail_from: "nobody".into(),
                ..Settings::default()
            },
        ] {
            assert!(Composer::from_settings(&settings).is_err());
        }
    }
}

#[cfg(test)]
mod enrollment_tests {
    use super::*;
    use crate::domain::user::Role;

    fn enrollment(token: Option<&str>) -> Claimed {
        Claimed {
            id: "0193a8f0-0000-7000-8000-000000000002".into(),
            urgent: false,
            attempts: 0,
            about: About::StaffEnrollment(EnrollmentFacts {
                email: "ana@dhs.example".into(),
                display_name: "Ana <Analyst>".into(),
                role: Role::Analyst,
                token: token.map(str::to_owned),
                expires_at: "2026-12-02T14:03:22Z".parse().unwrap(),
            }),
        }
    }

    #[test]
    fn an_enrollment_goes_to_its_holder_alone_with_the_token() {
        let composer = Composer::from_settings(&Settings {
            notify_to: "desk@dhs.example".into(),
            public_url: "https://portal.dhs.example".into(),
            ..Settings::default()
        })
        .unwrap();
        let notification = enrollment(Some("tok-123"));
        let to = composer.recipients(&notification, &["watch@dhs.example".into()]);
        let addresses: Vec<String> = to.iter().map(|m| m.email.to_string()).collect();
        assert_eq!(addresses, ["ana@dhs.example"]);
        let content = composer.content(&notification).unwrap();
        for body in [&content.text, &content.html] {
            assert!(body.contains("tok-123"), "{body}");
            assert!(body.contains("https://portal.dhs.example/api/v1/auth/enrollment"));
            assert!(body.contains("2026-12-02 14:03:22 UTC"), "{body}");
            assert!(!body.contains("{{"), "every placeholder is filled: {body}");
        }
        assert!(content.html.contains("Ana &lt;Analyst&gt;"));
        let closed = composer.compose(&enrollment(None), &to).unwrap_err();
        assert!(matches!(closed, SendError::Permanent(_)), "{closed:?}");
    }
}
