"""Sphinx configuration for backports.weakref's documentation.

Built by tools/build_docs.sh (pinned Sphinx, -W -n, nothing fetched from the
network) and by Read the Docs (.readthedocs.yaml, same docs/requirements.txt).
"""
import io
import os
import re

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

# The version lives in the package alone (as setup.py reads it).
with io.open(os.path.join(ROOT, "src", "backports", "weakref", "__init__.py"),
             encoding="utf-8") as source:
    release = re.search(r'^__version__ = "([^"]+)"', source.read(),
                        re.M).group(1)
version = release

project = "backports.weakref"
author = "backports.weakref contributors"
copyright = "backports.weakref contributors"

extensions = ["myst_parser"]
source_suffix = {".md": "markdown"}
root_doc = "index"
exclude_patterns = ["_build", "requirements.txt"]
myst_heading_anchors = 3

# Every cross-reference must resolve: no intersphinx (it would fetch
# inventories from the network), so stdlib names are written as code.
nitpicky = True

html_theme = "alabaster"
html_title = "backports.weakref %s" % release
html_theme_options = {"description": "CPython 3.14's weakref, everywhere"}

# Pages that another part of the project writes: listed in the table of
# contents only once they exist, so the build never depends on them.
OPTIONAL_PAGES = ["extras"]


def _add_optional_pages(app, docname, source):
    if docname != app.config.root_doc:
        return
    present = [page for page in OPTIONAL_PAGES
               if os.path.exists(os.path.join(app.srcdir, page + ".md"))]
    source[0] = source[0].replace("<!-- optional pages -->\n",
                                  "".join(page + "\n" for page in present))


def setup(app):
    app.connect("source-read", _add_optional_pages)
