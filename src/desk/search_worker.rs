//! Searches off the frame. A thread with its own read-only connection runs one
//! query at a time; the newest request wins, a stale one still running is
//! interrupted (`rusqlite::InterruptHandle`), and each answer comes back over a
//! channel with the ticket of the request it answers, so a screen can drop any
//! answer older than what is in its box.

use crate::store;
use crate::store::application::QueueRow;
use rusqlite::{Connection, ErrorCode, InterruptHandle};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering::SeqCst};
use std::sync::mpsc::{channel, Receiver, Sender};
use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// The home screen's quick find: what the clerk typed → the first page.
pub type SearchWorker = ReadWorker<String, Vec<QueueRow>>;
pub type SearchAnswer = Answer<String, Vec<QueueRow>>;

/// What a worker sends back: the result of the request with this ticket.
#[derive(Debug)]
pub struct Answer<Q, R> {
    pub ticket: u64,
    pub query: Q,
    /// Errors as text: the screen shows them, it cannot act on them.
    pub result: Result<R, String>,
}

struct Slot<Q> {
    next: Option<(u64, Q)>,
    stop: bool,
}

struct Shared<Q> {
    slot: Mutex<Slot<Q>>,
    wake: Condvar,
    /// Ticket of the newest request.
    latest: AtomicU64,
    /// Ticket being run, 0 when idle.
    running: AtomicU64,
    /// Newest ticket the worker is done with (answered, or dropped as stale).
    done: AtomicU64,
    /// Answers sent, and taken by the screen: the ones between are waiting.
    sent: AtomicU64,
    taken: AtomicU64,
    interrupted: AtomicU64,
}

pub struct ReadWorker<Q, R> {
    shared: Arc<Shared<Q>>,
    interrupt: InterruptHandle,
    answers: Receiver<Answer<Q, R>>,
    thread: Option<JoinHandle<()>>,
}

impl SearchWorker {
    /// A quick-find worker on the store at `path`, answering `limit` rows.
    pub fn open(path: &Path, limit: i64) -> anyhow::Result<SearchWorker> {
        let conn = store::open_read_only(path)?;
        Ok(ReadWorker::spawn(conn, move |conn, query: &String| {
            store::search::find(conn, query, limit)
        })?)
    }
}

impl<Q: Send + 'static, R: Send + 'static> ReadWorker<Q, R> {
    /// Run `run` on `conn` in a thread of its own for every request sent.
    pub fn spawn<F>(conn: Connection, run: F) -> std::io::Result<ReadWorker<Q, R>>
    where
        F: Fn(&Connection, &Q) -> anyhow::Result<R> + Send + 'static,
    {
        let shared = Arc::new(Shared {
            slot: Mutex::new(Slot {
                next: None,
                stop: false,
            }),
            wake: Condvar::new(),
            latest: AtomicU64::new(0),
            running: AtomicU64::new(0),
            done: AtomicU64::new(0),
            sent: AtomicU64::new(0),
            taken: AtomicU64::new(0),
            interrupted: AtomicU64::new(0),
        });
        let interrupt = conn.get_interrupt_handle();
        let (tx, answers) = channel();
        let inner = Arc::clone(&shared);
        let thread = std::thread::Builder::new()
            .name("posdesk-search".into())
            .spawn(move || serve(&conn, &inner, &run, &tx))?;
        Ok(ReadWorker {
            shared,
            interrupt,
            answers,
            thread: Some(thread),
        })
    }

    /// Ask; this replaces any request not yet started and interrupts a running
    /// one. Returns the ticket the answer will carry.
    pub fn send(&self, query: Q) -> u64 {
        let ticket = self.shared.latest.fetch_add(1, SeqCst) + 1;
        if let Ok(mut slot) = self.shared.slot.lock() {
            slot.next = Some((ticket, query));
        }
        self.shared.wake.notify_one();
        let running = self.shared.running.load(SeqCst);
        if running != 0 && running < ticket {
            self.interrupt.interrupt();
        }
        ticket
    }

    /// An answer, if one has come; never waits.
    pub fn try_recv(&self) -> Option<Answer<Q, R>> {
        self.took(self.answers.try_recv().ok())
    }

    /// Wait up to `timeout` for an answer.
    pub fn recv_timeout(&self, timeout: Duration) -> Option<Answer<Q, R>> {
        self.took(self.answers.recv_timeout(timeout).ok())
    }

    fn took(&self, answer: Option<Answer<Q, R>>) -> Option<Answer<Q, R>> {
        if answer.is_some() {
            self.shared.taken.fetch_add(1, SeqCst);
        }
        answer
    }

    /// Wait for the answer to `ticket`, dropping older ones.
    pub fn wait_for(&self, ticket: u64, timeout: Duration) -> Option<Answer<Q, R>> {
        let deadline = Instant::now() + timeout;
        loop {
            let left = deadline.checked_duration_since(Instant::now())?;
            let answer = self.recv_timeout(left)?;
            if answer.ticket == ticket {
                return Some(answer);
            }
        }
    }

    /// Whether a request is still being worked on, or an answer is waiting
    /// to be taken: the event loop must not sleep long while this holds.
    pub fn is_busy(&self) -> bool {
        self.shared.done.load(SeqCst) < self.shared.latest.load(SeqCst)
            || self.shared.taken.load(SeqCst) < self.shared.sent.load(SeqCst)
    }

    /// The ticket being run right now, if any.
    pub fn running(&self) -> Option<u64> {
        Some(self.shared.running.load(SeqCst)).filter(|t| *t != 0)
    }

    /// How many stale queries were stopped by an interrupt so far.
    pub fn interrupted(&self) -> u64 {
        self.shared.interrupted.load(SeqCst)
    }
}

impl<Q, R> Drop for ReadWorker<Q, R> {
    fn drop(&mut self) {
        if let Ok(mut slot) = self.shared.slot.lock() {
            slot.stop = true;
        }
        self.shared.wake.notify_one();
        self.interrupt.interrupt();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn serve<Q, R>(
    conn: &Connection,
    shared: &Shared<Q>,
    run: &dyn Fn(&Connection, &Q) -> anyhow::Result<R>,
    tx: &Sender<Answer<Q, R>>,
) {
    while let Some((ticket, query)) = next_request(shared) {
        let stale = || shared.latest.load(SeqCst) != ticket;
        loop {
            shared.running.store(ticket, SeqCst);
            // A request that came before the statement started would be lost to
            // the interrupt (SQLite clears it when a first statement starts).
            if stale() {
                shared.running.store(0, SeqCst);
                break;
            }
            let result = run(conn, &query);
            shared.running.store(0, SeqCst);
            let interrupted = result.as_ref().is_err_and(is_interrupt);
            if stale() {
                if interrupted {
                    shared.interrupted.fetch_add(1, SeqCst);
                }
                break;
            }
            // Interrupted although still the newest: a send() raced with the
            // start of this run. Run it again.
            if interrupted {
                continue;
            }
            let result = result.map_err(|e| format!("{e:#}"));
            // Counted before it can be taken, so `is_busy` never misses it.
            shared.sent.fetch_add(1, SeqCst);
            if tx
                .send(Answer {
                    ticket,
                    query,
                    result,
                })
                .is_err()
            {
                return;
            }
            break;
        }
        shared.done.fetch_max(ticket, SeqCst);
    }
}

fn next_request<Q>(shared: &Shared<Q>) -> Option<(u64, Q)> {
    let mut slot = shared.slot.lock().ok()?;
    loop {
        if slot.stop {
            return None;
        }
        if let Some(next) = slot.next.take() {
            return Some(next);
        }
        slot = shared.wake.wait(slot).ok()?;
    }
}

fn is_interrupt(e: &anyhow::Error) -> bool {
    e.chain().any(|cause| {
        cause
            .downcast_ref::<rusqlite::Error>()
            .and_then(rusqlite::Error::sqlite_error_code)
            == Some(ErrorCode::OperationInterrupted)
    })
}
