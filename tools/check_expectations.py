"""Compare type checkers' errors with the ones a corpus file expects.

A line of the corpus that ends in

    # expect: mypy[arg-type] pyright[reportArgumentType]

must get exactly those error codes (mypy) and rules (pyright), and every
other line must get none. tools/check_types.sh runs the checkers and hands
their output here:

    python tools/check_expectations.py CORPUS --mypy MYPY.txt --pyright PYRIGHT.json

Exit status 0 when every line is as expected, 1 otherwise.
"""
import argparse
import json
import os
import re
import sys
from collections import defaultdict

EXPECT = re.compile(r"#\s*expect:\s*(.*)$")
CHECKER_CODES = re.compile(r"(\w+)\[([^\]]*)\]")
# "path:line: error: message  [code]"; notes and the summary line don't match.
MYPY_ERROR = re.compile(r"^(?P<path>[^:]+):(?P<line>\d+): error: .*\[(?P<code>[\w-]+)\]$")


def expected_errors(corpus):
    """{checker: {line: set of codes}} from the corpus's expect comments."""
    expected = {"mypy": {}, "pyright": {}}
    with open(corpus, encoding="utf-8") as source:
        for number, text in enumerate(source, 1):
            match = EXPECT.search(text)
            if not match:
                continue
            for checker, codes in CHECKER_CODES.findall(match.group(1)):
                if checker not in expected:
                    raise SystemExit("%s:%d: unknown checker %r"
                                     % (corpus, number, checker))
                expected[checker][number] = set(
                    code.strip() for code in codes.split(",") if code.strip())
    return expected


def same_file(first, second):
    return os.path.realpath(first) == os.path.realpath(second)


def mypy_errors(corpus, output):
    found = defaultdict(set)
    with open(output, encoding="utf-8") as report:
        for text in report:
            match = MYPY_ERROR.match(text.rstrip("\n"))
            if match and same_file(match.group("path"), corpus):
                found[int(match.group("line"))].add(match.group("code"))
    return found


def pyright_errors(corpus, output):
    found = defaultdict(set)
    with open(output, encoding="utf-8") as report:
        diagnostics = json.load(report).get("generalDiagnostics", [])
    for diagnostic in diagnostics:
        if diagnostic.get("severity") != "error":
            continue
        if not same_file(diagnostic["file"], corpus):
            continue
        line = diagnostic["range"]["start"]["line"] + 1   # pyright counts from 0
        found[line].add(diagnostic.get("rule", "(no rule)"))
    return found


def compare(corpus, checker, expected, found):
    """Lines whose errors differ from the expected ones, as messages."""
    problems = []
    for line in sorted(set(expected) | set(found)):
        want = expected.get(line, set())
        got = found.get(line, set())
        if want != got:
            problems.append("%s:%d: %s expected %s, got %s" % (
                corpus, line, checker, sorted(want) or "no error",
                sorted(got) or "no error"))
    return problems


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("corpus")
    parser.add_argument("--mypy", help="mypy's text output")
    parser.add_argument("--pyright", help="pyright's --outputjson output")
    args = parser.parse_args(argv)
    expected = expected_errors(args.corpus)
    problems = []
    checked = 0
    if args.mypy:
        problems += compare(args.corpus, "mypy", expected["mypy"],
                            mypy_errors(args.corpus, args.mypy))
        checked += len(expected["mypy"])
    if args.pyright:
        problems += compare(args.corpus, "pyright", expected["pyright"],
                            pyright_errors(args.corpus, args.pyright))
        checked += len(expected["pyright"])
    for problem in problems:
        print(problem)
    if not checked:
        print("%s: no expect comments: nothing was checked" % args.corpus)
        return 1
    if not problems:
        print("%s: %d expected errors, all reported, nothing else"
              % (args.corpus, checked))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
