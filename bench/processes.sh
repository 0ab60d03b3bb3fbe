#!/usr/bin/env bash
# Measures processes (issue #9) natively, under qemu-x86_64 and under jkraft on KVM, in one run on
# this machine; prints markdown. Needs hyperfine, qemu-user, jq, busybox-static and a usable
# /dev/kvm (apt-get install hyperfine qemu-user jq busybox-static).
#  1. fork + _exit + waitpid, one child after another (guest forkbench): per operation, also with
#     vfork and with 256 MiB touched before (page tables to copy or share).
#  2. fork + execve + waitpid of a program (guest spawnbench): /bin/true (dynamic, glibc) and a
#     static guest; fork, vfork and posix_spawn. Under qemu-x86_64 the execve'd program runs natively
#     (qemu-user does not follow execve without binfmt_misc), so its row measures qemu's fork only.
#  3. busybox sh running 1000 commands (/bin/true), and 1000 $( ) subshells.
#  4. What a fork costs in memory (guest forkmem): 256 MiB touched, fork, the child writes 1024
#     pages; MemAvailable before and after (natively the host's, noisy: other processes count),
#     the child's Private_Dirty growth and its page tables.
# RUNS=N sets hyperfine's runs per command (default 10).
set -euo pipefail
repo=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
cd "$repo"
# shellcheck source=../scripts/find-jdk.sh
. scripts/find-jdk.sh
# shellcheck source=machine.sh
. bench/machine.sh
./mvnw -B -q -DskipTests package >&2
runs=${RUNS:-10}
bin=guests/target/bin
fb=$bin/forkbench-musl-static
sb=$bin/spawnbench-musl-static
static_prog=$repo/$bin/hello-musl-static
busybox=/bin/busybox
for tool in hyperfine qemu-x86_64 jq "$busybox"; do
    command -v "$tool" >/dev/null || { echo "processes.sh: $tool is missing" >&2; exit 1; }
done

# Without fork there is nothing to measure: say so rather than print failed runs.
if ! probe=$(./jkraft run "$fb" fork 1 2>&1); then
    echo "processes.sh: jkraft cannot fork yet (issue #9): \`./jkraft run $fb fork 1\` says:" >&2
    echo "$probe" >&2
    exit 1
fi

machine_header "$("$busybox" | head -1 | cut -d' ' -f1-2)"

# per_op NAME N WORK TRIVIAL: WORK and TRIVIAL natively, under qemu-x86_64 and under ./jkraft run
# in one hyperfine run; then one of the N operations, (median − median of TRIVIAL) / N, for each.
per_op() {
    local name=$1 n=$2 work=$3 trivial=$4
    echo
    echo "## $name (wall time; per operation: (run − trivial run) / $n, medians)"
    echo
    echo "\`$work\`, trivial run \`$trivial\`"
    echo
    hyperfine -N --warmup 2 --runs "$runs" --export-json /tmp/jk-proc.json --export-markdown /tmp/jk-proc.md \
        -n native "$work" -n "native trivial" "$trivial" \
        -n qemu-x86_64 "qemu-x86_64 $work" -n "qemu-x86_64 trivial" "qemu-x86_64 $trivial" \
        -n "./jkraft run" "./jkraft run $work" -n "./jkraft run trivial" "./jkraft run $trivial" >&2
    cat /tmp/jk-proc.md
    echo
    echo "| $name | per operation | / native |"
    echo "|---|---|---|"
    jq -r --argjson n "$n" '
        (.results | map({(.command): .median}) | add) as $t
        | (($t["native"] - $t["native trivial"]) / $n * 1e6) as $native
        | ["native", "qemu-x86_64", "./jkraft run"][] as $how
        | (($t[$how] - $t[$how + " trivial"]) / $n * 1e6) as $us
        | "| \($how) | \($us * 100 | round / 100) µs | \($us / $native * 100 | round / 100)x |"
    ' /tmp/jk-proc.json
}

per_op "fork+exit+wait" 2000 "$fb fork 2000" "$fb fork 0"
per_op "vfork+exit+wait" 2000 "$fb vfork 2000" "$fb vfork 0"
per_op "fork+exit+wait, 256 MiB touched" 20 "$fb fork 20 256" "$fb fork 0 256"
per_op "fork+execve+wait of /bin/true" 200 "$sb fork 200 /bin/true" "$sb fork 0 /bin/true"
per_op "vfork+execve+wait of /bin/true" 200 "$sb vfork 200 /bin/true" "$sb vfork 0 /bin/true"
per_op "posix_spawn+wait of /bin/true" 200 "$sb posix_spawn 200 /bin/true" "$sb posix_spawn 0 /bin/true"
per_op "fork+execve+wait of a static program" 200 "$sb fork 200 $static_prog" "$sb fork 0 $static_prog"
per_op "busybox sh: 1000 runs of /bin/true" 1000 \
    "$busybox sh -c 'i=0; while [ \$i -lt 1000 ]; do /bin/true; i=\$((i+1)); done'" "$busybox sh -c :"
per_op "busybox sh: 1000 \$( ) subshells" 1000 \
    "$busybox sh -c 'i=0; while [ \$i -lt 1000 ]; do i=\$( (echo \$((i+1))) ); done'" "$busybox sh -c :"

fm=$bin/forkmem-musl-static
echo
echo "## What a fork costs in memory"
echo
echo "\`$fm 256 1024\`: 256 MiB private memory touched, fork, the child writes 1024 pages (4 MiB)."
echo "MemAvailable differences (natively the whole host's), the child's Private_Dirty growth, its page tables."
echo
echo '```'
echo "native:       $("$fm" 256 1024)"
echo "qemu-x86_64:  $(qemu-x86_64 "$fm" 256 1024)"
echo "./jkraft run: $(./jkraft run "$fm" 256 1024)"
echo '```'
