#!/usr/bin/env bash
# Measures the thread benchmarks of docs/benchmarks.md (issue #5), natively, under qemu-x86_64 and
# under jkraft, in one run on this machine. Prints markdown. Needs hyperfine, qemu-user and jq
# (apt-get install hyperfine qemu-user jq) and a usable /dev/kvm.
set -euo pipefail
repo=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
cd "$repo"
# shellcheck source=../scripts/find-jdk.sh
. scripts/find-jdk.sh
# shellcheck source=machine.sh
. bench/machine.sh
./mvnw -B -q -DskipTests package >&2
bin=guests/target/bin
tb=$bin/threadbench-musl-static
./jkraft run "$tb" create 0 >/dev/null # builds the AOT cache if needed

machine_header
echo
echo "## A VM exit on this machine"
echo
echo '```'
"$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -XX:+UseSerialGC -cp bench/target/benchmarks.jar \
    dev.jkraft.bench.Benchmarks bare-exit | tee /tmp/jk-exit.txt
echo '```'

# per_op NAME N ARGS...: `threadbench ARGS` and the trivial run `threadbench create 0` natively,
# under qemu-x86_64 and under ./jkraft run, in one hyperfine run; then the cost of one of the N
# operations, (median - median of the trivial run) / N, for each of the three.
per_op() {
    local name=$1 n=$2
    shift 2
    local work="$tb $*" trivial="$tb create 0"
    echo
    echo "## $name (wall time; per operation: (run − trivial run) / $n, medians)"
    echo
    echo "\`$work\`, trivial run \`$trivial\`"
    echo
    hyperfine -N --warmup 2 --runs 10 --export-json /tmp/jk-threads.json --export-markdown /tmp/jk-threads.md \
        -n native "$work" -n "native trivial" "$trivial" \
        -n qemu-x86_64 "qemu-x86_64 $work" -n "qemu-x86_64 trivial" "qemu-x86_64 $trivial" \
        -n "./jkraft run" "./jkraft run $work" -n "./jkraft run trivial" "./jkraft run $trivial" >&2
    cat /tmp/jk-threads.md
    echo
    echo "| $name | per operation | / native |"
    echo "|---|---|---|"
    jq -r --arg name "$name" --argjson n "$n" '
        (.results | map({(.command): .median}) | add) as $t
        | (($t["native"] - $t["native trivial"]) / $n * 1e6) as $native
        | ["native", "qemu-x86_64", "./jkraft run"][] as $how
        | (($t[$how] - $t[$how + " trivial"]) / $n * 1e6) as $us
        | "| \($how) | \($us * 100 | round / 100) µs | \($us / $native * 100 | round / 100)x |"
    ' /tmp/jk-threads.json | tee "/tmp/jk-op-${name%% *}.md"
}

per_op "create+join" 400 create 400
per_op "futex ping-pong" 3000 pingpong 3000
per_op "signal round trip" 3000 signal 3000
per_op "mutex 16 threads" 320000 mutex 16 20000

# Compute-bound scaling: the same total work (16 × N rounds) in 1 thread and in 16 threads,
# natively, under qemu-x86_64, under ./jkraft run with the guest seeing the host's cores (the
# default) and with --set sched.cpus=16 (16 vCPUs on the host's cores), plus the trivial runs;
# speedup = (1-thread median − trivial) / (16-thread median − trivial).
n=50000000
one="$tb compute 1 $((16 * n))"
sixteen="$tb compute 16 $n"
trivial="$tb compute 1 0"
echo
echo "## Compute-bound scaling: 16 × $n rounds in 1 thread and in 16 threads (wall time, medians)"
echo
echo "\`$one\` against \`$sixteen\`, trivial run \`$trivial\`; jkraft with the default sched.cpus (0: the"
echo "host's $(nproc) cores) and with \`--set sched.cpus=16\`"
echo
hyperfine -N --warmup 1 --runs 10 --export-json /tmp/jk-scale.json --export-markdown /tmp/jk-scale.md \
    -n "native 1" "$one" -n "native 16" "$sixteen" -n "native trivial" "$trivial" \
    -n "qemu-x86_64 1" "qemu-x86_64 $one" -n "qemu-x86_64 16" "qemu-x86_64 $sixteen" \
    -n "qemu-x86_64 trivial" "qemu-x86_64 $trivial" \
    -n "./jkraft run 1" "./jkraft run $one" -n "./jkraft run 16" "./jkraft run $sixteen" \
    -n "./jkraft run trivial" "./jkraft run $trivial" \
    -n "./jkraft run sched.cpus=16 1" "./jkraft run --set sched.cpus=16 $one" \
    -n "./jkraft run sched.cpus=16 16" "./jkraft run --set sched.cpus=16 $sixteen" \
    -n "./jkraft run sched.cpus=16 trivial" "./jkraft run --set sched.cpus=16 $trivial" >&2
cat /tmp/jk-scale.md
echo
echo "| under | 1 thread − trivial | 16 threads − trivial | speedup | 16 threads − trivial / native |"
echo "|---|---|---|---|---|"
jq -r '
    (.results | map({(.command): .median}) | add) as $t
    | ($t["native 16"] - $t["native trivial"]) as $native16
    | ["native", "qemu-x86_64", "./jkraft run", "./jkraft run sched.cpus=16"][] as $how
    | ($t[$how + " 1"] - $t[$how + " trivial"]) as $one
    | ($t[$how + " 16"] - $t[$how + " trivial"]) as $sixteen
    | "| \($how) | \($one * 1000 | round) ms | \($sixteen * 1000 | round) ms | \($one / $sixteen * 100 | round / 100)x | \($sixteen / $native16 * 100 | round / 100)x |"
' /tmp/jk-scale.json | tee /tmp/jk-scale-rows.md

echo
echo "## Against the goals"
echo
exit_us=$(sed -n 's/.* \([0-9.]*\) us\/op.*/\1/p' /tmp/jk-exit.txt)
pp_us=$(sed -n 's/^| \.\/jkraft run | \([0-9.]*\) µs.*/\1/p' /tmp/jk-op-futex.md)
echo "| goal | measured | verdict |"
echo "|---|---|---|"
awk -v pp="$pp_us" -v ex="$exit_us" 'BEGIN {
    printf "| futex hand-off within two VM exits | one hand-off (half a round trip) %.1f µs vs two bare exits %.1f µs: %.2f× | %s |\n",
        pp / 2, 2 * ex, pp / 2 / (2 * ex), (pp / 2 <= 2 * ex ? "met" : "not met") }'
native_speedup=$(awk -F'|' '$2 ~ /^ native / { s = $5; gsub(/[ x]/, "", s); print s }' /tmp/jk-scale-rows.md)
awk -F'|' -v ns="$native_speedup" '$2 ~ /jkraft/ { s = $5; gsub(/[ x]/, "", s); h = $2; gsub(/^ | $/, "", h)
    printf "| 16-thread compute scales like native: %s | speedup %s× vs %s× native | %s |\n", h, s, ns, (s >= 0.9 * ns ? "met" : "not met") }' \
    /tmp/jk-scale-rows.md
