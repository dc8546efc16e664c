#!/usr/bin/env bash
# Build a CPython 3.13 of our own for the matrix: free-threaded or debug.
#
#     bash tools/build_313.sh t [DIR]     # default: .matrix/cpython3.13t
#     bash tools/build_313.sh d [DIR]     # default: .matrix/cpython3.13d
#
# With BACKPORTS_WEAKREF_LINK_ONLY=1 it only links DIR to a build this
# machine already has, and exits 3 when there is none.
#
# (tools/build_313t.sh and tools/build_313d.sh say the same.)
#
# t: GIL-free ("3.13t", python3.13t), for the free-threading tests.
# d: a debug build (--with-pydebug, python3.13): assertions inside the
#    interpreter, and sys.gettotalrefcount(), for the refcount checks of the
#    compiled core (tools/refcounts.py).
#
# No Debian suite packages either, and pyenv's python-build would download
# python.org's tarball from a host these machines cannot reach. Debian
# trixie's python3.13 source package has python.org's tarball as its
# .orig.tar.xz (same checksum), so: fetch it with apt-get source, with a
# private apt state under the machine's build cache (its apt sources,
# lists and locks stay untouched), hand it to python-build through
# PYTHON_BUILD_CACHE_PATH under python.org's name, and build VERSION (t:
# VERSIONt) into DIR (about 8 minutes on 2 cores; 340 MB, or 190 MB for t,
# which leaves out the test package).
#
# Idempotent and safe to run twice at once: a lock (shared by both kinds,
# which share the download) serialises callers, and DIR/.complete marks a
# finished build, so a second call (the matrix after .ci/run started this in
# the background) waits, then returns at once.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
KIND=${1:?usage: build_313.sh t|d [DIR]}
case "$KIND" in
    t) PYTHON=python3.13t
       # A GIL-free build that stays GIL-free.
       CHECK='import sys; sys.exit(sys._is_gil_enabled())' ;;
    d) PYTHON=python3.13
       CHECK='import sys; sys.exit(not hasattr(sys, "gettotalrefcount"))' ;;
    *) echo "build_313: unknown kind $KIND (t or d)" >&2; exit 2 ;;
esac
NAME=build_313$KIND
DIR=${2:-$ROOT/.matrix/cpython3.13$KIND}
# The build itself lives once per machine, as pyenv's CPythons and apt's
# packages do, and DIR links to it: a fresh clone (each CI run) then costs
# a link, not 8 minutes of both cores. BACKPORTS_WEAKREF_BUILD_CACHE moves
# it; delete it to build again.
CACHE=${BACKPORTS_WEAKREF_BUILD_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/backports-weakref}
BUILT=$CACHE/cpython3.13$KIND
WORK=$CACHE/build-313
MIRROR=http://deb.debian.org/debian
SUITE=trixie

mkdir -p "$WORK" "$(dirname "$DIR")"
# DIR.lock, as tools/sid_chroot.sh's: the matrix tells a build under way by
# it. Then the machine's lock, shared by both kinds (one download) and by
# every clone (one build).
exec 9>"$DIR.lock"
if ! flock -n 9; then
    echo "build_313: waiting for another run to finish $DIR"
    flock 9
fi
exec 8>"$WORK/lock"
flock 8

ready() {
    [ -e "$BUILT/.complete" ] && "$BUILT/bin/$PYTHON" -c "$CHECK" 2>/dev/null
}
link() {
    if [ "$(readlink "$DIR" 2>/dev/null)" != "$BUILT" ]; then
        rm -rf "$DIR"
        ln -s "$BUILT" "$DIR"
    fi
    echo "$NAME: $DIR -> $BUILT: $("$DIR/bin/$PYTHON" -VV)"
}
if ready; then
    link
    exit 0
fi
if [ -n "${BACKPORTS_WEAKREF_LINK_ONLY:-}" ]; then
    echo "$NAME: not built on this machine ($BUILT)"
    exit 3
fi

started=$SECONDS
PYENV_ROOT=${PYENV_ROOT:-$( (pyenv root) 2>/dev/null || echo "$HOME/.pyenv")}
PYTHON_BUILD=$PYENV_ROOT/plugins/python-build/bin/python-build
if [ ! -x "$PYTHON_BUILD" ]; then
    echo "$NAME: no python-build at $PYTHON_BUILD (pyenv's plugin)" >&2
    exit 1
fi

# python-build's compilers and headers (pyenv images have them; install
# what a bare machine lacks, under the lock the matrix's apt-get also takes).
missing=()
for package in gcc make xz-utils libssl-dev zlib1g-dev libbz2-dev libffi-dev \
               liblzma-dev libreadline-dev libsqlite3-dev libncurses-dev; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "ok installed" ||
        missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "$NAME: apt-get install ${missing[*]}"
    flock "$ROOT/.matrix/apt.lock" apt-get update -qq
    flock "$ROOT/.matrix/apt.lock" env DEBIAN_FRONTEND=noninteractive \
        apt-get install -y -qq -o DPkg::Lock::Timeout=600 "${missing[@]}"
fi

# The source tarball, through a private apt state.
apt_options=(
    -o "Dir::Etc::SourceList=$WORK/sources.list"
    -o "Dir::Etc::SourceParts=$WORK/sources.list.d"
    -o "Dir::State::Lists=$WORK/lists"
    -o "Dir::Cache=$WORK/apt-cache"
    -o "APT::Sandbox::User=root"
)
mkdir -p "$WORK/lists/partial" "$WORK/sources.list.d" "$WORK/apt-cache" \
         "$WORK/download" "$WORK/cache"
echo "deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $MIRROR $SUITE main" \
    > "$WORK/sources.list"
if ! ls "$WORK"/download/python3.13_*.orig.tar.xz >/dev/null 2>&1; then
    echo "$NAME: apt-get source --download-only python3.13/$SUITE"
    apt-get "${apt_options[@]}" -qq update
    (cd "$WORK/download" &&
        apt-get "${apt_options[@]}" -qq source --download-only "python3.13/$SUITE")
fi
orig=$(ls "$WORK"/download/python3.13_*.orig.tar.xz | sort -V | tail -n 1)
version=${orig##*/python3.13_}
version=${version%.orig.tar.xz}
definition=$version
options=${PYTHON_CONFIGURE_OPTS:-}
if [ "$KIND" = t ]; then
    definition=${version}t
    # Neither CPython's test package nor its C test modules: the matrix
    # runs CPython's weakref tests from the newest suites, with a stand-in
    # for test.support. Not compiling them, and not byte-compiling Lib/test
    # three times at install, takes a good part off the build.
    options="$options --disable-test-modules"
else
    options="$options --with-pydebug"
fi
if [ ! -e "$PYENV_ROOT/plugins/python-build/share/python-build/$definition" ]; then
    echo "$NAME: $SUITE has 3.13 $version, which this pyenv cannot build" \
         "(no $definition definition): update pyenv" >&2
    exit 1
fi
cp "$orig" "$WORK/cache/Python-$version.tar.xz"

echo "$NAME: python-build $definition $BUILT (about 8 minutes)"
rm -rf "$BUILT"
mkdir -p "$WORK/tmp"
# python-build checks the tarball's checksum against its definition.
PYTHON_BUILD_CACHE_PATH=$WORK/cache TMPDIR=$WORK/tmp PYTHON_CONFIGURE_OPTS=$options \
    MAKE_OPTS="-j$(nproc)" "$PYTHON_BUILD" "$definition" "$BUILT"
rm -rf "$WORK/tmp"
"$BUILT/bin/$PYTHON" -c "$CHECK" || {
    echo "$NAME: $BUILT/bin/$PYTHON is not the build asked for ($CHECK)" >&2
    exit 1
}
touch "$BUILT/.complete"
echo "$NAME: built in $((SECONDS - started)) s"
link
