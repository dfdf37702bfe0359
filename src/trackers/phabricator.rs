//! Phabricator over Conduit: `maniphest.search` (duplicates, markers, status, the parent
//! task), `project.search` (tag slugs to PHIDs) and `maniphest.edit` (create, with the
//! train's blocker task as parent). Conduit takes form fields (`api.token`,
//! `constraints[query]`, `transactions[0][type]`) and answers HTTP 200 with
//! `{result, error_code, error_info}`; an error code is an error.

use super::{Api, encode, search_words};
use logtriage::config::TrackerConfig;
use logtriage::filing::{Created, TaskRef, Tracker, TrackerError};
use logtriage::task::{Markup, TaskDraft};
use serde_json::Value;

/// Maniphest descriptions are stored in a MEDIUMTEXT, but a Conduit request is one POST;
/// keep bodies to a size every web server in front of it accepts.
const BODY_LIMIT: usize = 200_000;

pub struct Phabricator {
    api: Api,
    tags: Vec<String>,
    parent: super::ParentRule,
    /// A train-blockers API, when `parent` does not name the task.
    parent_api: Option<String>,
    priority: Option<String>,
    open_statuses: Vec<String>,
}

impl Phabricator {
    pub fn new(api: Api, cfg: &TrackerConfig) -> Self {
        let open_statuses = if cfg.open_statuses.is_empty() {
            vec!["open".into(), "progress".into(), "stalled".into()]
        } else {
            cfg.open_statuses.clone()
        };
        Phabricator {
            api,
            tags: cfg.tags.clone(),
            parent: super::ParentRule::new(cfg),
            parent_api: cfg.parent_api.clone(),
            priority: cfg.priority.clone(),
            open_statuses,
        }
    }

    /// Calls a Conduit method with form fields; `create` sends once.
    fn call(
        &self,
        method: &str,
        fields: &[(String, String)],
        create: bool,
    ) -> Result<Value, TrackerError> {
        let mut body = format!("api.token={}", encode(self.api.token()));
        for (k, v) in fields {
            body.push('&');
            body.push_str(&encode(k));
            body.push('=');
            body.push_str(&encode(v));
        }
        let url = format!("{}/api/{method}", self.api.base);
        let make = || {
            self.api
                .client()
                .post(&url)
                .header(
                    reqwest::header::CONTENT_TYPE,
                    "application/x-www-form-urlencoded",
                )
                .body(body.clone())
        };
        let answer = if create {
            self.api.create(method, make())?
        } else {
            self.api.read(method, make)?
        };
        let v = answer.json(method)?;
        if let Some(code) = v.get("error_code").and_then(Value::as_str) {
            let info = v.get("error_info").and_then(Value::as_str).unwrap_or("");
            let hint = if code == "ERR-INVALID-AUTH" {
                " (check the token in the configured token_env variable)"
            } else {
                ""
            };
            return Err(TrackerError::new(format!(
                "phabricator {method}: {code}: {}{hint}",
                super::http::excerpt(info, &self.api.secrets)
            )));
        }
        Ok(v.get("result").cloned().unwrap_or(Value::Null))
    }

    fn search(&self, constraints: &[(String, String)]) -> Result<Vec<TaskRef>, TrackerError> {
        let mut fields: Vec<(String, String)> = constraints.to_vec();
        fields.push(("order".into(), "newest".into()));
        fields.push(("limit".into(), "100".into()));
        let r = self.call("maniphest.search", &fields, false)?;
        Ok(r.get("data")
            .and_then(Value::as_array)
            .map(|data| data.iter().filter_map(|t| self.task(t)).collect())
            .unwrap_or_default())
    }

    /// A `maniphest.search` result row as a task (its PHID as the handle).
    fn task(&self, t: &Value) -> Option<TaskRef> {
        let id = t.get("id")?.as_u64()?;
        let phid = t.get("phid")?.as_str()?.to_string();
        let fields = t.get("fields")?;
        let status = fields
            .pointer("/status/value")
            .and_then(Value::as_str)
            .unwrap_or("");
        Some(TaskRef {
            id: format!("T{id}"),
            url: format!("{}/T{id}", self.api.base),
            title: fields
                .get("name")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string(),
            open: self.open_statuses.iter().any(|s| s == status),
            handle: phid,
        })
    }

    fn by_id(&self, id: u64) -> Result<Option<TaskRef>, TrackerError> {
        Ok(self
            .search(&[("constraints[ids][0]".into(), id.to_string())])?
            .into_iter()
            .next())
    }

    /// `T123`, `123` or `<base>/T123` as a task number.
    fn task_number(&self, task: &str) -> Option<u64> {
        let t = task.trim();
        let t = t.strip_prefix(&format!("{}/", self.api.base)).unwrap_or(t);
        let t = t.strip_prefix('T').unwrap_or(t);
        if task.contains("://") && !task.trim().starts_with(&self.api.base) {
            return None;
        }
        t.parse().ok()
    }

    /// The train's blocker task from a train-blockers API (`current.version` must be the
    /// train under triage).
    fn train_blockers_parent(
        &self,
        api: &str,
        version: &str,
    ) -> Result<Option<TaskRef>, TrackerError> {
        let a = self
            .api
            .read("train-blockers", || self.api.client().get(api))?;
        let v = a.json("train-blockers")?;
        let cur = v.get("current").cloned().unwrap_or(Value::Null);
        let their = cur.get("version").and_then(Value::as_str).unwrap_or("");
        if their != version {
            return Err(TrackerError::new(format!(
                "train-blockers: its current train is {their:?}, not {version}; set parent = \"T…\" in [tracker]"
            )));
        }
        let task = match cur.get("task_id") {
            Some(Value::Number(n)) => n.to_string(),
            Some(Value::String(s)) => s.clone(),
            _ => String::new(),
        };
        match self.lookup(&task)? {
            Some(t) => Ok(Some(t)),
            None => Err(TrackerError::new(format!(
                "train-blockers: no task for {version}; set parent = \"T…\" in [tracker]"
            ))),
        }
    }

    /// Tag slugs as project PHIDs (PHIDs pass through).
    fn project_phids(&self) -> Result<Vec<String>, TrackerError> {
        let (phids, slugs): (Vec<&String>, Vec<&String>) =
            self.tags.iter().partition(|t| t.starts_with("PHID-"));
        let mut out: Vec<String> = phids.into_iter().cloned().collect();
        if slugs.is_empty() {
            return Ok(out);
        }
        let fields: Vec<(String, String)> = slugs
            .iter()
            .enumerate()
            .map(|(i, s)| {
                (
                    format!("constraints[slugs][{i}]"),
                    s.trim_start_matches('#').to_string(),
                )
            })
            .collect();
        let r = self.call("project.search", &fields, false)?;
        let found: Vec<String> = r
            .get("data")
            .and_then(Value::as_array)
            .map(|d| {
                d.iter()
                    .filter_map(|p| p.get("phid").and_then(Value::as_str).map(str::to_string))
                    .collect()
            })
            .unwrap_or_default();
        if found.len() < slugs.len() {
            // `maps.slugMap` has an entry per slug that names a project.
            let known = r.pointer("/maps/slugMap").and_then(Value::as_object);
            let missing: Vec<&str> = slugs
                .iter()
                .map(|t| t.trim_start_matches('#'))
                .filter(|t| known.is_none_or(|m| !m.contains_key(*t)))
                .collect();
            return Err(TrackerError::new(format!(
                "phabricator: no project has the tag {}; check tags in [tracker] (a project's slug, as in its URL, or its PHID)",
                missing.join(", ")
            )));
        }
        out.extend(found);
        Ok(out)
    }
}

impl Tracker for Phabricator {
    fn name(&self) -> String {
        format!("phabricator {}", self.api.base)
    }

    fn markup(&self) -> Markup {
        Markup::Remarkup
    }

    fn body_limit(&self) -> usize {
        BODY_LIMIT
    }

    fn destination(&self) -> String {
        let mut s = format!("Phabricator {}", self.api.base);
        if !self.tags.is_empty() {
            s.push_str(&format!(", tags {}", self.tags.join(", ")));
        }
        if let Some(p) = &self.priority {
            s.push_str(&format!(", priority {p}"));
        }
        s
    }

    fn find_open(&self, title: &str) -> Result<Vec<TaskRef>, TrackerError> {
        let mut c = vec![("constraints[query]".to_string(), search_words(title))];
        for (i, s) in self.open_statuses.iter().enumerate() {
            c.push((format!("constraints[statuses][{i}]"), s.clone()));
        }
        self.search(&c)
    }

    fn find_marker(&self, marker: &str, since: &str) -> Result<Option<TaskRef>, TrackerError> {
        let mut c = vec![("constraints[query]".to_string(), marker.to_string())];
        if let Ok(t) = chrono::DateTime::parse_from_rfc3339(since) {
            // A minute of slack for clock skew between this machine and the tracker.
            c.push((
                "constraints[createdStart]".into(),
                (t.timestamp() - 60).to_string(),
            ));
        }
        Ok(self.search(&c)?.into_iter().next())
    }

    fn parent(&self, version: &str) -> Result<Option<TaskRef>, TrackerError> {
        match &self.parent_api {
            Some(api) if !self.parent.names_a_task() => self.train_blockers_parent(api, version),
            _ => self.parent.resolve(self, version),
        }
    }

    fn create(
        &self,
        title: &str,
        draft: &TaskDraft,
        parent: Option<&TaskRef>,
    ) -> Result<Created, TrackerError> {
        let projects = self.project_phids()?;
        let mut tx: Vec<(String, Vec<String>)> = vec![
            ("title".into(), vec![title.to_string()]),
            ("description".into(), vec![draft.body(Markup::Remarkup)]),
        ];
        if !projects.is_empty() {
            tx.push(("projects.add".into(), projects));
        }
        if let Some(p) = parent {
            tx.push(("parents.add".into(), vec![p.handle.clone()]));
        }
        if let Some(p) = &self.priority {
            tx.push(("priority".into(), vec![p.clone()]));
        }
        let mut fields = Vec::new();
        for (i, (kind, values)) in tx.iter().enumerate() {
            fields.push((format!("transactions[{i}][type]"), kind.clone()));
            if kind.ends_with(".add") {
                for (j, v) in values.iter().enumerate() {
                    fields.push((format!("transactions[{i}][value][{j}]"), v.clone()));
                }
            } else {
                fields.push((format!("transactions[{i}][value]"), values[0].clone()));
            }
        }
        let r = self.call("maniphest.edit", &fields, true)?;
        let id = r
            .pointer("/object/id")
            .and_then(Value::as_u64)
            .ok_or_else(|| TrackerError {
                message: "phabricator maniphest.edit: the answer has no task id".into(),
                outcome_unknown: true,
            })?;
        let phid = r
            .pointer("/object/phid")
            .and_then(Value::as_str)
            .unwrap_or("");
        Ok(Created {
            task: TaskRef {
                id: format!("T{id}"),
                url: format!("{}/T{id}", self.api.base),
                title: title.to_string(),
                open: true,
                handle: phid.to_string(),
            },
            warning: None,
        })
    }

    fn lookup(&self, task: &str) -> Result<Option<TaskRef>, TrackerError> {
        let Some(n) = self.task_number(task) else {
            return Ok(None);
        };
        match self.by_id(n)? {
            Some(t) => Ok(Some(t)),
            None => Err(TrackerError::new(format!(
                "phabricator: task T{n} not found"
            ))),
        }
    }
}
