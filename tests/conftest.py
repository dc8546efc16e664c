from __future__ import absolute_import

import os
import sys

# Tests import the helper module "support" from this folder.
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))


def pytest_terminal_summary(terminalreporter):
    """Print the load behind the stress, model, leak and bad-input tests:
    each records a one-line summary as the user property "load"."""
    lines = []
    for reports in terminalreporter.stats.values():
        for report in reports:
            if getattr(report, "when", None) != "call":
                continue
            lines.extend(value for name, value
                         in getattr(report, "user_properties", ())
                         if name == "load")
    if lines:
        terminalreporter.write_sep("-", "load behind the results")
        for line in sorted(lines):
            terminalreporter.write_line(line)
