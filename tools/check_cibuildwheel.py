#!/usr/bin/env python3
"""Check that the release workflow builds wheels for the matrix's CPythons.

    python3 tools/check_cibuildwheel.py

.github/workflows/wheels.yml builds the compiled core's wheels for the
platforms tools/build_wheels.py does not build here, with cibuildwheel
configured in pyproject.toml ([tool.cibuildwheel]). On each platform
(linux, macos, windows) and architecture, the CPythons it builds must be
exactly those of tools/interpreters.json that cibuildwheel can build there:
no untested interpreter gets a wheel, no tested one is forgotten. Linux
x86_64 manylinux is built here (all the matrix's CPythons): the workflow
must build none. The matrix's CPythons cibuildwheel cannot build (it
builds none before 3.9, no free-threaded 3.13) are printed: on those
platforms they get the universal wheel, as docs/getting-started.md says.

cibuildwheel (pinned) lives in its own venv, .matrix/cibuildwheel;
.ci/run calls this beside the other checks.
"""
import os
import subprocess
import sys
from collections import defaultdict
from typing import Dict, List, Set

import build_wheels
import matrix
from matrix import CACHE, ROOT

VENV = CACHE / "cibuildwheel"
REQUIREMENTS = ["cibuildwheel==4.3.5"]
PLATFORMS = ["linux", "macos", "windows"]
BUILT_HERE = "manylinux_x86_64"


def matrix_tags() -> Set[str]:
    """cibuildwheel's names of the matrix's CPythons: cp27, ..., cp313t."""
    return {"cp%s%s" % (interpreter.python.replace(".", ""),
                        "t" if interpreter.free_threaded else "")
            for interpreter in build_wheels.release_interpreters()}


def identifiers(platform: str, environ: Dict[str, str]) -> Dict[str, Set[str]]:
    """What cibuildwheel would build on *platform*: for each of its
    platform tags (manylinux_aarch64, win32, ...), the CPythons."""
    env = dict(os.environ)
    env.update(environ)
    out = subprocess.run(
        [str(VENV / "bin" / "cibuildwheel"), "--print-build-identifiers",
         "--platform", platform, str(ROOT)], env=env, cwd=ROOT,
        check=True, capture_output=True, text=True).stdout
    found: Dict[str, Set[str]] = defaultdict(set)
    for identifier in out.split():
        python, _, tag = identifier.partition("-")
        found[tag].add(python)
    return found


def main() -> int:
    matrix.ensure_venv(VENV, REQUIREMENTS, "cibuildwheel")
    wanted = matrix_tags()
    problems: List[str] = []
    unbuildable: Set[str] = set(wanted)
    for platform in PLATFORMS:
        configured = identifiers(platform, {})
        # Every CPython cibuildwheel has for the configured architectures.
        available = identifiers(platform, {"CIBW_BUILD": "cp*",
                                           "CIBW_SKIP": "",
                                           "CIBW_ENABLE": ""})
        for tag in sorted(set(available) | set(configured)):
            expected = set() if tag == BUILT_HERE else wanted & available[tag]
            unbuildable -= available[tag]
            if configured.get(tag, set()) != expected:
                problems.append(
                    "%s %s: builds %s, expected %s" % (
                        platform, tag, " ".join(sorted(configured.get(tag, ()))),
                        " ".join(sorted(expected)) or "none"))
            else:
                print("check_cibuildwheel: %s %s: %d CPythons" % (
                    platform, tag, len(expected)))
    print("check_cibuildwheel: the matrix's CPythons cibuildwheel cannot build "
          "(the universal wheel there): %s" % " ".join(sorted(unbuildable)))
    for problem in problems:
        print("check_cibuildwheel: " + problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
