// The bulk demo allocates rows on one thread and frees them on another, which
// glibc's allocator does under a lock; mimalloc does it without (the bulk
// load is about a seventh faster, BENCHMARKS.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    // A reader that closes the pipe early (`posdesk refunds list | head`) ends
    // posdesk quietly, as it ends any Unix tool, instead of a panic in the
    // middle of printing. Nothing is half done by it: each change is one
    // transaction, which a process ended before its commit leaves undone, and
    // the SMS drain writes each message before it marks it sent.
    #[cfg(unix)]
    // SAFETY: first thing in main, before any other thread; it only restores
    // the default action for one signal.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    std::process::exit(posdesk::cli::main());
}
