//! Quick find on a generated store: each kind of query through posdesk (the
//! call the search worker makes) and the same SQL through the `sqlite3` shell,
//! for a ratio. Prints a Markdown table for BENCHMARKS.md after criterion's
//! own figures.
//!
//! cargo bench --bench search                     # 1M merchants (generated once)
//! POSDESK_BENCH_MERCHANTS=100000 cargo bench --bench search
//! POSDESK_BENCH_STORE=/path/to/store.db cargo bench --bench search

mod search_support;

use criterion::Criterion;
use posdesk::store::search::find;
use search_support::{best_of_three, classes, percentiles, statements, Class, LIMIT};
use std::path::Path;
use std::time::{Duration, Instant};

/// Times each sample query is run for the percentiles.
const ROUNDS: usize = 5;

fn main() {
    // `cargo test --benches` runs this without --bench: a timing run is not a test.
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    let path = search_support::store();
    // A store written by an older posdesk is brought up to date first.
    drop(posdesk::store::open(&path).expect("migrate the bench store"));
    let conn = posdesk::store::open_read_only(&path).expect("open the bench store");
    let applications: i64 = conn
        .query_row("SELECT count(*) FROM application", [], |r| r.get(0))
        .expect("count");
    let classes = classes(&conn, 40);

    let mut c = Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .sample_size(20)
        .configure_from_args();
    for class in &classes {
        if class.queries.is_empty() {
            continue;
        }
        let mut i = 0;
        c.bench_function(&format!("search/{}", class.name), |b| {
            b.iter(|| {
                let q = &class.queries[i % class.queries.len()];
                i += 1;
                find(&conn, q, LIMIT).expect("find")
            })
        });
    }
    c.final_summary();

    println!(
        "\nQuick find on {} ({applications} applications), {} queries per kind × {ROUNDS}, limit {LIMIT}:\n",
        path.display(),
        classes.first().map_or(0, |c| c.queries.len())
    );
    println!(
        "| query | n | posdesk p50 | posdesk p95 | posdesk mean | sqlite3 shell mean | ratio |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|");
    for class in &classes {
        if class.queries.is_empty() {
            println!("| {} | 0 | — | — | — | — | — |", class.name);
            continue;
        }
        let us = time_posdesk(&conn, class);
        let mean = us.iter().sum::<f64>() / us.len() as f64;
        let (p50, p95) = percentiles(us);
        let shell = time_shell(&path, &conn, class);
        let ratio = shell.map_or("—".to_string(), |s| format!("{:.2}", mean / s));
        println!(
            "| {} | {} | {} | {} | {} | {} | {ratio} |",
            class.name,
            class.queries.len(),
            ms(p50),
            ms(p95),
            ms(mean),
            shell.map_or("—".to_string(), ms),
        );
    }
}

fn ms(us: f64) -> String {
    format!("{:.3} ms", us / 1000.0)
}

/// Every query of the class, `ROUNDS` times after one warm-up round: µs each.
fn time_posdesk(conn: &rusqlite::Connection, class: &Class) -> Vec<f64> {
    for q in &class.queries {
        find(conn, q, LIMIT).expect("find");
    }
    let mut us = Vec::new();
    for _ in 0..ROUNDS {
        for q in &class.queries {
            let start = Instant::now();
            let rows = find(conn, q, LIMIT).expect("find");
            us.push(start.elapsed().as_secs_f64() * 1e6);
            std::hint::black_box(rows);
        }
    }
    us
}

/// Mean µs per query through the sqlite3 shell: the same statements, the
/// same rounds, minus the shell's own start (the best of three runs each).
fn time_shell(path: &Path, conn: &rusqlite::Connection, class: &Class) -> Option<f64> {
    let mut script = String::from(".output /dev/null\nSELECT count(*) FROM sqlite_schema;\n");
    let base = best_of_three(path, &script)?;
    let sql: Vec<String> = class
        .queries
        .iter()
        .flat_map(|q| statements(conn, q))
        .collect();
    for _ in 0..=ROUNDS {
        for s in &sql {
            script.push_str(s);
            script.push_str(";\n");
        }
    }
    let full = best_of_three(path, &script)?;
    let runs = (class.queries.len() * (ROUNDS + 1)) as f64;
    Some(((full - base) / runs).max(0.0))
}
