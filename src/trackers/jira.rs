//! Jira over REST v2 (description in wiki markup) or v3 (description in Atlassian Document
//! Format): JQL search for duplicates and markers, `POST /rest/api/N/issue` to create, an
//! issue link of type Blocks to the train's blocker issue. Jira Cloud authenticates with
//! the account's email and an API token (Basic), Data Center with a personal access token
//! (Bearer).

use super::{Api, encode, search_words};
use logtriage::config::TrackerConfig;
use logtriage::filing::{Created, TaskRef, Tracker, TrackerError};
use logtriage::task::{Markup, TaskDraft};
use reqwest::blocking::RequestBuilder;
use serde_json::{Value, json};

/// Jira's limit on a text field.
const BODY_LIMIT: usize = 32_767;

pub struct Jira {
    api: Api,
    /// The project key (`OPS`).
    project: String,
    user: Option<String>,
    labels: Vec<String>,
    parent: super::ParentRule,
    issue_type: String,
    version: u8,
}

impl Jira {
    pub fn new(
        api: Api,
        project: String,
        user: Option<String>,
        cfg: &TrackerConfig,
    ) -> Result<Self, String> {
        if !project
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_')
        {
            return Err(format!(
                "tracker jira: project must be a key like OPS, not {project:?}"
            ));
        }
        let version = cfg.api_version.unwrap_or(2);
        if !matches!(version, 2 | 3) {
            return Err(format!(
                "tracker jira: api_version is 2 or 3, not {version}"
            ));
        }
        Ok(Jira {
            api,
            project,
            user,
            labels: cfg.tags.clone(),
            parent: super::ParentRule::new(cfg),
            issue_type: cfg.issue_type.clone().unwrap_or_else(|| "Bug".into()),
            version,
        })
    }

    fn request(&self, method: reqwest::Method, path: &str) -> RequestBuilder {
        let auth = match &self.user {
            Some(u) => format!(
                "Basic {}",
                crate::base64(format!("{u}:{}", self.api.token()).as_bytes())
            ),
            None => format!("Bearer {}", self.api.token()),
        };
        self.api
            .client()
            .request(
                method,
                format!("{}/rest/api/{}{path}", self.api.base, self.version),
            )
            .header(reqwest::header::AUTHORIZATION, self.api.secret_header(auth))
            .header(reqwest::header::ACCEPT, "application/json")
    }

    /// Issues matching `jql`.
    fn search(&self, jql: &str) -> Result<Vec<TaskRef>, TrackerError> {
        // v3 on Jira Cloud searches at /search/jql; v2 (Cloud and Data Center) at /search.
        let endpoint = if self.version == 3 {
            "/search/jql"
        } else {
            "/search"
        };
        let path = format!(
            "{endpoint}?jql={}&fields=summary,status&maxResults=50",
            encode(jql)
        );
        let v = self
            .api
            .read("search", || self.request(reqwest::Method::GET, &path))?
            .json("search")?;
        Ok(v.get("issues")
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(|i| self.issue(i)).collect())
            .unwrap_or_default())
    }

    fn issue(&self, v: &Value) -> Option<TaskRef> {
        let key = v.get("key")?.as_str()?.to_string();
        let fields = v.get("fields");
        let done = fields
            .and_then(|f| f.pointer("/status/statusCategory/key"))
            .and_then(Value::as_str)
            == Some("done");
        Some(TaskRef {
            url: format!("{}/browse/{key}", self.api.base),
            title: fields
                .and_then(|f| f.get("summary"))
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string(),
            open: !done,
            handle: key.clone(),
            id: key,
        })
    }

    /// `OPS-12` or a browse URL of this Jira as a key.
    fn key(&self, task: &str) -> Option<String> {
        let t = task.trim();
        let t = if t.contains("://") {
            t.strip_prefix(&format!("{}/browse/", self.api.base))?
        } else {
            t
        };
        let (p, n) = t.split_once('-')?;
        (!p.is_empty()
            && p.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            && n.parse::<u64>().is_ok())
        .then(|| t.to_string())
    }

    fn by_key(&self, key: &str) -> Result<TaskRef, TrackerError> {
        let v = self
            .api
            .read("issue", || {
                self.request(
                    reqwest::Method::GET,
                    &format!("/issue/{key}?fields=summary,status"),
                )
            })?
            .json("issue")?;
        self.issue(&v)
            .ok_or_else(|| TrackerError::new(format!("jira: issue {key} not found")))
    }

    /// A JQL string literal (`"…"`) holding the words of `text`.
    fn literal(text: &str) -> String {
        format!("\"{}\"", search_words(text))
    }
}

impl Tracker for Jira {
    fn name(&self) -> String {
        format!("jira {}/{}", self.api.base, self.project)
    }

    fn markup(&self) -> Markup {
        Markup::JiraWiki
    }

    fn body_limit(&self) -> usize {
        BODY_LIMIT
    }

    fn destination(&self) -> String {
        super::with_labels(
            format!(
                "Jira {} project {} ({})",
                self.api.base, self.project, self.issue_type
            ),
            &self.labels,
        )
    }

    fn find_open(&self, title: &str) -> Result<Vec<TaskRef>, TrackerError> {
        self.search(&format!(
            "project = \"{}\" AND summary ~ {} AND statusCategory != Done ORDER BY created DESC",
            self.project,
            Self::literal(title)
        ))
    }

    fn find_marker(&self, marker: &str, since: &str) -> Result<Option<TaskRef>, TrackerError> {
        // JQL dates are in the user's time zone: a day of slack, the marker does the rest.
        let day = chrono::DateTime::parse_from_rfc3339(since)
            .map(|t| {
                (t - chrono::Duration::days(1))
                    .format("%Y-%m-%d")
                    .to_string()
            })
            .unwrap_or_else(|_| "-7d".into());
        Ok(self
            .search(&format!(
                "project = \"{}\" AND text ~ {} AND created >= \"{day}\"",
                self.project,
                Self::literal(marker)
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
        let description = if self.version == 3 {
            draft.adf()
        } else {
            Value::String(draft.body(Markup::JiraWiki))
        };
        let body = json!({"fields": {
            "project": {"key": self.project},
            "summary": title,
            "description": description,
            "issuetype": {"name": self.issue_type},
            "labels": self.labels,
        }});
        let a = self.api.create(
            "create issue",
            self.request(reqwest::Method::POST, "/issue")
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(body.to_string()),
        )?;
        let v = a.json("create issue")?;
        let key = v
            .get("key")
            .and_then(Value::as_str)
            .ok_or_else(|| TrackerError {
                message: "jira create issue: the answer has no issue key".into(),
                outcome_unknown: true,
            })?
            .to_string();
        let task = TaskRef {
            id: key.clone(),
            url: format!("{}/browse/{key}", self.api.base),
            title: title.to_string(),
            open: true,
            handle: key.clone(),
        };
        let mut warning = None;
        if let Some(p) = parent {
            // "NEW blocks PARENT": Jira shows the link type's outward description ("blocks")
            // on the inward issue of the request.
            let link = json!({
                "type": {"name": "Blocks"},
                "inwardIssue": {"key": key},
                "outwardIssue": {"key": p.handle},
            });
            if let Err(e) = self.api.create(
                "link issue",
                self.request(reqwest::Method::POST, "/issueLink")
                    .header(reqwest::header::CONTENT_TYPE, "application/json")
                    .body(link.to_string()),
            ) {
                warning = Some(format!("{key} was filed but not linked to {}: {e}", p.id));
            }
        }
        Ok(Created { task, warning })
    }

    fn lookup(&self, task: &str) -> Result<Option<TaskRef>, TrackerError> {
        self.key(task).map(|k| self.by_key(&k)).transpose()
    }
}
