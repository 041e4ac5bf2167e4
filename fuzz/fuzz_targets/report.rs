//! Fuzzes what a submission's body goes through before it reaches the database: JSON parsing
//! with the nesting limit, the NUL refusal and the shape check, the rules, the canonical form
//! and its hash, the search words and the correlation index entries, and the problem document
//! of any refusal. Nothing may panic; a valid report's canonical form must be read again as the
//! same report (as the store reads it back); every field error must point into the body.

#![no_main]

use chrono::{TimeZone, Utc};
use libfuzzer_sys::fuzz_target;
use report_portal::domain::report::NewReport;
use report_portal::domain::search::WordHasher;
use report_portal::error::ApiError;
use report_portal::routes::body::JsonBody;
use report_portal::routes::submission::received;
use serde_json::Value;

fuzz_target!(|bytes: &[u8]| {
    let now = Utc.with_ymd_and_hms(2026, 11, 29, 12, 0, 0).unwrap();
    let hasher = WordHasher::new(vec![7; 32]);
    let judge = |bytes: &[u8]| {
        JsonBody::<NewReport>::parse(bytes).and_then(|body| received(body, now, &hasher))
    };
    match judge(bytes) {
        Ok(first) => {
            let again = judge(first.canonical.as_bytes()).unwrap_or_else(|e| {
                panic!("the canonical form of a valid report is refused: {e:?}")
            });
            assert_eq!(again.canonical, first.canonical);
            assert_eq!(again.sha256, first.sha256);
            assert_eq!(again.word_hashes, first.word_hashes);
            assert_eq!(again.indicators, first.indicators);
            serde_json::from_str::<NewReport>(&first.canonical)
                .expect("the store reads the canonical form back");
        }
        Err(error) => {
            serde_json::to_string(&error.problem(None)).expect("a problem document serializes");
            if let ApiError::Invalid(errors) = &error {
                let body: Value = serde_json::from_slice(bytes).expect("422 only for JSON");
                for field in errors {
                    assert!(
                        points_into(&body, &field.pointer, &field.code),
                        "{} ({}) points at nothing in the body",
                        field.pointer,
                        field.code
                    );
                }
            }
        }
    }
});

/// Whether `pointer` names a value of `body`, or, for a missing value (`required`), a place in
/// an object that exists.
fn points_into(body: &Value, pointer: &str, code: &str) -> bool {
    if body.pointer(pointer).is_some() {
        return true;
    }
    code == "required"
        && pointer
            .rsplit_once('/')
            .is_some_and(|(parent, _)| body.pointer(parent).is_some_and(Value::is_object))
}
