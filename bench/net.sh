#!/usr/bin/env bash
# Measures the socket benchmarks of docs/benchmarks.md (issue #6) natively, under qemu-x86_64 and
# under jkraft, in one run on this machine; prints markdown. Needs hyperfine, qemu-user,
# redis-server and redis-tools (apt-get install hyperfine qemu-user redis-server redis-tools) and
# a usable /dev/kvm.
set -euo pipefail
repo=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
cd "$repo"
# shellcheck source=../scripts/find-jdk.sh
. scripts/find-jdk.sh
# shellcheck source=machine.sh
. bench/machine.sh
./mvnw -B -q -DskipTests package >&2
nb=guests/target/bin/netbench-musl-static
./jkraft run "$nb" accept 1 >/dev/null # builds the AOT cache if needed

machine_header "$(redis-server --version | cut -d' ' -f1-3)"

# three NAME ARGS...: `netbench ARGS` natively, under qemu-x86_64 and under ./jkraft run, one hyperfine run.
three() {
    local name=$1
    shift
    echo
    echo "## $name: \`netbench $*\` (wall time)"
    echo
    hyperfine -N --warmup 1 --runs 5 --export-markdown /tmp/jk-net.md \
        -n native "$nb $*" -n qemu-x86_64 "qemu-x86_64 $nb $*" -n "./jkraft run" "./jkraft run $nb $*" >&2
    cat /tmp/jk-net.md
}

three "TCP throughput over loopback, 1 GiB" stream 1024
three "AF_UNIX stream throughput, 1 GiB" unix 1024
three "Accepted connections, 2000" accept 2000

# redis-benchmark (run natively on the host) against redis-server run natively, under
# qemu-x86_64 and under jkraft, each on its own loopback port.
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_port() {
    for _ in $(seq 300); do
        redis-cli -p "$1" ping >/dev/null 2>&1 && return 0
        sleep 0.1
    done
    echo "redis on port $1 did not come up" >&2
    return 1
}
server_args="--save '' --appendonly no --bind 127.0.0.1"
declare -A port pid
for how in native qemu-x86_64 jkraft; do
    port[$how]=$(free_port)
    case $how in
    native) eval "redis-server --port ${port[$how]} $server_args" >/dev/null & ;;
    qemu-x86_64) eval "qemu-x86_64 /usr/bin/redis-server --port ${port[$how]} $server_args" >/dev/null & ;;
    jkraft) eval "./jkraft run /usr/bin/redis-server --port ${port[$how]} $server_args" >/dev/null & ;;
    esac
    pid[$how]=$!
    wait_port "${port[$how]}"
done
trap 'for p in "${pid[@]}"; do kill "$p" 2>/dev/null || true; done' EXIT

echo
echo "## redis-benchmark GET and SET, 50 clients (requests per second; higher is better)"
echo
echo "\`redis-benchmark -p PORT -c 50 -t set,get -n N -P P -q\` (N = 100000 with -P 1, 1000000 with -P 16),"
echo "against redis-server $server_args natively, under qemu-x86_64 and under \`./jkraft run\`"
echo
echo "| test | native | qemu-x86_64 | ./jkraft run | jkraft / native |"
echo "|---|---|---|---|---|"
for pipeline in 1 16; do
    n=$([ $pipeline = 1 ] && echo 100000 || echo 1000000)
    declare -A rps=()
    for how in native qemu-x86_64 jkraft; do
        while read -r line; do
            t=${line%%:*}
            r=$(echo "$line" | sed -E 's/.*: ([0-9.]+) requests per second.*/\1/')
            rps[$how,$t]=$r
        done < <(redis-benchmark -p "${port[$how]}" -c 50 -t set,get -n "$n" -P "$pipeline" -q 2>/dev/null | tr '\r' '\n' | grep 'requests per second' | grep -v '^$')
    done
    for t in SET GET; do
        echo "| $t -P $pipeline | ${rps[native,$t]} | ${rps[qemu-x86_64,$t]} | ${rps[jkraft,$t]} | $(awk -v a="${rps[jkraft,$t]}" -v b="${rps[native,$t]}" 'BEGIN { printf "%.2f", a / b }') |"
    done
done
