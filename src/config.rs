//! The configuration file (TOML): field mappings, keys, theme, named sources, the tracker
//! and code-browser links. Looked up at `--config PATH`,
//! else `$LOGTRIAGE_CONFIG`, else `$XDG_CONFIG_HOME/logtriage/config.toml` (or
//! `~/.config/logtriage/config.toml`); a missing default file is not an error.
//!
//! ```toml
//! [fields]
//! version = "app.release"
//! fingerprint = "error.fingerprint"
//!
//! [keys]          # TUI commands (see `?` in the TUI for their names)
//! blocker = "B"
//! down = ["j", "down", "ctrl-n"]
//!
//! [theme]
//! color = "auto"  # or "always", "never"
//!
//! [tracker]       # where `F` / `logtriage file` files tasks (README: Filing tasks)
//! kind = "phabricator"
//! url = "https://phabricator.example.org"
//! token_env = "LOGTRIAGE_PHABRICATOR_TOKEN"
//! parent_title = "{version} deployment blockers"
//!
//! [[code_links]]  # stack frame locations → code browser
//! match = '^/srv/app/(?P<path>.+)$'
//! url = "https://code.example.org/app/blob/{version}/{path}#L{line}"
//! ```

use crate::input::mapping::Role;
use serde::Deserialize;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Role name → field path.
    #[serde(default)]
    pub fields: HashMap<String, String>,
    /// TUI command name → key or keys (`blocker = "B"`, `down = ["j", "down"]`).
    #[serde(default)]
    pub keys: std::collections::BTreeMap<String, KeyList>,
    #[serde(default)]
    pub theme: Theme,
    /// Named sources: `logtriage check prod` reads `[sources.prod]`.
    #[serde(default)]
    pub sources: std::collections::BTreeMap<String, SourceConfig>,
    /// Where `F` / `logtriage file` files tasks; none: tasks are written to files.
    #[serde(default)]
    pub tracker: Option<TrackerConfig>,
    /// Stack frame locations → code browser links, first match wins.
    #[serde(default)]
    pub code_links: Vec<CodeLinkRule>,
}

/// A code-browser link rule: `match` is a regex over the frame's file path whose named
/// groups (and `{line}`, `{version}`) fill `url`.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct CodeLinkRule {
    #[serde(rename = "match")]
    pub pattern: String,
    pub url: String,
}

/// The tracker tasks are filed in. The token comes from the environment variable named by
/// `token_env`, never from the config or the command line.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct TrackerConfig {
    /// `phabricator`, `github`, `gitlab` or `jira`.
    pub kind: String,
    /// The tracker's base URL (`https://phabricator.wikimedia.org`, `https://gitlab.com`,
    /// `https://example.atlassian.net`; GitHub: `https://api.github.com`, the default).
    #[serde(default)]
    pub url: Option<String>,
    /// GitHub `owner/repo`, GitLab `group/project` (or its numeric id), Jira project key.
    /// Phabricator: unused (tags place the task).
    #[serde(default)]
    pub project: Option<String>,
    /// Phabricator project tags (slugs or PHIDs); labels on GitHub, GitLab and Jira.
    #[serde(default)]
    pub tags: Vec<String>,
    /// The environment variable holding the API token.
    pub token_env: String,
    /// Jira Cloud: the environment variable holding the account's email (Basic auth with
    /// the API token); without it the token is sent as a Bearer token (Jira Data Center).
    #[serde(default)]
    pub user_env: Option<String>,
    /// The train's blocker task (`T123456`, `#12`, `OPS-7`): new tasks become its subtasks.
    #[serde(default)]
    pub parent: Option<String>,
    /// Or found by its exact title among open tasks; `{version}` is the current version
    /// (Wikimedia: `"{version} deployment blockers"`).
    #[serde(default)]
    pub parent_title: Option<String>,
    /// Or found by a train-blockers API (`https://train-blockers.toolforge.org/api.php`).
    #[serde(default)]
    pub parent_api: Option<String>,
    /// Phabricator priority for new tasks (`unbreak`, `high`, ...).
    #[serde(default)]
    pub priority: Option<String>,
    /// Phabricator statuses that count as open (default open, progress, stalled).
    #[serde(default)]
    pub open_statuses: Vec<String>,
    /// Jira issue type (default `Bug`).
    #[serde(default)]
    pub issue_type: Option<String>,
    /// Jira REST API version, 2 (wiki markup) or 3 (Atlassian Document Format); default 2.
    #[serde(default)]
    pub api_version: Option<u8>,
    /// GitLab link type from a new issue to its parent (default `relates_to`; `blocks`
    /// needs GitLab Premium).
    #[serde(default)]
    pub link_type: Option<String>,
    /// Seconds for one request (default 20).
    #[serde(default)]
    pub timeout_secs: Option<u64>,
}

/// A named source and where its credentials come from (never the config itself).
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct SourceConfig {
    /// `clickhouse://HOST:PORT/DB.TABLE`
    pub url: String,
    /// Environment variables holding the user and password.
    #[serde(default)]
    pub user_env: Option<String>,
    #[serde(default)]
    pub password_env: Option<String>,
    /// A file with `user = ...` and `password = ...` lines; refused when others can read it.
    #[serde(default)]
    pub credentials_file: Option<PathBuf>,
    /// The backend's own UI, for a link per group: OpenSearch Dashboards / Kibana for an
    /// OpenSearch source, Grafana for a Loki source.
    #[serde(default)]
    pub ui_url: Option<String>,
    /// A directory of queries replacing the built-in ones of the same relative name
    /// (`clickhouse/groups.sql`, ...): another table schema, other field names.
    #[serde(default)]
    pub queries_dir: Option<std::path::PathBuf>,
}

/// Credentials for a backend. Printing them never shows the password.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Credentials {
    pub user: Option<String>,
    pub password: Option<String>,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials")
            .field("user", &self.user)
            .field("password", &self.password.as_ref().map(|_| "[REDACTED]"))
            .finish()
    }
}

impl Credentials {
    /// From environment variables (unset or empty: none).
    pub fn from_env(user_var: &str, password_var: &str) -> Credentials {
        let get = |v: &str| std::env::var(v).ok().filter(|x| !x.is_empty());
        Credentials {
            user: get(user_var),
            password: get(password_var),
        }
    }

    /// From a `user = ...` / `password = ...` file that only its owner can read.
    pub fn from_file(path: &Path) -> Result<Credentials, String> {
        let meta = std::fs::metadata(path)
            .map_err(|e| format!("{}: cannot read credentials: {e}", path.display()))?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = meta.permissions().mode() & 0o777;
            if mode & 0o077 != 0 {
                return Err(format!(
                    "{}: credentials file is readable by others (mode {mode:o}); run chmod 600 on it",
                    path.display()
                ));
            }
        }
        #[cfg(not(unix))]
        let _ = meta;
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("{}: cannot read credentials: {e}", path.display()))?;
        let mut c = Credentials::default();
        for (n, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let (k, v) = line
                .split_once('=')
                .ok_or_else(|| format!("{}:{}: expected key = value", path.display(), n + 1))?;
            let v = v.trim().trim_matches('"').to_string();
            match k.trim() {
                "user" => c.user = Some(v),
                "password" => c.password = Some(v),
                other => {
                    return Err(format!(
                        "{}:{}: unknown key {other:?} (user, password)",
                        path.display(),
                        n + 1
                    ));
                }
            }
        }
        Ok(c)
    }
}

impl SourceConfig {
    /// The credentials this source names: its file, else its variables, else the defaults.
    pub fn credentials(
        &self,
        default_user_env: &str,
        default_password_env: &str,
    ) -> Result<Credentials, String> {
        if let Some(f) = &self.credentials_file {
            return Credentials::from_file(f);
        }
        Ok(Credentials::from_env(
            self.user_env.as_deref().unwrap_or(default_user_env),
            self.password_env.as_deref().unwrap_or(default_password_env),
        ))
    }
}

/// One key or several.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(untagged)]
pub enum KeyList {
    One(String),
    Many(Vec<String>),
}

impl KeyList {
    pub fn to_vec(&self) -> Vec<String> {
        match self {
            KeyList::One(k) => vec![k.clone()],
            KeyList::Many(v) => v.clone(),
        }
    }
}

/// `[theme]`: `color = "auto"` (default: on unless NO_COLOR is set), `"always"` or `"never"`.
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Theme {
    #[serde(default)]
    pub color: Option<String>,
    /// Nothing dimmed: for projectors and washed-out screens.
    #[serde(default)]
    pub high_contrast: bool,
}

impl Theme {
    /// Whether to use colors, given whether NO_COLOR is set.
    pub fn use_color(&self, no_color_env: bool) -> Result<bool, String> {
        match self.color.as_deref() {
            None | Some("auto") => Ok(!no_color_env),
            Some("always") => Ok(true),
            Some("never") => Ok(false),
            Some(other) => Err(format!(
                "[theme] color = {other:?}: use auto, always or never"
            )),
        }
    }
}

impl Config {
    /// Field overrides as roles; unknown role names are an error naming the file.
    pub fn field_overrides(&self, origin: &str) -> Result<HashMap<Role, String>, String> {
        let mut out = HashMap::new();
        for (k, v) in &self.fields {
            let role = Role::from_name(k).ok_or_else(|| {
                let names: Vec<&str> = Role::ALL.iter().map(|r| r.name()).collect();
                format!(
                    "{origin}: [fields] has unknown role {k:?}; roles are {}",
                    names.join(", ")
                )
            })?;
            out.insert(role, v.clone());
        }
        Ok(out)
    }
}

/// The default config path, if the environment names one.
pub fn default_path() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("LOGTRIAGE_CONFIG") {
        return Some(PathBuf::from(p));
    }
    let base = std::env::var_os("XDG_CONFIG_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config")))?;
    Some(base.join("logtriage").join("config.toml"))
}

/// Loads `explicit` (must exist) or the default path (may be missing).
pub fn load(explicit: Option<&Path>) -> Result<Config, String> {
    let (path, required) = match explicit {
        Some(p) => (p.to_path_buf(), true),
        None => match default_path() {
            Some(p) => (p, false),
            None => return Ok(Config::default()),
        },
    };
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if !required && e.kind() == std::io::ErrorKind::NotFound => {
            return Ok(Config::default());
        }
        Err(e) => return Err(format!("{}: cannot read config: {e}", path.display())),
    };
    toml::from_str(&text).map_err(|e| format!("{}: invalid config: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_fields_and_rejects_unknown() {
        let c: Config = toml::from_str("[fields]\nversion = \"app.release\"\n").unwrap();
        let o = c.field_overrides("x.toml").unwrap();
        assert_eq!(o[&Role::Version], "app.release");
        let bad: Config = toml::from_str("[fields]\nbogus = \"x\"\n").unwrap();
        assert!(
            bad.field_overrides("x.toml")
                .unwrap_err()
                .contains("unknown role \"bogus\"")
        );
        assert!(toml::from_str::<Config>("[nope]\n").is_err());
    }

    #[test]
    fn keys_and_theme() {
        let c: Config = toml::from_str(
            "[keys]\nblocker = \"B\"\ndown = [\"j\", \"ctrl-n\"]\n[theme]\ncolor = \"never\"\n",
        )
        .unwrap();
        assert_eq!(c.keys["blocker"].to_vec(), vec!["B"]);
        assert_eq!(c.keys["down"].to_vec(), vec!["j", "ctrl-n"]);
        assert_eq!(c.theme.use_color(false), Ok(false));
        assert_eq!(Theme::default().use_color(true), Ok(false));
        assert!(
            Theme {
                color: Some("purple".into()),
                high_contrast: false,
            }
            .use_color(false)
            .is_err()
        );
    }

    #[test]
    fn named_sources_and_credentials_files() {
        let c: Config = toml::from_str("[sources.prod]\nurl = \"clickhouse://ch:8123/logs.events\"\ncredentials_file = \"/nonexistent\"\n").unwrap();
        assert_eq!(c.sources["prod"].url, "clickhouse://ch:8123/logs.events");
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("creds");
        std::fs::write(&f, "# prod\nuser = triage\npassword = \"s3cr3t\"\n").unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&f, std::fs::Permissions::from_mode(0o644)).unwrap();
            let err = Credentials::from_file(&f).unwrap_err();
            assert!(
                err.contains("readable by others") && !err.contains("s3cr3t"),
                "{err}"
            );
            std::fs::set_permissions(&f, std::fs::Permissions::from_mode(0o600)).unwrap();
        }
        let creds = Credentials::from_file(&f).unwrap();
        assert_eq!(creds.user.as_deref(), Some("triage"));
        assert_eq!(creds.password.as_deref(), Some("s3cr3t"));
        assert!(!format!("{creds:?}").contains("s3cr3t"));
    }

    #[test]
    fn missing_explicit_file_is_an_error() {
        let err = load(Some(Path::new("/nonexistent/logtriage.toml"))).unwrap_err();
        assert!(err.contains("/nonexistent/logtriage.toml"));
    }
}
