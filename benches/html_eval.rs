//! Runs the HTML extractor over the evaluation pages and prints one JSON object per
//! page: `{page, url, title, date, source, author, editor, body, error}`.
//!
//! ```sh
//! cargo bench --bench html_eval -- [FIXTURES_DIR] > baoku.jsonl
//! ```
//!
//! `FIXTURES_DIR` defaults to `../shared/fixtures/html` next to the repository. It
//! holds `readability/*/source.html`, `newspaper4k/*.html`, `trafilatura/*.html` (with
//! their addresses in `trafilatura/expected.json`) and `cctv_html_dev.tar.zst` (pages
//! and `manifest.jsonl`, read straight from the archive); the pages written for the
//! evaluation in the layouts of real sites are read from `bench/html_eval/written/`
//! in the repository. Page names match the ones
//! `bench/html_eval/compare.py` uses; it scores this output against the expected
//! fields and against trafilatura and GNE.

use baoku::extract::extract_html_page;
use serde_json::{json, Value};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// One page to extract: its name in the report, its HTML and its address if known.
struct Page {
    name: String,
    html: String,
    url: Option<String>,
}

fn main() -> anyhow::Result<()> {
    // `cargo bench` adds `--bench` to the arguments.
    let dir = std::env::args_os()
        .skip(1)
        .find(|a| a != "--bench")
        .map_or_else(
            || Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/fixtures/html"),
            PathBuf::from,
        );
    let pages = load_pages(&dir)?;
    let started = Instant::now();
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    for page in &pages {
        let record = match extract_html_page(&page.html, page.url.as_deref()) {
            Ok(article) => json!({
                "page": page.name,
                "url": article.url,
                "title": article.title,
                "date": article.date.map(|d| d.to_string()),
                "source": article.source,
                "author": article.author,
                "editor": article.editor,
                "body": article.body,
            }),
            Err(error) => json!({"page": page.name, "error": error, "body": ""}),
        };
        writeln!(out, "{record}")?;
    }
    eprintln!(
        "html_eval: {} pages in {:.2} s",
        pages.len(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

fn load_pages(dir: &Path) -> anyhow::Result<Vec<Page>> {
    let mut pages = Vec::new();

    for entry in sorted_entries(&dir.join("readability"))? {
        let source = entry.join("source.html");
        if source.is_file() {
            pages.push(Page {
                name: format!("readability/{}", file_name(&entry)),
                html: read_lossy(&source)?,
                url: None,
            });
        }
    }

    for entry in sorted_entries(&dir.join("newspaper4k"))? {
        let name = file_name(&entry);
        let Some(stem) = name.strip_suffix(".html") else {
            continue;
        };
        let metadata = dir
            .join("newspaper4k")
            .join(format!("{stem}.expected-metadata.json"));
        let url = std::fs::read_to_string(&metadata)
            .ok()
            .and_then(|text| serde_json::from_str::<Value>(&text).ok())
            .and_then(|v| v["url"].as_str().map(str::to_string));
        pages.push(Page {
            name: format!("newspaper4k/{stem}"),
            html: read_lossy(&entry)?,
            url,
        });
    }

    let trafilatura = dir.join("trafilatura");
    if let Ok(text) = std::fs::read_to_string(trafilatura.join("expected.json")) {
        let expected: serde_json::Map<String, Value> = serde_json::from_str(&text)?;
        for (url, fields) in expected {
            let Some(file) = fields["file"].as_str() else {
                continue;
            };
            pages.push(Page {
                name: format!("trafilatura/{file}"),
                html: read_lossy(&trafilatura.join(file))?,
                url: Some(url),
            });
        }
    }

    let archive = dir.join("cctv_html_dev.tar.zst");
    if archive.is_file() {
        pages.extend(cctv_pages(&archive)?);
    }

    // The pages written in the layouts of real sites (bench/html_eval/make_pages.py),
    // kept in the repository.
    let written = Path::new(env!("CARGO_MANIFEST_DIR")).join("bench/html_eval/written");
    if let Ok(text) = std::fs::read_to_string(written.join("expected.json")) {
        let expected: serde_json::Map<String, Value> = serde_json::from_str(&text)?;
        for (file, fields) in expected {
            let group = fields["group"].as_str().unwrap_or("other");
            pages.push(Page {
                name: format!("written-{group}/{file}"),
                html: read_lossy(&written.join(&file))?,
                url: None,
            });
        }
    }
    Ok(pages)
}

/// The CCTV pages, in manifest order, read from the archive in memory.
fn cctv_pages(archive: &Path) -> anyhow::Result<Vec<Page>> {
    let decoder = zstd::Decoder::new(std::fs::File::open(archive)?)?;
    let mut tar = tar::Archive::new(decoder);
    let mut files = std::collections::HashMap::new();
    for entry in tar.entries()? {
        let mut entry = entry?;
        let path = entry.path()?.to_string_lossy().into_owned();
        let mut bytes = Vec::new();
        entry.read_to_end(&mut bytes)?;
        // Members sit under one top folder; the manifest names them from inside it.
        let inner = path.split_once('/').map_or(path.as_str(), |(_, rest)| rest);
        files.insert(inner.to_string(), bytes);
    }
    let manifest = files
        .get("manifest.jsonl")
        .ok_or_else(|| anyhow::anyhow!("{}: no manifest.jsonl", archive.display()))?;
    let mut pages = Vec::new();
    for line in String::from_utf8_lossy(manifest).lines() {
        if line.trim().is_empty() {
            continue;
        }
        let row: Value = serde_json::from_str(line)?;
        let html_path = row["html"].as_str().unwrap_or_default();
        let Some(bytes) = files.get(html_path) else {
            anyhow::bail!("{}: {html_path} is missing", archive.display());
        };
        pages.push(Page {
            name: format!("cctv/{html_path}"),
            html: String::from_utf8_lossy(bytes).into_owned(),
            url: row["url"].as_str().map(str::to_string),
        });
    }
    Ok(pages)
}

fn sorted_entries(dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    if !dir.is_dir() {
        return Ok(Vec::new());
    }
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)?
        .map(|e| e.map(|e| e.path()))
        .collect::<Result<_, _>>()?;
    entries.sort();
    Ok(entries)
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn read_lossy(path: &Path) -> anyhow::Result<String> {
    Ok(String::from_utf8_lossy(&std::fs::read(path)?).into_owned())
}
