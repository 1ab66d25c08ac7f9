//! Faults an index must survive, on the real `baoku` binary: `kill -9` at random
//! moments of indexing, a second writer, searches while indexing and merging, a
//! write error in the middle of a commit, Ctrl-C and SIGTERM. After each, the index
//! opens, `baoku check` finds it healthy, it holds whole committed batches, and the
//! same `baoku index` run again completes the work with no duplicates.

mod support;

use std::collections::HashSet;
use std::path::Path;
use std::time::{Duration, Instant};
use support::*;

/// What `baoku check` says: its exit status and output.
fn check(index: &Path) -> (i32, String) {
    let output = run(index, &["check"]);
    (
        output.status.code().unwrap_or(-1),
        stdout(&output) + &stderr(&output),
    )
}

/// The index is healthy and holds exactly the first `n` articles of `order`, for
/// some `n` (single-threaded runs read and commit in order). Returns `n`.
fn assert_whole_prefix(index: &Path, order: &[String]) -> usize {
    let (code, said) = check(index);
    assert_eq!(code, 0, "baoku check: {said}");
    let held = ids(index);
    let distinct: HashSet<&String> = held.iter().collect();
    assert_eq!(distinct.len(), held.len(), "an id is held twice");
    let n = held.len();
    let expected: HashSet<&String> = order[..n].iter().collect();
    assert_eq!(
        distinct, expected,
        "the index is not a prefix of the inputs"
    );
    n
}

/// The same `baoku index` is run and killed with SIGKILL at random moments, again
/// and again; after every kill the index opens, is healthy and holds a prefix of the
/// inputs made of whole commits; a last run completes it exactly.
fn kill_at_random_moments(
    corpus: &Path,
    order: &[String],
    args: &[&str],
    kills: usize,
    seed: u64,
    exact_prefix: bool,
) -> Vec<(Duration, u64)> {
    let work = tempfile::tempdir().unwrap();
    let path = corpus.to_str().unwrap();
    let mut run_args = vec![path];
    run_args.extend_from_slice(args);

    // A whole run, to know how long one takes and what it stores.
    let reference = work.path().join("reference");
    let started = Instant::now();
    let output = baoku(&reference)
        .arg("index")
        .args(&run_args)
        .output()
        .unwrap();
    let mut whole = started.elapsed();
    assert!(output.status.success(), "{}", stderr(&output));
    let expected: HashSet<String> = ids(&reference).into_iter().collect();
    assert_eq!(expected.len() as u64, articles(&reference));

    let mut rng = Rng(seed);
    let mut observed = Vec::new();
    let mut index = work.path().join("index-0");
    let mut finished_runs = 0;
    let mut held_now = 0u64;
    while observed.len() < kills {
        let mut child = spawn_index(&index, &run_args, &work.path().join("logs"));
        // A run that resumes has less left to do: aim within what remains.
        let remaining = (1.0 - held_now as f64 / expected.len() as f64).max(0.5);
        let delay = rng.below(whole.mul_f64(1.1 * remaining));
        let spawned = Instant::now();
        let mut completed = child.try_wait().unwrap();
        while completed.is_none() && spawned.elapsed() < delay {
            std::thread::sleep(Duration::from_millis(10));
            completed = child.try_wait().unwrap();
        }
        child.kill().unwrap();
        child.wait().unwrap();
        if let Some(status) = completed {
            // The machine is faster now than when the reference run was timed (it is
            // often shared): aim the next kills within what a whole run takes now.
            if held_now == 0 {
                whole = whole.min(spawned.elapsed());
            }
            // It finished before the kill: start again on a new index.
            let err = std::fs::read_to_string(work.path().join("logs/stderr")).unwrap();
            assert!(
                status.success(),
                "a run ended by itself with {status}: {err}"
            );
            finished_runs += 1;
            assert_eq!(ids(&index).len(), expected.len(), "{err}");
            index = work.path().join(format!("index-{finished_runs}"));
            held_now = 0;
            continue;
        }
        let held = if !index.join("meta.json").exists() {
            // Killed before the index was made: nothing, not a half-made index.
            assert!(!index.exists() || std::fs::read_dir(&index).unwrap().count() == 0);
            0
        } else if exact_prefix {
            assert_whole_prefix(&index, order) as u64
        } else {
            let (code, said) = check(&index);
            assert_eq!(code, 0, "baoku check after a kill: {said}");
            let held = ids(&index);
            let distinct: HashSet<String> = held.iter().cloned().collect();
            assert_eq!(distinct.len(), held.len(), "an id is held twice");
            assert!(distinct.is_subset(&expected));
            held.len() as u64
        };
        if index.join("meta.json").exists() {
            let search = run(&index, &["search", "--json", "乡村振兴"]);
            assert!(
                matches!(search.status.code(), Some(0 | 1)),
                "search after a kill: {}",
                stderr(&search)
            );
        }
        // Re-reading an input cut short replaces its articles one by one: a kill
        // during a resumed run never leaves fewer than the run started with.
        assert!(
            held >= held_now,
            "a resumed run lost committed articles: {held_now} before it, {held} after its kill"
        );
        held_now = held;
        observed.push((delay, held));
    }
    // The same command again completes the work exactly.
    let output = baoku(&index).arg("index").args(&run_args).output().unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    let held = ids(&index);
    let distinct: HashSet<String> = held.iter().cloned().collect();
    assert_eq!(held.len(), distinct.len(), "duplicates after the last run");
    assert_eq!(distinct, expected, "the last run did not complete the work");
    assert_eq!(check(&index).0, 0);
    eprintln!(
        "kill -9 seed {seed}: whole run {whole:?}, {} articles; {finished_runs} runs ended before their kill; after each kill: {observed:?}; final {}",
        expected.len(),
        held.len()
    );
    observed
}

#[test]
fn kill_9_at_random_moments_keeps_whole_batches_and_a_rerun_completes_them() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus");
    let order = synthetic_corpus(&corpus, 6, 400);
    let seed = std::env::var("BAOKU_KILL_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x5eed_1234_u64);
    kill_at_random_moments(
        &corpus,
        &order,
        &["--threads", "1", "--batch", "300"],
        8,
        seed,
        true,
    );
}

/// The long run the issue asks for: ≥ 20,000 real articles (the CCTV corpus in
/// ../shared, else generated ones), default threads, killed 30 times.
#[test]
#[ignore = "takes several minutes: cargo test --release --test reliability -- --ignored"]
fn kill_9_thirty_times_during_a_24000_article_run() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus");
    let cctv = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/cctv_xwlb.jsonl.zst");
    let order = if cctv.exists() {
        std::fs::create_dir_all(&corpus).unwrap();
        let text = zstd::decode_all(std::fs::File::open(&cctv).unwrap()).unwrap();
        let lines: Vec<&[u8]> = text.split(|&b| b == b'\n').take(24_000).collect();
        for (part, chunk) in lines.chunks(2_000).enumerate() {
            let mut bytes = chunk.join(&b'\n');
            bytes.push(b'\n');
            std::fs::write(corpus.join(format!("cctv-{part:02}.jsonl")), bytes).unwrap();
        }
        Vec::new()
    } else {
        synthetic_corpus(&corpus, 12, 2_000)
    };
    let observed = kill_at_random_moments(
        &corpus,
        &order,
        &["--batch", "2000"],
        30,
        0x0bad_cafe,
        false,
    );
    assert_eq!(observed.len(), 30);
}

#[test]
fn a_second_writer_is_refused_at_once_naming_the_first_and_a_killed_one_blocks_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus");
    let order = synthetic_corpus(&corpus, 4, 600);
    let index = dir.path().join("index");
    let path = corpus.to_str().unwrap();
    let mut first = spawn_index(
        &index,
        &[path, "--threads", "1", "--batch", "100"],
        &dir.path().join("logs"),
    );
    let lock = index.join("baoku-writer.lock");
    let pid = first.id().to_string();
    assert!(
        wait_for(Duration::from_secs(60), || {
            std::fs::read_to_string(&lock).is_ok_and(|text| text.trim() == pid)
        }),
        "the first writer never wrote its pid"
    );

    let started = Instant::now();
    let second = run(&index, &["index", path]);
    let err = stderr(&second);
    assert!(
        first.try_wait().unwrap().is_none(),
        "the first writer ended too soon to test"
    );
    assert_eq!(second.status.code(), Some(2), "{err}");
    assert!(started.elapsed() < Duration::from_secs(10), "not at once");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("is in use") && err.contains(&format!("baoku process {pid}")),
        "{err}"
    );

    // A killed writer leaves its lock file, which must not block the next run.
    first.kill().unwrap();
    first.wait().unwrap();
    assert!(lock.exists());
    let output = run(&index, &["index", path]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(articles(&index), order.len() as u64);
}

#[test]
fn searches_during_indexing_answer_from_the_last_commit_and_never_fail() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus");
    let order = synthetic_corpus(&corpus, 6, 400);
    let index = dir.path().join("index");
    // Small batches: many commits, and merges running behind them.
    let mut writer = spawn_index(
        &index,
        &[corpus.to_str().unwrap(), "--threads", "1", "--batch", "50"],
        &dir.path().join("logs"),
    );
    assert!(wait_for(Duration::from_secs(60), || index
        .join("meta.json")
        .exists()));

    let archive = baoku::Archive::open(&index).unwrap();
    let (mut searches, mut last_total, mut last_seen) = (0, 0u64, 0u64);
    while writer.try_wait().unwrap().is_none() {
        // Another process: the command a user types.
        let output = run(&index, &["search", "--json", "--limit", "1", "乡村振兴"]);
        assert!(
            matches!(output.status.code(), Some(0 | 1)),
            "search failed during indexing: {}",
            stderr(&output)
        );
        let results: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        let total = results["total"].as_u64().unwrap();
        assert!(total >= last_total, "a search went back in time");
        last_total = total;
        // This process: a reader that reloads as commits come.
        archive.reload().unwrap();
        let seen = archive.num_articles();
        assert!(seen >= last_seen);
        last_seen = seen;
        let request = baoku::SearchRequest::new("收入");
        archive.search(&request).unwrap();
        searches += 1;
    }
    assert!(writer.wait().unwrap().success());
    assert!(
        searches >= 3,
        "only {searches} searches ran during indexing"
    );
    assert_eq!(articles(&index), order.len() as u64);
    eprintln!("{searches} searches during indexing, totals up to {last_total}");
}

#[test]
fn a_write_error_during_a_commit_is_one_line_and_keeps_the_previous_commit() {
    let dir = tempfile::tempdir().unwrap();
    let first = dir.path().join("first");
    let second = dir.path().join("second");
    let order_first = synthetic_corpus(&first, 1, 300);
    synthetic_corpus_named(&second, "s", 2, 500);
    let index = dir.path().join("index");
    let output = run(&index, &["index", first.to_str().unwrap()]);
    assert!(output.status.success(), "{}", stderr(&output));
    let before = articles(&index);
    assert_eq!(before, order_first.len() as u64);
    let first_ids: HashSet<String> = ids(&index).into_iter().collect();

    // The disk "fills up" at once, or part of the way into the next run's writes
    // (about 500 kB for the batches, as much again for the merge into one segment):
    // in the first batch, the second, or the merge after the last commit, which once
    // said wrongly that the batch was lost. Each budget starts from the first commit,
    // in a copy.
    let mut write_failures = 0;
    let mut failed_copy = None;
    for budget in [
        "0", "100000", "300000", "400000", "600000", "800000", "1000000",
    ] {
        let copy = dir.path().join(format!("index-{budget}"));
        copy_files(&index, &copy);
        let output = baoku(&copy)
            .env("BAOKU_TEST_FAIL_WRITES_AFTER", budget)
            .args(["index", "--batch", "400", second.to_str().unwrap()])
            .output()
            .unwrap();
        let err = stderr(&output);
        assert_eq!(err.lines().count(), 1, "budget {budget}: {err}");
        let (code, said) = check(&copy);
        assert_eq!(code, 0, "budget {budget}: {said}");
        let after = articles(&copy);
        let held: HashSet<String> = ids(&copy).into_iter().collect();
        assert!(
            first_ids.is_subset(&held),
            "budget {budget}: the first commit is damaged"
        );
        eprintln!(
            "write error after {budget} bytes: {before} articles before, {after} after: {err}"
        );
        if output.status.success() {
            // The writes fitted in the budget after all: a complete run.
            assert_eq!(after, before + 1000, "budget {budget}: {err}");
            continue;
        }
        assert_eq!(output.status.code(), Some(2), "budget {budget}: {err}");
        assert!(err.contains("No space left on device"), "{err}");
        // What the message says is what the index holds.
        if err.contains("could not write the index") {
            assert!(err.contains("the index holds its last commit"), "{err}");
            assert!(
                after >= before && after < before + 1000,
                "budget {budget}: {after} articles after: {err}"
            );
            write_failures += 1;
            failed_copy = Some(copy);
        } else {
            assert!(
                err.contains("could not merge the index")
                    && err.contains("every article is committed"),
                "{err}"
            );
            assert_eq!(after, before + 1000, "budget {budget}: {err}");
        }
    }
    // Nothing can be written at 0 bytes, nor a batch's segment at 100 kB.
    assert!(
        write_failures >= 2,
        "only {write_failures} runs failed to write"
    );

    // With room again, the same command completes the work.
    let index = failed_copy.unwrap();
    let output = run(&index, &["index", second.to_str().unwrap()]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(articles(&index), before + 1000);
    assert_eq!(check(&index).0, 0);
}

/// Copies the files of the index folder `from` into a new folder `to`.
fn copy_files(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        if entry.file_type().unwrap().is_file() {
            std::fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
        }
    }
}

/// Ctrl-C (SIGINT) or SIGTERM in the middle of a batch: the articles read so far are
/// committed, the command says so in one line and exits 130; running it again
/// completes the work.
fn interrupt_commits_the_current_batch(signal_name: &str) {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus");
    // Enough that an optimised build is still reading when the signal comes, on a
    // quiet machine too (~17,000 short articles a second on one thread: 18,000 were
    // once all indexed before it).
    let order = synthetic_corpus(&corpus, 6, 8000);
    let index = dir.path().join("index");
    let path = corpus.to_str().unwrap();
    let logs = dir.path().join("logs");
    // One batch for the whole run: without the interrupt nothing is committed early.
    let mut child = spawn_index(
        &index,
        &[path, "--threads", "1", "--batch", "100000"],
        &logs,
    );
    assert!(wait_for(Duration::from_secs(60), || {
        index.join("baoku-writer.lock").exists()
    }));
    // A run first reads its inputs once to learn each source's furniture, then again
    // to index them: the signal must come in the second reading, so wait until the
    // process has read more than the corpus (`rchar` of /proc/PID/io).
    let corpus_bytes: u64 = std::fs::read_dir(&corpus)
        .unwrap()
        .map(|entry| entry.unwrap().metadata().unwrap().len())
        .sum();
    let io = format!("/proc/{}/io", child.id());
    let read_so_far = || -> u64 {
        std::fs::read_to_string(&io)
            .ok()
            .and_then(|text| {
                text.lines()
                    .find_map(|line| line.strip_prefix("rchar: "))
                    .and_then(|n| n.trim().parse().ok())
            })
            .unwrap_or(0)
    };
    assert!(
        wait_for(Duration::from_secs(60), || read_so_far()
            > corpus_bytes + corpus_bytes / 10),
        "the run never began its second reading"
    );
    std::thread::sleep(Duration::from_millis(200));
    signal(child.id(), signal_name);
    let status = child.wait().unwrap();
    let err = std::fs::read_to_string(logs.join("stderr")).unwrap();
    assert_eq!(status.code(), Some(130), "{err}");
    let said: Vec<&str> = err.lines().filter(|l| l.contains("interrupted")).collect();
    assert_eq!(said.len(), 1, "{err}");
    assert!(said[0].contains("committed the current batch"), "{err}");
    let held = articles(&index);
    assert!(
        held > 0 && held < order.len() as u64,
        "{held} articles: the interrupt came too late or too early"
    );
    assert!(said[0].contains(&format!("{held} articles")), "{err}");
    assert_eq!(check(&index).0, 0);

    let output = run(&index, &["index", path]);
    assert!(output.status.success(), "{}", stderr(&output));
    let all = ids(&index);
    assert_eq!(all.len(), order.len());
    assert_eq!(all.iter().collect::<HashSet<_>>().len(), order.len());
    eprintln!(
        "SIG{signal_name}: {held} articles committed at the interrupt, {} after the rerun",
        all.len()
    );
}

#[test]
fn ctrl_c_commits_the_current_batch_and_says_so() {
    interrupt_commits_the_current_batch("INT");
}

#[test]
fn sigterm_commits_the_current_batch_and_says_so() {
    interrupt_commits_the_current_batch("TERM");
}

#[test]
fn check_names_damaged_files_and_the_command_that_repairs_them() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus");
    synthetic_corpus(&corpus, 1, 50);
    let index = dir.path().join("index");
    assert!(run(&index, &["index", corpus.to_str().unwrap()])
        .status
        .success());
    let (code, said) = check(&index);
    assert_eq!(code, 0, "{said}");
    assert!(said.contains("healthy: 50 articles"), "{said}");

    // Flip one byte in the middle of the document store.
    let store = std::fs::read_dir(&index)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "store"))
        .unwrap();
    let mut bytes = std::fs::read(&store).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0xff;
    std::fs::write(&store, bytes).unwrap();
    let (code, said) = check(&index);
    assert_eq!(code, 1, "{said}");
    assert!(
        said.contains("damaged") && said.contains("checksum"),
        "{said}"
    );
    assert!(said.contains("index --rebuild"), "{said}");

    // Another analyzer version is named too.
    let version = index.join("baoku.json");
    let text = std::fs::read_to_string(&version).unwrap();
    std::fs::write(
        &version,
        text.replace("\"analyzer_version\": ", "\"analyzer_version\": 9"),
    )
    .unwrap();
    let (code, said) = check(&index);
    assert_eq!(code, 1, "{said}");
    assert!(said.contains("analyzer v9"), "{said}");

    // Nothing there at all is an error, not a damaged index.
    let (code, said) = check(&dir.path().join("nothing"));
    assert_eq!(code, 2, "{said}");
}
