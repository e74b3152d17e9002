//! The real binary in a pseudo-terminal: first run, the terminal restored on
//! every way out, resize, and the main journey.

mod support {
    pub mod pty;
}

use support::pty::{paste, Pty, CTRL_C, ENTER, TAB};

const BIN: &str = env!("CARGO_BIN_EXE_posdesk");

struct Store {
    dir: tempfile::TempDir,
}

impl Store {
    fn new() -> Store {
        Store {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }
    fn db(&self) -> String {
        self.dir.path().join("posdesk.db").display().to_string()
    }
    fn env(&self) -> Vec<(&'static str, String)> {
        vec![
            ("POSDESK_DB", self.db()),
            (
                "POSDESK_CONFIG_DIR",
                self.dir.path().join("config").display().to_string(),
            ),
            ("LANG", "en_US.UTF-8".to_string()),
        ]
    }
    fn spawn(&self, extra: &[(&str, &str)], cols: u16, rows: u16) -> Pty {
        let mut env: Vec<(String, String)> = self
            .env()
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect();
        env.extend(extra.iter().map(|(k, v)| (k.to_string(), v.to_string())));
        let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        Pty::spawn(BIN, &[], &env, cols, rows)
    }
}

/// What a terminal must be back to: normal screen, no bracketed paste, cursor shown.
fn assert_restored(out: &[u8]) {
    let text = String::from_utf8_lossy(out);
    let last_enter = text
        .rfind("\x1b[?1049h")
        .expect("entered the alternate screen");
    let tail = &text[last_enter..];
    assert!(tail.contains("\x1b[?1049l"), "left the alternate screen");
    assert!(tail.contains("\x1b[?2004l"), "bracketed paste switched off");
    assert!(tail.contains("\x1b[?25h"), "cursor shown again");
}

#[test]
fn first_run_offers_the_demo_and_logs_in() {
    let store = Store::new();
    let mut pty = store.spawn(&[], 100, 30);
    pty.wait_for("This store is empty");
    pty.send("d");
    pty.wait_for("Demo logins");
    pty.type_text("C001");
    pty.send(TAB);
    pty.type_text("100001");
    pty.send(ENTER);
    let home = pty.wait_for("Waiting for their next step");
    assert!(home.contains("C001"), "{home}");
    pty.send(CTRL_C);
    assert_eq!(pty.wait_exit(), 0);
    assert_restored(&pty.output());
}

#[test]
fn the_terminal_is_restored_after_a_panic() {
    let store = Store::new();
    let mut pty = store.spawn(&[("POSDESK_TEST_PANIC_AFTER_FIRST_FRAME", "1")], 80, 24);
    let code = pty.wait_exit();
    assert_ne!(code, 0, "the test switch makes it panic");
    assert_restored(&pty.output());
    let text = String::from_utf8_lossy(&pty.output()).to_string();
    assert!(
        text.contains("test-only panic"),
        "the panic message reaches the normal screen"
    );
}

#[test]
fn raw_mode_is_off_after_quitting() {
    let store = Store::new();
    // stty reports the terminal's modes after posdesk returns: canonical input and echo are back.
    let script = format!("{BIN}; stty -a");
    let env: Vec<(String, String)> = store
        .env()
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let mut pty = Pty::spawn("sh", &["-c", &script], &env, 100, 30);
    pty.wait_for("This store is empty");
    pty.send(CTRL_C);
    pty.wait_exit();
    let out = String::from_utf8_lossy(&pty.output()).to_string();
    let stty = &out[out.rfind("speed").unwrap_or(0)..];
    let modes: Vec<&str> = stty
        .split(|c: char| c.is_whitespace() || c == ';')
        .collect();
    assert!(
        modes.contains(&"icanon") && modes.contains(&"echo"),
        "stty after exit: {stty}"
    );
}

#[test]
fn resizing_redraws_and_too_small_recovers() {
    let store = Store::new();
    let mut pty = store.spawn(&[], 100, 30);
    pty.wait_for("This store is empty");
    pty.resize(60, 20);
    pty.wait_for("needs at least 80×24");
    pty.resize(120, 40);
    pty.wait_for("This store is empty");
    pty.send(CTRL_C);
    assert_eq!(pty.wait_exit(), 0);
}

#[test]
fn a_scanner_paste_lands_in_the_find_box() {
    let store = Store::new();
    let mut pty = store.spawn(&[], 100, 30);
    pty.wait_for("This store is empty");
    pty.send("d");
    pty.wait_for("Demo logins");
    pty.type_text("C001");
    pty.send(TAB);
    pty.type_text("100001");
    pty.send(ENTER);
    pty.wait_for("Waiting for their next step");
    pty.send(&paste("AP00000003"));
    pty.wait_for("Found 1");
    pty.send(CTRL_C);
    pty.wait_exit();
}
