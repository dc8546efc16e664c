#!/usr/bin/env bash
# CPython 3.14 for the matrix: Debian sid's python3.14 in a chroot.
#
#     bash tools/cpython314_chroot.sh create [DIR]       # default .matrix/sid314
#     bash tools/cpython314_chroot.sh run DIR CMD [ARG...]
#
# Debian bookworm has no 3.14, and sid's python3.14 needs a newer libc than
# bookworm's, so it runs in a minimal sid chroot made by debootstrap (about
# 30-50 s, 290 MB; debootstrap comes from apt-get when missing).
#
# `run` executes CMD inside the chroot, in the current directory, with this
# project bind-mounted at its own path (so .matrix/, tests/ and the built
# wheel have the same paths inside and out), plus /proc and /dev. The mounts
# are made inside `unshare -m`, so they exist only for that one process tree
# and vanish with it: a lasting bind of the project inside a folder would let
# any clean-up of that folder (rm -rf .matrix) delete the project itself.
#
# `create` is idempotent and safe to run twice at once (a lock serialises
# callers; DIR/.complete marks a finished chroot).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# The Debian mirror the machine's apt already uses, else Debian's own.
mirror() {
    local uri
    uri=$(grep -hsE '^(URIs:|deb )' /etc/apt/sources.list.d/*.sources \
              /etc/apt/sources.list.d/*.list /etc/apt/sources.list |
          grep -oE 'https?://[^ ]*/debian/?( |$)' | head -n 1 | tr -d ' ')
    echo "${uri:-http://deb.debian.org/debian}"
}

ready() {
    [ -e "$1/.complete" ] && [ -x "$1/usr/bin/python3.14" ]
}

create() {
    local dir=${1:-$ROOT/.matrix/sid314}
    mkdir -p "$(dirname "$dir")"
    exec 8>"$dir.lock"
    flock 8
    if ready "$dir"; then
        echo "cpython314_chroot: $dir is ready"
        return 0
    fi
    local started=$SECONDS
    if ! command -v debootstrap >/dev/null; then
        echo "cpython314_chroot: apt-get install debootstrap"
        mkdir -p "$ROOT/.matrix"
        flock "$ROOT/.matrix/apt.lock" apt-get update -qq
        flock "$ROOT/.matrix/apt.lock" env DEBIAN_FRONTEND=noninteractive \
            apt-get install -y -qq -o DPkg::Lock::Timeout=600 debootstrap
    fi
    local source
    source=$(mirror)
    echo "cpython314_chroot: debootstrap sid $dir $source"
    rm -rf "$dir"
    debootstrap --variant=minbase --include=python3.14,python3.14-venv \
        sid "$dir" "$source"
    touch "$dir/.complete"
    echo "cpython314_chroot: $(run "$dir" python3.14 -VV) ready in" \
         "$((SECONDS - started)) s"
}

run() {
    local dir=$1
    shift
    if ! ready "$dir"; then
        echo "cpython314_chroot: no chroot at $dir: run create first" >&2
        return 1
    fi
    dir=$(cd "$dir" && pwd)
    # What pip needs to reach the registry as the host does.
    local file
    for file in /etc/resolv.conf /etc/hosts /etc/pip.conf \
                /etc/ssl/certs/ca-certificates.crt; do
        if [ -f "$file" ]; then
            mkdir -p "$dir$(dirname "$file")"
            cp -L "$file" "$dir$file"
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
    ' cpython314-chroot "$dir" "$ROOT" "$PWD" "$@"
}

case "${1:-}" in
    create) shift; create "$@" ;;
    run) shift; run "$@" ;;
    *) echo "usage: $0 create [DIR] | run DIR CMD [ARG...]" >&2; exit 2 ;;
esac
