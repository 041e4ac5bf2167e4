//! Integration tests: the real application on port 0, spoken to over HTTP, on a fresh SQLite
//! file per test, or a fresh PostgreSQL database per test when `TEST_DATABASE_URL` is set.

mod admin;
mod audit;
mod auth;
mod backlog;
mod cli;
mod correlation;
mod dry_run;
mod enrollment;
mod erasure;
mod evidence;
mod hardening;
mod harness;
mod helpers;
mod idempotency;
mod layering;
mod lifecycle;
mod mail;
mod mfa;
mod oidc;
mod ops;
mod receiver;
mod refresh;
mod refusals;
mod replicas;
mod requests;
mod retention;
mod review;
mod seed;
mod sharing;
mod smtp;
mod spec_fixes;
mod stats;
mod submission;
mod validation;
mod webhooks;
