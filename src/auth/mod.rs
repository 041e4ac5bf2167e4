//! Authentication: signing keys, access tokens, API client secrets, and the extractor that
//! turns a bearer token into a caller; signed receipts of submissions.

pub mod caller;
pub mod keys;
pub mod oidc;
pub mod partner;
pub mod password;
pub mod rate_limit;
pub mod receipt;
pub mod secret;
pub mod token;
pub mod totp;
