//! Store benches on a generated store (see BENCHMARKS.md). Being written.

fn main() {}
