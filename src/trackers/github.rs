//! GitHub Issues over the REST API (`X-GitHub-Api-Version: 2022-11-28`): the search API for
//! open duplicates, the repository's recent issues for a filing's marker (the search index
//! lags; the issue list does not), `POST /repos/{owner}/{repo}/issues` to create, and the
//! sub-issues API to put the new issue under the train's blocker issue.

use super::{Api, encode, search_words};
use logtriage::config::TrackerConfig;
use logtriage::filing::{Created, TaskRef, Tracker, TrackerError};
use logtriage::task::{Markup, TaskDraft};
use reqwest::blocking::RequestBuilder;
use serde_json::{Value, json};

/// GitHub's limit on an issue body.
const BODY_LIMIT: usize = 65_536;

pub struct GitHub {
    api: Api,
    /// `owner/repo`.
    repo: String,
    labels: Vec<String>,
    parent: super::ParentRule,
}

impl GitHub {
    pub fn new(api: Api, repo: String, cfg: &TrackerConfig) -> Result<Self, String> {
        let ok = repo.split('/').count() == 2
            && repo.split('/').all(|p| {
                !p.is_empty() && p.chars().all(|c| c.is_alphanumeric() || "-_.".contains(c))
            });
        if !ok {
            return Err(format!(
                "tracker github: project must be owner/repo, not {repo:?}"
            ));
        }
        Ok(GitHub {
            api,
            repo,
            labels: cfg.tags.clone(),
            parent: super::ParentRule::new(cfg),
        })
    }

    fn request(&self, method: reqwest::Method, path: &str) -> RequestBuilder {
        self.api
            .client()
            .request(method, format!("{}{path}", self.api.base))
            .header(
                reqwest::header::AUTHORIZATION,
                self.api
                    .secret_header(format!("Bearer {}", self.api.token())),
            )
            .header(reqwest::header::ACCEPT, "application/vnd.github+json")
            .header("X-GitHub-Api-Version", "2022-11-28")
            .header(reqwest::header::USER_AGENT, "logtriage")
    }

    fn get(&self, what: &str, path: &str) -> Result<Value, TrackerError> {
        self.api
            .read(what, || self.request(reqwest::Method::GET, path))?
            .json(what)
    }

    fn issue(&self, v: &Value) -> Option<TaskRef> {
        let number = v.get("number")?.as_u64()?;
        Some(TaskRef {
            id: format!("#{number}"),
            url: v.get("html_url")?.as_str()?.to_string(),
            title: v
                .get("title")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string(),
            open: v.get("state").and_then(Value::as_str) == Some("open"),
            handle: v.get("id").and_then(Value::as_u64).unwrap_or(0).to_string(),
        })
    }

    /// `#12`, `12`, or an issue URL of this repository on github.com or a GitHub
    /// Enterprise server (`https://HOST/OWNER/REPO/issues/12`).
    fn number(&self, task: &str) -> Option<u64> {
        issue_number(&self.repo, task)
    }

    fn by_number(&self, n: u64) -> Result<TaskRef, TrackerError> {
        let v = self.get("issue", &format!("/repos/{}/issues/{n}", self.repo))?;
        self.issue(&v)
            .ok_or_else(|| TrackerError::new(format!("github: issue #{n} has no number")))
    }
}

/// The issue number `task` names in `repo` (`owner/name`), if it names one there.
fn issue_number(repo: &str, task: &str) -> Option<u64> {
    let t = task.trim();
    let t = match t.split_once("://") {
        Some((_, rest)) => {
            let tail = rest[rest.find('/')?..].strip_prefix('/')?;
            let (r, n) = tail.rsplit_once("/issues/")?;
            if !r.eq_ignore_ascii_case(repo) {
                return None;
            }
            n
        }
        None => t,
    };
    t.trim_start_matches('#').parse().ok()
}

impl Tracker for GitHub {
    fn name(&self) -> String {
        format!("github {}", self.repo)
    }

    fn markup(&self) -> Markup {
        Markup::Markdown
    }

    fn body_limit(&self) -> usize {
        BODY_LIMIT
    }

    fn destination(&self) -> String {
        super::with_labels(format!("GitHub {}", self.repo), &self.labels)
    }

    fn find_open(&self, title: &str) -> Result<Vec<TaskRef>, TrackerError> {
        let q = format!(
            "repo:{} is:issue is:open in:title {}",
            self.repo,
            search_words(title)
        );
        let v = self.get(
            "search",
            &format!("/search/issues?q={}&per_page=100", encode(&q)),
        )?;
        Ok(v.get("items")
            .and_then(Value::as_array)
            .map(|items| items.iter().filter_map(|i| self.issue(i)).collect())
            .unwrap_or_default())
    }

    fn find_marker(&self, marker: &str, since: &str) -> Result<Option<TaskRef>, TrackerError> {
        // `since` filters on update time, which is never before creation.
        let v = self.get(
            "issues",
            &format!(
                "/repos/{}/issues?state=all&sort=created&direction=desc&per_page=100&since={}",
                self.repo,
                encode(since)
            ),
        )?;
        Ok(v.as_array().and_then(|issues| {
            issues
                .iter()
                .filter(|i| i.get("pull_request").is_none())
                .find(|i| {
                    i.get("body")
                        .and_then(Value::as_str)
                        .is_some_and(|b| b.contains(marker))
                })
                .and_then(|i| self.issue(i))
        }))
    }

    fn parent(&self, version: &str) -> Result<Option<TaskRef>, TrackerError> {
        self.parent.resolve(self, version)
    }

    fn create(
        &self,
        title: &str,
        draft: &TaskDraft,
        parent: Option<&TaskRef>,
    ) -> Result<Created, TrackerError> {
        let body = json!({
            "title": title,
            "body": draft.body(Markup::Markdown),
            "labels": self.labels,
        });
        let a = self.api.create(
            "create issue",
            self.request(
                reqwest::Method::POST,
                &format!("/repos/{}/issues", self.repo),
            )
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(body.to_string()),
        )?;
        let task = self
            .issue(&a.json("create issue")?)
            .ok_or_else(|| TrackerError {
                message: "github create issue: the answer has no issue number".into(),
                outcome_unknown: true,
            })?;
        let mut warning = None;
        if let Some(p) = parent {
            let n = p.id.trim_start_matches('#');
            let link = json!({ "sub_issue_id": task.handle.parse::<u64>().unwrap_or(0) });
            let r = self.api.create(
                "add sub-issue",
                self.request(
                    reqwest::Method::POST,
                    &format!("/repos/{}/issues/{n}/sub_issues", self.repo),
                )
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(link.to_string()),
            );
            if let Err(e) = r {
                warning = Some(format!(
                    "{} was filed but not made a sub-issue of {}: {e}",
                    task.id, p.id
                ));
            }
        }
        Ok(Created { task, warning })
    }

    fn lookup(&self, task: &str) -> Result<Option<TaskRef>, TrackerError> {
        self.number(task).map(|n| self.by_number(n)).transpose()
    }
}

#[cfg(test)]
mod tests {
    use super::issue_number;

    #[test]
    fn issue_references_of_this_repository_only() {
        for (t, n) in [
            ("#12", Some(12)),
            ("12", Some(12)),
            ("https://github.com/example/app/issues/12", Some(12)),
            ("https://ghe.example/Example/App/issues/7", Some(7)),
            ("https://github.com/other/app/issues/12", None),
            ("https://gitlab.example/example/app/-/issues/12", None),
            ("T123", None),
        ] {
            assert_eq!(issue_number("example/app", t), n, "{t}");
        }
    }
}
