//! The `logtriage` command line: a thin layer over the library, plus the TUI.

mod backends;
mod filing_commands;
mod trackers;
mod tui;

use clap::{Args, CommandFactory, Parser, Subcommand};
use logtriage::config;
use logtriage::decisions::{DecisionStore, Decisions, Mark, Op};
use logtriage::diff::Params;
use logtriage::gate::{self, Limits, Outcome};
use logtriage::input::mapping::{FieldMap, parse_override};
use logtriage::input::{self, Format};
use logtriage::level::Level;
use logtriage::pipeline::{self, Analysis, Options, SourceSpec};
use logtriage::report::{self, OutputFormat, Picked, Report};
use logtriage::sanitize::display_safe;
use logtriage::source::{Files, Source};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "logtriage",
    version,
    about = "Production log triage for release trains: group errors, diff versions, gate deploys",
    long_about = "Production log triage for release trains.\n\n`logtriage SOURCE...` opens the triage TUI on the sources; the subcommands report, gate and record decisions without it.",
    args_conflicts_with_subcommands = true,
    subcommand_negates_reqs = true
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    open: OpenArgs,
}

/// Open the TUI on sources.
#[derive(Args)]
struct OpenArgs {
    #[command(flatten)]
    input: VersionedSources,
    /// Refresh on this interval, in seconds (also `r`).
    #[arg(long, value_name = "SECONDS")]
    follow: Option<u64>,
}

#[derive(Subcommand)]
enum Command {
    /// Compare two versions found in the sources and write a triage report.
    Report(ReportArgs),
    /// Compare two sources without versions: logs from before and after a deploy.
    Diff(DiffArgs),
    /// Deploy gate: exit 0 pass, 1 fail (new or regressed errors), 2 blind (cannot judge).
    Check(CheckArgs),
    /// Print one JSON object per event with its fingerprint.
    Fingerprint(FingerprintArgs),
    /// The built-in demo release train: open it in the TUI, print its report, or write its files.
    Demo(DemoArgs),
    /// Record a triage decision on groups: mark, owner, task, note, or undo the last change.
    Decide(DecideArgs),
    /// File tasks for groups in the configured tracker ([tracker] in the config; Phatality's
    /// format, redacted), after a preview and a duplicate search. With no tracker, each
    /// task is written to a file (and the last one copied to the clipboard by OSC 52).
    File(FileArgs),
    /// Known and ignored groups and their tasks; --check asks the tracker which tasks are
    /// closed (those groups should be triaged again when they recur).
    Known(KnownArgs),
    /// Load events from files into a ClickHouse table (created from queries/clickhouse/schema.sql
    /// if missing). Credentials: LOGTRIAGE_CLICKHOUSE_USER, LOGTRIAGE_CLICKHOUSE_PASSWORD.
    Ingest(IngestArgs),
    /// Print shell completions (bash, zsh, fish, elvish, powershell).
    Completions { shell: clap_complete::Shell },
    /// Print the man page (roff).
    Man,
}

#[derive(Args)]
struct KnownArgs {
    /// Ask the tracker whether each task is still open.
    #[arg(long)]
    check: bool,
    /// Clear the mark of groups whose task is closed, so they show as untriaged again.
    #[arg(long, requires = "check")]
    untriage: bool,
    /// The decisions file.
    #[arg(long, default_value = logtriage::decisions::DEFAULT_FILE)]
    decisions: PathBuf,
    /// Configuration file (TOML) with the [tracker].
    #[arg(long)]
    config: Option<PathBuf>,
}

#[derive(Args)]
struct IngestArgs {
    /// clickhouse://HOST:PORT/DATABASE.TABLE
    target: String,
    /// Files, globs or `-` (stdin), in any shape the readers know.
    #[arg(required = true, value_name = "FILE")]
    files: Vec<String>,
    #[command(flatten)]
    read: ReadArgs,
}

#[derive(Args)]
struct DecideArgs {
    /// Fingerprints of the groups (16 hex digits, from a report or `logtriage fingerprint`).
    #[arg(required = true, value_name = "FINGERPRINT")]
    fingerprints: Vec<String>,
    /// blocker, backport, known, ignored, fixed, or none to clear.
    #[arg(long)]
    mark: Option<String>,
    /// The train (version) a blocker or backport is raised on.
    #[arg(long)]
    train: Option<String>,
    /// Owning team (none to clear).
    #[arg(long)]
    owner_team: Option<String>,
    /// Owning person (none to clear).
    #[arg(long)]
    owner: Option<String>,
    /// Task: T123456 or a URL (none to clear).
    #[arg(long)]
    task: Option<String>,
    /// Add a note.
    #[arg(long)]
    note: Option<String>,
    /// Undo the last change to each group.
    #[arg(long, conflicts_with_all = ["mark", "owner_team", "owner", "task", "note"])]
    undo: bool,
    /// Merge: the groups of the second and later fingerprints join the first's group in
    /// every later run (report, check, TUI, backends).
    #[arg(long, conflicts_with_all = ["mark", "owner_team", "owner", "task", "note", "undo", "split"])]
    merge: bool,
    /// Split: each fingerprint is a group of its own in every later run, whatever template
    /// mining or the template store says.
    #[arg(long, conflicts_with_all = ["mark", "owner_team", "owner", "task", "note", "undo"])]
    split: bool,
    /// The decisions file.
    #[arg(long, default_value = logtriage::decisions::DEFAULT_FILE)]
    file: PathBuf,
}

#[derive(Args)]
struct FileArgs {
    /// Fingerprint of a group to file (16 hex digits; repeatable). Fingerprints may also
    /// come first among the positional arguments: `logtriage file FP... SOURCE...`.
    #[arg(long = "group", value_name = "FINGERPRINT")]
    groups: Vec<String>,
    /// File without asking (otherwise: ask on a terminal, only preview elsewhere).
    #[arg(long)]
    yes: bool,
    /// The task's title instead of the group's (one group only).
    #[arg(long)]
    title: Option<String>,
    /// Link the group to this existing task instead of filing one (its URL, or a
    /// Phabricator id like T123456).
    #[arg(long, value_name = "TASK", conflicts_with = "yes")]
    link: Option<String>,
    /// File even when an open task has the same title.
    #[arg(long)]
    duplicate_ok: bool,
    /// Write the task to a file even when a tracker is configured.
    #[arg(long)]
    to_file: bool,
    /// The markup of a task written to a file.
    #[arg(
        long,
        default_value = "remarkup",
        value_name = "remarkup|markdown|jira"
    )]
    markup: String,
    /// Where task files go.
    #[arg(long, default_value = ".", value_name = "DIR")]
    out: PathBuf,
    #[command(flatten)]
    input: VersionedSources,
}

#[derive(Args, Clone)]
struct ReadArgs {
    /// Read every input as this shape instead of detecting it.
    #[arg(long = "input-format", value_name = "ndjson|logfmt|text|raw")]
    input_format: Option<Format>,
    /// Map a role to a field, e.g. `--field version=app.release` (repeatable).
    #[arg(long = "field", value_name = "ROLE=FIELD")]
    fields: Vec<String>,
    /// Lowest level that is triaged: fatal, error, warning, notice, info, debug, or any.
    #[arg(long, default_value = "warning")]
    min_level: String,
    /// Only events since then: a duration before now (30m, 12h, 7d) or an RFC 3339 time.
    /// Backends are asked for that window; events without a timestamp are kept.
    #[arg(long, value_name = "DURATION|TIME")]
    since: Option<String>,
    /// Configuration file (TOML). Default: $LOGTRIAGE_CONFIG or $XDG_CONFIG_HOME/logtriage/config.toml.
    #[arg(long)]
    config: Option<PathBuf>,
    /// Stop decompressing a file past this many bytes (default: 200 times the compressed
    /// file's size, at least 256 MiB; 64 GiB for stdin).
    #[arg(long, value_name = "BYTES")]
    max_decompressed: Option<u64>,
    /// Worker threads (default: all cores).
    #[arg(long)]
    threads: Option<usize>,
    /// The longest a backend source may take, every request and retry together: 90s, 5m.
    /// Past it the source is blind.
    #[arg(long, value_name = "DURATION", default_value = "5m", value_parser = parse_duration)]
    timeout: std::time::Duration,
    /// The longest one request to a backend may take.
    #[arg(long, value_name = "DURATION", default_value = "30s", value_parser = parse_duration)]
    request_timeout: std::time::Duration,
    /// Triage decisions to show (default: ./logtriage-decisions.json when it exists).
    #[arg(long, value_name = "FILE")]
    decisions: Option<PathBuf>,
}

#[derive(Args, Clone)]
struct DiffParams {
    /// Minimum exposure-normalized ratio for regressed (and 1/ratio for improved).
    #[arg(long, default_value_t = 2.0)]
    min_ratio: f64,
    /// Significance level of the binomial test behind regressed, improved and gone.
    #[arg(long, default_value_t = 0.01)]
    alpha: f64,
}

/// Sources whose events carry a version, and which two versions to compare.
#[derive(Args, Clone)]
struct VersionedSources {
    /// Files, globs or `-` (stdin); .gz and .zst are read transparently.
    #[arg(required = true, value_name = "SOURCE")]
    sources: Vec<String>,
    /// The version under test (default: the newest in the data).
    #[arg(long)]
    current: Option<String>,
    /// The version to compare with (default: the second newest).
    #[arg(long)]
    previous: Option<String>,
    /// The train stop the report is for (group0, group1, group2, ...), shown in reports.
    #[arg(long)]
    stop: Option<String>,
    #[command(flatten)]
    read: ReadArgs,
    #[command(flatten)]
    params: DiffParams,
}

#[derive(Args)]
struct ReportArgs {
    /// Ask the configured tracker whether each group's task is open: known groups whose
    /// task is closed are listed, and count as untriaged in the verdict.
    #[arg(long)]
    check_tasks: bool,
    #[command(flatten)]
    input: VersionedSources,
    #[command(flatten)]
    out: OutputArgs,
}

/// Where a report goes, and in which format.
#[derive(Args)]
struct OutputArgs {
    #[arg(
        long,
        default_value = "markdown",
        value_name = "markdown|json|remarkup|html"
    )]
    format: OutputFormat,
    /// Write the report here instead of stdout.
    #[arg(short = 'o', long)]
    output: Option<PathBuf>,
    /// Keep log text as it is. By default what the report quotes from the logs is redacted
    /// (secrets, emails, IPs, URL query values, request bodies, quoted trace arguments): reports get pasted
    /// into public tasks.
    #[arg(long)]
    no_redact: bool,
}

impl OutputArgs {
    /// Renders `r` as asked, redacted unless --no-redact, and writes it.
    fn write(&self, mut r: Report) -> Result<(), Failure> {
        if !self.no_redact {
            let removed = r.redact().summary();
            if !removed.is_empty() {
                eprintln!("logtriage: redacted {removed} (--no-redact keeps them)");
            }
        }
        write_output(&r.render(self.format), self.output.as_ref())
    }
}

#[derive(Args)]
struct DiffArgs {
    /// Logs of the previous version.
    previous: String,
    /// Logs of the current version.
    current: String,
    /// Name for the previous side (default: its file name).
    #[arg(long)]
    previous_label: Option<String>,
    #[arg(long)]
    current_label: Option<String>,
    #[command(flatten)]
    out: OutputArgs,
    #[command(flatten)]
    read: ReadArgs,
    #[command(flatten)]
    params: DiffParams,
}

#[derive(Args)]
struct CheckArgs {
    /// Ask the configured tracker about the tasks of known groups: one whose task is
    /// closed counts as untriaged again.
    #[arg(long)]
    check_tasks: bool,
    #[command(flatten)]
    input: VersionedSources,
    /// New error groups allowed.
    #[arg(long, default_value_t = 0)]
    max_new: usize,
    /// Regressed error groups allowed.
    #[arg(long, default_value_t = 0)]
    max_regressed: usize,
}

#[derive(Args)]
struct FingerprintArgs {
    #[arg(required = true, value_name = "FILE")]
    files: Vec<String>,
    /// Input shape; with `raw` every line is one event.
    #[arg(long, value_name = "ndjson|logfmt|text|raw")]
    format: Option<Format>,
    #[arg(long = "field", value_name = "ROLE=FIELD")]
    fields: Vec<String>,
    /// Only events at or above this level (default: every event).
    #[arg(long, default_value = "any")]
    min_level: String,
    #[arg(long)]
    config: Option<PathBuf>,
    #[arg(long)]
    threads: Option<usize>,
    /// Group with this decisions file's merges, splits and template store, and remember
    /// the fingerprints seen for the first time (as `report` does with one).
    #[arg(long, value_name = "FILE")]
    decisions: Option<PathBuf>,
}

#[derive(Args)]
struct DemoArgs {
    /// Write the demo train's log files and ground truth here instead of opening them.
    #[arg(long, value_name = "DIR")]
    write: Option<PathBuf>,
    /// Print the demo's report instead of opening the TUI (the default when stdout is not
    /// a terminal).
    #[arg(long)]
    print: bool,
    #[arg(
        long,
        default_value = "markdown",
        value_name = "markdown|json|remarkup|html"
    )]
    format: OutputFormat,
}

/// A user-facing failure: message and exit code.
struct Failure(String, u8);

impl<T: Into<String>> From<T> for Failure {
    fn from(s: T) -> Self {
        Failure(s.into(), 2)
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let Some(command) = cli.command else {
        let result = cmd_open(cli.open);
        return finish(result);
    };
    let result = match command {
        Command::Report(a) => cmd_report(a),
        Command::Diff(a) => cmd_diff(a),
        Command::Check(a) => cmd_check(a),
        Command::Fingerprint(a) => cmd_fingerprint(a),
        Command::Demo(a) => cmd_demo(a),
        Command::Decide(a) => cmd_decide(a),
        Command::Known(a) => filing_commands::cmd_known(a),
        Command::File(a) => filing_commands::cmd_file(a),
        Command::Ingest(a) => cmd_ingest(a),
        Command::Completions { shell } => {
            clap_complete::generate(
                shell,
                &mut Cli::command(),
                "logtriage",
                &mut std::io::stdout(),
            );
            Ok(0)
        }
        Command::Man => clap_mangen::Man::new(Cli::command())
            .render(&mut std::io::stdout())
            .map(|_| 0)
            .or_else(|e| match e.kind() {
                std::io::ErrorKind::BrokenPipe => Ok(0),
                _ => Err(Failure(format!("cannot write the man page: {e}"), 2)),
            }),
    };
    finish(result)
}

fn finish(result: Result<u8, Failure>) -> ExitCode {
    match result {
        Ok(code) => ExitCode::from(code),
        Err(Failure(msg, code)) => {
            eprintln!("logtriage: {}", display_safe(&msg));
            ExitCode::from(code)
        }
    }
}

fn parse_min_level(s: &str) -> Result<Option<Level>, Failure> {
    if s == "any" {
        return Ok(None);
    }
    s.parse::<Level>()
        .map(Some)
        .map_err(|e| Failure(format!("--min-level: {e}, or any"), 2))
}

/// `90`, `90s`, `5m`, `1h`: a positive time in whole seconds, minutes or hours.
fn parse_duration(s: &str) -> Result<std::time::Duration, String> {
    let (n, unit) = match s.char_indices().last() {
        Some((i, c)) if c.is_ascii_alphabetic() => (&s[..i], c),
        _ => (s, 's'),
    };
    let scale = match unit {
        's' => 1,
        'm' => 60,
        'h' => 3600,
        _ => return Err(format!("{s}: expected a time like 90s, 5m or 1h")),
    };
    match n.parse::<u64>().ok().and_then(|n| n.checked_mul(scale)) {
        Some(n) if n > 0 => Ok(std::time::Duration::from_secs(n)),
        _ => Err(format!("{s}: expected a time like 90s, 5m or 1h")),
    }
}

fn options(
    fields: &[String],
    config_path: Option<&PathBuf>,
    format: Option<Format>,
    min_level: &str,
    threads: Option<usize>,
) -> Result<Options, Failure> {
    let cfg = config::load(config_path.map(|p| p.as_path()))?;
    let origin = config_path.map_or_else(|| "config".to_string(), |p| p.display().to_string());
    let mut overrides = cfg.field_overrides(&origin)?;
    for f in fields {
        let (role, path) = parse_override(f)?;
        overrides.insert(role, path);
    }
    let mut o = Options {
        format,
        fields: FieldMap::new(&overrides),
        min_level: parse_min_level(min_level)?,
        ..Options::default()
    };
    if let Some(t) = threads {
        o.threads = t.max(1);
    }
    Ok(o)
}

fn read_options(r: &ReadArgs) -> Result<Options, Failure> {
    let mut o = options(
        &r.fields,
        r.config.as_ref(),
        r.input_format,
        &r.min_level,
        r.threads,
    )?;
    o.max_decompressed = r.max_decompressed;
    o.run_timeout = r.timeout;
    o.request_timeout = r.request_timeout;
    if let Some(s) = &r.since {
        let now = chrono::Utc::now().timestamp_millis();
        o.since_ms = Some(logtriage::input::time::parse_since(s, now).ok_or_else(|| {
            Failure(
                format!(
                    "--since {}: expected a duration like 30m, 12h, 7d or a time like 2026-11-18T19:00:00Z",
                    display_safe(s)
                ),
                2,
            )
        })?);
    }
    Ok(o)
}

/// The decisions file a command reads: `--decisions FILE` (must exist), else the default
/// file if there is one.
fn decisions_path(read: &ReadArgs) -> Result<Option<PathBuf>, Failure> {
    match &read.decisions {
        Some(p) if !p.exists() => Err(format!("{}: no decisions file there", p.display()).into()),
        Some(p) => Ok(Some(p.clone())),
        None => {
            let p = PathBuf::from(logtriage::decisions::DEFAULT_FILE);
            Ok(p.exists().then_some(p))
        }
    }
}

/// The decisions to show (see [`decisions_path`]).
fn load_decisions(read: &ReadArgs) -> Result<Option<Decisions>, Failure> {
    match decisions_path(read)? {
        None => Ok(None),
        Some(path) => Ok(Some(
            DecisionStore::open(path).map_err(|e| e.to_string())?.data,
        )),
    }
}

/// Reads with the decisions file's grouping (a person's merges and splits, the template
/// store), then remembers the fingerprints this run grouped for the first time and keeps
/// decisions on their groups. Failing to save is said, not fatal: the run's groups stand.
fn analyze_grouped(
    read: impl FnOnce(&Options) -> Result<Analysis, String>,
    opts: &mut Options,
    decisions: Option<&std::path::Path>,
) -> Result<Analysis, Failure> {
    let store = match decisions {
        Some(p) => Some(DecisionStore::open(p).map_err(|e| e.to_string())?),
        None => None,
    };
    if let Some(store) = &store {
        opts.grouping = std::sync::Arc::new(store.grouping().map_err(|e| e.to_string())?);
    }
    // A source that cannot answer is blind (exit 2), never "no errors".
    let analysis = read(opts).map_err(|e| Failure(e, 2))?;
    if let Some(mut store) = store {
        if analysis.failed_sources().is_empty() {
            match store.remember_groups(&analysis.new_store_entries) {
                Ok(0) => {}
                Ok(n) => eprintln!(
                    "logtriage: the template store is full ({} fingerprints): {n} new ones were grouped but not remembered",
                    logtriage::grouping::STORE_MAX
                ),
                Err(e) => eprintln!("logtriage: groups not remembered: {e}"),
            }
        }
        match store.follow_groups(&analysis.groups) {
            Ok((0, _)) => {}
            Ok((n, _)) => eprintln!(
                "logtriage: {n} decision(s) made under fingerprint version 1 moved to their groups"
            ),
            Err(e) => eprintln!("logtriage: decisions not moved to their groups: {e}"),
        }
        let pending = store.data.version1.len();
        if pending > 0 {
            eprintln!(
                "logtriage: {pending} decision(s) made under fingerprint version 1 are kept in {} until a run sees their groups",
                store.path().display()
            );
        }
    }
    if analysis.folded > 0 {
        eprintln!(
            "logtriage: more than {} distinct errors: the {} seen least often are counted together in one group, \"{}\"; narrow the files or the query, or run `logtriage fingerprint` to see which lines vary in ways nothing masks",
            logtriage::aggregate::MAX_GROUPS,
            analysis.folded,
            logtriage::aggregate::OVERFLOW_TITLE
        );
    }
    if analysis.unmined > 0 {
        eprintln!(
            "logtriage: {} distinct message templates past the mining cap were grouped as they are, not merged",
            analysis.unmined
        );
    }
    Ok(analysis)
}

fn params(p: &DiffParams) -> Result<Params, Failure> {
    if !(p.min_ratio > 1.0 && p.min_ratio.is_finite()) {
        return Err("--min-ratio must be a number above 1".into());
    }
    if !(p.alpha > 0.0 && p.alpha < 1.0) {
        return Err("--alpha must be between 0 and 1".into());
    }
    Ok(Params {
        min_ratio: p.min_ratio,
        alpha: p.alpha,
    })
}

fn specs(sources: &[String]) -> Result<Vec<SourceSpec>, Failure> {
    Ok(input::expand_inputs(sources)?
        .into_iter()
        .map(|input| SourceSpec {
            input,
            version: None,
        })
        .collect())
}

/// Reads the sources and builds the report for the chosen versions, with decisions.
fn versioned_report(v: &VersionedSources) -> Result<Report, Failure> {
    let path = decisions_path(&v.read)?;
    let mut report = versioned_report_without_default_decisions(v, None, path.as_deref())?;
    // Read after the run: it may have moved decisions onto their groups.
    if let Some(p) = path {
        let store = DecisionStore::open(p).map_err(|e| e.to_string())?;
        report.attach_decisions(&store.data);
    }
    Ok(report)
}

/// The report alone (the TUI attaches decisions itself), grouped with `decisions`' merges,
/// splits and template store when given.
fn versioned_report_without_default_decisions(
    v: &VersionedSources,
    progress: Option<std::sync::Arc<std::sync::atomic::AtomicU64>>,
    decisions: Option<&std::path::Path>,
) -> Result<Report, Failure> {
    let mut opts = read_options(&v.read)?;
    opts.progress = progress;
    let params = params(&v.params)?;
    let source = open_source(&v.sources, v.read.config.as_deref())?;
    let analysis = analyze_grouped(|o| source.analyze(o), &mut opts, decisions)?;
    let (cur, prev, picked) =
        match (v.current.as_deref(), v.previous.as_deref()) {
            (Some(c), Some(p)) => (c.to_string(), p.to_string(), Picked::Given),
            (None, None) => match report::pick_versions(&analysis) {
                Ok((c, p)) => (c, p, Picked::Newest),
                Err(e) => return Err(Failure(blind_message(&analysis, &e), 2)),
            },
            _ => return Err(
                "give both --current and --previous, or neither to compare the two newest versions"
                    .into(),
            ),
        };
    let mut report = Report::build(&analysis, &cur, &prev, picked, &params, opts.min_level);
    report.stop = v.stop.as_deref().map(|s| display_safe(s).into_owned());
    report.since = opts.since_ms.map(logtriage::input::time::format_ms);
    attach_links(&mut report, source.as_ref());
    Ok(report)
}

/// A link per group into the backend's own UI, over the compared window.
fn attach_links(report: &mut Report, source: &dyn Source) {
    let ms = |t: &Option<String>| {
        t.as_deref()
            .and_then(logtriage::input::time::parse_timestamp)
    };
    let from = [
        ms(&report.previous.first_seen),
        ms(&report.current.first_seen),
    ]
    .into_iter()
    .flatten()
    .min();
    let to = [
        ms(&report.previous.last_seen),
        ms(&report.current.last_seen),
    ]
    .into_iter()
    .flatten()
    .max();
    let (Some(from), Some(to)) = (from, to) else {
        return;
    };
    for g in &mut report.groups {
        g.link = source.link(g, from, to);
    }
}

/// The source named on the command line: files (and stdin), a logging backend's URL, or
/// the name of a source in the config's `[sources]`.
fn open_source(
    sources: &[String],
    config_path: Option<&std::path::Path>,
) -> Result<Box<dyn Source>, Failure> {
    use backends::clickhouse::{ClickHouseSource, Credentials, PASSWORD_ENV, Target, USER_ENV};
    let cfg = config::load(config_path)?;
    let named = |s: &String| !std::path::Path::new(s).exists() && cfg.sources.contains_key(s);
    let remote: Vec<&String> = sources
        .iter()
        .filter(|s| s.contains("://") || named(s))
        .collect();
    match remote.as_slice() {
        [] => Ok(Box::new(Files {
            specs: specs(sources)?,
        })),
        [one] if sources.len() == 1 => {
            let sc = cfg.sources.get(one.as_str()).filter(|_| named(one));
            let url = sc.map_or_else(|| one.to_string(), |sc| sc.url.clone());
            let ui_url = sc.and_then(|sc| sc.ui_url.clone());
            let queries = backends::queries::Queries {
                dir: sc.and_then(|sc| sc.queries_dir.clone()),
            };
            let credentials = |user_env: &str, password_env: &str| match sc {
                Some(sc) => sc
                    .credentials(user_env, password_env)
                    .map_err(|e| format!("source {one}: {e}")),
                None => Ok(Credentials::from_env(user_env, password_env)),
            };
            let scheme = url.split_once("://").map_or("", |(s, _)| s);
            let scheme = scheme.strip_suffix("+https").unwrap_or(scheme);
            if scheme == "loki" {
                use backends::loki;
                let tenant = std::env::var(loki::TENANT_ENV)
                    .ok()
                    .filter(|t| !t.is_empty());
                let target = loki::Target::parse(&url)?;
                let query = target.query(&queries.get("loki/lines.logql")?);
                return Ok(Box::new(loki::LokiSource::new(
                    target,
                    query,
                    credentials(loki::USER_ENV, loki::PASSWORD_ENV)?,
                    tenant,
                    ui_url,
                )));
            }
            if matches!(scheme, "opensearch" | "elasticsearch" | "https") {
                use backends::opensearch as os;
                let api_key = std::env::var(os::API_KEY_ENV)
                    .ok()
                    .filter(|k| !k.is_empty());
                return Ok(Box::new(os::OpenSearchSource {
                    target: os::Target::parse(&url)?,
                    credentials: credentials(os::USER_ENV, os::PASSWORD_ENV)?,
                    api_key,
                    ui_url,
                    queries,
                }));
            }
            Ok(Box::new(ClickHouseSource {
                target: Target::parse(&url)?,
                credentials: credentials(USER_ENV, PASSWORD_ENV)?,
                queries,
            }))
        }
        _ => {
            Err("a logging backend is read alone, not together with files or other sources".into())
        }
    }
}

/// When versions cannot be picked, say why, including failed sources.
fn blind_message(a: &Analysis, e: &str) -> String {
    let mut msg = e.to_string();
    for s in a.failed_sources() {
        msg.push_str(&format!(
            "\n  source {}: {}",
            s.name,
            s.error.as_deref().unwrap_or("")
        ));
    }
    msg
}

fn write_output(text: &str, output: Option<&PathBuf>) -> Result<(), Failure> {
    match output {
        Some(p) => {
            // Atomically: a full disk or a kill leaves the previous report whole, never a
            // truncated one.
            logtriage::decisions::write_atomic(p, text.as_bytes())
                .map_err(|e| format!("cannot write report: {e}"))?;
            eprintln!("logtriage: report written to {}", p.display());
        }
        None => {
            let mut out = std::io::stdout().lock();
            if let Err(e) = out.write_all(text.as_bytes()).and_then(|_| out.flush())
                && e.kind() != std::io::ErrorKind::BrokenPipe
            {
                return Err(format!("cannot write to stdout: {e}").into());
            }
        }
    }
    Ok(())
}

/// Exit code of a report: 2 (blind) when data is missing, else 0.
fn report_exit(r: &Report) -> u8 {
    let v = gate::evaluate(
        r,
        Limits {
            max_new: usize::MAX,
            max_regressed: usize::MAX,
            fail_on_blockers: false,
        },
    );
    if v.outcome == Outcome::Blind {
        for reason in &v.reasons {
            eprintln!("logtriage: BLIND: {reason}");
        }
        2
    } else {
        0
    }
}

/// `--check-tasks`: asks the configured tracker whether each group's task is open. A
/// tracker that cannot answer is an error (exit 2), never "all open".
fn check_tasks(r: &mut Report, input: &VersionedSources) -> Result<(), Failure> {
    let cfg = config::load(input.read.config.as_deref())?;
    let tracker_cfg = cfg
        .tracker
        .as_ref()
        .ok_or("--check-tasks: no [tracker] in the config")?;
    let tracker = trackers::open(tracker_cfg).map_err(|e| Failure(e, 2))?;
    let mut failed = None;
    r.attach_task_states(|task| match tracker.is_open(task) {
        Ok(state) => state,
        Err(e) => {
            failed.get_or_insert(e.to_string());
            None
        }
    });
    match failed {
        Some(e) => Err(Failure(format!("--check-tasks: {e}"), 2)),
        None => Ok(()),
    }
}

fn cmd_report(a: ReportArgs) -> Result<u8, Failure> {
    let mut r = versioned_report(&a.input)?;
    if a.check_tasks {
        check_tasks(&mut r, &a.input)?;
    }
    let code = report_exit(&r);
    a.out.write(r)?;
    Ok(code)
}

fn cmd_diff(a: DiffArgs) -> Result<u8, Failure> {
    let mut opts = read_options(&a.read)?;
    let params = params(&a.params)?;
    let decisions_file = decisions_path(&a.read)?;
    let label =
        |given: &Option<String>, path: &str| given.clone().unwrap_or_else(|| path.to_string());
    let prev = label(&a.previous_label, &a.previous);
    let cur = label(&a.current_label, &a.current);
    if prev == cur {
        return Err(
            "the two sides need different labels: pass --previous-label/--current-label".into(),
        );
    }
    let mut specs = Vec::new();
    for (path, version) in [(&a.previous, &prev), (&a.current, &cur)] {
        for input in input::expand_inputs(std::slice::from_ref(path))? {
            specs.push(SourceSpec {
                input,
                version: Some(version.clone()),
            });
        }
    }
    let analysis = analyze_grouped(
        |o| Ok(pipeline::analyze(&specs, o)),
        &mut opts,
        decisions_file.as_deref(),
    )?;
    let mut r = Report::build(
        &analysis,
        &cur,
        &prev,
        Picked::Files,
        &params,
        opts.min_level,
    );
    if let Some(d) = load_decisions(&a.read)? {
        r.attach_decisions(&d);
    }
    let code = report_exit(&r);
    a.out.write(r)?;
    Ok(code)
}

fn cmd_check(a: CheckArgs) -> Result<u8, Failure> {
    let mut r = versioned_report(&a.input)?;
    if a.check_tasks {
        check_tasks(&mut r, &a.input)?;
    }
    let v = gate::evaluate(
        &r,
        Limits {
            max_new: a.max_new,
            max_regressed: a.max_regressed,
            fail_on_blockers: true,
        },
    );
    write_output(&gate::render(&r, &v), None)?;
    Ok(v.outcome.exit_code() as u8)
}

fn cmd_fingerprint(a: FingerprintArgs) -> Result<u8, Failure> {
    let mut opts = options(
        &a.fields,
        a.config.as_ref(),
        a.format,
        &a.min_level,
        a.threads,
    )?;
    opts.record_events = true;
    let specs = specs(&a.files)?;
    let analysis = analyze_grouped(
        |o| Ok(pipeline::analyze(&specs, o)),
        &mut opts,
        a.decisions.as_deref(),
    )?;
    let mut groups = std::collections::HashMap::new();
    for g in &analysis.groups {
        for m in &g.members {
            groups.insert(m.fingerprint.as_str(), g);
        }
    }
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    for rec in &analysis.events {
        // Every pre-group is kept when events are recorded (no overflow group).
        let fp = &analysis.key_to_fingerprint[&rec.key];
        let g = groups[fp.as_str()];
        let line = serde_json::json!({
            "file": analysis.sources[rec.source as usize].name,
            "line": rec.line,
            "level": rec.level,
            "level_inferred": rec.level_inferred,
            "fingerprint": fp,
            "group": g.fingerprint,
            "title": g.title,
            "template": g.template,
        });
        let text = report::json::escape_unsafe(&line.to_string());
        if writeln!(out, "{text}").is_err() {
            return Ok(0); // reader went away (e.g. `| head`)
        }
    }
    let _ = out.flush();
    let mut code = 0;
    for s in analysis.failed_sources() {
        eprintln!(
            "logtriage: {}: {}",
            display_safe(&s.name),
            display_safe(s.error.as_deref().unwrap_or(""))
        );
        code = 2;
    }
    report_malformed(&analysis);
    Ok(code)
}

fn report_malformed(a: &Analysis) {
    let total = a.malformed_total();
    if total == 0 {
        return;
    }
    eprintln!("logtriage: {total} malformed line(s) skipped");
    for m in &a.malformed_examples {
        eprintln!("  {}", display_safe(&m.to_string()));
    }
}

fn cmd_demo(a: DemoArgs) -> Result<u8, Failure> {
    if let Some(dir) = &a.write {
        let files = logtriage::demo::write(dir)
            .map_err(|e| format!("{}: cannot write demo: {e}", dir.display()))?;
        for f in files {
            println!("{}", f.display());
        }
        return Ok(0);
    }
    let dir = std::env::temp_dir().join(format!("logtriage-demo-{}", std::process::id()));
    let files = logtriage::demo::write(&dir)
        .map_err(|e| format!("{}: cannot write demo: {e}", dir.display()))?;
    let sources: Vec<String> = files
        .iter()
        .filter(|f| logtriage::demo::is_versioned_log(f))
        .map(|f| f.display().to_string())
        .collect();
    let demo_input = VersionedSources {
        sources,
        current: None,
        previous: None,
        stop: Some("group0".into()),
        read: ReadArgs {
            input_format: None,
            fields: Vec::new(),
            min_level: "warning".into(),
            since: None,
            config: None,
            max_decompressed: None,
            threads: None,
            timeout: logtriage::pipeline::DEFAULT_RUN_TIMEOUT,
            request_timeout: logtriage::pipeline::DEFAULT_REQUEST_TIMEOUT,
            decisions: None,
        },
        params: DiffParams {
            min_ratio: 2.0,
            alpha: 0.01,
        },
    };
    if !a.print && std::io::stdout().is_terminal() {
        let label = format!("demo train ({})", dir.display());
        let result = open_tui(demo_input, label, None);
        let _ = std::fs::remove_dir_all(&dir);
        return result;
    }
    let r = versioned_report(&demo_input);
    let _ = std::fs::remove_dir_all(&dir);
    let r = r?;
    let mut r = r;
    r.redact();
    write_output(&r.render(a.format), None)?;
    Ok(0)
}

fn cmd_open(a: OpenArgs) -> Result<u8, Failure> {
    if !std::io::stdout().is_terminal() {
        return Err("the TUI needs a terminal; for a report use `logtriage report`".into());
    }
    let label = open_source(&a.input.sources, a.input.read.config.as_deref())?.name();
    open_tui(a.input, label, a.follow.map(std::time::Duration::from_secs))
}

/// Opens the TUI; the report is built (and rebuilt on refresh) in the background.
fn open_tui(
    input: VersionedSources,
    label: String,
    follow: Option<std::time::Duration>,
) -> Result<u8, Failure> {
    let decisions_path = input
        .read
        .decisions
        .clone()
        .unwrap_or_else(|| PathBuf::from(logtriage::decisions::DEFAULT_FILE));
    let export_dir = match decisions_path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let cfg = config::load(input.read.config.as_deref())?;
    let overrides = cfg
        .keys
        .iter()
        .map(|(k, v)| (k.clone(), v.to_vec()))
        .collect();
    let keymap = tui::keys::Keymap::new(&overrides).map_err(|e| format!("config: {e}"))?;
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    let color = cfg
        .theme
        .use_color(no_color)
        .map_err(|e| format!("config: {e}"))?;
    // The TUI keeps decisions itself; the loader only builds the report.
    let mut load_input = input;
    load_input.read.decisions = None;
    let grouped_by = decisions_path.clone();
    let loader: tui::app::Loader = std::sync::Arc::new(move |progress| {
        versioned_report_without_default_decisions(
            &load_input,
            Some(progress.clone()),
            Some(&grouped_by),
        )
        .map_err(|f| f.0)
    });
    let code_links = logtriage::task::CodeLinks::new(
        cfg.code_links
            .iter()
            .map(|r| (r.pattern.as_str(), r.url.as_str())),
    )
    .map_err(|e| format!("config: {e}"))?;
    let (tracker, filing) = match &cfg.tracker {
        None => (None, tui::state::Filing::ToFiles),
        Some(t) => match trackers::open(t) {
            Ok(t) => {
                let t: std::sync::Arc<dyn logtriage::filing::Tracker> = std::sync::Arc::from(t);
                let dest = t.destination();
                (Some(t), tui::state::Filing::Tracker(dest))
            }
            Err(e) => (None, tui::state::Filing::Broken(e)),
        },
    };
    tui::app::run(tui::app::Options {
        tracker,
        filing,
        code_links,
        source_label: label,
        decisions_path,
        loader,
        export_dir,
        follow,
        keymap,
        color,
        high_contrast: cfg.theme.high_contrast,
    })?;
    Ok(0)
}

/// `none` (or an empty value) clears a field.
fn optional(v: &str) -> Option<String> {
    let v = v.trim();
    (!v.is_empty() && v != "none").then(|| v.to_string())
}

/// Standard base64, for OSC 52.
fn base64(bytes: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for c in bytes.chunks(3) {
        let n = (u32::from(c[0]) << 16)
            | (u32::from(*c.get(1).unwrap_or(&0)) << 8)
            | u32::from(*c.get(2).unwrap_or(&0));
        for i in 0..4 {
            if i <= c.len() {
                out.push(A[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn cmd_decide(a: DecideArgs) -> Result<u8, Failure> {
    for fp in &a.fingerprints {
        if fp.len() != 16 || !fp.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(format!(
                "{fp:?} is not a fingerprint: expected 16 hex digits, as in a report"
            )
            .into());
        }
    }
    if a.merge || a.split {
        return merge_or_split(&a);
    }
    let mut ops = Vec::new();
    if let Some(m) = &a.mark {
        let mark = match optional(m) {
            None => None,
            Some(m) => Some(m.parse::<Mark>()?),
        };
        let train = a.train.as_deref().and_then(optional);
        if mark.is_some_and(Mark::is_per_train) && train.is_none() {
            return Err(format!(
                "a {} belongs to a train: pass --train VERSION",
                mark.expect("checked")
            )
            .into());
        }
        ops.push(Op::SetMark { mark, train });
    }
    if let Some(t) = &a.owner_team {
        ops.push(Op::SetOwnerTeam { team: optional(t) });
    }
    if let Some(p) = &a.owner {
        ops.push(Op::SetOwnerPerson {
            person: optional(p),
        });
    }
    if let Some(t) = &a.task {
        let task = optional(t);
        if let Some(t) = &task
            && !logtriage::decisions::is_task_reference(t)
        {
            return Err(
                format!("--task {t:?}: expected a task id like T123456 or an http(s) URL").into(),
            );
        }
        ops.push(Op::SetTask { task });
    }
    if let Some(n) = &a.note {
        if n.trim().is_empty() {
            return Err("--note: the note is empty".into());
        }
        ops.push(Op::AddNote { text: n.clone() });
    }
    if ops.is_empty() && !a.undo {
        return Err(
            "nothing to record: pass --mark, --owner-team, --owner, --task, --note, --undo, --merge or --split"
                .into(),
        );
    }
    let mut store = DecisionStore::open(&a.file).map_err(|e| e.to_string())?;
    let who = logtriage::decisions::current_user();
    for fp in &a.fingerprints {
        if a.undo {
            match store.undo(fp, &who).map_err(|e| e.to_string())? {
                Some(op) => println!("{fp}: undid \"{}\"", display_safe(&op.describe())),
                None => println!("{fp}: nothing to undo"),
            }
            continue;
        }
        for op in &ops {
            store.apply(fp, None, op, &who).map_err(|e| e.to_string())?;
            println!("{fp}: {}", display_safe(&op.describe()));
        }
    }
    eprintln!("logtriage: saved to {}", a.file.display());
    Ok(0)
}

/// `decide --merge INTO FP...` and `decide --split FP...`.
fn merge_or_split(a: &DecideArgs) -> Result<u8, Failure> {
    let mut store = DecisionStore::open(&a.file).map_err(|e| e.to_string())?;
    let who = logtriage::decisions::current_user();
    if a.merge {
        let Some((into, rest)) = a.fingerprints.split_first().filter(|(_, r)| !r.is_empty()) else {
            return Err("--merge needs two fingerprints or more: INTO FP...".into());
        };
        for fp in rest {
            if fp == into {
                continue;
            }
            store.merge(fp, into, &who).map_err(|e| e.to_string())?;
            println!("{fp}: merged into {into}'s group");
        }
    } else {
        for fp in &a.fingerprints {
            store.split(fp, &who).map_err(|e| e.to_string())?;
            println!("{fp}: a group of its own");
        }
    }
    eprintln!("logtriage: saved to {}", a.file.display());
    Ok(0)
}

fn cmd_ingest(a: IngestArgs) -> Result<u8, Failure> {
    let target = backends::clickhouse::Target::parse(&a.target)?;
    let opts = read_options(&a.read)?;
    let specs = specs(&a.files)?;
    let credentials = backends::clickhouse::Credentials::from_env(
        backends::clickhouse::USER_ENV,
        backends::clickhouse::PASSWORD_ENV,
    );
    let summary = backends::clickhouse::ingest(&target, &credentials, &specs, &opts)?;
    eprintln!(
        "logtriage: loaded {} events into {target} ({} malformed lines skipped)",
        summary.rows, summary.malformed
    );
    for f in &summary.failed_sources {
        eprintln!("logtriage: {}", display_safe(f));
    }
    Ok(if summary.failed_sources.is_empty() {
        0
    } else {
        2
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn base64_matches_rfc_4648_vectors() {
        for (plain, encoded) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(super::base64(plain.as_bytes()), encoded, "{plain}");
        }
    }
}
