//! GitLab Issues over REST v4 (`PRIVATE-TOKEN` header): `GET /projects/:id/issues` with
//! `search` for duplicates (in titles) and markers (in descriptions), `POST
//! /projects/:id/issues` to create, and an issue link to the train's blocker issue.

use super::{Api, encode, search_words};
use logtriage::config::TrackerConfig;
use logtriage::filing::{Created, TaskRef, Tracker, TrackerError};
use logtriage::task::{Markup, TaskDraft};
use reqwest::blocking::RequestBuilder;
use serde_json::{Value, json};

/// GitLab's limit on an issue description.
const BODY_LIMIT: usize = 1_048_576;

pub struct GitLab {
    api: Api,
    /// `group/project` or a numeric id, as written in the config.
    project: String,
    labels: Vec<String>,
    parent: super::ParentRule,
    link_type: String,
}

impl GitLab {
    pub fn new(api: Api, project: String, cfg: &TrackerConfig) -> Self {
        GitLab {
            api,
            project,
            labels: cfg.tags.clone(),
            parent: super::ParentRule::new(cfg),
            link_type: cfg.link_type.clone().unwrap_or_else(|| "relates_to".into()),
        }
    }

    fn path(&self, rest: &str) -> String {
        format!(
            "{}/api/v4/projects/{}{rest}",
            self.api.base,
            encode(&self.project)
        )
    }

    fn request(&self, method: reqwest::Method, url: String) -> RequestBuilder {
        self.api.client().request(method, url).header(
            "PRIVATE-TOKEN",
            self.api.secret_header(self.api.token().to_string()),
        )
    }

    fn get(&self, what: &str, url: String) -> Result<Value, TrackerError> {
        self.api
            .read(what, || self.request(reqwest::Method::GET, url.clone()))?
            .json(what)
    }

    fn issue(v: &Value) -> Option<TaskRef> {
        let iid = v.get("iid")?.as_u64()?;
        Some(TaskRef {
            id: format!("#{iid}"),
            url: v.get("web_url")?.as_str()?.to_string(),
            title: v
                .get("title")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string(),
            open: v.get("state").and_then(Value::as_str) == Some("opened"),
            handle: iid.to_string(),
        })
    }

    fn issues(&self, query: &str) -> Result<Vec<TaskRef>, TrackerError> {
        let v = self.get(
            "issues",
            self.path(&format!("/issues?{query}&per_page=100")),
        )?;
        Ok(v.as_array()
            .map(|a| a.iter().filter_map(Self::issue).collect())
            .unwrap_or_default())
    }

    /// `#12`, `12` or an issue URL of this project as an iid.
    fn iid(&self, task: &str) -> Option<u64> {
        let t = task.trim();
        let t = if t.contains("://") {
            let prefix = format!("{}/{}/-/issues/", self.api.base, self.project);
            t.strip_prefix(&prefix)?
        } else {
            t
        };
        t.trim_start_matches('#').parse().ok()
    }

    fn by_iid(&self, iid: u64) -> Result<TaskRef, TrackerError> {
        let v = self.get("issue", self.path(&format!("/issues/{iid}")))?;
        Self::issue(&v).ok_or_else(|| TrackerError::new(format!("gitlab: issue #{iid} not found")))
    }
}

impl Tracker for GitLab {
    fn name(&self) -> String {
        format!("gitlab {}/{}", self.api.base, self.project)
    }

    fn markup(&self) -> Markup {
        Markup::Markdown
    }

    fn body_limit(&self) -> usize {
        BODY_LIMIT
    }

    fn destination(&self) -> String {
        super::with_labels(
            format!("GitLab {}/{}", self.api.base, self.project),
            &self.labels,
        )
    }

    fn find_open(&self, title: &str) -> Result<Vec<TaskRef>, TrackerError> {
        self.issues(&format!(
            "state=opened&in=title&search={}",
            encode(&search_words(title))
        ))
    }

    fn find_marker(&self, marker: &str, since: &str) -> Result<Option<TaskRef>, TrackerError> {
        let after = chrono::DateTime::parse_from_rfc3339(since)
            .map(|t| (t - chrono::Duration::minutes(1)).to_rfc3339())
            .unwrap_or_else(|_| since.to_string());
        Ok(self
            .issues(&format!(
                "in=description&search={}&created_after={}",
                encode(marker),
                encode(&after)
            ))?
            .into_iter()
            .next())
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
            "description": draft.body(Markup::Markdown),
            "labels": self.labels.join(","),
        });
        let a = self.api.create(
            "create issue",
            self.request(reqwest::Method::POST, self.path("/issues"))
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(body.to_string()),
        )?;
        let task = Self::issue(&a.json("create issue")?).ok_or_else(|| TrackerError {
            message: "gitlab create issue: the answer has no issue iid".into(),
            outcome_unknown: true,
        })?;
        let mut warning = None;
        if let Some(p) = parent {
            let link = json!({
                "target_project_id": self.project,
                "target_issue_iid": p.handle,
                "link_type": self.link_type,
            });
            let r = self.api.create(
                "link issue",
                self.request(
                    reqwest::Method::POST,
                    self.path(&format!("/issues/{}/links", task.handle)),
                )
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(link.to_string()),
            );
            if let Err(e) = r {
                warning = Some(format!(
                    "{} was filed but not linked to {}: {e}",
                    task.id, p.id
                ));
            }
        }
        Ok(Created { task, warning })
    }

    fn lookup(&self, task: &str) -> Result<Option<TaskRef>, TrackerError> {
        self.iid(task).map(|n| self.by_iid(n)).transpose()
    }
}
