//! Keystroke → results on the real binary in a pseudo-terminal: log in, press
//! `/`, type each sample query, and time its last key from the moment it is
//! written until (a) the box shows it (echo) and (b) the list shows that
//! query's results. Reports p50/p95 per kind of query.
//!
//! cargo bench --bench keystroke                  # the same store as benches/search.rs
//! POSDESK_BENCH_MERCHANTS=100000 cargo bench --bench keystroke

mod search_support;

use portable_pty::{native_pty_system, CommandBuilder, PtySize};
use posdesk::store::search::find;
use search_support::{classes, percentiles, LIMIT};
use std::io::{Read, Write};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

const COLS: u16 = 120;
const ROWS: u16 = 40;
const WAIT: Duration = Duration::from_secs(20);
const ESC: &str = "\x1b";

struct Screen {
    parser: Mutex<vt100::Parser>,
    changed: Condvar,
}

struct Term {
    screen: Arc<Screen>,
    writer: Box<dyn Write + Send>,
    _child: Box<dyn portable_pty::Child + Send + Sync>,
}

impl Term {
    fn spawn(db: &std::path::Path, config: &std::path::Path) -> Term {
        let pair = native_pty_system()
            .openpty(PtySize {
                rows: ROWS,
                cols: COLS,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("open a pty");
        let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_posdesk"));
        cmd.env_clear();
        cmd.env("TERM", "xterm-256color");
        cmd.env("PATH", std::env::var("PATH").unwrap_or_default());
        cmd.env("HOME", std::env::var("HOME").unwrap_or_default());
        cmd.env("LANG", "en_US.UTF-8");
        cmd.env("POSDESK_DB", db);
        cmd.env("POSDESK_CONFIG_DIR", config);
        let child = pair.slave.spawn_command(cmd).expect("spawn posdesk");
        drop(pair.slave);
        let mut reader = pair.master.try_clone_reader().expect("reader");
        let writer = pair.master.take_writer().expect("writer");
        let screen = Arc::new(Screen {
            parser: Mutex::new(vt100::Parser::new(ROWS, COLS, 0)),
            changed: Condvar::new(),
        });
        let shared = Arc::clone(&screen);
        std::thread::spawn(move || {
            let _master = pair.master;
            let mut buf = [0u8; 16384];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                if let Ok(mut p) = shared.parser.lock() {
                    p.process(&buf[..n]);
                }
                shared.changed.notify_all();
            }
        });
        Term {
            screen,
            writer,
            _child: child,
        }
    }

    fn send(&mut self, text: &str) {
        self.writer.write_all(text.as_bytes()).expect("write");
        self.writer.flush().expect("flush");
    }

    /// Wait until `done` holds for the screen; when it first did.
    fn wait(&self, what: &str, done: impl Fn(&str) -> bool) -> Instant {
        let start = Instant::now();
        let mut p = self.screen.parser.lock().expect("screen");
        loop {
            let text = p.screen().contents();
            if done(&text) {
                return Instant::now();
            }
            if start.elapsed() > WAIT {
                panic!("waited {WAIT:?} for {what}; the screen was:\n{text}");
            }
            p = self
                .screen
                .changed
                .wait_timeout(p, Duration::from_millis(50))
                .expect("screen")
                .0;
        }
    }
}

/// What the home list shows for a query: "Found n" and the first reference.
#[derive(PartialEq, Clone, Debug)]
enum Shown {
    Queue,
    Found(usize, Option<String>),
}

fn expected(conn: &rusqlite::Connection, q: &str) -> Shown {
    if q.trim().is_empty() {
        return Shown::Queue;
    }
    let rows = find(conn, q, LIMIT).expect("find");
    Shown::Found(rows.len(), rows.first().map(|r| r.reference.clone()))
}

fn shows(screen: &str, want: &Shown) -> bool {
    let lines: Vec<&str> = screen.lines().collect();
    match want {
        Shown::Queue => screen.contains("Waiting for their next step"),
        Shown::Found(n, first) => lines.iter().enumerate().any(|(i, line)| {
            let Some(at) = line.find("Found ") else {
                return false;
            };
            let count: String = line[at + 6..]
                .chars()
                .take_while(char::is_ascii_digit)
                .collect();
            count == n.to_string()
                && match first {
                    Some(r) => lines.get(i + 1).is_some_and(|l| l.contains(r.as_str())),
                    None => screen.contains("Nothing found"),
                }
        }),
    }
}

fn echoed(screen: &str, q: &str) -> bool {
    screen.lines().any(|l| l.contains("Find:") && l.contains(q))
}

fn main() {
    // `cargo test --benches` runs this without --bench: a timing run is not a test.
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    let db = search_support::store();
    drop(posdesk::store::open(&db).expect("migrate the bench store"));
    let conn = posdesk::store::open_read_only(&db).expect("bench store");
    let config = tempfile::tempdir().expect("config dir");
    let mut term = Term::spawn(&db, config.path());
    term.wait("the login screen", |s| s.contains("Staff number"));
    term.send("C001\t100001\r");
    term.wait("home", |s| s.contains("Find:"));

    println!(
        "\nKeystroke → results on {} (posdesk in a {COLS}×{ROWS} pty), last key of each query:\n",
        db.display()
    );
    println!("| query | n | echo p50 | echo p95 | results p50 | results p95 |");
    println!("|---|---:|---:|---:|---:|---:|");
    for class in classes(&conn, 30) {
        let mut echo = Vec::new();
        let mut results = Vec::new();
        for q in &class.queries {
            let chars: Vec<char> = q.chars().collect();
            let (head, last) = chars.split_at(chars.len() - 1);
            let head: String = head.iter().collect();
            let before = expected(&conn, &head);
            let after = expected(&conn, q);
            // A key that changes nothing on screen cannot be timed.
            if before == after {
                continue;
            }
            term.send(ESC);
            term.wait("the queue", |s| {
                shows(s, &Shown::Queue) && !s.contains("Found ")
            });
            // Esc and `/` back to back read as Alt-/ (an escape sequence);
            // when Esc changed nothing on screen the wait above is no gap.
            std::thread::sleep(Duration::from_millis(60));
            term.send("/");
            // The footer offers "Clear find" once the box has the keys.
            term.wait("the find box", |s| s.contains("Clear find"));
            for c in head.chars() {
                term.send(&c.to_string());
            }
            term.wait("the first characters' results", |s| {
                echoed(s, &head) && shows(s, &before)
            });
            let sent = Instant::now();
            term.send(&last[0].to_string());
            let echo_at = term.wait("the echo", |s| echoed(s, q));
            let shown_at = term.wait("the results", |s| echoed(s, q) && shows(s, &after));
            echo.push((echo_at - sent).as_secs_f64() * 1e6);
            results.push((shown_at - sent).as_secs_f64() * 1e6);
        }
        let n = echo.len();
        if n == 0 {
            println!("| {} | 0 | — | — | — | — |", class.name);
            continue;
        }
        let (e50, e95) = percentiles(echo);
        let (r50, r95) = percentiles(results);
        println!(
            "| {} | {n} | {:.1} ms | {:.1} ms | {:.1} ms | {:.1} ms |",
            class.name,
            e50 / 1000.0,
            e95 / 1000.0,
            r50 / 1000.0,
            r95 / 1000.0
        );
    }
    term.send("\x03");
}
