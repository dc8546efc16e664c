#!/usr/bin/env bash
# Debian sid in a chroot, for the interpreters of the matrix that only sid
# packages (CPython 3.14 and 3.15, PyPy 3.11) and for CPython's own test
# suites (libpython3.X-testsuite).
#
#     bash tools/sid_chroot.sh create DIR PACKAGE...
#     bash tools/sid_chroot.sh run DIR CMD [ARG...]
#
# tools/matrix.py calls `create` with the packages tools/interpreters.json
# names for the chroot (folder .matrix/sid). sid's interpreters need a newer
# libc than the host's bookworm, so they run in a minimal sid made by
# debootstrap (debootstrap comes from apt-get when missing).
#
# `run` executes CMD inside the chroot, in the current directory, with this
# project bind-mounted at its own path (so .matrix/, tests/ and the built
# wheel have the same paths inside and out), plus /proc and /dev. The mounts
# are made inside `unshare -m`, so they exist only for that one process tree
# and vanish with it: a lasting bind of the project inside a folder would let
# any clean-up of that folder (rm -rf .matrix) delete the project itself.
# From inside the chroot `run` refuses (mounting again from there fails, and
# binding the project into itself is what the above avoids): call the
# chroot's /usr/bin/python3.X directly.
#
# `create` is idempotent and safe to run twice at once: a lock (DIR.lock)
# serialises callers, and DIR/.complete lists the packages installed, so a
# later call with more packages installs only those.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# Written into every chroot this script makes: `run` is refused inside one.
INSIDE_MARK=/etc/backports-weakref-chroot
# sid's Release file on this kind of mirror can be past its Valid-Until date.
APT_INSIDE=(apt-get -o Acquire::Check-Valid-Until=false)

# The Debian mirror the machine's apt already uses, else Debian's own.
mirror() {
    local uri
    uri=$(grep -hsE '^(URIs:|deb )' /etc/apt/sources.list.d/*.sources \
              /etc/apt/sources.list.d/*.list /etc/apt/sources.list |
          grep -oE 'https?://[^ ]*/debian/?( |$)' | head -n 1 | tr -d ' ')
    echo "${uri:-http://deb.debian.org/debian}"
}

# missing DIR PACKAGE...: those not yet listed in DIR/.complete.
missing() {
    local dir=$1 package
    shift
    for package in "$@"; do
        grep -qxF "$package" "$dir/.complete" 2>/dev/null || echo "$package"
    done
}

create() {
    local dir=$1
    shift
    if [ $# -eq 0 ]; then
        echo "sid_chroot: create needs the packages to install" >&2
        return 2
    fi
    mkdir -p "$(dirname "$dir")"
    exec 8>"$dir.lock"
    if ! flock -n 8; then
        echo "sid_chroot: waiting for another run to finish $dir"
        flock 8
    fi
    local wanted
    wanted=$(missing "$dir" "$@")
    if [ -e "$dir/.complete" ] && [ -z "$wanted" ]; then
        echo "sid_chroot: $dir is ready"
        return 0
    fi
    local started=$SECONDS
    if [ ! -e "$dir/.complete" ]; then
        bootstrap "$dir" "$@"
    else
        # shellcheck disable=SC2086  # one package a word
        install_inside "$dir" $wanted
    fi
    printf '%s\n' "$@" | cat - "$dir/.complete" | sort -u > "$dir/.complete.new"
    mv "$dir/.complete.new" "$dir/.complete"
    echo "sid_chroot: $dir ready in $((SECONDS - started)) s with" \
         "$(tr '\n' ' ' < "$dir/.complete")"
}

# bootstrap DIR PACKAGE...: a fresh chroot with the packages. debootstrap
# --include took 105 s here (617 MB) for the matrix's eight; a bare
# debootstrap (48 s) then apt-get inside (63 s) took 111 s (758 MB, with
# apt's lists and cache). apt-get inside stays for packages added later.
bootstrap() {
    local dir=$1
    shift
    if ! command -v debootstrap >/dev/null; then
        echo "sid_chroot: apt-get install debootstrap"
        mkdir -p "$ROOT/.matrix"
        flock "$ROOT/.matrix/apt.lock" apt-get update -qq
        flock "$ROOT/.matrix/apt.lock" env DEBIAN_FRONTEND=noninteractive \
            apt-get install -y -qq -o DPkg::Lock::Timeout=600 debootstrap
    fi
    local source
    source=$(mirror)
    echo "sid_chroot: debootstrap sid $dir $source"
    rm -rf "$dir"
    local packages
    packages=$(IFS=,; echo "$*")
    debootstrap --variant=minbase --include="$packages" sid "$dir" "$source"
    echo "made by $ROOT/tools/sid_chroot.sh" > "$dir$INSIDE_MARK"
    : > "$dir/.complete"
}

install_inside() {
    local dir=$1
    shift
    echo "sid_chroot: apt-get install $* (inside $dir)"
    echo "made by $ROOT/tools/sid_chroot.sh" > "$dir$INSIDE_MARK"
    run "$dir" "${APT_INSIDE[@]}" -qq update
    run "$dir" env DEBIAN_FRONTEND=noninteractive "${APT_INSIDE[@]}" \
        install -y -qq --no-install-recommends "$@"
}

run() {
    local dir=$1
    shift
    if [ -e "$INSIDE_MARK" ]; then
        echo "sid_chroot: already inside a chroot ($(cat "$INSIDE_MARK")):" \
             "run the command directly" >&2
        return 1
    fi
    if [ ! -d "$dir/usr/bin" ]; then
        echo "sid_chroot: no chroot at $dir: run create first" >&2
        return 1
    fi
    dir=$(cd "$dir" && pwd)
    # What pip and apt-get need to reach their registries as the host does.
    # Replaced only when changed, and by a rename: another run in the same
    # chroot may be reading it (a pip in one row once failed with "PEM lib"
    # on a CA bundle that the next row's cp was rewriting in place).
    local file
    for file in /etc/resolv.conf /etc/hosts /etc/pip.conf \
                /etc/ssl/certs/ca-certificates.crt; do
        if [ -f "$file" ] && ! cmp -s "$file" "$dir$file"; then
            mkdir -p "$dir$(dirname "$file")"
            cp -L "$file" "$dir$file.new.$$"
            mv -f "$dir$file.new.$$" "$dir$file"
        fi
    done
    mkdir -p "$dir$ROOT"
    unshare --mount --propagation private -- /bin/bash -c '
        set -e
        dir=$1 project=$2 cwd=$3
        shift 3
        mount --bind "$project" "$dir$project"
        mount -t proc proc "$dir/proc"
        mount --rbind /dev "$dir/dev"
        exec chroot "$dir" /bin/sh -c "cd \"\$0\" && exec \"\$@\"" "$cwd" "$@"
    ' sid-chroot "$dir" "$ROOT" "$PWD" "$@"
}

case "${1:-}" in
    create) shift; create "$@" ;;
    run) shift; run "$@" ;;
    *) echo "usage: $0 create DIR PACKAGE... | run DIR CMD [ARG...]" >&2; exit 2 ;;
esac
