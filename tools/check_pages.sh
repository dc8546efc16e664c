#!/usr/bin/env bash
# Render every page of the built documentation in a real browser (Debian's
# chromium, driven by playwright) at a desktop's 1280 px and a phone's
# 390 px, and fail if any page scrolls sideways.
#
#   bash tools/build_docs.sh && bash tools/check_pages.sh
#
# chromium comes from apt-get when missing (root, under the lock the
# matrix's apt-get takes); playwright from PyPI into build/pages/venv. No
# browser is downloaded: playwright launches /usr/bin/chromium.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD
source tools/venv.sh
HTML=$ROOT/build/docs/html
VENV=$ROOT/build/pages/venv
started=$SECONDS

if [ ! -f "$HTML/index.html" ]; then
    echo "check_pages: no built documentation in $HTML: run tools/build_docs.sh" >&2
    exit 1
fi
if ! command -v chromium >/dev/null; then
    echo "check_pages: apt-get install chromium"
    mkdir -p "$ROOT/.matrix"
    flock "$ROOT/.matrix/apt.lock" apt-get update -qq
    flock "$ROOT/.matrix/apt.lock" env DEBIAN_FRONTEND=noninteractive \
        apt-get install -y -qq -o DPkg::Lock::Timeout=600 chromium >/dev/null
fi

PYTHON=$(tool_python "${PAGES_PYTHON:-}")
tool_venv "$PYTHON" "$VENV" "playwright==1.65.2"
"$VENV/bin/python" tools/check_pages.py --browser "$(command -v chromium)" "$HTML"
echo "check_pages: ok in $((SECONDS - started))s"
