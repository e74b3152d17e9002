//! The store behind the screens on a generated store: the dashboard's first
//! page, its totals and filtered totals, home's queue, a full 200×50 dashboard
//! frame rendered and diffed through the real `App`, and the bulk generator.
//! Each query also runs, as the very SQL posdesk ran (captured from SQLite with
//! its values), through the `sqlite3` shell, for a ratio. Prints a Markdown
//! table for BENCHMARKS.md after criterion's own figures.
//!
//! cargo bench --bench store                       # 1M merchants (generated once)
//! POSDESK_BENCH_MERCHANTS=100000 cargo bench --bench store
//! POSDESK_BENCH_STORE=/path/to/store.db cargo bench --bench store
//! POSDESK_BENCH_GENERATE=20000 …                  # merchants per generator run

mod search_support;

use criterion::{Criterion, Throughput};
use posdesk::config::Config;
use posdesk::desk::{Desk, Setup};
use posdesk::store::dashboard::Filter;
use posdesk::tui::app::App;
use posdesk::tui::i18n::{I18n, Lang};
use posdesk::tui::screens::home::QUEUE_STATES;
use posdesk::tui::theme::Theme;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use rusqlite::trace::{TraceEvent, TraceEventCodes};
use search_support::{best_of_three, percentiles};
use std::path::Path;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Timed runs of each query for the percentiles (after a warm-up).
const RUNS: usize = 400;

fn main() {
    // `cargo test --benches` runs this without --bench: a timing run is not a test.
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    let path = search_support::store();
    let desk = Desk::open(&path, Setup::builtin()).expect("open the bench store");
    let deposits: i64 = desk
        .conn()
        .query_row("SELECT sum(count) FROM deposit_summary", [], |r| r.get(0))
        .expect("count");
    let queries = queries(&desk);

    let mut c = Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .sample_size(30)
        .configure_from_args();
    for q in &queries {
        c.bench_function(q.name, |b| b.iter(|| (q.run)(&desk)));
    }
    let mut frame = dashboard_frame(&path);
    c.bench_function("render/dashboard 200x50", |b| b.iter(|| frame.draw()));
    let generated = generator_bench(&mut c);
    c.final_summary();

    let machine = machine();
    println!(
        "\nStore {} ({deposits} deposits); {machine}\n",
        path.display()
    );
    println!("| what | posdesk p50 | posdesk p95 | sqlite3 shell mean | ratio (p50 / shell) |");
    println!("|---|---:|---:|---:|---:|");
    for q in &queries {
        let (p50, p95) = percentiles(time(|| (q.run)(&desk)));
        let sql = captured(&desk, || (q.run)(&desk));
        let shell = time_shell(&path, &sql);
        let ratio = shell.map_or("—".to_string(), |s| format!("{:.2}", p50 / s));
        println!(
            "| {} | {} | {} | {} | {ratio} |",
            q.name,
            ms(p50),
            ms(p95),
            shell.map_or("—".to_string(), ms)
        );
    }
    let (p50, p95) = percentiles(time(|| frame.draw()));
    println!(
        "| render/dashboard 200x50 | {} | {} | — | — |",
        ms(p50),
        ms(p95)
    );
    if let Some((merchants, rows, secs)) = generated {
        println!(
            "| generate {merchants} merchants (bulk, in memory) | {rows} rows in {secs:.2} s | {:.0} rows/s | — | — |",
            rows as f64 / secs
        );
    }
}

struct Query {
    name: &'static str,
    run: Box<dyn Fn(&Desk)>,
}

fn queries(desk: &Desk) -> Vec<Query> {
    let today = desk.clock.today();
    let (week, _) = posdesk::desk::day_bounds(today - chrono::Days::new(6));
    let (_, end) = posdesk::desk::day_bounds(today);
    let point = Some(1);
    let q = |name, run: Box<dyn Fn(&Desk)>| Query { name, run };
    vec![
        q(
            "dashboard/first page",
            Box::new(|d| {
                std::hint::black_box(d.dashboard_page(&Filter::default(), None, 41).unwrap());
            }),
        ),
        q(
            "dashboard/totals (summary + overdue)",
            Box::new(|d| {
                std::hint::black_box(d.refund_totals().unwrap());
            }),
        ),
        q(
            "dashboard/filtered totals: state, point, 7 days",
            Box::new(move |d| {
                let f = Filter {
                    states: vec!["refund_sent".into()],
                    point_id: point,
                    from: Some(week.clone()),
                    to: Some(end.clone()),
                    ..Filter::default()
                };
                std::hint::black_box(d.dashboard_filtered_totals(&f).unwrap());
            }),
        ),
        q(
            "dashboard/filtered totals: overdue",
            Box::new(move |d| {
                let f = Filter {
                    overdue_on: Some(today.format("%Y-%m-%d").to_string()),
                    ..Filter::default()
                };
                std::hint::black_box(d.dashboard_filtered_totals(&f).unwrap());
            }),
        ),
        q(
            "dashboard/first page: overdue",
            Box::new(move |d| {
                let f = Filter {
                    overdue_on: Some(today.format("%Y-%m-%d").to_string()),
                    ..Filter::default()
                };
                std::hint::black_box(d.dashboard_page(&f, None, 41).unwrap());
            }),
        ),
        q(
            "home/queue (7 states × 50)",
            Box::new(move |d| {
                std::hint::black_box(d.queue(point, &QUEUE_STATES, 50).unwrap());
            }),
        ),
        q(
            "home/today's counts",
            Box::new(move |d| {
                std::hint::black_box(d.today_counts(point).unwrap());
            }),
        ),
    ]
}

/// µs per run, RUNS runs after a few to warm up.
fn time(mut f: impl FnMut()) -> Vec<f64> {
    for _ in 0..20 {
        f();
    }
    (0..RUNS)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed().as_secs_f64() * 1e6
        })
        .collect()
}

fn ms(us: f64) -> String {
    format!("{:.3} ms", us / 1000.0)
}

static SEEN: Mutex<Vec<String>> = Mutex::new(Vec::new());

fn record(event: TraceEvent<'_>) {
    if let TraceEvent::Stmt(stmt, _) = event {
        if let (Some(sql), Ok(mut seen)) = (stmt.expanded_sql(), SEEN.lock()) {
            seen.push(sql);
        }
    }
}

/// The statements `f` runs, with their values written in.
fn captured(desk: &Desk, f: impl FnOnce()) -> Vec<String> {
    SEEN.lock().unwrap().clear();
    desk.conn()
        .trace_v2(TraceEventCodes::SQLITE_TRACE_STMT, Some(record));
    f();
    desk.conn().trace_v2(TraceEventCodes::empty(), None);
    SEEN.lock().unwrap().drain(..).collect()
}

/// Mean µs for the shell to run `statements` once: RUNS times in one shell,
/// minus the shell's own start (the best of three each).
fn time_shell(path: &Path, statements: &[String]) -> Option<f64> {
    let base = ".output /dev/null\nSELECT count(*) FROM sqlite_schema;\n".to_string();
    let mut script = base.clone();
    for _ in 0..RUNS {
        for s in statements {
            script.push_str(s);
            script.push_str(";\n");
        }
    }
    Some(((best_of_three(path, &script)? - best_of_three(path, &base)?) / RUNS as f64).max(0.0))
}

/// The real app, logged in as a clerk, on the refund dashboard, 200×50.
struct Frame {
    app: App,
    terminal: Terminal<TestBackend>,
}

impl Frame {
    fn draw(&mut self) {
        let app = &mut self.app;
        self.terminal.draw(|f| app.draw(f)).expect("draw");
    }
}

fn dashboard_frame(path: &Path) -> Frame {
    let desk = Desk::open(path, Setup::builtin()).expect("open the bench store");
    let app = App::new(desk, Config::default(), I18n::new(Lang::En), Theme::color()).expect("app");
    let mut frame = Frame {
        app,
        terminal: Terminal::new(TestBackend::new(200, 50)).expect("terminal"),
    };
    let mut press = |code: KeyCode| {
        frame
            .app
            .handle_key(KeyEvent::new(code, KeyModifiers::NONE));
    };
    for c in "C001".chars() {
        press(KeyCode::Char(c));
    }
    press(KeyCode::Tab);
    for c in "100001".chars() {
        press(KeyCode::Char(c));
    }
    press(KeyCode::Enter);
    press(KeyCode::Char('d'));
    frame.draw();
    let text: String = frame
        .terminal
        .backend()
        .buffer()
        .content()
        .iter()
        .map(|c| c.symbol())
        .collect();
    assert!(text.contains("Refund dashboard"), "the dashboard is open");
    frame
}

/// Rows per second of the bulk generator on a store in memory (the whole
/// demo in a real file, with its progress bar and peak memory, is in
/// scripts/bench.sh).
fn generator_bench(c: &mut Criterion) -> Option<(usize, u64, f64)> {
    let merchants: usize = std::env::var("POSDESK_BENCH_GENERATE")
        .ok()
        .and_then(|n| n.replace('_', "").parse().ok())
        .unwrap_or(20_000);
    if merchants == 0 {
        return None;
    }
    let run = || {
        let mut desk = Desk::in_memory(Setup::builtin()).expect("store");
        let start = Instant::now();
        let report = desk
            .load_demo_bulk(merchants, 42, &mut |_| {})
            .expect("bulk demo");
        (report.rows, start.elapsed().as_secs_f64())
    };
    let (rows, secs) = run();
    let mut group = c.benchmark_group("generate");
    group.sample_size(10).throughput(Throughput::Elements(rows));
    group.bench_function(format!("{merchants} merchants"), |b| b.iter(run));
    group.finish();
    Some((merchants, rows, secs))
}

/// `nproc` and the CPU model, for the table's caption.
fn machine() -> String {
    let cpus = std::thread::available_parallelism().map_or(0, |n| n.get());
    let model = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|m| m.trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    format!("{cpus} CPUs, {model}")
}
