#!/usr/bin/env bash
# The interp platform against native, qemu-x86_64 and the kvm platform, in one run on this
# machine (issue #7): lua5.4 fib(30), a python3 loop, sha256sum of 64 MiB, and a system-call loop.
# Prints markdown. Needs hyperfine, qemu-user, jq, lua5.4, python3 and a usable /dev/kvm.
# RUNS=N sets hyperfine's runs per command (default 3: interp takes tens of seconds per run).
set -euo pipefail
repo=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
cd "$repo"
# shellcheck source=../scripts/find-jdk.sh
. scripts/find-jdk.sh
# shellcheck source=machine.sh
. bench/machine.sh
./mvnw -B -q -DskipTests package >&2
bin=guests/target/bin
runs=${RUNS:-3}
./jkraft run "$bin/hello-musl-static" >/dev/null # builds the AOT cache if needed

machine_header

# four_ways NAME WORK TRIVIAL: WORK and TRIVIAL (the same program doing nothing) natively, under
# qemu-x86_64, ./jkraft run --platform kvm and --platform interp, in one hyperfine run; then each
# one's time with its own start-up subtracted, (WORK - TRIVIAL) / (native WORK - native TRIVIAL).
four_ways() {
    local name=$1 work=$2 trivial=$3
    echo
    echo "## $name (wall time, medians of $runs runs; start-up subtracted: (run − trivial run) / (native − native trivial))"
    echo
    echo "\`$work\`, trivial run \`$trivial\`"
    echo
    hyperfine -N --warmup 1 --runs "$runs" --export-json /tmp/jk-interp.json --export-markdown /tmp/jk-interp.md \
        -n native "$work" -n "native trivial" "$trivial" \
        -n qemu-x86_64 "qemu-x86_64 $work" -n "qemu-x86_64 trivial" "qemu-x86_64 $trivial" \
        -n kvm "./jkraft run --platform kvm $work" -n "kvm trivial" "./jkraft run --platform kvm $trivial" \
        -n interp "./jkraft run --platform interp $work" -n "interp trivial" "./jkraft run --platform interp $trivial" >&2
    cat /tmp/jk-interp.md
    echo
    echo "| program | under | wall time / native | start-up subtracted / native |"
    echo "|---|---|---|---|"
    jq -r --arg name "$name" '
        (.results | map({(.command): .median}) | add) as $t
        | ($t["native"] - $t["native trivial"]) as $native
        | ["qemu-x86_64", "kvm", "interp"][] as $how
        | "| \($name) | \($how) | \($t[$how] / $t["native"] * 100 | round / 100)x | \(($t[$how] - $t[$how + " trivial"]) / $native * 100 | round / 100)x |"
    ' /tmp/jk-interp.json
}

# Under the repository, not /tmp: under jkraft /tmp is the guest's own ramfs, not the host's.
mkdir -p bench/target
big=$(mktemp -d "$repo/bench/target/input.XXXXXX")
trap 'rm -rf "$big"' EXIT
head -c $((64 << 20)) /dev/urandom > "$big/64MiB.bin"
: > "$big/empty"
four_ways "lua5.4 fib(30)" "/usr/bin/lua5.4 bench/fib.lua" "/usr/bin/lua5.4 -e ''"
four_ways "python3 loop" "/usr/bin/python3 bench/squares.py" "/usr/bin/python3 -c pass"
four_ways "sha256sum 64 MiB" "/usr/bin/sha256sum $big/64MiB.bin" "/usr/bin/sha256sum $big/empty"

echo
echo "## One system call round trip (guest loop of 100000 getppid, its own timing)"
echo
echo '```'
for variant in musl-static glibc-dyn; do
    echo "native      $variant $($bin/getppid_loop-$variant 100000)"
    echo "qemu-x86_64 $variant $(qemu-x86_64 $bin/getppid_loop-$variant 100000)"
    echo "kvm         $variant $(./jkraft run --platform kvm $bin/getppid_loop-$variant 100000)"
    echo "interp      $variant $(./jkraft run --platform interp $bin/getppid_loop-$variant 100000)"
done
echo '```'
