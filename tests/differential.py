"""The differential fuzzer's driver: seeded random operations on the weak
containers of one core, mirrored on another, compared step by step.

``Plan(seed)`` draws the operations from ``random.Random(seed)`` without
looking at any container, so the same seed gives the same sequence on
every interpreter and against either core. Each ``Side`` holds its own
objects, containers and iterators, built on one core's copy of the package
(tests/cores.py), and carries every operation out on them; ``run`` applies
each step to the compiled side and to the twin's, and compares what each
step showed: its result or its exception (type and message), and then
every container's ``len`` and sorted contents, the objects that died with
their callbacks' notes, and how many times ``__eq__`` ran. The first
difference raises ``Divergence``, naming the seed, the step and the
operations up to it.

With the twin alone (PyPy, Jython, no compiler), ``run`` checks the twin's
steps against what holds whatever the implementation: no error but those
an operation may raise, every loop yielding an entry at most once, and
``len`` equal to what a loop yields once the dead are gone.

What the steps use: keys with plain, colliding (all of one hash, that of
the int key 7), raising, alternating or changing ``__hash__``/``__eq__``;
objects that die by reference count or only in a collection (cycles), some
with callbacks that change a container; subclasses of the containers;
``data`` replaced by a dict or set subclass; iterators advanced part way
while everything else goes on. The collector runs only when a step says so
(it is off meanwhile), so that both sides see the same deaths.
"""
from __future__ import absolute_import

import copy
import gc
import os
import random
import re
import time
import weakref

import cores
from backports.weakref import _compat
from support import (JYTHON, PYPY, UnraisableRecorder, collect, collect_until,
                     run_threads, switch_interval, wait_for_callbacks)

KINDS = cores.KINDS
POOL = 10           # objects a side holds, by slot
CONTAINERS = 4      # containers, by slot: one of each kind, and one more
ITERATORS = 3       # iterators in progress, by slot
REFCOUNTED = not (JYTHON or PYPY)
ADDRESS = re.compile(r"0x[0-9a-fA-F]+")
VIEWS = {"WeakValueDictionary": ("keys", "values", "items"),
         "WeakKeyDictionary": ("keys", "values", "items"),
         "WeakSet": ("members",)}
# Errors a step may raise whatever the implementation: what its operation
# asks for (absent keys, objects that cannot be weakly referenced or
# hashed, wrong arguments), what a key's own __hash__ or __eq__ raises, and
# what a generator says to a second caller.
ALLOWED_ERRORS = {"KeyError": "", "TypeError": "",
                  "ValueError": ("no hash for ", "no items: ",
                                 "generator already executing"),
                  "RuntimeError": ("no == for ",)}
# And where threads share a container: CPython's dict says this when a copy
# of `data` (dict.copy, dict(), update) runs a colliding key's Python __eq__
# and another thread changes `data` meanwhile, as it does for the stdlib's
# containers: the callers' race, reported, never a wrong result.
THREADED_ERRORS = dict(ALLOWED_ERRORS, RuntimeError=(
    "no == for ", "dict mutated during update"))
MODES = ["plain"] * 5 + ["colliding"] * 2 + ["raising eq", "raising hash",
                                             "alternating eq", "changing hash"]


class Divergence(AssertionError):
    """A step that showed a difference; ``steps``: how many ran."""

    steps = 0


class Thing(object):
    """What the containers hold: labelled, weakly referenceable, with a
    __hash__ and __eq__ of one of MODES; every __eq__ call is counted."""

    def __init__(self, label, number, mode, counters):
        self.label = label
        self.number = number
        self.mode = mode
        self.counters = counters
        self.hashes = 0
        self.compared = 0

    def __hash__(self):
        self.hashes += 1
        if self.mode == "raising hash":
            raise ValueError("no hash for %s" % self.label)
        if self.mode in ("colliding", "raising eq", "alternating eq"):
            return 7
        if self.mode == "changing hash" and self.hashes > 2:
            return self.number + 1000
        return self.number

    def __eq__(self, other):
        self.counters["eq"] += 1
        self.compared += 1
        if self.mode == "raising eq":
            raise RuntimeError("no == for %s" % self.label)
        if self.mode == "alternating eq" and isinstance(other, Thing):
            return self is other or self.compared % 2 == 0
        return self is other

    def __ne__(self, other):
        return not self == other

    def __repr__(self):
        return "<%s>" % self.label

    def __deepcopy__(self, memo):
        return self


def describe(value):
    """A value as both sides show it: Things by label, no addresses."""
    if isinstance(value, Thing):
        return value.label
    if isinstance(value, tuple):
        return "(%s)" % ", ".join(describe(item) for item in value)
    if isinstance(value, (list, set, frozenset)):
        return "[%s]" % ", ".join(sorted(describe(item) for item in value))
    if type(value).__name__ in KINDS:
        # (A loop may raise too: on Python 2 a dict's copy compares
        # colliding keys.)
        return "%s%s" % (type(value).__name__, sorted(entries(value)))
    return ADDRESS.sub("0x?", repr(value))


def describe_error(error):
    return "%s: %s" % (type(error).__name__, ADDRESS.sub("0x?", str(error)))


def entries(container):
    """The entries of a container, each described, in its iteration order."""
    if hasattr(container, "iteritems"):
        pairs = container.iteritems()
    elif hasattr(container, "items"):
        pairs = container.items()
    else:
        return [describe(member) for member in container]
    return [describe(pair) for pair in pairs]


def contents(container):
    try:
        return sorted(entries(container))
    except Exception as error:  # a difference like any other
        return describe_error(error)


def iterate(container, view):
    if view == "members":
        return iter(container)
    method = getattr(container, "iter" + view, None)   # Python 2
    return iter((method or getattr(container, view))())


# -- the plan: operations drawn without looking at a container ----------------

class Plan(object):
    """The operations of one seed: ``kinds`` (each container slot's kind)
    and ``step()``, the next operation as a tuple of plain values."""

    def __init__(self, seed, kinds=None, threaded=False):
        self.rng = random.Random(seed)
        self.serial = 0
        # Threads key a WeakValueDictionary by ints and strings alone.
        # CPython (2.7 to 3.15, its own weakref alike) crashes when a
        # weakref.KeyedRef's key dies inside the ref's deallocation running
        # Python code (a callback, our twin's remover, __eq__) and another
        # thread's collection meanwhile finds the ref untracked but still
        # listed: docs/interpreters.md, "CPython's own crashes".
        self.threaded = threaded
        self.kinds = list(KINDS) + [self.rng.choice(KINDS)]
        if kinds is not None:       # a thread's plan, on shared containers
            self.kinds = kinds
        self.setup = [self.new_thing() for _ in range(POOL)]

    def new_thing(self):
        """(label, number, mode, cycle, callback): what a new object is."""
        self.serial += 1
        rng = self.rng
        callback = None
        if rng.random() < 0.25:
            slot = rng.randrange(CONTAINERS)
            callback = (slot, self.key_for(self.kinds[slot]))
        return ("t%d" % self.serial, self.serial, rng.choice(MODES),
                rng.random() < 0.2, callback)

    def key_for(self, kind):
        """A key (or member) for a container of *kind*: ("thing", slot),
        ("int", n) or ("str", n)."""
        rng = self.rng
        roll = rng.random()
        if kind == "WeakValueDictionary" and (roll < 0.4 or self.threaded):
            return ("int", rng.choice([1, 2, 3, 7])) if roll < 0.3 else \
                ("str", rng.randrange(3))
        if roll < 0.03:
            return ("int", 5)       # not weakly referenceable
        return ("thing", rng.randrange(POOL))

    def value_for(self, kind):
        rng = self.rng
        if kind == "WeakKeyDictionary":
            return ("int", rng.randrange(4)) if rng.random() < 0.6 else \
                ("thing", rng.randrange(POOL))
        if rng.random() < 0.03:
            return ("int", 5)
        return ("thing", rng.randrange(POOL))

    def pairs_for(self, kind):
        return [(self.key_for(kind), self.value_for(kind))
                for _ in range(self.rng.randrange(4))]

    def step(self):
        rng = self.rng
        slot = rng.randrange(CONTAINERS)
        kind = self.kinds[slot]
        key, value = self.key_for(kind), self.value_for(kind)
        roll = rng.random()
        if roll < 0.20:
            return ("store", slot, key, value)
        if roll < 0.32:
            return ("lookup", slot, key, rng.choice(["in", "get", "[]"]))
        if roll < 0.38:
            return ("delete", slot, key)
        if roll < 0.44:
            return ("pop", slot, key, rng.choice(["default", "none",
                                                  "item"]))
        if roll < 0.48:
            return ("setdefault", slot, key, value)
        if roll < 0.54:
            how = rng.choice(["mapping", "pairs", "keywords", "container",
                              "algebra", "odd items"])
            return ("update", slot, how, self.pairs_for(kind),
                    rng.randrange(CONTAINERS))
        if roll < 0.58:
            same = [other for other in range(CONTAINERS)
                    if self.kinds[other] == kind]
            return ("copy", slot, rng.choice(same),
                    rng.choice(["copy", "copy.copy", "deepcopy",
                                "constructor"]))
        if roll < 0.66:
            return ("iterate", rng.randrange(ITERATORS), slot,
                    rng.choice(VIEWS[kind]))
        if roll < 0.78:
            return ("advance", rng.randrange(ITERATORS),
                    rng.randrange(1, 4))
        if roll < 0.88:
            return ("kill", rng.randrange(POOL), self.new_thing())
        if roll < 0.92:
            return ("collect",)
        if roll < 0.95:
            return ("replace data", slot, rng.choice(["subclass", "copy"]))
        if roll < 0.98:
            return ("new container", slot, rng.random() < 0.5)
        return ("clear", slot)


# -- one side -----------------------------------------------------------------

class Side(object):
    """The objects, containers and iterators of one core, and the way to
    carry a Plan's operations out on them."""

    def __init__(self, core, plan, ignore=(), compared=False, steady=False):
        self.core = core
        self.ignore = ignore
        # Compared with another side where objects die only in a
        # collection: each death is then settled at once, so that both see
        # it at the same step.
        self.settle_deaths = compared and not REFCOUNTED
        # No key changes its hash: asked by threads, where Jython's dict
        # popitem() (that clear() loops over) would never find such a key
        # to remove, and spin.
        self.steady = steady
        self.classes = dict((kind, getattr(weakref, kind) if core == NATIVE
                             else cores.container_class(core, kind))
                            for kind in KINDS)
        self.subclasses = dict((kind, subclass_of(cls, self))
                               for kind, cls in self.classes.items())
        self.counters = {"eq": 0, "add": 0, "reads": 0}
        self.unstable = False       # a key with a changing hash was made
        self.notes = []
        self.watchers = []
        self.pool = [self.make_thing(spec) for spec in plan.setup]
        self.kinds = plan.kinds
        self.containers = [self.classes[kind]() for kind in self.kinds]
        self.iterators = [None] * ITERATORS
        # What each iterator gave last: kept alive alike on both sides
        # (a generator holds it until resumed; the compiled iterator not).
        self.last = [None] * ITERATORS

    def make_thing(self, spec):
        label, number, mode, cycle, callback = spec
        if mode == "alternating eq" and "eq" in self.ignore:
            mode = "colliding"      # its answers follow the calls' count
        if mode == "changing hash" and self.steady:
            mode = "plain"
        thing = Thing(label, number, mode, self.counters)
        if mode == "changing hash":
            self.unstable = True
        if cycle:
            thing.cycle = thing         # dies only in a collection
        if callback is not None:
            self.watchers.append(weakref.ref(thing, self.callback(label,
                                                                  callback)))
        return thing

    def callback(self, label, target):
        slot, key = target

        def died(wr):
            # Notes are compared sorted: callbacks may run in any order.
            container = self.containers[slot]
            try:
                key_object = self.resolve(key)
                if isinstance(container, self.classes["WeakSet"]):
                    container.discard(key_object)
                    result = "discarded"
                else:
                    result = describe(container.pop(key_object, None))
            except Exception as error:
                result = describe_error(error)
            self.notes.append("%s died: %s" % (label, result))
        return died

    def resolve(self, choice):
        what, n = choice
        if what == "thing":
            return self.pool[n]
        if what == "int":
            return n
        return "s%d" % n

    def mapping(self, pairs):
        return dict((self.resolve(key), self.resolve(value))
                    for key, value in pairs)

    def apply(self, operation):
        """Carry *operation* out; what it showed, described."""
        try:
            return describe(getattr(self, "do_" + operation[0].replace(
                " ", "_"))(*operation[1:]))
        except Exception as error:
            return describe_error(error)

    # Each do_*: one kind of operation; what it returns is its outcome.

    def do_store(self, slot, key, value):
        container = self.containers[slot]
        if self.kinds[slot] == "WeakSet":
            return container.add(self.resolve(key))
        container[self.resolve(key)] = self.resolve(value)

    def do_lookup(self, slot, key, how):
        container, key = self.containers[slot], self.resolve(key)
        if how == "in" or self.kinds[slot] == "WeakSet":
            return key in container
        if how == "get":
            return container.get(key, "absent")
        return container[key]

    def do_delete(self, slot, key):
        container, key = self.containers[slot], self.resolve(key)
        if self.kinds[slot] == "WeakSet":
            return container.remove(key)
        del container[key]

    def do_pop(self, slot, key, how):
        container, key = self.containers[slot], self.resolve(key)
        if self.kinds[slot] == "WeakSet":
            return container.discard(key) if how == "default" else \
                container.pop()
        if how == "item":
            return container.popitem()
        return container.pop(key, "absent") if how == "default" else \
            container.pop(key)

    def do_setdefault(self, slot, key, value):
        container = self.containers[slot]
        if self.kinds[slot] == "WeakSet":
            return container.isdisjoint([self.resolve(key)])
        return container.setdefault(self.resolve(key), self.resolve(value))

    def do_update(self, slot, how, pairs, other):
        container, kind = self.containers[slot], self.kinds[slot]
        if how == "container":
            return container.update(self.containers[other])
        if how == "odd items":
            return container.update(OddItems(self.mapping(pairs)))
        if kind == "WeakSet":
            members = [self.resolve(key) for key, _ in pairs]
            if how == "algebra":
                operator = ["__iand__", "__isub__", "__ixor__", "__ior__",
                            "issubset", "__eq__"][len(pairs) % 6]
                return getattr(container, operator)(members)
            return container.update(members)
        if how == "keywords":
            return container.update(**dict(
                ("s%d" % n, self.resolve(value))
                for n, (_, value) in enumerate(pairs)))
        if how == "pairs":
            return container.update([(self.resolve(key), self.resolve(value))
                                     for key, value in pairs])
        if how == "algebra":
            return container | self.mapping(pairs)
        return container.update(self.mapping(pairs))

    def do_copy(self, slot, target, how):
        source = self.containers[slot]
        if how == "copy":
            duplicate = source.copy()
        elif how == "copy.copy":
            duplicate = copy.copy(source)
        elif how == "deepcopy":
            duplicate = copy.deepcopy(source)
        else:
            duplicate = type(source)(source)
        self.containers[target] = duplicate
        return type(duplicate) is type(source)

    def do_iterate(self, number, slot, view):
        self.iterators[number] = iterate(self.containers[slot], view)
        self.last[number] = None

    def do_advance(self, number, steps):
        iterator = self.iterators[number]
        if iterator is None:
            return "no iterator"
        got = []
        for _ in range(steps):
            try:
                item = next(iterator)
            except StopIteration:
                self.iterators[number] = self.last[number] = None
                got.append("stop")
                break
            self.last[number] = item
            got.append(describe(item))
        return got

    def do_kill(self, number, spec):
        self.pool[number] = self.make_thing(spec)
        if self.settle_deaths:
            settle()

    def do_collect(self):
        settle()

    def do_replace_data(self, slot, how):
        container = self.containers[slot]
        data = container.data
        if how == "copy":
            container.data = type(data)(data)
        else:
            container.data = (PassingSet if isinstance(data, set)
                              else PassingDict)(data)

    def do_new_container(self, slot, subclass):
        kind = self.kinds[slot]
        self.containers[slot] = (self.subclasses if subclass
                                 else self.classes)[kind]()

    def do_clear(self, slot):
        return self.containers[slot].clear()

    def state(self, ignore=()):
        """What a step leaves to see, besides its outcome."""
        seen = []
        for container in self.containers:
            try:
                size = len(container)
            except Exception as error:
                size = describe_error(error)
            seen.append((size, contents(container)))
        return seen, sorted(self.notes), dict(
            (name, count) for name, count in self.counters.items()
            if name not in ignore)


def settle():
    """A collection, and the callbacks it owes (Jython runs them later)."""
    collect()
    if JYTHON:
        wait_for_callbacks()


class OddItems(object):
    """A mapping whose items attribute raises (not AttributeError) when it
    has an odd number of keys: update() must say so."""

    def __init__(self, mapping):
        self.mapping = mapping

    @property
    def items(self):
        if len(self.mapping) % 2:
            raise ValueError("no items: odd")
        return self.mapping.items

    def keys(self):
        return self.mapping.keys()

    def __getitem__(self, key):
        return self.mapping[key]

    def __iter__(self):
        return iter(self.mapping)


class PassingDict(dict):
    """A replaced data: a dict subclass whose methods, Python code, do what
    dict's do."""

    def copy(self):
        return PassingDict(dict.copy(self))

    def __iter__(self):
        return dict.__iter__(self)

    def __getitem__(self, key):
        return dict.__getitem__(self, key)

    def get(self, key, default=None):
        return dict.get(self, key, default)


class PassingSet(set):
    def __iter__(self):
        return set.__iter__(self)

    def add(self, item):
        set.add(self, item)


def subclass_of(cls, side):
    """A subclass of *cls*, one of a side's container classes: a
    __getattribute__ of its own, which counts the reads of data and
    _remove, and for the set an add() that counts."""

    class Sub(cls):
        def __getattribute__(self, name):
            if name in ("data", "_remove"):
                side.counters["reads"] += 1
            return cls.__getattribute__(self, name)

    if cls.__name__ == "WeakSet":
        def add(self, item):
            side.counters["add"] += 1
            cls.add(self, item)
        Sub.add = add
    Sub.__name__ = cls.__name__     # as both sides describe it
    return Sub


# -- running a plan -----------------------------------------------------------

def run(seed, steps, cores_compared, ignore=()):
    """Apply *steps* operations of seed *seed* to a side per core of
    *cores_compared* (two: compared step by step; one: checked alone).
    Returns the number of operations; raises Divergence. The counters named
    in *ignore* ("eq", "add", "reads") are left out of the comparison: to
    look past a difference already known."""
    if len(cores_compared) > 1 and _compat.FREE_THREADED:
        # A free-threaded collector calls back in the order of the dead
        # objects' addresses, which differ between the two sides: entries
        # go in another order, and colliding keys' __eq__ runs as often as
        # that order makes it.
        ignore = tuple(ignore) + ("eq",)
    plan = Plan(seed)
    recorder = None
    enabled = gc.isenabled()
    try:
        gc.disable()
    except NotImplementedError:     # Jython: the JVM's collector runs on
        enabled = False
    if hasattr(gc, "freeze"):
        # The process's objects out of the collections the steps start: a
        # full collection of a test run's process costs milliseconds.
        gc.collect()
        gc.freeze()
    try:
        sides = [Side(core, plan, ignore, len(cores_compared) > 1)
                 for core in cores_compared]
        history = []
        # What callbacks raise (a key's __eq__, in a remover) is reported
        # as unraisable: kept quiet (3.8+).
        recorder = UnraisableRecorder()
        recorder.__enter__()
        for number in range(steps):
            operation = plan.step()
            history.append(operation)
            # Every side acts, then every side is looked at: a collection
            # one side starts frees the other's garbage too.
            outcomes = [side.apply(operation) for side in sides]
            shown = [(outcome, side.state(ignore))
                     for outcome, side in zip(outcomes, sides)]
            try:
                if len(sides) == 2 and shown[0] != shown[1]:
                    raise Divergence(report(seed, number, history, sides,
                                            shown))
                if len(sides) == 1:
                    check_alone(seed, number, history, sides[0], shown[0])
            except Divergence as divergence:
                divergence.steps = number + 1
                raise
        return steps
    finally:
        if recorder is not None:
            recorder.__exit__(None, None, None)
        if hasattr(gc, "unfreeze"):
            gc.unfreeze()
        if enabled:
            gc.enable()


def report(seed, number, history, sides, shown):
    lines = ["seed %d, step %d: %r" % (seed, number, history[-1])]
    for side, (outcome, state) in zip(sides, shown):
        lines.append("  %s: %s" % (side.core, outcome))
        lines.append("  %s state: %s" % (side.core, state))
    lines.append("  the operations up to it (last 12): %r"
                 % (history[-12:],))
    return "\n".join(lines)


def allowed(outcome, errors=ALLOWED_ERRORS):
    """Whether *outcome* is a result, or an error of *errors*."""
    kind, _, message = outcome.partition(": ")
    if not message or " " in kind or "(" in kind:
        return True
    return kind in errors and message.startswith(errors[kind])


def check_alone(seed, number, history, side, shown):
    """What holds for one side whatever the implementation."""
    outcome, (containers, _, _) = shown
    problems = []
    if not allowed(outcome):
        problems.append("unexpected error: " + outcome)
    for size, listed in containers:
        if not isinstance(listed, list):
            if not allowed(listed):
                problems.append("a loop raised: %s" % listed)
        elif isinstance(size, int) and size < len(listed):
            problems.append("len %d below the %d entries a loop yields"
                            % (size, len(listed)))
        elif len(set(listed)) != len(listed) and not side.unstable:
            # (A key whose hash changed can be in a set or dict twice.)
            problems.append("a loop yielded an entry twice: %s" % listed)
    if problems:
        raise Divergence(report(seed, number, history, [side], [shown])
                         + "\n  " + "\n  ".join(problems))


def run_budget(first_seed, operations, length, cores_compared):
    """Run *operations* operations, *length* a seed, from *first_seed* on,
    as run() does. Returns (operations carried out, the last seed, the
    text of each divergence met)."""
    found = []
    done = ran = 0   # the budget spent; the operations carried out
    seed = first_seed
    while done < operations:
        steps = min(length, operations - done)
        try:
            ran += run(seed, steps, cores_compared)
        except Divergence as divergence:
            ran += divergence.steps
            found.append(str(divergence))
        done += steps
        seed += 1
    return ran, seed - 1, found


def operations_budget(default):
    """How many operations: BACKPORTS_WEAKREF_FUZZ_OPERATIONS, or *default*."""
    return int(os.environ.get("BACKPORTS_WEAKREF_FUZZ_OPERATIONS")
               or default)


def first_seed():
    """The first seed: BACKPORTS_WEAKREF_FUZZ_SEED, or 1."""
    return int(os.environ.get("BACKPORTS_WEAKREF_FUZZ_SEED") or 1)


# -- threads ------------------------------------------------------------------

# The "core" whose containers are the interpreter's own weakref's: churn()
# on it shows what the interpreter itself does under the same load.
NATIVE = "native"


def churn(core, seed, seconds, threads):
    """Threads carrying out their own plans' operations on one shared side
    of *core* (containers, iterators, objects; or NATIVE) for *seconds*, the
    collector on. Returns (operations, problems): what no step may show."""
    # The interpreter's own iterators are generators, which crash some
    # free-threaded builds (gh-120321) and break on Jython when threads share
    # one: not asked.
    skipped = ("iterate", "advance") if (
        core == NATIVE and _compat.GENERATORS_BREAK_WHEN_SHARED) else ()
    side = Side(core, Plan(seed, threaded=True), steady=True)
    operations = [0] * threads
    problems = []

    def work(number):
        plan = Plan(seed * 1000 + number, side.kinds, threaded=True)
        deadline = time.time() + seconds
        while time.time() < deadline:
            operation = plan.step()
            if operation[0] in skipped or operation[0] == "replace data" or (
                    operation[0] == "collect" and number):
                # One collector thread is enough; and a data replaced
                # while another thread's callback deletes from the old one
                # keeps a dead entry (a race of the caller's making).
                continue
            outcome = side.apply(operation)
            operations[number] += 1
            if not allowed(outcome, THREADED_ERRORS):
                problems.append("%r: %s" % (operation, outcome))

    with switch_interval(1e-5):
        run_threads(work, range(threads))
    def disagreements():
        # A loop may raise what a key's own __eq__ raises: its snapshot,
        # dict.copy(), compares colliding keys when it re-inserts them
        # (always on Python 2; on 3.x when data holds deleted slots), as
        # the newest CPython's own containers do.
        found = []
        for size, listed in side.state()[0]:
            if (size != len(listed) if isinstance(listed, list)
                    else not allowed(listed, THREADED_ERRORS)):
                found.append("after the threads: len %s, loop %s"
                             % (size, listed))
        return found

    # A referent can die in a collection after the last callback ran (on
    # Jython at any time, its callback later on the reaper thread): len and
    # loop agree once every death's callback has run, which a bounded
    # collect_until waits for; what still disagrees then is a problem.
    settle()
    try:
        collect_until(lambda: not disagreements())
    except AssertionError:
        problems.extend(disagreements())
    return sum(operations), problems
