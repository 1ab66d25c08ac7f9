//! The page's address: the canonical link, `og:url`, or the address it was fetched
//! from; relative addresses resolved, home pages refused.
//!
//! This module owns addresses; it must not fetch anything.

use super::head::HeadMeta;

/// The page's address: the canonical link, `og:url`, or the address it was fetched from.
pub(super) fn choose_url(head: &HeadMeta, url: Option<&str>) -> Option<String> {
    let given = url.map(str::trim).filter(|u| !u.is_empty());
    [head.canonical.as_deref(), head.meta(&["og:url"])]
        .into_iter()
        .flatten()
        .find_map(|candidate| absolute_url(candidate.trim(), given))
        .or_else(|| given.map(str::to_string))
}

/// An absolute http(s) address for `href`, resolved against `base` when it is
/// relative. The site's home page is refused: templates that put it in every page's
/// canonical link would give all articles one address.
fn absolute_url(href: &str, base: Option<&str>) -> Option<String> {
    let scheme_of = |u: &str| u.split_once("://").map(|(s, _)| s.to_string());
    let resolved = if href.starts_with("http://") || href.starts_with("https://") {
        href.to_string()
    } else if let Some(rest) = href.strip_prefix("//") {
        let scheme = base
            .and_then(scheme_of)
            .unwrap_or_else(|| "https".to_string());
        format!("{scheme}://{rest}")
    } else if href.starts_with('/') {
        let base = base?;
        let (scheme, rest) = base.split_once("://")?;
        let host = rest.split('/').next()?;
        format!("{scheme}://{host}{href}")
    } else {
        return None;
    };
    let after_scheme = resolved.split_once("://").map_or("", |(_, r)| r);
    let path = after_scheme.split_once('/').map_or("", |(_, p)| p);
    let is_home = path.trim_matches('/').is_empty()
        || ["index.html", "index.htm", "index.shtml"].contains(&path.trim_matches('/'));
    (!is_home && !resolved.contains(char::is_whitespace)).then_some(resolved)
}
