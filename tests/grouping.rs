//! End-to-end tests of fingerprint identity and grouping through the binary: a fingerprint
//! is a function of its event alone, the template store keeps a fingerprint in its group
//! whatever else a run reads, a person's merges and splits hold, and decisions made under
//! fingerprint version 1 are kept and found.

use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

fn logtriage(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_logtriage"))
        .args(args)
        .output()
        .expect("logtriage runs")
}

fn write(dir: &Path, name: &str, body: &str) -> String {
    let p = dir.join(name);
    std::fs::write(&p, body).unwrap();
    p.to_str().unwrap().to_string()
}

/// `fingerprint --format raw` over `files`: per line (file name, line) its fingerprint and
/// group.
fn groups(files: &[&str], decisions: Option<&str>) -> BTreeMap<(String, u64), (String, String)> {
    let mut args = vec!["fingerprint", "--format", "raw"];
    if let Some(d) = decisions {
        args.extend(["--decisions", d]);
    }
    args.extend(files);
    let o = logtriage(&args);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8(o.stdout)
        .unwrap()
        .lines()
        .map(|l| {
            let v: Value = serde_json::from_str(l).unwrap();
            let file = Path::new(v["file"].as_str().unwrap())
                .file_name()
                .unwrap()
                .to_string_lossy()
                .into_owned();
            (
                (file, v["line"].as_u64().unwrap()),
                (
                    v["fingerprint"].as_str().unwrap().to_string(),
                    v["group"].as_str().unwrap().to_string(),
                ),
            )
        })
        .collect()
}

#[test]
fn one_segfault_from_six_hosts_is_one_group_and_its_fingerprint_never_depends_on_the_run() {
    let dir = tempfile::tempdir().unwrap();
    let hosts = [
        "web1001",
        "web1002",
        "db2003",
        "thumbor1004",
        "mw2005",
        "cp3006",
    ];
    let files: Vec<String> = hosts
        .iter()
        .enumerate()
        .map(|(i, h)| {
            write(
                dir.path(),
                &format!("{h}.log"),
                &format!(
                    "{h} kernel: php-fpm[{}]: segfault at {:x} ip 00007f3a{:04x} sp 00007ffd{:04x} error 4 in libc-2.31.so[7f3a{:04x}+1bc000]\n",
                    1000 + i * 37,
                    i * 8,
                    i * 4099,
                    i * 77,
                    i * 13
                ),
            )
        })
        .collect();
    let all: Vec<&str> = files.iter().map(String::as_str).collect();
    let together = groups(&all, None);
    let distinct: std::collections::BTreeSet<&String> = together.values().map(|v| &v.1).collect();
    assert_eq!(distinct.len(), 1, "{together:?}");
    // Each host's file read alone gives its line the fingerprint it has in the whole run.
    for f in &all {
        for (k, v) in groups(&[f], None) {
            assert_eq!(together[&k].0, v.0, "{k:?}");
        }
    }
}

/// Three drivers on day 1 (too few values for mining to call the word a variable), five
/// on day 2 (enough): with a decisions file, day 1's lines keep their groups on day 2.
#[test]
fn the_template_store_keeps_a_fingerprint_in_its_group_on_later_days() {
    let dir = tempfile::tempdir().unwrap();
    let line = |d: &str| format!("usbcore: registered new interface driver {d}\n");
    let day1: String = ["hub", "usbfs", "usbhid"].iter().map(|d| line(d)).collect();
    let day2: String = ["hub", "usbfs", "usbhid", "btusb", "uvcvideo"]
        .iter()
        .map(|d| line(d))
        .collect();
    let d1 = write(dir.path(), "day1.log", &day1);
    let d2 = write(dir.path(), "day2.log", &day2);
    let decisions = dir.path().join("decisions.json");
    let decisions = decisions.to_str().unwrap();

    let first = groups(&[&d1], Some(decisions));
    let first_groups: std::collections::BTreeSet<&String> = first.values().map(|v| &v.1).collect();
    assert_eq!(
        first_groups.len(),
        3,
        "three values are three errors: {first:?}"
    );
    assert!(
        Path::new(&format!("{decisions}.groups")).exists(),
        "the run remembered its groups"
    );

    let second = groups(&[&d2], Some(decisions));
    for line in 1..=3 {
        let (fp, group) = &first[&("day1.log".to_string(), line)];
        let (fp2, group2) = &second[&("day2.log".to_string(), line)];
        assert_eq!(fp, fp2, "fingerprints are the event's alone");
        assert_eq!(group, group2, "line {line} kept its group");
    }
    // The two new drivers were mined with the known ones and joined one of their groups.
    let new_groups: std::collections::BTreeSet<&String> = (4..=5)
        .map(|l| &second[&("day2.log".to_string(), l)].1)
        .collect();
    assert_eq!(new_groups.len(), 1);
    assert!(first_groups.contains(new_groups.iter().next().unwrap()));

    // Without the store, mining alone regroups day 2: all five are one group.
    let fresh = groups(&[&d2], None);
    let fresh_groups: std::collections::BTreeSet<&String> = fresh.values().map(|v| &v.1).collect();
    assert_eq!(fresh_groups.len(), 1, "{fresh:?}");
}

#[test]
fn a_persons_merge_and_split_hold_in_later_runs() {
    let dir = tempfile::tempdir().unwrap();
    let log = write(
        dir.path(),
        "a.log",
        "disk full on sda\nquota exceeded for volume home\n",
    );
    let decisions = dir.path().join("d.json");
    let decisions = decisions.to_str().unwrap();
    let before = groups(&[&log], Some(decisions));
    let a = before[&("a.log".to_string(), 1)].0.clone();
    let b = before[&("a.log".to_string(), 2)].0.clone();
    assert_ne!(
        before[&("a.log".to_string(), 1)].1,
        before[&("a.log".to_string(), 2)].1
    );

    let o = logtriage(&["decide", "--merge", &a, &b, "--file", decisions]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let merged = groups(&[&log], Some(decisions));
    assert_eq!(merged[&("a.log".to_string(), 2)].1, a, "b joined a's group");
    assert_eq!(
        merged[&("a.log".to_string(), 2)].0,
        b,
        "b keeps its fingerprint"
    );

    let o = logtriage(&["decide", "--split", &b, "--file", decisions]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let split = groups(&[&log], Some(decisions));
    assert_eq!(split[&("a.log".to_string(), 2)].1, b);

    let o = logtriage(&["decide", "--merge", &a, "--file", decisions]);
    assert!(!o.status.success(), "a merge needs two fingerprints");
}

#[test]
fn a_version_1_decisions_file_keeps_every_decision() {
    let dir = tempfile::tempdir().unwrap();
    let line = |v: &str, n: u32| {
        format!("2026-11-18T19:00:{n:02}Z ERROR [{v}] Found child {n}453 in scoreboard slot 8\n")
    };
    let before: String = (0..3).map(|n| line("1.0", n)).collect();
    let after: String = (0..5).map(|n| line("1.1", n)).collect();
    let before = write(dir.path(), "before.log", &before);
    let after = write(dir.path(), "after.log", &after);
    // Keyed as version 1 keyed them: FNV of ("1", "message", the mined template, origin),
    // the template being the title it stored. The second was never seen again.
    let v1 = r#"{
  "format": "logtriage-decisions",
  "version": 1,
  "fingerprint_version": 1,
  "decisions": {
    "0001110291941870": {"title": "Found child <*> in scoreboard slot <*>", "mark": "known", "owner_team": "serviceops",
      "notes": [{"at": "2026-11-01T00:00:00Z", "by": "ann", "text": "apache restarts"}]},
    "00000000000000aa": {"title": "never seen again", "mark": "ignored"}
  }
}"#;
    let decisions = write(dir.path(), "d.json", v1);
    let o = logtriage(&[
        "diff",
        &before,
        &after,
        "--decisions",
        &decisions,
        "--format",
        "json",
    ]);
    let err = String::from_utf8_lossy(&o.stderr);
    let report: Value = serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {err}"));
    let group = report["groups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["title"].as_str().unwrap().starts_with("Found child"))
        .expect("the group");
    assert_eq!(group["decision"]["mark"], "known", "{group}");
    assert_eq!(group["decision"]["owner_team"], "serviceops");
    assert_eq!(group["decision"]["notes"][0]["text"], "apache restarts");
    assert!(
        err.contains("1 decision(s) made under fingerprint version 1 moved"),
        "{err}"
    );
    assert!(
        err.contains("1 decision(s) made under fingerprint version 1 are kept"),
        "{err}"
    );

    let file: Value = serde_json::from_str(&std::fs::read_to_string(&decisions).unwrap()).unwrap();
    assert_eq!(file["fingerprint_version"], 2);
    let fp = group["fingerprint"].as_str().unwrap();
    assert_eq!(file["decisions"][fp]["mark"], "known");
    assert_eq!(
        file["version1"]["00000000000000aa"]["mark"], "ignored",
        "{file}"
    );
}

#[test]
fn every_report_format_lists_a_groups_fingerprints_the_same_way() {
    let dir = tempfile::tempdir().unwrap();
    let line = |d: &str| format!("ERROR usbcore: registered new interface driver {d}\n");
    let steady = "ERROR disk full on sda\n".repeat(3);
    let before = write(dir.path(), "before.log", &steady);
    let after: String = ["hub", "usbfs", "usbhid", "btusb", "uas"]
        .iter()
        .map(|d| line(d))
        .collect::<String>()
        + &steady;
    let after = write(dir.path(), "after.log", &after);
    let holds = |format: &str| {
        let o = logtriage(&["diff", &before, &after, "--format", format]);
        let out = String::from_utf8_lossy(&o.stdout).into_owned();
        assert!(out.contains("Holds 5 fingerprints"), "{format}: {out}");
        out.matches("template mining").count()
    };
    let counts = [holds("markdown"), holds("remarkup"), holds("html")];
    assert_eq!(counts, [4, 4, 4]);
    let o = logtriage(&["diff", &before, &after, "--format", "json"]);
    let r: Value = serde_json::from_slice(&o.stdout).unwrap();
    let group = r["groups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["title"].as_str().unwrap().starts_with("usbcore"))
        .unwrap();
    let members = group["members"].as_array().unwrap();
    assert_eq!(members.len(), 5);
    assert_eq!(
        members
            .iter()
            .filter(|m| m["joined"]["how"] == "mined")
            .count(),
        4
    );
}
