"""Load CPython's own weakref test files against backports.weakref.

CPython's ``test_weakref.py``, ``test_weakset.py`` and ``mapping_tests.py``
(PSF code, installed at CI time from Debian's libpython3.X-testsuite, never
committed) are read from the folders named by BACKPORTS_WEAKREF_CPYTHON_SUITES
and made importable without touching the stdlib:

1. Syntax this interpreter cannot compile: the smallest unit around the
   error (a test method, a function, a class attribute, a statement) is
   replaced by a stub that raises SyntaxError("excused: uses syntax this
   interpreter lacks (line N)"), keeping every line number, until the file
   compiles. What was stubbed is returned, to be reported and excused.
2. Imports: ``import weakref`` / ``from weakref import ...`` are pointed at
   backports.weakref (or left at the stdlib, for the check that excused tests
   also fail there), and ``from test import support`` / ``from test.support
   import ...`` / ``from test import mapping_tests`` at the stand-in, by
   rewriting only the module names in the tokens (line numbers unchanged).
3. The results are written as a package named ``test`` in a fresh folder,
   with tests/cpython_support/ as its ``support``, and imported in this
   process under a private name; their test classes get the assertion
   methods newer than this interpreter's unittest (support/assertions.py).
   A child process (FinalizeTestCase's test_atexit runs one) gets that
   folder first on its path, so its ``from test.test_weakref import ...``
   finds the same files.

This module parses on Python 2.7 and Jython, which never load a suite.
"""
from __future__ import absolute_import

import ast
import collections
import io
import itertools
import os
import re
import shutil
import sys
import tokenize
import warnings

SUITES_VARIABLE = "BACKPORTS_WEAKREF_CPYTHON_SUITES"
FILES = ("test_weakref.py", "test_weakset.py", "mapping_tests.py")
STAND_IN = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                        "cpython_support")

# Which weakref a loaded copy imports.
OURS = "ours"
STDLIB = "stdlib"

SYNTAX_REASON = "uses syntax this interpreter lacks (line %d)"


class LoaderError(Exception):
    """A suite folder or file this loader cannot handle as asked."""


Suite = collections.namedtuple("Suite", "release label directory")
# One stubbed unit: its module, its dotted name inside it, its kind
# ("method", "function", "class", "attribute", "statement"), and the line
# the interpreter could not compile.
SyntaxExcuse = collections.namedtuple("SyntaxExcuse",
                                      "module qualname kind line")


def suites(environ=None):
    """The suites named by the environment, newest first.

    Each folder must hold FILES; its release (e.g. 3.15) is the last
    ``X.Y`` in its path (``.../3.15``, ``/usr/lib/python3.15/test``).
    """
    value = (os.environ if environ is None else environ).get(SUITES_VARIABLE)
    found = []
    for directory in (value or "").split(os.pathsep):
        if not directory:
            continue
        releases = re.findall(r"(?<![\d.])(\d+)\.(\d+)(?![\d.])", directory)
        if not releases:
            raise LoaderError("%s: cannot tell which CPython release %r "
                              "holds: name its folder after it (e.g. .../3.15)"
                              % (SUITES_VARIABLE, directory))
        missing = [name for name in FILES
                   if not os.path.isfile(os.path.join(directory, name))]
        if missing:
            raise LoaderError("%s: %r lacks %s" % (
                SUITES_VARIABLE, directory, ", ".join(missing)))
        release = tuple(int(part) for part in releases[-1])
        found.append(Suite(release, "%d.%d" % release, directory))
    labels = [suite.label for suite in found]
    if len(set(labels)) != len(labels):
        raise LoaderError("%s names a release twice: %s"
                          % (SUITES_VARIABLE, ", ".join(labels)))
    return sorted(found, reverse=True)


# -- the logical structure of a source, from its tokens ----------------------

class _Statement(object):
    """One logical line, with the block it heads (if any) as children."""

    def __init__(self, tokens, parent):
        self.tokens = tokens
        self.parent = parent
        self.children = []
        self.decorators = []
        words = [tok[1] for tok in tokens[:2]]
        if words[:1] == ["async"]:
            words = words[1:]
        self.keyword = words[0] if words else ""
        self.name = (tokens[1 + (tokens[0][1] == "async")][1]
                     if self.keyword in ("def", "class") and len(tokens) > 2
                     else None)

    @property
    def first_row(self):
        return (self.decorators or [self])[0].tokens[0][2][0]

    @property
    def header_rows(self):
        return self.first_row, self.tokens[-1][3][0]

    @property
    def last_row(self):
        last = self
        while last.children:
            last = last.children[-1]
        return last.tokens[-1][3][0]

    def qualname(self):
        """Dotted name: of the def or class, or of what a simple statement
        assigns (its first line when it assigns no plain name)."""
        own = self.name or ((_assigned_names(self)
                             or ["<line %d>" % self.first_row])[0])
        names = [own]
        node = self.parent
        while node is not None:
            if node.name:
                names.append(node.name)
            node = node.parent
        return ".".join(reversed(names))


def _statements(source):
    """The module's top-level statements (a tree of _Statement)."""
    module = _Statement([], None)
    stack = [(-1, module)]  # (depth, statement) of the enclosing blocks
    depth = 0
    line = []
    pending_decorators = []
    reader = io.StringIO(source).readline
    for tok in tokenize.generate_tokens(reader):
        kind = tok[0]
        if kind == tokenize.INDENT:
            depth += 1
        elif kind == tokenize.DEDENT:
            depth -= 1
        elif kind == tokenize.NEWLINE:
            if not line:
                continue
            while stack[-1][0] >= depth:
                stack.pop()
            parent = stack[-1][1]
            statement = _Statement(line, parent)
            line = []
            if statement.keyword == "@":
                pending_decorators.append(statement)
                continue
            statement.decorators, pending_decorators = pending_decorators, []
            parent.children.append(statement)
            stack.append((depth, statement))
        elif kind in (tokenize.COMMENT, tokenize.NL, tokenize.ENDMARKER):
            continue
        else:
            line.append(tok)
    return module


def _chain(module, row):
    """The statements containing *row*, outermost first."""
    chain = []
    node = module
    while True:
        inner = [child for child in node.children
                 if child.first_row <= row <= child.last_row]
        if not inner:
            return chain
        node = inner[0]
        chain.append(node)


def _unit(module, row):
    """The smallest unit to stub for a syntax error on *row*."""
    for statement in _chain(module, row):
        first, last = statement.header_rows
        in_header = first <= row <= last
        if statement.keyword == "def":
            return statement
        if statement.keyword == "class":
            if in_header:
                return statement
            continue
        if not statement.children:
            return statement
        if in_header:
            break
    raise LoaderError("no test method, function, class or statement to "
                      "excuse around line %d" % row)


def _assigned_names(statement):
    """The plain names a simple ``a = b = ...`` statement binds, else []."""
    names = []
    expect_name = True
    for tok in statement.tokens:
        if expect_name and tok[0] == tokenize.NAME:
            names.append(tok[1])
            expect_name = False
        elif not expect_name and tok[1] == "=":
            expect_name = True
        else:
            break
    return names[:-1] if expect_name is False else names


def _stub(statement, row):
    """(kind, source lines) that stand for *statement* (same line count)."""
    first = (statement.decorators or [statement])[0].tokens[0]
    indent = first[4][:first[2][1]]  # the line's own spaces or tabs
    message = "excused: " + SYNTAX_REASON % row
    error = "SyntaxError(%r)" % (message,)
    if statement.keyword == "def":
        kind = ("method" if statement.parent.keyword == "class"
                else "function")
        text = "%sdef %s(*args, **kwargs): raise %s" % (
            indent, statement.name, error)
    elif statement.keyword == "class":
        kind = "class"
        text = "%sclass %s(object): excused = %r" % (
            indent, statement.name, message)
    else:
        names = _assigned_names(statement)
        in_class = statement.parent.keyword == "class"
        kind = "attribute" if in_class else "statement"
        if not names:
            text = indent + "pass"
        elif in_class:
            # Reading the attribute raises the excuse.
            text = "%s%s = property(lambda self: (_ for _ in ()).throw(%s))" % (
                indent, " = ".join(names), error)
        else:
            text = "%s%s = %s" % (indent, " = ".join(names), error)
    count = statement.last_row - statement.first_row + 1
    return kind, [text + "\n"] + ["\n"] * (count - 1)


def _error_row(error, lines):
    """The line *error* is about, checked against the text it quotes, or
    None. An error inside an f-string's braces quotes just the expression,
    parenthesised, and CPython before 3.9 puts it on line 1: then the one
    line holding that expression is the line."""
    row = error.lineno
    text = (error.text or "").strip()
    if row is None or not 0 < row <= len(lines):
        return None
    if not text or text in lines[row - 1]:
        return row
    if text.startswith("(") and text.endswith(")"):
        inner = text[1:-1].strip()
        if inner in lines[row - 1]:
            return row
        rows = [number for number, line in enumerate(lines, 1)
                if inner in line]
        if len(rows) == 1:
            return rows[0]
    return None


def excuse_syntax(source, filename, module_name):
    """*source* with every unit this interpreter cannot compile stubbed.

    Returns (source, [SyntaxExcuse...]).
    """
    excuses = []
    while True:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                compile(source, filename, "exec", dont_inherit=True)
            return source, excuses
        except SyntaxError as error:
            lines = source.splitlines(True)
            row = _error_row(error, lines)
            if row is None or any(excuse.line == row for excuse in excuses):
                raise LoaderError("%s: cannot excuse %s" % (filename, error))
            statement = _unit(_statements(source), row)
            kind, stub = _stub(statement, row)
            lines[statement.first_row - 1:statement.last_row] = stub
            source = "".join(lines)
            excuses.append(SyntaxExcuse(module_name, statement.qualname(),
                                        kind, row))


# -- imports -----------------------------------------------------------------

def _byte_start(tok):
    """(row, column) where *tok* starts, the column counted in UTF-8 bytes
    as the ast counts it (tokenize counts characters)."""
    row, col = tok[2]
    return row, len(tok[4][:col].encode("utf-8"))


def _statement_tokens(tokens, start):
    """The tokens of the simple statement starting at *start*, (row, column
    in bytes) as the ast gives it."""
    taken = []
    for tok in tokens:
        if not taken and _byte_start(tok) < start:
            continue
        if tok[0] in (tokenize.NEWLINE, tokenize.ENDMARKER) or tok[1] == ";":
            break
        if tok[0] not in (tokenize.NL, tokenize.COMMENT, tokenize.INDENT,
                          tokenize.DEDENT):
            taken.append(tok)
    return taken


def _new_module(module, target):
    """What module name an import of *module* becomes, or None to keep it."""
    if module == "test":
        return "."
    if module.startswith("test."):
        return module[len("test"):]
    if module == "weakref":
        return "backports.weakref" if target == OURS else None
    if module == "_weakrefset" and target == OURS:
        raise LoaderError("cannot point an import of %s at backports.weakref"
                          % module)
    return None


def _import_edit(node, statement, target):
    """(start, end, text) replacing *node*'s tokens, or None."""
    if isinstance(node, ast.ImportFrom):
        if node.level or not node.module:
            return None
        new = _new_module(node.module, target)
        if new is None:
            return None
        # from <dotted name> import ...: replace just the dotted name.
        name_tokens = statement[1:[tok[1] for tok in statement].index("import")]
        return name_tokens[0][2], name_tokens[-1][3], new
    pieces = []
    changed = False
    for alias in node.names:
        new = _new_module(alias.name, target)
        if new is None:
            pieces.append("import " + alias.name
                          + (" as " + alias.asname if alias.asname else ""))
            continue
        changed = True
        package, _, name = new.rpartition(".")
        if not name or (alias.asname is None and alias.name != name):
            # `import test.support` binds `test`: no relative equivalent.
            raise LoaderError("line %d: cannot rewrite 'import %s'"
                              % (node.lineno, alias.name))
        pieces.append("from %s import %s" % (package or ".", name)
                      + (" as " + alias.asname if alias.asname else ""))
    if not changed:
        return None
    if statement[0][2][0] != statement[-1][3][0]:
        raise LoaderError("line %d: cannot rewrite an import that spans lines"
                          % node.lineno)
    return statement[0][2], statement[-1][3], "; ".join(pieces)


def transform_imports(source, target):
    """*source* with its weakref and ``test`` imports pointed at *target*'s
    weakref and at the stand-in (relative imports inside the package)."""
    tree = ast.parse(source)
    tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    edits = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            start = (node.lineno, node.col_offset)
            edit = _import_edit(node, _statement_tokens(tokens, start), target)
            if edit is not None:
                edits.append(edit)
    lines = source.splitlines(True)
    for (row, col), (end_row, end_col), text in sorted(edits, reverse=True):
        if row != end_row:
            raise LoaderError("line %d: cannot rewrite a module name that "
                              "spans lines" % row)
        line = lines[row - 1]
        lines[row - 1] = line[:col] + text + line[end_col:]
    result = "".join(lines)
    _check_imports(result, target)
    return result


def _check_imports(source, target):
    """Fail if any import still reaches the stdlib's test package, or (for
    OURS) the stdlib's weakref."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and not node.level:
            modules = [node.module]
        elif isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        else:
            continue
        for module in modules:
            if module == "test" or module.startswith("test."):
                raise LoaderError("line %d still imports %s"
                                  % (node.lineno, module))
            if target == OURS and module == "weakref":
                raise LoaderError("line %d still imports the stdlib's weakref"
                                  % node.lineno)


# -- writing and importing a suite -------------------------------------------

class Loaded(object):
    """One suite's files, transformed for one weakref and imported.

    ``modules`` maps "test_weakref"/"test_weakset" to the imported modules,
    ``syntax_excuses`` lists what was stubbed, ``root`` is the folder whose
    ``test`` package holds the files (a child process's first path entry).
    """

    def __init__(self, suite, target, root, package, modules,
                 syntax_excuses):
        self.suite = suite
        self.target = target
        self.root = root
        self.package = package
        self.modules = modules
        self.syntax_excuses = syntax_excuses


def prepare(suite, target, root):
    """Write *suite*'s transformed files as ``root/test/``; return the
    syntax excuses."""
    package_dir = os.path.join(root, "test")
    os.makedirs(package_dir)
    shutil.copytree(STAND_IN, os.path.join(package_dir, "support"),
                    ignore=shutil.ignore_patterns("__pycache__", "*.py[co]"))
    with open(os.path.join(package_dir, "__init__.py"), "w") as init:
        init.write('"""CPython %s\'s weakref tests, importing %s weakref."""\n'
                   % (suite.label, "our" if target == OURS else "the stdlib's"))
    excuses = []
    for name in FILES:
        path = os.path.join(suite.directory, name)
        with io.open(path, encoding="utf-8") as handle:
            source = handle.read()
        module_name = name[:-len(".py")]
        source, found = excuse_syntax(source, path, module_name)
        excuses.extend(found)
        source = transform_imports(source, target)
        with io.open(os.path.join(package_dir, name), "w",
                     encoding="utf-8") as handle:
            handle.write(source)
    return excuses


_LOADS = itertools.count(1)


def _add_missing_assertions(package):
    """Give the package's test classes the assertion methods newer than
    this unittest (the stand-in's support.assertions)."""
    import importlib
    import unittest

    assertions = importlib.import_module(package + ".support.assertions")
    for name in FILES:
        module = sys.modules.get("%s.%s" % (package, name[:-len(".py")]))
        for value in list(vars(module).values()) if module else ():
            if (isinstance(value, type) and issubclass(value, unittest.TestCase)
                    and value.__module__ == module.__name__):
                assertions.add_missing(value)


def load(suite, target, workdir):
    """Prepare *suite* for *target* under *workdir* and import it."""
    import importlib
    import importlib.util

    tag = "%s_%s" % (suite.label.replace(".", "_"), target)
    root = os.path.join(workdir, tag)
    excuses = prepare(suite, target, root)
    # Unique in this process, however often a suite is loaded.
    package = "_cpython_%s_%d" % (tag, next(_LOADS))
    package_dir = os.path.join(root, "test")
    spec = importlib.util.spec_from_file_location(
        package, os.path.join(package_dir, "__init__.py"),
        submodule_search_locations=[package_dir])
    module = importlib.util.module_from_spec(spec)
    sys.modules[package] = module
    spec.loader.exec_module(module)
    modules = collections.OrderedDict(
        (name, importlib.import_module("%s.%s" % (package, name)))
        for name in ("test_weakref", "test_weakset"))
    _add_missing_assertions(package)
    return Loaded(suite, target, root, package, modules, excuses)
