//! The real binary in a real terminal (tmux): a newcomer opens the demo, finds the new
//! errors, marks one as a blocker with an owner, exports the report and quits; the
//! decisions file and the exported report hold it. Needs tmux (`.ci/run` installs it).

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_logtriage");

mod support;

/// A tmux server of our own (its own socket), killed on drop even when the test fails.
struct Tmux {
    socket: String,
}

impl Tmux {
    fn start(cwd: &Path, command: &str) -> Tmux {
        Tmux::start_with_env(cwd, command, &[])
    }

    /// Starts `command` with extra environment variables (tmux -e, not the command line).
    fn start_with_env(cwd: &Path, command: &str, env: &[(&str, &str)]) -> Tmux {
        static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let socket = format!("logtriage-test-{}-{n}", std::process::id());
        let status = Command::new("tmux")
            .args([
                "-L",
                &socket,
                "new-session",
                "-d",
                "-s",
                "t",
                "-x",
                "100",
                "-y",
                "30",
            ])
            .args(
                env.iter()
                    .flat_map(|(k, v)| ["-e".to_string(), format!("{k}={v}")]),
            )
            .arg("-c")
            .arg(cwd)
            .arg(command)
            .env("TERM", "xterm-256color")
            .status()
            .expect("tmux must be installed for the end-to-end test (apt-get install tmux)");
        assert!(status.success());
        Tmux { socket }
    }

    fn screen(&self) -> String {
        let o = Command::new("tmux")
            .args(["-L", &self.socket, "capture-pane", "-p", "-t", "t"])
            .output()
            .unwrap();
        String::from_utf8_lossy(&o.stdout).into_owned()
    }

    fn keys(&self, keys: &[&str]) {
        for k in keys {
            let st = Command::new("tmux")
                .args(["-L", &self.socket, "send-keys", "-t", "t", k])
                .status()
                .unwrap();
            assert!(st.success());
            std::thread::sleep(Duration::from_millis(150));
        }
    }

    fn literal(&self, text: &str) {
        let st = Command::new("tmux")
            .args(["-L", &self.socket, "send-keys", "-t", "t", "-l", text])
            .status()
            .unwrap();
        assert!(st.success());
        std::thread::sleep(Duration::from_millis(150));
    }

    fn wait_for(&self, needle: &str) -> String {
        let start = Instant::now();
        loop {
            let s = self.screen();
            if s.contains(needle) {
                return s;
            }
            assert!(
                start.elapsed() < Duration::from_secs(30),
                "waited 30 s for {needle:?}; the screen is:\n{s}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["-L", &self.socket, "kill-server"])
            .status();
    }
}

#[test]
fn newcomer_marks_a_blocker_with_an_owner_and_exports_the_report() {
    let dir = tempfile::tempdir().unwrap();
    // `; echo EXITED $?` shows the exit status once the TUI is gone.
    let tmux = Tmux::start(dir.path(), &format!("{BIN} demo; echo EXITED $?; sleep 30"));
    let screen = tmux.wait_for("Groups 14/14");
    assert!(screen.contains("NEW 4"), "{screen}");
    // The first rows are the new errors; move to the second and make it a blocker.
    tmux.keys(&["j", "b"]);
    tmux.wait_for("blockers 1");
    tmux.keys(&["o"]);
    tmux.wait_for("Owner team/person");
    tmux.literal("Search/ann");
    tmux.keys(&["Enter"]);
    let screen = tmux.wait_for("owner ann");
    assert!(screen.contains("BLOCKER"), "{screen}");
    tmux.keys(&["e"]);
    tmux.wait_for("report written to");
    tmux.keys(&["q"]);
    tmux.wait_for("EXITED 0");

    let decisions: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("logtriage-decisions.json")).unwrap(),
    )
    .unwrap();
    let (fp, d) = decisions["decisions"]
        .as_object()
        .unwrap()
        .iter()
        .next()
        .unwrap();
    assert_eq!(d["mark"], "blocker");
    assert_eq!(d["train"], "1.46.0-wmf.4");
    assert_eq!(d["owner_team"], "Search");
    assert_eq!(d["owner_person"], "ann");
    let report =
        std::fs::read_to_string(dir.path().join("logtriage-report-1.46.0-wmf.4.md")).unwrap();
    assert!(report.contains("## Open blockers (1)"), "{report}");
    assert!(
        report.contains("blocker · Search/ann") && report.contains(fp.as_str()),
        "{report}"
    );
}

#[test]
fn sigterm_restores_the_terminal() {
    let dir = tempfile::tempdir().unwrap();
    // After the TUI exits, print whether the tty is back in canonical (cooked) mode.
    let tmux = Tmux::start(
        dir.path(),
        &format!("{BIN} demo; echo EXITED $?; stty -a | grep -o -- '-\\?icanon'; sleep 30"),
    );
    tmux.wait_for("Groups 14/14");
    let pane = Command::new("tmux")
        .args([
            "-L",
            &tmux.socket,
            "display",
            "-p",
            "-t",
            "t",
            "#{pane_pid}",
        ])
        .output()
        .unwrap();
    let shell = String::from_utf8_lossy(&pane.stdout).trim().to_string();
    let child = Command::new("pgrep").args(["-P", &shell]).output().unwrap();
    let pid = String::from_utf8_lossy(&child.stdout)
        .lines()
        .next()
        .expect("the TUI's pid")
        .to_string();
    assert!(
        Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success()
    );
    let screen = tmux.wait_for("canon");
    assert!(screen.contains("EXITED 0"), "{screen}");
    assert!(
        screen.lines().any(|l| l.trim() == "icanon"),
        "the terminal was left in raw mode:\n{screen}"
    );
}

/// The end-to-end case: a blocker marked in the TUI becomes a task in the
/// configured tracker (Phabricator's Conduit, served from recorded answers) as a subtask
/// of the train's blocker task, with a redacted Phatality body; the task's link lands in
/// the decision and in the exported report.
#[test]
fn a_blocker_marked_in_the_tui_is_filed_in_phabricator_and_linked() {
    use support::{Reply, serve_replies};
    let dir = tempfile::tempdir().unwrap();
    let logs = support::write_demo(dir.path()).join(" ");
    let (addr, seen) = serve_replies(
        "phabricator",
        vec![
            Reply::new(200, "parent.json"),
            Reply::new(200, "none.json"),
            Reply::new(200, "project-search.json"),
            Reply::new(200, "edit.json"),
        ],
    );
    std::fs::write(
        dir.path().join("config.toml"),
        format!(
            "[tracker]\nkind = 'phabricator'\nurl = 'http://{addr}'\ntoken_env = 'LT_TOKEN'\ntags = ['wikimedia-production-error']\nparent_title = '{{version}} deployment blockers'\n"
        ),
    )
    .unwrap();
    let tmux = Tmux::start_with_env(
        dir.path(),
        &format!("{BIN} --config config.toml {logs}; echo EXITED $?; sleep 30"),
        &[("LT_TOKEN", "api-CANARYtui0000000000000000000")],
    );
    tmux.wait_for("Groups 14/14");
    tmux.keys(&["b"]);
    tmux.wait_for("blockers 1");
    tmux.keys(&["F"]);
    let preview = tmux.wait_for("Parent    T400004");
    assert!(
        preview.contains("Redacted  6 URL query values"),
        "{preview}"
    );
    assert!(preview.contains("==== Error ===="), "{preview}");
    tmux.keys(&["y"]);
    tmux.wait_for(&format!("filed T412345 http://{addr}/T412345"));
    tmux.keys(&["e"]);
    tmux.wait_for("report written to");
    tmux.keys(&["q"]);
    let end = tmux.wait_for("EXITED 0");
    assert!(!end.contains("CANARY"));

    let reqs = seen.lock().unwrap().clone();
    assert_eq!(reqs.len(), 4, "{reqs:?}");
    let edit = &reqs[3];
    assert_eq!(edit.line, "POST /api/maniphest.edit HTTP/1.1");
    assert!(edit.body.contains("transactions%5B3%5D%5Btype%5D=parents.add&transactions%5B3%5D%5Bvalue%5D%5B0%5D=PHID-TASK-blockers4"), "{}", edit.body);
    assert!(
        edit.body.contains("title%3D%5Bredacted%5D"),
        "redacted query values: {}",
        edit.body
    );
    let decisions: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("logtriage-decisions.json")).unwrap(),
    )
    .unwrap();
    let (_, d) = decisions["decisions"]
        .as_object()
        .unwrap()
        .iter()
        .next()
        .unwrap();
    let url = format!("http://{addr}/T412345");
    assert_eq!(d["mark"], "blocker");
    assert_eq!(d["task"], url.as_str());
    let report =
        std::fs::read_to_string(dir.path().join("logtriage-report-1.46.0-wmf.4.md")).unwrap();
    assert!(report.contains("## Open blockers (1)"), "{report}");
    assert!(report.contains(&format!("blocker · {url}")), "{report}");
    let html =
        std::fs::read_to_string(dir.path().join("logtriage-report-1.46.0-wmf.4.html")).unwrap();
    assert!(
        html.contains(&format!("<a href=\"{url}\">")),
        "the HTML report links it"
    );
}

/// `logtriage file` on a terminal asks before filing; `e` edits the title first.
#[test]
fn file_on_a_terminal_asks_and_lets_the_title_be_edited() {
    use support::{Reply, serve_replies};
    let dir = tempfile::tempdir().unwrap();
    let logs = support::write_demo(dir.path()).join(" ");
    let (addr, seen) = serve_replies(
        "github",
        vec![
            Reply::new(200, "search-empty.json"),
            Reply::new(201, "created.json"),
        ],
    );
    std::fs::write(
        dir.path().join("config.toml"),
        format!(
            "[tracker]\nkind = 'github'\nurl = 'http://{addr}'\nproject = 'example/app'\ntoken_env = 'LT_TOKEN'\n"
        ),
    )
    .unwrap();
    let tmux = Tmux::start_with_env(
        dir.path(),
        &format!(
            "{BIN} file edbffc58ceb8846d --config config.toml {logs}; echo EXITED $?; sleep 30"
        ),
        &[("LT_TOKEN", "ghp_CANARY000000000000000000000000000000")],
    );
    tmux.wait_for("[y]es, [n]o, [e]dit the title:");
    tmux.keys(&["e", "Enter"]);
    tmux.wait_for("title:");
    tmux.literal("Parser output is null on view");
    tmux.keys(&["Enter"]);
    tmux.wait_for("file \"Parser output is null on view\"?");
    tmux.keys(&["y", "Enter"]);
    let end = tmux.wait_for("EXITED 0");
    assert!(
        end.contains("filed #42 https://github.com/example/app/issues/42"),
        "{end}"
    );
    let reqs = seen.lock().unwrap().clone();
    let created: serde_json::Value = serde_json::from_str(&reqs[1].body).unwrap();
    assert_eq!(created["title"], "Parser output is null on view");
}
