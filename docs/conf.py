"""Sphinx configuration for backports.weakref's documentation.

Built by tools/build_docs.sh (pinned Sphinx, -W -n, nothing fetched from the
network) and by Read the Docs (.readthedocs.yaml, same docs/requirements.txt).
"""
import io
import os
import re
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def _read(*parts):
    with io.open(os.path.join(ROOT, *parts), encoding="utf-8") as source:
        return source.read()


# The version lives in the package alone, the newest CPython release in
# _specification.py alone (as setup.py reads them).
release = re.search(r'^__version__ = "([^"]+)"',
                    _read("src", "backports", "weakref", "__init__.py"),
                    re.M).group(1)
version = release
NEWEST = "%s.%s" % re.search(
    r"^NEWEST = \((\d+), (\d+)\)$",
    _read("src", "backports", "weakref", "_specification.py"), re.M).groups()

project = "backports.weakref"
author = "The backports.weakref developers"
copyright = "backports.weakref contributors"

extensions = ["myst_parser", "sphinx.ext.intersphinx"]
source_suffix = {".md": "markdown"}
# The pages name the mirrored release as {{ newest }}, so that moving to the
# next CPython is one edit of _specification.py. Facts about a particular
# release (what changed in 3.14, say) are written out: they do not move.
myst_enable_extensions = ["substitution"]
myst_substitutions = {"newest": "CPython %s" % NEWEST}
root_doc = "index"
# The benchmarks page's parts, which it includes: not pages of their own.
exclude_patterns = ["_build", "requirements.txt", "benchmarks/charts.md",
                    "benchmarks/analysis.md"]
myst_heading_anchors = 3

# Every cross-reference must resolve, ours and CPython's alike.
nitpicky = True

# --- links to CPython's own documentation, built offline -----------------
#
# intersphinx would fetch docs.python.org's objects.inv, and the build must
# not touch the network. So the inventory is written here, at each build,
# from the names these pages link: a reference such as {py:class}`weakref.WeakSet`
# that nothing of ours defines resolves through it to CPython's page, and a
# name missing from the list fails the build (-n -W) instead of rendering
# as plain text. Add a name here when a page starts linking it.
PYTHON_DOCS = "https://docs.python.org/%s/" % NEWEST
PYTHON_NAMES = {
    "py:module": ["weakref", "gc", "copy", "functools", "atexit",
                  "collections.abc", "typing"],
    "py:class": ["weakref.ref", "weakref.WeakKeyDictionary",
                 "weakref.WeakValueDictionary", "weakref.WeakSet",
                 "weakref.WeakMethod", "weakref.finalize",
                 "functools.partial", "collections.abc.MutableMapping",
                 "collections.abc.MutableSet",
                 "collections.abc.MutableSequence"],
    "py:function": ["weakref.proxy", "weakref.getweakrefcount",
                    "weakref.getweakrefs", "gc.collect", "copy.copy",
                    "copy.deepcopy", "functools.lru_cache", "atexit.register"],
    "py:data": ["weakref.ReferenceType", "weakref.ProxyType",
                "weakref.CallableProxyType", "weakref.ProxyTypes"],
    "py:exception": ["ReferenceError", "TypeError", "KeyError"],
}


def _python_page(name):
    """The page of CPython's library reference that documents *name*."""
    if "." not in name:
        return "library/exceptions.html"
    module = name.rsplit(".", 1)[0]
    for candidate in sorted(PYTHON_NAMES["py:module"], key=len, reverse=True):
        if name.startswith(candidate + "."):
            module = candidate
            break
    return "library/%s.html" % module


def _write_python_inventory(path):
    lines = []
    for role, names in sorted(PYTHON_NAMES.items()):
        for name in names:
            if role == "py:module":
                uri = "library/%s.html#module-%s" % (name, name)
            else:
                uri = "%s#%s" % (_python_page(name), name)
            lines.append("%s %s 1 %s -\n" % (name, role, uri))
    header = ("# Sphinx inventory version 2\n# Project: Python\n"
              "# Version: %s\n"
              "# The remainder of this file is compressed using zlib.\n"
              % NEWEST)
    folder = os.path.dirname(path)
    if not os.path.isdir(folder):
        os.makedirs(folder)
    with open(path, "wb") as inventory:
        inventory.write(header.encode("ascii"))
        inventory.write(zlib.compress("".join(lines).encode("utf-8")))


PYTHON_INVENTORY = os.path.join(ROOT, "build", "docs-inventory", "python.inv")
_write_python_inventory(PYTHON_INVENTORY)
intersphinx_mapping = {"python": (PYTHON_DOCS, PYTHON_INVENTORY)}

# furo: the theme readers of Python library docs know; it fits a phone's
# width (the sidebar folds away, tables and code scroll inside their own
# box), which tools/check_pages.py checks in a browser at 1280 and 390 px.
html_theme = "furo"
html_title = "backports.weakref %s" % release
html_static_path = ["_static"]
html_css_files = ["fit.css"]
