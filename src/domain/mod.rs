//! Validated types and the rules: reports, their lifecycle, organizations, taxonomy codes.

pub mod audit;
pub mod correlation;
pub mod dry_run;
pub mod evidence;
pub mod indicators;
pub mod lifecycle;
pub mod notification;
pub mod organization;
pub mod pagination;
pub mod report;
pub mod retention;
pub mod review;
pub mod search;
pub mod stats;
pub mod status;
pub mod storable;
pub mod submission;
pub mod taxonomy;
pub mod user;
