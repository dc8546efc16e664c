"""Record what the seed tutorial's examples print on the newest CPython.

    python3.X tools/record_tutorial.py     # X: the newest release

Run it with the release named in src/backports/weakref/_specification.py
(in the sid chroot: `bash tools/sid_chroot.sh run .matrix/sid python3.X
tools/record_tutorial.py`). Each tests/tutorial/exampleNN.py runs through
the interpreter's own ``import weakref``, prepared as tests/tutorial_examples.py
prepares it for ours; its output goes to exampleNN.newest.txt under a first
line naming the release, which the test then compares ours with.
"""
from __future__ import print_function

import io
import os
import platform
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
TESTS = os.path.join(ROOT, "tests")
sys.path[:0] = [TESTS, os.path.join(ROOT, "src")]

import tutorial_examples  # noqa: E402  (found through the line above)


def main():
    release = sys.version_info[:2]
    if platform.python_implementation() != "CPython" or \
            release != tutorial_examples.NEWEST:
        sys.exit("record with CPython %d.%d, the newest release, not %s %s"
                 % (tutorial_examples.NEWEST + (platform.python_implementation(),
                                            platform.python_version())))
    for name in tutorial_examples.EXAMPLES:
        source = tutorial_examples.example_source(name, against="import weakref")
        output = subprocess.check_output([sys.executable, "-c", source],
                                         cwd=TESTS)
        path = os.path.join(tutorial_examples.HERE, name + tutorial_examples.RECORDED)
        with io.open(path, "w", encoding="utf-8") as recording:
            recording.write(u"# recorded on CPython %d.%d\n" % release)
            recording.write(output.decode("utf-8"))
        print("recorded", os.path.relpath(path))


if __name__ == "__main__":
    main()
