#!/usr/bin/env bash
# Measures what docs/benchmarks.md reports, natively, under qemu-x86_64 and under jkraft, in one
# run on this machine. Prints markdown. Needs hyperfine, qemu-user and jq (apt-get install hyperfine
# qemu-user jq), lua5.4 and python3 (Debian's, /usr/bin/python3) and a usable /dev/kvm.
set -euo pipefail
repo=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
cd "$repo"
# shellcheck source=../scripts/find-jdk.sh
. scripts/find-jdk.sh
# shellcheck source=machine.sh
. bench/machine.sh
./mvnw -B -q -DskipTests package >&2
bin=guests/target/bin
hello=$bin/hello-musl-static
./jkraft run "$hello" >/dev/null # builds the AOT cache if needed

machine_header
echo
echo "## Static hello, end to end (wall time, JVM start included)"
echo
hyperfine -N --warmup 3 --runs 30 --export-markdown /tmp/jk-hello.md \
    -n native "$hello" -n qemu-x86_64 "qemu-x86_64 $hello" -n "./jkraft run" "./jkraft run $hello" >&2
cat /tmp/jk-hello.md
echo
echo "## One system call round trip (guest loop of 100000 getppid)"
echo
echo '```'
echo "native      $($bin/getppid_loop-musl-static 100000)"
echo "qemu-x86_64 $(qemu-x86_64 $bin/getppid_loop-musl-static 100000)"
echo "./jkraft    $(./jkraft run $bin/getppid_loop-musl-static 100000)"
"$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -XX:+UseSerialGC -cp bench/target/benchmarks.jar \
    dev.jkraft.bench.Benchmarks bare-exit
"$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -XX:+UseSerialGC -cp bench/target/benchmarks.jar \
    dev.jkraft.bench.Benchmarks getppid
echo '```'
echo
echo "## run() to the guest's first instruction"
echo
echo '```'
"$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -XX:+UseSerialGC -cp bench/target/benchmarks.jar \
    dev.jkraft.bench.Benchmarks ready
./jkraft run --log-level debug "$hello" 2>&1 >/dev/null | grep -E 'first guest instruction' | sed 's/^/first CLI run: /'
echo '```'

# under HOW PROGRAM ARGS...: the last line of PROGRAM's output, run natively (HOW "native"), under
# qemu-x86_64 or under ./jkraft run (HOW "./jkraft").
under() {
    local how=$1
    shift
    case $how in
    native) "$@" | tail -1 ;;
    qemu-x86_64) qemu-x86_64 "$@" | tail -1 ;;
    ./jkraft) ./jkraft run "$@" | tail -1 ;;
    esac
}

# three_ways LABEL PROGRAM ARGS...: PROGRAM natively, under qemu-x86_64 and under ./jkraft run; the
# last line of each run's output after LABEL.
three_ways() {
    local label=$1 how
    shift
    for how in native qemu-x86_64 ./jkraft; do
        printf '%-12s%s%s\n' "$how" "$label" "$(under "$how" "$@")"
    done
}

# self_timed GUEST ARGS...: a guest of guests/ that times its own loop, static musl and dynamic
# glibc builds, three ways.
self_timed() {
    local name=$1 variant
    shift
    for variant in musl-static glibc-dyn; do
        three_ways "$variant " "$bin/$name-$variant" "$@"
    done
}

echo
echo "## First-touch page faults (guest maps 256 MiB, writes one byte per 4 KiB page)"
echo
echo '```'
self_timed touch 256
echo '```'
echo
echo "## clock_gettime(CLOCK_MONOTONIC) through the vDSO (guest loop of 10000000 calls)"
echo
echo '```'
self_timed clock_loop | tee /tmp/jk-clock.txt
echo '```'

# compute_bound NAME WORK TRIVIAL: WORK and TRIVIAL (the same program doing nothing) natively,
# under qemu-x86_64 and under ./jkraft run, in one hyperfine run; then each one's time with its own
# start-up subtracted, (WORK - TRIVIAL) / (native WORK - native TRIVIAL). Medians, not means: one
# slow outlier (another build on the machine) moves a mean of a few hundred ms by more than the
# work being measured.
compute_bound() {
    local name=$1 work=$2 trivial=$3
    echo
    echo "## $name (wall time; start-up subtracted: (run − trivial run) / (native − native trivial), medians)"
    echo
    echo "\`$work\`, trivial run \`$trivial\`"
    echo
    hyperfine -N --warmup 2 --runs 20 --export-json /tmp/jk-bench.json --export-markdown /tmp/jk-bench.md \
        -n native "$work" -n "native trivial" "$trivial" \
        -n qemu-x86_64 "qemu-x86_64 $work" -n "qemu-x86_64 trivial" "qemu-x86_64 $trivial" \
        -n "./jkraft run" "./jkraft run $work" -n "./jkraft run trivial" "./jkraft run $trivial" >&2
    cat /tmp/jk-bench.md
    echo
    jq -r --arg name "$name" '
        (.results | map({(.command): .median}) | add) as $t
        | ($t["native"] - $t["native trivial"]) as $native
        | ["qemu-x86_64", "./jkraft run"][] as $how
        | "| \($name) | \($how) | \($t[$how] / $t["native"] * 100 | round / 100)x | \(($t[$how] - $t[$how + " trivial"]) / $native * 100 | round / 100)x |"
    ' /tmp/jk-bench.json | tee -a /tmp/jk-ratios.md | sed '1i| program | under | wall time / native | start-up subtracted / native |\n|---|---|---|---|'
}
: > /tmp/jk-ratios.md
# Under the repository, not /tmp: under jkraft /tmp is the guest's own ramfs, not the host's.
big=$(mktemp -d "$repo/bench/target/input.XXXXXX")
trap 'rm -rf "$big" "${data:-}"' EXIT
head -c $((64 << 20)) /dev/urandom > "$big/64MiB.bin"
: > "$big/empty"
compute_bound "lua5.4 fib(30)" "/usr/bin/lua5.4 bench/fib.lua" "/usr/bin/lua5.4 -e ''"
compute_bound "python3 loop" "/usr/bin/python3 bench/squares.py" "/usr/bin/python3 -c pass"
compute_bound "sha256sum 64 MiB" "/usr/bin/sha256sum $big/64MiB.bin" "/usr/bin/sha256sum $big/empty"

echo
echo "## The file layer"
echo
# Every path is under the repository, which ./jkraft run mounts read-write at its own path (hostfs),
# except /tmp, which is the host's natively and under qemu-x86_64 and jkraft's own ramfs under jkraft.
data="$repo/bench/target/fileio.dat"
echo "Sequential write (1 MiB write calls, then fsync) and read (1 MiB read calls) of a 1 GiB file"
echo "on hostfs (\`$data\`, ext4 on the host); each read follows its own write, so it reads"
echo "from the host's page cache."
echo
echo '```'
for variant in musl-static glibc-dyn; do
    for how in native qemu-x86_64 ./jkraft; do
        printf '%-12s%s %s\n' "$how" "$variant" "$(under "$how" "$bin/fileio-$variant" write "$data" 1024)"
        printf '%-12s%s %s\n' "$how" "$variant" "$(under "$how" "$bin/fileio-$variant" read "$data")"
    done
done | tee /tmp/jk-fileio.txt
rm -f "$data"
echo '```'
echo
echo "Create (open O_CREAT, write 100 bytes, close), stat and unlink of 10000 files, in a directory on"
echo "hostfs and under /tmp (ramfs under jkraft, the host's /tmp otherwise)"
echo
echo '```'
for variant in musl-static glibc-dyn; do
    three_ways "$variant hostfs " "$bin/smallfiles-$variant" "$repo/bench/target/smallfiles.$$" 10000
    three_ways "$variant /tmp   " "$bin/smallfiles-$variant" "/tmp/jk-smallfiles.$$" 10000
done
echo '```'
echo
echo "Pipe throughput, 1 GiB in 64 KiB chunks, written and read back by one process (jkraft has no"
echo "fork yet, issue #9, so no second process reads concurrently)"
echo
echo '```'
self_timed pipebench 1024
echo '```'
echo
echo "epoll round trip: write 8 bytes to an eventfd, epoll_wait (already ready, timeout -1), read it,"
echo "100000 times in one thread. Not a cross-thread wake-up: that waits for threads (issue #5)."
echo
echo '```'
self_timed epollwake 100000
echo '```'

echo
echo "## Compute-bound, timed inside the program (start-up left out by construction)"
echo
echo '```'
{
    three_ways "" /usr/bin/lua5.4 bench/fib.lua 7
    three_ways "" /usr/bin/python3 bench/squares.py 7
} | tee /tmp/jk-inprocess.txt
echo '```'

# ratio_rows FILE GOAL LIMIT FIELD [at-least]: from FILE's "native ..." and "./jkraft ..." lines (KEY
# is field 2, VALUE field FIELD), one goals-table row per KEY: jkraft / native at most LIMIT (a time),
# or with at-least, at least LIMIT (a throughput).
ratio_rows() {
    awk -v goal="$2" -v limit="$3" -v field="$4" -v at_least="${5:-}" '
        { key = $2; sub(/:$/, "", key) }
        /^native/ { n[key] = $field } /^\.\/jkraft/ { j[key] = $field; order[++k] = key }
        END { for (i = 1; i <= k; i++) { v = order[i]; r = j[v] / n[v]
              met = at_least ? r >= limit : r <= limit
              printf "| %s: %s | %s vs %s native: %.2f× | %s |\n", goal, v, j[v], n[v], r, (met ? "met" : "not met") } }' "$1"
}

echo
echo "## Against the goals"
echo
echo "| goal | measured | verdict |"
echo "|---|---|---|"
ratio_rows /tmp/jk-inprocess.txt "compute-bound ≤ 1.1× native (median, timed inside)" 1.1 4
grep -F './jkraft run' /tmp/jk-ratios.md | while IFS='|' read -r _ name _ _ subtracted _; do
    ratio=${subtracted//[ x]/}
    name=${name# }
    name=${name% }
    verdict=$(awk -v r="$ratio" 'BEGIN { print (r <= 1.1 ? "met" : "not met") }')
    echo "| compute-bound ≤ 1.1× native (hyperfine medians, start-up subtracted): $name | ${ratio}× | $verdict |"
done
ratio_rows /tmp/jk-clock.txt "clock_gettime ≤ 2× native (ns/call)" 2 6
grep -F ' read:' /tmp/jk-fileio.txt >/tmp/jk-fileread.txt
ratio_rows /tmp/jk-fileread.txt "hostfs sequential read ≥ 50% of native (MB/s)" 0.5 7 at-least
