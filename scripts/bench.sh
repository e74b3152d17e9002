#!/usr/bin/env bash
# posdesk's performance figures on this machine (BENCHMARKS.md says what each
# one means and the targets): builds the release binary, generates the store
# once (1M merchants unless POSDESK_BENCH_MERCHANTS says otherwise), runs the
# criterion benches against it, and measures the real binary: generation
# rows/s and peak memory, start to first frame in a pseudo-terminal, and the
# memory of a running counter.
#
#   scripts/bench.sh                              # everything, 1M merchants
#   POSDESK_BENCH_MERCHANTS=100000 scripts/bench.sh   # a quick run
#   BENCH_SKIP_CRITERION=1 scripts/bench.sh       # only the binary's figures
#
# Needs: /usr/bin/time (apt package `time`), sqlite3 (apt package `sqlite3`),
# `script` (util-linux). Figures go to target/bench-report/.
set -euo pipefail
cd "$(dirname "$0")/.."

MERCHANTS="${POSDESK_BENCH_MERCHANTS:-1000000}"
RUNS="${BENCH_FRAME_RUNS:-30}"
OUT=target/bench-report
STORES=target/bench-stores
STORE="$STORES/store-$MERCHANTS.db"
mkdir -p "$OUT" "$STORES"

for tool in /usr/bin/time sqlite3 script; do
    command -v "$tool" >/dev/null || {
        echo "bench.sh needs $tool (apt-get install time sqlite3 util-linux)" >&2
        exit 2
    }
done

echo "== machine"
{
    echo "nproc: $(nproc)"
    lscpu | grep -E '^(Model name|CPU\(s\)|Thread|Core|Socket)' || true
    free -m | head -2
    uptime
} | tee "$OUT/machine.txt"

echo "== release build"
cargo build --release --locked
BIN=target/release/posdesk

# Rows of every table, as `sqlite3` counts them.
count_rows() {
    local total=0 t n
    for t in $(sqlite3 "$1" "SELECT name FROM sqlite_schema WHERE type = 'table' \
            AND name NOT LIKE 'sqlite_%' AND sql NOT LIKE 'CREATE VIRTUAL%'"); do
        n=$(sqlite3 "$1" "SELECT count(*) FROM \"$t\"")
        total=$((total + n))
    done
    echo "$total"
}

if [ ! -f "$STORE" ]; then
    echo "== generating $MERCHANTS merchants into $STORE"
    rm -f "$STORE.partial" "$STORE.partial-wal" "$STORE.partial-shm"
    start=$(date +%s.%N)
    POSDESK_CONFIG_DIR="$STORES/config" /usr/bin/time -v -o "$OUT/generate-time.txt" \
        "$BIN" --db "$STORE.partial" demo --merchants "$MERCHANTS" --seed 42 \
        | tee "$OUT/generate.txt"
    end=$(date +%s.%N)
    mv "$STORE.partial" "$STORE"
    rows=$(count_rows "$STORE")
    secs=$(echo "$end - $start" | bc -l)
    {
        echo "rows in the store: $rows"
        echo "wall time: $secs s"
        echo "rows/s end to end: $(echo "$rows / $secs" | bc)"
        grep -E 'Maximum resident|Elapsed' "$OUT/generate-time.txt"
        echo "store size: $(du -h "$STORE" | cut -f1)"
    } | tee "$OUT/generate-summary.txt"
fi

echo "== start to first frame ($RUNS runs, warm)"
# The real binary in a pseudo-terminal; POSDESK_TEST_PANIC_AFTER_FIRST_FRAME
# makes it stop right after drawing its first frame (RUST_BACKTRACE=0: printing
# a backtrace would cost more than the start). The same pseudo-terminal
# running `true` is measured too, and taken off.
ENV="env RUST_BACKTRACE=0 TERM=xterm-256color POSDESK_CONFIG_DIR=$STORES/config"
first_frame() {
    local start end
    start=$(date +%s%N)
    script -qec "$ENV POSDESK_TEST_PANIC_AFTER_FIRST_FRAME=1 $BIN --db $STORE" \
        /dev/null >/dev/null 2>&1 || true
    end=$(date +%s%N)
    echo $(((end - start) / 1000))
}
pty_alone() {
    local start end
    start=$(date +%s%N)
    script -qec "$ENV true" /dev/null >/dev/null 2>&1 || true
    end=$(date +%s%N)
    echo $(((end - start) / 1000))
}
p50() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
p95() { sort -n | awk '{ v[NR] = $1 } END { print v[int(NR * 0.95 + 0.5)] }'; }
: > "$OUT/pty-us.txt"
for _ in $(seq "$RUNS"); do pty_alone >> "$OUT/pty-us.txt"; done
pty=$(p50 < "$OUT/pty-us.txt")
cold="n/a (cannot drop the page cache here)"
if sync && echo 3 > /proc/sys/vm/drop_caches 2>/dev/null; then
    cold="$(echo "scale=1; ($(first_frame) - $pty) / 1000" | bc) ms"
fi
: > "$OUT/first-frame-us.txt"
for _ in $(seq "$RUNS"); do first_frame >> "$OUT/first-frame-us.txt"; done
raw50=$(p50 < "$OUT/first-frame-us.txt")
raw95=$(p95 < "$OUT/first-frame-us.txt")
ms() { echo "scale=1; $1 / 1000" | bc; }
echo "start to first frame: p50 $(ms $((raw50 - pty))) ms, p95 $(ms $((raw95 - pty))) ms" \
    "(warm, $RUNS runs; the pseudo-terminal's own $(ms "$pty") ms taken off); cold: $cold" \
    | tee "$OUT/first-frame.txt"

echo "== memory of a counter on this store (first frame)"
script -qec "$ENV POSDESK_TEST_PANIC_AFTER_FIRST_FRAME=1 \
    /usr/bin/time -v -o $OUT/tui-time.txt $BIN --db $STORE" /dev/null >/dev/null 2>&1 || true
grep -E 'Maximum resident' "$OUT/tui-time.txt" | tee "$OUT/tui-memory.txt"

if [ -z "${BENCH_SKIP_CRITERION:-}" ]; then
    echo "== criterion benches on $STORE"
    export POSDESK_BENCH_STORE="$PWD/$STORE"
    cargo bench --locked --bench store 2>&1 | tee "$OUT/bench-store.txt"
    for bench in search keystroke; do
        if [ -f "benches/$bench.rs" ]; then
            cargo bench --locked --bench "$bench" 2>&1 | tee "$OUT/bench-$bench.txt"
        fi
    done
fi

echo "== done: figures in $OUT/"
