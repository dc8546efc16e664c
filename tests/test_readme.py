"""The README opens with two commands that must work on a fresh machine.

The first (install, then run ``python -m backports.weakref``) is run here,
literally, from a clean clone, with ``python3`` being a fresh virtual
environment's. The second (the whole matrix) is what ``.ci/run`` runs from a
clean clone, so CI is its test; here we check that it is that very command.

Installing takes a while, so the matrix asks for it on one interpreter only
(BACKPORTS_WEAKREF_README_TEST=1).
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

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
README = os.path.join(REPO, "README.md")


def readme_commands():
    with io.open(README, encoding="utf-8") as f:
        text = f.read()
    block = re.search(r"```sh\n(.*?)```", text, re.S)
    return [line for line in block.group(1).splitlines() if line.strip()]


def test_readme_opens_with_two_commands():
    with io.open(README, encoding="utf-8") as f:
        lines = [line for line in f.read().splitlines() if line.strip()]
    assert lines[0] == "# backports.weakref"
    assert lines[1] == "```sh"
    commands = readme_commands()
    assert len(commands) == 2
    assert "python3 -m backports.weakref" in commands[0]


def test_ci_runs_the_readmes_matrix_command():
    with io.open(os.path.join(REPO, ".ci", "run"), encoding="utf-8") as f:
        ci_lines = [line.strip() for line in f.read().splitlines()]
    command = readme_commands()[1]
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
            ["bash", "-c", readme_commands()[0]], cwd=clone, env=env,
            stderr=subprocess.STDOUT).decode("utf-8", "replace")
        assert "backports.weakref" in output
        assert re.search(r"^\s+finalize\s+(native|ours)\s+\S", output, re.M)
        assert re.search(r"^\s+WeakSet\s+(native|ours)\s+\S", output, re.M)
    finally:
        shutil.rmtree(workspace, ignore_errors=True)
