#!/usr/bin/env python3
"""Run the test suite on every interpreter backports.weakref supports.

    python3 tools/matrix.py                         # the whole matrix
    python3 tools/matrix.py --only cpython2.7,jython2.7
    python3 tools/matrix.py --jobs 1 -- -x -k finalize   # after "--": pytest's
    python3 tools/matrix.py --provision-only        # make what it needs, run nothing

The interpreters are data, in tools/interpreters.json: each one's name, what
it is, where the matrix gets it, how its environment is made, what it
installs and how its pytest runs.

Steps, all kept under .matrix/ (gitignored):

1. what the matrix makes itself starts at once, in the background, and is
   kept for the next run: apt-get of the host packages (pypy3, jython);
   Debian sid's chroot (tools/sid_chroot.sh, .matrix/sid) for CPython 3.14,
   3.15 and PyPy 3.11, out of which CPython's own test_weakref.py,
   test_weakset.py, mapping_tests.py, weakref.py and _weakrefset.py are
   copied into .matrix/cpython-suites/X.Y/, for the newest release the
   package mirrors (NEWEST in src/backports/weakref/_specification.py) and
   the one before; then, the chroot done, the free-threaded 3.13t
   (tools/build_313t.sh, about 8 minutes, once per machine: a clone's
   .matrix/cpython3.13t links to ~/.cache/backports-weakref), which by
   hand, when this machine has none, is skipped,
   loudly, until built or asked for with --build or BACKPORTS_WEAKREF_BUILD=1,
   and under CI=true always built;
2. tooling: a venv made with the running python3 holding build, uv and
   virtualenv<20.22 (the last virtualenv that still creates 2.7 and 3.6
   environments);
3. the release set is built once, into .matrix/dist: the sdist and the
   universal wheel first, then each CPython's manylinux1 wheel by that
   CPython's job, as tools/build_wheels.py builds them for a release;
4. per interpreter, two at a time: a fresh environment gets the package as
   a user does, ``pip install --no-index --find-links .matrix/dist
   backports.weakref`` (never the source tree; Jython: the universal wheel
   through 2.7's pip --target), and ``python -m backports.weakref`` must
   name the core expected there (compiled on every CPython); then the
   newest pytest (and hypothesis) that interpreter supports. pytest then
   runs tests/ from an empty working directory, so ``src/`` is not
   importable and the installed copy is the one under test, once: on
   CPython its container tests run on the compiled core and on the pure
   twin in that one process (tests/cores.py), and
   BACKPORTS_WEAKREF_EXPECT_CORE makes the run fail if the package falls
   back to the twin. Every run gets the CPython suites' folders, newest
   first, in BACKPORTS_WEAKREF_CPYTHON_SUITES. The packaging tests get
   the release set, the wheel, the sdist, other ``backports.*``
   distributions downloaded once per interpreter into
   .matrix/siblings/NAME, and the python whose bundled pip they must use,
   through BACKPORTS_WEAKREF_* environment variables;
5. each interpreter's steps go to .matrix/logs/NAME.log, each provisioning
   step's to .matrix/logs/provision-NAME.log, every log rewritten by each
   run; a table and pytest's closing line, summed over all interpreters, end
   the output. The exit status is 1 when any interpreter failed, errored,
   ran no test or was missing.

Why a plain script rather than tox or nox: the newest tox, nox and virtualenv
no longer create 2.7-3.8 environments, so either would pin old versions of
itself; neither knows Jython, which has no pip and no venv and reads
JYTHONPATH, nor a chroot; and on these 2-core machines tox 4.5 (-p auto) took
143 s and nox 171 s for CPython and PyPy alone, where this script's approach
(uv for 3.6+ and PyPy, virtualenv for 2.7, two at a time) took about 2
minutes including apt-get and Jython.
"""
import argparse
import fcntl
import hashlib
import os
import re
import shutil
import subprocess
import sys
import threading
import time
import zipfile
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Dict, List, Optional, TextIO, Tuple

import interpreters as declared
from interpreters import ROOT, Interpreter, Located

CACHE = ROOT / ".matrix"
TOOLS = CACHE / "tools"
DIST = CACHE / "dist"
ENVS = CACHE / "envs"
WORK = CACHE / "work"
SIBLINGS = CACHE / "siblings"
SUITES = CACHE / "cpython-suites"
LOGS = CACHE / "logs"

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

# CPython's own tests of weakref (Lib/test/) and its modules (Lib/), for the
# conformance tests, of this many releases: the newest mirrored and the one
# before, newest first.
SUITE_RELEASES = 2
SUITE_TESTS = ["test_weakref.py", "test_weakset.py", "mapping_tests.py"]
SUITE_MODULES = ["weakref.py", "_weakrefset.py"]
SUITES_VARIABLE = "BACKPORTS_WEAKREF_CPYTHON_SUITES"

BUILD_VARIABLE = "BACKPORTS_WEAKREF_BUILD"
TAIL_LINES = 40

INTERPRETERS = declared.load()
INTERPRETERS_BY_NAME = {interpreter.name: interpreter
                        for interpreter in INTERPRETERS}
CHROOTS = declared.chroots()


# --- the core each interpreter's run must import ---------------------------------

EXPECT_CORE_VARIABLE = "BACKPORTS_WEAKREF_EXPECT_CORE"
NO_EXTENSIONS_VARIABLE = "BACKPORTS_WEAKREF_NO_EXTENSIONS"


def has_compiled_core(interpreter: Interpreter) -> bool:
    return interpreter.implementation == "CPython"


def expected_core(interpreter: Interpreter) -> str:
    """CPython installs its own wheel, whose compiled core the package must
    import, and its run tests the pure twin beside it in the same process
    (tests/cores.py); PyPy and Jython install the universal wheel: the twin
    alone. tests/test_core.py fails a run whose package imports another."""
    return "compiled" if has_compiled_core(interpreter) else "pure"


# --- running commands into logs ---------------------------------------------------

class StepFailed(Exception):
    """A step of an interpreter's run failed; *log* says why."""

    def __init__(self, message: str, log: Optional[Path] = None):
        super().__init__(message)
        self.log = log


class Skip(Exception):
    """An interpreter left out on purpose (reported, not a failure)."""


def clean_environ() -> Dict[str, str]:
    """This process's environment without what would leak into a child
    interpreter: a PYTHONPATH (src/ must not become importable) or an
    active virtualenv."""
    env = dict(os.environ)
    for name in ("PYTHONPATH", "JYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV",
                 "PYENV_VERSION",
                 NO_EXTENSIONS_VARIABLE,  # would switch the compiled core off
                 EXPECT_CORE_VARIABLE):   # the matrix sets it per interpreter
        env.pop(name, None)
    env["PYTHONDONTWRITEBYTECODE"] = "1"   # parallel runs share tests/
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    env["PIP_NO_INPUT"] = "1"
    env["DEBIAN_FRONTEND"] = "noninteractive"
    return env


def open_log(name: str) -> TextIO:
    """A log of this run: each is written by one step, so a run never shows
    an earlier run's lines."""
    LOGS.mkdir(parents=True, exist_ok=True)
    return open(LOGS / (name + ".log"), "w", encoding="utf-8")


# The CPU time of the commands run into each log, by its path: on a shared
# machine, what a step costs is its CPU time, not its wall time.
CPU_SECONDS: Dict[str, float] = {}
CPU_SECONDS_LOCK = threading.Lock()


def cpu_seconds(log_path) -> float:
    with CPU_SECONDS_LOCK:
        return CPU_SECONDS.get(str(log_path), 0.0)


def run_logged(log: TextIO, command, check=True, cwd=None,
               environ=None) -> Tuple[int, str]:
    """Run *command*, its output into *log*; (exit status, output). An
    *environ* value of None removes the variable."""
    env = clean_environ()
    for name, value in (environ or {}).items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = str(value)
    command = [str(part) for part in command]
    log.write("\n$ " + " ".join(command) + "\n")
    log.flush()
    started = time.monotonic()
    process = subprocess.Popen(
        command, cwd=cwd, env=env, stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        errors="replace")
    lines = []
    for line in process.stdout:
        log.write(line)
        log.flush()   # so that a long step can be followed with tail -f
        lines.append(line)
    # wait4: the CPU time of the command and of every process it waited for.
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    cpu = usage.ru_utime + usage.ru_stime
    with CPU_SECONDS_LOCK:
        CPU_SECONDS[log.name] = CPU_SECONDS.get(log.name, 0.0) + cpu
    log.write("[exit %d after %.1f s, %.1f s CPU]\n" % (
        process.returncode, time.monotonic() - started, cpu))
    log.flush()
    if check and process.returncode != 0:
        raise StepFailed("%s exited %d" % (Path(command[0]).name,
                                           process.returncode),
                         Path(log.name))
    return process.returncode, "".join(lines)


def say(message: str) -> None:
    print("matrix: " + message, flush=True)


# --- what the matrix makes itself ------------------------------------------------

def wanted(variable: str) -> bool:
    return os.environ.get(variable, "").lower() not in ("", "0", "false",
                                                         "no")


def may_build() -> bool:
    """CI builds the interpreters made from source; by hand only when
    asked, since 3.13t takes about 8 minutes."""
    return wanted("CI") or wanted(BUILD_VARIABLE)


def locked_by_another(lock: Path) -> bool:
    """Whether a provisioning script holds *lock* (its folder + ".lock")."""
    if not lock.exists():
        return False
    with open(lock, "a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return True
        fcntl.flock(handle, fcntl.LOCK_UN)
    return False


class Once:
    """Each key's work done once per run, however many threads ask for it:
    the others wait for its outcome."""

    def __init__(self):
        self._lock = threading.Lock()
        self._futures: Dict[str, Future] = {}

    def __call__(self, key: str, work: Callable):
        with self._lock:
            future = self._futures.get(key)
            mine = future is None
            if mine:
                future = self._futures[key] = Future()
        if mine:
            try:
                future.set_result(work())
            except BaseException as error:
                future.set_exception(error)
        return future.result()


def copy_if_changed(source: Path, target: Path, log: TextIO) -> None:
    """Copy atomically: another matrix process (.ci/run's head start) may
    be copying the same file."""
    data = source.read_bytes()
    if target.exists() and target.read_bytes() == data:
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(".%s.%d" % (target.name, os.getpid()))
    partial.write_bytes(data)
    os.replace(partial, target)
    log.write("copied %s to %s\n" % (source, target))


def with_pip_from(selected: List[Interpreter]) -> List[Interpreter]:
    """The selected interpreters and those whose pip installs for them."""
    needed = list(selected)
    for interpreter in selected:
        helper = interpreter.pip_from and INTERPRETERS_BY_NAME[interpreter.pip_from]
        if helper and helper not in needed:
            needed.append(helper)
    return needed


def suite_versions() -> List[str]:
    major, minor = declared.newest_cpython()
    return ["%d.%d" % (major, minor - older) for older in range(SUITE_RELEASES)]


def suite_interpreter(version: str) -> Interpreter:
    """The matrix's CPython of that release, whose stdlib holds its suite."""
    for interpreter in INTERPRETERS:
        if (interpreter.implementation, interpreter.python,
                interpreter.free_threaded) == ("CPython", version, False) \
                and not interpreter.variant:
            return interpreter
    raise StepFailed("tools/interpreters.json has no CPython %s, whose "
                     "test suite the conformance tests need" % version)


def chroot_packages(chroot: str) -> List[str]:
    """What the chroot must hold: its interpreters, and the test suites of
    those whose suites the conformance tests read."""
    packages = []
    for interpreter in INTERPRETERS:
        if interpreter.kind == "chroot" and interpreter.provider["chroot"] == chroot:
            packages += interpreter.provider["packages"]
    for version in suite_versions():
        provider = suite_interpreter(version).provider
        if provider["kind"] == "chroot" and provider["chroot"] == chroot:
            packages.append("libpython%s-testsuite" % version)
    return list(dict.fromkeys(packages))


class Provisioner:
    """Makes, once per run, what the interpreters need beyond what the
    machine has; each step's output goes to .matrix/logs/provision-*.log."""

    def __init__(self, selected: List[Interpreter]):
        self.selected = with_pip_from(selected)
        self.once = Once()
        self.threads: List[threading.Thread] = []
        self.settled_names: set = set()
        self.progress = threading.Condition()

    def start(self) -> None:
        """Begin every step in the background, so they overlap the rest:
        finding (and making) each interpreter, then the suites."""
        for interpreter in self.selected:
            self._background(self._settle, interpreter)
        self._background(self.suites)

    def _background(self, step: Callable, *arguments) -> None:
        thread = threading.Thread(target=self._quietly, daemon=True,
                                  args=(step,) + arguments)
        thread.start()
        self.threads.append(thread)

    @staticmethod
    def _quietly(step: Callable, *arguments) -> None:
        """Whoever needs the step's outcome gets it from Once (and its
        error); the head start has nobody to tell."""
        try:
            step(*arguments)
        except (Skip, StepFailed, OSError):
            pass

    def _settle(self, interpreter: Interpreter) -> None:
        try:
            self.locate(interpreter)
        finally:
            with self.progress:
                self.settled_names.add(interpreter.name)
                self.progress.notify_all()

    def settled(self, interpreter: Interpreter) -> bool:
        """Whether locate() answers at once: found, made, or known missing."""
        return interpreter.name in self.settled_names

    def wait(self) -> None:
        for thread in self.threads:
            thread.join()

    def step(self, name: str, command: List) -> None:
        """Run a provisioning script (idempotent, locked) once per run."""
        def work():
            with open_log("provision-" + name) as log:
                run_logged(log, command)
        self.once(name, work)

    def host_packages(self) -> None:
        """apt-get install the host packages the selection lacks, at once."""
        def work():
            packages = [interpreter.provider["package"]
                        for interpreter in self.selected
                        if interpreter.kind == "apt"
                        and declared.find(interpreter) is None]
            if not packages:
                return
            say("apt-get install %s" % " ".join(packages))
            # The chroot and 3.13t scripts may be running apt-get too: one lock.
            apt = ["flock", CACHE / "apt.lock"]
            if os.geteuid() != 0:
                apt += ["sudo", "-n"]
            with open_log("provision-apt") as log:
                run_logged(log, apt + ["apt-get", "update"])
                run_logged(log, apt + ["apt-get", "install", "-y", "-o",
                                       "DPkg::Lock::Timeout=600"] + packages)
        self.once("apt", work)

    def chroot(self, name: str) -> None:
        chroot = CHROOTS[name]
        self.step(name, ["bash", chroot.script, "create", chroot.folder]
                  + chroot_packages(name))

    def build(self, interpreter: Interpreter) -> None:
        folder = ROOT / interpreter.provider["folder"]
        script = ["bash", ROOT / interpreter.provider["script"], folder]
        # A build already under way (.ci/run starts one in the background)
        # holds the lock: waiting for it costs less than starting over. One
        # this machine made for another clone is only linked.
        if (not (folder / ".complete").exists() and not may_build()
                and not locked_by_another(folder.with_name(folder.name + ".lock"))
                and subprocess.call(script, stdout=subprocess.DEVNULL,
                                    env=dict(os.environ,
                                             BACKPORTS_WEAKREF_LINK_ONLY="1"))):
            raise Skip("not built: it takes about %d minutes; run with "
                       "--build (or %s=1) to build it into %s"
                       % (interpreter.provider.get("minutes", 10),
                          BUILD_VARIABLE, os.path.relpath(folder, ROOT)))
        self.settle_chroots()
        self.step(interpreter.name, script)

    def settle_chroots(self) -> None:
        """Let the chroot go first: every run waits for the CPython suites
        copied out of it, while a build (3.13t: 8 minutes of both cores)
        serves one run, which the schedule starts whenever it is done. In CI
        they competed for the CPU, and the workers waited for the suites."""
        for name in dict.fromkeys(interpreter.provider["chroot"]
                                  for interpreter in INTERPRETERS
                                  if interpreter.kind == "chroot"):
            try:
                self.chroot(name)
            except StepFailed:
                pass   # the runs that need it report it

    def locate(self, interpreter: Interpreter) -> Located:
        """The base interpreter, made first when the matrix makes it."""
        log = None
        try:
            if interpreter.kind == "apt":
                log = LOGS / "provision-apt.log"
                self.host_packages()
            elif interpreter.kind == "chroot":
                log = LOGS / ("provision-%s.log" % interpreter.provider["chroot"])
                self.chroot(interpreter.provider["chroot"])
            elif interpreter.kind == "build":
                log = LOGS / ("provision-%s.log" % interpreter.name)
                self.build(interpreter)
        except StepFailed as error:
            raise StepFailed("missing: making it failed (%s)" % error, log)
        located = declared.find(interpreter)
        if located is None:
            raise StepFailed("missing: not found (%s)" % describe_provider(
                interpreter), log)
        return located

    def suites(self) -> List[Path]:
        """CPython's suites and modules, copied out of their interpreters'
        stdlibs: the folders, newest release first."""
        def work():
            folders = []
            with open_log("provision-cpython-suites") as log:
                try:
                    for version in suite_versions():
                        folders.append(self._copy_suite(version, log))
                except (OSError, Skip, StepFailed) as error:
                    log.write("%s\n" % error)
                    raise StepFailed("CPython suites: %s" % error, Path(log.name))
                log.write("%s=%s\n" % (SUITES_VARIABLE, os.pathsep.join(
                    str(folder) for folder in folders)))
            return folders
        return self.once("suites", work)

    def _copy_suite(self, version: str, log: TextIO) -> Path:
        interpreter = suite_interpreter(version)
        stdlib = declared.stdlib_folder(interpreter, self.locate(interpreter))
        folder = SUITES / version
        for name in SUITE_TESTS:
            copy_if_changed(stdlib / "test" / name, folder / name, log)
        for name in SUITE_MODULES:
            copy_if_changed(stdlib / name, folder / "lib" / name, log)
        return folder


def describe_provider(interpreter: Interpreter) -> str:
    provider = interpreter.provider
    if interpreter.kind == "pyenv":
        return "no CPython %s.N in %s" % (provider["series"],
                                          declared.pyenv_root() / "versions")
    if interpreter.kind == "apt":
        return "no %s on PATH after apt-get install %s" % (
            provider["command"], provider["package"])
    if interpreter.kind == "chroot":
        return "no %s in %s" % (provider["command"],
                                CHROOTS[provider["chroot"]].folder)
    return "no %s in %s" % (provider["command"], provider["folder"])


# --- the shared set-up ------------------------------------------------------------

def tool(name: str) -> str:
    return str(TOOLS / "bin" / name)


def ensure_venv(folder: Path, requirements: List[str], what: str) -> None:
    """A venv of the running python3 holding *requirements*, made again only
    when they change (tools/build_wheels.py keeps its own this way too)."""
    marker = folder / ".requirements"
    wanted_text = "\n".join(requirements)
    if marker.exists() and marker.read_text() == wanted_text:
        return
    say("setting up %s in %s" % (what, folder.relative_to(ROOT)))
    shutil.rmtree(folder, ignore_errors=True)
    with open_log(folder.name) as log:
        run_logged(log, [sys.executable, "-m", "venv", folder])
        run_logged(log, [folder / "bin" / "python", "-m", "pip", "install",
                         "--quiet"] + requirements)
    marker.write_text(wanted_text)


def ensure_tools() -> None:
    ensure_venv(TOOLS, TOOL_REQUIREMENTS, "build, uv and virtualenv")


@dataclass(frozen=True)
class Dists:
    wheel: Path        # the universal py2.py3 wheel: the pure twin alone
    sdist: Path


def build_dists(out: Path = DIST) -> Dists:
    """The universal wheel and the sdist, once, from the working tree, into
    the emptied folder *out* (each CPython's own wheel is built from the
    sdist by tools/build_wheels.py)."""
    shutil.rmtree(out, ignore_errors=True)
    # The lock of every build from the tree (tools/venv.sh's from_tree):
    # .ci/run's checks may be building from it at the same time.
    tree_lock = ROOT / "build" / "tree.lock"
    tree_lock.parent.mkdir(exist_ok=True)
    with open_log("build") as log, open(tree_lock, "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        run_logged(log, [tool("python"), "-m", "build", "--installer", "uv",
                         "--outdir", out, ROOT],
                   environ={NO_EXTENSIONS_VARIABLE: "1"})
    wheels = sorted(out.glob("*.whl"))
    sdists = sorted(out.glob("*.tar.gz"))
    if len(wheels) != 1 or len(sdists) != 1:
        raise StepFailed("expected one wheel and one sdist in %s" % out)
    return Dists(wheels[0], sdists[0])


# --- one interpreter's environment ---------------------------------------------------

@dataclass
class Environment:
    python: str                    # its python, where it runs
    prefix: List[str] = field(default_factory=list)   # into its chroot
    environ: Dict[str, str] = field(default_factory=dict)
    pip_python: Optional[str] = None   # a python whose own pip is the shipped one

    def command(self, *arguments) -> List[str]:
        return self.prefix + [self.python] + list(arguments)


class Job:
    """One interpreter: its base, its environment's folders and its
    log."""

    def __init__(self, interpreter: Interpreter, log: TextIO):
        self.interpreter = interpreter
        self.log = log
        self.base: Optional[Located] = None
        self.env_dir = ENVS / interpreter.name
        self.work_dir = WORK / interpreter.name

    def run(self, command, check=True, cwd=None, environ=None):
        return run_logged(self.log, command, check, cwd, environ)


def virtualenv(job: Job, base: str, folder: Path) -> str:
    job.run([tool("python"), "-m", "virtualenv", "--quiet", "--python", base,
             folder])
    return str(folder / "bin" / "python")


def uv_environment(job: Job, provisioner):
    """uv: fast, and it still makes 3.6 and PyPy environments."""
    job.run([tool("uv"), "venv", "--python", job.base.python, job.env_dir])
    python = str(job.env_dir / "bin" / "python")
    # uv's cache keeps a local wheel by its path and name: a rebuilt
    # backports_weakref-X.whl at the same path would install the old build.
    return Environment(python), [tool("uv"), "pip", "install", "--python", python,
                                 "--refresh-package", "backports-weakref"]


def virtualenv_environment(job: Job, provisioner):
    """virtualenv<20.22 with its pip 20.3: uv does not install for 2.7."""
    python = virtualenv(job, job.base.python, job.env_dir)
    return Environment(python), [python, "-m", "pip", "install"]


def venv_environment(job: Job, provisioner):
    """The interpreter's own venv, made where it runs (its chroot)."""
    prefix = job.base.prefix
    job.run(prefix + [job.base.python, "-m", "venv", job.env_dir])
    python = str(job.env_dir / "bin" / "python")
    return (Environment(python, prefix),
            prefix + [python, "-m", "pip", "install", "--quiet"])


def pip_target_environment(job: Job, provisioner):
    """Another interpreter's pip installs the pure-Python wheels into a
    folder that goes on JYTHONPATH (Debian's jython has neither pip nor
    venv, and reads JYTHONPATH rather than PYTHONPATH)."""
    helper = INTERPRETERS_BY_NAME[job.interpreter.pip_from]
    pip = virtualenv(job, provisioner.locate(helper).python,
                     job.env_dir / ("pip-of-" + helper.name))
    site = job.env_dir / "site-packages"
    return (Environment(job.base.python, environ={"JYTHONPATH": str(site)}),
            [pip, "-m", "pip", "install", "--target", site])


ENVIRONMENT_MAKERS = {
    "uv": uv_environment,
    "virtualenv": virtualenv_environment,
    "venv": venv_environment,
    "pip-target": pip_target_environment,
}


def shipped_pip(job: Job, environment: Environment) -> Optional[str]:
    """The python whose ``-m pip`` the packaging tests use: the one each
    interpreter ships."""
    how = job.interpreter.shipped_pip
    if how == "base":
        return job.base.python
    if how == "environment":
        return environment.python
    if how == "stdlib-venv":
        folder = ENVS / (job.interpreter.name + "-shipped-pip")
        job.run(job.base.prefix + [job.base.python, "-m", "venv", folder])
        return str(folder / "bin" / "python")
    return None


def compiled_wheel(job: Job, environment: Environment, sdist: Path) -> Path:
    """This CPython's own wheel, compiled from the sdist as pip would, by
    the interpreter itself: uv's build where uv made the environment, else
    the environment's pip (2.7, which uv does not serve; the chroot's)."""
    out = job.work_dir / "wheel"
    # A sanitizer build's flags (setuptools adds CFLAGS and LDFLAGS to the
    # interpreter's own); pip's cache is not used for a local sdist, and
    # uv build keeps none, so the flags always reach the compiler.
    flags = job.interpreter.wheel_environ
    if job.interpreter.environment == "uv":
        job.run([tool("uv"), "build", "--wheel", "--python", job.base.python,
                 "--out-dir", out, sdist], environ=flags)
    else:
        job.run(environment.command("-m", "pip", "wheel", "--quiet",
                                    "--no-deps", "--wheel-dir", out, sdist),
                environ=flags)
    wheels = sorted(out.glob("*.whl"))
    if len(wheels) != 1 or wheels[0].name.endswith("-none-any.whl"):
        raise StepFailed("expected one compiled wheel in %s, found %s"
                         % (out, [wheel.name for wheel in wheels]))
    check_sanitized(job, wheels[0])
    return wheels[0]


# What each -fsanitize= check leaves in the code it instruments: a wheel
# without it was built without the flags, and its run would prove nothing.
SANITIZER_SYMBOLS = {"address": b"__asan_init", "undefined": b"__ubsan_handle_"}


def check_sanitized(job: Job, wheel: Path) -> None:
    """A sanitizer build's extension modules hold each sanitizer's hooks."""
    flags = job.interpreter.wheel_environ.get("CFLAGS", "")
    wanted = [name for match in re.findall(r"-fsanitize=(\S+)", flags)
              for name in match.split(",") if name in SANITIZER_SYMBOLS]
    if not wanted:
        return
    with zipfile.ZipFile(wheel) as archive:
        modules = [archive.read(name) for name in archive.namelist()
                   if name.endswith(".so")]
    for name in wanted:
        if not modules or not all(SANITIZER_SYMBOLS[name] in module
                                  for module in modules):
            raise StepFailed("%s: an extension module lacks %s: it was not "
                             "built with -fsanitize=%s"
                             % (wheel.name, SANITIZER_SYMBOLS[name].decode(),
                                name), Path(job.log.name))
    job.log.write("%s: built with -fsanitize=%s\n"
                  % (wheel.name, ",".join(wanted)))


def preload_environ(job: Job) -> Dict[str, str]:
    """LD_PRELOAD for an entry's "preload": a sanitizer's runtime must be
    the first library loaded, and a release python does not link it. The
    compiler where the interpreter runs says where its runtime is."""
    paths = []
    for name in job.interpreter.preload:
        _, out = job.run(job.base.prefix + ["gcc", "-print-file-name=" + name])
        path = out.strip()
        # gcc answers with the bare name when it has no such file.
        if not os.path.isabs(path):
            raise StepFailed("gcc -print-file-name=%s found no library" % name,
                             Path(job.log.name))
        paths.append(path)
    return {"LD_PRELOAD": " ".join(paths)} if paths else {}


# What a debug build must be, or its run would not check what it is for.
VARIANT_CHECKS = {
    "debug": "import sys; sys.exit(not hasattr(sys, 'gettotalrefcount'))",
}


# --- the release set -------------------------------------------------------------
# DIST holds the sdist and universal wheel (build_dists()), and each CPython's
# wheel, built once by the job of that CPython as tools/build_wheels.py builds
# it for a release: every interpreter installs from that one folder.

PROJECT = "backports.weakref"
CORE_LINE = re.compile(r"^containers' core: (\w+)", re.M)


def release_set_wheel(job: Job, environment: Environment,
                      dists: Dists) -> Path:
    """The wheel of the set this interpreter should get: on a CPython of
    the release, its own, built now into DIST. A debug or sanitizer leg
    builds its own wheel (with its flags), apart from the set."""
    import build_wheels   # which imports this module
    if job.interpreter in build_wheels.release_interpreters():
        return build_wheels.platform_wheel(job, environment, dists.sdist, DIST)
    if has_compiled_core(job.interpreter):
        return compiled_wheel(job, environment, dists.sdist)
    return dists.wheel


def run_installed(job: Job, environment: Environment, *arguments) -> str:
    """What the environment's interpreter prints when run with *arguments*
    and the row's environment variables, in the job's work folder (not the
    checkout, whose src/ it must not import)."""
    _, out = job.run(environment.command(*arguments), cwd=job.work_dir,
                     environ=dict(environment.environ,
                                  **job.interpreter.environ))
    return out


def check_core(job: Job, environment: Environment) -> None:
    """`python -m backports.weakref` names the core users of this
    interpreter get from the set: the compiled one on every CPython."""
    out = run_installed(job, environment, "-m", PROJECT)
    found = CORE_LINE.search(out)
    wanted = expected_core(job.interpreter)
    if not found or found.group(1) != wanted:
        raise StepFailed("python -m %s does not say %r: %s" % (
            PROJECT, wanted, found and found.group(0)), Path(job.log.name))


# Prints a digest of each .py file of the package the interpreter imports
# (any Python from 2.7 on, Jython included), by its path in the package.
SOURCE_DIGESTS = """
import hashlib, os, backports.weakref as package
top = os.path.dirname(package.__file__)
for folder, _, names in sorted(os.walk(top)):
    for name in sorted(names):
        if name.endswith(".py"):
            path = os.path.join(folder, name)
            with open(path, "rb") as source:
                digest = hashlib.sha256(source.read()).hexdigest()
            print(digest + " " + os.path.relpath(path, top).replace(os.sep, "/"))
"""


def check_fresh(job: Job, environment: Environment) -> None:
    """The installed package is this checkout's: every .py file as in
    src/ (an installer's cache once served an older build of the same
    version)."""
    out = run_installed(job, environment, "-c", SOURCE_DIGESTS)
    installed = dict(reversed(line.split(" ", 1))
                     for line in out.splitlines() if line.strip())
    top = ROOT / "src" / "backports" / "weakref"
    ours = dict((path.relative_to(top).as_posix(),
                 hashlib.sha256(path.read_bytes()).hexdigest())
                for path in top.rglob("*.py"))
    stale = sorted(name for name in ours if installed.get(name) != ours[name])
    if stale:
        raise StepFailed("the installed package is not this checkout's: %s"
                         % ", ".join(stale), Path(job.log.name))


def make_environment(job: Job, provisioner: Provisioner,
                     dists: Dists) -> Tuple[Environment, Path]:
    """A fresh environment holding the package, installed from the release
    set in DIST (pip takes this CPython's own wheel, else the universal
    one: check_core() checks it did), and the test runner; and the wheel
    it should have taken."""
    interpreter = job.interpreter
    for folder in (job.env_dir, job.work_dir,
                   ENVS / (interpreter.name + "-shipped-pip")):
        shutil.rmtree(folder, ignore_errors=True)
    job.work_dir.mkdir(parents=True)
    maker = ENVIRONMENT_MAKERS[interpreter.environment]
    environment, install = maker(job, provisioner)
    wheel = release_set_wheel(job, environment, dists)
    for name in interpreter.only_binary:
        install += ["--only-binary", name]
    if interpreter.environment == "pip-target" or wheel.parent != DIST:
        # One pip --target call: a second would not merge its backports/
        # (pytest's configparser on Python 2) into the first's. A variant's
        # wheel is not in the set.
        job.run(install + [wheel] + interpreter.requirements)
    else:
        # As a user gets it: pip chooses from the release set.
        job.run(install + ["--no-index", "--find-links", DIST, PROJECT])
        job.run(install + interpreter.requirements)
    for requirement in interpreter.optional:
        job.run(install + [requirement], check=False)
    environment.pip_python = shipped_pip(job, environment)
    return environment, wheel


def sibling_folder(job: Job, environment: Environment) -> Path:
    """Download the other backports.* distributions once per interpreter."""
    folder = SIBLINGS / job.interpreter.name
    done = folder / ".complete"
    wanted_text = "\n".join(SIBLING_REQUIREMENTS + BUILD_REQUIREMENTS)
    if done.exists() and done.read_text() == wanted_text:
        return folder
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    download = environment.prefix + [environment.pip_python, "-m", "pip",
                                     "download", "--dest", folder]
    # PyPI alone: a local mirror's pages that lack Requires-Python make old
    # pips pick releases their interpreter cannot install.
    from_pypi = {"PIP_CONFIG_FILE": os.devnull, "PIP_FIND_LINKS": None,
                 "PIP_INDEX_URL": None, "PIP_EXTRA_INDEX_URL": None}
    missing = []
    # One pip for all (each pip start costs seconds), one by one only to
    # tell which the registry refused.
    rc, _ = job.run(download + ["--no-deps"] + SIBLING_REQUIREMENTS,
                    check=False, environ=from_pypi)
    for requirement in SIBLING_REQUIREMENTS if rc else []:
        rc, out = job.run(download + ["--no-deps", requirement], check=False,
                          environ=from_pypi)
        # A marker that excludes this interpreter leaves pip nothing to do,
        # which it reports as an error.
        if rc and "Ignoring " not in out:
            missing.append(requirement)
    rc, _ = job.run(download + BUILD_REQUIREMENTS, check=False,
                    environ=from_pypi)
    if rc:
        missing += BUILD_REQUIREMENTS
    if not missing:   # try again next time if the registry said no
        done.write_text(wanted_text)
    return folder


CHECK_INSTALLED = (
    "import platform, backports.weakref as bw; "
    "print('%s %s' % (platform.python_implementation(), "
    "platform.python_version())); print(bw.__file__)")


# --- one interpreter's run ---------------------------------------------------------

@dataclass
class Result:
    interpreter: Interpreter
    version: str = "-"
    counts: Dict[str, int] = field(default_factory=dict)
    setup_seconds: float = 0.0     # the environment
    test_seconds: float = 0.0
    setup_cpu: float = 0.0         # CPU seconds of the same
    test_cpu: float = 0.0
    problem: str = ""              # empty when the run passed
    skipped: str = ""              # why it was left out on purpose
    log: Optional[Path] = None     # where its problem shows
    log_offset: int = 0            # where its part of the log begins

    @property
    def name(self) -> str:
        return self.interpreter.name

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
            counts: Dict[str, int] = {}
            for number, word in COUNT.findall(match.group(1)):
                word = {"error": "errors", "warning": "warnings"}.get(word, word)
                counts[word] = counts.get(word, 0) + int(number)
            return counts
    return None


def absolute_paths(extra: List[str]) -> Tuple[List[str], bool]:
    """Paths among pytest's extra arguments are the repository's: make them
    absolute, since pytest runs elsewhere; and whether there was one."""
    args, has_path = [], False
    for arg in extra:
        candidate = ROOT / arg.split("::")[0]
        if not arg.startswith("-") and candidate.exists():
            args.append(str(ROOT / arg))
            has_path = True
        else:
            args.append(arg)
    return args, has_path


def pytest_targets(extra: List[str]) -> List[str]:
    """pytest's extra arguments; when they name no path, all of tests/
    first."""
    args, has_path = absolute_paths(extra)
    return ([] if has_path else [str(ROOT / "tests")]) + args


def run_pytest(job: Job, environment: Environment, environ: Dict[str, str],
               extra: List[str], result: Result) -> None:
    result.log, result.log_offset = Path(job.log.name), job.log.tell()
    started, cpu_before = time.monotonic(), cpu_seconds(job.log.name)
    # One module that fails to import must not hide the others' results:
    # its error still counts, and fails the run. The slowest tests go in
    # the row's log: where a CI run's minutes went.
    command = environment.command(
        "-m", "pytest", "-p", "no:cacheprovider", "-ra",
        "--continue-on-collection-errors", "--durations=25",
        *job.interpreter.pytest_args,
        *pytest_targets(extra))
    rc, out = job.run(command, check=False, cwd=job.work_dir, environ=environ)
    result.test_seconds = time.monotonic() - started
    result.test_cpu = cpu_seconds(job.log.name) - cpu_before
    counts = parse_summary(out)
    result.counts = counts or {}
    if counts is None:
        result.problem = "no pytest summary (exit %d)" % rc
    elif not result.count("passed", "failed", "errors", "xpassed"):
        result.problem = "ran no test (exit %d)" % rc
    elif rc != 0:
        result.problem = "pytest exit %d" % rc


def run_after(job: Job, environment: Environment, environ: Dict[str, str],
              extra: List[str], result: Result) -> None:
    """The entry's "after" scripts (tools/refcounts.py on the debug build),
    in the environment of its pytest run: a script's non-zero exit fails
    the run, its output being what the report shows."""
    for after in job.interpreter.after:
        offset, started = job.log.tell(), time.monotonic()
        cpu_before = cpu_seconds(job.log.name)
        # pytest's extra arguments go to the script too: tools/refcounts.py
        # passes them on, with its own tests when they name none.
        command = environment.command(str(ROOT / after["script"]),
                                      *after.get("args", []),
                                      *absolute_paths(extra)[0])
        rc, _ = job.run(command, check=False, cwd=job.work_dir,
                        environ=dict(environ, **after.get("environ", {})))
        result.test_seconds += time.monotonic() - started
        result.test_cpu += cpu_seconds(job.log.name) - cpu_before
        if rc and not result.problem:
            result.problem = "%s: %s exit %d" % (after["name"],
                                                 after["script"], rc)
            result.log_offset = offset


def run_interpreter(interpreter: Interpreter, provisioner: Provisioner,
                    dists: Dists, extra: List[str]) -> Result:
    """Make the interpreter's environment, then run the suite in it."""
    result = Result(interpreter)
    started = time.monotonic()
    with open_log(interpreter.name) as log:
        job = Job(interpreter, log)
        result.log = Path(log.name)
        try:
            job.base = provisioner.locate(interpreter)
            environment, wheel = make_environment(job, provisioner, dists)
            # Every run of a sanitizer build, this check's import included,
            # needs its runtime loaded first, and its options.
            environment.environ.update(preload_environ(job))
            out = run_installed(job, environment, "-c", CHECK_INSTALLED)
            kind = interpreter.variant and interpreter.variant["kind"]
            if kind in VARIANT_CHECKS and job.run(
                    environment.command("-c", VARIANT_CHECKS[kind]),
                    check=False, cwd=job.work_dir)[0]:
                raise StepFailed("not a %s build" % kind, Path(log.name))
            lines = out.strip().splitlines() or ["?"]
            result.version = lines[0]
            if str(ROOT / "src") in lines[-1]:
                raise StepFailed("imports the source tree, not the wheel")
            check_core(job, environment)
            check_fresh(job, environment)
            environ = dict(environment.environ)
            environ.update(interpreter.environ)
            environ[EXPECT_CORE_VARIABLE] = expected_core(interpreter)
            environ["BACKPORTS_WEAKREF_WHEEL"] = str(dists.wheel)
            if wheel != dists.wheel:
                environ["BACKPORTS_WEAKREF_COMPILED_WHEEL"] = str(wheel)
            environ["BACKPORTS_WEAKREF_SDIST"] = str(dists.sdist)
            environ["BACKPORTS_WEAKREF_RELEASE_SET"] = str(DIST)
            if environment.pip_python:
                environ["BACKPORTS_WEAKREF_PIP_PYTHON"] = environment.pip_python
                environ["BACKPORTS_WEAKREF_SIBLINGS"] = str(
                    sibling_folder(job, environment))
            # Without them the run still goes ahead, to report its counts,
            # but cannot pass: the conformance tests need the suites.
            try:
                suites = provisioner.suites()
                environ[SUITES_VARIABLE] = os.pathsep.join(map(str, suites))
                no_suites = None
            except StepFailed as error:
                suites, no_suites = [], error
            result.setup_seconds = time.monotonic() - started
            result.setup_cpu = cpu_seconds(log.name)
            if interpreter.variant and suites:
                # A debug or sanitizer build is there for the compiled
                # core's C: the conformance check against the release
                # before the newest is its base interpreter's.
                environ[SUITES_VARIABLE] = str(suites[0])
            run_pytest(job, environment, environ, extra, result)
            if no_suites and not result.problem:
                result.problem = "no %s: %s" % (SUITES_VARIABLE, no_suites)
                result.log, result.log_offset = no_suites.log, 0
            run_after(job, environment, environ, extra, result)
        except Skip as skip:
            result.skipped = str(skip)
        except StepFailed as error:
            log.write("\n%s\n" % error)
            if not result.counts:
                result.problem = str(error)
                result.log = error.log or result.log
        except Exception as error:   # a bug here must not hide the others
            result.problem = "matrix error: %s: %s" % (
                type(error).__name__, error)
            log.write("\n%s\n" % result.problem)
        finally:
            if not result.setup_seconds:
                result.setup_seconds = time.monotonic() - started
                result.setup_cpu = cpu_seconds(log.name)
            log.write("\n[%s in %.0f s]\n" % (
                result.problem or result.skipped or "passed",
                time.monotonic() - started))
    return result


# --- reporting ---------------------------------------------------------------------

def print_tail(log_path: Optional[Path], offset: int = 0) -> None:
    """The end of a log of this run, from *offset* (where a step began)."""
    if log_path is None:
        return
    try:
        with open(log_path, encoding="utf-8", errors="replace") as log:
            log.seek(offset)
            text = log.read()
    except OSError:
        return
    print("---- last %d lines of %s ----" % (TAIL_LINES,
                                             os.path.relpath(log_path, ROOT)))
    lines = text.splitlines()
    print("\n".join(lines[-TAIL_LINES:]))
    print("---- end of %s ----" % log_path.name)
    # pytest's -ra summary lists the skips too, which can push the failed
    # tests' names above the tail: they are repeated here.
    failed = [line for line in lines
              if line.startswith(("FAILED ", "ERROR "))]
    if failed:
        print("---- failed in %s ----" % log_path.name)
        print("\n".join(failed))


def print_table(results: List[Result]) -> None:
    header = ("interpreter", "version", "passed", "failed", "skipped/xfailed",
              "errors", "setup s", "tests s", "CPU s", "status")
    rows = [header]
    for result in results:
        rows.append((
            result.name, result.version,
            str(result.count("passed", "xpassed")), str(result.count("failed")),
            str(result.count("skipped", "xfailed")), str(result.count("errors")),
            "%.0f" % result.setup_seconds, "%.0f" % result.test_seconds,
            "%.0f" % (result.setup_cpu + result.test_cpu),
            result.problem or ("SKIPPED" if result.skipped else "ok")))
    widths = [max(len(row[column]) for row in rows)
              for column in range(len(header))]
    text_columns = (0, 1, len(header) - 1)
    for index, row in enumerate(rows):
        cells = [cell.ljust(width) if column in text_columns
                 else cell.rjust(width)
                 for column, (cell, width) in enumerate(zip(row, widths))]
        print("  ".join(cells).rstrip())
        if index == 0:
            print("  ".join("-" * width for width in widths).rstrip())


def closing_line(results: List[Result]) -> str:
    """Everything summed, as pytest's "N passed, N failed[, N skipped]".

    Errors count as failures, xfailed as skipped; a run that broke without
    a pytest summary (missing, no environment, no test) counts as one
    failure, so the line never looks green when the exit status is not.
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


def cpu_summary(results: List[Result]) -> str:
    """Where this process's CPU time went: what the matrix costs on a quiet
    machine of N cores is about this total over N."""
    with CPU_SECONDS_LOCK:
        total = sum(CPU_SECONDS.values())
    tests = sum(result.test_cpu for result in results)
    environments = sum(result.setup_cpu for result in results)
    return ("CPU time: %.0f s in all: %.0f s in pytest, %.0f s making the "
            "environments, %.0f s provisioning, tools and build"
            % (total, tests, environments, total - tests - environments))


def report(results: List[Result], started: float) -> int:
    for result in results:
        if result.problem:
            print()
            say("%s: %s" % (result.name, result.problem))
            print_tail(result.log, result.log_offset)
    for result in results:
        if result.skipped:
            print()
            say("!" * 70)
            say("!! %s SKIPPED: %s" % (result.name, result.skipped))
            say("!" * 70)
    print()
    print_table(results)
    print()
    say("%d run(s) in %.0f s" % (len(results), time.monotonic() - started))
    say(cpu_summary(results))
    print(closing_line(results), flush=True)
    return 1 if any(result.problem for result in results) else 0


# --- main ----------------------------------------------------------------------------

def parse_args(argv: List[str]):
    extra: List[str] = []
    if "--" in argv:
        at = argv.index("--")
        argv, extra = argv[:at], argv[at + 1:]
    parser = argparse.ArgumentParser(
        description="Run the test suite on every supported interpreter.",
        epilog="Arguments after -- go to pytest. Interpreters (from "
        "tools/interpreters.json): " + ", ".join(INTERPRETERS_BY_NAME))
    parser.add_argument("--only", metavar="NAME[,NAME]",
                        help="run only these interpreters")
    parser.add_argument("--jobs", type=int, default=2,
                        help="interpreters run at once (default: 2)")
    parser.add_argument("--build", action="store_true",
                        help="build the interpreters made from source when "
                        "they are not built yet (3.13t: about 8 minutes; the "
                        "default under CI=true, or with %s=1)" % BUILD_VARIABLE)
    parser.add_argument("--provision-only", action="store_true",
                        help="make what the interpreters need (apt-get, "
                        "chroot, suites, builds), run no test; its logs go "
                        "to .matrix/logs/provision-only/")
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
    if args.build:
        os.environ[BUILD_VARIABLE] = "1"
    return args, extra


def provision_only(provisioner: Provisioner) -> int:
    """.ci/run's head start: its logs apart from the matrix's own, which
    waits for these steps (the scripts' locks) and writes its own logs."""
    failed = []
    for interpreter in provisioner.selected:
        try:
            provisioner.locate(interpreter)
        except Skip as skip:
            say("%s skipped: %s" % (interpreter.name, skip))
        except StepFailed as error:
            failed.append("%s: %s" % (interpreter.name, error))
    try:
        say("CPython suites: %s" % ", ".join(map(str, provisioner.suites())))
    except (StepFailed, OSError) as error:
        failed.append("CPython suites: %s" % error)
    for line in failed:
        say(line)
    with CPU_SECONDS_LOCK:
        for log_path, seconds in sorted(CPU_SECONDS.items()):
            say("%s: %.0f s CPU" % (os.path.relpath(log_path, ROOT), seconds))
    return 1 if failed else 0


def main(argv: List[str]) -> int:
    global LOGS
    args, extra = parse_args(argv)
    started = time.monotonic()
    if args.provision_only:
        LOGS = CACHE / "logs" / "provision-only"
    provisioner = Provisioner(args.selected)
    provisioner.start()
    if args.provision_only:
        return provision_only(provisioner)
    say("making what the interpreters need in the background (logs: "
        ".matrix/logs/provision-*.log)")
    try:
        ensure_tools()
        import build_wheels
        build_wheels.ensure_audit_tools()
        say("building the wheel and sdist (log: .matrix/logs/build.log); "
            "each CPython's wheel is built by its job")
        dists = build_dists()
    except StepFailed as error:
        say("%s; log: %s" % (error, error.log))
        print_tail(error.log)
        return 1
    say("built %s and %s" % (dists.wheel.name, dists.sdist.name))

    schedule = Schedule(args.selected, provisioner)
    finished: Dict[str, Result] = {}

    def worker() -> None:
        for interpreter in iter(schedule.next, None):
            result = run_interpreter(interpreter, provisioner, dists, extra)
            with schedule.progress:
                finished[interpreter.name] = result
                say("[%4.0f s] %-12s %s" % (
                    time.monotonic() - started, result.name,
                    result.problem or result.skipped and "skipped"
                    or "%d passed" % result.count("passed")))

    say("running %d interpreter(s), %d at a time (logs: .matrix/logs/)"
        % (len(args.selected), args.jobs))
    workers = [threading.Thread(target=worker) for _ in range(args.jobs)]
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join()
    provisioner.wait()
    return report([finished[interpreter.name]
                   for interpreter in args.selected], started)


# The longest runs first, so that the workers finish together (measured:
# Jython's suite starts a JVM per child process; PyPy's JIT warms up for
# each; the free-threaded 3.13t runs its thread churn tests longer; the
# debug 3.15d runs the suite, then refcounts.py, at a third of the speed
# (about 5 minutes of CPU); the sanitizers' 3.13 at half speed; 2.7
# builds two dependencies). The rest keep the order of interpreters.json.
SLOWEST_FIRST = ["jython2.7", "pypy3.11", "cpython3.13t", "cpython3.15d",
                 "pypy3.9", "cpython3.13-asan", "cpython2.7"]


class Schedule:
    """Hands each worker the longest run whose interpreter is there, or
    known to be missing, so that no worker waits on a chroot or a build
    while another run could go."""

    def __init__(self, selected: List[Interpreter], provisioner: Provisioner):
        def rank(interpreter):
            return (SLOWEST_FIRST.index(interpreter.name)
                    if interpreter.name in SLOWEST_FIRST else len(SLOWEST_FIRST))
        self.pending = sorted(selected, key=rank)
        self.provisioner = provisioner
        self.progress = provisioner.progress

    def next(self) -> Optional[Interpreter]:
        with self.progress:
            while self.pending:
                for interpreter in self.pending:
                    if self.provisioner.settled(interpreter):
                        self.pending.remove(interpreter)
                        return interpreter
                self.progress.wait()
        return None


if __name__ == "__main__":
    # tools/build_wheels.py imports this module as "matrix": let it find
    # this copy, whose logs and CPU accounts the report reads.
    sys.modules["matrix"] = sys.modules[__name__]
    sys.exit(main(sys.argv[1:]))
