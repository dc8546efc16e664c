# Sourced by tools/check_types.sh, check_dist.sh and build_docs.sh: how they
# pick an interpreter and keep a venv of pinned tools between runs.

# tool_python OVERRIDE: the interpreter for a tool venv. $OVERRIDE if set,
# else pyenv's CPython 3.13.0, else a python3.13/3.12/3.11 on PATH.
tool_python() {
    local override=${1:-}
    if [[ -n "$override" ]]; then
        echo "$override"
    elif command -v pyenv >/dev/null && [[ -x "$(pyenv root)/versions/3.13.0/bin/python" ]]; then
        echo "$(pyenv root)/versions/3.13.0/bin/python"
    else
        command -v python3.13 || command -v python3.12 || command -v python3.11 || true
    fi
}

# tool_venv PYTHON VENV PIP-INSTALL-ARGUMENTS...: make VENV with PYTHON and
# install the arguments, unless the venv already holds exactly that (a stamp
# file records the interpreter and the arguments). pip's output goes to
# VENV.log, whose end is printed on failure.
tool_venv() {
    local python=$1 venv=$2
    shift 2
    local stamp=$venv/.requirements wanted
    wanted=$("$python" --version 2>&1; printf '%s\n' "$@")
    if [[ -f "$stamp" && "$(cat "$stamp")" == "$wanted" ]]; then
        return 0
    fi
    rm -rf "$venv"
    mkdir -p "$(dirname "$venv")"
    if "$python" -m venv "$venv" && "$venv/bin/python" -m pip install "$@" >"$venv.log" 2>&1; then
        printf '%s\n' "$wanted" >"$stamp"
    else
        tail -n 40 "$venv.log" 2>/dev/null
        return 1
    fi
}

# from_tree ROOT COMMAND...: run COMMAND, a build from the working tree,
# under the lock that every such build takes (tools/matrix.py's too):
# setuptools writes build/ and src/*.egg-info in the tree, which two builds
# at once would share. .ci/run runs these scripts beside the matrix.
from_tree() {
    local root=$1
    shift
    mkdir -p "$root/build"
    # The lock on fd 9 of a subshell, so that COMMAND may be a function.
    ( flock 9 && "$@" ) 9>"$root/build/tree.lock"
}
