//! Webhook delivery: the worker that claims due deliveries (any number of replicas may run one),
//! signs each per Standard Webhooks and POSTs it, records each attempt and retries on the
//! configured schedule; and the pruning of events past the feed's period.
//!
//! Against server-side request forgery every request goes through a client that follows no
//! redirect, uses no proxy, gives up after `webhook_timeout_seconds`, never reads the answer's
//! body, and connects only to addresses the endpoint's mode allows
//! ([`address_allowed`]): names are resolved by [`CheckedResolver`], which drops every other
//! address, so that a name resolving to a private address at delivery time (DNS rebinding) is
//! refused as well as one that did at registration.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use actix_web::web;
use chrono::Utc;
use futures_util::future::join_all;
use tokio::sync::watch;

use crate::config::Settings;
use crate::db::background::{self, FirstRun};
use crate::db::{self, DbPool};
use crate::domain::organization::CredentialMode;
use crate::domain::webhooks::{address_allowed, sign};
use crate::error::ApiError;
use crate::keys::KeyStore;
use crate::store::queue::{self, Lease, Queue, Schedule};
use crate::store::webhooks::{self, Claimed, Outcome};

/// Deliveries claimed at a time (sent concurrently).
const BATCH: i64 = 50;
/// Events pruned per transaction.
const PRUNE_BATCH: i64 = 1000;

/// Resolves endpoint host names and keeps only the addresses the endpoint's mode may reach.
#[derive(Debug, Clone, Copy)]
pub struct CheckedResolver {
    mode: CredentialMode,
}

impl reqwest::dns::Resolve for CheckedResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let mode = self.mode;
        Box::pin(async move {
            let allowed = resolve_allowed(name.as_str(), 0, mode).await?;
            let addresses: reqwest::dns::Addrs = Box::new(allowed.into_iter());
            Ok(addresses)
        })
    }
}

/// The addresses of `host` (a name or an address) that an endpoint of `mode` may reach; an
/// error when it has none.
pub async fn resolve_allowed(
    host: &str,
    port: u16,
    mode: CredentialMode,
) -> Result<Vec<SocketAddr>, Box<dyn std::error::Error + Send + Sync>> {
    let resolved: Vec<SocketAddr> = match host.parse::<IpAddr>() {
        Ok(ip) => vec![SocketAddr::new(ip, port)],
        Err(_) => tokio::net::lookup_host((host, port)).await?.collect(),
    };
    let allowed: Vec<SocketAddr> = resolved
        .iter()
        .copied()
        .filter(|address| address_allowed(address.ip(), mode))
        .collect();
    if allowed.is_empty() {
        return Err(if resolved.is_empty() {
            format!("{host} has no address").into()
        } else {
            format!("{host} resolves only to addresses webhooks may not reach (private, loopback, link-local or reserved)").into()
        });
    }
    Ok(allowed)
}

/// Checks at registration that every address `host` resolves to now is one an endpoint of
/// `mode` may reach (a name with one private address among public ones is refused whole).
pub async fn resolve_all_allowed(
    host: &str,
    port: u16,
    mode: CredentialMode,
) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let resolved: Vec<SocketAddr> = match host.parse::<IpAddr>() {
        Ok(ip) => vec![SocketAddr::new(ip, port)],
        Err(_) => tokio::net::lookup_host((host, port))
            .await
            .map_err(|e| format!("{host} cannot be resolved: {e}"))?
            .collect(),
    };
    match resolved.iter().find(|a| !address_allowed(a.ip(), mode)) {
        Some(refused) => Err(format!(
            "{host} resolves to {}, an address webhooks may not reach (private, loopback, link-local or reserved)",
            refused.ip()
        )
        .into()),
        None if resolved.is_empty() => Err(format!("{host} has no address").into()),
        None => Ok(()),
    }
}

/// The HTTP client of endpoints of `mode`.
fn client(mode: CredentialMode, timeout: Duration) -> anyhow::Result<reqwest::Client> {
    Ok(reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .timeout(timeout)
        .connect_timeout(timeout.min(Duration::from_secs(5)))
        .dns_resolver(Arc::new(CheckedResolver { mode }))
        .user_agent(concat!(
            "report-portal-webhooks/",
            env!("CARGO_PKG_VERSION")
        ))
        .pool_max_idle_per_host(2)
        .build()?)
}

/// Delivers the webhook outbox of one database.
pub struct Deliverer {
    pool: DbPool,
    keys: Arc<KeyStore>,
    /// Names this worker's claims.
    worker: String,
    lease: Duration,
    poll: Duration,
    /// When a failed delivery is tried again.
    schedule: Schedule,
    live: reqwest::Client,
    test: reqwest::Client,
}

impl Deliverer {
    /// A deliverer on `pool` with the webhook settings of `settings`; fails on malformed ones.
    pub fn new(pool: DbPool, keys: Arc<KeyStore>, settings: &Settings) -> anyhow::Result<Self> {
        let seconds = |name: &str, value: f64| {
            Duration::try_from_secs_f64(value)
                .map_err(|_| anyhow::anyhow!("{name} must be a number of seconds, not {value}"))
        };
        let timeout = seconds("webhook_timeout_seconds", settings.webhook_timeout_seconds)?;
        Ok(Self {
            pool,
            keys,
            worker: uuid::Uuid::new_v4().to_string(),
            lease: seconds("webhook_lease_seconds", settings.webhook_lease_seconds)?,
            poll: seconds("webhook_poll_seconds", settings.webhook_poll_seconds)?,
            schedule: Schedule::Waits(
                settings
                    .webhook_retry_seconds
                    .iter()
                    .map(|wait| seconds("webhook_retry_seconds", *wait))
                    .collect::<anyhow::Result<_>>()?,
            ),
            live: client(CredentialMode::Live, timeout)?,
            test: client(CredentialMode::Test, timeout)?,
        })
    }

    /// Runs `work` on the blocking pool with a pooled connection. Not as background work: on
    /// SQLite that waits until no request is queued for the write lock, which under a steady
    /// stream of submissions held deliveries back by seconds; a round's two transactions are
    /// short (at most [`BATCH`] rows each), and its writers queue first come, first served.
    async fn db<T: Send + 'static>(
        self: &Arc<Self>,
        work: impl FnOnce(&Self, &mut db::DbConnection) -> Result<T, ApiError> + Send + 'static,
    ) -> Result<T, ApiError> {
        let this = self.clone();
        web::block(move || work(&this, &mut *this.pool.get()?)).await?
    }

    /// Delivers until `stop` turns true: claims due deliveries, sends them at once, records the
    /// attempts, and looks again at once while there were any, else after `webhook_poll_seconds`.
    /// On stop it gives back what it claimed and has not sent.
    pub async fn run(self, mut stop: watch::Receiver<bool>) {
        let this = Arc::new(self);
        loop {
            let round = this.deliver_round().await;
            let idle = match round {
                Ok(sent) => sent == 0,
                Err(error) => {
                    tracing::warn!(%error, "webhook delivery interrupted");
                    true
                }
            };
            if *stop.borrow() {
                break;
            }
            if idle {
                tokio::select! {
                    _ = stop.changed() => break,
                    _ = actix_web::rt::time::sleep(this.poll) => {}
                }
            }
        }
        if let Err(error) = this
            .db(|this, conn| queue::release(conn, Queue::Webhooks, &this.worker))
            .await
        {
            tracing::warn!(%error, "could not give back claimed webhook deliveries");
        }
    }

    /// One round: claims what is due, sends it, records it; answers how many were attempted.
    pub async fn deliver_round(self: &Arc<Self>) -> Result<usize, ApiError> {
        let batch = self
            .db(|this, conn| {
                if !webhooks::any_due(conn)? {
                    return Ok(Vec::new());
                }
                let lease = Lease::new(&this.worker, this.lease)?;
                webhooks::claim(conn, &this.keys, &lease, BATCH)
            })
            .await?;
        if batch.is_empty() {
            return Ok(0);
        }
        let outcomes = join_all(batch.iter().map(|delivery| self.attempt(delivery))).await;
        let attempted = batch.len();
        let lost = self
            .db(move |this, conn| {
                let attempts: Vec<(&Claimed, Outcome)> = batch.iter().zip(outcomes).collect();
                let lost = webhooks::record_attempts(conn, &this.worker, &attempts)?;
                Ok(lost.into_iter().map(str::to_owned).collect::<Vec<_>>())
            })
            .await?;
        for id in lost {
            tracing::warn!(%id, "the lease ran out before the webhook attempt was recorded; it may be sent again");
        }
        Ok(attempted)
    }

    /// One attempt at `delivery`.
    async fn attempt(&self, delivery: &Claimed) -> Outcome {
        let timestamp = Utc::now().timestamp();
        let signature = match sign(
            &delivery.secret,
            &delivery.event_id,
            timestamp,
            delivery.payload.as_bytes(),
        ) {
            Ok(signature) => signature,
            Err(error) => return self.failed(delivery, None, error.to_string()),
        };
        let client = match delivery.mode {
            CredentialMode::Live => &self.live,
            CredentialMode::Test => &self.test,
        };
        if let Err(error) = literal_address_allowed(&delivery.url, delivery.mode) {
            return self.failed(delivery, None, error);
        }
        let sent = client
            .post(&delivery.url)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .header("webhook-id", &delivery.event_id)
            .header("webhook-timestamp", timestamp.to_string())
            .header("webhook-signature", signature)
            .body(delivery.payload.clone())
            .send()
            .await;
        match sent {
            Ok(answer) if answer.status().is_success() => Outcome::Delivered {
                status: answer.status().as_u16(),
            },
            Ok(answer) => {
                let status = answer.status().as_u16();
                self.failed(
                    delivery,
                    Some(status),
                    format!("the endpoint answered {status}"),
                )
            }
            Err(error) => self.failed(delivery, None, describe(&error)),
        }
    }

    /// A failed attempt: retried after the next wait of the schedule, or failed for good after
    /// the last.
    fn failed(&self, delivery: &Claimed, status: Option<u16>, error: String) -> Outcome {
        match self.schedule.retry_at(delivery.attempts.max(0) + 1) {
            Some(at) => Outcome::Retry { status, error, at },
            None => Outcome::Failed { status, error },
        }
    }
}

/// Refuses a URL whose host is an address literal that `mode` may not reach (a name is checked
/// by [`CheckedResolver`] when the client connects).
fn literal_address_allowed(url: &str, mode: CredentialMode) -> Result<(), String> {
    let host = url::Url::parse(url)
        .map_err(|e| format!("unreadable URL: {e}"))?
        .host()
        .map(|host| host.to_owned());
    let ip = match host {
        Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip),
        Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip),
        _ => return Ok(()),
    };
    match address_allowed(ip, mode) {
        true => Ok(()),
        false => Err(format!("{ip} is an address webhooks may not reach")),
    }
}

/// What went wrong with a request, with its causes (reqwest's own message names none).
fn describe(error: &reqwest::Error) -> String {
    let mut text = if error.is_timeout() {
        "timed out".to_owned()
    } else if error.is_connect() {
        "could not connect".to_owned()
    } else {
        "request failed".to_owned()
    };
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text.chars().take(500).collect()
}

/// Every hour (the first an hour after start-up), deletes the events older than `event_retention_days` with
/// their deliveries, a batch per transaction; safe with many replicas doing it at once.
pub async fn prune_events(state: web::Data<crate::state::AppState>) {
    let keep = chrono::Duration::days(i64::from(state.settings.event_retention_days));
    let prune = || async {
        let before = Utc::now() - keep;
        loop {
            let pruned = state
                .db(move |conn| crate::store::events::prune(conn, before, PRUNE_BATCH))
                .await?;
            tracing::debug!(pruned, "old events pruned");
            if pruned as i64 != PRUNE_BATCH {
                return Ok::<_, ApiError>(());
            }
        }
    };
    // Not at start-up: replicas starting together need not all prune at once.
    let (hour, first) = (Duration::from_secs(3600), FirstRun::AfterOnePeriod);
    background::every(hour, first, "prune old events", prune).await
}
