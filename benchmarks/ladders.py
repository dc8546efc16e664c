"""Where an operation's time goes: cost ladders.

    PYTHONPATH=src python benchmarks/ladders.py [--quick]

A ladder starts from a plain dict or set doing the job and adds one piece of
the work per rung (a snapshot, a ref call, a method call, a generator step)
until the rung *is* the operation as ours does it; the stdlib's operation
comes last for comparison. What a rung adds over the one before is the cost
of that piece. This is a profile by subtraction: for operations of a few
hundred nanoseconds a tracing profiler costs more than the work it traces.
The rungs are timed as run.py times its cases (interleaved rounds, medians);
run.py includes them in its report.
"""
from __future__ import absolute_import, division, print_function

import sys
import weakref as stdlib

from backports import weakref as ours
from backports.weakref import _entries, _pure

import run

LADDERS = []


def ladder(title, per):
    """Register a ladder: *build(n)* returns (namespace, rungs), each rung a
    (label, loop) where loop is the source of one pass over n entries."""
    def register(build):
        LADDERS.append(dict(title=title, per=per, build=build))
        return build
    return register


ITEMS = dict.iteritems if sys.version_info[0] == 2 else dict.items


def _filled(n, group):
    """The namespace a ladder's loops run in: n objects, ours (``c``) and the
    stdlib's (``s``) container of *group* holding them, ours' ``data``, and
    ``ref`` as ours makes its refs (on Jython, weak keys and members are a
    Python-level stand-in that its dicts compare by referent)."""
    objs = run._objs(n)
    make = dict(wvd=run._wvd, wkd=run._wkd, ws=run._ws)[group]
    ours_container = make(ours, n, objs)[0]
    return dict(objs=objs, c=ours_container, s=make(stdlib, n, objs)[0],
                data=ours_container.data, items=ITEMS,
                ref=stdlib.ref if group == "wvd" else _entries.key_ref,
                KeyedRef=_pure.KeyedRef, new_ref=_pure._new_ref,
                callback=run.callback, plain=dict((o, o.i) for o in objs))


@ladder("WeakValueDictionary iteration (`for k in d`)", "entry")
def wvd_iteration(n):
    return _filled(n, "wvd"), [
        ("a plain dict: `for k in data`", "for k in data: pass"),
        ("+ key and ref pairs: `for k, wr in items(data)`",
         "for k, wr in items(data): pass"),
        ("+ the snapshot: `items(data.copy())`",
         "for k, wr in items(data.copy()): pass"),
        ("+ the liveness check: `if wr() is not None`",
         "for k, wr in items(data.copy()):\n"
         "        if wr() is not None: pass"),
        ("+ a generator step per key: ours, `for k in d`",
         "for k in c: pass"),
        ("the stdlib's `for k in d`", "for k in s: pass"),
    ]


@ladder("WeakSet iteration", "entry")
def ws_iteration(n):
    return _filled(n, "ws"), [
        ("a plain set of refs: `for r in data`", "for r in data: pass"),
        ("(the snapshot as a set copy: `data.copy()`)",
         "for r in data.copy(): pass"),
        ("+ the snapshot: `list(data)`", "for r in list(data): pass"),
        ("+ the liveness check: `if r() is not None`",
         "for r in list(data):\n        if r() is not None: pass"),
        ("+ a generator step per member: ours, `for x in w`",
         "for x in c: pass"),
        ("the stdlib's `for x in w`", "for x in s: pass"),
    ]


def _lookup_ladder(title, group, lookup):
    """A ladder for a lookup by object, *lookup* written with {o} for the
    object and {c} for the container: a ref made per call, then the dict or
    set lookup, then the method call around them."""
    @ladder(title, "op")
    def build(n):
        by_ref = lookup.format(o="ref(o)", c="data")
        return _filled(n, group), [
            ("a plain dict: `%s`" % lookup.format(o="o", c="plain"),
             "for o in objs: " + lookup.format(o="o", c="plain")),
            ("a ref made and dropped: `ref(o)`", "for o in objs: ref(o)"),
            ("+ the lookup: `%s`" % by_ref, "for o in objs: " + by_ref),
            ("+ a method call: ours, `%s`" % lookup.format(o="o", c="c"),
             "for o in objs: " + lookup.format(o="o", c="c")),
            ("the stdlib's `%s`" % lookup.format(o="o", c="c"),
             "for o in objs: " + lookup.format(o="o", c="s")),
        ]
    return build


_lookup_ladder("WeakKeyDictionary get (`d[k]`)", "wkd", "{c}[{o}]")
_lookup_ladder("WeakSet `x in s`", "ws", "{o} in {c}")


@ladder("WeakValueDictionary copy()", "entry")
def wvd_copy(n):
    return _filled(n, "wvd"), [
        ("the C-level copy of the refs: `data.copy()`", "data.copy()"),
        ("+ a new KeyedRef per entry, into a new dict",
         "new = {}\n"
         "    for k, wr in items(data.copy()):\n"
         "        o = wr()\n"
         "        if o is not None:\n"
         "            r = new_ref(KeyedRef, o, callback)\n"
         "            r.key = k\n"
         "            new[k] = r"),
        ("+ a new WeakValueDictionary around it: ours, `d.copy()`",
         "c.copy()"),
        ("the stdlib's `d.copy()`", "s.copy()"),
    ]


@ladder("WeakValueDictionary set (`d[k] = v`)", "op")
def wvd_set(n):
    ns = _filled(n, "wvd")
    ns["remove"] = ns["c"]._remove
    return ns, [
        ("a plain dict: `plain[o] = o`", "for o in objs: plain[o] = o"),
        ("a ref with a callback made and dropped: `ref(o, remove)`",
         "for o in objs: ref(o, remove)"),
        ("+ as a KeyedRef with its key (ref's C `__new__`, a slot store)",
         "for o in objs:\n"
         "        r = new_ref(KeyedRef, o, remove)\n"
         "        r.key = o.i"),
        ("+ stored: `data[k] = r`",
         "for o in objs:\n"
         "        r = new_ref(KeyedRef, o, remove)\n"
         "        r.key = o.i\n"
         "        data[o.i] = r"),
        ("+ a method call: ours, `d[k] = o`", "for o in objs: c[o.i] = o"),
        ("the stdlib's `d[k] = o`", "for o in objs: s[o.i] = o"),
    ]


def _runner(loop, namespace):
    return run._compile("def run():\n    %s\n" % loop, namespace)


def measure(quick):
    """[{title, per, rungs: [(label, ns)]}], each rung's median ns per op."""
    n = 1000
    rounds = 5 if quick else 11
    target = 0.004 if quick else 0.01
    if run.JYTHON:
        rounds, target = 3, 0.05
    results = []
    for spec in LADDERS:
        namespace, rungs = spec["build"](n)
        runners = [_runner(loop, namespace) for _, loop in rungs]
        loops = [run._calibrate(r, target) for r in runners]
        samples = [[] for _ in rungs]
        for rnd in range(rounds):
            for i in run.rotated(list(range(len(rungs))), rnd):
                elapsed = run._time(runners[i], loops[i])
                samples[i].append(elapsed / loops[i] / n * 1e9)
        results.append(dict(title=spec["title"], per=spec["per"], rungs=[
            (label, run.median(values))
            for (label, _), values in zip(rungs, samples)]))
    return results


def markdown(results):
    lines = ["Where the time goes (`benchmarks/ladders.py`): each rung adds "
             "one piece of the work to the one above, until the rung is "
             "ours; *adds* is its cost. ns per operation or per entry.", ""]
    for result in results:
        lines.append("| %s, ns per %s | ns | adds |" % (result["title"],
                                                        result["per"]))
        lines.append("|---|--:|--:|")
        previous = None
        for label, value in result["rungs"]:
            cumulative = label.startswith("+ ")
            step = run._ns(value - previous) \
                if cumulative and previous is not None else ""
            lines.append("| %s | %s | %s |" % (label, run._ns(value), step))
            if not label.startswith("("):
                previous = value
        lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    print(markdown(measure("--quick" in sys.argv[1:])))
