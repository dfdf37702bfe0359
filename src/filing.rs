//! Filing a group's task in a tracker, never twice: the tracker interface every tracker
//! implements, and the filing sequence over it and the decisions file.
//!
//! Trackers have no idempotency keys, so a create is never blindly resent. The intent is
//! saved in the group's decision first (a [`Filing`] with a marker word that also goes into
//! the task's body); when the create's answer is lost (timeout, connection reset, 5xx) the
//! intent stays pending, and the next attempt searches the tracker for the marker before
//! creating anything.

use crate::decisions::{DecisionStore, DecisionsError, Filing, Op};
use crate::task::{Markup, TaskDraft};
use std::fmt;

/// A task in a tracker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskRef {
    /// `T123456`, `#42`, `OPS-17`.
    pub id: String,
    pub url: String,
    pub title: String,
    pub open: bool,
    /// The tracker's own key for it (a Phabricator PHID, a GitHub issue's id, a GitLab
    /// iid, a Jira key), used to link tasks.
    pub handle: String,
}

/// A failed tracker request, in one line that never contains a credential.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrackerError {
    pub message: String,
    /// The request may have reached the tracker and done its work (timeout after sending,
    /// connection reset, 5xx): the outcome of a create is unknown.
    pub outcome_unknown: bool,
}

impl TrackerError {
    pub fn new(message: impl Into<String>) -> Self {
        TrackerError {
            message: message.into(),
            outcome_unknown: false,
        }
    }
}

impl fmt::Display for TrackerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// A created task, and what went wrong after creating it (linking to the parent).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Created {
    pub task: TaskRef,
    pub warning: Option<String>,
}

/// What every tracker offers logtriage.
pub trait Tracker: Send + Sync {
    /// "phabricator https://phabricator.example.org": in messages and in the decision.
    fn name(&self) -> String;
    fn markup(&self) -> Markup;
    /// The longest body the tracker accepts, in characters.
    fn body_limit(&self) -> usize;
    /// Where a new task goes (project, repository, labels, parent), for the preview.
    fn destination(&self) -> String;
    /// Open tasks whose title is `title` (compared case-insensitively by the caller).
    fn find_open(&self, title: &str) -> Result<Vec<TaskRef>, TrackerError>;
    /// The task whose body holds `marker`, created at or after `since` (RFC 3339).
    fn find_marker(&self, marker: &str, since: &str) -> Result<Option<TaskRef>, TrackerError>;
    /// The train's blocker task for `version`, when the tracker is configured with one.
    fn parent(&self, version: &str) -> Result<Option<TaskRef>, TrackerError>;
    /// Creates the task (one request, never retried) and links it to `parent`.
    fn create(
        &self,
        title: &str,
        draft: &TaskDraft,
        parent: Option<&TaskRef>,
    ) -> Result<Created, TrackerError>;
    /// The task `task` names (an id or URL of this tracker); `None` when it is not this
    /// tracker's, an error when the tracker does not have it.
    fn lookup(&self, task: &str) -> Result<Option<TaskRef>, TrackerError>;

    /// Whether `task` is open; `None` when it is not this tracker's task.
    fn is_open(&self, task: &str) -> Result<Option<bool>, TrackerError> {
        Ok(self.lookup(task)?.map(|t| t.open))
    }
}

/// A tracker whose creates are at least `interval` apart, measured between the create
/// requests themselves (the searches before each do not count). Trackers limit how fast
/// content is created, and GitHub bans integrations that keep creating while limited.
pub struct PacedCreates<'a> {
    inner: &'a dyn Tracker,
    interval: std::time::Duration,
    last_create: std::sync::Mutex<Option<std::time::Instant>>,
}

impl<'a> PacedCreates<'a> {
    pub fn new(inner: &'a dyn Tracker, interval: std::time::Duration) -> Self {
        PacedCreates {
            inner,
            interval,
            last_create: std::sync::Mutex::new(None),
        }
    }
}

impl Tracker for PacedCreates<'_> {
    fn name(&self) -> String {
        self.inner.name()
    }
    fn markup(&self) -> Markup {
        self.inner.markup()
    }
    fn body_limit(&self) -> usize {
        self.inner.body_limit()
    }
    fn destination(&self) -> String {
        self.inner.destination()
    }
    fn find_open(&self, title: &str) -> Result<Vec<TaskRef>, TrackerError> {
        self.inner.find_open(title)
    }
    fn find_marker(&self, marker: &str, since: &str) -> Result<Option<TaskRef>, TrackerError> {
        self.inner.find_marker(marker, since)
    }
    fn parent(&self, version: &str) -> Result<Option<TaskRef>, TrackerError> {
        self.inner.parent(version)
    }
    fn create(
        &self,
        title: &str,
        draft: &TaskDraft,
        parent: Option<&TaskRef>,
    ) -> Result<Created, TrackerError> {
        let mut last = self
            .last_create
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(at) = *last {
            let since = at.elapsed();
            if since < self.interval {
                std::thread::sleep(self.interval - since);
            }
        }
        *last = Some(std::time::Instant::now());
        self.inner.create(title, draft, parent)
    }
    fn lookup(&self, task: &str) -> Result<Option<TaskRef>, TrackerError> {
        self.inner.lookup(task)
    }
    fn is_open(&self, task: &str) -> Result<Option<bool>, TrackerError> {
        self.inner.is_open(task)
    }
}

/// How a filing ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// A new task.
    Filed(Created),
    /// An earlier attempt had created the task after all; it is recorded now.
    Reconciled(TaskRef),
}

impl Outcome {
    pub fn task(&self) -> &TaskRef {
        match self {
            Outcome::Filed(c) => &c.task,
            Outcome::Reconciled(t) => t,
        }
    }
}

#[derive(Debug)]
pub enum FilingError {
    Tracker(TrackerError),
    /// The create may have succeeded; the intent stays recorded and the next attempt
    /// reconciles before creating.
    Unknown {
        marker: String,
        cause: TrackerError,
    },
    /// The group already has a task from an earlier filing.
    AlreadyFiled(String),
    Decisions(DecisionsError),
}

impl fmt::Display for FilingError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FilingError::Tracker(e) => write!(f, "{e}; nothing was filed"),
            FilingError::Unknown { marker, cause } => write!(
                f,
                "{cause}; the task may or may not have been created. Run the same filing \
                 again: it first looks for filing id {marker} in the tracker and records \
                 that task instead of filing a second one"
            ),
            FilingError::AlreadyFiled(t) => write!(f, "already filed as {t}"),
            FilingError::Decisions(e) => write!(f, "{e}"),
        }
    }
}

impl From<DecisionsError> for FilingError {
    fn from(e: DecisionsError) -> Self {
        FilingError::Decisions(e)
    }
}

impl From<TrackerError> for FilingError {
    fn from(e: TrackerError) -> Self {
        FilingError::Tracker(e)
    }
}

/// A word that identifies one filing of `fingerprint`: letters and digits only, so every
/// tracker's full-text search finds it as one token.
pub fn new_marker(fingerprint: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let mix = (nanos as u64) ^ (u64::from(std::process::id()) << 32);
    let fp: String = fingerprint
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect();
    format!("logtriage{fp}x{:08x}", mix as u32 ^ (mix >> 32) as u32)
}

/// Open tasks titled exactly `title` (ignoring case and surrounding space): the duplicates
/// to offer before filing.
pub fn duplicates(tracker: &dyn Tracker, title: &str) -> Result<Vec<TaskRef>, TrackerError> {
    let want = title.trim().to_lowercase();
    Ok(tracker
        .find_open(title)?
        .into_iter()
        .filter(|t| t.open && t.title.trim().to_lowercase() == want)
        .collect())
}

/// Files `draft` (titled `title`) for group `fingerprint`, recording intent and outcome in
/// `store`; the task's URL becomes the group's task.
pub fn file(
    tracker: &dyn Tracker,
    store: &mut DecisionStore,
    fingerprint: &str,
    title: &str,
    mut draft: TaskDraft,
    parent: Option<&TaskRef>,
    by: &str,
) -> Result<Outcome, FilingError> {
    store.reload()?;
    let name = tracker.name();
    let previous = store
        .data
        .get(fingerprint)
        .and_then(|d| d.filing.clone())
        .filter(|f| f.tracker == name);
    let filing = match previous {
        Some(Filing { task: Some(t), .. }) => return Err(FilingError::AlreadyFiled(t)),
        Some(pending) => {
            if let Some(task) = find_pending(tracker, store, fingerprint, title, &pending, by)? {
                return Ok(Outcome::Reconciled(task));
            }
            pending
        }
        None => {
            let f = Filing {
                tracker: name,
                marker: new_marker(fingerprint),
                at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                task: None,
            };
            store.apply(
                fingerprint,
                Some(title),
                &Op::SetFiling {
                    filing: Some(f.clone()),
                },
                by,
            )?;
            f
        }
    };
    draft.set_marker(&filing.marker);
    draft.fit(tracker.markup(), tracker.body_limit());
    match tracker.create(title, &draft, parent) {
        Ok(created) => {
            record(store, fingerprint, title, &filing, &created.task, by)?;
            Ok(Outcome::Filed(created))
        }
        Err(cause) if cause.outcome_unknown => Err(FilingError::Unknown {
            marker: filing.marker,
            cause,
        }),
        Err(e) => {
            // The tracker refused it: nothing was created, so nothing is pending.
            store.apply(
                fingerprint,
                Some(title),
                &Op::SetFiling { filing: None },
                by,
            )?;
            Err(FilingError::Tracker(e))
        }
    }
}

/// When group `fingerprint` has a pending filing in `tracker`, looks for its marker; a task
/// found is recorded as the group's task and returned.
pub fn reconcile(
    tracker: &dyn Tracker,
    store: &mut DecisionStore,
    fingerprint: &str,
    title: &str,
    by: &str,
) -> Result<Option<TaskRef>, FilingError> {
    store.reload()?;
    match pending(store, tracker, fingerprint) {
        Some(p) => find_pending(tracker, store, fingerprint, title, &p, by),
        None => Ok(None),
    }
}

/// Looks for the marker of the `pending` filing; a task found is recorded and returned.
fn find_pending(
    tracker: &dyn Tracker,
    store: &mut DecisionStore,
    fingerprint: &str,
    title: &str,
    pending: &Filing,
    by: &str,
) -> Result<Option<TaskRef>, FilingError> {
    match tracker.find_marker(&pending.marker, &pending.at)? {
        Some(task) => {
            record(store, fingerprint, title, pending, &task, by)?;
            Ok(Some(task))
        }
        None => Ok(None),
    }
}

/// The filing of `fingerprint` in `tracker` whose outcome is not known yet.
pub fn pending(store: &DecisionStore, tracker: &dyn Tracker, fingerprint: &str) -> Option<Filing> {
    store
        .data
        .get(fingerprint)
        .and_then(|d| d.filing.clone())
        .filter(|f| f.tracker == tracker.name() && f.task.is_none())
}

/// Links group `fingerprint` to an existing task instead of filing one.
pub fn link(
    store: &mut DecisionStore,
    fingerprint: &str,
    title: &str,
    task: &TaskRef,
    by: &str,
) -> Result<(), DecisionsError> {
    store.apply(
        fingerprint,
        Some(title),
        &Op::SetTask {
            task: Some(task.url.clone()),
        },
        by,
    )
}

fn record(
    store: &mut DecisionStore,
    fingerprint: &str,
    title: &str,
    filing: &Filing,
    task: &TaskRef,
    by: &str,
) -> Result<(), DecisionsError> {
    link(store, fingerprint, title, task, by)?;
    store.apply(
        fingerprint,
        Some(title),
        &Op::SetFiling {
            filing: Some(Filing {
                task: Some(task.url.clone()),
                ..filing.clone()
            }),
        },
        by,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    /// A tracker in memory whose creates can be made to fail after (or before) creating.
    struct Memory {
        tasks: Mutex<Vec<(TaskRef, String)>>,
        /// Each create pops the next behaviour: `Ok` creates, `Err(true)` creates and then
        /// loses the answer, `Err(false)` refuses.
        script: Mutex<Vec<Result<(), bool>>>,
        creates: Mutex<usize>,
        created_at: Mutex<Vec<std::time::Instant>>,
    }

    impl Memory {
        fn new(script: Vec<Result<(), bool>>) -> Self {
            Memory {
                tasks: Mutex::default(),
                script: Mutex::new(script),
                creates: Mutex::new(0),
                created_at: Mutex::default(),
            }
        }
    }

    impl Tracker for Memory {
        fn name(&self) -> String {
            "memory".into()
        }
        fn markup(&self) -> Markup {
            Markup::Markdown
        }
        fn body_limit(&self) -> usize {
            65_536
        }
        fn destination(&self) -> String {
            "memory".into()
        }
        fn find_open(&self, title: &str) -> Result<Vec<TaskRef>, TrackerError> {
            Ok(self
                .tasks
                .lock()
                .unwrap()
                .iter()
                .filter(|(t, _)| t.title.to_lowercase().contains(&title.to_lowercase()))
                .map(|(t, _)| t.clone())
                .collect())
        }
        fn find_marker(&self, marker: &str, _: &str) -> Result<Option<TaskRef>, TrackerError> {
            Ok(self
                .tasks
                .lock()
                .unwrap()
                .iter()
                .find(|(_, body)| body.contains(marker))
                .map(|(t, _)| t.clone()))
        }
        fn parent(&self, _: &str) -> Result<Option<TaskRef>, TrackerError> {
            Ok(None)
        }
        fn create(
            &self,
            title: &str,
            draft: &TaskDraft,
            _: Option<&TaskRef>,
        ) -> Result<Created, TrackerError> {
            *self.creates.lock().unwrap() += 1;
            self.created_at
                .lock()
                .unwrap()
                .push(std::time::Instant::now());
            let step = self.script.lock().unwrap().remove(0);
            if step == Err(false) {
                return Err(TrackerError::new("422 title is invalid"));
            }
            let n = self.tasks.lock().unwrap().len() + 1;
            let task = TaskRef {
                id: format!("T{n}"),
                url: format!("https://t.example/T{n}"),
                title: title.into(),
                open: true,
                handle: format!("{n}"),
            };
            self.tasks
                .lock()
                .unwrap()
                .push((task.clone(), draft.body(Markup::Markdown)));
            match step {
                Ok(()) => Ok(Created {
                    task,
                    warning: None,
                }),
                _ => Err(TrackerError {
                    message: "timed out".into(),
                    outcome_unknown: true,
                }),
            }
        }
        fn lookup(&self, _: &str) -> Result<Option<TaskRef>, TrackerError> {
            Ok(None)
        }
    }

    fn draft() -> TaskDraft {
        let r = crate::task::tests::report();
        let g = &r.groups[0];
        crate::task::draft(g, &r.current.version, &Default::default())
    }

    #[test]
    fn a_lost_answer_is_reconciled_not_filed_twice() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = DecisionStore::open(dir.path().join("d.json")).unwrap();
        let tracker = Memory::new(vec![Err(true), Ok(())]);
        let e = file(&tracker, &mut store, "fp1", "Boom", draft(), None, "me").unwrap_err();
        let FilingError::Unknown { marker, .. } = &e else {
            panic!("{e}")
        };
        assert!(e.to_string().contains(marker.as_str()));
        // The intent is on disk, pending.
        let on_disk = DecisionStore::open(store.path()).unwrap();
        let f = on_disk.data.get("fp1").unwrap().filing.clone().unwrap();
        assert_eq!((f.marker.as_str(), f.task), (marker.as_str(), None));
        // The retry finds the task by its marker and creates nothing.
        let again = file(&tracker, &mut store, "fp1", "Boom", draft(), None, "me").unwrap();
        assert!(matches!(again, Outcome::Reconciled(ref t) if t.id == "T1"));
        assert_eq!(*tracker.creates.lock().unwrap(), 1);
        assert_eq!(tracker.tasks.lock().unwrap().len(), 1);
        let d = store.data.get("fp1").unwrap();
        assert_eq!(d.task.as_deref(), Some("https://t.example/T1"));
        // And a third attempt refuses instead of filing another.
        let e = file(&tracker, &mut store, "fp1", "Boom", draft(), None, "me").unwrap_err();
        assert!(matches!(e, FilingError::AlreadyFiled(_)));
    }

    #[test]
    fn a_refused_create_leaves_nothing_pending() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = DecisionStore::open(dir.path().join("d.json")).unwrap();
        let tracker = Memory::new(vec![Err(false), Ok(())]);
        let e = file(&tracker, &mut store, "fp1", "Boom", draft(), None, "me").unwrap_err();
        assert!(matches!(e, FilingError::Tracker(_)), "{e}");
        assert!(store.data.get("fp1").unwrap().filing.is_none());
        let ok = file(&tracker, &mut store, "fp1", "Boom", draft(), None, "me").unwrap();
        assert!(matches!(ok, Outcome::Filed(_)));
        let body = &tracker.tasks.lock().unwrap()[0].1;
        let marker = store
            .data
            .get("fp1")
            .unwrap()
            .filing
            .clone()
            .unwrap()
            .marker;
        assert!(body.contains(&format!("Filing id: {marker}")), "{body}");
    }

    #[test]
    fn duplicates_are_open_tasks_with_the_same_title() {
        let tracker = Memory::new(vec![Ok(()), Ok(())]);
        let d = draft();
        tracker.create("Boom in Foo", &d, None).unwrap();
        tracker.create("boom in foo ", &d, None).unwrap();
        tracker.tasks.lock().unwrap()[1].0.open = true;
        let dups = duplicates(&tracker, "Boom in Foo").unwrap();
        assert_eq!(dups.len(), 2);
        assert!(duplicates(&tracker, "Boom").unwrap().is_empty());
    }

    #[test]
    fn paced_creates_are_spaced_between_the_creates_themselves() {
        let inner = Memory::new(vec![Ok(()), Ok(()), Ok(())]);
        let gap = std::time::Duration::from_millis(120);
        let paced = PacedCreates::new(&inner, gap);
        let d = draft();
        paced.create("One", &d, None).unwrap();
        // Time spent between the creates (searches) counts towards the gap, not on top.
        std::thread::sleep(std::time::Duration::from_millis(60));
        assert_eq!(paced.find_open("One").unwrap().len(), 1);
        paced.create("Two", &d, None).unwrap();
        paced.create("Three", &d, None).unwrap();
        let at = inner.created_at.lock().unwrap().clone();
        assert_eq!(at.len(), 3);
        for w in at.windows(2) {
            assert!(w[1].duration_since(w[0]) >= gap, "{:?}", w[1] - w[0]);
        }
        assert_eq!(paced.name(), "memory");
    }
}
