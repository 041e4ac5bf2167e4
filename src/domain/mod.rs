//! Validated types and the rules: reports, their lifecycle, organizations, taxonomy codes. The
//! rules know no HTTP: they refuse with [`refusal::Refusal`] and field errors.

pub mod audit;
pub mod code_list;
pub mod correlation;
pub mod evidence;
pub mod feedback;
pub mod indicators;
pub mod lifecycle;
pub mod near_images;
pub mod notification;
pub mod organization;
pub mod pagination;
pub mod received;
pub mod refusal;
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
pub mod webhooks;
