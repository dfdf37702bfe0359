//! Screen snapshots (insta on ratatui's TestBackend) and `update` tests, on the demo train.

use super::action::Action;
use super::state::{InputKind, Mode, Pane, State};
use super::update::{Effect, update};
use super::view;
use logtriage::decisions::{Decisions, Mark, Op};
use logtriage::diff::{Params, Status};
use logtriage::level::Level;
use logtriage::pipeline::{self, Options, SourceSpec};
use logtriage::report::{self, Picked, Report};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::path::PathBuf;
use std::sync::OnceLock;

/// The demo train's report, built once.
fn demo_report() -> Report {
    static REPORT: OnceLock<Report> = OnceLock::new();
    REPORT
        .get_or_init(|| {
            let dir = tempfile::tempdir().unwrap();
            let files = logtriage::demo::write(dir.path()).unwrap();
            let specs: Vec<SourceSpec> = files
                .iter()
                .filter(|f| logtriage::demo::is_versioned_log(f))
                .map(|f| SourceSpec {
                    input: logtriage::input::Input::Path(f.clone()),
                    version: None,
                })
                .collect();
            let mut a = pipeline::analyze(&specs, &Options::default());
            // Stable names in snapshots, whatever the temp dir.
            for s in &mut a.sources {
                s.name = PathBuf::from(&s.name)
                    .file_name()
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
            }
            let (cur, prev) = report::pick_versions(&a).unwrap();
            Report::build(
                &a,
                &cur,
                &prev,
                Picked::Newest,
                &Params::default(),
                Some(Level::Warning),
            )
        })
        .clone()
}

fn loaded_state(color: bool) -> State {
    state_with(demo_report(), "demo train", color)
}

/// A state that has loaded `report`, titled `title`.
fn state_with(report: Report, title: &str, color: bool) -> State {
    let mut s = State::new(
        title.into(),
        Decisions::default(),
        PathBuf::from("decisions.json"),
        color,
    );
    update(&mut s, Action::Loaded(Ok(Box::new(report))));
    s
}

fn render(s: &State, w: u16, h: u16) -> Terminal<TestBackend> {
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
    t.draw(|f| view::draw(f, s)).unwrap();
    t
}

/// Snapshots a screen at both sizes the TUI must serve: 80×24 and 160×48.
fn snap_both(name: &str, s: &State) {
    insta::assert_snapshot!(format!("{name}_80x24"), render(s, 80, 24).backend());
    insta::assert_snapshot!(format!("{name}_160x48"), render(s, 160, 48).backend());
}

fn with_decision(s: &mut State, fp: &str, ops: &[Op]) {
    let mut d = s.decisions.clone();
    for op in ops {
        d.apply(fp, None, op, "2026-11-18T20:00:00Z", "ann");
    }
    update(s, Action::Saved(Ok(d)));
    s.message = None;
}

#[test]
fn main_screen_80x24() {
    let mut s = loaded_state(true);
    let fp = s.selected_group().unwrap().fingerprint.clone();
    with_decision(
        &mut s,
        &fp,
        &[
            Op::SetMark {
                mark: Some(Mark::Blocker),
                train: Some("1.46.0-wmf.4".into()),
            },
            Op::SetOwner {
                team: Some("Platform".into()),
                person: Some("ann".into()),
            },
        ],
    );
    insta::assert_snapshot!("main_80x24", render(&s, 80, 24).backend());
}

#[test]
fn main_screen_160x48() {
    let s = loaded_state(true);
    insta::assert_snapshot!("main_160x48", render(&s, 160, 48).backend());
}

#[test]
fn help_overlay_filters() {
    let mut s = loaded_state(true);
    update(&mut s, Action::ToggleHelp);
    snap_both("help", &s);
    for c in "owner".chars() {
        update(&mut s, Action::Type(c));
    }
    let screen = render(&s, 80, 24).backend().to_string();
    assert!(
        screen.contains("owner: team/person") && !screen.contains("export the report"),
        "{screen}"
    );
}

#[test]
fn owner_prompt_and_detail_focus() {
    let mut s = loaded_state(true);
    update(&mut s, Action::StartInput(InputKind::Owner));
    for c in "Platform/ann".chars() {
        update(&mut s, Action::Type(c));
    }
    snap_both("owner_prompt", &s);
}

/// Nothing could be compared (no versions in the files): the groups pane says why and
/// what to do in full, at 80 columns too, instead of still "reading the sources…".
#[test]
fn a_failed_load_says_why_and_what_to_do() {
    let mut s = State::new(
        "2 files".into(),
        Decisions::default(),
        PathBuf::from("d.json"),
        true,
    );
    update(
        &mut s,
        Action::Loaded(Err("cannot pick two versions to compare: no events carry a version; pass --current and --previous, or use `logtriage diff PREVIOUS CURRENT` for two files".into())),
    );
    let screen = render(&s, 80, 24).backend().to_string();
    assert!(screen.contains("BLIND:"), "{screen}");
    assert!(!screen.contains("reading the sources"), "{screen}");
    assert!(screen.contains("logtriage diff PREVIOUS"), "{screen}");
    snap_both("load_failed", &s);
}

#[test]
fn blind_banner_when_the_current_version_has_no_events() {
    let mut r = demo_report();
    r.current.events = 0;
    r.sources[0].error = Some("cannot open: No such file or directory (os error 2)".into());
    let mut s = State::new(
        "demo train".into(),
        Decisions::default(),
        PathBuf::from("d.json"),
        true,
    );
    update(&mut s, Action::Loaded(Ok(Box::new(r))));
    let screen = render(&s, 80, 24).backend().to_string();
    assert!(screen.contains("BLIND:"), "{screen}");
    snap_both("blind", &s);
}

#[test]
fn a_failed_refresh_keeps_the_last_good_data_and_says_stale() {
    let mut s = loaded_state(true);
    update(&mut s, Action::Refresh);
    update(
        &mut s,
        Action::Loaded(Err("clickhouse://db:8123 unreachable".into())),
    );
    let screen = render(&s, 100, 24).backend().to_string();
    assert!(screen.contains("STALE: refresh failed"), "{screen}");
    assert!(
        screen.contains("ParserOutput"),
        "the old groups stay on screen"
    );
}

#[test]
fn no_color_means_no_colors() {
    let s = loaded_state(false);
    let t = render(&s, 100, 30);
    for cell in t.backend().buffer().content() {
        assert_eq!(cell.fg, ratatui::style::Color::Reset);
        assert_eq!(cell.bg, ratatui::style::Color::Reset);
    }
}

#[test]
fn marking_toggles_and_belongs_to_the_current_train() {
    let mut s = loaded_state(true);
    let fp = s.selected_group().unwrap().fingerprint.clone();
    let effects = update(&mut s, Action::Mark(Mark::Blocker));
    assert_eq!(
        effects,
        vec![Effect::Save {
            fingerprint: fp.clone(),
            title: s.selected_group().unwrap().title.clone(),
            op: Op::SetMark {
                mark: Some(Mark::Blocker),
                train: Some("1.46.0-wmf.4".into())
            }
        }]
    );
    with_decision(
        &mut s,
        &fp,
        &[Op::SetMark {
            mark: Some(Mark::Blocker),
            train: Some("1.46.0-wmf.4".into()),
        }],
    );
    let effects = update(&mut s, Action::Mark(Mark::Blocker));
    assert!(matches!(
        &effects[0],
        Effect::Save {
            op: Op::SetMark { mark: None, .. },
            ..
        }
    ));
    let known = update(&mut s, Action::Mark(Mark::Known));
    assert!(matches!(
        &known[0],
        Effect::Save {
            op: Op::SetMark {
                mark: Some(Mark::Known),
                train: None
            },
            ..
        }
    ));
}

#[test]
fn prompts_parse_and_validate() {
    let mut s = loaded_state(true);
    let submit = |s: &mut State, kind: InputKind, text: &str| {
        update(s, Action::StartInput(kind));
        if let Mode::Input { buffer, .. } = &mut s.mode {
            buffer.clear();
        }
        for c in text.chars() {
            update(s, Action::Type(c));
        }
        update(s, Action::Submit)
    };
    let e = submit(&mut s, InputKind::Owner, "Platform/ann");
    assert!(
        matches!(&e[0], Effect::Save { op: Op::SetOwner { team: Some(t), person: Some(p) }, .. } if t == "Platform" && p == "ann")
    );
    let e = submit(&mut s, InputKind::Owner, "/ann");
    assert!(matches!(
        &e[0],
        Effect::Save {
            op: Op::SetOwner {
                team: None,
                person: Some(_)
            },
            ..
        }
    ));
    let e = submit(&mut s, InputKind::Task, "next week");
    assert!(e.is_empty());
    assert!(s.message.as_ref().unwrap().0.contains("not a task"));
    let e = submit(&mut s, InputKind::Task, "T412345");
    assert!(
        matches!(&e[0], Effect::Save { op: Op::SetTask { task: Some(t) }, .. } if t == "T412345")
    );
    assert!(submit(&mut s, InputKind::Note, "   ").is_empty());
    update(&mut s, Action::StartInput(InputKind::Note));
    update(&mut s, Action::Type('x'));
    assert!(update(&mut s, Action::Cancel).is_empty());
    assert_eq!(s.mode, Mode::Normal);
}

#[test]
fn search_filter_sort_and_navigation() {
    let mut s = loaded_state(true);
    let all = s.rows.len();
    update(&mut s, Action::StartSearch);
    for c in "broken pipe".chars() {
        update(&mut s, Action::Type(c));
    }
    assert_eq!(s.rows.len(), 2);
    update(&mut s, Action::Cancel);
    assert_eq!(s.rows.len(), all);
    update(&mut s, Action::StartSearch);
    for c in "/shut.down/".chars() {
        update(&mut s, Action::Type(c));
    }
    assert_eq!(s.rows.len(), 1);
    update(&mut s, Action::Submit);
    update(&mut s, Action::Cancel);
    s.search.clear();
    s.refresh_rows();
    update(&mut s, Action::CycleFilter);
    assert!(
        s.rows
            .iter()
            .all(|&i| s.report.as_ref().unwrap().groups[i].status == Status::New)
    );
    update(&mut s, Action::CycleFilter);
    assert_eq!(s.rows.len(), 1);
    for _ in 0..4 {
        update(&mut s, Action::CycleFilter);
    }
    assert_eq!(s.rows.len(), all);
    update(&mut s, Action::CycleSort);
    let counts: Vec<u64> = s
        .rows
        .iter()
        .map(|&i| s.report.as_ref().unwrap().groups[i].current.count)
        .collect();
    assert!(counts.windows(2).all(|w| w[0] >= w[1]));
    update(&mut s, Action::Bottom);
    assert_eq!(s.selected, all - 1);
    update(&mut s, Action::Down);
    assert_eq!(s.selected, all - 1);
    update(&mut s, Action::SwitchPane);
    assert_eq!(s.focus, Pane::Detail);
    update(&mut s, Action::Down);
    assert_eq!((s.selected, s.detail_scroll), (all - 1, 1));
}

#[test]
fn refresh_marks_groups_that_appeared() {
    let mut s = loaded_state(true);
    let mut r = demo_report();
    let mut extra = r.groups[0].clone();
    extra.fingerprint = "00000000000000ff".into();
    extra.title = "brand new after refresh".into();
    r.groups.push(extra);
    update(&mut s, Action::Refresh);
    update(&mut s, Action::Loaded(Ok(Box::new(r))));
    assert!(s.fresh.contains("00000000000000ff"));
    assert!(
        s.message
            .as_ref()
            .unwrap()
            .0
            .contains("1 group(s) appeared")
    );
    assert!(render(&s, 100, 40).backend().to_string().contains("★"));
}

#[test]
fn log_content_cannot_drive_the_terminal() {
    let mut r = demo_report();
    r.groups[0].title = "boom \u{1b}]0;pwned\u{7} \u{1b}[2J \u{202e}exe \u{9b}31m".into();
    r.groups[0].sample.as_mut().unwrap().message = "\u{1b}[1A\u{1b}[2K\r[OK]".into();
    let mut s = State::new(
        "x".into(),
        Decisions::default(),
        PathBuf::from("d.json"),
        true,
    );
    update(&mut s, Action::Loaded(Ok(Box::new(r))));
    for (w, h) in [(80, 24), (160, 48), (20, 5), (1, 1)] {
        let t = render(&s, w, h);
        for cell in t.backend().buffer().content() {
            assert!(
                !cell
                    .symbol()
                    .chars()
                    .any(|c| c.is_control() || logtriage::sanitize::is_bidi_or_invisible(c)),
                "{:?}",
                cell.symbol()
            );
        }
    }
    assert!(
        render(&s, 160, 48)
            .backend()
            .to_string()
            .contains("␛]0;pwned␇")
    );
}

/// Key to frame at 10,000 groups, measured (run by `scripts/bench-ui`, release build).
#[test]
#[ignore = "benchmark: run with scripts/bench-ui"]
fn render_benchmark_10k_groups() {
    let base = demo_report();
    let mut r = base.clone();
    r.groups.clear();
    for i in 0..10_000 {
        let mut g = base.groups[i % base.groups.len()].clone();
        g.fingerprint = format!("{i:016x}");
        g.title = format!("{} #{i}", g.title);
        r.groups.push(g);
    }
    let mut s = State::new(
        "bench".into(),
        Decisions::default(),
        PathBuf::from("d.json"),
        true,
    );
    update(&mut s, Action::Loaded(Ok(Box::new(r))));
    let mut t = Terminal::new(TestBackend::new(160, 48)).unwrap();
    let mut times = Vec::new();
    let actions: [fn() -> Action; 4] = [
        || Action::Down,
        || Action::PageDown,
        || Action::CycleSort,
        || Action::Up,
    ];
    for k in 0..400 {
        let start = std::time::Instant::now();
        update(&mut s, actions[k % actions.len()]());
        t.draw(|f| view::draw(f, &s)).unwrap();
        times.push(start.elapsed().as_secs_f64() * 1000.0);
    }
    // Typing a search re-filters all groups on every key.
    update(&mut s, Action::StartSearch);
    for c in "broken pipe".chars() {
        let start = std::time::Instant::now();
        update(&mut s, Action::Type(c));
        t.draw(|f| view::draw(f, &s)).unwrap();
        times.push(start.elapsed().as_secs_f64() * 1000.0);
    }
    times.sort_by(f64::total_cmp);
    let pct = |p: f64| times[((times.len() - 1) as f64 * p) as usize];
    println!(
        "key to frame at 10,000 groups, 160x48, {} keys: p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        times.len(),
        pct(0.5),
        pct(0.99),
        times[times.len() - 1]
    );
}

/// Writes the README's screenshots (SVG) into `$LOGTRIAGE_SCREENSHOTS` (scripts/screenshots).
#[test]
#[ignore = "writes screenshots: run with scripts/screenshots"]
fn write_screenshots() {
    let dir = PathBuf::from(
        std::env::var("LOGTRIAGE_SCREENSHOTS")
            .expect("LOGTRIAGE_SCREENSHOTS names the output directory"),
    );
    std::fs::create_dir_all(&dir).unwrap();
    let save = |name: &str, s: &State| {
        let t = render(s, 120, 36);
        std::fs::write(
            dir.join(format!("{name}.svg")),
            super::screenshot::buffer_to_svg(t.backend().buffer()),
        )
        .unwrap();
    };
    let mut s = loaded_state(true);
    s.source_label = "demo train: 3 services".into();
    save("main", &s);
    let fp = s.selected_group().unwrap().fingerprint.clone();
    with_decision(
        &mut s,
        &fp,
        &[
            Op::SetMark {
                mark: Some(Mark::Blocker),
                train: Some("1.46.0-wmf.4".into()),
            },
            Op::SetOwner {
                team: Some("MediaWiki-Platform".into()),
                person: Some("ann".into()),
            },
            Op::SetTask {
                task: Some("T412345".into()),
            },
            Op::AddNote {
                text: "only on group0 wikis so far; blocks group1".into(),
            },
        ],
    );
    update(&mut s, Action::SwitchPane);
    save("blocker-detail", &s);
    update(&mut s, Action::SwitchPane);
    update(&mut s, Action::ToggleHelp);
    save("help", &s);
    update(&mut s, Action::Cancel);
    // The filing preview, as a configured Phabricator would fill it.
    s.filing = super::state::Filing::Tracker("Phabricator".into());
    let g = s.selected_group().unwrap().clone();
    update(&mut s, Action::StartFiling);
    let links = logtriage::task::CodeLinks::new([(
        r"^/srv/mediawiki/php-(?P<v>[^/]+)/(?P<path>.+)$",
        "https://gerrit.wikimedia.org/r/plugins/gitiles/mediawiki/core/+blame/refs/heads/wmf/{v}/{path}#{line}",
    )])
    .unwrap();
    let draft = logtriage::task::draft(&g, "1.46.0-wmf.4", &links);
    update(
        &mut s,
        Action::FilingPrepared(Ok(Box::new(super::state::Prepared {
            fingerprint: g.fingerprint.clone(),
            title: draft.title.clone(),
            body: draft.body(logtriage::task::Markup::Remarkup),
            draft,
            destination:
                "Phabricator https://phabricator.wikimedia.org, tags wikimedia-production-error, priority unbreak"
                    .into(),
            parent: Some(logtriage::filing::TaskRef {
                id: "T400004".into(),
                url: "https://phabricator.wikimedia.org/T400004".into(),
                title: "1.46.0-wmf.4 deployment blockers".into(),
                open: true,
                handle: "PHID-TASK-x".into(),
            }),
            duplicates: Vec::new(),
            pending: None,
        }))),
    );
    save("file-preview", &s);
}

#[test]
fn several_selected_groups_are_marked_together_and_known_asks_for_a_task() {
    let mut s = loaded_state(true);
    update(&mut s, Action::ToggleSelect);
    update(&mut s, Action::ToggleSelect);
    assert_eq!(s.selection.len(), 2);
    let effects = update(&mut s, Action::Mark(Mark::Ignored));
    assert_eq!(effects.len(), 2);
    assert!(effects.iter().all(|e| matches!(
        e,
        Effect::Save {
            op: Op::SetMark {
                mark: Some(Mark::Ignored),
                ..
            },
            ..
        }
    )));
    assert!(
        render(&s, 100, 30)
            .backend()
            .to_string()
            .contains("2 selected")
    );
    update(&mut s, Action::Cancel);
    assert!(s.selection.is_empty());
    // One group marked known without a task: the task prompt opens.
    let e = update(&mut s, Action::Mark(Mark::Known));
    assert_eq!(e.len(), 1);
    assert!(matches!(
        s.mode,
        Mode::Input {
            kind: InputKind::Task,
            ..
        }
    ));
}

#[test]
fn search_filters_on_fields() {
    let mut s = loaded_state(true);
    let count = |s: &mut State, q: &str| {
        s.search = q.to_string();
        s.refresh_rows();
        s.rows.len()
    };
    assert_eq!(count(&mut s, "status:new"), 4);
    assert_eq!(count(&mut s, "status:new level:error"), 4);
    assert_eq!(count(&mut s, "level:warning"), 3);
    assert_eq!(count(&mut s, "wiki:testwiki"), 6);
    assert_eq!(count(&mut s, "host:thumbor status:new"), 1);
    assert_eq!(
        count(&mut s, "mark:none"),
        s.report.as_ref().unwrap().groups.len()
    );
    let fp = s.report.as_ref().unwrap().groups[1].fingerprint.clone();
    with_decision(
        &mut s,
        &fp,
        &[
            Op::SetOwner {
                team: Some("Search".into()),
                person: Some("ann".into()),
            },
            Op::SetMark {
                mark: Some(Mark::Blocker),
                train: Some("1.46.0-wmf.4".into()),
            },
        ],
    );
    assert_eq!(count(&mut s, "owner:ann"), 1);
    assert_eq!(count(&mut s, "mark:blocker"), 1);
    assert_eq!(count(&mut s, "team:search broken"), 1);
    // A colon in an ordinary word is just text.
    assert_eq!(count(&mut s, "error:"), count(&mut s, "error:"));
}

#[test]
fn palette_runs_commands_and_history_lists_changes() {
    let mut s = loaded_state(true);
    update(&mut s, Action::OpenPalette);
    for c in "count".chars() {
        update(&mut s, Action::Type(c));
    }
    snap_both("palette", &s);
    update(&mut s, Action::Submit);
    assert_eq!(s.sort, super::state::Sort::Count);
    assert_eq!(s.mode, Mode::Normal);
    update(&mut s, Action::OpenPalette);
    for c in "mark blocker".chars() {
        update(&mut s, Action::Type(c));
    }
    let e = update(&mut s, Action::Submit);
    assert!(matches!(
        &e[0],
        Effect::Save {
            op: Op::SetMark {
                mark: Some(Mark::Blocker),
                ..
            },
            ..
        }
    ));
    let fp = s.selected_group().unwrap().fingerprint.clone();
    with_decision(
        &mut s,
        &fp,
        &[
            Op::SetMark {
                mark: Some(Mark::Blocker),
                train: Some("1.46.0-wmf.4".into()),
            },
            Op::AddNote {
                text: "checking".into(),
            },
        ],
    );
    update(&mut s, Action::ToggleHistory);
    assert_eq!(s.mode, Mode::History);
    snap_both("history", &s);
    let screen = render(&s, 100, 30).backend().to_string();
    assert!(
        screen.contains("note: checking") && screen.contains("marked blocker for 1.46.0-wmf.4"),
        "{screen}"
    );
    assert_eq!(
        update(&mut s, Action::Undo),
        vec![Effect::Undo { fingerprint: fp }]
    );
    update(&mut s, Action::Cancel);
    assert_eq!(s.mode, Mode::Normal);
}

#[test]
fn fuzzy_search() {
    let mut s = loaded_state(true);
    s.search = "~prsoutgettext".into();
    s.refresh_rows();
    assert_eq!(s.rows.len(), 1);
    assert!(
        s.selected_group()
            .unwrap()
            .title
            .contains("ParserOutput::getText")
    );
}

#[test]
fn keys_can_be_rebound_from_the_config() {
    use super::keys::Keymap;
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    use std::collections::BTreeMap;
    let key = |c: char| KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE);
    let mut o = BTreeMap::new();
    o.insert("blocker".to_string(), vec!["B".to_string()]);
    o.insert(
        "down".to_string(),
        vec!["j".to_string(), "ctrl-n".to_string()],
    );
    let km = Keymap::new(&o).unwrap();
    assert!(matches!(
        km.action_for(key('B'), &Mode::Normal),
        Some(Action::Mark(Mark::Blocker))
    ));
    assert!(
        km.action_for(key('b'), &Mode::Normal).is_none(),
        "the default key is gone"
    );
    assert!(matches!(
        km.action_for(
            KeyEvent::new(KeyCode::Char('n'), KeyModifiers::CONTROL),
            &Mode::Normal
        ),
        Some(Action::Down)
    ));
    // In a prompt, letters are text, whatever they are bound to.
    assert!(matches!(
        km.action_for(key('B'), &Mode::Search),
        Some(Action::Type('B'))
    ));
    let mut s = loaded_state(true);
    s.keymap = km;
    assert!(
        render(&s, 120, 30)
            .backend()
            .to_string()
            .contains("B blocker")
    );
    // Mistakes are reported, not ignored.
    let bad = |k: &str, v: &str| {
        let mut o = BTreeMap::new();
        o.insert(k.to_string(), vec![v.to_string()]);
        Keymap::new(&o).err().unwrap()
    };
    assert!(bad("blokker", "b").contains("unknown command \"blokker\""));
    assert!(bad("blocker", "ctrl-c").contains("always quits"));
    assert!(bad("blocker", "hyper-b").contains("unknown key"));
    let mut two = BTreeMap::new();
    two.insert("blocker".to_string(), vec!["z".to_string()]);
    two.insert("backport".to_string(), vec!["z".to_string()]);
    assert!(Keymap::new(&two).err().unwrap().contains("bound to both"));
}

#[test]
fn high_contrast_dims_nothing() {
    let mut s = loaded_state(true);
    let dimmed = |s: &State| {
        render(s, 120, 36)
            .backend()
            .buffer()
            .content()
            .iter()
            .filter(|c| c.fg == ratatui::style::Color::Gray)
            .count()
    };
    assert!(dimmed(&s) > 0);
    s.high_contrast = true;
    assert_eq!(dimmed(&s), 0);
}

#[test]
fn filing_previews_edits_the_title_and_files_one_group_after_another() {
    use super::state::{FileStage, Filing, Prepared};
    let mut s = loaded_state(true);
    s.filing = Filing::Tracker("Phabricator https://phab.example".into());
    // Two groups selected: the first two rows.
    update(&mut s, Action::ToggleSelect);
    update(&mut s, Action::ToggleSelect);
    let fps: Vec<String> = s.selection.iter().cloned().collect();
    let effects = update(&mut s, Action::StartFiling);
    let [
        Effect::PrepareFiling {
            fingerprint,
            version,
            draft,
            parent: None,
        },
    ] = effects.as_slice()
    else {
        panic!("{effects:?}")
    };
    assert_eq!(version, "1.46.0-wmf.4");
    assert!(fps.contains(fingerprint));
    // The background answers with the preview.
    let prepared = |fp: &str, draft: &logtriage::task::TaskDraft| Prepared {
        fingerprint: fp.to_string(),
        title: draft.title.clone(),
        draft: draft.clone(),
        body: draft.body(logtriage::task::Markup::Remarkup),
        destination: "Phabricator https://phab.example, tags wikimedia-production-error".into(),
        parent: Some(logtriage::filing::TaskRef {
            id: "T400004".into(),
            url: "https://phab.example/T400004".into(),
            title: "1.46.0-wmf.4 deployment blockers".into(),
            open: true,
            handle: "PHID-TASK-x".into(),
        }),
        duplicates: Vec::new(),
        pending: None,
    };
    let first = fingerprint.clone();
    update(
        &mut s,
        Action::FilingPrepared(Ok(Box::new(prepared(&first, draft)))),
    );
    snap_both("file_preview", &s);
    // e edits the title; Enter keeps it; y files.
    update(&mut s, Action::Type('e'));
    for _ in 0..200 {
        update(&mut s, Action::Backspace);
    }
    for c in "Parser: null output".chars() {
        update(&mut s, Action::Type(c));
    }
    update(&mut s, Action::Submit);
    let effects = update(&mut s, Action::Type('y'));
    let [Effect::File(p)] = effects.as_slice() else {
        panic!("{effects:?}")
    };
    assert_eq!(p.title, "Parser: null output");
    assert_eq!(p.parent.as_ref().unwrap().id, "T400004");
    let Mode::File(d) = &s.mode else { panic!() };
    assert_eq!(d.stage, FileStage::Filing);
    // Esc cannot abandon a create in flight.
    update(&mut s, Action::Cancel);
    assert!(matches!(s.mode, Mode::File(_)));
    // Filed: the decision is saved and the next group is prepared.
    let mut decisions = s.decisions.clone();
    decisions.apply(
        &first,
        None,
        &Op::SetTask {
            task: Some("https://phab.example/T412345".into()),
        },
        "2026-11-22T03:00:00Z",
        "ann",
    );
    let effects = update(
        &mut s,
        Action::Filed(Ok((
            "filed T412345 https://phab.example/T412345".into(),
            decisions,
        ))),
    );
    let [
        Effect::PrepareFiling {
            fingerprint: second,
            parent: known_parent,
            ..
        },
    ] = effects.as_slice()
    else {
        panic!("{effects:?}")
    };
    assert_ne!(second, &first);
    // The parent found for the first group is not asked for again.
    assert_eq!(
        known_parent
            .as_ref()
            .and_then(|p| p.as_ref())
            .map(|p| p.id.as_str()),
        Some("T400004")
    );
    assert_eq!(
        s.message.as_ref().unwrap().0,
        "filed T412345 https://phab.example/T412345"
    );
    assert_eq!(
        s.decisions.get(&first).unwrap().task.as_deref(),
        Some("https://phab.example/T412345")
    );
    // n skips the last one; the dialog closes.
    let second = second.clone();
    let d2 = logtriage::task::draft(
        s.report
            .as_ref()
            .unwrap()
            .groups
            .iter()
            .find(|g| g.fingerprint == second)
            .unwrap(),
        "1.46.0-wmf.4",
        &Default::default(),
    );
    update(
        &mut s,
        Action::FilingPrepared(Ok(Box::new(prepared(&second, &d2)))),
    );
    assert!(update(&mut s, Action::Type('n')).is_empty());
    assert_eq!(s.mode, Mode::Normal);
}

#[test]
fn filing_offers_to_link_a_duplicate_and_writes_files_without_a_tracker() {
    use super::state::{Filing, Prepared};
    let mut s = loaded_state(true);
    s.filing = Filing::Tracker("GitHub example/app".into());
    let g = s.selected_group().unwrap().clone();
    update(&mut s, Action::StartFiling);
    let draft = logtriage::task::draft(&g, "1.46.0-wmf.4", &Default::default());
    let dup = logtriage::filing::TaskRef {
        id: "#30".into(),
        url: "https://github.com/example/app/issues/30".into(),
        title: draft.title.clone(),
        open: true,
        handle: "1030".into(),
    };
    update(
        &mut s,
        Action::FilingPrepared(Ok(Box::new(Prepared {
            fingerprint: g.fingerprint.clone(),
            title: draft.title.clone(),
            body: draft.body(logtriage::task::Markup::Markdown),
            draft,
            destination: "GitHub example/app".into(),
            parent: None,
            duplicates: vec![dup],
            pending: None,
        }))),
    );
    let screen = render(&s, 120, 30).backend().to_string();
    assert!(
        screen.contains("Open tasks with the same title"),
        "{screen}"
    );
    assert!(
        screen.contains("#30 https://github.com/example/app/issues/30"),
        "{screen}"
    );
    let effects = update(&mut s, Action::Type('l'));
    assert_eq!(
        effects,
        vec![Effect::Save {
            fingerprint: g.fingerprint.clone(),
            title: g.title.clone(),
            op: Op::SetTask {
                task: Some("https://github.com/example/app/issues/30".into())
            }
        }]
    );
    assert_eq!(s.mode, Mode::Normal);

    // No tracker: the task goes to a file and the clipboard.
    s.filing = Filing::ToFiles;
    let effects = update(&mut s, Action::StartFiling);
    let [Effect::Export { what, files }, Effect::Clipboard(text)] = effects.as_slice() else {
        panic!("{effects:?}")
    };
    assert!(what.starts_with("no tracker configured"), "{what}");
    assert_eq!(files[0].0, format!("task-{}.txt", g.fingerprint));
    assert!(files[0].1.contains("==== Error ===="));
    assert_eq!(text, &files[0].1);
    // Several groups, the first filed before: it is skipped, the next one is prepared.
    s.filing = Filing::Tracker("GitHub example/app".into());
    s.selection.clear();
    update(&mut s, Action::ToggleSelect);
    update(&mut s, Action::ToggleSelect);
    let effects = update(&mut s, Action::StartFiling);
    assert_eq!(effects.len(), 1);
    let effects = update(
        &mut s,
        Action::FilingPrepared(Err(format!(
            "{}https://github.com/example/app/issues/30",
            super::state::ALREADY_FILED
        ))),
    );
    assert!(
        matches!(effects.as_slice(), [Effect::PrepareFiling { .. }]),
        "{effects:?}"
    );
    assert!(s.message.as_ref().unwrap().0.contains("already filed as"));
    // A tracker error stops the queue.
    update(
        &mut s,
        Action::FilingPrepared(Err("github search: timed out".into())),
    );
    assert_eq!(s.mode, Mode::Normal);
    assert_eq!(
        s.message.as_ref().unwrap().0,
        "cannot file: github search: timed out"
    );
    s.selection.clear();
    // A configured tracker without its token: F says why.
    s.filing = Filing::Broken("tracker phabricator: set the API token in $PHAB_TOKEN".into());
    assert!(update(&mut s, Action::StartFiling).is_empty());
    assert!(
        s.message
            .as_ref()
            .unwrap()
            .0
            .contains("set the API token in $PHAB_TOKEN")
    );
}

#[test]
fn a_pending_filing_shows_in_the_detail_pane() {
    let mut s = loaded_state(true);
    let fp = s.selected_group().unwrap().fingerprint.clone();
    with_decision(
        &mut s,
        &fp,
        &[
            Op::SetMark {
                mark: Some(Mark::Blocker),
                train: Some("1.46.0-wmf.4".into()),
            },
            Op::SetFiling {
                filing: Some(logtriage::decisions::Filing {
                    tracker: "phabricator https://phab.example".into(),
                    marker: "logtriageedbffc58ceb8846dx0badf00d".into(),
                    at: "2026-11-22T03:00:00Z".into(),
                    task: None,
                }),
            },
        ],
    );
    let screen = render(&s, 200, 48).backend().to_string();
    assert!(
        screen.contains("filing pending in phabricator https://phab.example since"),
        "{screen}"
    );
}

#[test]
fn known_groups_whose_task_closed_are_flagged_after_the_tracker_answers() {
    let mut s = State::new(
        "demo train".into(),
        Decisions::default(),
        PathBuf::from("decisions.json"),
        true,
    );
    s.filing = super::state::Filing::Tracker("Phabricator".into());
    let r = demo_report();
    let npe = r
        .groups
        .iter()
        .find(|g| g.title.contains("NullPointerException"))
        .unwrap()
        .fingerprint
        .clone();
    let mut d = Decisions::default();
    for op in [
        Op::SetMark {
            mark: Some(Mark::Known),
            train: None,
        },
        Op::SetTask {
            task: Some("T398001".into()),
        },
    ] {
        d.apply(&npe, None, &op, "2026-11-20T00:00:00Z", "ann");
    }
    s.decisions = d;
    // Loading asks the tracker about the known groups' tasks.
    let effects = update(&mut s, Action::Loaded(Ok(Box::new(r))));
    assert_eq!(effects, vec![Effect::CheckTasks(vec!["T398001".into()])]);
    update(
        &mut s,
        Action::TaskStates(Ok([("T398001".to_string(), false)].into())),
    );
    assert!(
        s.message
            .as_ref()
            .unwrap()
            .0
            .contains("1 known group(s) still occur but their task is closed"),
        "{:?}",
        s.message
    );
    let screen = render(&s, 160, 48).backend().to_string();
    assert!(
        screen.contains("KNOWN·CLOSED java.lang.NullPointerException"),
        "{screen}"
    );
    // The gate counts it again, and task:closed finds it.
    assert!(screen.contains("gate FAIL (4 new"), "{screen}");
    update(&mut s, Action::StartSearch);
    for c in "task:closed".chars() {
        update(&mut s, Action::Type(c));
    }
    assert_eq!(s.rows.len(), 1);
    assert_eq!(s.selected_group().unwrap().fingerprint, npe);
    // A later save keeps the state it learned.
    let d = s.decisions.clone();
    update(&mut s, Action::Saved(Ok(d)));
    let g = s
        .report
        .as_ref()
        .unwrap()
        .groups
        .iter()
        .find(|g| g.fingerprint == npe)
        .unwrap();
    assert_eq!(g.decision.as_ref().unwrap().task_open, Some(false));
}

#[test]
fn the_palette_can_file_a_task() {
    let m = super::keys::palette_matches("file");
    assert_eq!(m.first().map(|c| c.name), Some("file task"));
    assert!(matches!((m[0].action)(), Action::StartFiling));
}

/// A train whose new version crashed with a bare Python traceback (no level written) among
/// plain lines with no level at all.
fn unleveled_report() -> Report {
    let dir = tempfile::tempdir().unwrap();
    let prev = dir.path().join("worker-1.0.log");
    let cur = dir.path().join("worker-1.1.log");
    std::fs::write(&prev, "2026-11-17 10:00:00 INFO worker started\n").unwrap();
    std::fs::write(
        &cur,
        "Starting worker\nTraceback (most recent call last):\n  File \"/srv/worker/main.py\", line 12, in <module>\n    run()\nValueError: queue name is empty\nworker exited\n",
    )
    .unwrap();
    let specs: Vec<SourceSpec> = [(prev, "1.0"), (cur, "1.1")]
        .into_iter()
        .map(|(p, v)| SourceSpec {
            input: logtriage::input::Input::Path(p),
            version: Some(v.to_string()),
        })
        .collect();
    let mut a = pipeline::analyze(&specs, &Options::default());
    for s in &mut a.sources {
        s.name = PathBuf::from(&s.name)
            .file_name()
            .unwrap()
            .to_string_lossy()
            .into_owned();
    }
    Report::build(
        &a,
        "1.1",
        "1.0",
        Picked::Files,
        &Params::default(),
        Some(Level::Warning),
    )
}

#[test]
fn inferred_levels_and_unleveled_events_are_said() {
    let r = unleveled_report();
    assert_eq!(r.current.unleveled, 2, "Starting worker, worker exited");
    let g = &r.groups[0];
    assert_eq!(g.level_label(), "error (inferred)");
    assert_eq!(g.level_inferred_from, Some("a Python traceback"));
    let mut s = state_with(r, "worker", false);
    let screen = render(&s, 80, 24).backend().to_string();
    assert!(screen.contains("2 with no level, not listed"), "{screen}");
    update(&mut s, Action::SwitchPane);
    snap_both("inferred_level", &s);
    let wide = render(&s, 160, 48).backend().to_string();
    assert!(wide.contains("inferred from a Python traceback"), "{wide}");
}

#[test]
fn marked_groups_merge_into_the_selected_one_and_a_group_splits_into_its_fingerprints() {
    let mut s = loaded_state(true);
    let first = s.selected_group().unwrap().fingerprint.clone();
    // Nothing marked: nothing to merge, and it says how.
    assert!(update(&mut s, Action::MergeMarked).is_empty());
    assert!(s.message.as_ref().unwrap().0.contains("mark the groups"));
    update(&mut s, Action::ToggleSelect);
    update(&mut s, Action::ToggleSelect);
    let second = s
        .report
        .as_ref()
        .unwrap()
        .groups
        .iter()
        .find(|g| s.selection.contains(&g.fingerprint) && g.fingerprint != first)
        .unwrap()
        .clone();
    update(&mut s, Action::Up);
    update(&mut s, Action::Up);
    assert_eq!(s.selected_group().unwrap().fingerprint, first);
    let effects = update(&mut s, Action::MergeMarked);
    let expected: Vec<(String, String)> = second
        .members
        .iter()
        .map(|m| (m.fingerprint.clone(), first.clone()))
        .collect();
    assert_eq!(
        effects,
        vec![Effect::Regroup {
            merges: expected,
            splits: vec![]
        }]
    );
    assert!(s.selection.is_empty());
    // A group of one fingerprint has nothing to split.
    assert!(update(&mut s, Action::SplitGroup).is_empty());
    // Once saved, the report is rebuilt with the new groups.
    let after = update(&mut s, Action::Regrouped(Ok("merged".into())));
    assert_eq!(after, vec![Effect::Load]);
    // Both have keys, not only palette entries.
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    let km = super::keys::Keymap::new(&std::collections::BTreeMap::new()).unwrap();
    let on =
        |c: char, m: KeyModifiers| km.action_for(KeyEvent::new(KeyCode::Char(c), m), &Mode::Normal);
    assert!(matches!(
        on('m', KeyModifiers::NONE),
        Some(Action::MergeMarked)
    ));
    assert!(matches!(
        on('S', KeyModifiers::SHIFT),
        Some(Action::SplitGroup)
    ));
}

#[test]
fn the_overflow_group_takes_no_decision() {
    let mut s = loaded_state(true);
    let i = s.rows[s.selected];
    s.report.as_mut().unwrap().groups[i].overflow = true;
    assert!(update(&mut s, Action::Mark(Mark::Ignored)).is_empty());
    assert!(
        s.message
            .as_ref()
            .unwrap()
            .0
            .contains("cannot carry a decision"),
        "{:?}",
        s.message
    );
    update(&mut s, Action::StartInput(InputKind::Owner));
    assert!(!matches!(s.mode, Mode::Input { .. }));
}
