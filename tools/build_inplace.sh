#!/usr/bin/env bash
# Build the compiled core in place (src/backports/weakref/_speedups.*.so),
# for each interpreter given, for the dev loop: PYTHONPATH=src then imports it.
#
#     bash tools/build_inplace.sh PYTHON [PYTHON...]
#
# Each build writes one file named for its ABI (2.7's is plain _speedups.so),
# so one tree holds them all. An interpreter without setuptools (pyenv's 3.12+,
# the free-threaded 3.13t) builds from a venv of its own under
# .matrix/build-inplace/, made once. WARNINGS=1 adds -Wextra to the
# interpreter's own flags (-O3 -Wall...): the source is kept free of those
# warnings too. (A CFLAGS of one's own replaces the interpreter's flags with
# setuptools 60+, optimisation included, and is added to them with older ones.)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

for python in "$@"; do
    if ! "$python" -c 'import setuptools' 2>/dev/null; then
        tag=$("$python" -c 'import sys, sysconfig; print("%d.%d%s" % (sys.version_info[:2] + ("t" if sysconfig.get_config_var("Py_GIL_DISABLED") else "",)))')
        venv=$ROOT/.matrix/build-inplace/$tag
        if [ ! -x "$venv/bin/python" ]; then
            "$python" -m venv "$venv"
            "$venv/bin/python" -m pip install -q setuptools
        fi
        python=$venv/bin/python
    fi
    echo "build_inplace: $("$python" -c 'import platform; print(platform.python_version())') ($python)"
    if [ "${WARNINGS:-}" = 1 ]; then
        flags=$("$python" -c 'import sysconfig; print(sysconfig.get_config_var("CFLAGS"))')
        CFLAGS="$flags -Wextra -Wno-unused-parameter -Wno-missing-field-initializers" \
            "$python" setup.py -q build_ext --inplace --force
    else
        "$python" setup.py -q build_ext --inplace --force
    fi
done
