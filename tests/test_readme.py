"""The README is the PyPI page: it opens with what a user runs, its
Quickstart runs on every interpreter, it names the newest CPython release as
``_specification`` does, and its contributors' section keeps the two
commands that do all the set-up on a fresh machine.

Of those two, the first (install from the checkout, then run ``python -m
backports.weakref``) is run here, literally, from a clean clone, with
``python3`` being a fresh virtual environment's. The second (the whole
matrix) is what ``.ci/run`` runs from a clean clone, so CI is its test; here
we check that it is that very command. Installing takes a while, so the
matrix asks for it on one interpreter only (BACKPORTS_WEAKREF_README_TEST=1).
"""
from __future__ import absolute_import

import io
import os
import re
import shutil
import subprocess
import sys
import tempfile

import pytest

from backports.weakref._specification import NEWEST
from support import run_python

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
README = os.path.join(REPO, "README.md")
CONTRIBUTORS_HEADING = "## Working on backports.weakref"

pytestmark = pytest.mark.skipif(not os.path.exists(README),
                                reason="no README.md in this tree")


def readme():
    with io.open(README, encoding="utf-8") as f:
        return f.read()


def commands(text):
    """The lines of the first ```sh block of *text*."""
    block = re.search(r"```sh\n(.*?)```", text, re.S)
    return [line for line in block.group(1).splitlines() if line.strip()]


def contributor_commands():
    return commands(readme().split(CONTRIBUTORS_HEADING, 1)[1])


def test_readme_opens_with_what_a_user_runs():
    lines = [line for line in readme().splitlines() if line.strip()]
    assert lines[0] == "# backports.weakref"
    assert lines[1] == "```sh"
    assert commands(readme()) == ["pip install backports.weakref",
                                  "python -m backports.weakref"]


def test_readme_names_the_newest_release_as_the_specification_does():
    text = readme()
    newest = "CPython %d.%d's" % NEWEST
    assert newest in text
    # Any other release named as the one mirrored is stale.
    stale = set(re.findall(r"CPython (\d+\.\d+)'s", text)) - set(
        ["%d.%d" % NEWEST])
    assert not stale


def test_quickstart_runs_here():
    quickstart = readme().split("## Quickstart", 1)[1]
    code = re.search(r"```python\n(.*?)```", quickstart, re.S).group(1)
    rc, out, err = run_python(code)
    assert rc == 0, err
    # WeakMethod's call, then the finalizer at the collection.
    assert out.splitlines() == ["closed", "connection collected"]


def test_contributors_keep_two_commands():
    found = contributor_commands()
    assert len(found) == 2
    assert "python3 -m backports.weakref" in found[0]


def test_ci_runs_the_readmes_matrix_command():
    with io.open(os.path.join(REPO, ".ci", "run"), encoding="utf-8") as f:
        ci_lines = [line.strip() for line in f.read().splitlines()]
    command = contributor_commands()[1]
    assert any(re.match(r"(exec )?%s( |$)" % re.escape(command), line)
               for line in ci_lines)


@pytest.mark.skipif(os.environ.get("BACKPORTS_WEAKREF_README_TEST") != "1",
                    reason="slow (pip install from a clean clone); the matrix "
                           "runs it on one interpreter")
def test_install_command_works_from_a_clean_clone():
    workspace = tempfile.mkdtemp(prefix="readme-")
    try:
        clone = os.path.join(workspace, "clone")
        subprocess.check_call(["git", "clone", "-q", REPO, clone])
        # Bring the working tree's README along: the command under test is
        # the one this checkout documents, committed or not.
        shutil.copy(README, os.path.join(clone, "README.md"))
        venv = os.path.join(workspace, "venv")
        subprocess.check_call([sys.executable, "-m", "venv", venv])
        env = dict(os.environ)
        env["PATH"] = os.path.join(venv, "bin") + os.pathsep + env["PATH"]
        for name in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV"):
            env.pop(name, None)
        output = subprocess.check_output(
            ["bash", "-c", contributor_commands()[0]], cwd=clone, env=env,
            stderr=subprocess.STDOUT).decode("utf-8", "replace")
        assert "backports.weakref" in output
        assert re.search(r"^\s+finalize\s+(native|ours)\s+\S", output, re.M)
        assert re.search(r"^\s+WeakSet\s+(native|ours)\s+\S", output, re.M)
    finally:
        shutil.rmtree(workspace, ignore_errors=True)
