"""The wheel and the sdist, installed with the pip each interpreter ships.

tools/matrix.py builds both once and hands them here with the other
``backports.*`` distributions it downloaded for this interpreter and the
python whose own pip is to be used:

    BACKPORTS_WEAKREF_WHEEL       the built py2.py3-none-any wheel
    BACKPORTS_WEAKREF_COMPILED_WHEEL  the wheel built for this CPython, with
                                  the compiled core (optional)
    BACKPORTS_WEAKREF_SDIST       the built sdist
    BACKPORTS_WEAKREF_RELEASE_SET  the folder of the release set (optional):
                                  the sdist, the universal wheel and the
                                  manylinux1 wheels (tools/build_wheels.py)
    BACKPORTS_WEAKREF_SIBLINGS    a folder of downloaded distributions
    BACKPORTS_WEAKREF_PIP_PYTHON  a python whose ``-m pip`` is the shipped one

Without them (a plain ``pytest`` in a checkout) these tests skip. No test
touches the network: every pip call is ``--no-index --find-links``.

Several distributions share the ``backports`` package, each shipping its
``__init__.py`` (or, for configparser 5+, none). Whichever copy wins, and
wherever the others sit on sys.path, all of them must import: in one
site-packages filled in either order, and in separate sys.path entries in
either order. Installs are cached per module so that each interpreter runs
pip only about a dozen times.
"""
from __future__ import absolute_import

import base64
import email
import hashlib
import io
import os
import re
import shutil
import subprocess
import sys
import tarfile
import zipfile

import pytest

import backports.weakref
import support

WHEEL = os.environ.get("BACKPORTS_WEAKREF_WHEEL")
COMPILED_WHEEL = os.environ.get("BACKPORTS_WEAKREF_COMPILED_WHEEL")
# Set by the matrix for the run that must use the compiled core.
EXPECT_COMPILED = os.environ.get("BACKPORTS_WEAKREF_EXPECT_CORE") == "compiled"
SDIST = os.environ.get("BACKPORTS_WEAKREF_SDIST")
RELEASE_SET = os.environ.get("BACKPORTS_WEAKREF_RELEASE_SET")
SIBLINGS = os.environ.get("BACKPORTS_WEAKREF_SIBLINGS")
PIP_PYTHON = os.environ.get("BACKPORTS_WEAKREF_PIP_PYTHON")

REPOSITORY = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# As a set: setuptools may sort and respace the specifiers.
REQUIRES_PYTHON = set([">=2.7", "!=3.0.*", "!=3.1.*", "!=3.2.*", "!=3.3.*",
                       "!=3.4.*", "!=3.5.*"])
# pip before 20.2 looks an installed distribution up by its name as written
# in the dist-info folder, without normalizing "_" and ".".
PIP_NORMALIZES_DIST_INFO = (20, 2)

needs_wheel = pytest.mark.skipif(
    not WHEEL, reason="BACKPORTS_WEAKREF_WHEEL is not set: run "
    "`python3 tools/matrix.py`, which builds the wheel and sets it")
needs_pip = pytest.mark.skipif(
    support.JYTHON or not (WHEEL and SDIST and SIBLINGS and PIP_PYTHON),
    reason="Jython has no pip (Debian's jython ships neither pip nor "
    "ensurepip; tools/matrix.py installs the wheel for it with CPython "
    "2.7's pip --target)" if support.JYTHON else
    "BACKPORTS_WEAKREF_WHEEL/_SDIST/_SIBLINGS/_PIP_PYTHON are not set: "
    "run `python3 tools/matrix.py`, which sets them")

# The sibling and upgrade matrices install a dozen environments each (about
# 20 s of CPU per interpreter): they run where pip and the import system
# differ, on the interpreters tools/interpreters.json marks with this
# variable, and the matrix's other runs skip them.
needs_install_matrix = pytest.mark.skipif(
    os.environ.get("BACKPORTS_WEAKREF_INSTALL_MATRIX") != "1",
    reason="the sibling and upgrade matrices run where "
    "tools/interpreters.json sets BACKPORTS_WEAKREF_INSTALL_MATRIX=1")


class Sibling(object):
    """Another distribution that installs into the ``backports`` package."""

    def __init__(self, project, module, check):
        self.project = project    # its name on the package index
        self.module = module      # what it adds to ``backports``
        self.check = check        # code that imports and uses it

    def __repr__(self):
        return self.project


SIBLING_PROJECTS = [
    Sibling("backports.functools_lru_cache", "backports.functools_lru_cache",
            "from backports.functools_lru_cache import lru_cache\n"
            "assert lru_cache(maxsize=4)(abs)(-3) == 3\n"),
    # configparser 4.0.2 (the last for Python 2) ships backports/__init__.py;
    # 5 and later ship none, relying on a sibling's or on PEP 420.
    Sibling("configparser", "backports.configparser",
            "from backports.configparser import ConfigParser\n"
            "assert ConfigParser().sections() == []\n"),
    Sibling("backports.tarfile", "backports.tarfile",
            "from backports import tarfile\n"
            "assert callable(tarfile.open)\n"),
    Sibling("backports.zoneinfo", "backports.zoneinfo",
            "from backports.zoneinfo import ZoneInfo\n"
            "assert ZoneInfo.__name__ == 'ZoneInfo'\n"),
]
SIBLING_IDS = [sibling.project for sibling in SIBLING_PROJECTS]

# Run in a child of the interpreter under test. Only the folders the test
# puts on PYTHONPATH may count: the environment's own site-packages (on 2.7
# pytest's dependencies bring a backports package) leaves sys.path first.
# (-S would do that, but a virtualenv of 2.7 needs its site.py to find the
# stdlib.) argv: pairs of a module and the folder it must come from.
CHILD_HEAD = """
import gc
import os
import sys

wanted = os.environ["PYTHONPATH"].split(os.pathsep)
sys.path[:] = [entry for entry in sys.path if entry in wanted or
               os.path.basename(entry) not in ("site-packages",
                                               "dist-packages")]
for name in list(sys.modules):
    if name == "backports" or name.startswith("backports."):
        del sys.modules[name]

from backports.weakref import finalize   # the spelling 1.0.post1 offered
import backports.weakref


class Thing(object):
    pass


calls = []
thing = Thing()
finalizer = finalize(thing, calls.append, "finalized")
del thing
for _ in range(20):   # PyPy frees objects at a collection only
    if calls:
        break
    gc.collect()
assert calls == ["finalized"], calls
assert not finalizer.alive
"""

CHILD_TAIL = """
pairs = sys.argv[1:]
for module, folder in zip(pairs[::2], pairs[1::2]):
    where = os.path.realpath(sys.modules[module].__file__)
    if not where.startswith(os.path.realpath(folder) + os.sep):
        raise SystemExit("%s came from %s, not from %s" % (module, where, folder))
print("imports ok")
"""


# --- helpers -------------------------------------------------------------

def specifiers(requires_python):
    return set(part.strip() for part in (requires_python or "").split(","))


def normalize(name):
    return re.sub(r"[-_.]+", "_", name).lower()


def distribution_file(project):
    """The file downloaded for *project* into SIBLINGS, or None."""
    for name in sorted(os.listdir(SIBLINGS)):
        match = re.match(r"(.+?)-\d.*(\.whl|\.tar\.gz)$", name)
        if match and normalize(match.group(1)) == normalize(project):
            return os.path.join(SIBLINGS, name)
    return None


def sibling_file(sibling):
    path = distribution_file(sibling.project)
    if path is None:
        pytest.skip("%s was not downloaded for this interpreter (see "
                    "SIBLING_REQUIREMENTS in tools/matrix.py)"
                    % sibling.project)
    return path


def available_siblings():
    return [path for path in (distribution_file(sibling.project)
                              for sibling in SIBLING_PROJECTS) if path]


def run(command, env=None):
    """Run *command*; return its output, or fail the test with it."""
    environ = dict(os.environ)
    for name in list(environ):
        # The matrix's own pip settings, an outer PYTHONPATH: not here.
        if name.startswith("PIP_") or name in ("PYTHONPATH", "JYTHONPATH",
                                                "PYTHONUSERBASE",
                                                "VIRTUAL_ENV"):
            del environ[name]
    environ["PIP_CONFIG_FILE"] = os.devnull   # no index or constraint files
    environ["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    environ["PYTHONDONTWRITEBYTECODE"] = "1"
    environ.update(env or {})
    with open(os.devnull, "rb") as no_input:
        process = subprocess.Popen(
            command, stdin=no_input, stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT, env=environ)
        output = process.communicate()[0].decode("utf-8", "replace")
    if process.returncode != 0:
        pytest.fail("%s\nexited %d:\n%s" % (" ".join(command),
                                            process.returncode, output))
    return output


def pip_install(python, *args, **kwargs):
    return run([python, "-m", "pip", "install", "--no-index",
                "--find-links", SIBLINGS] + list(args), env=kwargs.get("env"))


def check_imports(path, modules, sibling=None):
    """Import ours (and *sibling*) with only *path* added to sys.path.

    *modules* maps each module name to the folder it must be loaded from.
    """
    code = CHILD_HEAD + (sibling.check if sibling else "") + CHILD_TAIL
    pairs = []
    for module, folder in sorted(modules.items()):
        pairs += [module, folder]
    output = run([sys.executable, "-s", "-c", code] + pairs,
                 env={"PYTHONPATH": os.pathsep.join(path)})
    assert "imports ok" in output, output


def site_packages_under(prefix):
    """The folder a ``pip install --prefix`` filled."""
    for folder, subfolders, _ in os.walk(prefix):
        if "backports" in subfolders and os.path.basename(folder) in (
                "site-packages", "dist-packages"):
            return folder
    raise AssertionError("no site-packages with backports/ under %s" % prefix)


def dist_info_folders(site, kinds="dist"):
    return sorted(name for name in os.listdir(site)
                  if re.match(r"backports[._]weakref-.*\.(%s)-info$" % kinds,
                              name))


def read_wheel(name_pattern):
    with zipfile.ZipFile(WHEEL) as wheel:
        for name in wheel.namelist():
            if re.match(name_pattern, name):
                return wheel.read(name).decode("utf-8")
    raise AssertionError("%s has no %s" % (WHEEL, name_pattern))


def wheel_dist_info():
    with zipfile.ZipFile(WHEEL) as wheel:
        return [name.split("/")[0] for name in wheel.namelist()
                if name.endswith(".dist-info/METADATA")][0]


def bumped_wheel(folder):
    """A copy of the wheel with ".post999" added to its version: a newer
    release to upgrade to, with dist-info named as setuptools named ours."""
    with zipfile.ZipFile(WHEEL) as source:
        names = source.namelist()
        dist_info = wheel_dist_info()
        stem, version = dist_info[:-len(".dist-info")].split("-")
        newer = version + ".post999"
        new_dist_info = "%s-%s.dist-info" % (stem, newer)
        target = os.path.join(folder, os.path.basename(WHEEL).replace(
            "-%s-" % version, "-%s-" % newer))
        records = []
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as bumped:
            for name in names:
                if name == dist_info + "/RECORD":
                    continue
                data = source.read(name)
                if name.startswith(dist_info + "/"):
                    name = new_dist_info + name[len(dist_info):]
                if name == new_dist_info + "/METADATA":
                    data = re.sub(b"(?m)^Version: .*$",
                                  b"Version: " + newer.encode("ascii"), data)
                digest = base64.urlsafe_b64encode(
                    hashlib.sha256(data).digest()).rstrip(b"=")
                records.append("%s,sha256=%s,%d" % (
                    name, digest.decode("ascii"), len(data)))
                bumped.writestr(name, data)
            records.append(new_dist_info + "/RECORD,,")
            bumped.writestr(new_dist_info + "/RECORD",
                            "\n".join(records) + "\n")
    return target, newer


class Installs(object):
    """pip installs shared by the tests of this module, each done once."""

    def __init__(self, factory):
        self.factory = factory
        self.done = {}

    def once(self, key, install):
        if key not in self.done:
            self.done[key] = install(str(self.factory.mktemp(key)))
        return self.done[key]

    def target(self, key, *files):
        """*files* installed with ``pip install --target`` into a new folder."""
        def install(folder):
            pip_install(PIP_PYTHON, "--no-deps", "--target", folder, *files)
            return folder
        return self.once(key, install)


@pytest.fixture(scope="module")
def installs(tmpdir_factory):
    return Installs(tmpdir_factory)


@pytest.fixture(scope="module")
def pip_version():
    output = run([PIP_PYTHON, "-m", "pip", "--version"])
    return tuple(int(part) for part in
                 re.match(r"pip (\d+)\.(\d+)", output).groups())


# --- the built files -------------------------------------------------------

@needs_wheel
def test_wheel_is_universal():
    assert os.path.basename(WHEEL).endswith("-py2.py3-none-any.whl")
    wheel_file = read_wheel(r"[^/]+\.dist-info/WHEEL$")
    tags = re.findall(r"(?m)^Tag: (\S+)$", wheel_file)
    assert sorted(tags) == ["py2-none-any", "py3-none-any"]
    assert re.search(r"(?m)^Root-Is-Purelib: true$", wheel_file)


@needs_wheel
def test_wheel_metadata():
    metadata = email.message_from_string(read_wheel(
        r"[^/]+\.dist-info/METADATA$"))
    assert metadata["Name"] == "backports.weakref"
    assert metadata["Version"] == backports.weakref.__version__
    assert specifiers(metadata["Requires-Python"]) == REQUIRES_PYTHON
    assert not metadata.get_all("Requires-Dist")
    # PEP 639 (setuptools 77+, which builds on 3.9+): an SPDX expression, and
    # no License field or license classifier beside it.
    assert metadata["Metadata-Version"] == "2.4"
    assert metadata["License-Expression"] == "MIT"
    assert metadata["License"] is None
    classifiers = metadata.get_all("Classifier")
    assert not [entry for entry in classifiers
                if entry.startswith("License ::")]
    urls = dict(entry.split(", ", 1)
                for entry in metadata.get_all("Project-URL"))
    assert sorted(urls) == ["Changelog", "Documentation", "Homepage",
                            "Issues", "Source"]
    assert metadata["Author"] and metadata["Maintainer"]


@needs_wheel
def test_summary_names_the_newest_release():
    """setup.py words the summary from _specification.NEWEST, the one
    place that names the release this package mirrors."""
    from backports.weakref import _specification
    newest = "%d.%d" % _specification.NEWEST
    metadata = email.message_from_string(read_wheel(
        r"[^/]+\.dist-info/METADATA$"))
    assert metadata["Summary"].startswith(
        "CPython %s's weakref module" % newest)
    assert "Programming Language :: Python :: " + newest in \
        metadata.get_all("Classifier")


@needs_wheel
def test_file_names_are_the_normalized_ones_pypi_takes():
    """PyPI refuses a wheel or sdist whose filename does not start with
    ``backports_weakref``, and reads a wheel's metadata from
    ``backports_weakref-VERSION.dist-info``: see the upgrade tests below for
    what that means to pip < 20.2."""
    version = backports.weakref.__version__
    assert os.path.basename(WHEEL).startswith(
        "backports_weakref-%s-" % version)
    assert wheel_dist_info() == "backports_weakref-%s.dist-info" % version
    assert os.path.basename(SDIST) == "backports_weakref-%s.tar.gz" % version


@needs_wheel
def test_wheel_holds_only_the_package():
    with zipfile.ZipFile(WHEEL) as wheel:
        names = wheel.namelist()
        init = wheel.read("backports/__init__.py").decode("utf-8")
    top = set(name.split("/")[0] for name in names)
    assert set(name for name in top if not name.endswith(".dist-info")) == \
        set(["backports"])
    # The pkgutil one-liner that every sibling's __init__.py amounts to.
    code = init.split("#")[0].strip()
    assert code == "__path__ = __import__('pkgutil').extend_path(" \
        "__path__, __name__)", init
    assert "backports/weakref/__init__.py" in names


@needs_wheel
def test_wheel_holds_every_source_file():
    """Each module, stub and marker under src/ reaches the wheel: a
    subpackage missing from setup.cfg's ``packages`` would fail only here,
    and on every interpreter the matrix runs."""
    source = os.path.join(REPOSITORY, "src")
    if not os.path.isdir(source):
        pytest.skip("no source tree beside the tests")
    with zipfile.ZipFile(WHEEL) as wheel:
        shipped = set(wheel.namelist())
    missing = []
    for folder, subfolders, files in os.walk(os.path.join(source,
                                                          "backports")):
        subfolders[:] = [name for name in subfolders
                         if name != "__pycache__"]
        for name in files:
            if name.endswith((".py", ".pyi")) or name == "py.typed":
                path = os.path.relpath(os.path.join(folder, name), source)
                if path.replace(os.sep, "/") not in shipped:
                    missing.append(path)
    assert not missing, "not in the wheel: %s" % ", ".join(sorted(missing))


@needs_wheel
def test_sdist_metadata():
    with tarfile.open(SDIST) as sdist:
        members = [member for member in sdist.getmembers()
                   if re.match(r"[^/]+/PKG-INFO$", member.name)]
        pkg_info = sdist.extractfile(members[0]).read().decode("utf-8")
    metadata = email.message_from_string(pkg_info)
    assert metadata["Name"] == "backports.weakref"
    assert specifiers(metadata["Requires-Python"]) == REQUIRES_PYTHON


@needs_wheel
def test_suite_imports_the_installed_package():
    where = os.path.realpath(backports.weakref.__file__)
    assert not where.startswith(os.path.join(REPOSITORY, "src") + os.sep), (
        "the matrix must test the installed wheel, not the source tree")


# --- installing with the shipped pip ------------------------------------------

@needs_pip
def test_wheel_installs(installs):
    folder = installs.target("wheel", WHEEL)
    check_imports([folder], {"backports.weakref": folder})
    assert len(dist_info_folders(folder)) == 1


@needs_pip
def test_sdist_installs(installs):
    # setuptools and wheel for the build come from SIBLINGS, offline.
    folder = installs.target("sdist", SDIST)
    check_imports([folder], {"backports.weakref": folder})
    # pip 18 and 19 "setup.py install" an sdist (egg-info) when the wheel
    # package is missing beside them, as it is on pyenv's 3.6 and 2.7.
    assert len(dist_info_folders(folder, kinds="dist|egg")) == 1
    assert os.path.isfile(os.path.join(folder, "backports", "__init__.py"))


def core_in(folder):
    """The containers' core that backports.weakref installed in *folder*
    runs on, asked of a child with nothing set to choose it."""
    return run([sys.executable, "-s", "-c",
                "from backports.weakref import _core; "
                "print(_core.IMPLEMENTATION)"],
               env={"PYTHONPATH": folder,
                    "BACKPORTS_WEAKREF_NO_EXTENSIONS": ""}).strip()


@needs_pip
@pytest.mark.skipif(not EXPECT_COMPILED, reason="the compiled core is not "
                    "expected here (BACKPORTS_WEAKREF_EXPECT_CORE)")
def test_sdist_install_compiles_the_core(installs):
    # pip builds the sdist here, with a compiler at hand: it compiles.
    assert core_in(installs.target("sdist", SDIST)) == "compiled"


needs_compiled_wheel = pytest.mark.skipif(
    not COMPILED_WHEEL, reason="BACKPORTS_WEAKREF_COMPILED_WHEEL is not set")


@needs_compiled_wheel
def test_compiled_wheel_is_this_interpreters():
    with zipfile.ZipFile(COMPILED_WHEEL) as wheel:
        names = set(wheel.namelist())
        wheel_file = [wheel.read(name).decode("utf-8") for name in names
                      if name.endswith(".dist-info/WHEEL")][0]
    tag = "cp%d%d" % sys.version_info[:2]
    assert "-%s-" % tag in os.path.basename(COMPILED_WHEEL)
    assert re.search(r"(?m)^Root-Is-Purelib: false$", wheel_file)
    assert [name for name in names
            if re.match(r"backports/weakref/_speedups\..*(so|pyd)$", name)]
    # The twin is there too: BACKPORTS_WEAKREF_NO_EXTENSIONS switches to it.
    assert "backports/weakref/_pure.py" in names
    with zipfile.ZipFile(WHEEL) as universal:
        python_files = set(name for name in universal.namelist()
                           if ".dist-info/" not in name)
    assert python_files <= names


@needs_pip
@needs_compiled_wheel
def test_compiled_wheel_installs_and_runs_the_compiled_core(installs):
    folder = installs.target("compiled-wheel", COMPILED_WHEEL)
    check_imports([folder], {"backports.weakref": folder})
    assert core_in(folder) == "compiled"


@needs_pip
@pytest.mark.skipif(not RELEASE_SET,
                    reason="BACKPORTS_WEAKREF_RELEASE_SET is not set")
def test_the_shipped_pip_takes_the_wheel_meant_for_it(installs):
    # What a user's pip does with a release: CPython's own manylinux1 wheel
    # (2.7's pip 19.2.3 and 3.6's 18.1 know that tag), the universal one
    # elsewhere.
    folder = installs.target("release-set", "--find-links", RELEASE_SET,
                             "backports.weakref")
    (info,) = dist_info_folders(folder)
    with io.open(os.path.join(folder, info, "WHEEL"), encoding="utf-8") as text:
        tags = re.findall(r"(?m)^Tag: (\S+)$", text.read())
    if EXPECT_COMPILED:
        assert sorted(tag.split("-")[2] for tag in tags) == [
            "manylinux1_x86_64", "manylinux_2_5_x86_64"]
        assert all(tag.startswith("cp%d%d-" % sys.version_info[:2])
                   for tag in tags)
    else:
        assert sorted(tags) == ["py2-none-any", "py3-none-any"]
    assert core_in(folder) == ("compiled" if EXPECT_COMPILED else "pure")


@needs_pip
@needs_install_matrix
@pytest.mark.parametrize("order", ["weakref-first", "weakref-last"])
@pytest.mark.parametrize("sibling", SIBLING_PROJECTS, ids=SIBLING_IDS)
def test_one_site_packages(installs, order, sibling):
    """Ours and the siblings in one site-packages, installed in *order*.

    ``--prefix`` rather than ``--target``: pip's --target does not merge a
    ``backports`` folder into one that already exists.
    """
    sibling_file(sibling)

    def install(prefix):
        batches = [[WHEEL], available_siblings()]
        if order == "weakref-last":
            batches.reverse()
        for files in batches:
            pip_install(PIP_PYTHON, "--no-deps", "--ignore-installed",
                        "--prefix", prefix, *files)
        return site_packages_under(prefix)

    site = installs.once("prefix-" + order, install)
    check_imports([site], {"backports.weakref": site, sibling.module: site},
                  sibling)


@needs_pip
@needs_install_matrix
@pytest.mark.parametrize("order", ["weakref-first", "weakref-last"])
@pytest.mark.parametrize("sibling", SIBLING_PROJECTS, ids=SIBLING_IDS)
def test_separate_path_entries(installs, order, sibling):
    """Ours and a sibling in two folders, put on sys.path in *order*."""
    ours = installs.target("wheel", WHEEL)
    theirs = installs.target(normalize(sibling.project), sibling_file(sibling))
    path = [ours, theirs] if order == "weakref-first" else [theirs, ours]
    check_imports(path, {"backports.weakref": ours, sibling.module: theirs},
                  sibling)


class Environment(object):
    """Somewhere pip can upgrade in: the user site of the base python, with
    PYTHONUSERBASE in a temporary folder; or, when the shipped pip lives in a
    venv (which refuses --user), a new venv made from it with its pip."""

    def __init__(self, folder):
        in_venv = run([PIP_PYTHON, "-c", IN_VENV]).strip() == "True"
        if in_venv:
            self.root = os.path.join(folder, "venv")
            run([PIP_PYTHON, "-m", "venv", self.root])
            self.python = os.path.join(self.root, "bin", "python")
            self.options = []
            self.env = {}
            where = "import sysconfig; print(sysconfig.get_paths()['purelib'])"
        else:
            self.root = os.path.join(folder, "userbase")
            self.python = PIP_PYTHON
            self.options = ["--user"]
            self.env = {"PYTHONUSERBASE": self.root}
            where = "import site; print(site.getusersitepackages())"
        self.site = run([self.python, "-c", where], env=self.env).strip()

    def copy(self, folder):
        """The same environment, copied under *folder*: a venv runs from
        anywhere when started as bin/python -m pip, and a user site holds
        only paths relative to itself."""
        twin = Environment.__new__(Environment)
        twin.__dict__.update(self.__dict__)
        twin.root = os.path.join(folder, os.path.basename(self.root))
        shutil.copytree(self.root, twin.root, symlinks=True)
        if self.options:
            twin.env = {"PYTHONUSERBASE": twin.root}
        else:
            twin.python = os.path.join(twin.root, "bin", "python")
        twin.site = os.path.join(twin.root,
                                 os.path.relpath(self.site, self.root))
        return twin

    def install(self, *args):
        return pip_install(self.python, "--no-deps", "--upgrade",
                           *(self.options + list(args)), env=self.env)

    def uninstall(self, name):
        return run([self.python, "-m", "pip", "uninstall", "-y", name],
                   env=self.env)

    def installed(self):
        """The metadata folders of backports.weakref in this site (pip 18
        removes a user site that its last uninstall left empty)."""
        if not os.path.isdir(self.site):
            return []
        return dist_info_folders(self.site, kinds="dist|egg")


IN_VENV = ("import sys; print(hasattr(sys, 'real_prefix') or "
           "sys.prefix != getattr(sys, 'base_prefix', sys.prefix))")


# --- upgrades ------------------------------------------------------------------
#
# pip before 20.2 (2.7 ships 19.2.3, 3.6 ships 18.1, Jython 19.1) asks its
# vendored pkg_resources whether a distribution is installed. That files each
# installed one under a key made from the name part of its metadata folder,
# and looks the requirement up under a key made from the name as the user
# (or a dependent's Requires-Dist) wrote it, both through safe_name():
# runs of characters other than letters, digits and "." become "-", then
# lowercase. "." stays, so "backports.weakref" and "backports-weakref" are two
# keys. What is not found is not uninstalled: the upgrade leaves the old
# folder, and 1.0.post1's backports/weakref.py, beside the new ones.
#
# Which folder names exist:
# - 1.0.post1: "backports.weakref-1.0.post1.dist-info".
# - our wheels: "backports_weakref-X.dist-info". The name is PyPI's to choose,
#   not ours: it refuses a wheel whose filename does not start with the
#   normalized name (backports_weakref), and reads the metadata from
#   "<that name>-<version>.dist-info/METADATA", so no wheel it accepts can
#   carry the dotted folder (pyproject.toml).
# - our sdist, built by pip < 20.2: its interpreter's setuptools (at most 75.3
#   on 2.7-3.8) writes "backports.weakref-X.dist-info" or "-X-pyN.egg-info".
#
# So with those pips "pip install -U backports.weakref" upgrades 1.0.post1
# (and sdist installs) cleanly, "backports-weakref" our wheels, and no one
# spelling both: no file that PyPI accepts can change that, since the lookup
# happens in the pip already installed. pip 20.2+ (20.3.4 is the last for 2.7,
# 21.3.1 for 3.6) compares normalized names and upgrades cleanly whatever the
# spelling. docs/migrating-from-1.0.md tells old-pip users to upgrade pip
# first, and how to clear a leftover; the tests below hold each upgrade to
# exactly this model, and check that remedy wherever an old pip leaves one.

def old_pip_key(name):
    """pkg_resources.safe_name(name).lower(), as pip < 20.2 compares."""
    return re.sub(r"[^A-Za-z0-9.]+", "-", name).lower()


def folder_name(folder):
    """The distribution name part of a metadata folder's name."""
    return re.match(r"(.+?)-\d", folder).group(1)


def folder_version(folder):
    return re.match(r".+?-(\d[^-]*?)(-py[\d.]+)?\.(dist|egg)-info$",
                    folder).group(1)


def bumped_sdist(folder, newer):
    """A copy of the sdist as release *newer*: its version in PKG-INFO and
    in the package's __version__, which setup.py reads."""
    version = backports.weakref.__version__
    target = os.path.join(folder, "backports_weakref-%s.tar.gz" % newer)
    with tarfile.open(SDIST) as source:
        with tarfile.open(target, "w:gz") as bumped:
            for member in source.getmembers():
                data = source.extractfile(member).read() if member.isfile() \
                    else None
                top, _, rest = member.name.partition("/")
                member.name = "backports_weakref-%s%s" % (
                    newer, "/" + rest if rest else "")
                if data is not None:
                    if rest.endswith("PKG-INFO"):
                        data = re.sub(b"(?m)^Version: .*$",
                                      b"Version: " + newer.encode("ascii"),
                                      data)
                    elif rest == "src/backports/weakref/__init__.py":
                        data = data.replace(
                            ('__version__ = "%s"' % version).encode("ascii"),
                            ('__version__ = "%s"' % newer).encode("ascii"))
                    member.size = len(data)
                    bumped.addfile(member, io.BytesIO(data))
                else:
                    bumped.addfile(member)
    return target


# (what is installed first, how the upgrade names what to install)
UPGRADES = [(start, how) for start in ("1.0.post1", "this-release")
            for how in ("backports.weakref", "backports-weakref", "wheel-file",
                        "sdist-file")]


@pytest.fixture(scope="module")
def upgrade_start(tmpdir_factory):
    """The two starting points, each installed once and copied per test."""
    made = {}

    def make(start):
        if start not in made:
            folder = str(tmpdir_factory.mktemp("start-" + start))
            environment = Environment(folder)
            if start == "1.0.post1":
                environment.install("backports.weakref==1.0.post1")
            else:
                environment.install(WHEEL)
            made[start] = environment
        return made[start]
    return make


@needs_pip
@needs_install_matrix
@pytest.mark.parametrize("start,how", UPGRADES,
                         ids=["%s-then-%s" % pair for pair in UPGRADES])
def test_upgrade(tmpdir, pip_version, upgrade_start, start, how):
    """An installed 1.0.post1 or this release, upgraded with the shipped pip
    to this release or a newer one, named as users name it: by either
    spelling from an index, or as a downloaded wheel or sdist."""
    if start == "1.0.post1" and \
            distribution_file("backports.weakref") is None:
        pytest.skip("backports.weakref 1.0.post1 was not downloaded")
    environment = upgrade_start(start).copy(str(tmpdir.mkdir("env")))
    [before] = environment.installed()
    links = str(tmpdir.mkdir("links"))
    if start == "1.0.post1":
        wheel, sdist, version = WHEEL, SDIST, backports.weakref.__version__
    else:
        wheel, version = bumped_wheel(links)
        sdist = bumped_sdist(str(tmpdir), version)
    if not os.path.exists(os.path.join(links, os.path.basename(wheel))):
        shutil.copy(wheel, links)

    if how == "wheel-file":
        arguments = [wheel]
        # pip < 20.2 names the requirement after the filename, "_" as "-".
        asked = os.path.basename(wheel).split("-")[0]
    elif how == "sdist-file":
        arguments = [sdist]
        asked = "backports.weakref"   # the Name its metadata says
    else:
        arguments = ["--find-links", links, "%s==%s" % (how, version)]
        asked = how

    def upgrade():
        environment.install(*arguments)
        check_imports([environment.site],
                      {"backports.weakref": environment.site})
        return environment.installed()

    after = upgrade()
    left = []
    if pip_version < PIP_NORMALIZES_DIST_INFO and \
            old_pip_key(asked) != old_pip_key(folder_name(before)):
        left = [before]
    assert sorted(folder_version(name) for name in after) == sorted(
        [version] + [folder_version(name) for name in left]), after
    assert set(left) <= set(after)
    old_module = os.path.join(environment.site, "backports", "weakref.py")
    assert os.path.exists(old_module) == (left != [] and
                                          start == "1.0.post1")
    if not left:
        return

    # The remedy docs/migrating-from-1.0.md gives for what an old pip left:
    # uninstall under both spellings until neither is found, then install.
    # Each uninstall is spelled for a folder of this site (the user site
    # comes first on sys.path), so nothing outside it is touched.
    for _ in range(4):
        remaining = environment.installed()
        if not remaining:
            break
        environment.uninstall(folder_name(remaining[0]))
    assert environment.installed() == []
    assert [folder_version(name) for name in upgrade()] == [version]
    assert not os.path.exists(old_module)
