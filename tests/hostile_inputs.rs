//! Hostile inputs on the real `baoku` binary: each is refused or read with a clear
//! message naming the file, the rest is indexed, nothing panics, and the process's
//! peak memory (measured from /proc) stays within the bounds the README states.

mod support;

use std::io::Write;
use std::path::Path;
use support::*;

const SEED: &str = "sample_corpus/000_d3d1353f545500ab.txt";

fn seed() -> Vec<u8> {
    std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join(SEED)).unwrap()
}

/// `baoku index` of `inputs`, measured.
fn index_measured(index: &Path, inputs: &Path) -> (std::process::Output, u64) {
    let mut command = baoku(index);
    command.args(["index", "--threads", "2", inputs.to_str().unwrap()]);
    run_measured(command)
}

/// Adds the seed article to `inputs`, indexes them all, and checks what every
/// refusal must look like: exit status 1, no panic, the seed indexed, peak memory
/// under `max_mb`. Returns stderr for the caller's own checks.
fn index_refusing(dir: &Path, inputs: &Path, what: &str, max_mb: u64) -> String {
    std::fs::write(inputs.join("ok.txt"), seed()).unwrap();
    let index = dir.join("index");
    let (output, peak_mb) = index_measured(&index, inputs);
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(articles(&index), 1, "{err}");
    eprintln!("{what}: peak {peak_mb} MB");
    assert!(peak_mb < max_mb, "peak {peak_mb} MB");
    err
}

/// A file of `size` bytes that starts with `head` and is a hole after it (sparse: it
/// takes no disk space, and reads as zeros).
fn sparse_file(path: &Path, head: &[u8], size: u64) {
    let mut file = std::fs::File::create(path).unwrap();
    file.write_all(head).unwrap();
    file.set_len(size).unwrap();
}

/// `copies` copies of one compressed frame of 64 MB of `byte`: a stream that
/// decompresses to `copies` × 64 MB from a few kilobytes.
fn compressed_repeat(byte: u8, copies: usize, zstd_not_gzip: bool) -> Vec<u8> {
    let block = vec![byte; 64 * 1024 * 1024];
    let frame = if zstd_not_gzip {
        zstd::encode_all(block.as_slice(), 19).unwrap()
    } else {
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        encoder.write_all(&block).unwrap();
        encoder.finish().unwrap()
    };
    frame.repeat(copies)
}

#[test]
fn a_one_gigabyte_single_line_is_refused_in_bounded_memory() {
    let dir = tempfile::tempdir().unwrap();
    let inputs = dir.path().join("inputs");
    std::fs::create_dir(&inputs).unwrap();
    let gigabyte = 1 << 30;
    let mut line = b"{\"title\": \"".to_vec();
    line.resize(4 << 20, b'a');
    sparse_file(&inputs.join("line.jsonl"), &line, gigabyte);
    sparse_file(
        &inputs.join("page.txt"),
        &"很长的一行".repeat(100_000).into_bytes(),
        gigabyte,
    );
    let err = index_refusing(dir.path(), &inputs, "1 GB single line", 1_200);
    assert!(
        err.contains("line.jsonl:1: record longer than 16 MB"),
        "{err}"
    );
    assert!(
        err.contains("page.txt: document larger than 256 MB"),
        "{err}"
    );
}

#[test]
fn three_gigabytes_of_compressed_zeros_are_refused_in_bounded_memory() {
    let dir = tempfile::tempdir().unwrap();
    let inputs = dir.path().join("inputs");
    std::fs::create_dir(&inputs).unwrap();
    // 48 × 64 MB = 3 GB once decompressed.
    std::fs::write(inputs.join("zeros.txt.zst"), compressed_repeat(0, 48, true)).unwrap();
    std::fs::write(
        inputs.join("zeros.jsonl.gz"),
        compressed_repeat(0, 48, false),
    )
    .unwrap();
    std::fs::write(
        inputs.join("newlines.jsonl.zst"),
        compressed_repeat(b'\n', 48, true),
    )
    .unwrap();
    let err = index_refusing(dir.path(), &inputs, "3 GB decompression bombs", 1_200);
    assert!(
        err.contains("zeros.txt.zst: document larger than 256 MB (in zstd data)"),
        "{err}"
    );
    assert!(
        err.contains("zeros.jsonl.gz:1: record longer than 16 MB"),
        "{err}"
    );
    assert!(
        err.contains("newlines.jsonl.zst") && err.contains("decompression bomb"),
        "{err}"
    );
}

#[test]
fn deeply_nested_json_is_a_malformed_record_not_a_stack_overflow() {
    let dir = tempfile::tempdir().unwrap();
    let inputs = dir.path().join("inputs");
    std::fs::create_dir(&inputs).unwrap();
    let deep_array = "[".repeat(1_000_000);
    let deep_field = format!(
        "{{\"title\": \"t\", \"body\": {}1{}}}",
        "{\"a\":".repeat(100_000),
        "}".repeat(100_000)
    );
    std::fs::write(
        inputs.join("deep.jsonl"),
        format!("{deep_array}\n{deep_field}\n{{\"title\": \"好\", \"body\": \"正文。\"}}\n"),
    )
    .unwrap();
    std::fs::write(inputs.join("deep.json"), &deep_field).unwrap();
    let index = dir.path().join("index");
    let output = run(&index, &["index", inputs.to_str().unwrap()]);
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{err}");
    assert!(
        err.contains("deep.jsonl:1: malformed JSON: recursion limit exceeded"),
        "{err}"
    );
    assert!(
        err.contains("deep.jsonl:2: malformed JSON: recursion limit exceeded"),
        "{err}"
    );
    assert!(
        err.contains("deep.json: malformed JSON: recursion limit exceeded"),
        "{err}"
    );
    assert_eq!(articles(&index), 1);
}

#[test]
fn a_100_kb_query_is_a_short_one_line_error() {
    let dir = tempfile::tempdir().unwrap();
    let index = index_sample_corpus(dir.path());
    // About 100 kB each (one argument may hold at most 128 kB on Linux).
    let queries = [
        "收入".repeat(17_000),
        "(".repeat(100_000),
        "a ".repeat(50_000),
    ];
    for query in &queries {
        let output = run(&index, &["search", query]);
        let err = stderr(&output);
        assert_eq!(output.status.code(), Some(2), "{err}");
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(
            err.len() < 300,
            "the error repeats the query: {} bytes",
            err.len()
        );
    }
    // Through --batch, a megabyte on one line: an error record, and the next query answered.
    let batch = dir.path().join("queries.txt");
    std::fs::write(&batch, format!("{}\n乡村振兴\n", "收入".repeat(170_000))).unwrap();
    let output = run(&index, &["search", "--batch", batch.to_str().unwrap()]);
    let lines: Vec<serde_json::Value> = stdout(&output)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    assert!(lines[0]["error"].as_str().unwrap().len() < 300);
    assert!(lines[1]["total"].as_u64().unwrap() > 0);
}

#[test]
fn many_tiny_files_are_walked_in_bounded_memory() {
    let dir = tempfile::tempdir().unwrap();
    let inputs = dir.path().join("inputs");
    for folder in 0..20 {
        let sub = inputs.join(format!("d{folder:02}"));
        std::fs::create_dir_all(&sub).unwrap();
        for file in 0..1_000 {
            std::fs::write(sub.join(format!("{file:04}.txt")), "").unwrap();
        }
    }
    let err = index_refusing(dir.path(), &inputs, "20,000 empty files", 400);
    assert_eq!(err.matches(": empty file").count(), 20_000);
}

#[test]
fn symlink_loops_are_named_and_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let inputs = dir.path().join("inputs");
    std::fs::create_dir_all(inputs.join("a/b")).unwrap();
    std::os::unix::fs::symlink(&inputs, inputs.join("a/b/up")).unwrap();
    std::os::unix::fs::symlink("self.txt", inputs.join("self.txt")).unwrap();
    std::fs::write(inputs.join("a/ok.txt"), seed()).unwrap();
    let index = dir.path().join("index");
    let output = run(&index, &["index", inputs.to_str().unwrap()]);
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{err}");
    assert!(err.contains("a/b/up: symbolic link loop"), "{err}");
    assert!(err.contains("self.txt"), "{err}");
    assert_eq!(articles(&index), 1);
}

#[test]
fn unreadable_files_are_named_and_skipped() {
    use std::os::unix::fs::PermissionsExt;
    use std::os::unix::process::CommandExt;
    let dir = tempfile::tempdir().unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o777)).unwrap();
    let inputs = dir.path().join("inputs");
    std::fs::create_dir_all(inputs.join("closed")).unwrap();
    std::fs::write(inputs.join("ok.txt"), seed()).unwrap();
    std::fs::write(inputs.join("secret.txt"), seed()).unwrap();
    std::fs::write(inputs.join("closed/inner.txt"), "内容").unwrap();
    std::fs::set_permissions(
        inputs.join("secret.txt"),
        std::fs::Permissions::from_mode(0o000),
    )
    .unwrap();
    std::fs::set_permissions(
        inputs.join("closed"),
        std::fs::Permissions::from_mode(0o000),
    )
    .unwrap();
    let index = dir.path().join("index");
    let mut command = baoku(&index);
    command.args(["index", inputs.to_str().unwrap()]);
    if std::fs::read(inputs.join("secret.txt")).is_ok() {
        // Root reads everything: run as nobody, who cannot.
        command.uid(65534).gid(65534);
    }
    let output = match command.output() {
        Ok(output) => output,
        Err(e) => {
            eprintln!("skipped: cannot run baoku as an unprivileged user: {e}");
            return;
        }
    };
    let err = stderr(&output);
    if err.contains("Permission denied") && !index.exists() && err.lines().count() == 1 {
        eprintln!("skipped: nobody cannot write the temporary folder: {err}");
        return;
    }
    assert_eq!(output.status.code(), Some(1), "{err}");
    assert!(err.contains("secret.txt: Permission denied"), "{err}");
    assert!(err.contains("closed: Permission denied"), "{err}");
    assert_eq!(articles(&index), 1);
}

#[test]
fn paths_that_are_not_utf8_are_indexed_kept_and_not_pruned() {
    use std::os::unix::ffi::OsStrExt;
    let dir = tempfile::tempdir().unwrap();
    let inputs = dir.path().join("inputs");
    let folder = inputs.join(std::ffi::OsStr::from_bytes(b"\xb1\xa8\xbf\xe2"));
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::write(
        folder.join(std::ffi::OsStr::from_bytes(b"\xff\xfe.txt")),
        seed(),
    )
    .unwrap();
    std::fs::write(
        folder.join(std::ffi::OsStr::from_bytes(b"\xff\xfd.jsonl")),
        "{\"title\": \"另一篇\", \"body\": \"另一篇的正文。\"}\n",
    )
    .unwrap();
    let index = dir.path().join("index");
    let path = inputs.to_str().unwrap();
    let output = run(&index, &["index", path]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(articles(&index), 2);
    let again = run(&index, &["index", "--prune", path]);
    let err = stderr(&again);
    assert!(again.status.success(), "{err}");
    assert!(
        err.contains("2 unchanged") && !err.contains(" 2 pruned"),
        "{err}"
    );
    assert_eq!(articles(&index), 2);
}

#[test]
fn tar_members_with_parent_paths_are_read_and_never_written() {
    let dir = tempfile::tempdir().unwrap();
    let inputs = dir.path().join("inputs");
    std::fs::create_dir(&inputs).unwrap();
    let escape = dir.path().join("escaped.txt");
    let absolute = dir.path().join("absolute.txt");
    let names = [
        "../escaped.txt".to_string(),
        format!(
            "/{}",
            absolute.display().to_string().trim_start_matches('/')
        ),
        "../../../../../../tmp/baoku-escape-test.txt".to_string(),
    ];
    let mut builder = tar::Builder::new(Vec::new());
    for (number, name) in names.iter().enumerate() {
        let body = format!("{{\"title\": \"第{number}篇\", \"body\": \"正文{number}。\"}}\n");
        let mut header = tar::Header::new_old();
        // Written by hand: the tar crate's own setter refuses such names.
        header.as_old_mut().name[..name.len()].copy_from_slice(name.as_bytes());
        header.set_size(body.len() as u64);
        header.set_mode(0o644);
        header.set_entry_type(tar::EntryType::Regular);
        header.set_cksum();
        builder.append(&header, body.as_bytes()).unwrap();
    }
    let archive = inputs.join("evil.tar");
    std::fs::write(&archive, builder.into_inner().unwrap()).unwrap();
    let index = dir.path().join("index");
    let output = run(&index, &["index", inputs.to_str().unwrap()]);
    // Named .txt, read as text pages with a JSON line in them: what matters is that
    // each member was read in place.
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(articles(&index), 3);
    assert!(!escape.exists() && !absolute.exists());
    assert!(!Path::new("/tmp/baoku-escape-test.txt").exists());
    let extracted = baoku(&index)
        .args(["extract", archive.to_str().unwrap()])
        .output()
        .unwrap();
    let text = stdout(&extracted);
    assert!(text.contains("evil.tar:../escaped.txt"), "{text}");
    assert!(!escape.exists() && !absolute.exists());
}
