#!/usr/bin/env bash
# Measures what docs/benchmarks.md reports, natively, under qemu-x86_64 and under jkraft, in one
# run on this machine. Prints markdown. Needs hyperfine, qemu-user and jq (apt-get install hyperfine
# qemu-user jq), lua5.4 and python3 (Debian's, /usr/bin/python3) and a usable /dev/kvm.
set -euo pipefail
repo=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
cd "$repo"
# shellcheck source=../scripts/find-jdk.sh
. scripts/find-jdk.sh
./mvnw -B -q -DskipTests package >&2
bin=guests/target/bin
hello=$bin/hello-musl-static
./jkraft run "$hello" >/dev/null # builds the AOT cache if needed

echo "## Machine"
echo
echo "- $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), Linux $(uname -r)"
echo "- /dev/kvm backend: $(ls /sys/module | grep -E '^kvm_(intel|amd|pvm)$' || echo unknown)"
echo "- $("$JAVA_HOME/bin/java" -version 2>&1 | head -1)"
echo "- $(qemu-x86_64 --version | head -1)"
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

# three_ways LABEL PROGRAM ARGS...: PROGRAM natively, under qemu-x86_64 and under ./jkraft run; the
# last line of each run's output after LABEL.
three_ways() {
    local label=$1
    shift
    echo "native      $label$("$@" | tail -1)"
    echo "qemu-x86_64 $label$(qemu-x86_64 "$@" | tail -1)"
    echo "./jkraft    $label$(./jkraft run "$@" | tail -1)"
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
big=$(mktemp -d)
trap 'rm -rf "$big"' EXIT
head -c $((64 << 20)) /dev/urandom > "$big/64MiB.bin"
: > "$big/empty"
compute_bound "lua5.4 fib(30)" "/usr/bin/lua5.4 bench/fib.lua" "/usr/bin/lua5.4 -e ''"
compute_bound "python3 loop" "/usr/bin/python3 bench/squares.py" "/usr/bin/python3 -c pass"
compute_bound "sha256sum 64 MiB" "/usr/bin/sha256sum $big/64MiB.bin" "/usr/bin/sha256sum $big/empty"

echo
echo "## Compute-bound, timed inside the program (start-up left out by construction)"
echo
echo '```'
{
    three_ways "" /usr/bin/lua5.4 bench/fib.lua 7
    three_ways "" /usr/bin/python3 bench/squares.py 7
} | tee /tmp/jk-inprocess.txt
echo '```'

# ratio_rows FILE GOAL LIMIT FIELD: from FILE's "native ..." and "./jkraft ..." lines (KEY is field 2,
# VALUE field FIELD), one goals-table row per KEY: jkraft / native against LIMIT.
ratio_rows() {
    awk -v goal="$2" -v limit="$3" -v field="$4" '
        { key = $2; sub(/:$/, "", key) }
        /^native/ { n[key] = $field } /^\.\/jkraft/ { j[key] = $field; order[++k] = key }
        END { for (i = 1; i <= k; i++) { v = order[i]; r = j[v] / n[v]
              printf "| %s: %s | %s vs %s native: %.2f× | %s |\n", goal, v, j[v], n[v], r, (r <= limit ? "met" : "not met") } }' "$1"
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
