#!/usr/bin/env bash
# Build a free-threaded (GIL-free) CPython 3.13 into DIR (default .matrix/cpython3.13t):
# see tools/build_313.sh.
#
#     bash tools/build_313t.sh [DIR]
exec bash "$(dirname "${BASH_SOURCE[0]}")/build_313.sh" t "$@"
