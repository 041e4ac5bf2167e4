//! Cursor pagination: `?limit=` and an opaque `?cursor=` that encodes where the last page ended.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::refusal::Refusal;
use super::storable;

/// The page size when `limit` is absent.
pub const DEFAULT_LIMIT: i64 = 50;
/// The largest page a client may ask for.
pub const MAX_LIMIT: i64 = 200;

/// `?limit=&cursor=` as a list endpoint receives them.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageParams {
    /// Items per page, 1 to 200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
    /// The `next_cursor` of the previous page: opaque, to be sent back unchanged (a cursor
    /// the portal did not make is refused with 400).
    pub cursor: Option<String>,
}

/// A validated page request: how many items, and the sort key the previous page ended at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    /// Items per page.
    pub limit: i64,
    /// Items strictly after this key (in the list's order); `None` for the first page.
    pub after: Option<String>,
}

impl TryFrom<PageParams> for Page {
    type Error = Refusal;

    fn try_from(params: PageParams) -> Result<Self, Refusal> {
        let limit = params.limit.unwrap_or(DEFAULT_LIMIT);
        if !(1..=MAX_LIMIT).contains(&limit) {
            return Err(Refusal::BadParameter(format!(
                "limit must be between 1 and {MAX_LIMIT}"
            )));
        }
        let after = params
            .cursor
            .map(|cursor| {
                URL_SAFE_NO_PAD
                    .decode(cursor.as_bytes())
                    .ok()
                    .and_then(|bytes| String::from_utf8(bytes).ok())
                    .filter(|key| storable::is_storable_text(key))
                    .ok_or_else(|| {
                        Refusal::BadParameter("cursor is not one this server issued".into())
                    })
            })
            .transpose()?;
        Ok(Page { limit, after })
    }
}

/// One page of a list: the items and the cursor of the next page (`null` on the last).
#[derive(Debug, Serialize, ToSchema)]
pub struct Paginated<T> {
    /// The items of this page.
    pub items: Vec<T>,
    /// Pass as `?cursor=` to get the next page; `null` when this is the last.
    pub next_cursor: Option<String>,
}

impl<T> Paginated<T> {
    /// Builds a page from up to `limit + 1` fetched items: the extra one only proves there is a
    /// next page, whose cursor is the sort key (`key`) of the last item kept.
    pub fn from_overfetch(mut items: Vec<T>, page: &Page, key: impl Fn(&T) -> &str) -> Self {
        let more = items.len() as i64 > page.limit;
        items.truncate(page.limit as usize);
        let next_cursor = more
            .then(|| items.last().map(|last| URL_SAFE_NO_PAD.encode(key(last))))
            .flatten();
        Paginated { items, next_cursor }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_round_trips_and_the_last_page_has_none() {
        let page = Page {
            limit: 2,
            after: None,
        };
        let first = Paginated::from_overfetch(vec!["c", "b", "a"], &page, |s| s);
        assert_eq!(first.items, vec!["c", "b"]);
        let next = Page::try_from(PageParams {
            limit: Some(2),
            cursor: first.next_cursor,
        })
        .unwrap();
        assert_eq!(next.after.as_deref(), Some("b"));
        let last = Paginated::from_overfetch(vec!["a"], &next, |s| s);
        assert_eq!(last.next_cursor, None);
    }

    #[test]
    fn limits_outside_one_to_two_hundred_are_refused() {
        for limit in [0, 201, -1] {
            assert!(
                Page::try_from(PageParams {
                    limit: Some(limit),
                    cursor: None
                })
                .is_err()
            );
        }
    }

    #[test]
    fn cursors_that_are_not_base64_utf8_or_storable_are_refused() {
        // "AA" decodes to a NUL character, which PostgreSQL cannot compare with.
        for cursor in ["!!", "_w", "AA"] {
            assert!(
                Page::try_from(PageParams {
                    limit: None,
                    cursor: Some(cursor.into())
                })
                .is_err(),
                "{cursor}"
            );
        }
    }
}
