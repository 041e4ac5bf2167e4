//! Prometheus metrics: requests by route and status, latency, the database pool, reports
//! received by mode, refused requests, and the queue for the database; rendered in the text
//! format at `GET /metrics`.

use std::time::Duration;

use crate::domain::notification::OutboxDepth;
use prometheus::{
    Encoder, Histogram, HistogramOpts, HistogramVec, IntCounterVec, IntGauge, IntGaugeVec, Opts,
    Registry, TextEncoder,
};

/// The process's metrics.
pub struct Metrics {
    registry: Registry,
    requests: IntCounterVec,
    latency: HistogramVec,
    reports: IntCounterVec,
    pool: IntGaugeVec,
    outbox: IntGaugeVec,
    rate_limit_keys: IntGaugeVec,
    refusals: IntCounterVec,
    queue: QueueMetrics,
}

/// What happens at the database's door ([`crate::db::admission::Admission`]): requests waiting
/// now, requests admitted and refused, and how long the admitted ones waited. Cheap to clone (the
/// clones count together).
#[derive(Clone, Debug)]
pub struct QueueMetrics {
    waiting: IntGauge,
    admissions: IntCounterVec,
    wait: Histogram,
}

impl QueueMetrics {
    /// Fresh instruments, registered by [`Metrics::new`] (unregistered elsewhere, as in unit tests).
    pub fn new() -> Self {
        Self {
            waiting: IntGauge::new(
                "portal_db_queue_waiting",
                "Requests waiting now in the queue for a database connection",
            )
            .expect("valid metric"),
            admissions: IntCounterVec::new(
                Opts::new(
                    "portal_db_admissions_total",
                    "Requests given a database connection (admitted) or answered 429 by the \
                     queue (refused), by outcome",
                ),
                &["outcome"],
            )
            .expect("valid metric"),
            wait: Histogram::with_opts(
                HistogramOpts::new(
                    "portal_db_queue_wait_seconds",
                    "Time admitted requests waited for a database connection",
                )
                .buckets(vec![
                    0.0001, 0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
                ]),
            )
            .expect("valid metric"),
        }
    }

    /// Records how many requests wait now.
    pub fn set_waiting(&self, waiting: usize) {
        self.waiting.set(i64::try_from(waiting).unwrap_or(i64::MAX));
    }

    /// Records a request admitted after waiting `waited`.
    pub fn admitted(&self, waited: Duration) {
        self.admissions.with_label_values(&["admitted"]).inc();
        self.wait.observe(waited.as_secs_f64());
    }

    /// Records a request refused by the queue.
    pub fn refused(&self) {
        self.admissions.with_label_values(&["refused"]).inc();
    }
}

impl Default for QueueMetrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    /// Registers every metric.
    pub fn new() -> Self {
        let registry = Registry::new();
        let requests = IntCounterVec::new(
            Opts::new(
                "portal_http_requests_total",
                "HTTP requests answered, by route, method and status",
            ),
            &["route", "method", "status"],
        )
        .expect("valid metric");
        let latency = HistogramVec::new(
            HistogramOpts::new(
                "portal_http_request_duration_seconds",
                "Time to answer, by route",
            )
            .buckets(vec![
                0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
            ]),
            &["route"],
        )
        .expect("valid metric");
        let reports = IntCounterVec::new(
            Opts::new(
                "portal_reports_received_total",
                "Reports stored (replays excluded), by mode",
            ),
            &["mode"],
        )
        .expect("valid metric");
        let pool = IntGaugeVec::new(
            Opts::new(
                "portal_db_pool_connections",
                "Database pool connections, by state",
            ),
            &["state"],
        )
        .expect("valid metric");
        let outbox = IntGaugeVec::new(
            Opts::new(
                "portal_outbox_messages",
                "E-mail notifications waiting (pending) or given up (failed)",
            ),
            &["status"],
        )
        .expect("valid metric");
        let rate_limit_keys = IntGaugeVec::new(
            Opts::new(
                "portal_rate_limit_keys",
                "Callers and client addresses the rate limiters keep state for, by limiter",
            ),
            &["limiter"],
        )
        .expect("valid metric");
        let refusals = IntCounterVec::new(
            Opts::new(
                "portal_access_refusals_total",
                "Refused requests (403, or 404 for another's report), by whether they were audited \
                 (each caller's are, up to refusal_audit_per_minute)",
            ),
            &["audited"],
        )
        .expect("valid metric");
        let queue = QueueMetrics::new();
        for metric in [
            Box::new(outbox.clone()) as Box<dyn prometheus::core::Collector>,
            Box::new(rate_limit_keys.clone()),
            Box::new(refusals.clone()),
            Box::new(requests.clone()),
            Box::new(latency.clone()),
            Box::new(reports.clone()),
            Box::new(pool.clone()),
            Box::new(queue.waiting.clone()),
            Box::new(queue.admissions.clone()),
            Box::new(queue.wait.clone()),
        ] {
            registry.register(metric).expect("unique metric names");
        }
        Self {
            registry,
            requests,
            latency,
            reports,
            pool,
            outbox,
            rate_limit_keys,
            refusals,
            queue,
        }
    }

    /// The instruments of the queue for the database, for its [`crate::db::admission::Admission`].
    pub fn queue(&self) -> QueueMetrics {
        self.queue.clone()
    }

    /// Counts a refused request, `audited` or over its caller's allowance of audit events.
    pub fn access_refused(&self, audited: bool) {
        self.refusals
            .with_label_values(&[if audited { "true" } else { "false" }])
            .inc();
    }

    /// Records an answered request; `route` is the matched pattern, never the raw path.
    pub fn observe_request(&self, route: &str, method: &str, status: u16, seconds: f64) {
        self.requests
            .with_label_values(&[route, method, &status.to_string()])
            .inc();
        self.latency.with_label_values(&[route]).observe(seconds);
    }

    /// Records a stored report of `mode`.
    pub fn report_received(&self, mode: &str) {
        self.reports.with_label_values(&[mode]).inc();
    }

    /// Records how many keys each rate limiter keeps state for (`(limiter, keys)` pairs).
    pub fn rate_limit_keys(&self, tracked: &[(&str, usize)]) {
        for (limiter, keys) in tracked {
            self.rate_limit_keys
                .with_label_values(&[limiter])
                .set(i64::try_from(*keys).unwrap_or(i64::MAX));
        }
    }

    /// Everything, in the Prometheus text format, with the pool's current state and the outbox's
    /// when read (else as last read).
    pub fn render(&self, pool: &crate::db::DbPool, outbox: Option<&OutboxDepth>) -> String {
        if let Some(outbox) = outbox {
            self.outbox
                .with_label_values(&["pending"])
                .set(outbox.pending);
            self.outbox
                .with_label_values(&["failed"])
                .set(outbox.failed);
        }
        let state = pool.state();
        self.pool
            .with_label_values(&["open"])
            .set(i64::from(state.connections));
        self.pool
            .with_label_values(&["idle"])
            .set(i64::from(state.idle_connections));
        self.pool
            .with_label_values(&["max"])
            .set(i64::from(pool.max_size()));
        let mut out = Vec::new();
        TextEncoder::new()
            .encode(&self.registry.gather(), &mut out)
            .expect("text encoding cannot fail");
        String::from_utf8(out).expect("the text format is UTF-8")
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}
