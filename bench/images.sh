#!/usr/bin/env bash
# Images (issue #8), in one run on this machine; prints markdown. Needs hyperfine, qemu-user,
# redis-server, python3, lua5.4, apt (dpkg-query) and a usable /dev/kvm.
#  1. The closure images of redis-server, python3 and lua5.4 that jkraft build makes from
#     examples/*/Kraftfile: files,
#     bytes unpacked, compressed layer; beside the installed size of the Debian packages the same
#     program pulls in (apt's dependency closure, measured here) and the host root's used space.
#  2. `jkraft run IMAGE` against `jkraft run /usr/bin/PROGRAM` (the host path), next to the
#     program run natively and under qemu-x86_64: start-up of lua and python, end to end.
#  3. `jkraft run -d` of the redis image until redis-cli PING answers, and `jkraft stop`.
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
./jkraft run guests/target/bin/hello-musl-static >/dev/null # builds the AOT cache if needed

# A store of its own, so that the numbers do not depend on what the user has built.
work=$(mktemp -d /tmp/jk-images.XXXXXX)
trap 'XDG_DATA_HOME=$work/data ./jkraft rm -f bench-redis >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
export XDG_DATA_HOME=$work/data XDG_CACHE_HOME=$work/cache
# The README's example projects (examples/*/Kraftfile), as a user would build them.
for ex in redis python lua; do
    mkdir -p "$work/$ex"
    cp "examples/$ex/Kraftfile" "$work/$ex/Kraftfile"
done

machine_header "$(redis-server --version | cut -d' ' -f1-3), $(python3 --version), $(lua5.4 -v)"
echo
echo "## Closure images (jkraft build)"
echo
echo "| image | program | files | unpacked | layer (gzip) | build time | Debian packages it needs, installed |"
echo "|---|---|---|---|---|---|---|"
# The installed size (dpkg's Installed-Size, KiB) of a package and everything it depends on that
# is installed here (of alternatives, the installed one).
apt_closure_mb() {
    apt-cache depends --recurse --no-recommends --no-suggests --no-conflicts --no-breaks --no-replaces --no-enhances "$1" 2>/dev/null \
        | grep -v '^ ' | grep -v '^<' | sort -u \
        | { xargs dpkg-query -W -f='${db:Status-Abbrev} ${Installed-Size}\n' 2>/dev/null || true; } \
        | awk '$1 == "ii" {s += $2} END {printf "%.1f MB", s * 1024 / 1e6}'
}
for row in "redis redis-server redis-server" "python python3 python3" "lua lua5.4 lua5.4"; do
    set -- $row
    dir=$1 prog=$2
    shift 2
    start=$(date +%s.%N)
    summary=$(./jkraft build "$work/$dir" 2>/dev/null)
    end=$(date +%s.%N)
    files=$(sed -n 's/.*root file system: \([0-9]*\) files, \([0-9.]*\) MB (\([0-9.]*\) MB compressed).*/\1/p' <<<"$summary")
    unpacked=$(sed -n 's/.*root file system: \([0-9]*\) files, \([0-9.]*\) MB (\([0-9.]*\) MB compressed).*/\2/p' <<<"$summary")
    layer=$(sed -n 's/.*root file system: \([0-9]*\) files, \([0-9.]*\) MB (\([0-9.]*\) MB compressed).*/\3/p' <<<"$summary")
    debs=""
    for pkg in "$@"; do debs="$debs${debs:+ + }$pkg $(apt_closure_mb "$pkg")"; done
    printf '| %s | %s | %s | %s MB | %s MB | %.1f s | %s |\n' "$dir" "$prog" "$files" "$unpacked" "$layer" \
        "$(echo "$end - $start" | bc)" "$debs"
done
echo
echo "Host root file system in use: $(df -B1 --output=used / | tail -1 | awk '{printf "%.1f GB", $1 / 1e9}')."

echo
echo "## jkraft run of an image against the same program from the host's root (wall time, $runs runs)"
echo
# Unpack once outside the measurement: the first run of an image unpacks it into the cache.
./jkraft run lua -e '' >/dev/null
./jkraft run python -c pass >/dev/null
hyperfine -N --warmup 2 --runs "$runs" --export-markdown /tmp/jk-images.md \
    -n "lua native" "/usr/bin/lua5.4 -e ''" \
    -n "lua qemu-x86_64" "qemu-x86_64 /usr/bin/lua5.4 -e ''" \
    -n "lua jkraft run /usr/bin/lua5.4" "./jkraft run /usr/bin/lua5.4 -e ''" \
    -n "lua jkraft run lua (image)" "./jkraft run lua -e ''" \
    -n "python native" "/usr/bin/python3 -c pass" \
    -n "python qemu-x86_64" "qemu-x86_64 /usr/bin/python3 -c pass" \
    -n "python jkraft run /usr/bin/python3" "./jkraft run /usr/bin/python3 -c pass" \
    -n "python jkraft run python (image)" "./jkraft run python -c pass" >&2
cat /tmp/jk-images.md

echo
echo "## A detached redis instance (wall time of each step, one run each of 5)"
echo
echo "| step | times (s) |"
echo "|---|---|"
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
starts="" pings="" stops=""
for i in 1 2 3 4 5; do
    t0=$(date +%s.%N)
    ./jkraft run -d --name bench-redis -p "$port:6379" redis >/dev/null
    t1=$(date +%s.%N)
    until redis-cli -p "$port" ping >/dev/null 2>&1; do sleep 0.01; done
    t2=$(date +%s.%N)
    ./jkraft stop bench-redis >/dev/null
    t3=$(date +%s.%N)
    ./jkraft rm bench-redis >/dev/null
    starts="$starts $(printf '%.2f' "$(echo "$t1 - $t0" | bc)")"
    pings="$pings $(printf '%.2f' "$(echo "$t2 - $t0" | bc)")"
    stops="$stops $(printf '%.2f' "$(echo "$t3 - $t2" | bc)")"
done
echo "| \`jkraft run -d\` returns (the guest has started) |$starts |"
echo "| from \`jkraft run -d\` to the first PONG |$pings |"
echo "| \`jkraft stop\` (SIGTERM; redis exits) |$stops |"
