"""Every line and sentence under src/ is this project's own: the source is
compared with CPython's weakref.py and _weakrefset.py by
tools/check_originality.py, against the newest releases' files (from the
suites the conformance tests read) and the running interpreter's own."""
from __future__ import absolute_import

import os
import subprocess
import sys
import sysconfig

import pytest

REPOSITORY = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TOOL = os.path.join(REPOSITORY, "tools", "check_originality.py")
SUITES_VARIABLE = "BACKPORTS_WEAKREF_CPYTHON_SUITES"

pytestmark = [
    pytest.mark.skipif(not os.path.exists(TOOL),
                       reason="not run from a source tree"),
    pytest.mark.skipif(sys.version_info < (3, 8),
                       reason="the tool is written for Python 3.8+"),
]


def references():
    """Folders holding CPython's weakref.py and _weakrefset.py."""
    found = []
    for suite in filter(None, os.environ.get(SUITES_VARIABLE, "").split(
            os.pathsep)):
        found.append(os.path.join(suite, "lib"))
    stdlib = sysconfig.get_paths()["stdlib"]
    if os.path.exists(os.path.join(stdlib, "weakref.py")):
        found.append(stdlib)
    return [folder for folder in found
            if os.path.exists(os.path.join(folder, "weakref.py"))]


def test_src_shares_no_text_with_cpythons_weakref():
    # The allowlist's entries are the newest release's words: without its
    # files they would read as stale.
    if not os.environ.get(SUITES_VARIABLE):
        pytest.skip("%s is not set: no newest CPython to compare with"
                    % SUITES_VARIABLE)
    folders = references()
    process = subprocess.Popen([sys.executable, TOOL] + folders,
                               stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT)
    out = process.communicate()[0].decode("utf-8", "replace")
    assert process.returncode == 0, out
    assert ": ok" in out.splitlines()[-1]
