//! Use cases: one function per thing a caller does that writes. Each opens the one
//! transaction, asks the domain to judge, reads and writes through the store, records the
//! audit event and the report's timeline in that transaction, and signs receipts after commit.
//! Routes make one call here; nothing below opens a transaction of its own.

pub mod credentials;
pub mod dry_run;
pub mod lifecycle;
pub mod review;
pub mod submission;
pub mod users;
