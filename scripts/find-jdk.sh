# shellcheck shell=bash
# Sourced by ./jkraft, ./run-tests and .ci/run: finds a JDK 25 or newer and exports JAVA_HOME.
# Looks at $JAVA_HOME, then at `java` on PATH, then at the newest JDK under /usr/lib/jvm.
# Safe under `set -euo pipefail`.

# Prints the feature (major) version of the java launcher $1: 25 for "25.0.1", 8 for "1.8.0_392".
__jk_java_major() {
    local version="" release
    # A JDK's release file names its version; reading it costs nothing, starting java ~100 ms.
    release="$(dirname "$(dirname "$1")")/release"
    if [ -f "$release" ]; then
        version=$(sed -n 's/^JAVA_VERSION="\([^"]*\)".*$/\1/p' "$release" | head -n 1) || true
    fi
    if [ -z "$version" ]; then
        version=$("$1" -version 2>&1 | sed -n 's/^.* version "\([^"]*\)".*$/\1/p' | head -n 1) || true
    fi
    case "$version" in 1.*) version=${version#1.} ;; esac
    version=${version%%[!0-9]*}
    [ -n "$version" ] && printf '%s\n' "$version"
}

# True if $1 is a JDK home (a compiler too, Maven needs one) whose java is 25 or newer.
__jk_is_jdk25() {
    local major
    [ -x "$1/bin/java" ] && [ -x "$1/bin/javac" ] || return 1
    major=$(__jk_java_major "$1/bin/java") || return 1
    [ "$major" -ge 25 ]
}

__jk_find_jdk() {
    local java home dir major best="" best_major=0
    if [ -n "${JAVA_HOME:-}" ] && __jk_is_jdk25 "$JAVA_HOME"; then
        printf '%s\n' "$JAVA_HOME"
        return 0
    fi
    if java=$(command -v java 2>/dev/null); then
        home=$(dirname "$(dirname "$(readlink -f "$java")")")
        if __jk_is_jdk25 "$home"; then
            printf '%s\n' "$home"
            return 0
        fi
    fi
    for dir in /usr/lib/jvm/*; do
        [ -d "$dir" ] && __jk_is_jdk25 "$dir" || continue
        major=$(__jk_java_major "$dir/bin/java")
        if [ "$major" -gt "$best_major" ]; then
            best=$dir
            best_major=$major
        fi
    done
    [ -n "$best" ] && printf '%s\n' "$best"
}

if __jk_found_jdk=$(__jk_find_jdk); then
    export JAVA_HOME="$__jk_found_jdk"
    unset __jk_found_jdk
    unset -f __jk_java_major __jk_is_jdk25 __jk_find_jdk
else
    unset __jk_found_jdk
    unset -f __jk_java_major __jk_is_jdk25 __jk_find_jdk
    echo "jkraft needs a JDK 25 or newer; install Temurin 25 or set JAVA_HOME" >&2
    # Sourced from an interactive shell, do not close the user's terminal.
    case $- in
        *i*) return 1 ;;
        *) exit 1 ;;
    esac
fi
