"""Time backports.weakref against the interpreter's own weakref and a plain
dict/set doing the same job (strong references: the limit).

    PYTHONPATH=src python benchmarks/run.py [--quick] [--only TEXT,...]
                              [--ungated] [--markdown FILE] [--json FILE]

Runs on CPython 2.7 and 3.6+ (free-threaded builds too), PyPy and Jython
(JYTHONPATH=src there). *ours* is backports.weakref as imported, on its
compiled core where that is active; *pure* is a second copy of it loaded
with BACKPORTS_WEAKREF_NO_EXTENSIONS=1, on the pure-Python twin (left out
where ours is the twin already). ``--ungated`` times our classes even where
the gate table makes a name the interpreter's own (CPython 3.14+), to see
what the compiled core would give there. Every case is timed for each
implementation in one process, interleaved (the order rotates each round),
and the table shows
medians over the rounds in nanoseconds per operation (per entry for
iteration, copy and set operations). Each case is timed twice: in the main
thread, which made the containers and their objects, and in a worker thread,
as a server's request threads use caches made at start-up; on a
free-threaded CPython some operations cost far more from a thread that does
not own the object (docs/benchmarks.md). ``benchmarks/run_all.py`` runs it
on every interpreter and writes docs/benchmarks/tables.md and the charts
of docs/benchmarks.md. ``--only`` times just
the cases whose "container operation" contains one of the texts, and
nothing else (no scaling, memory, import or ladders). Not part of the test
suite.
"""
from __future__ import absolute_import, division, print_function

import gc
import json
import math
import os
import platform
import subprocess
import sys
import threading
import time
import timeit
from functools import partial
import weakref as stdlib

from backports import weakref as ours
from backports.weakref import _core

PYPY = "__pypy__" in sys.builtin_module_names
JYTHON = sys.platform.startswith("java")
try:
    import sysconfig
except ImportError:  # Jython 2.7 has none
    FREE_THREADED = False
else:
    FREE_THREADED = bool(sysconfig.get_config_var("Py_GIL_DISABLED"))
# CPython's cyclic collector starts whenever allocations add up, and a pass
# over the many containers alive here lands in one sample and not the next:
# it is paused while a sample runs, as timeit does. On PyPy and Jython the
# collector is what frees objects at all, so there it runs as it would.
PAUSE_COLLECTOR = not (PYPY or JYTHON)
# CPU time of this process, where there is a clock for it: the machine may
# be shared, and time spent descheduled is not ours.
if hasattr(time, "process_time"):
    clock, CLOCK = time.process_time, "process CPU time"
elif sys.version_info[0] == 2 and not JYTHON:
    clock, CLOCK = time.clock, "process CPU time"
else:
    clock, CLOCK = timeit.default_timer, "wall-clock time"
if sys.version_info[0] == 2:
    range = xrange  # noqa: F821 (Python 2 only)
    import Queue as queue
else:
    import queue

# "again": a second, separately loaded copy of the stdlib's own modules,
# timed against the stdlib as a control. Same code, other classes (and, on
# PyPy, other JIT traces): its ratio is the noise floor of ours/stdlib.
IMPLS = ("ours", "pure", "stdlib", "limit", "again")
# Where each case runs: the thread that built its container, then another.
THREADS = ("main", "worker")
N = 1000          # entries per container in the per-operation cases
COPY_N = 10000    # entries in the copy() cases


class Obj(object):
    __slots__ = ("i", "__weakref__")

    def __init__(self, i):
        self.i = i

    def __hash__(self):
        return self.i

    def meth(self):
        return self.i


def callback(*args):
    pass


# -- cases --------------------------------------------------------------------
# Each builder takes a weakref module (ours or the stdlib), or None for the
# limit, and the size; it returns a function that does the operation once per
# entry. Everything not being timed is built beforehand.

CASES = []


def case(name, group, size=N, per="op", needs=None):
    def register(builder):
        CASES.append(dict(name=name, group=group, size=size, per=per,
                          needs=needs, builder=builder))
        return builder
    return register


# The objects of every timed container live until the process ends.
_ALIVE = []


def _objs(n, keep=True):
    objs = [Obj(i) for i in range(n)]
    if keep:
        _ALIVE.append(objs)
    return objs


def _wvd(W, n, objs=None):
    objs = objs if objs is not None else _objs(n)
    d = {} if W is None else W.WeakValueDictionary()
    for i, o in enumerate(objs):
        d[i] = o
    return d, objs


def _wkd(W, n, objs=None):
    objs = objs if objs is not None else _objs(n)
    d = {} if W is None else W.WeakKeyDictionary()
    for o in objs:
        d[o] = o.i
    return d, objs


def _ws(W, n, objs=None):
    objs = objs if objs is not None else _objs(n)
    s = set() if W is None else W.WeakSet()
    for o in objs:
        s.add(o)
    return s, objs


def loop_case(name, group, make, loop, body, per="op"):
    """Register a case that runs `for <loop>: <body>` over container c
    (made by *make*), with its objects in objs and its keys in keys; the
    loop is compiled as written, so it costs what user code would."""
    source = "def run():\n    for %s:\n        %s\n" % (loop, body)

    def builder(W, n):
        c, objs = make(W, n)
        return _compile(source, dict(c=c, objs=objs, keys=list(range(n)),
                                     misses=list(range(n, 2 * n))))
    case(name, group, per=per)(builder)


def _compile(source, namespace):
    # Apart, with no free variables: Jython refuses exec in a closure.
    exec(source, namespace)
    return namespace["run"]


loop_case("set", "WeakValueDictionary", _wvd, "k in keys", "c[k] = objs[k]")
loop_case("get hit (`d[k]`)", "WeakValueDictionary", _wvd, "k in keys",
          "c[k]")
loop_case("get hit (`d.get(k)`)", "WeakValueDictionary", _wvd,
          "k in keys", "c.get(k)")
loop_case("get miss (`d.get(k)`)", "WeakValueDictionary", _wvd,
          "k in misses", "c.get(k)")
loop_case("`k in d`", "WeakValueDictionary", _wvd, "k in keys", "k in c")
loop_case("len()", "WeakValueDictionary", _wvd, "k in keys", "len(c)")
loop_case("setdefault hit", "WeakValueDictionary", _wvd, "k in keys",
          "c.setdefault(k, objs[k])")
loop_case("pop + set back", "WeakValueDictionary", _wvd, "k in keys",
          "c[k] = c.pop(k)")
loop_case("items()", "WeakValueDictionary", _wvd, "kv in c.items()", "pass",
          per="entry")
loop_case("values()", "WeakValueDictionary", _wvd, "v in c.values()", "pass",
          per="entry")
loop_case("iteration (`for k in d`)", "WeakValueDictionary", _wvd, "k in c",
          "pass", per="entry")


def fresh_store_case(group, make_empty, body):
    """Register a case that stores every object into a new, empty
    container: each store makes its entry (the "set" rows store again
    what the container already holds under the key)."""
    source = ("def run():\n    c = make_empty()\n"
              "    for k in keys:\n        %s\n" % body)

    def builder(W, n):
        objs = _objs(n)
        return _compile(source, dict(
            objs=objs, keys=list(range(n)),
            make_empty=dict if W is None else getattr(W, make_empty)))
    case("set into a new container", group)(builder)


fresh_store_case("WeakValueDictionary", "WeakValueDictionary",
                 "c[k] = objs[k]")
fresh_store_case("WeakKeyDictionary", "WeakKeyDictionary", "c[objs[k]] = k")


@case("churn (store, value dies)", "WeakValueDictionary")
def wvd_churn(W, n):
    d = {} if W is None else W.WeakValueDictionary()
    keys = list(range(n))
    if W is None:
        def run():
            for k in keys:
                d[k] = Obj(k)
                del d[k]
    else:
        def run():
            for k in keys:
                d[k] = Obj(k)
    return run


loop_case("set", "WeakKeyDictionary", _wkd, "o in objs", "c[o] = 1")
loop_case("get (`d[k]`)", "WeakKeyDictionary", _wkd, "o in objs", "c[o]")
loop_case("get (`d.get(k)`)", "WeakKeyDictionary", _wkd, "o in objs",
          "c.get(o)")
loop_case("`k in d`", "WeakKeyDictionary", _wkd, "o in objs", "o in c")
loop_case("setdefault hit", "WeakKeyDictionary", _wkd, "o in objs",
          "c.setdefault(o, 1)")
loop_case("pop + set back", "WeakKeyDictionary", _wkd, "o in objs",
          "c[o] = c.pop(o)")
loop_case("items()", "WeakKeyDictionary", _wkd, "kv in c.items()", "pass",
          per="entry")
loop_case("iteration (`for k in d`)", "WeakKeyDictionary", _wkd, "k in c",
          "pass", per="entry")
loop_case("add", "WeakSet", _ws, "o in objs", "c.add(o)")
loop_case("`x in s`", "WeakSet", _ws, "o in objs", "o in c")
loop_case("discard + add back", "WeakSet", _ws, "o in objs",
          "c.discard(o); c.add(o)")
loop_case("len()", "WeakSet", _ws, "o in objs", "len(c)")
loop_case("iteration", "WeakSet", _ws, "o in c", "pass", per="entry")


@case("union + intersection + difference (half overlap)", "WeakSet",
      per="entry")
def ws_ops(W, n):
    objs = _objs(n + n // 2)
    s, _ = _ws(W, n, objs[:n])
    t, _ = _ws(W, n, objs[n // 2:])

    def run():
        s | t
        s & t
        s - t
    return run


@case("create + detach", "finalize", needs="finalize")
def fin_detach(W, n):
    objs = _objs(n)
    if W is None:
        ref = stdlib.ref

        def run():
            for o in objs:
                ref(o, callback)
        return run
    finalize = W.finalize

    def run():
        for o in objs:
            finalize(o, callback).detach()
    return run


@case("create + object dies", "finalize", needs="finalize")
def fin_dies(W, n):
    keys = list(range(n))
    if W is None:
        ref = stdlib.ref
        keep = {}

        def run():
            for k in keys:
                keep[k] = ref(Obj(k), callback)
        return run
    finalize = W.finalize

    def run():
        for k in keys:
            finalize(Obj(k), callback)
    return run


@case("create + call", "WeakMethod", needs="WeakMethod")
def wm_call(W, n):
    objs = _objs(n)
    if W is None:
        def run():
            for o in objs:
                o.meth()
        return run
    WeakMethod = W.WeakMethod

    def run():
        for o in objs:
            WeakMethod(o.meth)()()
    return run


def _copy_case(group, make):
    @case("copy() of 10^4", group, size=COPY_N, per="entry")
    def copy_case(W, n):
        c, objs = make(W, n)

        def run():
            c.copy()
        return run
    return copy_case


_copy_case("WeakValueDictionary", _wvd)
_copy_case("WeakKeyDictionary", _wkd)
_copy_case("WeakSet", _ws)


# -- timing -------------------------------------------------------------------

def _load_copy(module, name):
    """A fresh copy of a stdlib module, run from its source under *name*
    (inspect finds the source in a jar on Jython, too)."""
    import inspect
    import types
    copy = types.ModuleType(name)
    exec(compile(inspect.getsource(module), module.__file__, "exec"),
         copy.__dict__)
    return copy


def _load_package(name, directory):
    """The package in *directory* loaded once more, as *name*, with its
    submodules (a separate copy of every class)."""
    init = os.path.join(directory, "__init__.py")
    if sys.version_info[0] == 2:
        import imp
        return imp.load_module(name, None, directory,
                               ("", "", imp.PKG_DIRECTORY))
    import importlib.util
    spec = importlib.util.spec_from_file_location(
        name, init, submodule_search_locations=[directory])
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


class _Ungated(object):
    """A weakref module whose containers are our classes, whatever the gate
    table says (``--ungated``), taken from *package*."""

    def __init__(self, package):
        import importlib
        self.__dict__.update(vars(package))
        for module, names in (("_dicts", ("WeakValueDictionary",
                                          "WeakKeyDictionary")),
                              ("_weakset", ("WeakSet",))):
            loaded = importlib.import_module(package.__name__ + "." + module)
            for name in names:
                setattr(self, name, getattr(loaded, name))


def pure_twin():
    """backports.weakref once more, its containers on the pure-Python twin;
    None where ours runs on the twin already."""
    if _core.IMPLEMENTATION == "pure":
        return None
    variable = _core.NO_EXTENSIONS_VARIABLE
    saved = os.environ.get(variable)
    os.environ[variable] = "1"
    try:
        twin = _load_package("_benchmark_backports_weakref_pure",
                             os.path.dirname(os.path.abspath(ours.__file__)))
    finally:
        if saved is None:
            del os.environ[variable]
        else:
            os.environ[variable] = saved
    core = sys.modules[twin.__name__ + "._core"]
    assert core.IMPLEMENTATION == "pure", core.REASON
    return twin


def stdlib_again():
    """The stdlib's weak containers, finalize and WeakMethod once more, from
    separately loaded copies of weakref.py and _weakrefset.py."""
    import _weakrefset
    again = _load_copy(stdlib, "_benchmark_weakref_again")
    # Held by the copy: Python 2 empties a module's globals when the
    # module object dies, which its WeakSet's methods still read.
    again.weakrefset_copy = _load_copy(_weakrefset,
                                       "_benchmark_weakrefset_again")
    again.WeakSet = again.weakrefset_copy.WeakSet
    return again


def _available(module, needs):
    return needs is None or hasattr(module, needs)


def _time(run, loops):
    gc.collect()
    if PAUSE_COLLECTOR:
        gc.disable()
    try:
        start = clock()
        for _ in range(loops):
            run()
        return clock() - start
    finally:
        if PAUSE_COLLECTOR:
            gc.enable()


class Worker(object):
    """One thread, started once, that runs whatever it is handed and hands
    back the result: a request thread using what the main thread built."""

    def __init__(self):
        self._jobs = queue.Queue()
        self._results = queue.Queue()
        thread = threading.Thread(target=self._serve, name="bench-worker")
        thread.daemon = True
        thread.start()

    def _serve(self):
        while True:
            job = self._jobs.get()
            try:
                self._results.put((True, job()))
            except BaseException as error:  # handed back to the caller
                self._results.put((False, error))

    def call(self, func, *args):
        self._jobs.put(partial(func, *args))
        ok, value = self._results.get()
        if not ok:
            raise value
        return value


def _in_thread(thread, worker, func, *args):
    if thread == "main":
        return func(*args)
    return worker.call(func, *args)


def _calibrate(run, target):
    loops = 1
    while True:
        elapsed = _time(run, loops)
        if elapsed >= target / 4 or loops >= 1 << 20:
            return max(1, int(loops * target / max(elapsed, 1e-9)))
        loops *= 4


def rotated(sequence, by):
    """*sequence* started at its *by*-th item (modulo its length): each round
    runs the contenders in another order, so none always goes first."""
    by %= len(sequence)
    return sequence[by:] + sequence[:by]


def median(values):
    values = sorted(values)
    middle = len(values) // 2
    if len(values) % 2:
        return values[middle]
    return (values[middle - 1] + values[middle]) / 2


def time_cases(cases, rounds, target, ungated=False):
    """{(thread, case index, impl): [ns per operation, one per round]},
    interleaved. Every container and its objects are made in the main
    thread; the worker thread only runs the timed loops."""
    twin = pure_twin()
    modules = {"ours": _Ungated(ours) if ungated else ours,
               "pure": _Ungated(twin) if ungated and twin else twin,
               "stdlib": stdlib, "limit": None, "again": stdlib_again()}
    worker = Worker()
    runners, loops, samples = {}, {}, {}
    for index, spec in enumerate(cases):
        for impl in IMPLS:
            module = modules[impl]
            if impl == "pure" and module is None:
                continue
            if module is not None and not _available(module, spec["needs"]):
                continue
            run = spec["builder"](module, spec["size"])
            runners[index, impl] = run
            for thread in THREADS:
                loops[thread, index, impl] = _in_thread(
                    thread, worker, _calibrate, run, target)
                samples[thread, index, impl] = []
    for rnd in range(rounds):
        for index in range(len(cases)):
            for thread in rotated(THREADS, rnd):
                for impl in rotated(IMPLS, rnd):
                    if (index, impl) not in runners:
                        continue
                    count = loops[thread, index, impl]
                    elapsed = _in_thread(thread, worker, _time,
                                         runners[index, impl], count)
                    samples[thread, index, impl].append(
                        elapsed / count / cases[index]["size"] * 1e9)
    return samples


# -- scaling: iteration and copy from 10^3 to 10^6 entries --------------------

# (container, operation, make, the operation, the snapshot it takes)
SCALING = [
    ("WeakValueDictionary", "iteration", _wvd, lambda c: [k for k in c],
     dict.copy),
    ("WeakValueDictionary", "copy()", _wvd, lambda c: c.copy(), dict.copy),
    ("WeakKeyDictionary", "copy()", _wkd, lambda c: c.copy(), dict.copy),
    ("WeakSet", "iteration", _ws, lambda c: [x for x in c], list),
]


SCALED = ("ours", "stdlib", "limit")


def time_scaling(sizes, rounds):
    """[(group, op, size, {impl: ns per entry}, snapshot ns per entry)]."""
    rows = []
    for size in sizes:
        objs = _objs(size, keep=False)
        reps = max(1, rounds if size <= 10 ** 5 else rounds // 3)
        for group, op, make, work, take_snapshot in SCALING:
            made = {}
            for impl, module in (("ours", ours), ("stdlib", stdlib),
                                 ("limit", None)):
                made[impl] = make(module, size, objs)[0]
            data = made["ours"].data
            times = dict((impl, []) for impl in made)
            snapshot = []
            loops = max(1, 10 ** 5 // size)
            per_entry = 1e9 / size / loops
            for rnd in range(reps):
                for impl in rotated(SCALED, rnd):
                    container = made[impl]
                    times[impl].append(_time(lambda: work(container), loops)
                                       * per_entry)
                snapshot.append(_time(partial(take_snapshot, data), loops)
                                * per_entry)
            rows.append((group, op, size,
                         dict((impl, median(v)) for impl, v in times.items()),
                         median(snapshot)))
            del made, data
        del objs
    return rows


# -- memory per entry ---------------------------------------------------------

def _deep_size(container):
    """Bytes held by a weak container's own structures (not the objects)."""
    getsizeof = sys.getsizeof
    if isinstance(container, (dict, set)):
        return getsizeof(container)
    data = container.data
    size = getsizeof(container) + getsizeof(data)
    if hasattr(container, "__dict__"):
        size += getsizeof(container.__dict__)
    refs = data.values() if isinstance(data, dict) else data
    if isinstance(data, dict) and not isinstance(container,
                                                 ours.WeakValueDictionary) \
            and not isinstance(container, stdlib.WeakValueDictionary):
        refs = data.keys()
    return size + sum(getsizeof(r) for r in refs)


def memory_per_entry(n=10000):
    """{group: {impl: bytes per entry}} and how it was measured, or None."""
    try:
        import tracemalloc
    except ImportError:
        tracemalloc = None
    if tracemalloc is None:
        try:
            sys.getsizeof({})
        except (TypeError, AttributeError):  # PyPy raises; Jython has none
            return None, None
    method = "tracemalloc" if tracemalloc else "sys.getsizeof of the internals"
    result = {}
    for group, make in (("WeakValueDictionary", _wvd),
                        ("WeakKeyDictionary", _wkd), ("WeakSet", _ws)):
        result[group] = {}
        for impl, module in (("ours", ours), ("stdlib", stdlib),
                             ("limit", None)):
            objs = _objs(n, keep=False)
            gc.collect()
            if tracemalloc:
                tracemalloc.start()
                before = tracemalloc.get_traced_memory()[0]
                container = make(module, n, objs)[0]
                size = tracemalloc.get_traced_memory()[0] - before
                tracemalloc.stop()
            else:
                container = make(module, n, objs)[0]
                size = _deep_size(container)
            result[group][impl] = size / n
            del container, objs
    return result, method


# -- import time --------------------------------------------------------------

_IMPORT_PROBE = (
    "import timeit; c = timeit.default_timer; t0 = c(); import weakref; "
    "t1 = c(); import backports; t2 = c(); from backports import weakref; "
    "t3 = c(); print('%r %r %r' % (t1 - t0, t2 - t1, t3 - t2))")


def import_times(runs):
    """Median ms of `import weakref`, then of the shared `backports`
    namespace package (its pkgutil one-liner), then of backports.weakref,
    each in a fresh process, with bytecode cached as an installed copy has."""
    import tempfile
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = os.path.join(tempfile.gettempdir(),
                                              "backports-weakref-bench-pyc")
    src = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                       os.pardir, "src")
    for var in ("PYTHONPATH", "JYTHONPATH"):
        env[var] = os.pathsep.join(p for p in (src, env.get(var)) if p)
    times = []
    for _ in range(runs + 1):  # the first run writes the bytecode
        out = subprocess.check_output([sys.executable, "-c", _IMPORT_PROBE],
                                      env=env)
        times.append([float(t) * 1e3 for t in out.decode("ascii").split()])
    columns = list(zip(*times[1:]))
    return dict(median=[median(c) for c in columns],
                min=[min(c) for c in columns])


# -- report -------------------------------------------------------------------

def interpreter_name():
    if PYPY:
        return "PyPy %s (Python %s)" % (
            ".".join(map(str, sys.pypy_version_info[:3])),
            platform.python_version())
    if JYTHON:
        return "Jython %s" % platform.python_version()
    if FREE_THREADED:
        return "CPython %st (free-threaded)" % platform.python_version()
    return "CPython %s" % platform.python_version()


def origin(name):
    if not hasattr(stdlib, name):
        return "no stdlib %s: ours only" % name
    if getattr(ours, name) is getattr(stdlib, name):
        return "ours IS the stdlib's (ratio 1 by construction)"
    return None


def selected(only):
    """The cases whose "container operation" contains one of *only*."""
    if not only:
        return CASES
    return [spec for spec in CASES
            if any(text in "%s %s" % (spec["group"], spec["name"])
                   for text in only)]


def measure(quick, only=None, ungated=False):
    """Everything the report shows; with *only* (a list of texts), just the
    per-operation cases that match, for quick comparisons; with *ungated*,
    our classes where the gate table would give the stdlib's."""
    rounds = 5 if quick else 15
    target = 0.004 if quick else 0.015
    if JYTHON:
        # Its JIT may speed a case up tenfold after calibration, and its
        # clock ticks in milliseconds: fewer, longer samples.
        rounds, target = max(3, rounds // 3), 0.05
    cases = selected(only)
    samples = time_cases(cases, rounds, target, ungated)
    rows = []
    for index, spec in enumerate(cases):
        row = dict(group=spec["group"], name=spec["name"], per=spec["per"],
                   note=None if ungated else origin(spec["needs"] or
                                                    spec["group"]))
        for thread in THREADS:
            row[_TIMES[thread]] = _times(samples, thread, index)
        rows.append(row)
    result = dict(interpreter=interpreter_name(), rounds=rounds, rows=rows,
                  clock=CLOCK, quick=quick, core=_core.describe(),
                  ungated=ungated)
    if only:
        return result
    sizes = [10 ** 3, 10 ** 4, 10 ** 5] if quick else \
        [10 ** 3, 10 ** 5, 10 ** 6]
    scaling = time_scaling(sizes, 3 if quick else 7)
    memory, memory_method = memory_per_entry()
    imports = import_times(3 if JYTHON else (7 if quick else 21))
    import ladders
    result.update(ladders=ladders.measure(quick), scaling=scaling,
                  memory=memory, memory_method=memory_method, imports=imports)
    return result


# The key of each thread's figures in a row (rows from before the worker
# thread was timed have "times" alone).
_TIMES = {"main": "times", "worker": "worker_times"}


def _times(samples, thread, index):
    """A row's figures for one thread: medians, spreads and ratios."""
    times = {}
    for impl in IMPLS:
        if (thread, index, impl) in samples:
            values = samples[thread, index, impl]
            times[impl] = median(values)
            # (Jython's clock ticks in milliseconds: a median can be 0.)
            times[impl + "_spread"] = (max(values) - min(values)) / \
                (median(values) or float("nan"))
    # Ratios are medians of each round's ratio: the two timings of a round
    # ran side by side, under the same load.
    for top, bottom in (("ours", "stdlib"), ("ours", "limit"),
                        ("pure", "stdlib"), ("pure", "limit"),
                        ("again", "stdlib")):
        if (thread, index, top) in samples and \
                (thread, index, bottom) in samples:
            times[top + "/" + bottom] = median([
                a / b for a, b in zip(samples[thread, index, top],
                                      samples[thread, index, bottom])
                if b] or [float("nan")])
    return times


def ratio(a, b):
    return a / b if a and b else None


def geometric_mean(values):
    values = [v for v in values if v and v == v]
    if not values:
        return None
    return math.exp(sum(math.log(v) for v in values) / len(values))


def _compared_rows(result, thread="main"):
    """(row, its figures in *thread*) for the rows with a stdlib to compare
    with, where ours is not the stdlib's."""
    for row in result["rows"]:
        times = row.get(_TIMES[thread])
        if times and "stdlib" in times and \
                times["ours/stdlib"] == times["ours/stdlib"] \
                and not (row["note"] or "").startswith("ours IS"):
            yield row, times


def summary(result, thread="main", impl="ours"):
    """(geometric mean of *impl*/stdlib, worst ratio and its operation), in
    *thread*."""
    key = impl + "/stdlib"
    ratios = [(times[key], "%s %s" % (row["group"], row["name"]))
              for row, times in _compared_rows(result, thread)
              if key in times and times[key] == times[key]]
    if not ratios:
        return None, None, None
    worst = max(ratios)
    return geometric_mean([r for r, _ in ratios]), worst[0], worst[1]


def control_summary(result, thread="main"):
    """(geometric mean, lowest, highest) of the control's again/stdlib over
    the same rows as summary(): how far identical code strays from 1."""
    ratios = [times.get("again/stdlib")
              for _, times in _compared_rows(result, thread)]
    ratios = [r for r in ratios if r]
    if not ratios:
        return None, None, None
    return geometric_mean(ratios), min(ratios), max(ratios)


def _fmt(value, digits=2):
    if value is None or value != value:  # none, or NaN: no stdlib sample
        return "n/a"
    return "%.*f" % (digits, value)


def _ns(value):
    if value is None:
        return "n/a"
    return "%.0f" % value if value >= 10 else "%.1f" % value


_THREAD_HEADINGS = {
    "main": "In the main thread, which made the containers and their "
            "objects:",
    "worker": "In a worker thread (the same containers and objects, made "
              "in the main thread):",
}


def _thread_table(result, thread):
    """The lines of one thread's table and its summary; none for results
    from before the worker thread was timed."""
    if not any(_TIMES[thread] in row for row in result["rows"]):
        return []
    with_pure = any("pure" in row[_TIMES[thread]]
                    for row in result["rows"] if _TIMES[thread] in row)
    lines = [_THREAD_HEADINGS[thread], ""]
    if with_pure:
        lines += ["| container | operation | ours | pure | stdlib | limit | "
                  "ours/stdlib | pure/stdlib | ours/limit | pure/limit | "
                  "spread | control |",
                  "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|"]
    else:
        lines += ["| container | operation | ours | stdlib | limit | "
                  "ours/stdlib | ours/limit | spread | control |",
                  "|---|---|--:|--:|--:|--:|--:|--:|--:|"]
    for row in result["rows"]:
        t = row[_TIMES[thread]]
        stdlib_cell = _ns(t.get("stdlib"))
        if row["note"]:
            stdlib_cell = "%s (%s)" % (stdlib_cell, row["note"]) \
                if "stdlib" in t else row["note"]
        cells = [row["group"], row["name"], _ns(t.get("ours"))]
        if with_pure:
            cells.append(_ns(t.get("pure")))
        cells += [stdlib_cell, _ns(t.get("limit")),
                  "**%s**" % _fmt(t.get("ours/stdlib"))
                  if with_pure else _fmt(t.get("ours/stdlib"))]
        if with_pure:
            cells.append(_fmt(t.get("pure/stdlib")))
        cells.append(_fmt(t.get("ours/limit")))
        if with_pure:
            cells.append(_fmt(t.get("pure/limit")))
        cells += [_fmt(t.get("ours_spread")), _fmt(t.get("again/stdlib"))]
        lines.append("| %s |" % " | ".join(cells))
    lines.append("")
    gmean, worst, worst_name = summary(result, thread)
    lines.append("Geometric mean of ours/stdlib: **%s**; highest: %s (%s). "
                 "Operations where ours is the stdlib's object are left out."
                 % (_fmt(gmean), _fmt(worst), worst_name))
    if with_pure:
        gmean, worst, worst_name = summary(result, thread, "pure")
        lines.append("The pure-Python twin: geometric mean pure/stdlib %s; "
                     "highest: %s (%s)." % (_fmt(gmean), _fmt(worst),
                                            worst_name))
    control = control_summary(result, thread)
    if control[0] is not None:
        lines.append("The control over the same operations: geometric mean "
                     "%s, from %s to %s." % tuple(_fmt(c) for c in control))
    lines.append("")
    return lines


def markdown(result, heading="##"):
    lines = ["%s %s" % (heading, result["interpreter"]), ""]
    if result.get("core"):
        lines.append("*ours*: the containers' %s core, %s%s." % (
            result["core"].split(" ", 1)[0], result["core"].split(": ", 1)[1],
            "; timed against the stdlib even where the gate table gives the "
            "stdlib's (`--ungated`)" if result.get("ungated") else ""))
        lines.append("")
    lines.append("Medians of %d interleaved rounds of %s, ns per "
                 "operation (per "
                 "entry for iteration, items, set operations and copy). "
                 "*limit*: a plain dict/set (strong references) doing the "
                 "same job; for finalize, a `ref` with a callback; for "
                 "WeakMethod, a plain bound-method call. *spread*: "
                 "(max - min) / median of ours over the rounds. *control*: "
                 "a second, separately loaded copy of the stdlib's modules "
                 "against the stdlib, the same code twice (its distance "
                 "from 1 is noise). Ratios are medians of each round's "
                 "ratio." % (result["rounds"], result["clock"]))
    lines.append("")
    for thread in THREADS:
        lines.extend(_thread_table(result, thread))
    if "imports" not in result:  # --only: the cases alone
        return "\n".join(lines)
    imports = result["imports"]
    lines.append("Import, median (min) of fresh processes, bytecode cached: "
                 "`import weakref` %.2f ms (%.2f); then the shared "
                 "`backports` namespace package %.2f ms (%.2f), its pkgutil "
                 "one-liner, paid once by whichever backports.* package "
                 "comes first; then `backports.weakref` itself **%.2f ms** "
                 "(%.2f)." % tuple(x for pair in zip(imports["median"],
                                                     imports["min"])
                                   for x in pair))
    lines.append("")
    if result["memory"]:
        lines.append("Memory per entry (10^4 entries, %s), bytes:"
                     % result["memory_method"])
        lines.append("")
        lines.append("| container | ours | stdlib | limit | ours/stdlib |")
        lines.append("|---|--:|--:|--:|--:|")
        for group in ("WeakValueDictionary", "WeakKeyDictionary", "WeakSet"):
            m = result["memory"][group]
            lines.append("| %s | %.0f | %.0f | %.0f | %s |" % (
                group, m["ours"], m["stdlib"], m["limit"],
                _fmt(ratio(m["ours"], m["stdlib"]))))
    else:
        lines.append("Memory per entry: not measurable here (no tracemalloc, "
                     "no sys.getsizeof); ours and the stdlib store the same "
                     "plain dict/set of the same reference objects.")
    lines.append("")
    lines.append("Scaling, ns per entry (*snapshot*: the one C-level "
                 "copy our iteration takes, `dict.copy()` or `list()`):")
    lines.append("")
    lines.append("| container | operation | entries | ours | stdlib | limit "
                 "| ours/stdlib | snapshot |")
    lines.append("|---|---|--:|--:|--:|--:|--:|--:|")
    for group, op, size, times, snapshot in result["scaling"]:
        lines.append("| %s | %s | 10^%d | %s | %s | %s | %s | %s |" % (
            group, op, round(math.log10(size)), _ns(times["ours"]),
            _ns(times["stdlib"]), _ns(times["limit"]),
            _fmt(ratio(times["ours"], times["stdlib"])), _ns(snapshot)))
    lines.append("")
    if result.get("ladders"):
        import ladders
        lines.append(ladders.markdown(result["ladders"]))
    return "\n".join(lines)


def main(argv):
    quick = "--quick" in argv
    only = None
    if "--only" in argv:
        only = argv[argv.index("--only") + 1].split(",")
    result = measure(quick, only, "--ungated" in argv)
    text = markdown(result)
    print(text)
    if "--json" in argv:
        with open(argv[argv.index("--json") + 1], "w") as f:
            json.dump(result, f)
    if "--markdown" in argv:
        with open(argv[argv.index("--markdown") + 1], "w") as f:
            f.write("# Benchmarks\n\n" + text)


if __name__ == "__main__":
    main(sys.argv[1:])
