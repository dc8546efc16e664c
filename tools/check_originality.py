"""List the text that src/ shares with CPython's weakref sources.

Every line and sentence under src/ must be this project's own writing:
facts (names, signatures, behaviour, the newest CPython's exception
messages) carry over from CPython, text does not. Given CPython's
``Lib/weakref.py`` and ``Lib/_weakrefset.py`` of any releases (files, or
folders holding them), this prints each place in src/ whose code line,
docstring or comment sentence, or string literal is also in one of them,
and exits 1 when any is not in the allowlist:

    python3 tools/check_originality.py /work/scratch/3.15 \\
        "$(pyenv root)"/versions/2.7.18/lib/python2.7 ...

What counts (the same normalization on both sides):

- code: a physical line with comments and docstrings taken out, its tokens
  rejoined in one fixed spacing (so the source's spacing does not matter),
  25 characters or more. Not counted, because any implementation of the
  same interface must write them: ``def`` and ``class`` header lines (names
  and parameters are the specification), ``import`` lines, an operator's
  dunder bound to its method (``__xor__ = symmetric_difference``), and
  lines of only literals and punctuation (the ``__all__`` list). Shorter
  lines (``return self``, ``else:``, ``return len(self.data)``) are too
  generic to tell copying from writing; ``--min-code-chars`` lowers the bar
  for a closer look. A line whose only substance is an allowed string
  (``raise KeyError("pop from empty WeakSet")``) is allowed with it.
- sentence: docstring and comment text, split at ``.``/``?``/``!`` and at
  blank lines, lowercased, with punctuation dropped, 5 words or more;
  shared when equal, or when a CPython sentence appears whole inside ours.
- string: a string literal (not a docstring) of 20 characters or more:
  exception messages and reprs.

The allowlist (tools/originality-allowlist.txt) holds normalized texts, each
after a comment that says why it must be the same (the newest CPython's
exception message is the specification). An entry matches wherever the text
is, so moving code keeps it allowed; an entry that no longer matches is
reported as stale, and fails too, to keep the list short.
"""
import argparse
import io
import keyword
import os
import re
import sys
import tokenize

# The thresholds of the rules above (--min-code-chars changes the first).
LIMITS = {"code chars": 25, "sentence words": 5, "string chars": 20}
REFERENCE_NAMES = ("weakref.py", "_weakrefset.py")
HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_ALLOWLIST = os.path.join(HERE, "originality-allowlist.txt")
DEFAULT_SOURCE = os.path.join(os.path.dirname(HERE), "src")

# Tokens that carry no text of their own.
LAYOUT = {tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT,
          tokenize.ENDMARKER, tokenize.ENCODING}
PUNCTUATION = set("()[]{},:;.")
HEADER = re.compile(r"^(async def|def|class|import|from \S+ import)\b")
# An operator's dunder bound to the method the API says it is.
DUNDER_ALIAS = re.compile(r"^__\w+__ = \w+$")
NO_SPACE_AFTER = ("(", "[", "{", ".", "~")
NO_SPACE_BEFORE = (")", "]", "}", ",", ":", ".", ";")


class Text(object):
    """The normalized pieces of one file, each with the line it starts on."""

    def __init__(self, path, label):
        self.path = path
        self.label = label
        self.code = []        # (line, normalized code)
        self.sentences = []   # (line, normalized sentence)
        self.strings = []     # (line, normalized literal)


def string_value(token_text):
    """The text inside a string literal token, prefixes and quotes off
    (escapes are left as written: both sides are compared as written)."""
    body = token_text.lstrip("rRbBuUfF")
    for quote in ('"""', "'''", '"', "'"):
        if body.startswith(quote) and body.endswith(quote) and \
                len(body) >= 2 * len(quote):
            return body[len(quote):-len(quote)]
    return body


def split_sentences(text):
    """Sentences of prose: split at sentence ends and blank lines, with
    comment and bullet marks and reST/Markdown backquotes taken out."""
    text = re.sub(r"`+", "", text)
    pieces = []
    for paragraph in re.split(r"\n\s*\n", text):
        flat = " ".join(line.strip().lstrip("#*-").strip()
                        for line in paragraph.splitlines())
        pieces += re.split(r"(?<=[.!?])\s+", flat)
    sentences = []
    for piece in pieces:
        words = re.findall(r"[\w'*=()<>+-]+", piece.lower())
        if len(words) >= LIMITS["sentence words"]:
            sentences.append(" ".join(words))
    return sentences


def join_tokens(values):
    """Tokens as one line in a fixed spacing, whatever the source's: no
    space inside brackets, before , : . or a call's (, one elsewhere."""
    line = ""
    previous = before = None
    for value in values:
        # A * or ** that opens an argument unpacks it: no space after it.
        unpacking = previous in ("*", "**") and before in ("(", ",", None)
        glued = previous is None or previous in NO_SPACE_AFTER or \
            unpacking or value in NO_SPACE_BEFORE or (
                value in ("(", "[") and
                (previous in (")", "]") or
                 (re.match(r"\w", previous[-1]) and
                  not keyword.iskeyword(previous))))
        line += value if glued else " " + value
        before, previous = previous, value
    return line


def is_trivial_code(code):
    if len(code) < LIMITS["code chars"] or HEADER.match(code) or \
            DUNDER_ALIAS.match(code):
        return True
    # Only literals and punctuation: data such as __all__'s names, which are
    # the specification.
    rest = re.sub(r"^__all__ = ", "",
                  re.sub(r"'[^']*'|\"[^\"]*\"|\b\d+\b", "", code))
    return not (set(rest) - PUNCTUATION - {" "})


def read(path, label):
    """Split *path* into code lines, prose sentences and string literals."""
    text = Text(path, label)
    with io.open(path, encoding="utf-8") as source:
        tokens = list(tokenize.generate_tokens(source.readline))
    line_tokens = {}        # physical line -> code tokens on it
    comments = []           # (line, text) of consecutive comment runs
    logical = []            # the tokens of the logical line being read
    for token in tokens:
        kind, value, (row, _), _, _ = token[:5]
        if kind == tokenize.COMMENT:
            if comments and comments[-1][2] == row - 1:
                line, words, _ = comments[-1]
                comments[-1] = (line, words + "\n" + value, row)
            else:
                comments.append((row, value, row))
            continue
        if kind in LAYOUT:
            if kind == tokenize.NEWLINE:
                finish_logical(text, logical, line_tokens)
                logical = []
            continue
        logical.append(token)
    finish_logical(text, logical, line_tokens)
    for row in sorted(line_tokens):
        code = join_tokens(line_tokens[row])
        if not is_trivial_code(code):
            text.code.append((row, code))
    for row, words, _ in comments:
        for sentence in split_sentences(words):
            text.sentences.append((row, sentence))
    return text


def finish_logical(text, logical, line_tokens):
    """File one logical line: a bare string is a docstring (prose); other
    tokens are code, and their long string literals are also strings."""
    if not logical:
        return
    strings = [token for token in logical if token[0] == tokenize.STRING]
    if len(strings) == len(logical):     # a docstring, or a bare string
        prose = "\n\n".join(string_value(token[1]) for token in strings)
        for sentence in split_sentences(prose):
            text.sentences.append((strings[0][2][0], sentence))
        return
    for token in logical:
        kind, value, (row, _), (end_row, _) = token[:4]
        line_tokens.setdefault(row, []).append(value.split("\n")[0]
                                               if end_row != row else value)
        if kind == tokenize.STRING:
            literal = " ".join(string_value(value).split())
            if len(literal) >= LIMITS["string chars"]:
                text.strings.append((row, literal))


def references(arguments):
    """The reference files named by *arguments* (files, or folders holding
    weakref.py and _weakrefset.py), each labelled by its path."""
    found = []
    for argument in arguments:
        if os.path.isdir(argument):
            paths = [os.path.join(argument, name) for name in REFERENCE_NAMES
                     if os.path.isfile(os.path.join(argument, name))]
            if not paths:
                raise SystemExit("check_originality: %s holds neither %s"
                                 % (argument, " nor ".join(REFERENCE_NAMES)))
        elif os.path.isfile(argument):
            paths = [argument]
        else:
            raise SystemExit("check_originality: no such file or folder: %s"
                             % argument)
        found += paths
    return found


def source_files(root):
    for folder, subfolders, names in os.walk(root):
        subfolders[:] = sorted(name for name in subfolders
                               if name != "__pycache__")
        for name in sorted(names):
            if name.endswith((".py", ".pyi")):
                yield os.path.join(folder, name)


def read_allowlist(path):
    """{(kind, text): reason} from the allowlist file."""
    allowed = {}
    reason = []
    with io.open(path, encoding="utf-8") as source:
        for number, line in enumerate(source, 1):
            line = line.rstrip("\n")
            if not line.strip():
                reason = []
            elif line.startswith("#"):
                reason.append(line.lstrip("# "))
            else:
                kind, _, entry = line.partition(": ")
                if kind not in ("code", "sentence", "string") or not entry:
                    raise SystemExit("%s:%d: expected 'code|sentence|string: "
                                     "TEXT'" % (path, number))
                if not reason:
                    raise SystemExit("%s:%d: say above the entry why it must "
                                     "be the same" % (path, number))
                allowed[(kind, entry)] = " ".join(reason)
    return allowed


def shared(ours, theirs):
    """[(kind, line, text, where in CPython)] that *ours* shares."""
    index = {}
    for text in theirs:
        for kind in ("code", "strings"):
            for row, item in getattr(text, kind):
                index.setdefault((kind, item), "%s:%d" % (text.label, row))
        for row, item in text.sentences:
            index.setdefault(("sentences", item), "%s:%d" % (text.label, row))
    their_sentences = [(item, where) for (kind, item), where in index.items()
                       if kind == "sentences"]
    found = []
    for kind, name in (("code", "code"), ("strings", "string")):
        for row, item in getattr(ours, kind):
            where = index.get((kind, item))
            if where:
                found.append((name, row, item, where))
    for row, item in ours.sentences:
        where = index.get(("sentences", item))
        if not where:
            for their, their_where in their_sentences:
                if " %s " % their in " %s " % item:
                    where = their_where
                    break
        if where:
            found.append(("sentence", row, item, where))
    return sorted(found, key=lambda finding: finding[1])


def covered_by_strings(code, strings):
    """Whether *code* is trivial once the allowed string literals in it are
    blanked: ``raise KeyError("pop from empty WeakSet")`` is that message."""
    blanked = code
    for literal in strings:
        for quote in ('"', "'"):
            blanked = blanked.replace(quote + literal + quote, '""')
    return blanked != code and is_trivial_code(blanked)


def main(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0])
    parser.add_argument("reference", nargs="+",
                        help="CPython's weakref.py/_weakrefset.py, or folders "
                             "holding them (a Lib/ or lib/pythonX.Y/)")
    parser.add_argument("--source", default=DEFAULT_SOURCE,
                        help="the tree to check (default: src/)")
    parser.add_argument("--allowlist", default=DEFAULT_ALLOWLIST)
    parser.add_argument("--min-code-chars", type=int,
                        default=LIMITS["code chars"],
                        help="shorter code lines are not compared "
                             "(default: %(default)s)")
    options = parser.parse_args(argv)
    LIMITS["code chars"] = options.min_code_chars

    theirs = [read(path, path) for path in references(options.reference)]
    allowed = read_allowlist(options.allowlist)
    used = set()
    problems = allowed_count = 0
    base = os.path.dirname(os.path.abspath(options.source))
    files = list(source_files(options.source))
    allowed_strings = [entry for kind, entry in allowed if kind == "string"]
    for path in files:
        ours = read(path, path)
        for kind, row, item, where in shared(ours, theirs):
            name = os.path.relpath(path, base)
            if (kind, item) in allowed:
                used.add((kind, item))
                allowed_count += 1
                continue
            if kind == "code" and covered_by_strings(item, allowed_strings):
                allowed_count += 1
                continue
            problems += 1
            print("%s:%d: %s: %s\n    also %s" % (name, row, kind, item, where))
    stale = sorted(set(allowed) - used)
    for kind, item in stale:
        print("%s: stale allowlist entry, found nowhere: %s: %s"
              % (os.path.relpath(options.allowlist), kind, item))
    print("check_originality: %d shared and not allowed, %d allowed, "
          "%d stale allowlist entries; %d files of %s against %d CPython "
          "files: %s" % (problems, allowed_count, len(stale), len(files),
                         os.path.relpath(options.source), len(theirs),
                         "FAILED" if problems or stale else "ok"))
    return 1 if problems or stale else 0


if __name__ == "__main__":
    sys.exit(main())
