#!/usr/bin/env bash
# Build the documentation as Read the Docs does, warnings as errors.
#
#   bash tools/build_docs.sh            # HTML into build/docs/html
#
# A throwaway venv (build/docs/venv, rebuilt when docs/requirements.txt
# changes) gets the pinned Sphinx from PyPI. The build fetches nothing from
# the network: no linkcheck, and intersphinx reads the inventory of CPython
# names that docs/conf.py writes (no objects.inv is downloaded). `-n`
# (nitpicky) makes every cross-reference that does not resolve a warning,
# `-W` an error; `--keep-going` reports them all before failing.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD
source tools/venv.sh
WORK=$ROOT/build/docs
VENV=$WORK/venv

PYTHON=$(tool_python "${DOCS_PYTHON:-}")
started=$SECONDS
# The pins themselves, so that the venv is rebuilt whenever one changes.
mapfile -t PINS < <(grep -Ev '^[[:space:]]*(#|$)' docs/requirements.txt)
tool_venv "$PYTHON" "$VENV" "${PINS[@]}"

rm -rf "$WORK/html" "$WORK/doctrees"
"$VENV/bin/python" -m sphinx -b html -W -n --keep-going \
    -d "$WORK/doctrees" docs "$WORK/html"
echo "build_docs: ok in $((SECONDS - started))s: $WORK/html/index.html"
