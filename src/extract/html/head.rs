//! Metadata in the markup: `<title>`, `<meta>`, `<link rel=canonical>`, JSON-LD,
//! microdata and `<time>`.
//!
//! This module owns reading them; it must not look at the visible text.

use super::page_meta::clean_source;
use super::title::key;
use crate::article::Date;
use crate::extract::date::parse_field_date;
use crate::extract::fields::field_text;
use crate::extract::headline::{collapse_spaces, looks_like_site};
use crate::extract::meta::{clean_people, parse_meta_line};
use regex::Regex;
use scraper::{Html, Selector};
use std::sync::LazyLock;

#[derive(Default)]
pub(super) struct HeadMeta {
    pub(super) title: Option<String>,
    /// `(name, content)` of every `<meta>`, names lowercased, in page order.
    pub(super) metas: Vec<(String, String)>,
    pub(super) canonical: Option<String>,
    pub(super) json_ld: JsonLd,
    /// `itemprop` values: headline, datePublished, author.
    pub(super) microdata: Vec<(String, String)>,
    pub(super) time_element_date: Option<Date>,
    /// The publication time a script sets (`var ct = "1696737600"`,
    /// `"publish_time": "2023-10-08 12:00:00"`), for pages that show only `10-08
    /// 12:00` or `昨天` and fill the rest in from it.
    pub(super) script_date: Option<Date>,
}

/// A script variable or object key that holds the article's publication time, and
/// its value (a Unix timestamp, an ISO time or a date).
static SCRIPT_DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"(?i)(?:^|[^a-z0-9_])["']?(?:publish_?time|publish_?date|pub_?time|pub_?date|publishtime|date_?published|published_?at|create_?time|ct)["']?\s*[:=]\s*["']?(\d{10}(?:\d{3})?|\d{4}-\d{1,2}-\d{1,2}(?:[ T]\d{1,2}:\d{2}(?::\d{2})?(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?)?)"#,
    )
    .expect("valid regex")
});

/// How much of each script is searched for a publication time.
const SCRIPT_SCAN_BYTES: usize = 200_000;

#[derive(Default)]
pub(super) struct JsonLd {
    pub(super) headline: Option<String>,
    pub(super) date_published: Option<String>,
    pub(super) date_modified: Option<String>,
    pub(super) author: Option<String>,
    pub(super) publisher: Option<String>,
}

/// Selectors are constants; parsing them cannot fail.
fn selector(css: &str) -> Selector {
    Selector::parse(css).expect("valid selector")
}

static TITLE_SELECTOR: LazyLock<Selector> = LazyLock::new(|| selector("title"));
static META_SELECTOR: LazyLock<Selector> = LazyLock::new(|| selector("meta"));
static LINK_SELECTOR: LazyLock<Selector> = LazyLock::new(|| selector("link[rel][href]"));
static SCRIPT_SELECTOR: LazyLock<Selector> = LazyLock::new(|| selector("script"));
static TIME_SELECTOR: LazyLock<Selector> = LazyLock::new(|| selector("time"));
static ITEMPROP_SELECTOR: LazyLock<Selector> = LazyLock::new(|| selector("[itemprop]"));

impl HeadMeta {
    pub(super) fn read(parsed: &Html) -> HeadMeta {
        let mut head = HeadMeta {
            // An <svg> has <title>s of its own (icon names), never the page's.
            title: parsed
                .select(&TITLE_SELECTOR)
                .filter(|t| {
                    !t.ancestors().any(|a| {
                        a.value()
                            .as_element()
                            .is_some_and(|e| e.name().eq_ignore_ascii_case("svg"))
                    })
                })
                .map(|t| collapse_spaces(&t.text().collect::<String>()))
                .find(|t| !t.is_empty()),
            ..HeadMeta::default()
        };
        for meta in parsed.select(&META_SELECTOR) {
            let Some(content) = meta.attr("content") else {
                continue;
            };
            let content = collapse_spaces(content);
            if content.is_empty() {
                continue;
            }
            for attr in ["name", "property", "itemprop", "http-equiv"] {
                if let Some(name) = meta.attr(attr) {
                    head.metas
                        .push((name.trim().to_lowercase(), content.clone()));
                }
            }
        }
        for link in parsed.select(&LINK_SELECTOR) {
            let rel = link.attr("rel").unwrap_or_default().to_ascii_lowercase();
            if head.canonical.is_none() && rel.split_whitespace().any(|r| r == "canonical") {
                head.canonical = link.attr("href").map(|h| h.trim().to_string());
            }
        }
        for script in parsed.select(&SCRIPT_SELECTOR) {
            let is_json_ld = script
                .attr("type")
                .is_some_and(|t| t.trim().eq_ignore_ascii_case("application/ld+json"));
            let text: String = script.text().collect();
            if is_json_ld {
                if let Ok(value) = serde_json::from_str::<serde_json::Value>(text.trim()) {
                    head.json_ld.read(&value);
                }
            } else if head.script_date.is_none() {
                let mut end = text.len().min(SCRIPT_SCAN_BYTES);
                while !text.is_char_boundary(end) {
                    end -= 1;
                }
                head.script_date = SCRIPT_DATE
                    .captures_iter(&text[..end])
                    .find_map(|caps| parse_date_text(&caps[1]));
            }
        }
        for time in parsed.select(&TIME_SELECTOR) {
            let value = time
                .attr("datetime")
                .map(str::to_string)
                .unwrap_or_else(|| time.text().collect());
            if let Some(date) = parse_date_text(&value) {
                head.time_element_date = Some(date);
                break;
            }
        }
        for item in parsed.select(&ITEMPROP_SELECTOR) {
            let Some(prop) = item.attr("itemprop") else {
                continue;
            };
            let prop = prop.trim().to_ascii_lowercase();
            if !["headline", "datepublished", "author", "name"].contains(&prop.as_str()) {
                continue;
            }
            if prop == "name" {
                // Only the name of an author object.
                continue;
            }
            let value = item
                .attr("content")
                .or_else(|| item.attr("datetime"))
                .map(str::to_string)
                .unwrap_or_else(|| collapse_spaces(&item.text().collect::<String>()));
            if !value.is_empty() && value.chars().count() <= 200 {
                head.microdata.push((prop, value));
            }
        }
        head
    }

    pub(super) fn meta(&self, names: &[&str]) -> Option<&str> {
        names.iter().find_map(|name| {
            self.metas
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, c)| c.as_str())
        })
    }

    pub(super) fn microdata(&self, prop: &str) -> Option<&str> {
        self.microdata
            .iter()
            .find(|(p, _)| p == prop)
            .map(|(_, v)| v.as_str())
    }

    pub(super) fn headline(&self) -> Option<String> {
        self.meta(&["og:title", "twitter:title"])
            .map(str::to_string)
            .or_else(|| self.json_ld.headline.clone())
            .or_else(|| self.microdata("headline").map(str::to_string))
            .or_else(|| {
                self.meta(&["title", "headline", "articletitle"])
                    .map(str::to_string)
            })
    }

    /// The publication date the markup states.
    pub(super) fn published_date(&self) -> Option<Date> {
        const PUBLISHED: &[&str] = &[
            "article:published_time",
            "og:article:published_time",
            "og:published_time",
            "article:published",
            "published_time",
            "publish_time",
            "publishdate",
            "publish_date",
            "publish-date",
            "pubdate",
            "pubtime",
            "publishtime",
            "datepublished",
            "dc.date.issued",
            "dcterms.issued",
            "dc.date",
            "dcterms.date",
            "dc.date.created",
            "sailthru.date",
            "parsely-pub-date",
            "og:release_date",
            "release_date",
            "weibo:article:create_at",
            "date",
        ];
        PUBLISHED
            .iter()
            .find_map(|name| self.meta(&[name]).and_then(parse_date_text))
            .or_else(|| {
                self.json_ld
                    .date_published
                    .as_deref()
                    .and_then(parse_date_text)
            })
            .or_else(|| self.microdata("datepublished").and_then(parse_date_text))
    }

    pub(super) fn modified_date(&self) -> Option<Date> {
        const MODIFIED: &[&str] = &[
            "article:modified_time",
            "og:updated_time",
            "datemodified",
            "dc.date.modified",
            "lastmod",
            "last-modified",
            "dateupdate",
        ];
        MODIFIED
            .iter()
            .find_map(|name| self.meta(&[name]).and_then(parse_date_text))
            .or_else(|| {
                self.json_ld
                    .date_modified
                    .as_deref()
                    .and_then(parse_date_text)
            })
    }

    /// The outlet the markup names for this article (`<meta name="source">`).
    pub(super) fn stated_source(&self) -> Option<String> {
        let value = self.meta(&["source", "article:source", "contentsource", "来源"])?;
        if let Some(source) = parse_meta_line(value).and_then(|m| m.source) {
            return clean_source(&source);
        }
        if value.starts_with("http") {
            return None;
        }
        clean_source(value)
    }

    /// The site's own name.
    pub(super) fn site_name(&self) -> Option<String> {
        self.meta(&["og:site_name"])
            .map(str::to_string)
            .or_else(|| self.json_ld.publisher.clone())
            .and_then(|s| clean_source(&s))
    }

    /// The writer the markup names, unless it names the site or the outlet.
    pub(super) fn stated_author(&self, source: Option<&str>) -> Option<String> {
        let candidates = [
            self.json_ld.author.as_deref(),
            self.microdata("author"),
            self.meta(&[
                "author",
                "article:author",
                "dc.creator",
                "byl",
                "sailthru.author",
            ]),
        ];
        let site = self.site_name();
        candidates.into_iter().flatten().find_map(|value| {
            let value = value.trim();
            if value.contains("://") || value.starts_with("www.") || looks_like_site(value) {
                return None;
            }
            let people = clean_people(value)?;
            let same_as = |other: Option<&str>| other.is_some_and(|o| key(o) == key(&people));
            (!same_as(source) && !same_as(site.as_deref())).then_some(people)
        })
    }
}

impl JsonLd {
    /// Reads the article fields from JSON-LD: the first object of an article type
    /// (or any object, for the date and headline) found in the value, `@graph` and
    /// arrays included. The walk keeps its own stack and stops at a fixed depth.
    pub(super) fn read(&mut self, value: &serde_json::Value) {
        let mut stack: Vec<(&serde_json::Value, usize)> = vec![(value, 0)];
        while let Some((value, depth)) = stack.pop() {
            if depth > 6 {
                continue;
            }
            match value {
                serde_json::Value::Array(items) => {
                    stack.extend(items.iter().rev().map(|v| (v, depth + 1)));
                }
                serde_json::Value::Object(object) => {
                    let text = |name: &str| {
                        object
                            .get(name)
                            .and_then(|v| v.as_str())
                            .map(collapse_spaces)
                            .filter(|s| !s.is_empty())
                    };
                    if self.headline.is_none() {
                        self.headline = text("headline");
                    }
                    if self.date_published.is_none() {
                        self.date_published = text("datePublished").or_else(|| text("dateCreated"));
                    }
                    if self.date_modified.is_none() {
                        self.date_modified = text("dateModified");
                    }
                    if self.author.is_none() {
                        self.author = object.get("author").and_then(person_names);
                    }
                    if self.publisher.is_none() {
                        self.publisher = object.get("publisher").and_then(person_names);
                    }
                    if let Some(graph) = object.get("@graph") {
                        stack.push((graph, depth + 1));
                    }
                }
                _ => {}
            }
        }
    }
}

/// The people (or organisation) a JSON-LD value names, as `张三、李四`.
fn person_names(value: &serde_json::Value) -> Option<String> {
    field_text(value).map(|names| collapse_spaces(&names))
}

/// A date written in a meta value or attribute, read as every format reads a date
/// field ([`parse_field_date`]: `2022-05-16T23:30:00Z` is 2022-05-17). Years before
/// 1900 are template placeholders, not dates.
fn parse_date_text(value: &str) -> Option<Date> {
    let value: String = value.chars().take(64).collect();
    parse_field_date(&value).filter(|d| d.year() >= 1900)
}
