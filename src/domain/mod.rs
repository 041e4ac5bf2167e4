//! Validated types and the rules: reports, their lifecycle, organizations, taxonomy codes.

pub mod audit;
pub mod correlation;
pub mod indicators;
pub mod organization;
pub mod pagination;
pub mod report;
pub mod review;
pub mod search;
pub mod status;
pub mod submission;
pub mod taxonomy;
pub mod user;
