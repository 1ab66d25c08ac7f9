//! Walking the paths given to `baoku index`: files are taken as they are, folders
//! recursively, in a stable (sorted) order. Hidden files and folders are skipped
//! silently, like version-control folders; everything else that is not indexed is
//! reported with a reason.

use crate::error::{Error, Result};
use std::fmt;
use std::path::{Path, PathBuf};

/// An input file to extract.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputFile {
    /// Where it is.
    pub path: PathBuf,
    /// Its size in bytes.
    pub size: u64,
}

/// Why an input was not indexed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SkipReason {
    /// Not a format baoku reads (the extension is given, or empty).
    Unsupported(String),
    /// It could not be read or made into an article.
    Failed(String),
}

impl fmt::Display for SkipReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SkipReason::Unsupported(ext) if ext.is_empty() => {
                write!(f, "unsupported file type (no extension)")
            }
            SkipReason::Unsupported(ext) => write!(f, "unsupported file type .{ext}"),
            SkipReason::Failed(reason) => f.write_str(reason),
        }
    }
}

/// An input that was not indexed, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    /// The input.
    pub path: PathBuf,
    /// Why.
    pub reason: SkipReason,
}

/// The inputs found under the given paths.
#[derive(Debug, Default, Clone)]
pub struct Inputs {
    /// Files to extract, in order.
    pub files: Vec<InputFile>,
    /// Files passed over, with reasons.
    pub skipped: Vec<Skipped>,
}

impl Inputs {
    /// Total size of the files to extract.
    pub fn total_bytes(&self) -> u64 {
        self.files.iter().map(|f| f.size).sum()
    }
}

/// Extensions of the files baoku extracts.
const SUPPORTED_EXTENSIONS: &[&str] = &["txt", "text"];

/// Finds the input files under `paths`. A path that does not exist is an error; a
/// file inside a folder that cannot be read is skipped with its reason.
pub fn collect_inputs(paths: &[PathBuf]) -> Result<Inputs> {
    let mut inputs = Inputs::default();
    for root in paths {
        let metadata = std::fs::metadata(root).map_err(|e| Error::io(root, e))?;
        if metadata.is_file() {
            add_file(&mut inputs, root.clone(), metadata.len());
            continue;
        }
        let walker = walkdir::WalkDir::new(root)
            .follow_links(true)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|entry| entry.depth() == 0 || !is_hidden(entry.file_name()));
        for entry in walker {
            match entry {
                Ok(entry) if entry.file_type().is_file() => {
                    let size = entry.metadata().map_or(0, |m| m.len());
                    add_file(&mut inputs, entry.into_path(), size);
                }
                Ok(_) => {}
                Err(error) => {
                    let path = error.path().unwrap_or(root).to_path_buf();
                    let reason = if error.loop_ancestor().is_some() {
                        "symbolic link loop".to_string()
                    } else {
                        error
                            .io_error()
                            .map_or_else(|| error.to_string(), |e| e.to_string())
                    };
                    inputs.skipped.push(Skipped {
                        path,
                        reason: SkipReason::Failed(reason),
                    });
                }
            }
        }
    }
    Ok(inputs)
}

fn add_file(inputs: &mut Inputs, path: PathBuf, size: u64) {
    let extension = extension_of(&path);
    if SUPPORTED_EXTENSIONS.contains(&extension.as_str()) {
        inputs.files.push(InputFile { path, size });
    } else {
        inputs.skipped.push(Skipped {
            path,
            reason: SkipReason::Unsupported(extension),
        });
    }
}

fn extension_of(path: &Path) -> String {
    path.extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default()
}

fn is_hidden(name: &std::ffi::OsStr) -> bool {
    name.as_encoded_bytes().first() == Some(&b'.')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn walks_folders_in_order_and_reports_what_it_skips() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("b/.git")).unwrap();
        std::fs::write(root.join("b/2.txt"), "x").unwrap();
        std::fs::write(root.join("b/.git/config.txt"), "x").unwrap();
        std::fs::write(root.join("a.TXT"), "xy").unwrap();
        std::fs::write(root.join("notes.pdf"), "x").unwrap();
        std::fs::write(root.join(".hidden.txt"), "x").unwrap();

        let inputs = collect_inputs(&[root.to_path_buf()]).unwrap();
        let files: Vec<_> = inputs
            .files
            .iter()
            .map(|f| f.path.strip_prefix(root).unwrap().to_path_buf())
            .collect();
        assert_eq!(files, [PathBuf::from("a.TXT"), PathBuf::from("b/2.txt")]);
        assert_eq!(inputs.total_bytes(), 3);
        assert_eq!(inputs.skipped.len(), 1);
        assert_eq!(
            inputs.skipped[0].reason.to_string(),
            "unsupported file type .pdf"
        );
    }

    #[test]
    fn a_missing_path_is_an_error() {
        let err = collect_inputs(&[PathBuf::from("/no/such/folder")]).unwrap_err();
        assert!(err.to_string().starts_with("/no/such/folder: "), "{err}");
    }
}
