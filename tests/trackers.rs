//! `logtriage file` against each tracker's documented API — Phabricator Conduit, GitHub
//! REST, GitLab REST v4, Jira REST v2/v3 — served from recorded answers by a local HTTP
//! server that records the exact requests. No tracker can be installed on these machines,
//! so this tests the protocol: methods, paths, headers, bodies, the parent link, duplicate
//! search, 401 / 404 / 422 / rate limits / timeouts, a lost answer reconciled without a
//! second task, and the token never leaking.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Duration;

mod support;
use support::{Reply, Request, serve_replies};

const BIN: &str = env!("CARGO_BIN_EXE_logtriage");
/// Every test's token: it must never appear outside the requests.
const TOKEN: &str = "api-CANARYphab7f3a9c1e";

struct Train {
    _dir: tempfile::TempDir,
    dir: PathBuf,
    logs: Vec<String>,
    /// The demo's new TypeError group.
    fp: String,
}

fn train() -> Train {
    let dir = tempfile::tempdir().unwrap();
    let logs = support::write_demo(dir.path());
    let o = Command::new(BIN)
        .args(["report", "--format", "json"])
        .args(&logs)
        .output()
        .unwrap();
    let r: Value = serde_json::from_slice(&o.stdout).unwrap();
    let fp = r["groups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| {
            g["title"]
                .as_str()
                .unwrap()
                .contains("ParserOutput::getText")
        })
        .unwrap()["fingerprint"]
        .as_str()
        .unwrap()
        .to_string();
    Train {
        dir: dir.path().to_path_buf(),
        _dir: dir,
        logs,
        fp,
    }
}

impl Train {
    fn config(&self, tracker: &str) -> PathBuf {
        let p = self.dir.join("config.toml");
        let text = format!(
            "{tracker}\n[[code_links]]\nmatch = '^/srv/mediawiki/php-(?P<v>[^/]+)/(?P<path>.+)$'\nurl = 'https://gerrit.example/r/plugins/gitiles/mediawiki/core/+blame/refs/heads/wmf/{{v}}/{{path}}#{{line}}'\n"
        );
        std::fs::write(&p, text).unwrap();
        p
    }

    fn decisions(&self) -> PathBuf {
        self.dir.join("decisions.json")
    }

    /// `logtriage file --group FP ARGS... LOGS` with the token in the environment.
    fn file(&self, config: &Path, args: &[&str]) -> Output {
        let o = Command::new(BIN)
            .args(["file", "--group", &self.fp, "--config"])
            .arg(config)
            .arg("--decisions")
            .arg(self.decisions())
            .args(args)
            .args(&self.logs)
            .env("LT_TOKEN", TOKEN)
            .env("LT_EMAIL", "bot@example.org")
            .output()
            .unwrap();
        assert_no_leak(&o, &self.decisions());
        o
    }

    fn decision(&self) -> Value {
        let d: Value =
            serde_json::from_str(&std::fs::read_to_string(self.decisions()).unwrap()).unwrap();
        d["decisions"][&self.fp].clone()
    }
}

fn err(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn out(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn assert_no_leak(o: &Output, decisions: &Path) {
    for text in [
        out(o),
        err(o),
        std::fs::read_to_string(decisions).unwrap_or_default(),
    ] {
        assert!(!text.contains("CANARY"), "the token leaked: {text}");
    }
}

fn header<'a>(r: &'a Request, name: &str) -> Option<&'a str> {
    r.headers
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// Form fields of a Conduit request, decoded.
fn form(body: &str) -> Vec<(String, String)> {
    support::form_pairs(body)
}

fn decode(s: &str) -> String {
    support::percent_decode(s)
}

fn field<'a>(f: &'a [(String, String)], k: &str) -> Option<&'a str> {
    f.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str())
}

fn phabricator(addr: &str, extra: &str) -> String {
    format!(
        "[tracker]\nkind = 'phabricator'\nurl = 'http://{addr}'\ntoken_env = 'LT_TOKEN'\ntags = ['wikimedia-production-error']\npriority = 'unbreak'\ntimeout_secs = 1\n{extra}\n"
    )
}

#[test]
fn phabricator_files_a_subtask_of_the_blocker_task_in_the_phatality_format() {
    let t = train();
    let (addr, seen) = serve_replies(
        "phabricator",
        vec![
            Reply::new(200, "parent.json"),
            Reply::new(200, "none.json"),
            Reply::new(200, "project-search.json"),
            Reply::new(200, "edit.json"),
        ],
    );
    let cfg = t.config(&phabricator(
        &addr,
        "parent_title = '{version} deployment blockers'",
    ));
    let o = t.file(&cfg, &["--yes"]);
    assert!(o.status.success(), "{}", err(&o));
    assert!(
        out(&o).contains(&format!("{}: filed T412345 http://{addr}/T412345", t.fp)),
        "{}",
        out(&o)
    );
    // The preview named the destination, parent and redactions.
    assert!(
        err(&o).contains("parent: T400004 1.46.0-wmf.4 deployment blockers"),
        "{}",
        err(&o)
    );
    assert!(err(&o).contains("redacted: "), "{}", err(&o));
    let reqs = seen.lock().unwrap().clone();
    assert_eq!(reqs.len(), 4);
    for r in &reqs {
        assert!(r.line.starts_with("POST /api/"), "{}", r.line);
        assert!(!r.line.contains("CANARY"), "token in the URL: {}", r.line);
        assert_eq!(
            header(r, "content-type"),
            Some("application/x-www-form-urlencoded")
        );
        assert_eq!(field(&form(&r.body), "api.token"), Some(TOKEN));
    }
    let search = form(&reqs[0].body);
    assert_eq!(reqs[0].line, "POST /api/maniphest.search HTTP/1.1");
    assert_eq!(
        field(&search, "constraints[query]"),
        Some("1.46.0-wmf.4 deployment blockers")
    );
    assert_eq!(field(&search, "constraints[statuses][0]"), Some("open"));
    assert_eq!(reqs[2].line, "POST /api/project.search HTTP/1.1");
    assert_eq!(
        field(&form(&reqs[2].body), "constraints[slugs][0]"),
        Some("wikimedia-production-error")
    );
    assert_eq!(reqs[3].line, "POST /api/maniphest.edit HTTP/1.1");
    let edit = form(&reqs[3].body);
    let tx =
        |i: usize, k: &str| field(&edit, &format!("transactions[{i}][{k}]")).map(str::to_string);
    assert_eq!(tx(0, "type").as_deref(), Some("title"));
    assert!(
        tx(0, "value")
            .unwrap()
            .starts_with("TypeError: MediaWiki\\Parser\\ParserOutput::getText()")
    );
    assert_eq!(tx(1, "type").as_deref(), Some("description"));
    let body = tx(1, "value").unwrap();
    assert!(
        body.starts_with("==== Error ====\n\n* version: `1.46.0-wmf.4`\n"),
        "{body}"
    );
    assert!(body.contains("```name=message,lines=10\n"), "{body}");
    assert!(body.contains("| Frame | Location | Call"), "{body}");
    assert!(
        body.contains("| `#0` | `/srv/mediawiki/php-1.46.0-wmf.4/includes/parser/ParserOutput.php(512)` [[ https://gerrit.example/r/plugins/gitiles/mediawiki/core/+blame/refs/heads/wmf/1.46.0-wmf.4/"),
        "frame links to the code browser: {body}"
    );
    assert!(body.contains("title=[redacted]"), "{body}");
    assert_eq!(tx(2, "type").as_deref(), Some("projects.add"));
    assert_eq!(
        field(&edit, "transactions[2][value][0]"),
        Some("PHID-PROJ-wmprodERR")
    );
    assert_eq!(tx(3, "type").as_deref(), Some("parents.add"));
    assert_eq!(
        field(&edit, "transactions[3][value][0]"),
        Some("PHID-TASK-blockers4")
    );
    assert_eq!(tx(4, "type").as_deref(), Some("priority"));
    assert_eq!(tx(4, "value").as_deref(), Some("unbreak"));
    // The decision holds the task, and the filing's marker is the one in the body.
    let d = t.decision();
    let url = format!("http://{addr}/T412345");
    assert_eq!(d["task"], url.as_str());
    let marker = d["filing"]["marker"].as_str().unwrap();
    assert!(body.contains(&format!("Filing id: {marker}")), "{body}");
    assert_eq!(d["filing"]["task"], url.as_str());
    // The report links it.
    let o = Command::new(BIN)
        .args(["report", "--format", "markdown", "--decisions"])
        .arg(t.decisions())
        .args(&t.logs)
        .output()
        .unwrap();
    assert!(out(&o).contains(&url), "{}", out(&o));
    // Filing again does not create a second task.
    let o = t.file(&cfg, &["--yes"]);
    assert!(out(&o).contains("already filed as"), "{}", out(&o));
}

#[test]
fn phabricator_parent_from_the_train_blockers_api_and_a_lost_answer_reconciled() {
    let t = train();
    let (addr, seen) = serve_replies(
        "phabricator",
        vec![
            // First run: the create's answer never comes (client timeout 1 s).
            Reply::new(200, "train-blockers.json"),
            Reply::new(200, "parent.json"),
            Reply::new(200, "none.json"),
            Reply::new(200, "project-search.json"),
            Reply::new(200, "edit.json").after(Duration::from_millis(2500)),
            // Second run: the marker search, first of all, finds the task; nothing else
            // is asked and nothing is created.
            Reply::new(200, "filed.json"),
        ],
    );
    let extra = format!("parent_api = 'http://{addr}/api.php'");
    let cfg = t.config(&phabricator(&addr, &extra));
    let o = t.file(&cfg, &["--yes"]);
    assert_eq!(o.status.code(), Some(2), "{}", err(&o));
    assert!(err(&o).contains("timed out"), "{}", err(&o));
    assert!(
        err(&o).contains("may or may not have been created"),
        "{}",
        err(&o)
    );
    let pending = t.decision();
    let marker = pending["filing"]["marker"].as_str().unwrap().to_string();
    assert!(pending["filing"]["task"].is_null());
    assert!(pending["task"].is_null());
    // The server answers one connection at a time: let it finish the abandoned answer.
    std::thread::sleep(Duration::from_millis(1800));
    let o = t.file(&cfg, &["--yes"]);
    assert!(o.status.success(), "{}", err(&o));
    assert!(
        out(&o).contains("found the task an earlier attempt had filed: T412345"),
        "{}",
        out(&o)
    );
    let reqs = seen.lock().unwrap().clone();
    assert_eq!(reqs[0].line, "GET /api.php HTTP/1.1");
    assert!(header(&reqs[0], "authorization").is_none());
    assert!(!reqs[0].body.contains("CANARY"));
    assert_eq!(
        field(&form(&reqs[1].body), "constraints[ids][0]"),
        Some("400004")
    );
    assert_eq!(reqs.len(), 6);
    let edits = reqs
        .iter()
        .filter(|r| r.line.contains("maniphest.edit"))
        .count();
    assert_eq!(edits, 1, "a create is never resent");
    let last = form(&reqs.last().unwrap().body);
    assert_eq!(field(&last, "constraints[query]"), Some(marker.as_str()));
    assert!(field(&last, "constraints[createdStart]").is_some());
    assert_eq!(
        t.decision()["task"],
        format!("http://{addr}/T412345").as_str()
    );
}

#[test]
fn phabricator_errors_are_named_and_leave_nothing_pending() {
    let t = train();
    // A refused token (Conduit answers 200 with an error code, echoing the token).
    let (addr, _) = serve_replies("phabricator", vec![Reply::new(200, "invalid-auth.json")]);
    let cfg = t.config(&phabricator(&addr, ""));
    let o = t.file(&cfg, &["--yes"]);
    assert_eq!(o.status.code(), Some(2), "{}", err(&o));
    assert!(err(&o).contains("ERR-INVALID-AUTH"), "{}", err(&o));
    assert!(err(&o).contains("[secret]"), "{}", err(&o));
    // A validation error on the create: definite, so the intent is cleared.
    let (addr, seen) = serve_replies(
        "phabricator",
        vec![
            Reply::new(200, "none.json"),
            Reply::new(200, "project-search.json"),
            Reply::new(200, "validation.json"),
        ],
    );
    let cfg = t.config(&phabricator(&addr, ""));
    let o = t.file(&cfg, &["--yes"]);
    assert_eq!(o.status.code(), Some(2), "{}", err(&o));
    assert!(err(&o).contains("ERR-CONDUIT-CORE"), "{}", err(&o));
    assert!(err(&o).contains("not a valid priority"), "{}", err(&o));
    assert!(err(&o).contains("nothing was filed"), "{}", err(&o));
    assert!(t.decision()["filing"].is_null(), "{}", t.decision());
    assert_eq!(seen.lock().unwrap().len(), 3);
    // A tag that names no project: named, with what to check; nothing is created.
    let (addr, seen) = serve_replies(
        "phabricator",
        vec![Reply::new(200, "none.json"), Reply::new(200, "none.json")],
    );
    let cfg = t.config(&phabricator(&addr, ""));
    let o = t.file(&cfg, &["--yes"]);
    assert_eq!(o.status.code(), Some(2), "{}", err(&o));
    assert!(
        err(&o)
            .contains("no project has the tag wikimedia-production-error; check tags in [tracker]"),
        "{}",
        err(&o)
    );
    assert!(
        !seen
            .lock()
            .unwrap()
            .iter()
            .any(|r| r.line.contains("maniphest.edit"))
    );
    assert!(t.decision()["filing"].is_null());
    // No open task with the parent's title: named, with what to do.
    let (addr, _) = serve_replies("phabricator", vec![Reply::new(200, "none.json")]);
    let cfg = t.config(&phabricator(
        &addr,
        "parent_title = '{version} deployment blockers'",
    ));
    let o = t.file(&cfg, &["--yes"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        err(&o).contains("no open task titled \"1.46.0-wmf.4 deployment blockers\"; create the train's blocker task, or set parent"),
        "{}",
        err(&o)
    );
    // No token in the environment: refused before any request, naming the variable.
    let o = Command::new(BIN)
        .args(["file", "--group", &t.fp, "--yes", "--config"])
        .arg(&cfg)
        .args(&t.logs)
        .env_remove("LT_TOKEN")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(
        err(&o).contains("set the API token in $LT_TOKEN"),
        "{}",
        err(&o)
    );
    // Without --yes and without a terminal: a preview, nothing sent.
    let (addr, seen) = serve_replies("phabricator", vec![Reply::new(200, "none.json")]);
    let cfg = t.config(&phabricator(&addr, ""));
    let o = t.file(&cfg, &[]);
    assert!(o.status.success(), "{}", err(&o));
    assert!(
        err(&o).contains("preview only; add --yes to file it"),
        "{}",
        err(&o)
    );
    assert!(err(&o).contains("to: Phabricator"), "{}", err(&o));
    assert_eq!(seen.lock().unwrap().len(), 1, "only the duplicate search");
}

fn github(addr: &str, extra: &str) -> String {
    format!(
        "[tracker]\nkind = 'github'\nurl = 'http://{addr}'\nproject = 'example/app'\ntoken_env = 'LT_TOKEN'\ntags = ['production-error']\ntimeout_secs = 2\n{extra}\n"
    )
}

#[test]
fn github_files_an_issue_and_makes_it_a_sub_issue_of_the_blocker_issue() {
    let t = train();
    let (addr, seen) = serve_replies(
        "github",
        vec![
            Reply::new(200, "issue-7.json"),
            Reply::new(200, "search-empty.json"),
            Reply::new(201, "created.json"),
            Reply::new(201, "issue-7.json"),
        ],
    );
    let cfg = t.config(&github(&addr, "parent = '#7'"));
    let o = t.file(
        &cfg,
        &[
            "--yes",
            "--title",
            "Parser: getText() called with null options",
        ],
    );
    assert!(o.status.success(), "{}", err(&o));
    assert!(
        out(&o).contains("filed #42 https://github.com/example/app/issues/42"),
        "{}",
        out(&o)
    );
    let reqs = seen.lock().unwrap().clone();
    for r in &reqs {
        assert_eq!(
            header(r, "authorization"),
            Some(format!("Bearer {TOKEN}").as_str())
        );
        assert_eq!(header(r, "accept"), Some("application/vnd.github+json"));
        assert_eq!(header(r, "x-github-api-version"), Some("2022-11-28"));
        assert_eq!(header(r, "user-agent"), Some("logtriage"));
        assert!(!r.line.contains("CANARY"));
    }
    assert_eq!(reqs[0].line, "GET /repos/example/app/issues/7 HTTP/1.1");
    assert!(reqs[1].line.starts_with("GET /search/issues?q=repo%3Aexample%2Fapp%20is%3Aissue%20is%3Aopen%20in%3Atitle%20Parser%20getText%20called%20with%20null%20options"), "{}", reqs[1].line);
    assert_eq!(reqs[2].line, "POST /repos/example/app/issues HTTP/1.1");
    let created: Value = serde_json::from_str(&reqs[2].body).unwrap();
    assert_eq!(
        created["title"],
        "Parser: getText() called with null options"
    );
    assert_eq!(created["labels"][0], "production-error");
    let body = created["body"].as_str().unwrap();
    assert!(
        body.starts_with("#### Error\n\n* version: `1.46.0-wmf.4`"),
        "{body}"
    );
    assert!(
        body.contains("| `#0` | [`/srv/mediawiki/php-1.46.0-wmf.4/"),
        "{body}"
    );
    assert_eq!(
        reqs[3].line,
        "POST /repos/example/app/issues/7/sub_issues HTTP/1.1"
    );
    let link: Value = serde_json::from_str(&reqs[3].body).unwrap();
    assert_eq!(link["sub_issue_id"], 2042);
    assert_eq!(
        t.decision()["task"],
        "https://github.com/example/app/issues/42"
    );
}

#[test]
fn github_duplicates_rate_limits_validation_and_bad_credentials() {
    let t = train();
    // An open issue with the same title: offered, not filed.
    let (addr, seen) = serve_replies("github", vec![Reply::new(200, "search-duplicate.json")]);
    let cfg = t.config(&github(&addr, ""));
    let o = t.file(&cfg, &["--yes"]);
    assert_eq!(o.status.code(), Some(1), "{}", err(&o));
    assert!(
        err(&o).contains(
            "open tasks with the same title:\n  #30 https://github.com/example/app/issues/30\n"
        ),
        "{}",
        err(&o)
    );
    assert!(
        err(&o).contains("link one with --link https://github.com/example/app/issues/30"),
        "{}",
        err(&o)
    );
    let o = t.file(&cfg, &["--link", "#30"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(err(&o).contains("give the task's URL"), "{}", err(&o));
    assert_eq!(seen.lock().unwrap().len(), 1);
    // Linking it instead.
    let o = t.file(
        &cfg,
        &["--link", "https://github.com/example/app/issues/30"],
    );
    assert!(o.status.success(), "{}", err(&o));
    assert_eq!(
        t.decision()["task"],
        "https://github.com/example/app/issues/30"
    );
    std::fs::remove_file(t.decisions()).unwrap();

    // A secondary rate limit on the search: waited out (Retry-After: 1) and retried. The
    // create hits one too, with a long wait: nothing is resent, the user is told.
    let (addr, seen) = serve_replies(
        "github",
        vec![
            Reply::new(403, "secondary-rate-limit.json").header("retry-after", "1"),
            Reply::new(200, "search-empty.json"),
            Reply::new(403, "secondary-rate-limit.json").header("retry-after", "60"),
        ],
    );
    let cfg = t.config(&github(&addr, ""));
    let o = t.file(&cfg, &["--yes"]);
    assert_eq!(o.status.code(), Some(2), "{}", err(&o));
    assert!(err(&o).contains("rate limited (HTTP 403)"), "{}", err(&o));
    assert!(err(&o).contains("try again in 60 s"), "{}", err(&o));
    assert_eq!(seen.lock().unwrap().len(), 3);
    assert!(t.decision()["filing"].is_null());

    // 422: the validation errors are shown.
    let (addr, _) = serve_replies(
        "github",
        vec![
            Reply::new(200, "search-empty.json"),
            Reply::new(422, "validation-failed.json"),
        ],
    );
    let cfg = t.config(&github(&addr, ""));
    let o = t.file(&cfg, &["--yes"]);
    assert_eq!(o.status.code(), Some(2), "{}", err(&o));
    assert!(
        err(&o).contains("rejected the request (HTTP 422)"),
        "{}",
        err(&o)
    );
    assert!(err(&o).contains("\"field\":\"labels\""), "{}", err(&o));

    // 401 and a primary rate limit (x-ratelimit-remaining: 0).
    let (addr, _) = serve_replies("github", vec![Reply::new(401, "bad-credentials.json")]);
    let cfg = t.config(&github(&addr, ""));
    let o = t.file(&cfg, &["--yes"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        err(&o).contains("refused the token (HTTP 401)"),
        "{}",
        err(&o)
    );
    let (addr, _) = serve_replies(
        "github",
        vec![Reply::new(403, "secondary-rate-limit.json").header("x-ratelimit-remaining", "0")],
    );
    let cfg = t.config(&github(&addr, ""));
    let o = t.file(&cfg, &["--yes"]);
    assert!(err(&o).contains("rate limited (HTTP 403)"), "{}", err(&o));

    // 404 on the parent: nothing is filed.
    let (addr, _) = serve_replies("github", vec![Reply::new(404, "not-found.json")]);
    let cfg = t.config(&github(&addr, "parent = '#7'"));
    let o = t.file(&cfg, &["--yes"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(err(&o).contains("not found (HTTP 404)"), "{}", err(&o));
    assert!(err(&o).contains("nothing was filed"), "{}", err(&o));
}

#[test]
fn github_create_timeout_then_reconciled_from_the_issue_list() {
    let t = train();
    let (addr, seen) = serve_replies(
        "github",
        vec![
            Reply::new(200, "search-empty.json"),
            Reply::new(201, "created.json").after(Duration::from_millis(3500)),
        ],
    );
    let cfg = t.config(&github(&addr, ""));
    let o = t.file(&cfg, &["--yes"]);
    assert_eq!(o.status.code(), Some(2), "{}", err(&o));
    assert!(err(&o).contains("may or may not"), "{}", err(&o));
    let marker = t.decision()["filing"]["marker"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(seen.lock().unwrap().len(), 2);
    // The issue list holds the issue with the marker in its body.
    let list = format!(
        r#"[{{"id":2042,"number":42,"html_url":"https://github.com/example/app/issues/42","state":"open","title":"x","body":"Notes: Filing id: {marker}"}}]"#
    );
    let (addr2, seen2) = serve_replies("github", vec![Reply::inline(200, list)]);
    let cfg = t.config(&github(&addr2, ""));
    // The pending filing is tied to the tracker's name (the repository), not its address.
    let o = t.file(&cfg, &["--yes"]);
    assert!(o.status.success(), "{}", err(&o));
    assert!(
        out(&o).contains("found the task an earlier attempt had filed: #42"),
        "{}",
        out(&o)
    );
    let reqs = seen2.lock().unwrap().clone();
    assert_eq!(reqs.len(), 1);
    assert!(reqs[0].line.starts_with("GET /repos/example/app/issues?state=all&sort=created&direction=desc&per_page=100&since="), "{}", reqs[0].line);
}

fn gitlab(addr: &str, extra: &str) -> String {
    format!(
        "[tracker]\nkind = 'gitlab'\nurl = 'http://{addr}'\nproject = 'group/app'\ntoken_env = 'LT_TOKEN'\ntags = ['production-error', 'train']\ntimeout_secs = 2\n{extra}\n"
    )
}

#[test]
fn gitlab_files_an_issue_linked_to_the_blocker_issue() {
    let t = train();
    let (addr, seen) = serve_replies(
        "gitlab",
        vec![
            Reply::new(200, "issue-3.json"),
            Reply::new(200, "empty-list.json"),
            Reply::new(201, "created.json"),
            Reply::new(201, "link.json"),
        ],
    );
    let cfg = t.config(&gitlab(&addr, "parent = '#3'"));
    let o = t.file(&cfg, &["--yes"]);
    assert!(o.status.success(), "{}", err(&o));
    assert!(
        out(&o).contains("filed #57 https://gitlab.example.com/group/app/-/issues/57"),
        "{}",
        out(&o)
    );
    let reqs = seen.lock().unwrap().clone();
    for r in &reqs {
        assert_eq!(header(r, "private-token"), Some(TOKEN));
        assert!(header(r, "authorization").is_none());
    }
    assert_eq!(
        reqs[0].line,
        "GET /api/v4/projects/group%2Fapp/issues/3 HTTP/1.1"
    );
    assert!(reqs[1].line.starts_with("GET /api/v4/projects/group%2Fapp/issues?state=opened&in=title&search=TypeError%20MediaWiki"), "{}", reqs[1].line);
    assert_eq!(
        reqs[2].line,
        "POST /api/v4/projects/group%2Fapp/issues HTTP/1.1"
    );
    let created: Value = serde_json::from_str(&reqs[2].body).unwrap();
    assert_eq!(created["labels"], "production-error,train");
    assert!(
        created["description"]
            .as_str()
            .unwrap()
            .starts_with("#### Error\n")
    );
    assert_eq!(
        reqs[3].line,
        "POST /api/v4/projects/group%2Fapp/issues/57/links HTTP/1.1"
    );
    let link: Value = serde_json::from_str(&reqs[3].body).unwrap();
    assert_eq!(link["target_issue_iid"], "3");
    assert_eq!(link["link_type"], "relates_to");
}

#[test]
fn gitlab_missing_project_and_rate_limited_create() {
    let t = train();
    let (addr, _) = serve_replies("gitlab", vec![Reply::new(404, "project-not-found.json")]);
    let cfg = t.config(&gitlab(&addr, ""));
    let o = t.file(&cfg, &["--yes"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(err(&o).contains("404 Project Not Found"), "{}", err(&o));
    let (addr, seen) = serve_replies(
        "gitlab",
        vec![
            Reply::new(200, "empty-list.json"),
            Reply::new(429, "too-many.json").header("retry-after", "30"),
        ],
    );
    let cfg = t.config(&gitlab(&addr, ""));
    let o = t.file(&cfg, &["--yes"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(err(&o).contains("rate limited (HTTP 429)"), "{}", err(&o));
    assert!(err(&o).contains("try again in 30 s"), "{}", err(&o));
    assert_eq!(seen.lock().unwrap().len(), 2, "the create is not resent");
}

fn jira(addr: &str, extra: &str) -> String {
    format!(
        "[tracker]\nkind = 'jira'\nurl = 'http://{addr}'\nproject = 'OPS'\ntoken_env = 'LT_TOKEN'\nuser_env = 'LT_EMAIL'\ntags = ['train']\ntimeout_secs = 2\n{extra}\n"
    )
}

#[test]
fn jira_v2_files_a_bug_in_wiki_markup_that_blocks_the_blocker_issue() {
    let t = train();
    let (addr, seen) = serve_replies(
        "jira",
        vec![
            Reply::new(200, "issue-ops-1.json"),
            Reply::new(200, "search-empty.json"),
            Reply::new(201, "created.json"),
            Reply::new(201, "empty.json"),
        ],
    );
    let cfg = t.config(&jira(&addr, "parent = 'OPS-1'"));
    let o = t.file(&cfg, &["--yes"]);
    assert!(o.status.success(), "{}", err(&o));
    assert!(
        out(&o).contains(&format!("filed OPS-42 http://{addr}/browse/OPS-42")),
        "{}",
        out(&o)
    );
    let reqs = seen.lock().unwrap().clone();
    // Basic auth with the account's email and the API token.
    // base64("bot@example.org:" + TOKEN)
    let basic = "Basic Ym90QGV4YW1wbGUub3JnOmFwaS1DQU5BUllwaGFiN2YzYTljMWU=".to_string();
    for r in &reqs {
        assert_eq!(header(r, "authorization"), Some(basic.as_str()));
    }
    assert_eq!(
        reqs[0].line,
        "GET /rest/api/2/issue/OPS-1?fields=summary,status HTTP/1.1"
    );
    let q = decode(
        reqs[1]
            .line
            .split_once("jql=")
            .unwrap()
            .1
            .split('&')
            .next()
            .unwrap(),
    );
    assert!(q.starts_with("project = \"OPS\" AND summary ~ \"TypeError MediaWiki Parser ParserOutput getText Return value must be of type string null returned\" AND statusCategory != Done"), "{q}");
    assert_eq!(reqs[2].line, "POST /rest/api/2/issue HTTP/1.1");
    let created: Value = serde_json::from_str(&reqs[2].body).unwrap();
    assert_eq!(created["fields"]["project"]["key"], "OPS");
    assert_eq!(created["fields"]["issuetype"]["name"], "Bug");
    assert_eq!(created["fields"]["labels"][0], "train");
    let desc = created["fields"]["description"].as_str().unwrap();
    assert!(desc.starts_with("h4. Error\n"), "{desc}");
    assert!(
        desc.contains("{noformat}\n#0 /srv/mediawiki/php-1.46.0-wmf.4/includes/parser/ParserOutput.php(512) MediaWiki\\Parser\\ParserOutput->getText(array)\n"),
        "frames are literal text: {desc}"
    );
    assert!(desc.contains("Code: [#0|https://gerrit.example/"), "{desc}");
    assert!(desc.contains("{noformat}"), "{desc}");
    assert_eq!(reqs[3].line, "POST /rest/api/2/issueLink HTTP/1.1");
    let link: Value = serde_json::from_str(&reqs[3].body).unwrap();
    assert_eq!(link["type"]["name"], "Blocks");
    assert_eq!(link["inwardIssue"]["key"], "OPS-42");
    assert_eq!(link["outwardIssue"]["key"], "OPS-1");
}

#[test]
fn jira_v3_sends_a_document_and_validation_errors_are_shown() {
    let t = train();
    let (addr, seen) = serve_replies(
        "jira",
        vec![
            Reply::new(200, "search-empty.json"),
            Reply::new(400, "summary-required.json"),
        ],
    );
    let cfg = t.config(&jira(&addr, "api_version = 3"));
    let o = t.file(&cfg, &["--yes"]);
    assert_eq!(o.status.code(), Some(2), "{}", err(&o));
    assert!(
        err(&o).contains("rejected the request (HTTP 400)"),
        "{}",
        err(&o)
    );
    assert!(
        err(&o).contains("You must specify a summary"),
        "{}",
        err(&o)
    );
    let reqs = seen.lock().unwrap().clone();
    assert!(
        reqs[0].line.starts_with("GET /rest/api/3/search/jql?jql="),
        "{}",
        reqs[0].line
    );
    let created: Value = serde_json::from_str(&reqs[1].body).unwrap();
    let doc = &created["fields"]["description"];
    assert_eq!(doc["type"], "doc");
    assert_eq!(doc["version"], 1);
    assert!(doc.to_string().contains(r#""type":"table""#));
    // A bearer token when no account email is configured (Jira Data Center), and 401.
    let (addr, seen) = serve_replies("jira", vec![Reply::new(401, "unauthorized.json")]);
    let cfg = t.config(&format!(
        "[tracker]\nkind = 'jira'\nurl = 'http://{addr}'\nproject = 'OPS'\ntoken_env = 'LT_TOKEN'\n"
    ));
    let o = t.file(&cfg, &["--yes"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        err(&o).contains("refused the token (HTTP 401)"),
        "{}",
        err(&o)
    );
    let r = seen.lock().unwrap()[0].clone();
    assert_eq!(
        header(&r, "authorization"),
        Some(format!("Bearer {TOKEN}").as_str())
    );
}

/// `logtriage decide FP ARGS... --file DECISIONS`.
fn decide(t: &Train, fp: &str, args: &[&str]) {
    let o = Command::new(BIN)
        .args(["decide", fp])
        .args(args)
        .arg("--file")
        .arg(t.decisions())
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", err(&o));
}

#[test]
fn known_check_lists_known_groups_whose_task_is_closed_and_can_untriage_them() {
    let t = train();
    let closed = "aaaaaaaaaaaaaaaa";
    let open = "bbbbbbbbbbbbbbbb";
    decide(&t, closed, &["--mark", "known", "--task", "T398001"]);
    decide(&t, open, &["--mark", "ignored", "--task", "T400004"]);
    let (addr, seen) = serve_replies(
        "phabricator",
        vec![
            Reply::new(200, "resolved.json"),
            Reply::new(200, "parent.json"),
            Reply::new(200, "resolved.json"),
            Reply::new(200, "parent.json"),
        ],
    );
    let cfg = t.config(&phabricator(&addr, ""));
    let known = |extra: &[&str]| {
        let o = Command::new(BIN)
            .args(["known", "--check", "--config"])
            .arg(&cfg)
            .arg("--decisions")
            .arg(t.decisions())
            .args(extra)
            .env("LT_TOKEN", TOKEN)
            .output()
            .unwrap();
        assert_no_leak(&o, &t.decisions());
        o
    };
    let o = known(&[]);
    assert_eq!(o.status.code(), Some(1), "{}", err(&o));
    assert!(
        out(&o).contains(&format!("{closed}  known    T398001  CLOSED")),
        "{}",
        out(&o)
    );
    assert!(
        out(&o).contains(&format!("{open}  ignored  T400004  open")),
        "{}",
        out(&o)
    );
    assert!(
        err(&o).contains("2 known/ignored group(s): 1 with a closed task"),
        "{}",
        err(&o)
    );
    let reqs = seen.lock().unwrap().clone();
    assert_eq!(
        field(&form(&reqs[0].body), "constraints[ids][0]"),
        Some("398001")
    );
    let o = known(&["--untriage"]);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    let d: Value = serde_json::from_str(&std::fs::read_to_string(t.decisions()).unwrap()).unwrap();
    assert!(d["decisions"][closed]["mark"].is_null(), "{d}");
    assert!(
        d["decisions"][closed]["notes"][0]["text"]
            .as_str()
            .unwrap()
            .contains("T398001 is closed: back to untriaged")
    );
    assert_eq!(d["decisions"][open]["mark"], "ignored");
}

#[test]
fn report_check_tasks_lists_known_errors_whose_task_is_closed_and_they_count_as_untriaged() {
    let t = train();
    decide(
        &t,
        &t.fp,
        &[
            "--mark",
            "known",
            "--task",
            "https://github.com/example/app/issues/12",
        ],
    );
    let report = |check: bool, format: &str| {
        let mut c = Command::new(BIN);
        c.args(["report", "--format", format, "--decisions"])
            .arg(t.decisions());
        if check {
            c.arg("--check-tasks");
        }
        c.args(&t.logs);
        c
    };
    // Without checking, the known group is triaged: 3 new groups are left.
    let o = report(false, "markdown").output().unwrap();
    assert!(
        out(&o).contains("**Verdict: NO-GO**\n\n- `3 new and 1 regressed"),
        "{}",
        out(&o)
    );
    let (addr, seen) = serve_replies("github", vec![Reply::new(200, "closed-issue.json")]);
    let cfg = t.config(&github(&addr, ""));
    let o = report(true, "markdown")
        .arg("--config")
        .arg(&cfg)
        .env("LT_TOKEN", TOKEN)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", err(&o));
    let md = out(&o);
    assert!(
        md.contains("**Verdict: NO-GO**\n\n- `4 new and 1 regressed"),
        "{md}"
    );
    assert!(
        md.contains("## Known, task closed, still occurring (1)"),
        "{md}"
    );
    assert!(
        md.contains("known · https://github.com/example/app/issues/12 (closed)"),
        "{md}"
    );
    assert_eq!(
        seen.lock().unwrap()[0].line,
        "GET /repos/example/app/issues/12 HTTP/1.1"
    );
    // JSON carries the state.
    let (addr, _) = serve_replies("github", vec![Reply::new(200, "closed-issue.json")]);
    let cfg = t.config(&github(&addr, ""));
    let o = report(true, "json")
        .arg("--config")
        .arg(&cfg)
        .env("LT_TOKEN", TOKEN)
        .output()
        .unwrap();
    let r: Value = serde_json::from_slice(&o.stdout).unwrap();
    let g = r["groups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["fingerprint"] == t.fp.as_str())
        .unwrap();
    assert_eq!(g["decision"]["task_open"], false);
    assert_eq!(r["verdict"]["call"], "no_go");
    // The gate counts it again with --check-tasks, not without.
    let (addr, _) = serve_replies("github", vec![Reply::new(200, "closed-issue.json")]);
    let cfg = t.config(&github(&addr, ""));
    let gate = |check: bool| {
        let mut c = Command::new(BIN);
        c.args([
            "check",
            "--max-new",
            "3",
            "--max-regressed",
            "1",
            "--decisions",
        ])
        .arg(t.decisions())
        .arg("--config")
        .arg(&cfg)
        .env("LT_TOKEN", TOKEN);
        if check {
            c.arg("--check-tasks");
        }
        c.args(&t.logs).output().unwrap()
    };
    assert_eq!(
        gate(false).status.code(),
        Some(0),
        "3 new allowed, the known one not counted"
    );
    let o = gate(true);
    assert_eq!(o.status.code(), Some(1), "{}", out(&o));
    assert!(
        out(&o).contains("4 new error group(s), at most 3 allowed"),
        "{}",
        out(&o)
    );
    // A tracker that cannot answer: the report says so instead of guessing.
    let (addr, _) = serve_replies("github", vec![Reply::new(401, "bad-credentials.json")]);
    let cfg = t.config(&github(&addr, ""));
    let o = report(true, "markdown")
        .arg("--config")
        .arg(&cfg)
        .env("LT_TOKEN", TOKEN)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(
        err(&o).contains("--check-tasks: github issue: the tracker refused the token"),
        "{}",
        err(&o)
    );
}

/// Every tracker: a refused token and a wrong URL or project are named, nothing is filed,
/// and no filing is left pending; an overloaded tracker is retried before giving up.
#[test]
fn every_tracker_names_refused_tokens_missing_things_and_overload() {
    let t = train();
    type Config = fn(&str, &str) -> String;
    let cases: [(&str, Config, &str, u16, &str); 6] = [
        ("phabricator", phabricator, "", 404, "not found (HTTP 404)"),
        ("github", github, "", 401, "refused the token (HTTP 401)"),
        ("gitlab", gitlab, "", 401, "refused the token (HTTP 401)"),
        (
            "gitlab",
            gitlab,
            "parent = '#3'",
            404,
            "404 Project Not Found",
        ),
        ("jira", jira, "", 401, "refused the token (HTTP 401)"),
        (
            "jira",
            jira,
            "parent = 'OPS-9'",
            404,
            "Issue does not exist",
        ),
    ];
    for (kind, config, extra, status, expected) in cases {
        let file = match (kind, status) {
            ("phabricator", _) => "not-found.html",
            ("github", _) => "bad-credentials.json",
            ("gitlab", 401) => "unauthorized.json",
            ("gitlab", _) => "project-not-found.json",
            ("jira", 401) => "unauthorized.json",
            _ => "issue-not-found.json",
        };
        let (addr, seen) = serve_replies(kind, vec![Reply::new(status, file)]);
        let cfg = t.config(&config(&addr, extra));
        let o = t.file(&cfg, &["--yes"]);
        assert_eq!(o.status.code(), Some(2), "{kind}: {}", err(&o));
        assert!(err(&o).contains(expected), "{kind}: {}", err(&o));
        assert!(err(&o).contains("nothing was filed"), "{kind}: {}", err(&o));
        assert_eq!(seen.lock().unwrap().len(), 1, "{kind}: not retried");
        assert!(!t.decisions().exists() || t.decision()["filing"].is_null());
    }
    // A redirect is not followed (it could carry the token elsewhere): it is an error.
    let (addr, seen) = serve_replies(
        "github",
        vec![Reply::new(301, "not-found.json").header("location", "http://127.0.0.1:9/steal")],
    );
    let cfg = t.config(&github(&addr, ""));
    let o = t.file(&cfg, &["--yes"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(err(&o).contains("HTTP 301"), "{}", err(&o));
    assert_eq!(seen.lock().unwrap().len(), 1);
    // 503 three times on a read: retried, then named with the attempts.
    let (addr, seen) = serve_replies(
        "github",
        vec![
            Reply::new(503, "service-unavailable.json"),
            Reply::new(503, "service-unavailable.json"),
            Reply::new(503, "service-unavailable.json"),
        ],
    );
    let cfg = t.config(&github(&addr, ""));
    let o = t.file(&cfg, &["--yes"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        err(&o).contains("HTTP 503: {\"message\":\"Service Unavailable\"} (after 3 attempts)"),
        "{}",
        err(&o)
    );
    assert_eq!(seen.lock().unwrap().len(), 3);
}

#[test]
fn several_groups_are_filed_one_after_another_at_most_one_create_a_second() {
    let t = train();
    let o = Command::new(BIN)
        .args(["report", "--format", "json"])
        .args(&t.logs)
        .output()
        .unwrap();
    let r: Value = serde_json::from_slice(&o.stdout).unwrap();
    let other = r["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["fingerprint"].as_str().unwrap().to_string())
        .find(|f| *f != t.fp)
        .unwrap();
    let (addr, seen) = serve_replies(
        "github",
        vec![
            Reply::new(200, "search-empty.json"),
            Reply::new(201, "created.json"),
            Reply::new(200, "search-empty.json"),
            Reply::new(201, "issue-7.json"),
        ],
    );
    let cfg = t.config(&github(&addr, ""));
    let o = t.file(&cfg, &["--yes", "--group", &other]);
    assert!(o.status.success(), "{}", err(&o));
    assert!(
        out(&o).contains(&format!("{}: filed #42", t.fp)),
        "{}",
        out(&o)
    );
    assert!(
        out(&o).contains(&format!("{other}: filed #7")),
        "{}",
        out(&o)
    );
    let reqs = seen.lock().unwrap().clone();
    assert_eq!(reqs.len(), 4);
    assert!(reqs[1].line.starts_with("POST") && reqs[3].line.starts_with("POST"));
    assert!(
        reqs[3].at.duration_since(reqs[1].at) >= Duration::from_millis(990),
        "creates {:?} apart",
        reqs[3].at.duration_since(reqs[1].at)
    );
    let d: Value = serde_json::from_str(&std::fs::read_to_string(t.decisions()).unwrap()).unwrap();
    assert_eq!(
        d["decisions"][&t.fp]["task"],
        "https://github.com/example/app/issues/42"
    );
    assert_eq!(
        d["decisions"][&other]["task"],
        "https://github.com/example/app/issues/7"
    );
}

#[test]
fn a_tracker_config_that_would_leak_or_cannot_work_is_refused_before_any_request() {
    let t = train();
    for (cfg, expected) in [
        (
            "[tracker]\nkind = 'github'\nurl = 'http://api.github.example'\nproject = 'a/b'\ntoken_env = 'LT_TOKEN'\n",
            "url must start with https://",
        ),
        (
            "[tracker]\nkind = 'gitlab'\nurl = 'https://bot:secret@gitlab.example'\nproject = 'a/b'\ntoken_env = 'LT_TOKEN'\n",
            "no credentials in the url",
        ),
        (
            "[tracker]\nkind = 'bugzilla'\nurl = 'https://bugs.example'\ntoken_env = 'LT_TOKEN'\n",
            "tracker kind bugzilla: use phabricator, github, gitlab or jira",
        ),
        (
            "[tracker]\nkind = 'github'\ntoken_env = 'LT_TOKEN'\n",
            "tracker github: set project",
        ),
    ] {
        let path = t.config(cfg);
        let o = t.file(&path, &["--yes"]);
        assert_eq!(o.status.code(), Some(2), "{}", err(&o));
        assert!(err(&o).contains(expected), "{}", err(&o));
    }
}
