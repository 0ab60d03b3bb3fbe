#!/usr/bin/env bash
# Measures what docs/benchmarks.md reports, natively, under qemu-x86_64 and under jkraft, in one
# run on this machine. Prints markdown. Needs hyperfine and qemu-user (apt-get install hyperfine
# qemu-user) and a usable /dev/kvm.
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
