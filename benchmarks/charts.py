"""Draw the benchmarks page's charts (SVG) from measurements.

    python3 benchmarks/charts.py DATA.json OUT_DIR

Run by benchmarks/run_all.py on the host's python3 with matplotlib (it
makes a venv with it when the host lacks it); DATA is what run_all.py
extracts from the results. Writes OUT_DIR/overview.svg (every interpreter's
geometric means against the stdlib), one OUT_DIR/<interpreter>.svg per
interpreter (each operation: ours, compiled and pure, against the stdlib
and against a plain dict, in the main thread and a worker thread, targets
drawn in), and OUT_DIR/charts.md, the Markdown that shows them, holding
names and file names only. The SVGs are reproducible: same data, same
bytes.
"""
from __future__ import annotations

import json
import math
import sys
from pathlib import Path

import matplotlib

matplotlib.use("svg")
import matplotlib.pyplot as plt  # noqa: E402 (after choosing the backend)

plt.rcParams.update({
    "svg.fonttype": "none",      # text stays text: small files, real fonts
    "svg.hashsalt": "backports.weakref",   # stable element ids
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
})

# (implementation, thread, legend label, marker, filled) for each series;
# "{ours}" is what ours runs on there (the compiled core on CPython).
SERIES = [
    ("ours", "main", "ours ({ours}), main thread", "o", True),
    ("ours", "worker", "ours ({ours}), worker thread", "o", False),
    ("pure", "main", "pure twin, main thread", "^", True),
    ("pure", "worker", "pure twin, worker thread", "^", False),
]
COLOURS = {"ours": "#1f6fb4", "pure": "#d9730d"}
# The targets (issue 5 and issue 16), drawn as vertical lines.
STDLIB_TARGETS = [(0.80, "--", "target: geometric mean at most 0.80"),
                  (1.05, ":", "target: no operation above 1.05")]
LIMIT_TARGETS = [(2.5, "-.", "target: weak dict get, set, in within 2.5")]


def _slug(name: str) -> str:
    return "".join(c if c.isalnum() or c == "." else "-"
                   for c in name.lower()).strip("-").replace("--", "-")


def _log_axis(axis, values, lines):
    finite = [v for v in values if v and v > 0 and math.isfinite(v)]
    finite += [line[0] for line in lines] + [1.0]
    low, high = min(finite), max(finite)
    axis.set_xscale("log")
    axis.set_xlim(low / 1.3, high * 1.3)
    axis.xaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(
        lambda v, _: ("%g" % v)))
    # Within a decade or two, label 2 and 5 of each decade too.
    axis.xaxis.set_minor_formatter(matplotlib.ticker.FuncFormatter(
        lambda v, _: ("%g" % v) if ("%.0e" % v)[0] in "25" and
        high / low < 300 else ""))
    axis.tick_params(axis="x", which="minor", labelsize=7)
    axis.grid(axis="x", color="#dddddd", linewidth=0.6)


def interpreter_chart(entry: dict, path: Path) -> None:
    """Two panels, against the stdlib and against a plain dict/set: one row
    per operation, a marker per core and thread."""
    rows = entry["rows"]
    height = 1.2 + 0.19 * len(rows)
    figure, axes = plt.subplots(1, 2, figsize=(10, height), sharey=True)
    positions = list(range(len(rows)))[::-1]
    labels = [row["label"] for row in rows]
    for axis, bottom, title, lines in (
            (axes[0], "stdlib", "against the interpreter's own weakref\n"
             "(below 1: ours is faster)", STDLIB_TARGETS),
            (axes[1], "limit", "against a plain dict/set\n(strong "
             "references: the same job's floor)", LIMIT_TARGETS)):
        values = []
        for impl, thread, label, marker, filled in SERIES:
            xs, ys = [], []
            for y, row in zip(positions, rows):
                value = row[thread].get("%s/%s" % (impl, bottom))
                if value:
                    xs.append(value)
                    ys.append(y)
            if not xs:
                continue
            values += xs
            colour = COLOURS[impl]
            axis.scatter(xs, ys, s=18, marker=marker,
                         label=label.format(ours=entry["ours"]),
                         facecolors=colour if filled else "white",
                         edgecolors=colour, linewidths=0.9, zorder=3)
        axis.axvline(1.0, color="#444444", linewidth=0.8)
        for x, style, text in lines:
            axis.axvline(x, color="#b22222", linewidth=0.9, linestyle=style,
                         label=text)
        _log_axis(axis, values, lines)
        axis.set_title(title, fontsize=9)
    axes[0].set_yticks(positions)
    axes[0].set_yticklabels(labels, fontsize=7.5)
    axes[0].set_ylim(-0.7, len(rows) - 0.3)
    handles, texts = axes[0].get_legend_handles_labels()
    more, more_texts = axes[1].get_legend_handles_labels()
    keep = dict(zip(texts + more_texts, handles + more))
    figure.legend(list(keep.values()), list(keep), loc="upper center",
                  ncol=3, fontsize=7.5, frameon=False,
                  bbox_to_anchor=(0.5, 1.0))
    figure.suptitle(entry["interpreter"], y=1.0 + 0.35 / height,
                    fontsize=10, fontweight="bold")
    figure.tight_layout(rect=(0, 0, 1, 1 - 0.55 / height))
    figure.savefig(path, metadata={"Date": None}, bbox_inches="tight")
    plt.close(figure)


def overview_chart(entries: list, path: Path) -> None:
    """Every interpreter's geometric means of ours/stdlib, by core and
    thread, with the 0.80 target."""
    names = [entry["interpreter"] for entry in entries]
    figure, axis = plt.subplots(figsize=(10, 0.9 + 0.36 * len(names)))
    positions = list(range(len(names)))[::-1]
    values = []
    for offset, (impl, thread, label, marker, filled) in zip(
            (0.24, 0.08, -0.08, -0.24), SERIES):
        xs, ys = [], []
        for y, entry in zip(positions, entries):
            value = entry["summary"].get("%s/%s" % (impl, thread))
            if value:
                xs.append(value)
                ys.append(y + offset)
        values += xs
        colour = COLOURS[impl]
        axis.barh(ys, xs, height=0.15,
                  label=label.format(ours="compiled core on CPython"),
                  color=colour if filled else "white", edgecolor=colour,
                  linewidth=0.9, zorder=3)
    axis.axvline(1.0, color="#444444", linewidth=0.8)
    x, style, text = STDLIB_TARGETS[0]
    axis.axvline(x, color="#b22222", linewidth=0.9, linestyle=style,
                 label=text)
    _log_axis(axis, values, STDLIB_TARGETS[:1])
    axis.set_xlim(min(values + [0.8]) / 1.3, max(values + [1.0]) * 1.3)
    axis.set_yticks(positions)
    axis.set_yticklabels(names, fontsize=8)
    axis.set_title("Geometric mean of the ratio to the interpreter's own "
                   "weakref over the container operations\n(below 1: ours "
                   "is faster)", fontsize=9)
    axis.legend(loc="upper center", bbox_to_anchor=(0.45, -0.06), ncol=3,
                fontsize=7.5, frameon=False)
    figure.tight_layout()
    figure.savefig(path, metadata={"Date": None}, bbox_inches="tight")
    plt.close(figure)


def main() -> int:
    data_path, out = Path(sys.argv[1]), Path(sys.argv[2])
    entries = json.loads(data_path.read_text(encoding="utf-8"))
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("*.svg"):
        old.unlink()
    overview_chart(entries, out / "overview.svg")
    lines = ["<!-- Generated by benchmarks/run_all.py "
             "(benchmarks/charts.py): do not edit. -->", "",
             "![Every interpreter: geometric mean of ours against the "
             "stdlib](/benchmarks/overview.svg)", ""]
    for entry in entries:
        name = _slug(entry["interpreter"]) + ".svg"
        interpreter_chart(entry, out / name)
        lines += ["### %s" % entry["interpreter"], "",
                  "![%s: each operation against the stdlib and against a "
                  "plain dict](/benchmarks/%s)" % (entry["interpreter"], name),
                  ""]
    (out / "charts.md").write_text("\n".join(lines), encoding="utf-8")
    print("charts: %d SVG files in %s" % (len(entries) + 1, out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
