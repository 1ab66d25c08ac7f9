//! Walking the paths given to `baoku index`: files are taken as they are, folders
//! recursively, in a stable (sorted) order. Hidden files and folders are skipped
//! silently, like version-control folders; everything else that is not indexed is
//! reported with a reason.

use super::format::{kind_of_name, Formats};
use super::problem::{Problem, ProblemKind};
use super::read::Origin;
use crate::error::{Error, Result};
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

/// The inputs found under the given paths.
#[derive(Debug, Default, Clone)]
pub struct Inputs {
    /// Files to extract, in order.
    pub files: Vec<InputFile>,
    /// Files passed over: of a type baoku does not read ([`ProblemKind::Unsupported`]),
    /// or that could not be read ([`ProblemKind::Unreadable`]).
    pub skipped: Vec<Problem>,
}

impl Inputs {
    /// Total size of the files to extract.
    pub fn total_bytes(&self) -> u64 {
        self.files.iter().map(|f| f.size).sum()
    }
}

/// Finds the input files under `paths`: those whose names `formats` recognise, or
/// with `any_name` every file whatever its name (the user forced a format). A path
/// that does not exist is an error; a file inside a folder that cannot be read is
/// skipped with its reason.
pub fn collect_inputs(paths: &[PathBuf], formats: &dyn Formats, any_name: bool) -> Result<Inputs> {
    let mut inputs = Inputs::default();
    for root in paths {
        let metadata = std::fs::metadata(root).map_err(|e| Error::io(root, e))?;
        if metadata.is_file() {
            add_file(&mut inputs, root.clone(), &metadata, formats, any_name);
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
                    Ok(metadata) => {
                        add_file(&mut inputs, entry.into_path(), &metadata, formats, any_name)
                    }
                    Err(error) => inputs
                        .skipped
                        .push(unreadable(entry.path(), error.to_string())),
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
                    inputs.skipped.push(unreadable(&path, reason));
                }
            }
        }
    }
    Ok(inputs)
}

fn unreadable(path: &Path, reason: String) -> Problem {
    Problem::new(&Origin::file(path), ProblemKind::Unreadable, reason)
}

fn add_file(
    inputs: &mut Inputs,
    path: PathBuf,
    metadata: &std::fs::Metadata,
    formats: &dyn Formats,
    any_name: bool,
) {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    if any_name || kind_of_name(&name, formats).is_some() {
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
        let extension = extension_of(&name);
        let reason = if extension.is_empty() {
            "unsupported file type (no extension)".to_string()
        } else {
            format!("unsupported file type .{extension}")
        };
        inputs.skipped.push(Problem::new(
            &Origin::file(&path),
            ProblemKind::Unsupported,
            reason,
        ));
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
    use crate::source::{Format, Layout};

    struct TextOnly;

    impl Formats for TextOnly {
        fn by_extension(&self, extension: &str) -> Option<Format> {
            (extension == "txt").then_some(Format::new("text", Layout::Whole))
        }
    }

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

        let inputs = collect_inputs(&[root.to_path_buf()], &TextOnly, false).unwrap();
        let files: Vec<_> = inputs
            .files
            .iter()
            .map(|f| f.path.strip_prefix(root).unwrap().to_path_buf())
            .collect();
        assert_eq!(files, [PathBuf::from("a.TXT"), PathBuf::from("b/2.txt")]);
        assert_eq!(inputs.total_bytes(), 3);
        assert_eq!(inputs.skipped.len(), 1);
        assert_eq!(inputs.skipped[0].reason, "unsupported file type .pdf");
        assert_eq!(inputs.skipped[0].kind, ProblemKind::Unsupported);
    }

    #[test]
    fn a_missing_path_is_an_error() {
        let err =
            collect_inputs(&[PathBuf::from("/no/such/folder")], &TextOnly, false).unwrap_err();
        assert!(err.to_string().starts_with("/no/such/folder: "), "{err}");
    }
}
