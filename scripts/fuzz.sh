#!/usr/bin/env bash
# Fuzz posdesk's validators, parsers and file readers (fuzz/, cargo fuzz +
# libFuzzer), one target after another, and summarise each run.
#
#   scripts/fuzz.sh                      every target until nothing new for 600 s (CPU)
#   scripts/fuzz.sh --quiet 300          … until nothing new for 300 s (CPU)
#   scripts/fuzz.sh --for 90 money phone these targets for 90 s each
#   scripts/fuzz.sh --max 3600           never longer than this per target (default 7200)
#   scripts/fuzz.sh --max-len 2048 …     inputs of at most this many bytes (libFuzzer's
#                                        default follows the largest input in the corpus)
#   scripts/fuzz.sh --by edges …         "nothing new" counted by edges, not features
#   scripts/fuzz.sh --by own …           … by edges in posdesk's own code (src/, and the
#                                        properties in tests/ and fuzz/), not its crates'
#
# "Nothing new" means libFuzzer's coverage did not grow (no new feature, `ft`,
# and so no new edge, `cov`, on any status line: NEW, REDUCE or pulse) while
# the target ran that many seconds of CPU time. Features include how many
# times each edge ran (in buckets), which a parser keeps finding for longer
# inputs long after it reaches no new code; `--by edges` stops a target when
# no new edge — no code it had not run before — came for that long, and
# `--by own` when no new edge in posdesk's own code came: the byte-level
# targets spend most of their time inside the toml and csv crates, and
# policy_fields inside the regex crates, where new edges keep coming long
# after posdesk's checks have all been run. Each new edge's address
# (libFuzzer's -print_pcs) is looked up in the target's debug info with
# llvm-symbolizer to tell the two apart ("own" in the summary counts them).
# Time is the target's CPU time, not wall-clock time, so a run sharing the
# machine with other work is not cut short. The summary gives both clocks,
# and when the last new feature (`last new`), the last new edge (`last edge`)
# and the last new edge of posdesk's own (`last own`) came, in CPU seconds.
# Corpora grow in fuzz/corpus/<target>/ (seeded from fuzz/seeds/<target>/);
# a crash is copied to fuzz/regressions/<target>/, where `cargo test`
# (tests/fuzz_properties.rs) replays it until it is fixed.
#
# Needs cargo-fuzz (`cargo install cargo-fuzz`). cargo-fuzz uses nightly-only
# flags; on a stable toolchain this script sets RUSTC_BOOTSTRAP=1 for the build.
# SANITIZER=address turns AddressSanitizer on (default none: the code under test
# is safe Rust, and without it a target runs several times faster).
set -euo pipefail
self="$(cd "$(dirname "$0")" && pwd)/$(basename "$0")"
cd "$(dirname "$0")/../fuzz"

mode=quiet
by=features
limit=600
max=7200
targets=()
max_len=()
while [ $# -gt 0 ]; do
    case "$1" in
        --quiet) mode=quiet; limit="$2"; shift 2 ;;
        --for) mode=for; limit="$2"; shift 2 ;;
        --max) max="$2"; shift 2 ;;
        --max-len) max_len=(-max_len="$2"); shift 2 ;;
        --by) by="$2"; shift 2
              case "$by" in features|edges|own) ;; *) echo "--by takes features, edges or own" >&2; exit 2 ;; esac ;;
        -h|--help) sed -n '2,38p' "$self"; exit 0 ;;
        *) targets+=("$1"); shift ;;
    esac
done
if [ ${#targets[@]} -eq 0 ]; then
    mapfile -t targets < <(ls fuzz_targets | sed 's/\.rs$//')
fi

sanitizer="${SANITIZER:-none}"
RUSTC_BOOTSTRAP=1 cargo fuzz build --sanitizer "$sanitizer" >&2
triple="$(rustc -vV | sed -n 's/^host: //p')"
bin_dir="target/$triple/release"

stamp="$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p artifacts
# Two runs started in the same second (one per core) keep their own summaries.
summary="artifacts/summary-$stamp-$$.txt"
if [ "$mode" = quiet ]; then echo "# quiet: no new $by for $limit CPU s, at most $max s each" >"$summary"; fi
printf '%-17s %7s %7s %11s %9s %7s %7s %6s %9s %9s %9s  %s\n' \
    target seconds "cpu s" execs exec/s cov ft own "last new" "last edge" "last own" findings | tee -a "$summary"

root="$(cd .. && pwd)"
symbolizer="$(command -v llvm-symbolizer || true)"
if [ "$by" = own ] && [ -z "$symbolizer" ]; then
    echo "--by own needs llvm-symbolizer" >&2
    exit 2
fi

# How many of these new-edge addresses (libFuzzer's NEW_PC lines, on stdin)
# are in posdesk's own code: the function they lie in (not what was inlined
# into it) comes from a file of this repository. $1 the binary, $2 where it
# was loaded.
own_of() {
    if [ -z "$symbolizer" ]; then
        cat >/dev/null
        echo 0
        return
    fi
    while read -r _ pc _; do
        printf '0x%x\n' $((pc - $2))
    done | "$symbolizer" --obj="$1" --functions=none 2>/dev/null \
        | awk -v root="$root/" 'BEGIN { RS = ""; n = 0 }
            { if (index($NF, root) == 1) n++ } END { print n }'
    # (each address's frames, innermost first, end with the function it lies in)
}

# CPU seconds the process has run (user + system).
tck="$(getconf CLK_TCK)"
cpu_of() {
    awk -v t="$tck" '{ printf "%d", ($14 + $15) / t }' "/proc/$1/stat" 2>/dev/null || true
}

for t in "${targets[@]}"; do
    mkdir -p "corpus/$t" "artifacts/$t" "regressions/$t"
    log="artifacts/$t/run-$stamp.log"
    before="$(ls "artifacts/$t" | grep -cE '^(crash|leak|timeout|oom)-' || true)"
    run_for=$([ "$mode" = for ] && echo "$limit" || echo "$max")
    "$bin_dir/$t" "corpus/$t" "seeds/$t" \
        -max_total_time="$run_for" -timeout=10 -rss_limit_mb=2048 \
        -print_final_stats=1 -print_pcs=1 -artifact_prefix="artifacts/$t/" ${max_len[@]+"${max_len[@]}"} >"$log" 2>&1 &
    pid=$!
    bin="$(readlink -f "$bin_dir/$t")"
    base=""
    pcs=0
    own=0
    last_own=0
    start=$SECONDS
    cpu=0
    last_new=0
    last_edge=0
    features=0
    edges=0
    while kill -0 "$pid" 2>/dev/null; do
        sleep 2
        now_cpu="$(cpu_of "$pid")"
        cpu="${now_cpu:-$cpu}"
        # The most features and edges any status line has shown so far.
        read -r now_edges now_features < <(grep -oE '^#[0-9]+[[:space:]]+[A-Za-z]+[[:space:]]+cov: [0-9]+ ft: [0-9]+' "$log" \
            | awk '{ if ($4 > c) c = $4; if ($6 > f) f = $6 } END { print c + 0, f + 0 }')
        if [ "$now_features" -gt "$features" ]; then
            features="$now_features"
            last_new="$cpu"
        fi
        if [ "$now_edges" -gt "$edges" ]; then
            edges="$now_edges"
            last_edge="$cpu"
        fi
        # Where the binary was loaded (the first mapping of its file).
        if [ -z "$base" ]; then
            base="$(awk -v f="$bin" '$6 == f { split($1, a, "-"); print "0x" a[1]; exit }' "/proc/$pid/maps" 2>/dev/null || true)"
        fi
        now_pcs="$(grep -c 'NEW_PC' "$log" || true)"
        if [ -n "$base" ] && [ "$now_pcs" -gt "$pcs" ]; then
            new_own="$(grep 'NEW_PC' "$log" | sed -n "$((pcs + 1)),${now_pcs}p" | own_of "$bin" "$base")"
            pcs="$now_pcs"
            if [ "$new_own" -gt 0 ]; then
                own=$((own + new_own))
                last_own="$cpu"
            fi
        fi
        case "$by" in
            edges) last_seen="$last_edge" ;;
            own) last_seen="$last_own" ;;
            *) last_seen="$last_new" ;;
        esac
        if [ "$mode" = quiet ] && [ $((cpu - last_seen)) -ge "$limit" ]; then
            kill -INT "$pid" 2>/dev/null || true
        fi
    done
    wait "$pid" || true
    seconds=$((SECONDS - start))
    execs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)"
    # A crash ends the run before the final stats: take the last status line.
    execs="${execs:-$(grep -oE '^#[0-9]+' "$log" | tail -1 | tr -d '#')}"
    rate="$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)"
    cov="$(grep -oE 'cov: [0-9]+' "$log" | tail -1 | cut -d' ' -f2)"
    ft="$(grep -oE 'ft: [0-9]+' "$log" | tail -1 | cut -d' ' -f2)"
    after="$(ls "artifacts/$t" | grep -cE '^(crash|leak|timeout|oom)-' || true)"
    findings=$((after - before))
    if [ "$findings" -gt 0 ]; then
        for f in $(ls -t "artifacts/$t" | grep -E '^(crash|leak|timeout|oom)-' | head -n "$findings"); do
            cp "artifacts/$t/$f" "regressions/$t/$f"
        done
        found="$findings saved to fuzz/regressions/$t/"
    else
        found="none"
    fi
    printf '%-17s %7s %7s %11s %9s %7s %7s %6s %8ss %8ss %8ss  %s\n' \
        "$t" "$seconds" "$cpu" "${execs:-?}" "${rate:-?}" "${cov:-?}" "${ft:-?}" "$own" "$last_new" \
        "$last_edge" "$last_own" "$found" | tee -a "$summary"
done
echo "summary: fuzz/$summary; logs: fuzz/artifacts/<target>/run-$stamp.log" >&2
