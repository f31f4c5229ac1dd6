//! A page of a Current API list: `{"data": [...], "page_info": {...}}`.
//!
//! Lists are cursor-paged: pass `first` and `after = page_info.end_cursor` to go forward. There
//! are no page counts. `has_next_page` is a claim, not a guarantee: a listing should also stop on
//! an empty page or on a cursor it has already seen, so every field here is an `Option` and a
//! page without `page_info` still decodes.

use serde::{Deserialize, Serialize};

use super::Membership;

/// Where a page sits in a cursor-paged list.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageInfo {
    /// The cursor after this page's last item: pass it as `after` for the next page.
    pub end_cursor: Option<String>,
    /// The cursor before this page's first item: pass it as `before` for the previous page.
    pub start_cursor: Option<String>,
    /// Whether the API says a next page exists.
    pub has_next_page: Option<bool>,
    /// Whether the API says a previous page exists.
    pub has_previous_page: Option<bool>,
}

/// One page of `GET /api/v1/memberships`.
///
/// ```
/// use whop_models::{decode, v1};
///
/// let page: v1::MembershipPage = decode(br#"{
///     "data": [{"id": "mem_1"}, {"id": "mem_2"}],
///     "page_info": {"end_cursor": "c2", "start_cursor": "c1", "has_next_page": true, "has_previous_page": false}
/// }"#)?;
/// assert_eq!(page.data.len(), 2);
/// assert_eq!(page.page_info.unwrap().end_cursor.as_deref(), Some("c2"));
///
/// let empty: v1::MembershipPage = decode(br#"{"data": null}"#)?;
/// assert!(empty.data.is_empty());
/// # Ok::<(), whop_models::DecodeError>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct MembershipPage {
    /// The memberships on this page (absent or `null` counts as none).
    #[serde(default, with = "serde_with::As::<serde_with::DefaultOnNull>")]
    pub data: Vec<Membership>,
    /// Where this page sits in the list, if the API said.
    #[serde(default)]
    pub page_info: Option<PageInfo>,
}
