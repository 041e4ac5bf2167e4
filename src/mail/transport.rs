//! Where messages go: an SMTP server (plain, STARTTLS or TLS from the start, as its URL says),
//! or, when none is configured, `.eml` files in `<data_dir>/mail/`.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context;
use lettre::{Message, SmtpTransport, Transport as _};

use crate::config::Settings;

/// Why a message was not handed over.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SendError {
    /// Worth another try later: a 4xx answer, no connection, a timeout.
    Transient(String),
    /// Not worth another try as it is: a 5xx answer, or a message that cannot be built.
    Permanent(String),
}

/// A way to hand messages over.
#[derive(Clone)]
pub enum Transport {
    /// An SMTP server; connections are reused while they stay open.
    Smtp(SmtpTransport),
    /// One `<notification id>.eml` file per message in this folder.
    Files(PathBuf),
}

impl Transport {
    /// SMTP when `smtp_url` is set, else the `.eml` folder (created if missing).
    pub fn from_settings(settings: &Settings) -> anyhow::Result<Self> {
        if settings.smtp_url.0.is_empty() {
            let folder = settings.data_dir.join("mail");
            std::fs::create_dir_all(&folder)
                .with_context(|| format!("cannot create the mail folder {}", folder.display()))?;
            return Ok(Transport::Files(folder));
        }
        let smtp = SmtpTransport::from_url(&settings.smtp_url.0)
            .map_err(|e| anyhow::anyhow!("smtp_url {:?} is not usable: {e}", settings.smtp_url))?
            .timeout(Some(Duration::from_secs(settings.smtp_timeout_seconds)))
            .build();
        Ok(Transport::Smtp(smtp))
    }

    /// Hands `message` over. `name` (the notification's id) names its file in the folder, so that
    /// a second delivery of one notification replaces the first.
    pub fn send(&self, name: &str, message: &Message) -> Result<(), SendError> {
        match self {
            Transport::Smtp(smtp) => smtp.send(message).map(drop).map_err(|e| {
                if e.is_permanent() {
                    SendError::Permanent(e.to_string())
                } else {
                    SendError::Transient(e.to_string())
                }
            }),
            Transport::Files(folder) => {
                // Written aside and renamed, so that a reader never sees half a message.
                let partial = folder.join(format!("{name}.eml.partial"));
                std::fs::write(&partial, message.formatted())
                    .and_then(|()| std::fs::rename(&partial, folder.join(format!("{name}.eml"))))
                    .map_err(|e| {
                        SendError::Transient(format!("cannot write to {}: {e}", folder.display()))
                    })
            }
        }
    }
}
