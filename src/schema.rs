//! The index schema, read from the declarative `schema/schema.toml` embedded at
//! compile time, and the mapping between an [`Article`] and a tantivy document.
//!
//! This module decides how each article field is indexed; it must not know how
//! queries are built or results shown.

use crate::analyze::fingerprint::{content_hash, simhash};
use crate::analyze::{entity_tokenizer_name, EntityKind, BIGRAM_TOKENIZER, WORDS_TOKENIZER};
use crate::article::{Article, Date, Original};
use crate::error::{Error, Result};
use crate::line_delta;
use serde::Deserialize;
use std::sync::OnceLock;
use tantivy::schema::{
    DateOptions, DateTimePrecision, Field, IndexRecordOption, NumericOptions, OwnedValue, Schema,
    TextFieldIndexing, TextOptions, Value, FAST, INDEXED, STORED, STRING,
};
use tantivy::{DateTime, TantivyDocument};

/// The schema file, as shipped in the binary.
pub const SCHEMA_TOML: &str = include_str!("../schema/schema.toml");

/// How a field is indexed (the `kind` key of the schema file).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FieldKind {
    /// Exact string, indexed and stored: the article id.
    Id,
    /// Analysed text.
    Text,
    /// Exact string for filters, facets and exact-match scopes.
    Keyword,
    /// A calendar date.
    Date,
    /// A number derived from the article (a fingerprint).
    U64,
    /// Stored for display only.
    Stored,
    /// The names of one kind (`person`, `place`, `org`) found in the title and body:
    /// each name one exact term, and with `fast` a column of names for facets.
    Entity,
}

/// One of baoku's analyzers (the `analyzers` key of the schema file).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AnalyzerKind {
    /// jieba search-mode words.
    Words,
    /// CJK bigrams.
    Bigram,
}

impl AnalyzerKind {
    fn tokenizer_name(self) -> &'static str {
        match self {
            AnalyzerKind::Words => WORDS_TOKENIZER,
            AnalyzerKind::Bigram => BIGRAM_TOKENIZER,
        }
    }

    fn suffix(self) -> &'static str {
        match self {
            AnalyzerKind::Words => "words",
            AnalyzerKind::Bigram => "bigram",
        }
    }
}

/// A field as declared in the schema file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FieldSpec {
    /// The article field it holds.
    pub name: String,
    /// How it is indexed.
    pub kind: FieldKind,
    /// The analyzers it is indexed with (text and searchable keywords).
    #[serde(default)]
    pub analyzers: Vec<AnalyzerKind>,
    /// Whether the value is stored for display.
    #[serde(default)]
    pub stored: bool,
    /// Whether the value is a fast field (sorting, facets).
    #[serde(default)]
    pub fast: bool,
    /// Whether a number is indexed for exact lookups.
    #[serde(default)]
    pub indexed: bool,
    /// Weight in default searches; fields without a boost are only searched when named.
    pub boost: Option<f32>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SchemaFile {
    version: u32,
    word_boost: f32,
    field: Vec<FieldSpec>,
}

/// A tantivy field that holds one analysis of an article field.
#[derive(Debug, Clone, Copy)]
pub struct AnalyzedField {
    /// The tantivy field.
    pub field: Field,
    /// The analyzer that filled it.
    pub analyzer: AnalyzerKind,
}

/// The tantivy fields baoku reads and writes, by role.
#[derive(Debug, Clone)]
pub struct Fields {
    /// Article id (exact).
    pub id: Field,
    /// Title (stored, word-analysed).
    pub title: Field,
    /// Subtitle (stored, word-analysed).
    pub subtitle: Field,
    /// Body (stored, word-analysed).
    pub body: Field,
    /// Publication date.
    pub date: Field,
    /// Outlet (exact).
    pub source: Field,
    /// Author (exact).
    pub author: Field,
    /// Editor (exact).
    pub editor: Field,
    /// Web address.
    pub url: Field,
    /// Input path.
    pub path: Field,
    /// The headline as written, where cleaning changed it (stored only).
    pub raw_title: Field,
    /// The body as written, where cleaning changed it (stored only).
    pub raw_body: Field,
    /// The input an article was read from (exact).
    pub input: Field,
    /// Exact fingerprint of the title and body.
    pub content_hash: Field,
    /// SimHash of the body.
    pub simhash: Field,
    /// Names of people found in the title and body (folded; fast column).
    pub person: Field,
    /// Names of places found in the title and body (folded; fast column).
    pub place: Field,
    /// Names of organisations found in the title and body (folded; fast column).
    pub org: Field,
}

impl Fields {
    /// The field of names of `kind`.
    pub fn entity(&self, kind: EntityKind) -> Field {
        match kind {
            EntityKind::Person => self.person,
            EntityKind::Place => self.place,
            EntityKind::Org => self.org,
        }
    }
}

/// The schema of a baoku index: the parsed schema file and the tantivy schema built from it.
#[derive(Debug)]
pub struct IndexSchema {
    version: u32,
    word_boost: f32,
    specs: Vec<FieldSpec>,
    schema: Schema,
    fields: Fields,
    /// Per spec (same order as `specs`), the analysed tantivy fields.
    analyzed: Vec<Vec<AnalyzedField>>,
}

impl IndexSchema {
    /// The schema embedded in this build (parsed once per process).
    pub fn embedded() -> &'static IndexSchema {
        static SCHEMA: OnceLock<IndexSchema> = OnceLock::new();
        SCHEMA.get_or_init(|| {
            IndexSchema::parse(SCHEMA_TOML)
                .unwrap_or_else(|e| panic!("the embedded schema is invalid: {e}"))
        })
    }

    /// Parses a schema file and builds the tantivy schema it describes.
    pub fn parse(toml_text: &str) -> Result<IndexSchema> {
        let file: SchemaFile =
            toml::from_str(toml_text).map_err(|e| Error::Schema(e.to_string()))?;
        let mut builder = Schema::builder();
        let mut analyzed = Vec::with_capacity(file.field.len());
        for spec in &file.field {
            if !ARTICLE_FIELDS.contains(&spec.name.as_str())
                && !DERIVED_FIELDS.contains(&spec.name.as_str())
            {
                return Err(Error::Schema(format!(
                    "field {:?} is neither a field of Article nor one baoku derives",
                    spec.name
                )));
            }
            let mut sub_fields = Vec::new();
            match spec.kind {
                FieldKind::Id => {
                    builder.add_text_field(&spec.name, STRING | STORED);
                }
                FieldKind::Text => {
                    let Some((&first, rest)) = spec.analyzers.split_first() else {
                        return Err(Error::Schema(format!(
                            "text field {:?} names no analyzers",
                            spec.name
                        )));
                    };
                    let field =
                        builder.add_text_field(&spec.name, text_options(first, spec.stored));
                    sub_fields.push(AnalyzedField {
                        field,
                        analyzer: first,
                    });
                    for &analyzer in rest {
                        let name = format!("{}_{}", spec.name, analyzer.suffix());
                        let field = builder.add_text_field(&name, text_options(analyzer, false));
                        sub_fields.push(AnalyzedField { field, analyzer });
                    }
                }
                FieldKind::Keyword => {
                    let mut options = STRING;
                    if spec.stored {
                        options = options | STORED;
                    }
                    if spec.fast {
                        options = options | FAST;
                    }
                    builder.add_text_field(&spec.name, options);
                    for &analyzer in &spec.analyzers {
                        let name = format!("{}_{}", spec.name, analyzer.suffix());
                        let field = builder.add_text_field(&name, text_options(analyzer, false));
                        sub_fields.push(AnalyzedField { field, analyzer });
                    }
                }
                FieldKind::Date => {
                    let mut options =
                        DateOptions::from(INDEXED).set_precision(DateTimePrecision::Seconds);
                    if spec.stored {
                        options = options.set_stored();
                    }
                    if spec.fast {
                        options = options.set_fast();
                    }
                    builder.add_date_field(&spec.name, options);
                }
                FieldKind::U64 => {
                    let mut options = NumericOptions::default();
                    if spec.indexed {
                        options = options.set_indexed();
                    }
                    if spec.fast {
                        options = options.set_fast();
                    }
                    if spec.stored {
                        options = options.set_stored();
                    }
                    builder.add_u64_field(&spec.name, options);
                }
                FieldKind::Stored => {
                    builder.add_text_field(&spec.name, TextOptions::default().set_stored());
                }
                FieldKind::Entity => {
                    let kind: EntityKind = spec.name.parse().map_err(Error::Schema)?;
                    let tokenizer = entity_tokenizer_name(kind);
                    let indexing = TextFieldIndexing::default()
                        .set_tokenizer(tokenizer)
                        .set_index_option(IndexRecordOption::Basic);
                    let mut options = TextOptions::default().set_indexing_options(indexing);
                    if spec.fast {
                        options = options.set_fast(tokenizer);
                    }
                    builder.add_text_field(&spec.name, options);
                }
            }
            analyzed.push(sub_fields);
        }
        let schema = builder.build();
        let field = |name: &str| {
            schema
                .get_field(name)
                .map_err(|_| Error::Schema(format!("field {name:?} is missing")))
        };
        let fields = Fields {
            id: field("id")?,
            title: field("title")?,
            subtitle: field("subtitle")?,
            body: field("body")?,
            date: field("date")?,
            source: field("source")?,
            author: field("author")?,
            editor: field("editor")?,
            url: field("url")?,
            path: field("path")?,
            raw_title: field("raw_title")?,
            raw_body: field("raw_body")?,
            input: field("input")?,
            content_hash: field("content_hash")?,
            simhash: field("simhash")?,
            person: field("person")?,
            place: field("place")?,
            org: field("org")?,
        };
        Ok(IndexSchema {
            version: file.version,
            word_boost: file.word_boost,
            specs: file.field,
            schema,
            fields,
            analyzed,
        })
    }

    /// The schema version recorded in indexes built with it.
    pub fn version(&self) -> u32 {
        self.version
    }

    /// The tantivy schema.
    pub fn tantivy_schema(&self) -> &Schema {
        &self.schema
    }

    /// The fields by role.
    pub fn fields(&self) -> &Fields {
        &self.fields
    }

    /// The fields searched by default, each with its analyzed tantivy fields and boost.
    pub fn default_search_fields(&self) -> impl Iterator<Item = (&FieldSpec, &[AnalyzedField])> {
        self.searchable_fields()
            .filter(|(spec, _)| spec.boost.is_some())
    }

    /// Every field with analysed text (searchable by words), default or not.
    pub fn searchable_fields(&self) -> impl Iterator<Item = (&FieldSpec, &[AnalyzedField])> {
        self.specs
            .iter()
            .zip(&self.analyzed)
            .filter(|(_, analyzed)| !analyzed.is_empty())
            .map(|(spec, analyzed)| (spec, analyzed.as_slice()))
    }

    /// The extra weight of a word-field match over a bigram-only match.
    pub fn word_boost(&self) -> f32 {
        self.word_boost
    }

    /// Builds the tantivy document that stores and indexes `article`, read from
    /// `input` (the file it came from, if any).
    pub fn to_document(&self, article: &Article, input: Option<&str>) -> TantivyDocument {
        let mut doc = TantivyDocument::default();
        // The body as written is kept as what it adds to the body as cleaned
        // (`line_delta`): most of it is the same lines.
        let raw_body = article
            .original
            .body
            .as_deref()
            .map(|raw| line_delta::encode(raw, &article.body));
        for (spec, analyzed) in self.specs.iter().zip(&self.analyzed) {
            if spec.kind == FieldKind::Entity {
                // The field's tokenizer keeps only the names (analyze::EntityTokenizer),
                // from the words the body's word field cut already.
                let field = self.schema.get_field(&spec.name).expect("checked in parse");
                if let Some(title) = &article.title {
                    doc.add_text(field, title);
                }
                doc.add_text(field, &article.body);
                continue;
            }
            let value = match spec.name.as_str() {
                "input" => input.map(FieldValue::Text),
                "content_hash" => Some(FieldValue::U64(content_hash(article))),
                "simhash" => Some(FieldValue::U64(simhash(&article.body))),
                "raw_body" => raw_body.as_deref().map(FieldValue::Text),
                name => article_field(article, name),
            };
            let Some(value) = value else {
                continue;
            };
            let field = self.schema.get_field(&spec.name).expect("checked in parse");
            match value {
                FieldValue::Text(text) => {
                    if spec.kind != FieldKind::Text {
                        doc.add_text(field, text);
                    }
                    for sub in analyzed {
                        doc.add_text(sub.field, text);
                    }
                }
                FieldValue::Date(date) => {
                    doc.add_date(
                        field,
                        DateTime::from_timestamp_secs(date.days_since_epoch() * 86_400),
                    );
                }
                FieldValue::U64(number) => doc.add_u64(field, number),
            }
        }
        doc
    }

    /// Reads an article back from its stored document.
    pub fn to_article(&self, doc: &TantivyDocument) -> Article {
        let f = &self.fields;
        let text = |field: Field| {
            doc.get_first(field)
                .and_then(|v| v.as_str())
                .map(str::to_owned)
        };
        let date = doc
            .get_first(f.date)
            .and_then(|v| match OwnedValue::from(v) {
                OwnedValue::Date(dt) => {
                    Date::from_days_since_epoch(dt.into_timestamp_secs().div_euclid(86_400))
                }
                _ => None,
            });
        let body = text(f.body).unwrap_or_default();
        // An original that is not a delta of the body is a damaged store: the article
        // is still shown, as cleaned.
        let raw_body = text(f.raw_body).and_then(|delta| line_delta::decode(&delta, &body));
        Article {
            id: text(f.id).unwrap_or_default(),
            title: text(f.title),
            subtitle: text(f.subtitle),
            date,
            source: text(f.source),
            author: text(f.author),
            editor: text(f.editor),
            url: text(f.url),
            body,
            path: text(f.path),
            original: Original {
                title: text(f.raw_title),
                body: raw_body,
            },
        }
    }
}

fn text_options(analyzer: AnalyzerKind, stored: bool) -> TextOptions {
    // Phrases are matched on the bigram field, which needs positions; the word field
    // only adds score to articles that match, so term frequencies are enough.
    let record = match analyzer {
        AnalyzerKind::Words => IndexRecordOption::WithFreqs,
        AnalyzerKind::Bigram => IndexRecordOption::WithFreqsAndPositions,
    };
    let indexing = TextFieldIndexing::default()
        .set_tokenizer(analyzer.tokenizer_name())
        .set_index_option(record);
    let options = TextOptions::default().set_indexing_options(indexing);
    if stored {
        options.set_stored()
    } else {
        options
    }
}

/// The names of [`Article`]'s fields, which the schema file may refer to.
pub(crate) const ARTICLE_FIELDS: &[&str] = &[
    "id",
    "title",
    "subtitle",
    "date",
    "source",
    "author",
    "editor",
    "url",
    "body",
    "path",
    "raw_title",
    "raw_body",
];

/// Fields baoku computes when it stores an article.
const DERIVED_FIELDS: &[&str] = &["input", "content_hash", "simhash", "person", "place", "org"];

enum FieldValue<'a> {
    Text(&'a str),
    Date(Date),
    U64(u64),
}

fn article_field<'a>(article: &'a Article, name: &str) -> Option<FieldValue<'a>> {
    let text = |value: &'a Option<String>| value.as_deref().map(FieldValue::Text);
    match name {
        "id" => Some(FieldValue::Text(&article.id)),
        "title" => text(&article.title),
        "subtitle" => text(&article.subtitle),
        "date" => article.date.map(FieldValue::Date),
        "source" => text(&article.source),
        "author" => text(&article.author),
        "editor" => text(&article.editor),
        "url" => text(&article.url),
        "body" => Some(FieldValue::Text(&article.body)),
        "path" => text(&article.path),
        "raw_title" => text(&article.original.title),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_schema_builds() {
        let schema = IndexSchema::embedded();
        assert!(schema.version() >= 1);
        let names: Vec<_> = schema
            .default_search_fields()
            .map(|(spec, _)| spec.name.as_str())
            .collect();
        assert_eq!(names, ["title", "subtitle", "body", "author"]);
        assert!(schema.tantivy_schema().get_field("body_bigram").is_ok());
        assert!(schema.tantivy_schema().get_field("author_words").is_ok());
    }

    #[test]
    fn article_round_trips_through_a_document() {
        let schema = IndexSchema::embedded();
        let article = Article {
            id: "a1".into(),
            title: Some("在新起点上接续奋斗".into()),
            subtitle: None,
            date: Date::new(2022, 5, 17),
            source: Some("吉林日报".into()),
            author: Some("孙翠翠".into()),
            editor: Some("初慧".into()),
            url: None,
            body: "5月的吉林乡村".into(),
            path: Some("sample_corpus/000.txt".into()),
            original: Original {
                title: None,
                body: Some("5月的**吉林**乡村".into()),
            },
        };
        let doc = schema.to_document(&article, Some("/archive/a.txt"));
        assert_eq!(schema.to_article(&doc), article);
        let input = doc
            .get_first(schema.fields().input)
            .and_then(|v| v.as_str());
        assert_eq!(input, Some("/archive/a.txt"));
    }

    #[test]
    fn a_body_as_written_is_stored_as_what_it_adds_to_the_cleaned_one() {
        let schema = IndexSchema::embedded();
        let body = "眾新聞記者報道。\n第二段很長很長的正文。\n第三段。";
        let written = format!("{body}\n---\n請支持眾新聞，捐款。");
        let article = Article {
            id: "hk1".into(),
            body: body.into(),
            original: Original {
                title: None,
                body: Some(written.clone()),
            },
            ..Article::default()
        };
        let doc = schema.to_document(&article, None);
        let stored = doc
            .get_first(schema.fields().raw_body)
            .and_then(|v| v.as_str())
            .unwrap();
        assert_eq!(stored, "=0,3\n+---\n+請支持眾新聞，捐款。");
        assert_eq!(schema.to_article(&doc).raw_body(), written);
    }

    #[test]
    fn unknown_field_names_are_refused() {
        let err = IndexSchema::parse(
            "version = 1\nword_boost = 1.0\n[[field]]\nname = \"headline\"\nkind = \"text\"\nanalyzers = [\"words\"]\n",
        )
        .unwrap_err();
        assert!(err.to_string().contains("headline"), "{err}");
    }
}
