//! Test-only: a way for tests/crash.rs to SIGKILL a real `posdesk` process at a
//! known point inside a transaction. With `POSDESK_TEST_PAUSE=<name>` set, the
//! process reaching `test_pause("<name>")` prints `POSDESK_TEST_PAUSED <name>`
//! on stderr and sleeps there, once (two minutes at most, so a forgotten
//! process finishes). Unset — always, outside tests — it is one cached environment read.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::OnceLock;
use std::time::Duration;

const PAUSE_VAR: &str = "POSDESK_TEST_PAUSE";

pub(crate) fn test_pause(point: &str) {
    static PAUSE: OnceLock<Option<String>> = OnceLock::new();
    let wanted = PAUSE.get_or_init(|| std::env::var(PAUSE_VAR).ok());
    static PAUSED: AtomicBool = AtomicBool::new(false);
    if wanted.as_deref() == Some(point) && !PAUSED.swap(true, Ordering::Relaxed) {
        eprintln!("POSDESK_TEST_PAUSED {point}");
        std::thread::sleep(Duration::from_secs(120));
    }
}
