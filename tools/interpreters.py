"""The matrix's interpreters, read from tools/interpreters.json, and where
each one is on this machine when it is already there.

tools/matrix.py (which also makes the missing ones) and
benchmarks/run_all.py (which measures those it finds) both read them here;
tests/test_metadata.py reads the JSON itself, since it also runs on 2.7.
"""
import json
import os
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional, Tuple

ROOT = Path(__file__).resolve().parent.parent
DECLARATION = ROOT / "tools" / "interpreters.json"
# The lead's constant; read as text, since importing the package from here
# would test the source tree rather than what is installed.
SPECIFICATION = ROOT / "src" / "backports" / "weakref" / "_specification.py"


@dataclass(frozen=True)
class Interpreter:
    name: str
    implementation: str
    python: str
    free_threaded: bool
    provider: Dict
    environment: str
    requirements: List[str]
    optional: List[str]
    only_binary: List[str]
    shipped_pip: Optional[str]
    pytest_args: List[str]
    environ: Dict[str, str]
    pip_from: Optional[str] = None
    why: str = ""
    # A debug or sanitizer build of a Python the matrix already runs (see
    # the JSON's "about"): {"of": name, "kind": "debug" | "sanitizer"}.
    variant: Optional[Dict[str, str]] = None
    wheel_environ: Dict[str, str] = field(default_factory=dict)
    preload: List[str] = field(default_factory=list)
    after: List[Dict] = field(default_factory=list)

    @property
    def kind(self) -> str:
        return self.provider["kind"]

    @property
    def label(self) -> str:
        """What it is, for people: "CPython 3.13 (free-threaded)"."""
        extra = " (free-threaded)" if self.free_threaded else ""
        if self.variant:
            extra += " (%s build)" % self.variant["kind"]
        return "%s %s%s" % (self.implementation, self.python, extra)


@dataclass(frozen=True)
class Chroot:
    name: str
    script: Path
    folder: Path

    def prefix(self) -> List[str]:
        """What runs a command inside it (the script's `run`)."""
        return ["bash", str(self.script), "run", str(self.folder)]


@dataclass(frozen=True)
class Located:
    """A base interpreter that is there: *python* is its path where it runs,
    which is inside a chroot when *prefix* (the chroot's runner) is set."""
    python: str
    prefix: List[str] = field(default_factory=list)

    def command(self) -> List[str]:
        return self.prefix + [self.python]


def _declaration() -> Dict:
    with open(DECLARATION, encoding="utf-8") as source:
        return json.load(source)


def load() -> List[Interpreter]:
    declaration = _declaration()
    found = []
    for entry in declaration["interpreters"]:
        values = dict(declaration["defaults"])
        values.update(entry)
        found.append(Interpreter(**values))
    return found


def chroots() -> Dict[str, Chroot]:
    return {name: Chroot(name, ROOT / value["script"], ROOT / value["folder"])
            for name, value in _declaration()["chroots"].items()}


def newest_cpython() -> Tuple[int, int]:
    """The CPython release the package mirrors, e.g. (3, 15)."""
    text = SPECIFICATION.read_text(encoding="utf-8")
    match = re.search(r"^NEWEST = \((\d+), (\d+)\)", text, re.M)
    if not match:
        raise SystemExit("%s: no line `NEWEST = (X, Y)`" % SPECIFICATION)
    return int(match.group(1)), int(match.group(2))


def pyenv_root() -> Path:
    if os.environ.get("PYENV_ROOT"):
        return Path(os.environ["PYENV_ROOT"])
    try:
        out = subprocess.run(["pyenv", "root"], capture_output=True,
                             text=True, check=True).stdout.strip()
        return Path(out)
    except (OSError, subprocess.CalledProcessError):
        return Path.home() / ".pyenv"


def newest_pyenv_python(series: str) -> Optional[str]:
    best = None
    for version_dir in (pyenv_root() / "versions").glob(series + ".*"):
        # "3.13.5t" is a free-threaded build: a different interpreter.
        if not re.fullmatch(re.escape(series) + r"\.\d+", version_dir.name):
            continue
        python = version_dir / "bin" / "python"
        patch = int(version_dir.name.rsplit(".", 1)[1])
        if python.exists() and (best is None or patch > best[0]):
            best = (patch, str(python))
    return best[1] if best else None


def chroot_ready(chroot: Chroot) -> bool:
    return (chroot.folder / ".complete").exists()


def find(interpreter: Interpreter) -> Optional[Located]:
    """Where *interpreter* is, or None when it is not there (yet)."""
    provider = interpreter.provider
    if interpreter.kind == "pyenv":
        python = newest_pyenv_python(provider["series"])
        return Located(python) if python else None
    if interpreter.kind == "apt":
        python = shutil.which(provider["command"])
        return Located(python) if python else None
    if interpreter.kind == "chroot":
        chroot = chroots()[provider["chroot"]]
        # A link there may point to an absolute path that only the chroot
        # resolves.
        inside = chroot.folder / provider["command"].lstrip("/")
        if chroot_ready(chroot) and os.path.lexists(inside):
            return Located(provider["command"], chroot.prefix())
        return None
    if interpreter.kind == "build":
        folder = ROOT / provider["folder"]
        python = folder / provider["command"]
        if (folder / ".complete").exists() and os.access(python, os.X_OK):
            return Located(str(python))
        return None
    raise ValueError("%s: unknown provider kind %r"
                     % (interpreter.name, interpreter.kind))


def stdlib_folder(interpreter: Interpreter, located: Located) -> Path:
    """Its standard library, as a path on this host (for CPython's own
    test suites and modules, which the conformance tests compare with)."""
    lib = "python%s%s" % (interpreter.python,
                          "t" if interpreter.free_threaded else "")
    if interpreter.kind == "chroot":
        chroot = chroots()[interpreter.provider["chroot"]]
        return chroot.folder / "usr" / "lib" / lib
    return Path(located.python).resolve().parent.parent / "lib" / lib
