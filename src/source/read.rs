//! Reading inputs into documents: decompression, tar members, JSON Lines records,
//! JSON arrays and Sogou `<doc>` records, all streamed — nothing is unpacked to disk,
//! and only one document (or one JSON array) is held in memory at a time.
//!
//! Limits keep a hostile input from exhausting memory: a document of more than
//! [`MAX_DOCUMENT_BYTES`], a line of more than [`MAX_LINE_BYTES`], and a stream that
//! inflates more than [`MAX_INFLATION`] times past [`BOMB_FLOOR_BYTES`] are refused.

use super::decode::{decode, decode_as, detect};
use super::format::{kind_of_name, Compression, Format, Kind};
use encoding_rs::Encoding;
use serde_json::{Map, Value};
use std::fmt;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// Largest single document (a page, a JSON file, a Sogou file) read into memory.
pub const MAX_DOCUMENT_BYTES: u64 = 256 * 1024 * 1024;
/// Longest JSON Lines record.
pub const MAX_LINE_BYTES: usize = 16 * 1024 * 1024;
/// Decompressed/compressed ratio beyond which a stream is taken for a decompression bomb…
pub const MAX_INFLATION: u64 = 200;
/// …once it has produced this much output.
pub const BOMB_FLOOR_BYTES: u64 = 512 * 1024 * 1024;

/// Where a document came from: a file, perhaps a member of a tar archive, perhaps a
/// line (JSON Lines, Sogou) or an element (JSON array) inside it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Origin {
    /// The input file.
    pub path: PathBuf,
    /// The tar member, for archives.
    pub member: Option<String>,
    /// Line number (1-based) of a record, or element index of a JSON array prefixed `#`.
    pub record: Option<String>,
}

impl Origin {
    /// The origin of a whole file.
    pub fn file(path: &Path) -> Origin {
        Origin {
            path: path.to_path_buf(),
            member: None,
            record: None,
        }
    }

    fn member(&self, name: String) -> Origin {
        Origin {
            member: Some(name),
            ..self.clone()
        }
    }

    fn record(&self, record: String) -> Origin {
        Origin {
            record: Some(record),
            ..self.clone()
        }
    }
}

impl fmt::Display for Origin {
    /// `path[:member][:line]`, the way errors name a place.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.path.display())?;
        if let Some(member) = &self.member {
            write!(f, ":{member}")?;
        }
        if let Some(record) = &self.record {
            write!(f, ":{record}")?;
        }
        Ok(())
    }
}

/// A document's content, ready for extraction.
#[derive(Debug, Clone, PartialEq)]
pub enum Content {
    /// Decoded text of a page (text, HTML, Markdown, a Sogou record).
    Text(String),
    /// One JSON record.
    Json(Map<String, Value>),
}

/// One document read from an input.
#[derive(Debug, Clone, PartialEq)]
pub struct RawDoc {
    /// Where it came from.
    pub origin: Origin,
    /// Its format.
    pub format: Format,
    /// Its content.
    pub content: Content,
    /// Invalid byte sequences replaced while decoding (a few are tolerated).
    pub replacements: usize,
}

/// Why a document or a whole input could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceError {
    /// Where.
    pub origin: Origin,
    /// Why, in words.
    pub reason: String,
    /// True for content baoku does not read (a photo in an archive), as opposed to
    /// content it should have read but could not.
    pub unsupported: bool,
}

impl SourceError {
    fn new(origin: &Origin, reason: impl Into<String>) -> SourceError {
        SourceError {
            origin: origin.clone(),
            reason: reason.into(),
            unsupported: false,
        }
    }
}

impl fmt::Display for SourceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.origin, self.reason)
    }
}

/// How inputs are read.
#[derive(Debug, Clone, Copy, Default)]
pub struct ReadOptions {
    /// Read every document as this format instead of recognising it.
    pub format: Option<Format>,
    /// Decode every document with this encoding instead of detecting it.
    pub encoding: Option<&'static Encoding>,
}

/// Receives documents as they are read; returns `false` to stop reading.
pub type Emit<'a> = dyn FnMut(Result<RawDoc, SourceError>) -> bool + 'a;

/// Bytes read so far, shared between reader threads and whoever shows progress.
#[derive(Debug, Default)]
pub struct ReadCounters {
    /// Bytes read from input files (compressed, for compressed inputs).
    pub file_bytes: AtomicU64,
    /// Bytes of documents and records after decompression: the text processed.
    pub text_bytes: AtomicU64,
}

/// Reads every document of the input file at `path`, handing each, or the error that
/// kept it from being read, to `emit`. Bytes read are added to `counters`.
///
/// An error that ends the whole input (it cannot be opened, its compression is
/// corrupt) is returned; documents emitted before it stand.
pub fn read_documents(
    path: &Path,
    options: &ReadOptions,
    counters: &ReadCounters,
    emit: &mut Emit<'_>,
) -> Result<(), SourceError> {
    let origin = Origin::file(path);
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let kind = kind_to_read(&name, options, &origin)?;
    let file = File::open(path).map_err(|e| SourceError::new(&origin, e.to_string()))?;
    read_from(origin, kind, file, options, counters, emit)
}

/// Like [`read_documents`], for content that is not in a file: `name` (a file name
/// such as `feed.jsonl.gz`) says what it is, unless `options` name a format.
pub fn read_documents_from(
    name: &str,
    reader: impl Read,
    options: &ReadOptions,
    counters: &ReadCounters,
    emit: &mut Emit<'_>,
) -> Result<(), SourceError> {
    let origin = Origin::file(Path::new(name));
    let kind = kind_to_read(name, options, &origin)?;
    read_from(origin, kind, reader, options, counters, emit)
}

fn kind_to_read(name: &str, options: &ReadOptions, origin: &Origin) -> Result<Kind, SourceError> {
    match (kind_of_name(name), options.format) {
        (Some(Kind::Tar), _) => Ok(Kind::Tar),
        (_, Some(format)) => Ok(Kind::Document(format)),
        (Some(kind), None) => Ok(kind),
        (None, None) => Err(SourceError {
            unsupported: true,
            ..SourceError::new(origin, "not a format baoku reads")
        }),
    }
}

fn read_from(
    origin: Origin,
    kind: Kind,
    reader: impl Read,
    options: &ReadOptions,
    counters: &ReadCounters,
    emit: &mut Emit<'_>,
) -> Result<(), SourceError> {
    let counted = CountingReader {
        inner: reader,
        count: &counters.file_bytes,
    };
    let mut stream = Decompressed::new(BufReader::with_capacity(256 * 1024, counted), &origin)?;
    let result = match kind {
        Kind::Tar => read_tar(&origin, &mut stream, options, counters, emit),
        Kind::Document(format) => {
            read_stream(&origin, format, &mut stream, options, counters, emit)
        }
    };
    result.map_err(|e| SourceError::new(&e.origin, stream.explain(e.reason)))
}

fn read_tar(
    origin: &Origin,
    stream: &mut dyn BufRead,
    options: &ReadOptions,
    counters: &ReadCounters,
    emit: &mut Emit<'_>,
) -> Result<(), SourceError> {
    let mut archive = tar::Archive::new(stream);
    let entries = archive
        .entries()
        .map_err(|e| SourceError::new(origin, format!("not a readable tar archive: {e}")))?;
    for entry in entries {
        let entry =
            entry.map_err(|e| SourceError::new(origin, format!("damaged tar archive: {e}")))?;
        if !entry.header().entry_type().is_file() {
            continue;
        }
        // Member names are only ever used as labels: nothing is written to disk.
        let name = String::from_utf8_lossy(&entry.path_bytes()).into_owned();
        let member = origin.member(name.clone());
        let file_name = name.rsplit('/').next().unwrap_or(&name).to_string();
        let format = match (kind_of_name(&file_name), options.format) {
            (Some(Kind::Tar), _) => {
                let keep_going = emit(Err(SourceError {
                    unsupported: true,
                    ..SourceError::new(&member, "tar archive inside a tar archive")
                }));
                if !keep_going {
                    return Ok(());
                }
                continue;
            }
            (_, Some(format)) => format,
            (Some(Kind::Document(format)), None) => format,
            (None, None) => {
                if file_name.starts_with('.') {
                    continue;
                }
                if !emit(Err(SourceError {
                    unsupported: true,
                    ..SourceError::new(&member, "not a format baoku reads")
                })) {
                    return Ok(());
                }
                continue;
            }
        };
        let mut member_stream = match Decompressed::new(BufReader::new(entry), &member) {
            Ok(s) => s,
            Err(e) => {
                if !emit(Err(e)) {
                    return Ok(());
                }
                continue;
            }
        };
        let mut keep_going = true;
        let mut emit_member = |doc: Result<RawDoc, SourceError>| {
            keep_going = emit(doc);
            keep_going
        };
        if let Err(e) = read_stream(
            &member,
            format,
            &mut member_stream,
            options,
            counters,
            &mut emit_member,
        ) {
            let e = SourceError::new(&e.origin, member_stream.explain(e.reason));
            if !emit(Err(e)) {
                return Ok(());
            }
        }
        if !keep_going {
            return Ok(());
        }
    }
    Ok(())
}

fn read_stream(
    origin: &Origin,
    format: Format,
    stream: &mut dyn BufRead,
    options: &ReadOptions,
    counters: &ReadCounters,
    emit: &mut Emit<'_>,
) -> Result<(), SourceError> {
    if format == Format::Jsonl {
        return read_json_lines(origin, stream, options, counters, emit);
    }
    let bytes = read_capped(stream, MAX_DOCUMENT_BYTES, origin)?;
    counters
        .text_bytes
        .fetch_add(bytes.len() as u64, Ordering::Relaxed);
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(SourceError::new(origin, "empty file"));
    }
    let decoded = decode(&bytes, options.encoding).map_err(|r| SourceError::new(origin, r))?;
    drop(bytes);
    match format {
        Format::Json => read_json_document(origin, &decoded.text, decoded.replacements, emit),
        Format::Sogou => read_sogou(origin, &decoded.text, decoded.replacements, emit),
        _ => {
            emit(Ok(RawDoc {
                origin: origin.clone(),
                format,
                content: Content::Text(decoded.text),
                replacements: decoded.replacements,
            }));
            Ok(())
        }
    }
}

/// JSON Lines, one record per line, streamed. The encoding is detected once, on the
/// first block, and every line decoded with it.
fn read_json_lines(
    origin: &Origin,
    stream: &mut dyn BufRead,
    options: &ReadOptions,
    counters: &ReadCounters,
    emit: &mut Emit<'_>,
) -> Result<(), SourceError> {
    let encoding = match options.encoding {
        Some(encoding) => encoding,
        None => {
            let head = stream
                .fill_buf()
                .map_err(|e| SourceError::new(origin, e.to_string()))?;
            detect(head, false)
                .map_err(|r| SourceError::new(origin, r))?
                .encoding
        }
    };
    let mut line = Vec::with_capacity(64 * 1024);
    let mut number = 0u64;
    loop {
        line.clear();
        number += 1;
        let read = read_line_capped(stream, &mut line)
            .map_err(|e| SourceError::new(&origin.record(number.to_string()), e.to_string()))?;
        if read == 0 {
            return Ok(());
        }
        counters
            .text_bytes
            .fetch_add(read as u64, Ordering::Relaxed);
        let record_origin = origin.record(number.to_string());
        let bytes = line.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&line);
        if bytes.iter().all(|b| b.is_ascii_whitespace()) {
            continue;
        }
        let doc = decode_as(bytes, encoding)
            .map_err(|r| SourceError::new(&record_origin, r))
            .and_then(|decoded| {
                let value: Value = serde_json::from_str(&decoded.text).map_err(|e| {
                    SourceError::new(&record_origin, format!("malformed JSON: {e}"))
                })?;
                json_record(&record_origin, value, decoded.replacements)
            });
        if !emit(doc) {
            return Ok(());
        }
    }
}

/// A `.json` file: one object, an array of objects, or (misnamed) JSON Lines.
fn read_json_document(
    origin: &Origin,
    text: &str,
    replacements: usize,
    emit: &mut Emit<'_>,
) -> Result<(), SourceError> {
    let value: Value = match serde_json::from_str(text) {
        Ok(value) => value,
        Err(e)
            if e.classify() == serde_json::error::Category::Syntax
                && looks_like_json_lines(text) =>
        {
            let mut cursor = io::Cursor::new(text.as_bytes());
            let options = ReadOptions {
                format: None,
                encoding: Some(encoding_rs::UTF_8),
            };
            // The text was counted when the document was read.
            return read_json_lines(
                origin,
                &mut cursor,
                &options,
                &ReadCounters::default(),
                emit,
            );
        }
        Err(e) => return Err(SourceError::new(origin, format!("malformed JSON: {e}"))),
    };
    match value {
        Value::Array(items) => {
            for (index, item) in items.into_iter().enumerate() {
                let item_origin = origin.record(format!("#{index}"));
                if !emit(json_record(&item_origin, item, replacements)) {
                    break;
                }
            }
            Ok(())
        }
        other => {
            emit(json_record(origin, other, replacements));
            Ok(())
        }
    }
}

fn looks_like_json_lines(text: &str) -> bool {
    let mut lines = text.lines().map(str::trim).filter(|l| !l.is_empty());
    matches!((lines.next(), lines.next()), (Some(a), Some(b)) if a.starts_with('{') && b.starts_with('{'))
}

fn json_record(origin: &Origin, value: Value, replacements: usize) -> Result<RawDoc, SourceError> {
    match value {
        Value::Object(map) => Ok(RawDoc {
            origin: origin.clone(),
            format: Format::Json,
            content: Content::Json(map),
            replacements,
        }),
        other => Err(SourceError::new(
            origin,
            format!(
                "expected a JSON object (one article), found {}",
                json_kind(&other)
            ),
        )),
    }
}

fn json_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// The Sogou news layout: `<doc>` … `</doc>` records, each with `<url>`, `<docno>`,
/// `<contenttitle>` and `<content>`. Not well-formed XML (content holds bare `&` and
/// `<`), so records are cut at the `<doc>` tags, not parsed as XML.
fn read_sogou(
    origin: &Origin,
    text: &str,
    replacements: usize,
    emit: &mut Emit<'_>,
) -> Result<(), SourceError> {
    if !text.contains("<doc>") {
        return Err(SourceError::new(
            origin,
            "no <doc> records: not a Sogou news file (name its format with --format)",
        ));
    }
    let mut rest = text;
    let mut consumed_lines = 0usize;
    while let Some(start) = rest.find("<doc>") {
        consumed_lines += rest[..start].matches('\n').count();
        let line = consumed_lines + 1;
        let after = &rest[start..];
        let end = after
            .find("</doc>")
            .map_or(after.len(), |e| e + "</doc>".len());
        let record = &after[..end];
        let keep_going = emit(Ok(RawDoc {
            origin: origin.record(line.to_string()),
            format: Format::Sogou,
            content: Content::Text(record.to_string()),
            // Damage is counted per file; charge it to its first record only.
            replacements: if line == 1 { replacements } else { 0 },
        }));
        if !keep_going {
            return Ok(());
        }
        consumed_lines += record.matches('\n').count();
        rest = &after[end..];
    }
    Ok(())
}

fn read_capped(
    stream: &mut dyn BufRead,
    cap: u64,
    origin: &Origin,
) -> Result<Vec<u8>, SourceError> {
    let mut bytes = Vec::new();
    stream
        .take(cap + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| SourceError::new(origin, e.to_string()))?;
    if bytes.len() as u64 > cap {
        return Err(SourceError::new(
            origin,
            format!("document larger than {} MB", cap / (1024 * 1024)),
        ));
    }
    Ok(bytes)
}

/// Reads one line (without its newline) into `line`; refuses lines over the limit.
fn read_line_capped(stream: &mut dyn BufRead, line: &mut Vec<u8>) -> io::Result<usize> {
    let mut total = 0;
    loop {
        let available = stream.fill_buf()?;
        if available.is_empty() {
            return Ok(total);
        }
        let (chunk, found) = match available.iter().position(|&b| b == b'\n') {
            Some(at) => (&available[..at], Some(at)),
            None => (available, None),
        };
        if line.len() + chunk.len() > MAX_LINE_BYTES {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!(
                    "record longer than {} MB; the rest of this input is skipped",
                    MAX_LINE_BYTES / (1024 * 1024)
                ),
            ));
        }
        line.extend_from_slice(chunk);
        let used = found.map_or(chunk.len(), |at| at + 1);
        total += used;
        stream.consume(used);
        if found.is_some() {
            if line.last() == Some(&b'\r') {
                line.pop();
            }
            return Ok(total);
        }
    }
}

/// Adds the bytes read from a file to a shared counter (the progress bar reads it).
struct CountingReader<'a, R> {
    inner: R,
    count: &'a AtomicU64,
}

impl<R: Read> Read for CountingReader<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

/// A stream decompressed according to its magic bytes, watching for decompression
/// bombs.
struct Decompressed<'a> {
    inner: Box<dyn BufRead + 'a>,
    compressed: std::rc::Rc<std::cell::Cell<u64>>,
    produced: u64,
    compression: Compression,
}

impl<'a> Decompressed<'a> {
    fn new<R: BufRead + 'a>(
        mut reader: R,
        origin: &Origin,
    ) -> Result<Decompressed<'a>, SourceError> {
        let head = reader
            .fill_buf()
            .map_err(|e| SourceError::new(origin, e.to_string()))?;
        let compression = Compression::sniff(head);
        let compressed = std::rc::Rc::new(std::cell::Cell::new(0u64));
        let tally = Tally {
            inner: reader,
            count: compressed.clone(),
        };
        let inner: Box<dyn BufRead + 'a> = match compression {
            Compression::None => Box::new(tally),
            Compression::Gzip => Box::new(BufReader::with_capacity(
                256 * 1024,
                flate2::bufread::MultiGzDecoder::new(tally),
            )),
            Compression::Zstd => Box::new(BufReader::with_capacity(
                256 * 1024,
                zstd::stream::read::Decoder::with_buffer(tally)
                    .map_err(|e| SourceError::new(origin, format!("bad zstd stream: {e}")))?,
            )),
        };
        Ok(Decompressed {
            inner,
            compressed,
            produced: 0,
            compression,
        })
    }

    /// Names the compression in an error about the stream.
    fn explain(&self, reason: String) -> String {
        match self.compression {
            Compression::None => reason,
            Compression::Gzip => format!("{reason} (in gzip data)"),
            Compression::Zstd => format!("{reason} (in zstd data)"),
        }
    }
}

impl Read for Decompressed<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let available = self.fill_buf()?;
        let n = available.len().min(buf.len());
        buf[..n].copy_from_slice(&available[..n]);
        self.consume(n);
        Ok(n)
    }
}

impl BufRead for Decompressed<'_> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        if self.compression != Compression::None
            && self.produced > BOMB_FLOOR_BYTES
            && self.produced > self.compressed.get().saturating_mul(MAX_INFLATION)
        {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!(
                    "decompression bomb: {} MB from {} KB of input",
                    self.produced / (1024 * 1024),
                    self.compressed.get() / 1024
                ),
            ));
        }
        self.inner.fill_buf()
    }

    fn consume(&mut self, amount: usize) {
        self.produced += amount as u64;
        self.inner.consume(amount);
    }
}

/// Counts the compressed bytes a decompressor consumes.
struct Tally<R> {
    inner: R,
    count: std::rc::Rc<std::cell::Cell<u64>>,
}

impl<R: BufRead> Read for Tally<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.set(self.count.get() + n as u64);
        Ok(n)
    }
}

impl<R: BufRead> BufRead for Tally<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        self.inner.fill_buf()
    }

    fn consume(&mut self, amount: usize) {
        self.count.set(self.count.get() + amount as u64);
        self.inner.consume(amount);
    }
}
