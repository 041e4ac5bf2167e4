//! What both database backends store alike, judged before anything reaches either: text without
//! the NUL character (PostgreSQL refuses it, SQLite keeps it), and timestamps in the years 1 to
//! 9999 (RFC 3339's four-digit years; PostgreSQL refuses years before 4713 BC, SQLite keeps
//! anything). A client's input outside these is refused (400 or 422), never a database error.

use chrono::{DateTime, Datelike, Utc};
use serde::de::{Deserialize, Deserializer, Error};

use super::refusal::FieldError;

/// The years a timestamp may lie in.
pub const YEARS: std::ops::RangeInclusive<i32> = 1..=9999;

/// Why a timestamp outside [`YEARS`] is refused.
const TIME_OUT_OF_RANGE: &str = "must be a time in the years 0001 to 9999";

/// Whether `text` can be stored: it holds no NUL character.
pub fn is_storable_text(text: &str) -> bool {
    !text.contains('\0')
}

/// Whether `at` can be stored: it lies in [`YEARS`].
pub fn is_storable_time(at: &DateTime<Utc>) -> bool {
    YEARS.contains(&at.year())
}

/// The 422 rule broken by text holding a NUL character, at `pointer`.
pub fn nul_error(pointer: impl Into<String>) -> FieldError {
    FieldError::new(pointer, "nul", "must not contain the NUL character")
}

/// The 422 rules broken by the `times` (each at its pointer, absent ones skipped) that lie
/// outside [`YEARS`].
pub fn time_errors<P: Into<String>>(
    times: impl IntoIterator<Item = (P, Option<DateTime<Utc>>)>,
) -> Vec<FieldError> {
    times
        .into_iter()
        .filter(|(_, at)| at.is_some_and(|at| !is_storable_time(&at)))
        .map(|(pointer, _)| FieldError::new(pointer, "range", TIME_OUT_OF_RANGE))
        .collect()
}

/// Reads an optional RFC 3339 timestamp that must lie in [`YEARS`]: for query parameters, as
/// `#[serde(default, deserialize_with = "storable::optional_time")]` (400 otherwise).
pub fn optional_time<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<DateTime<Utc>>, D::Error> {
    let at = Option::<DateTime<Utc>>::deserialize(deserializer)?;
    match at {
        Some(at) if !is_storable_time(&at) => Err(D::Error::custom(TIME_OUT_OF_RANGE)),
        _ => Ok(at),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn time(text: &str) -> DateTime<Utc> {
        text.parse().unwrap()
    }

    #[test]
    fn times_are_storable_from_year_one_to_9999() {
        for good in ["0001-01-01T00:00:00Z", "9999-12-31T23:59:59.999999Z"] {
            assert!(is_storable_time(&time(good)), "{good}");
        }
        for bad in [
            "-99999-01-01T00:00:00Z",
            "0000-12-31T23:59:59Z",
            "+10000-01-01T00:00:00Z",
        ] {
            assert!(!is_storable_time(&time(bad)), "{bad}");
        }
    }

    #[test]
    fn time_errors_name_only_the_times_out_of_range() {
        let errors = time_errors([
            ("/a", Some(time("-99999-01-01T00:00:00Z"))),
            ("/b", None),
            ("/c", Some(time("2026-01-01T00:00:00Z"))),
        ]);
        assert_eq!(errors, [FieldError::new("/a", "range", TIME_OUT_OF_RANGE)]);
    }

    #[test]
    fn text_with_nul_is_not_storable() {
        assert!(is_storable_text("plain"));
        assert!(!is_storable_text("a\0b"));
    }

    #[test]
    fn a_query_time_out_of_range_is_refused() {
        #[derive(serde::Deserialize)]
        struct Query {
            #[serde(default, deserialize_with = "optional_time")]
            from: Option<DateTime<Utc>>,
        }
        let read = |q: &str| serde_urlencoded::from_str::<Query>(q).map(|q| q.from);
        assert_eq!(read("").unwrap(), None);
        assert_eq!(
            read("from=2026-01-01T00:00:00Z").unwrap(),
            Some(time("2026-01-01T00:00:00Z"))
        );
        assert!(read("from=-99999-01-01T00:00:00Z").is_err());
    }
}
