//! Reading inputs into documents: decompression, tar members, and the documents of
//! each format's [`Layout`] — a whole file, or one line at a time — all streamed:
//! nothing is unpacked to disk, and only one document is held in memory at a time.
//! What a document holds (JSON records, Sogou `<doc>`s) is the format's to read.
//!
//! Limits keep a hostile input from exhausting memory: a document of more than
//! [`MAX_DOCUMENT_BYTES`], a line of more than [`MAX_LINE_BYTES`], and a stream that
//! inflates more than [`MAX_INFLATION`] times past [`BOMB_FLOOR_BYTES`] are refused.

use super::decode::{decode, decode_as, detect};
use super::format::{kind_of_name, Compression, Format, Formats, Kind, Layout};
use super::problem::{LimitExceeded, Problem, ProblemKind};
use encoding_rs::Encoding;
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
/// record (a line, an element of a JSON array) inside it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Origin {
    /// The input file.
    pub path: PathBuf,
    /// The tar member, for archives.
    pub member: Option<String>,
    /// The record within the file or member.
    pub record: Option<Record>,
}

/// A record within a file: where a document that is not a whole file came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Record {
    /// A line (1-based): JSON Lines, or the line a Sogou `<doc>` starts on.
    Line(u64),
    /// An element (0-based) of a JSON array.
    Element(usize),
}

impl fmt::Display for Record {
    /// `12` for a line, `#3` for an element.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Record::Line(line) => write!(f, "{line}"),
            Record::Element(index) => write!(f, "#{index}"),
        }
    }
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

    /// The origin of a record within this file or member.
    pub fn record(&self, record: Record) -> Origin {
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

/// One document read from an input: the decoded text of a whole file, or of one line.
#[derive(Debug, Clone, PartialEq)]
pub struct RawDoc {
    /// Where it came from.
    pub origin: Origin,
    /// Its format.
    pub format: Format,
    /// Its text, decoded.
    pub text: String,
    /// Invalid byte sequences replaced while decoding (a few are tolerated).
    pub replacements: usize,
}

fn problem(origin: &Origin, kind: ProblemKind, reason: impl Into<String>) -> Problem {
    Problem::new(origin, kind, reason)
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
pub type Emit<'a> = dyn FnMut(Result<RawDoc, Problem>) -> bool + 'a;

/// Bytes read so far, shared between reader threads and whoever shows progress.
#[derive(Debug, Default)]
pub struct ReadCounters {
    /// Bytes read from input files (compressed, for compressed inputs).
    pub file_bytes: AtomicU64,
    /// Bytes of documents and records after decompression: the text processed.
    pub text_bytes: AtomicU64,
}

/// Reads every document of the input file at `path`, handing each, or the problem
/// that kept it from being read, to `emit`. `formats` says which file names are which
/// format; bytes read are added to `counters`.
///
/// A problem that ends the whole input (it cannot be opened, its compression is
/// corrupt) is returned; documents emitted before it stand.
pub fn read_documents(
    path: &Path,
    options: &ReadOptions,
    formats: &dyn Formats,
    counters: &ReadCounters,
    emit: &mut Emit<'_>,
) -> Result<(), Problem> {
    let origin = Origin::file(path);
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let kind = kind_to_read(&name, options, formats, &origin)?;
    let file = File::open(path).map_err(|e| Problem::from_io(&origin, &e))?;
    read_from(origin, kind, file, options, formats, counters, emit)
}

/// Like [`read_documents`], for content that is not in a file: `name` (a file name
/// such as `feed.jsonl.gz`) says what it is, unless `options` name a format.
pub fn read_documents_from(
    name: &str,
    reader: impl Read,
    options: &ReadOptions,
    formats: &dyn Formats,
    counters: &ReadCounters,
    emit: &mut Emit<'_>,
) -> Result<(), Problem> {
    let origin = Origin::file(Path::new(name));
    let kind = kind_to_read(name, options, formats, &origin)?;
    read_from(origin, kind, reader, options, formats, counters, emit)
}

/// The lines of a text already decoded, as documents of `format`, numbered and skipped
/// as a JSON Lines file's are: for a format that finds out only from its content that
/// a whole file holds one record per line.
pub fn read_lines_of_text(
    origin: &Origin,
    format: Format,
    text: &str,
    emit: &mut Emit<'_>,
) -> Result<(), Problem> {
    let options = ReadOptions {
        format: None,
        encoding: Some(encoding_rs::UTF_8),
    };
    let mut cursor = io::Cursor::new(text.as_bytes());
    // The text was counted when the whole document was read.
    read_lines(
        origin,
        format,
        &mut cursor,
        &options,
        &ReadCounters::default(),
        emit,
    )
}

fn kind_to_read(
    name: &str,
    options: &ReadOptions,
    formats: &dyn Formats,
    origin: &Origin,
) -> Result<Kind, Problem> {
    match (kind_of_name(name, formats), options.format) {
        (Some(Kind::Tar), _) => Ok(Kind::Tar),
        (_, Some(format)) => Ok(Kind::Document(format)),
        (Some(kind), None) => Ok(kind),
        (None, None) => Err(unsupported(origin)),
    }
}

fn unsupported(origin: &Origin) -> Problem {
    problem(origin, ProblemKind::Unsupported, "not a format baoku reads")
}

/// A problem from an I/O error, in words of our own.
fn io_problem(origin: &Origin, error: &io::Error, reason: String) -> Problem {
    Problem {
        reason,
        ..Problem::from_io(origin, error)
    }
}

fn read_from(
    origin: Origin,
    kind: Kind,
    reader: impl Read,
    options: &ReadOptions,
    formats: &dyn Formats,
    counters: &ReadCounters,
    emit: &mut Emit<'_>,
) -> Result<(), Problem> {
    let counted = CountingReader {
        inner: reader,
        count: &counters.file_bytes,
    };
    let mut stream = Decompressed::new(BufReader::with_capacity(256 * 1024, counted), &origin)?;
    let result = match kind {
        Kind::Tar => read_tar(&origin, &mut stream, options, formats, counters, emit),
        Kind::Document(format) => {
            read_stream(&origin, format, &mut stream, options, counters, emit)
        }
    };
    result.map_err(|e| stream.explain(e))
}

fn read_tar(
    origin: &Origin,
    stream: &mut dyn BufRead,
    options: &ReadOptions,
    formats: &dyn Formats,
    counters: &ReadCounters,
    emit: &mut Emit<'_>,
) -> Result<(), Problem> {
    let mut archive = tar::Archive::new(stream);
    let entries = archive
        .entries()
        .map_err(|e| io_problem(origin, &e, format!("not a readable tar archive: {e}")))?;
    for entry in entries {
        let entry =
            entry.map_err(|e| io_problem(origin, &e, format!("damaged tar archive: {e}")))?;
        if !entry.header().entry_type().is_file() {
            continue;
        }
        // Member names are only ever used as labels: nothing is written to disk.
        let name = String::from_utf8_lossy(&entry.path_bytes()).into_owned();
        let member = origin.member(name.clone());
        let file_name = name.rsplit('/').next().unwrap_or(&name).to_string();
        let format = match (kind_of_name(&file_name, formats), options.format) {
            (Some(Kind::Tar), _) => {
                let nested = problem(
                    &member,
                    ProblemKind::Unsupported,
                    "tar archive inside a tar archive",
                );
                if !emit(Err(nested)) {
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
                if !emit(Err(unsupported(&member))) {
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
        let mut emit_member = |doc: Result<RawDoc, Problem>| {
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
            if !emit(Err(member_stream.explain(e))) {
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
) -> Result<(), Problem> {
    if format.layout() == Layout::Lines {
        return read_lines(origin, format, stream, options, counters, emit);
    }
    let bytes = read_capped(stream, MAX_DOCUMENT_BYTES, origin)?;
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(problem(origin, ProblemKind::Malformed, "empty file"));
    }
    let decoded =
        decode(&bytes, options.encoding).map_err(|r| problem(origin, ProblemKind::Malformed, r))?;
    // Text is what was read as text: a refused binary is not "MB of text".
    counters
        .text_bytes
        .fetch_add(bytes.len() as u64, Ordering::Relaxed);
    drop(bytes);
    emit(Ok(RawDoc {
        origin: origin.clone(),
        format,
        text: decoded.text,
        replacements: decoded.replacements,
    }));
    Ok(())
}

/// One document per line, streamed. The encoding is detected once, on the first
/// block, and every line decoded with it; blank lines are skipped (but counted).
fn read_lines(
    origin: &Origin,
    format: Format,
    stream: &mut dyn BufRead,
    options: &ReadOptions,
    counters: &ReadCounters,
    emit: &mut Emit<'_>,
) -> Result<(), Problem> {
    let encoding = match options.encoding {
        Some(encoding) => encoding,
        None => {
            let head = stream
                .fill_buf()
                .map_err(|e| Problem::from_io(origin, &e))?;
            detect(head, false)
                .map_err(|r| problem(origin, ProblemKind::Malformed, r))?
                .encoding
        }
    };
    let mut line = Vec::with_capacity(64 * 1024);
    let mut number = 0u64;
    loop {
        line.clear();
        number += 1;
        let line_origin = origin.record(Record::Line(number));
        let read =
            read_line_capped(stream, &mut line).map_err(|e| Problem::from_io(&line_origin, &e))?;
        if read == 0 {
            return Ok(());
        }
        let bytes = line.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&line);
        if bytes.iter().all(|b| b.is_ascii_whitespace()) {
            continue;
        }
        let doc = match decode_as(bytes, encoding) {
            Ok(decoded) => Ok({
                counters
                    .text_bytes
                    .fetch_add(read as u64, Ordering::Relaxed);
                RawDoc {
                    origin: line_origin,
                    format,
                    text: decoded.text,
                    replacements: decoded.replacements,
                }
            }),
            Err(reason) => Err(problem(&line_origin, ProblemKind::Malformed, reason)),
        };
        if !emit(doc) {
            return Ok(());
        }
    }
}

fn read_capped(stream: &mut dyn BufRead, cap: u64, origin: &Origin) -> Result<Vec<u8>, Problem> {
    let mut bytes = Vec::new();
    stream
        .take(cap + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| Problem::from_io(origin, &e))?;
    if bytes.len() as u64 > cap {
        return Err(problem(
            origin,
            ProblemKind::TooLarge,
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
            return Err(LimitExceeded::error(format!(
                "record longer than {} MB; the rest of this input is skipped",
                MAX_LINE_BYTES / (1024 * 1024)
            )));
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
    fn new<R: BufRead + 'a>(mut reader: R, origin: &Origin) -> Result<Decompressed<'a>, Problem> {
        let head = reader
            .fill_buf()
            .map_err(|e| Problem::from_io(origin, &e))?;
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
                zstd::stream::read::Decoder::with_buffer(tally).map_err(|e| {
                    problem(
                        origin,
                        ProblemKind::Malformed,
                        format!("bad zstd stream: {e}"),
                    )
                })?,
            )),
        };
        Ok(Decompressed {
            inner,
            compressed,
            produced: 0,
            compression,
        })
    }

    /// Names the compression in a problem with the stream.
    fn explain(&self, problem: Problem) -> Problem {
        let reason = match self.compression {
            Compression::None => return problem,
            Compression::Gzip => format!("{} (in gzip data)", problem.reason),
            Compression::Zstd => format!("{} (in zstd data)", problem.reason),
        };
        Problem { reason, ..problem }
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
            return Err(LimitExceeded::error(format!(
                "decompression bomb: {} MB from {} KB of input",
                self.produced / (1024 * 1024),
                self.compressed.get() / 1024
            )));
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
