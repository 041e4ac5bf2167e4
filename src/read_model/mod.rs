//! Read models: what readers are shown of data the store reads from several of its modules (a
//! report's detail from its row, notes, timeline, amendments, evidence, hold and correlation
//! counts; the correlation views from list lines and index matches). They hold no rules; the
//! rules in `crate::domain` never import them (tests/api/layering.rs checks it).

pub mod correlation;
pub mod review;
