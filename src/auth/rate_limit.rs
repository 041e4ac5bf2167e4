//! Rate limits: per API credential and per staff user on every authenticated request, and per
//! client address on the sign-in endpoints; over the limit, 429 with `Retry-After`. Also how many
//! of one caller's refused requests are audited.

use std::num::NonZeroU32;

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use crate::config::Settings;
use crate::error::ApiError;

/// The process's limiters (each replica limits on its own).
pub struct RateLimits {
    callers: DefaultKeyedRateLimiter<String>,
    addresses: DefaultKeyedRateLimiter<String>,
    refusal_audits: DefaultKeyedRateLimiter<String>,
}

fn quota(per_second: u32, burst: u32) -> Quota {
    let rate = NonZeroU32::new(per_second.max(1)).expect("at least 1");
    Quota::per_second(rate).allow_burst(NonZeroU32::new(burst.max(1)).expect("at least 1"))
}

/// `count` a minute, all of them at once if they come at once.
fn per_minute(count: u32) -> Quota {
    let count = NonZeroU32::new(count.max(1)).expect("at least 1");
    Quota::per_minute(count).allow_burst(count)
}

fn check(limiter: &DefaultKeyedRateLimiter<String>, key: &str) -> Result<(), ApiError> {
    limiter.check_key(&key.to_owned()).map_err(|not_until| {
        let wait = not_until.wait_time_from(DefaultClock::default().now());
        ApiError::TooManyRequests {
            retry_after: wait.as_secs_f64().ceil().max(1.0) as u64,
        }
    })
}

impl RateLimits {
    /// Limiters at the rates of `settings`.
    pub fn new(settings: &Settings) -> Self {
        Self {
            callers: RateLimiter::keyed(quota(
                settings.rate_limit_per_second,
                settings.rate_limit_burst,
            )),
            addresses: RateLimiter::keyed(quota(
                settings.auth_rate_limit_per_second,
                settings.auth_rate_limit_burst,
            )),
            refusal_audits: RateLimiter::keyed(per_minute(settings.refusal_audit_per_minute)),
        }
    }

    /// Whether one more refused request of the caller `key` may be audited now: at most
    /// `refusal_audit_per_minute` a minute, so that refusals cannot flood the audit log.
    pub fn may_audit_refusal(&self, key: &str) -> bool {
        self.refusal_audits.check_key(&key.to_owned()).is_ok()
    }

    /// One request by the caller `key` (a client id or a user id).
    pub fn check_caller(&self, key: &str) -> Result<(), ApiError> {
        check(&self.callers, key)
    }

    /// One sign-in attempt from `address`.
    pub fn check_address(&self, address: &str) -> Result<(), ApiError> {
        check(&self.addresses, address)
    }

    /// Forgets callers and addresses that are back to a full allowance, so that memory is
    /// bounded by the callers and addresses of the last moments, not of the process's life
    /// (the server calls it every `rate_limit_prune_seconds`).
    pub fn forget_idle(&self) {
        self.callers.retain_recent();
        self.addresses.retain_recent();
        self.refusal_audits.retain_recent();
        self.callers.shrink_to_fit();
        self.addresses.shrink_to_fit();
        self.refusal_audits.shrink_to_fit();
    }

    /// How many callers and addresses the limiters keep state for, by limiter.
    pub fn tracked(&self) -> [(&'static str, usize); 3] {
        [
            ("callers", self.callers.len()),
            ("addresses", self.addresses.len()),
            ("refusal_audits", self.refusal_audits.len()),
        ]
    }
}
