//! Walking the paths given to `baoku index`: files are taken as they are, folders
//! recursively, in a stable (sorted) order. Hidden files and folders are skipped
//! silently, like version-control folders; everything else that is not indexed is
//! reported with a reason.

use super::format::kind_of_name;
use crate::error::{Error, Result};
use std::fmt;
use std::path::{Path, PathBuf};

/// An input file to read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputFile {
    /// Where it is.
    pub path: PathBuf,
    /// Its size in bytes.
    pub size: u64,
    /// Its modification time, in nanoseconds since the Unix epoch (0 if unknown).
    pub mtime_ns: u64,
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

/// Finds the input files under `paths`. A path that does not exist is an error; a
/// file inside a folder that cannot be read is skipped with its reason. With
/// `any_name`, every file is taken whatever its name (the user forced a format).
pub fn collect_inputs(paths: &[PathBuf], any_name: bool) -> Result<Inputs> {
    let mut inputs = Inputs::default();
    for root in paths {
        let metadata = std::fs::metadata(root).map_err(|e| Error::io(root, e))?;
        if metadata.is_file() {
            add_file(&mut inputs, root.clone(), &metadata, any_name);
            continue;
        }
        let walker = walkdir::WalkDir::new(root)
            .follow_links(true)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|entry| entry.depth() == 0 || !is_hidden(entry.file_name()));
        for entry in walker {
            match entry {
                Ok(entry) if entry.file_type().is_file() => match entry.metadata() {
                    Ok(metadata) => add_file(&mut inputs, entry.into_path(), &metadata, any_name),
                    Err(error) => inputs.skipped.push(Skipped {
                        path: entry.into_path(),
                        reason: SkipReason::Failed(error.to_string()),
                    }),
                },
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

fn add_file(inputs: &mut Inputs, path: PathBuf, metadata: &std::fs::Metadata, any_name: bool) {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    if any_name || kind_of_name(&name).is_some() {
        let mtime_ns = metadata
            .modified()
            .ok()
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .map_or(0, |d| d.as_nanos() as u64);
        inputs.files.push(InputFile {
            path,
            size: metadata.len(),
            mtime_ns,
        });
    } else {
        inputs.skipped.push(Skipped {
            path,
            reason: SkipReason::Unsupported(extension_of(&name)),
        });
    }
}

fn extension_of(name: &str) -> String {
    Path::new(name)
        .extension()
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

        let inputs = collect_inputs(&[root.to_path_buf()], false).unwrap();
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
        let err = collect_inputs(&[PathBuf::from("/no/such/folder")], false).unwrap_err();
        assert!(err.to_string().starts_with("/no/such/folder: "), "{err}");
    }
}
