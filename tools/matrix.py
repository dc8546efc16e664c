#!/usr/bin/env python3
"""Run the test suite on every interpreter backports.weakref supports.

    python3 tools/matrix.py                         # the whole matrix
    python3 tools/matrix.py --only cpython2.7,jython
    python3 tools/matrix.py --jobs 1 -- -x -k finalize   # after "--": pytest's

Steps, all kept under .matrix/ (gitignored):

1. tooling: a venv made with the running python3 holding build, uv and
   virtualenv<20.22 (the last virtualenv that still creates 2.7 and 3.6
   environments);
2. pypy3 and jython come from apt-get when they are missing; CPython 3.14
   is Debian sid's, in a chroot that tools/cpython314_chroot.sh makes
   (.matrix/sid314, under a minute), and the free-threaded 3.13t is built
   by tools/build_313t.sh (.matrix/cpython3.13t, about 8 minutes). Both
   start in the background at once and are kept for the next run; by hand,
   3.13t is skipped (loudly) until built or asked for with --build-313t or
   BACKPORTS_WEAKREF_BUILD_313T=1, while under CI=true it is always built;
3. the wheel and the sdist are built once, into .matrix/dist;
4. per interpreter, two at a time: a fresh environment gets the built wheel
   (never the source tree) and the newest pytest (and hypothesis) that
   interpreter supports; pytest then runs tests/ from an empty working
   directory, so ``src/`` is not importable and the installed copy is the one
   under test. The packaging tests get the wheel, the sdist, other
   ``backports.*`` distributions downloaded once per interpreter into
   .matrix/siblings/NAME, and the python whose bundled pip they must use,
   through BACKPORTS_WEAKREF_* environment variables;
5. each run's output goes to .matrix/logs/NAME.log; a table and pytest's
   closing line, summed over all interpreters, end the output. The exit status
   is 1 when any interpreter failed, errored, ran no test or was missing.

Why a plain script rather than tox or nox: the newest tox, nox and virtualenv
no longer create 2.7-3.8 environments, so either would pin old versions of
itself; neither knows Jython, which has no pip and no venv and reads
JYTHONPATH; and on these 2-core machines tox 4.5 (-p auto) took 143 s and nox
171 s for CPython and PyPy alone, where this script's approach (uv for 3.6+
and PyPy, virtualenv for 2.7, two at a time) took about 2 minutes including
apt-get and Jython. Interpreters are data (INTERPRETERS below): a name, how to
find it, how to make its environment, what to install and how to run pytest.
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Dict, List, Optional

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / ".matrix"
TOOLS = CACHE / "tools"
DIST = CACHE / "dist"
LOGS = CACHE / "logs"
ENVS = CACHE / "envs"
WORK = CACHE / "work"
SIBLINGS = CACHE / "siblings"

TOOL_REQUIREMENTS = ["build", "uv", "virtualenv<20.22"]

# Downloaded once per interpreter for tests/test_packaging.py, which installs
# them offline. A marker keeps a distribution off the interpreters it does not
# install on: backports.tarfile needs 3.8+; backports.zoneinfo 0.2.1 has
# wheels for 3.6-3.8 only and its C code does not build on 3.9+.
SIBLING_REQUIREMENTS = [
    "backports.functools_lru_cache",
    "configparser",
    'backports.tarfile; python_version >= "3.8"',
    'backports.zoneinfo; python_version >= "3.6" and python_version < "3.9"',
    "backports.weakref==1.0.post1",
]
# With their dependencies: they let pip build the sdist without an index.
BUILD_REQUIREMENTS = ["setuptools>=40.8", "wheel"]

TAIL_LINES = 40


# --- finding interpreters ----------------------------------------------------

def pyenv_root() -> Path:
    if os.environ.get("PYENV_ROOT"):
        return Path(os.environ["PYENV_ROOT"])
    try:
        out = subprocess.run(["pyenv", "root"], capture_output=True,
                             text=True, check=True).stdout.strip()
        return Path(out)
    except (OSError, subprocess.CalledProcessError):
        return Path.home() / ".pyenv"


def pyenv_python(series: str) -> Callable[[], Optional[str]]:
    """A finder for the newest pyenv CPython X.Y.Z of *series* "X.Y"."""
    def find() -> Optional[str]:
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
    return find


def on_path(command: str) -> Callable[[], Optional[str]]:
    def find() -> Optional[str]:
        return shutil.which(command)
    return find


# --- environments --------------------------------------------------------------

@dataclass
class Env:
    python: List[str]          # the command that runs the environment's python
    environ: Dict[str, str] = field(default_factory=dict)
    pip_python: Optional[str] = None   # a python whose own pip is the shipped one
    # What runs a command where the environment lives (the 3.14 chroot);
    # python[0] and pip_python are paths there.
    prefix: List[str] = field(default_factory=list)


class Job:
    """One interpreter's run: its paths, its log, its commands."""

    def __init__(self, interpreter, base: str, wheel: Path, sdist: Path):
        self.interpreter = interpreter
        self.name = interpreter.name
        self.base = base
        self.wheel = wheel
        self.sdist = sdist
        self.env_dir = ENVS / self.name
        self.work_dir = WORK / self.name
        self.log_path = LOGS / (self.name + ".log")
        self.log = None

    def run(self, command, check=True, cwd=None, environ=None, capture=False):
        """Run *command*, its output into the log; return (rc, output)."""
        env = clean_environ()
        for name, value in (environ or {}).items():
            if value is None:
                env.pop(name, None)
            else:
                env[name] = value
        self.log.write("\n$ " + " ".join(str(part) for part in command) + "\n")
        self.log.flush()
        process = subprocess.Popen(
            [str(part) for part in command], cwd=cwd, env=env,
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT, text=True, errors="replace")
        lines = []
        for line in process.stdout:
            self.log.write(line)
            if capture:
                lines.append(line)
        process.wait()
        self.log.write("[exit %d]\n" % process.returncode)
        self.log.flush()
        if check and process.returncode != 0:
            raise StepFailed("%s exited %d" % (Path(str(command[0])).name,
                                               process.returncode))
        return process.returncode, "".join(lines)


class StepFailed(Exception):
    pass


def clean_environ() -> Dict[str, str]:
    """This process's environment without what would leak into a child
    interpreter: a PYTHONPATH (src/ must not become importable) or an
    active virtualenv."""
    env = dict(os.environ)
    for name in ("PYTHONPATH", "JYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV",
                 "PYENV_VERSION"):
        env.pop(name, None)
    env["PYTHONDONTWRITEBYTECODE"] = "1"   # parallel runs share tests/
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    env["PIP_NO_INPUT"] = "1"
    return env


def tool(name: str) -> str:
    return str(TOOLS / "bin" / name)


def uv_env(job: Job) -> Env:
    """A uv virtual environment: fast, and it still handles 3.6 and PyPy."""
    job.run([tool("uv"), "venv", "--python", job.base, job.env_dir])
    python = str(job.env_dir / "bin" / "python")
    install = [tool("uv"), "pip", "install", "--python", python]
    job.run(install + [job.wheel] + job.interpreter.requirements)
    for requirement in job.interpreter.optional:
        job.run(install + [requirement], check=False)
    return Env([python], pip_python=job.base)


def virtualenv_env(job: Job) -> Env:
    """virtualenv<20.22 with its pip 20.3: uv does not install for 2.7."""
    job.run([tool("python"), "-m", "virtualenv", "--quiet",
             "--python", job.base, job.env_dir])
    python = str(job.env_dir / "bin" / "python")
    install = [python, "-m", "pip", "install"]
    job.run(install + [job.wheel] + job.interpreter.requirements)
    for requirement in job.interpreter.optional:
        job.run(install + [requirement], check=False)
    return Env([python], pip_python=job.base)


def uv_env_only_binary(job: Job) -> Env:
    """uv_env, but the optional packages (hypothesis) only from wheels:
    3.13t's newest hypothesis that has a wheel, rather than an sdist that
    needs a build dependency these machines cannot fetch."""
    job.run([tool("uv"), "venv", "--python", job.base, job.env_dir])
    python = str(job.env_dir / "bin" / "python")
    install = [tool("uv"), "pip", "install", "--python", python]
    job.run(install + [job.wheel] + job.interpreter.requirements)
    for requirement in job.interpreter.optional:
        name = re.split(r"[<>=!;\[ ]", requirement)[0]
        job.run(install + ["--only-binary", name, requirement], check=False)
    return Env([python], pip_python=job.base)


def with_shipped_pip_venv(make_env: Callable[[Job], Env]) -> Callable[[Job], Env]:
    """For a base python whose own pip must not install (Debian's pypy3 is
    "externally managed"): the packaging tests use the pip that the stdlib's
    venv bundles with it instead."""
    def make(job: Job) -> Env:
        env = make_env(job)
        shipped = job.env_dir.parent / (job.name + "-shipped-pip")
        shutil.rmtree(shipped, ignore_errors=True)
        job.run([job.base, "-m", "venv", shipped])
        env.pip_python = str(shipped / "bin" / "python")
        return env
    return make


def jython_env(job: Job) -> Env:
    """Debian's jython has neither pip nor venv, and reads JYTHONPATH: a
    2.7 virtualenv's pip installs the pure-Python wheels into a folder."""
    base27 = INTERPRETERS_BY_NAME["cpython2.7"].find()
    if base27 is None:
        raise StepFailed("jython needs CPython 2.7's pip, and 2.7 is missing")
    helper = job.env_dir / "pip27"
    site = job.env_dir / "site-packages"
    job.run([tool("python"), "-m", "virtualenv", "--quiet",
             "--python", base27, helper])
    job.run([helper / "bin" / "python", "-m", "pip", "install",
             "--target", site, job.wheel] + job.interpreter.requirements)
    for requirement in job.interpreter.optional:
        job.run([helper / "bin" / "python", "-m", "pip", "install",
                 "--target", site, requirement], check=False)
    return Env([job.base], environ={"JYTHONPATH": str(site)})


def chroot314_env(job: Job) -> Env:
    """CPython 3.14 in Debian sid's chroot (tools/cpython314_chroot.sh): a
    venv made inside it by its own python3.14 -m venv, whose bundled pip
    installs the wheel and is the shipped pip the packaging tests use.
    Every command runs through the chroot script's `run`."""
    prefix = ["bash", str(ROOT / "tools" / "cpython314_chroot.sh"), "run",
              job.base]
    job.run(prefix + ["python3.14", "-m", "venv", job.env_dir])
    python = str(job.env_dir / "bin" / "python")
    install = prefix + [python, "-m", "pip", "install", "--quiet"]
    job.run(install + [job.wheel] + job.interpreter.requirements)
    for requirement in job.interpreter.optional:
        job.run(install + [requirement], check=False)
    return Env(prefix + [python], pip_python=python, prefix=prefix)


# --- interpreters the matrix makes itself ---------------------------------------

class Skip(Exception):
    """An interpreter left out on purpose (reported, not a failure)."""


def provision_log(name: str) -> Path:
    LOGS.mkdir(parents=True, exist_ok=True)
    return LOGS / ("provision-%s.log" % name)


def provision(name: str, command: List[str]) -> bool:
    """Run a provisioning script (idempotent, locked), its output to
    .matrix/logs/provision-NAME.log; True when it succeeded."""
    with open(provision_log(name), "a", encoding="utf-8") as log:
        log.write("\n$ " + " ".join(command) + "\n")
        log.flush()
        env = clean_environ()
        env["DEBIAN_FRONTEND"] = "noninteractive"
        rc = subprocess.run(command, stdin=subprocess.DEVNULL, stdout=log,
                            stderr=subprocess.STDOUT, env=env).returncode
        log.write("[exit %d]\n" % rc)
    return rc == 0


SID314 = CACHE / "sid314"
PY313T = CACHE / "cpython3.13t"
BUILD_313T_ENV = "BACKPORTS_WEAKREF_BUILD_313T"


def find_chroot314() -> Optional[str]:
    """The sid chroot's folder (made when missing: about 40 s)."""
    if not provision("cpython3.14", ["bash", str(ROOT / "tools" /
                                             "cpython314_chroot.sh"),
                                     "create", str(SID314)]):
        print_tail(provision_log("cpython3.14"))
        return None
    return str(SID314)


def may_build_313t() -> bool:
    """CI builds 3.13t; by hand only when asked (--build-313t or
    BACKPORTS_WEAKREF_BUILD_313T=1), since it takes about 8 minutes."""
    return (os.environ.get("CI", "").lower() in ("1", "true", "yes")
            or os.environ.get(BUILD_313T_ENV, "") not in ("", "0"))


def find_313t() -> Optional[str]:
    python = PY313T / "bin" / "python3.13t"
    built = (PY313T / ".complete").exists()
    # A build already under way (.ci/run starts one in the background)
    # holds the lock: waiting for it costs less than starting over.
    if not built and not may_build_313t() and not build_313t_running():
        raise Skip("not built: free-threaded 3.13t takes about 8 minutes "
                   "to build; run with --build-313t (or %s=1) to build it "
                   "into %s" % (BUILD_313T_ENV, os.path.relpath(PY313T, ROOT)))
    if not provision("cpython3.13t", ["bash", str(ROOT / "tools" /
                                              "build_313t.sh"), str(PY313T)]):
        print_tail(provision_log("cpython3.13t"))
        return None
    return str(python)


def build_313t_running() -> bool:
    lock = CACHE / "build-313t" / "lock"
    if not lock.exists():
        return False
    import fcntl
    with open(lock, "a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return True
        fcntl.flock(handle, fcntl.LOCK_UN)
    return False


# --- the interpreters ------------------------------------------------------------

@dataclass
class Interpreter:
    name: str                                  # what --only selects
    find: Callable[[], Optional[str]]          # the base interpreter, or None
    make_env: Callable[[Job], Env]             # a fresh environment with the wheel
    requirements: List[str]                    # must install: pytest
    optional: List[str] = field(default_factory=list)   # tried: hypothesis
    pytest_args: List[str] = field(default_factory=list)
    environ: Dict[str, str] = field(default_factory=dict)   # for its pytest
    apt_package: Optional[str] = None          # apt-get installs it when missing


def cpython(series: str, pytest: str, hypothesis: str = "hypothesis",
            make_env=uv_env, environ=None) -> Interpreter:
    return Interpreter("cpython" + series, pyenv_python(series), make_env,
                       [pytest], [hypothesis], environ=environ or {})


# Newest pytest per interpreter: 4.6 is the last for 2.7, 7.0 for 3.6, 7.4
# for 3.7. Hypothesis 4.57 is the last for 2.7; pip or uv picks the newest
# one each 3.x supports.
INTERPRETERS = [
    cpython("2.7", "pytest>=4.6,<4.7", "hypothesis<5", make_env=virtualenv_env),
    cpython("3.6", "pytest>=7.0,<7.1"),
    cpython("3.7", "pytest>=7.4,<7.5"),
    cpython("3.8", "pytest>=8"),
    cpython("3.9", "pytest>=8"),
    cpython("3.10", "pytest>=8"),
    # tests/test_readme.py runs the README's install command from a clean
    # clone once: with 3.11, python3 on these machines.
    cpython("3.11", "pytest>=8",
            environ={"BACKPORTS_WEAKREF_README_TEST": "1"}),
    cpython("3.12", "pytest>=8"),
    cpython("3.13", "pytest>=8"),
    # Debian sid's 3.14 in a chroot (tools/cpython314_chroot.sh).
    Interpreter("cpython3.14", find_chroot314, chroot314_env,
                ["pytest>=8"], ["hypothesis"]),
    # Free-threaded 3.13 built from Debian trixie's source tarball
    # (tools/build_313t.sh). PYTHON_GIL=0 keeps the GIL off even should an
    # extension module not declare itself free-threading safe; the thread
    # churn tests run longer and with more threads than on GIL builds.
    Interpreter("cpython3.13t", find_313t, uv_env_only_binary,
                ["pytest>=8"], ["hypothesis"],
                environ={"PYTHON_GIL": "0",
                         "BACKPORTS_WEAKREF_STRESS_SECONDS": "10",
                         "BACKPORTS_WEAKREF_STRESS_THREADS": "8"}),
    Interpreter("pypy3", on_path("pypy3"), with_shipped_pip_venv(uv_env),
                ["pytest>=8"], ["hypothesis"], apt_package="pypy3"),
    # No hypothesis on Jython: 4.57's import fails there ('tablecode' object
    # has no attribute 'co_stacksize'), so tests that importorskip it skip.
    # Should it ever come in as a dependency, its plugin stays off.
    Interpreter("jython", on_path("jython"), jython_env,
                ["pytest>=4.6,<4.7"], [],
                pytest_args=["-p", "no:hypothesispytest"],
                apt_package="jython"),
]
INTERPRETERS_BY_NAME = {interpreter.name: interpreter
                        for interpreter in INTERPRETERS}

# The slowest start first, so the two workers finish together; those the
# matrix makes itself last, so their chroot and build (started at once in the
# background) overlap the other interpreters' runs.
SLOW_FIRST = ["jython", "cpython2.7", "pypy3"]
PROVISIONED_LAST = ["cpython3.14", "cpython3.13t"]


# --- one interpreter's run -------------------------------------------------------

@dataclass
class Result:
    name: str
    version: str = "-"
    counts: Dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    problem: str = ""          # empty when the interpreter passed
    skipped: str = ""          # why it was left out on purpose

    def count(self, *words) -> int:
        return sum(self.counts.get(word, 0) for word in words)


SUMMARY_LINE = re.compile(r"^=+ (.*\bin [\d.]+ ?s.*?) =+$")
COUNT = re.compile(r"(\d+) (passed|failed|skipped|xfailed|xpassed|errors?|"
                   r"deselected|warnings?)")


def parse_summary(output: str) -> Optional[Dict[str, int]]:
    """pytest's closing "== 3 passed, 1 skipped in 0.5s ==" as counts."""
    for line in reversed(output.splitlines()):
        match = SUMMARY_LINE.match(line.strip())
        if match:
            counts = {}
            for number, word in COUNT.findall(match.group(1)):
                word = {"error": "errors", "warning": "warnings"}.get(word, word)
                counts[word] = counts.get(word, 0) + int(number)
            return counts
    return None


def pytest_targets(extra: List[str]) -> List[str]:
    """Paths among pytest's extra arguments are the repository's: make them
    absolute, since pytest runs elsewhere; tests/ when none is given."""
    args, has_path = [], False
    for arg in extra:
        candidate = ROOT / arg.split("::")[0]
        if not arg.startswith("-") and candidate.exists():
            args.append(str(ROOT / arg))
            has_path = True
        else:
            args.append(arg)
    return ([] if has_path else [str(ROOT / "tests")]) + args


def sibling_folder(job: Job, pip_python: List[str]) -> Path:
    """Download the other backports.* distributions once per interpreter."""
    folder = SIBLINGS / job.name
    done = folder / ".complete"
    wanted = "\n".join(SIBLING_REQUIREMENTS + BUILD_REQUIREMENTS)
    if done.exists() and done.read_text() == wanted:
        return folder
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    download = pip_python + ["-m", "pip", "download", "--dest", folder]
    # PyPI alone: a local mirror's pages that lack Requires-Python make old
    # pips pick releases their interpreter cannot install.
    from_pypi = {"PIP_CONFIG_FILE": os.devnull, "PIP_FIND_LINKS": None,
                 "PIP_INDEX_URL": None, "PIP_EXTRA_INDEX_URL": None}
    missing = []
    for requirement in SIBLING_REQUIREMENTS:
        rc, out = job.run(download + ["--no-deps", requirement], check=False,
                          environ=from_pypi, capture=True)
        # A marker that excludes this interpreter leaves pip nothing to do,
        # which it reports as an error.
        if rc and "Ignoring " not in out:
            missing.append(requirement)
    rc, _ = job.run(download + BUILD_REQUIREMENTS, check=False,
                    environ=from_pypi)
    if rc:
        missing += BUILD_REQUIREMENTS
    if not missing:   # try again next time if the registry said no
        done.write_text(wanted)
    return folder


def run_interpreter(interpreter: Interpreter, wheel: Path, sdist: Path,
                    extra: List[str]) -> Result:
    result = Result(interpreter.name)
    started = time.monotonic()
    try:
        base = interpreter.find()
    except Skip as skip:
        result.skipped = str(skip)
        return result
    if base is None:
        result.problem = "missing"
        result.seconds = time.monotonic() - started
        return result
    job = Job(interpreter, base, wheel, sdist)
    with open(job.log_path, "w", encoding="utf-8") as log:
        job.log = log
        try:
            shutil.rmtree(job.env_dir, ignore_errors=True)
            shutil.rmtree(job.work_dir, ignore_errors=True)
            job.work_dir.mkdir(parents=True)
            env = interpreter.make_env(job)
            _, out = job.run(env.python + ["-c", CHECK_INSTALLED],
                             cwd=job.work_dir, environ=env.environ,
                             capture=True)
            lines = out.strip().splitlines()
            result.version = lines[0] if lines else "?"
            location = lines[-1] if lines else ""
            if str(ROOT / "src") in location:
                raise StepFailed("imports the source tree, not the wheel")
            environ = dict(env.environ)
            environ.update(interpreter.environ)
            environ.update({
                "BACKPORTS_WEAKREF_WHEEL": str(wheel),
                "BACKPORTS_WEAKREF_SDIST": str(sdist),
            })
            if env.pip_python:
                environ["BACKPORTS_WEAKREF_PIP_PYTHON"] = env.pip_python
                environ["BACKPORTS_WEAKREF_SIBLINGS"] = str(
                    sibling_folder(job, env.prefix + [env.pip_python]))
            # One module that fails to import must not hide the others'
            # results: its error still counts, and fails the interpreter.
            command = (env.python + ["-m", "pytest", "-p", "no:cacheprovider",
                                     "-ra", "--continue-on-collection-errors"]
                       + interpreter.pytest_args + pytest_targets(extra))
            rc, out = job.run(command, check=False, cwd=job.work_dir,
                              environ=environ, capture=True)
            counts = parse_summary(out)
            result.counts = counts or {}
            if counts is None:
                result.problem = "no pytest summary (exit %d)" % rc
            elif not result.count("passed", "failed", "errors", "xpassed"):
                result.problem = "ran no test (exit %d)" % rc
            elif rc != 0:
                result.problem = "pytest exit %d" % rc
        except StepFailed as error:
            result.problem = str(error)
        except Exception as error:   # a bug here must not hide the others
            result.problem = "matrix error: %s: %s" % (type(error).__name__,
                                                       error)
            log.write("\n%s\n" % result.problem)
        finally:
            result.seconds = time.monotonic() - started
            log.write("\n[%s in %.0f s]\n" % (result.problem or "passed",
                                               result.seconds))
    return result


CHECK_INSTALLED = (
    "import platform, backports.weakref as bw; "
    "print('%s %s' % (platform.python_implementation(), "
    "platform.python_version())); print(bw.__file__)")


# --- set-up shared by all interpreters ---------------------------------------------

def say(message: str) -> None:
    print(message, flush=True)


def shared_run(command, log_name: str, environ=None, fatal=True) -> bool:
    """Run a set-up step; on failure print its log's tail and exit (or
    return False when it is not *fatal*)."""
    LOGS.mkdir(parents=True, exist_ok=True)
    log_path = LOGS / log_name
    env = clean_environ()
    env.update(environ or {})
    with open(log_path, "a", encoding="utf-8") as log:
        log.write("\n$ " + " ".join(str(part) for part in command) + "\n")
        log.flush()
        rc = subprocess.run([str(part) for part in command], env=env,
                            stdin=subprocess.DEVNULL, stdout=log,
                            stderr=subprocess.STDOUT).returncode
    if rc != 0:
        print_tail(log_path)
        if not fatal:
            say("matrix: %s failed (exit %d); going on without it"
                % (" ".join(str(part) for part in command[:4]), rc))
            return False
        sys.exit("matrix: %s failed (exit %d); log: %s"
                 % (" ".join(str(part) for part in command[:4]), rc, log_path))
    return True


def ensure_tools() -> None:
    marker = TOOLS / ".requirements"
    wanted = "\n".join(TOOL_REQUIREMENTS)
    if marker.exists() and marker.read_text() == wanted:
        return
    say("matrix: setting up build, uv and virtualenv in %s"
        % TOOLS.relative_to(ROOT))
    shutil.rmtree(TOOLS, ignore_errors=True)
    shared_run([sys.executable, "-m", "venv", TOOLS], "tools.log")
    shared_run([tool("python"), "-m", "pip", "install", "--quiet"]
               + TOOL_REQUIREMENTS, "tools.log")
    marker.write_text(wanted)


def ensure_apt_packages(selected: List[Interpreter]) -> None:
    packages = [interpreter.apt_package for interpreter in selected
                if interpreter.apt_package and interpreter.find() is None]
    if not packages:
        return
    say("matrix: apt-get install %s" % " ".join(packages))
    # The chroot and 3.13t scripts may be running apt-get too: one lock.
    sudo = ["flock", str(CACHE / "apt.lock")]
    if os.geteuid() != 0:
        sudo += ["sudo", "-n"]
    environ = {"DEBIAN_FRONTEND": "noninteractive"}
    # Not fatal: what did not install is reported as missing at the end.
    if shared_run(sudo + ["apt-get", "update"], "apt.log", environ,
                  fatal=False):
        shared_run(sudo + ["apt-get", "install", "-y", "-o",
                           "DPkg::Lock::Timeout=600"] + packages, "apt.log",
                   environ, fatal=False)


def build_dists():
    """The wheel and sdist, once, from the working tree."""
    shutil.rmtree(DIST, ignore_errors=True)
    build_log = LOGS / "build.log"
    if build_log.exists():
        build_log.unlink()
    shared_run([tool("python"), "-m", "build", "--installer", "uv",
                "--outdir", DIST, ROOT], "build.log")
    wheels = sorted(DIST.glob("*.whl"))
    sdists = sorted(DIST.glob("*.tar.gz"))
    if len(wheels) != 1 or len(sdists) != 1:
        sys.exit("matrix: expected one wheel and one sdist in %s" % DIST)
    return wheels[0], sdists[0]


# --- reporting ---------------------------------------------------------------------

def print_tail(log_path: Path, lines: int = TAIL_LINES) -> None:
    try:
        text = log_path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return
    print("---- last %d lines of %s ----" % (lines, log_path.relative_to(ROOT)))
    print("\n".join(text.splitlines()[-lines:]))
    print("---- end of %s ----" % log_path.name)


def print_table(results: List[Result]) -> None:
    header = ("interpreter", "version", "passed", "failed",
              "skipped/xfailed", "errors", "seconds", "status")
    rows = [header]
    for result in results:
        rows.append((
            result.name, result.version,
            str(result.count("passed", "xpassed")), str(result.count("failed")),
            str(result.count("skipped", "xfailed")), str(result.count("errors")),
            "%.0f" % result.seconds,
            result.problem or ("SKIPPED" if result.skipped else "ok")))
    widths = [max(len(row[column]) for row in rows)
              for column in range(len(header))]
    for index, row in enumerate(rows):
        cells = [cell.ljust(width) if column < 2 or column == 7
                 else cell.rjust(width)
                 for column, (cell, width) in enumerate(zip(row, widths))]
        print("  ".join(cells).rstrip())
        if index == 0:
            print("  ".join("-" * width for width in widths).rstrip())


def closing_line(results: List[Result]) -> str:
    """Everything summed, as pytest's "N passed, N failed[, N skipped]".

    Errors count as failures, xfailed as skipped; an interpreter that broke
    without a pytest summary (missing, no environment, no test) counts as
    one failure, so the line never looks green when the exit status is not.
    """
    passed = sum(result.count("passed", "xpassed") for result in results)
    failed = sum(result.count("failed", "errors") for result in results)
    failed += sum(1 for result in results
                  if result.problem and not result.count("failed", "errors"))
    skipped = sum(result.count("skipped", "xfailed") for result in results)
    line = "%d passed, %d failed" % (passed, failed)
    if skipped:
        line += ", %d skipped" % skipped
    return line


# --- main ----------------------------------------------------------------------------

def parse_args(argv: List[str]):
    extra: List[str] = []
    if "--" in argv:
        at = argv.index("--")
        argv, extra = argv[:at], argv[at + 1:]
    parser = argparse.ArgumentParser(
        description="Run the test suite on every supported interpreter.",
        epilog="Arguments after -- go to pytest. Interpreters: "
        + ", ".join(INTERPRETERS_BY_NAME))
    parser.add_argument("--only", metavar="NAME[,NAME]",
                        help="run only these interpreters")
    parser.add_argument("--jobs", type=int, default=2,
                        help="interpreters run at once (default: 2)")
    parser.add_argument("--build-313t", action="store_true",
                        help="build free-threaded 3.13t when it is not "
                        "built yet (about 8 minutes; the default under "
                        "CI=true, or with %s=1)" % BUILD_313T_ENV)
    args = parser.parse_args(argv)
    if args.only:
        names = [name.strip() for name in args.only.split(",") if name.strip()]
        unknown = [name for name in names if name not in INTERPRETERS_BY_NAME]
        if unknown:
            parser.error("unknown interpreter(s): %s (known: %s)"
                         % (", ".join(unknown), ", ".join(INTERPRETERS_BY_NAME)))
        args.selected = [INTERPRETERS_BY_NAME[name] for name in names]
    else:
        args.selected = list(INTERPRETERS)
    if args.jobs < 1:
        parser.error("--jobs must be at least 1")
    if args.build_313t:
        os.environ[BUILD_313T_ENV] = "1"
    return args, extra


def start_provisioning(selected: List[Interpreter]) -> List[threading.Thread]:
    """Start making the chroot and the 3.13t build in the background, so
    they overlap the other interpreters; their find() then waits for them
    (the scripts' locks make the second call wait, then return at once)."""
    threads = []
    names = [interpreter.name for interpreter in selected]
    if "cpython3.14" in names:
        threads.append(threading.Thread(target=find_chroot314, daemon=True))
    if "cpython3.13t" in names and (may_build_313t()
                                    or (PY313T / ".complete").exists()):
        threads.append(threading.Thread(target=find_313t, daemon=True))
    for thread in threads:
        thread.start()
    if threads:
        say("matrix: making %s in the background (logs: "
            ".matrix/logs/provision-*.log)" % " and ".join(
                name for name in ("cpython3.14", "cpython3.13t")
                if name in names))
    return threads


def main(argv: List[str]) -> int:
    args, extra = parse_args(argv)
    started = time.monotonic()
    for folder in (LOGS, ENVS, WORK, SIBLINGS):
        folder.mkdir(parents=True, exist_ok=True)
    provisioning = start_provisioning(args.selected)
    ensure_apt_packages(args.selected)
    ensure_tools()
    say("matrix: building the wheel and sdist (log: .matrix/logs/build.log)")
    wheel, sdist = build_dists()
    say("matrix: built %s and %s" % (wheel.name, sdist.name))

    order = sorted(args.selected, key=lambda interpreter: (
        interpreter.name in PROVISIONED_LAST,
        interpreter.name not in SLOW_FIRST,
        SLOW_FIRST.index(interpreter.name) if interpreter.name in SLOW_FIRST
        else 0))
    lock = threading.Lock()

    def one(interpreter: Interpreter) -> Result:
        result = run_interpreter(interpreter, wheel, sdist, extra)
        with lock:
            say("matrix: [%4.0f s] %-11s %s" % (
                time.monotonic() - started, result.name,
                result.problem or "%d passed" % result.count("passed")))
        return result

    say("matrix: running %d interpreter(s), %d at a time (logs: .matrix/logs/)"
        % (len(order), args.jobs))
    with ThreadPoolExecutor(max_workers=args.jobs) as pool:
        finished = {result.name: result for result in pool.map(one, order)}
    for thread in provisioning:
        thread.join()
    results = [finished[interpreter.name] for interpreter in args.selected]

    for result in results:
        if result.problem:
            log_path = LOGS / (result.name + ".log")
            print()
            say("matrix: %s: %s" % (result.name, result.problem))
            print_tail(log_path)
    skipped = [result for result in results if result.skipped]
    for result in skipped:
        print()
        say("matrix: " + "!" * 70)
        say("matrix: !! %s SKIPPED: %s" % (result.name, result.skipped))
        say("matrix: " + "!" * 70)
    print()
    print_table(results)
    print()
    say("matrix: %d interpreter(s) in %.0f s"
        % (len(results), time.monotonic() - started))
    say(closing_line(results))
    return 1 if any(result.problem for result in results) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
