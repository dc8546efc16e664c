#!/usr/bin/env bash
# Build the sdist and wheel as a release would, and check what they hold:
#
#   bash tools/check_dist.sh
#
# `python -m build` (pinned, in a venv under build/check-dist/): the sdist,
# the universal py2.py3 wheel (BACKPORTS_WEAKREF_NO_EXTENSIONS=1: the pure
# twin alone, for PyPy, Jython and machines without a compiler) and the
# wheel for the building CPython (with the compiled core); then `twine check
# --strict` on all, then: the wheels carry py.typed and the stubs, the
# compiled one its extension too; the sdist carries the C source, the
# tests, the typed corpus and the docs. Exits non-zero on any failure.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD
source tools/venv.sh
WORK=$ROOT/build/check-dist
VENV=$WORK/venv
REQUIREMENTS=("build==1.6.1" "twine==7.0.0")

PYTHON=$(tool_python "${CHECK_DIST_PYTHON:-}")
started=$SECONDS
tool_venv "$PYTHON" "$VENV" "${REQUIREMENTS[@]}"

rm -rf "$WORK/dist"
# The sdist, and the compiled wheel built from it, as pip would; then the
# universal wheel from the tree. (build/lib* may hold an in-place build's
# leftovers, which a wheel would take in: never from there.)
build_both() {
    rm -rf build/lib build/lib.* build/temp.* build/bdist.*
    "$VENV/bin/python" -m build --outdir "$WORK/dist" . &&
    BACKPORTS_WEAKREF_NO_EXTENSIONS=1 "$VENV/bin/python" -m build --wheel \
        --outdir "$WORK/dist" .
}
from_tree "$ROOT" build_both >"$WORK/build.log" 2>&1 ||
    { tail -n 40 "$WORK/build.log"; exit 1; }
"$VENV/bin/python" -m twine check --strict "$WORK"/dist/*

"$VENV/bin/python" - "$WORK"/dist/* <<'PY'
import os
import sys
import tarfile
import zipfile

WHEEL_MUST_HOLD = [
    "backports/__init__.py",
    "backports/__init__.pyi",
    "backports/weakref/__init__.py",
    "backports/weakref/__init__.pyi",
    "backports/weakref/py.typed",
]
SDIST_MUST_HOLD = [
    "CHANGELOG.md", "CONTRIBUTING.md", "LICENSE", "README.md", "setup.cfg",
    "setup.py",
    "pyproject.toml", ".readthedocs.yaml",
    "src/backports/weakref/py.typed", "src/backports/weakref/__init__.pyi",
    "tests/conftest.py", "tests/test_metadata.py",
    "tests/tutorial/example01.py", "tests/tutorial/example01.newest.txt",
    "tests/typing/typed_usage.py", "tests/typing/typed_misuse.py",
    "tests/typing/stubtest-allowlist.txt",
    "docs/conf.py", "docs/index.md", "docs/api.md", "docs/requirements.txt",
    "tools/check_types.sh", "tools/build_docs.sh",
    "src/backports/weakref/_speedups.c",
    "src/backports/weakref/_speedupslib/compat.h",
]

# Every module, stub and marker of the source tree, so that no subpackage is
# left out of setup.cfg's packages.
SOURCE_FILES = sorted(
    os.path.relpath(os.path.join(folder, name), "src").replace(os.sep, "/")
    for folder, _, names in os.walk("src/backports")
    for name in names
    if name.endswith((".py", ".pyi")) or name == "py.typed")
WHEEL_MUST_HOLD += SOURCE_FILES

problems = []
for path in sys.argv[1:]:
    if path.endswith(".whl"):
        with zipfile.ZipFile(path) as wheel:
            names = set(wheel.namelist())
        wanted = WHEEL_MUST_HOLD
        compiled = [name for name in names if name.startswith(
            "backports/weakref/_speedups.") and name.endswith((".so", ".pyd"))]
        if path.endswith("-py2.py3-none-any.whl"):
            problems += ["%s: holds %s" % (path, name) for name in compiled]
        elif not compiled:
            problems.append("%s: no compiled core" % path)
        stray = sorted(name for name in names if name.split("/")[0]
                       not in ("backports",) and ".dist-info/" not in name)
        problems += ["%s: should not hold %s" % (path, name) for name in stray]
    else:
        with tarfile.open(path) as sdist:
            # Drop the "backports_weakref-X.Y.Z/" folder every member is in.
            names = set(name.split("/", 1)[1] for name in sdist.getnames()
                        if "/" in name)
        wanted = SDIST_MUST_HOLD
    problems += ["%s: missing %s" % (path, name) for name in wanted
                 if name not in names]
    print("%s: %d files" % (path, len(names)))
for problem in problems:
    print(problem)
sys.exit(1 if problems else 0)
PY
echo "check_dist: ok in $((SECONDS - started))s"
