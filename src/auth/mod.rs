//! Authentication: signing keys, access tokens, API client secrets, and the extractor that
//! turns a bearer token into a caller.

pub mod caller;
pub mod keys;
pub mod password;
pub mod rate_limit;
pub mod secret;
pub mod token;
