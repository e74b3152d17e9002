//! What the benches share: the generated store they run on, the queries a
//! clerk would type drawn from that store, and timing the same SQL through the
//! `sqlite3` shell for a ratio.

#![allow(dead_code)]

use posdesk::store::search::{plan, Plan};
use rusqlite::types::Value;
use rusqlite::{params, Connection};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

pub const LIMIT: i64 = 100;

/// The shell the query benches compare with (apt `sqlite3`).
pub const SHELL: &str = "/usr/bin/sqlite3";

/// The fastest of three shell runs of `script`: µs.
pub fn best_of_three(path: &Path, script: &str) -> Option<f64> {
    (0..3)
        .filter_map(|_| run_shell(path, script))
        .min_by(f64::total_cmp)
}

/// µs for the shell to run `script` on the store, read-only.
pub fn run_shell(path: &Path, script: &str) -> Option<f64> {
    let start = Instant::now();
    let mut child = Command::new(SHELL)
        .arg("-readonly")
        .arg(path)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .ok()?;
    child.stdin.take()?.write_all(script.as_bytes()).ok()?;
    let out = child.wait_with_output().ok()?;
    if !out.status.success() || !out.stderr.is_empty() {
        eprintln!("sqlite3: {}", String::from_utf8_lossy(&out.stderr));
        return None;
    }
    Some(start.elapsed().as_secs_f64() * 1e6)
}

/// `POSDESK_BENCH_STORE` (an existing store), else the store of
/// `POSDESK_BENCH_MERCHANTS` (default 1,000,000) that scripts/bench.sh uses,
/// target/bench-stores/store-N.db, generated once by `posdesk demo`.
pub fn store() -> PathBuf {
    if let Some(path) = std::env::var_os("POSDESK_BENCH_STORE") {
        // Absolute: the keystroke bench starts posdesk in another folder.
        let path = PathBuf::from(path);
        return std::path::absolute(&path).unwrap_or(path);
    }
    let merchants: usize = std::env::var("POSDESK_BENCH_MERCHANTS")
        .ok()
        .and_then(|n| n.replace('_', "").parse().ok())
        .unwrap_or(1_000_000);
    let tmp = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    let dir = tmp.parent().unwrap_or(&tmp).join("bench-stores");
    let path = dir.join(format!("store-{merchants}.db"));
    if !path.exists() {
        std::fs::create_dir_all(&dir).expect("bench store folder");
        let partial = dir.join(format!("store-{merchants}.db.partial"));
        let _ = std::fs::remove_file(&partial);
        eprintln!(
            "generating a {merchants}-merchant store at {} (once) …",
            path.display()
        );
        let status = Command::new(env!("CARGO_BIN_EXE_posdesk"))
            .args(["--db"])
            .arg(&partial)
            .args([
                "demo",
                "--merchants",
                &merchants.to_string(),
                "--seed",
                "42",
            ])
            .env("POSDESK_CONFIG_DIR", dir.join("config"))
            .stdout(std::process::Stdio::null())
            .status()
            .expect("run posdesk demo");
        assert!(status.success(), "posdesk demo failed");
        // The store is closed: WAL folded in, so one file is the whole store.
        std::fs::rename(&partial, &path).expect("bench store in place");
    }
    path
}

/// One kind of query and the sample of it the benches type.
pub struct Class {
    pub name: &'static str,
    pub queries: Vec<String>,
}

/// A small deterministic generator: the same store gives the same samples.
struct Pick(u64);

impl Pick {
    fn next(&mut self, below: i64) -> i64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        1 + (self.0 % below.max(1) as u64) as i64
    }
}

fn max_id(conn: &Connection, table: &str) -> i64 {
    conn.query_row(
        &format!("SELECT coalesce(max(id), 0) FROM {table}"),
        [],
        |r| r.get(0),
    )
    .unwrap_or(0)
}

/// `n` values of `sql` (one ?1 = a random id below the table's largest).
fn sample(conn: &Connection, table: &str, sql: &str, n: usize, pick: &mut Pick) -> Vec<String> {
    let top = max_id(conn, table);
    let mut stmt = conn.prepare(sql).expect("sample statement");
    let mut out = Vec::new();
    for _ in 0..n * 20 {
        if out.len() == n {
            break;
        }
        let value: Option<String> = stmt
            .query_row([pick.next(top)], |r| r.get(0))
            .ok()
            .flatten();
        if let Some(v) = value.filter(|v| !v.is_empty() && !out.contains(v)) {
            out.push(v);
        }
    }
    out
}

fn name_parts(names: &[String], len: usize, pick: &mut Pick) -> Vec<String> {
    let mut out = Vec::new();
    for name in names {
        let chars: Vec<char> = name.chars().filter(|c| *c != '·').collect();
        if chars.len() < len {
            continue;
        }
        let start = (pick.next((chars.len() - len + 1) as i64) - 1) as usize;
        let part: String = chars[start..start + len].iter().collect();
        if !out.contains(&part) {
            out.push(part);
        }
    }
    out
}

/// Every kind of query, `n` of each, drawn from the store.
pub fn classes(conn: &Connection, n: usize) -> Vec<Class> {
    let mut pick = Pick(0x9E37_79B9_7F4A_7C15);
    let app = |col: &str| format!("SELECT {col} FROM application WHERE id = ?1");
    let phones = sample(conn, "application", &app("phone"), n, &mut pick);
    let ids = sample(conn, "application", &app("id_number"), n, &mut pick);
    let names = sample(conn, "application", &app("full_name"), n * 4, &mut pick);
    let refs = sample(
        conn,
        "application",
        "SELECT 'AP' || printf('%08d', id) FROM application WHERE id = ?1",
        n,
        &mut pick,
    );
    let refunds = sample(
        conn,
        "refund",
        "SELECT ref FROM refund WHERE id = ?1",
        n,
        &mut pick,
    );
    let serials = sample(
        conn,
        "binding",
        "SELECT d.serial FROM binding b JOIN device d ON d.id = b.device_id WHERE b.id = ?1",
        n,
        &mut pick,
    );
    let missing: Vec<String> = (0..n)
        .map(|_| format!("1990{:07}", pick.next(9_999_999)))
        .filter(|p| !phones.contains(p))
        .collect();
    let long: Vec<String> = names
        .iter()
        .filter(|s| s.chars().count() >= 3)
        .cloned()
        .chain(name_parts(&names, 3, &mut pick))
        .take(n)
        .collect();
    let class = |name, queries: Vec<String>| Class { name, queries };
    vec![
        class("phone", phones),
        class("phone, none", missing),
        class("ID number", ids.clone()),
        class(
            "ID last 6",
            ids.iter().map(|i| i[i.len() - 6..].to_string()).collect(),
        ),
        class(
            "ID last 4",
            ids.iter().map(|i| i[i.len() - 4..].to_string()).collect(),
        ),
        class("AP reference", refs),
        class("RF reference", refunds),
        class("serial", serials),
        class(
            "name, 1 char",
            name_parts(&names, 1, &mut pick)
                .into_iter()
                .take(n)
                .collect(),
        ),
        class(
            "name, 2 chars",
            name_parts(&names, 2, &mut pick)
                .into_iter()
                .take(n)
                .collect(),
        ),
        class("name, 3+ chars", long),
    ]
}

fn literal(v: &Value) -> String {
    match v {
        Value::Integer(i) => i.to_string(),
        Value::Text(t) => format!("'{}'", t.replace('\'', "''")),
        _ => "NULL".into(),
    }
}

fn inline(p: &Plan, limit: i64) -> String {
    p.kind
        .sql()
        .replace("?1", &literal(&p.key))
        .replace("?2", &i64::MAX.to_string())
        .replace("?3", &limit.to_string())
}

/// The statements `store::search::find` runs for `query`, as plain SQL text.
pub fn statements(conn: &Connection, query: &str) -> Vec<String> {
    let plans = plan(query);
    let mut out = Vec::new();
    for (i, p) in plans.iter().enumerate() {
        if i + 1 == plans.len() {
            out.push(inline(p, LIMIT));
            break;
        }
        out.push(inline(p, 1));
        let hit = conn
            .prepare(&p.kind.sql())
            .and_then(|mut s| s.exists(params![p.key, i64::MAX, 1]))
            .unwrap_or(false);
        if hit {
            out.push(inline(p, LIMIT));
            break;
        }
    }
    out
}

/// p50 and p95 of timings in microseconds.
pub fn percentiles(mut us: Vec<f64>) -> (f64, f64) {
    if us.is_empty() {
        return (f64::NAN, f64::NAN);
    }
    us.sort_by(f64::total_cmp);
    let at = |q: f64| us[((us.len() - 1) as f64 * q).round() as usize];
    (at(0.5), at(0.95))
}
