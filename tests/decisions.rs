//! The decisions file under stress, through the real binary: a `kill -9` at any moment
//! leaves a valid file holding every acknowledged decision, and concurrent instances lose
//! no update. Unix only (process groups and signals).
#![cfg(unix)]

use logtriage::decisions::DecisionStore;
use std::io::{BufRead, BufReader};
use std::os::unix::process::CommandExt;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_logtriage");
const FP: &str = "edbffc58ceb8846d";

unsafe extern "C" {
    /// POSIX kill(2), from the C library std already links.
    fn kill(pid: i32, sig: i32) -> i32;
}

/// SIGKILL to the process group led by `pgid` (the writer shell and its `logtriage`).
fn kill_group(pgid: u32) {
    let pgid = i32::try_from(pgid).expect("pid fits i32");
    assert!(pgid > 1, "refusing to signal process group {pgid}");
    // SAFETY: plain syscall with a negative pid: signals exactly that process group.
    let rc = unsafe { kill(-pgid, 9) };
    assert_eq!(rc, 0, "kill(-{pgid}, SIGKILL) failed");
}

fn notes_in(path: &std::path::Path) -> Vec<String> {
    let store = DecisionStore::open(path).expect("the decisions file is always valid");
    store
        .data
        .get(FP)
        .map(|d| d.notes.iter().map(|n| n.text.clone()).collect())
        .unwrap_or_default()
}

/// A shell loop adding notes one `logtriage decide` at a time, printing each note's number
/// once `decide` has returned (the acknowledgement).
fn writer(file: &std::path::Path, tag: &str, count: Option<u32>) -> Command {
    let limit = count.map_or("true".to_string(), |c| format!("[ $i -lt {c} ]"));
    let script = format!(
        "i=0; while {limit}; do i=$((i+1)); \"{BIN}\" decide --file \"{}\" {FP} --note {tag}$i >/dev/null 2>&1 && echo $i; done",
        file.display()
    );
    let mut c = Command::new("sh");
    c.args(["-c", &script])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .env("LOGTRIAGE_USER", tag);
    c
}

#[test]
fn kill_9_at_any_moment_keeps_every_acknowledged_decision() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("decisions.json");
    let mut acked_total = 0;
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    for round in 0..25 {
        let tag = format!("r{round}n");
        let mut child = writer(&file, &tag, None).process_group(0).spawn().unwrap();
        let pgid = child.id();
        let stdout = child.stdout.take().unwrap();
        // Kill after 20-120 ms: long enough for a few saves, at a random point in one.
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        std::thread::sleep(Duration::from_millis(20 + seed % 100));
        kill_group(pgid);
        let _ = child.wait();
        let acked: Vec<String> = BufReader::new(stdout)
            .lines()
            .map_while(Result::ok)
            .map(|n| format!("{tag}{n}"))
            .collect();
        let on_disk = notes_in(&file);
        for a in &acked {
            assert!(
                on_disk.contains(a),
                "round {round}: acknowledged note {a} is not in the file"
            );
        }
        acked_total += acked.len();
    }
    // What killed writers left behind is swept by the next save.
    let o = Command::new(BIN)
        .args(["decide", "--file"])
        .arg(&file)
        .args([FP, "--note", "after"])
        .output()
        .unwrap();
    assert!(o.status.success());
    let stray: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".tmp."))
        .collect();
    assert!(stray.is_empty(), "temp files left: {stray:?}");
    assert!(
        acked_total >= 25,
        "too few saves happened to test anything: {acked_total}"
    );
}

#[test]
fn concurrent_instances_lose_no_update() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("decisions.json");
    let start = Instant::now();
    let children: Vec<_> = (0..4)
        .map(|w| writer(&file, &format!("w{w}n"), Some(15)).spawn().unwrap())
        .collect();
    for c in children {
        let out = c.wait_with_output().unwrap();
        assert!(out.status.success());
    }
    let notes = notes_in(&file);
    assert_eq!(
        notes.len(),
        60,
        "lost updates: {} of 60 notes on disk after {:?}",
        notes.len(),
        start.elapsed()
    );
    for w in 0..4 {
        for i in 1..=15 {
            assert!(notes.contains(&format!("w{w}n{i}")));
        }
    }
}
