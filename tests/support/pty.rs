// Each test binary that includes this module uses only some of its helpers.
#![allow(dead_code)]

//! Run the real posdesk binary in a pseudo-terminal and read its screen the way
//! a terminal would (vt100). Tests wait for text to appear; they never sleep blindly.

use portable_pty::{native_pty_system, Child, CommandBuilder, MasterPty, PtySize};
use std::io::{Read, Write};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub struct Pty {
    master: Box<dyn MasterPty + Send>,
    writer: Box<dyn Write + Send>,
    child: Box<dyn Child + Send + Sync>,
    state: Arc<Mutex<(vt100::Parser, Vec<u8>)>>,
}

pub const WAIT: Duration = Duration::from_secs(20);

impl Pty {
    /// `program` with `args` in a `cols`×`rows` terminal; `env` on top of a clean one.
    pub fn spawn(program: &str, args: &[&str], env: &[(&str, &str)], cols: u16, rows: u16) -> Pty {
        let system = native_pty_system();
        let pair = system
            .openpty(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("open a pty");
        let mut cmd = CommandBuilder::new(program);
        cmd.args(args);
        cmd.env_clear();
        cmd.env("TERM", "xterm-256color");
        cmd.env("PATH", std::env::var("PATH").unwrap_or_default());
        cmd.env("HOME", std::env::var("HOME").unwrap_or_default());
        for (k, v) in env {
            cmd.env(k, v);
        }
        let child = pair.slave.spawn_command(cmd).expect("spawn in pty");
        drop(pair.slave);
        let mut reader = pair.master.try_clone_reader().expect("pty reader");
        let writer = pair.master.take_writer().expect("pty writer");
        let state = Arc::new(Mutex::new((vt100::Parser::new(rows, cols, 0), Vec::new())));
        let shared = Arc::clone(&state);
        std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                let mut s = shared.lock().expect("pty state");
                s.0.process(&buf[..n]);
                s.1.extend_from_slice(&buf[..n]);
            }
        });
        Pty {
            master: pair.master,
            writer,
            child,
            state,
        }
    }

    pub fn screen(&self) -> String {
        self.state.lock().expect("pty state").0.screen().contents()
    }

    /// Everything the program wrote, escape sequences included.
    pub fn output(&self) -> Vec<u8> {
        self.state.lock().expect("pty state").1.clone()
    }

    /// Wait until `text` is on screen; panics with the screen if it never comes.
    pub fn wait_for(&self, text: &str) -> String {
        let start = Instant::now();
        loop {
            let screen = self.screen();
            if screen.contains(text) {
                return screen;
            }
            if start.elapsed() > WAIT {
                panic!("waited {WAIT:?} for {text:?}; the screen was:\n{screen}");
            }
            std::thread::sleep(Duration::from_millis(30));
        }
    }

    pub fn send(&mut self, bytes: &str) {
        self.writer
            .write_all(bytes.as_bytes())
            .expect("write to pty");
        self.writer.flush().expect("flush pty");
    }

    /// Type like a person: one key at a time.
    pub fn type_text(&mut self, text: &str) {
        for c in text.chars() {
            self.send(&c.to_string());
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    /// As a terminal does: its screen takes the new size first, then the
    /// program is told. (The other way round, a frame the program draws for
    /// the new size can be read at the old one, and the screen stays garbled:
    /// a flaky test under load.)
    pub fn resize(&mut self, cols: u16, rows: u16) {
        self.state
            .lock()
            .expect("pty state")
            .0
            .screen_mut()
            .set_size(rows, cols);
        self.master
            .resize(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("resize pty");
    }

    /// Wait for the program to end; its exit code.
    pub fn wait_exit(&mut self) -> u32 {
        let start = Instant::now();
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                // Let the reader thread take the last bytes.
                std::thread::sleep(Duration::from_millis(100));
                return status.exit_code();
            }
            if start.elapsed() > WAIT {
                let _ = self.child.kill();
                panic!(
                    "the program did not exit; the screen was:\n{}",
                    self.screen()
                );
            }
            std::thread::sleep(Duration::from_millis(30));
        }
    }
}

impl Drop for Pty {
    fn drop(&mut self) {
        let _ = self.child.kill();
    }
}

pub const ENTER: &str = "\r";
pub const TAB: &str = "\t";
pub const ESC: &str = "\x1b";
pub const CTRL_C: &str = "\x03";
pub const F10: &str = "\x1b[21~";

/// A bracketed paste, as a terminal sends it.
pub fn paste(text: &str) -> String {
    format!("\x1b[200~{text}\x1b[201~")
}
