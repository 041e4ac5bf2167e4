//! Validated types and the rules: reports, their lifecycle, organizations, taxonomy codes.

pub mod audit;
pub mod correlation;
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
pub mod sharing;
pub mod stats;
pub mod status;
pub mod stix;
pub mod storable;
pub mod submission;
pub mod taxonomy;
pub mod user;
