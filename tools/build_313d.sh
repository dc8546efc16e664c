#!/usr/bin/env bash
# Build a debug (--with-pydebug) CPython 3.13 into DIR (default .matrix/cpython3.13d):
# see tools/build_313.sh.
#
#     bash tools/build_313d.sh [DIR]
exec bash "$(dirname "${BASH_SOURCE[0]}")/build_313.sh" d "$@"
