//! Real logs that programs outside this project wrote (../shared/realworld/), read as the
//! hand annotations in tests/realworld/*.events say a person reads them: where each event
//! starts and its severity. scripts/realworld-accuracy does the scoring; this runs it on
//! the binary under test and holds the figures the README states (boundary F1, warn+
//! reach, and at most 2 events annotated below warning inferred at warning or worse).

use std::path::Path;
use std::process::Command;

#[test]
fn real_logs_are_read_as_a_person_reads_them() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let logs = root.join("../shared/realworld");
    assert!(
        logs.is_dir(),
        "the real-world samples are missing at {}: they come with the repository's shared/ folder",
        logs.display()
    );
    let out = Command::new("python3")
        .arg(root.join("scripts/realworld-accuracy"))
        .args(["--bin", env!("CARGO_BIN_EXE_logtriage")])
        .arg("--logs")
        .arg(&logs)
        .args([
            "--min-f1",
            "0.99",
            "--min-reach",
            "0.99",
            "--max-noise",
            "2",
        ])
        .args(["--show", "20"])
        .output()
        .expect("python3 runs scripts/realworld-accuracy");
    let text = String::from_utf8_lossy(&out.stdout);
    let err = String::from_utf8_lossy(&out.stderr);
    println!("{text}");
    assert!(out.status.success(), "{text}\n{err}");
    assert!(text.contains("\nTOTAL\t"), "{text}");
}
