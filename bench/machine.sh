# shellcheck shell=bash
# machine_header [EXTRA]: the "## Machine" section every benchmark script prints first, so that
# numbers in docs/benchmarks.md always say where they were measured. EXTRA is appended to the
# qemu line (a server's version, say). Needs JAVA_HOME (scripts/find-jdk.sh sets it).
machine_header() {
    echo "## Machine"
    echo
    echo "- $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), Linux $(uname -r)"
    echo "- /dev/kvm backend: $(ls /sys/module | grep -E '^kvm_(intel|amd|pvm)$' || echo unknown)"
    echo "- $("$JAVA_HOME/bin/java" -version 2>&1 | head -1)"
    echo "- $(qemu-x86_64 --version | head -1)${1:+, $1}"
}
