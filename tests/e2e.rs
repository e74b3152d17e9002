//! The real binary in a pseudo-terminal: first run, the terminal restored on
//! every way out, resize, and the main journey.

mod support {
    pub mod pty;
}

use support::pty::{paste, Pty, CTRL_C, ENTER, ESC, F10, TAB};

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

/// Run the CLI against the same store (setup before, checks after).
fn cli(store: &Store, args: &[&str], extra: &[(&str, &str)]) -> String {
    let mut cmd = std::process::Command::new(BIN);
    cmd.args(args)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default());
    for (k, v) in store.env() {
        cmd.env(k, v);
    }
    for (k, v) in extra {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("run posdesk");
    assert!(
        out.status.success(),
        "posdesk {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).to_string()
}

/// One merchant from login through activation, as a supervisor at the counter
/// would do it with the keyboard; then the store and the log are checked.
#[test]
fn one_merchant_from_login_to_activation() {
    let store = Store::new();
    let pin = [("POSDESK_PIN", "900001")];
    cli(
        &store,
        &[
            "init",
            "--point-code",
            "BJ01",
            "--point-name",
            "朝阳门便利店",
            "--point-address",
            "北京市朝阳区",
            "--staff-no",
            "S001",
            "--name",
            "王主管",
        ],
        &pin,
    );
    cli(
        &store,
        &[
            "device",
            "add",
            "LDA80000001000",
            "--model",
            "LD-A8",
            "--as",
            "S001",
        ],
        &pin,
    );
    let f = posdesk::tui::testing::sample_form(9);

    let mut pty = store.spawn(&[], 120, 40);
    pty.wait_for("Staff number and PIN");
    pty.type_text("S001");
    pty.send(TAB);
    pty.type_text("900001");
    pty.send(ENTER);
    pty.wait_for("Waiting for their next step");

    // The application form, field by field.
    pty.send("n");
    pty.wait_for("Application form");
    for (value, key) in [
        (f.full_name.as_str(), TAB),
        (&f.id_number, ENTER),
        (&f.id_valid_until, TAB),
        (&f.phone, TAB),
        (&f.business_name, TAB),
        (&f.business_address, TAB),
        (&f.card_number, TAB),
        ("", TAB),
        (&f.card_branch, TAB),
        (&f.card_holder, TAB),
        ("", TAB),
        (" ", TAB),
        (" ", TAB),
    ] {
        pty.type_text(value);
        pty.send(key);
    }
    pty.wait_for("born 1985-03-14");
    pty.send(F10);
    pty.wait_for("Waiting for their next step");
    assert!(cli(&store, &["app", "show", "AP00000001"], &[]).contains("submitted"));

    // Find it, open it, and take it step by step.
    let open = |pty: &mut Pty, title: &str| {
        pty.send(ESC);
        // A lone Esc followed at once by a key reads as Alt-key; a person pauses.
        std::thread::sleep(std::time::Duration::from_millis(150));
        pty.send("/");
        pty.type_text("AP00000001");
        pty.send(ENTER);
        pty.wait_for("Timeline");
        pty.send(ENTER);
        pty.wait_for(title);
    };
    open(&mut pty, "Review application");
    pty.send("a");
    pty.send(ENTER);
    pty.wait_for("Timeline");
    assert!(cli(&store, &["app", "show", "AP00000001"], &[]).contains("approved"));

    pty.send(ENTER);
    pty.wait_for("Verification checklist");
    pty.send(ENTER); // ID card
    pty.send(ENTER); // photos: ask for the reference
    pty.type_text("IMG-0009 front/back");
    pty.send(ENTER);
    pty.send(ENTER); // face
    pty.send(ENTER); // capacity
    pty.send(ENTER); // phone: the code goes to the outbox
    pty.wait_for("A one-time code was sent");
    let outbox = cli(&store, &["outbox"], &[]);
    let code: String = outbox
        .split("验证码是 ")
        .nth(1)
        .expect("code message")
        .chars()
        .take(6)
        .collect();
    pty.type_text(&code);
    pty.send(ENTER);
    pty.wait_for("Phone confirmed");
    pty.send(ENTER); // card in own name
    pty.send(ENTER); // terms
    pty.wait_for("Every item has passed");
    pty.send("v");
    pty.wait_for("Timeline");

    pty.send(ENTER);
    pty.wait_for("Contract and signature");
    pty.type_text(&f.full_name);
    pty.send(ENTER);
    pty.wait_for("Timeline");

    pty.send(ENTER);
    pty.wait_for("Bind a device");
    pty.type_text("LDA80000001000");
    pty.send(ENTER);
    pty.wait_for("Timeline");

    pty.send(ENTER);
    pty.wait_for("Hand over the device");
    pty.type_text(&f.id_number);
    pty.send(TAB);
    pty.send("1");
    pty.send(ENTER);
    pty.wait_for("Please confirm");
    pty.send(ENTER);
    pty.wait_for("Timeline");

    pty.send(ENTER);
    pty.wait_for("Activate the device");
    pty.type_text("ACT-20261125");
    pty.send(ENTER);
    pty.wait_for("Timeline");
    pty.send(CTRL_C);
    assert_eq!(pty.wait_exit(), 0);
    assert_restored(&pty.output());

    let shown: serde_json::Value =
        serde_json::from_str(&cli(&store, &["app", "show", "AP00000001", "--json"], &[])).unwrap();
    assert_eq!(shown["state"], "activated");
    assert_eq!(shown["device_serial"], "LDA80000001000");
    assert_eq!(shown["deposit"]["amount"], 29900);

    // The log tells what happened without anyone's numbers.
    let log = std::fs::read_to_string(store.dir.path().join("posdesk.log")).expect("log written");
    assert!(log.contains("logged in"), "{log}");
    for secret in [
        &f.id_number,
        &f.phone,
        &f.card_number,
        &f.id_number[12..].to_string(),
    ] {
        assert!(!log.contains(secret.as_str()), "the log holds {secret}");
    }
}

/// The kiosk as a merchant meets it: their own status, nothing for a wrong
/// pair, and Ctrl-C asks for a staff PIN instead of leaving.
#[test]
fn the_kiosk_in_a_real_terminal() {
    let store = Store::new();
    cli(&store, &["demo", "--merchants", "30", "--seed", "4"], &[]);
    let shown: serde_json::Value = serde_json::from_str(&cli(
        &store,
        &["refunds", "list", "--json", "--limit", "1"],
        &[],
    ))
    .unwrap();
    let app = shown[0]["application_id"]
        .as_i64()
        .expect("a deposit in the demo");
    let desk = posdesk::desk::Desk::open(
        std::path::Path::new(&store.db()),
        posdesk::desk::Setup::builtin(),
    )
    .unwrap();
    let phone = posdesk::store::application::get(desk.conn(), app)
        .unwrap()
        .unwrap()
        .form
        .phone;
    let id_number = posdesk::store::application::get(desk.conn(), app)
        .unwrap()
        .unwrap()
        .form
        .id_number;
    drop(desk);

    let env: Vec<(String, String)> = store
        .env()
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let mut pty = Pty::spawn(BIN, &["kiosk"], &env, 100, 30);
    pty.wait_for("Check your terminal and deposit");
    pty.type_text("13900000000");
    pty.send(TAB);
    pty.type_text(&id_number[12..]);
    pty.send(ENTER);
    pty.wait_for("No record found");
    pty.send(ESC);
    std::thread::sleep(std::time::Duration::from_millis(150));
    pty.type_text(&phone);
    pty.send(TAB);
    pty.type_text(&id_number[12..]);
    pty.send(ENTER);
    let screen = pty.wait_for("Your terminal and deposit");
    assert!(screen.contains(&format!("AP{app:08}")), "{screen}");
    assert!(
        !screen.contains(&phone) && !screen.contains(&id_number),
        "nothing personal on a public screen"
    );

    pty.send(CTRL_C);
    pty.wait_for("Staff only");
    pty.type_text("C001");
    pty.send(TAB);
    pty.type_text("000000");
    pty.send(ENTER);
    pty.wait_for("Wrong staff number or PIN");
    // Still in kiosk mode, the staff number kept; the right PIN leaves it.
    pty.type_text("100001");
    pty.send(ENTER);
    assert_eq!(pty.wait_exit(), 0);
    assert_restored(&pty.output());
}
