"""What the compiled core must never do, whatever Python code does around
it (issue 19): crash the interpreter, leak, or behave otherwise than its
pure-Python twin, which is the specification.

Each test runs on every core present (``[compiled]``, ``[pure]``: see
tests/cores.py) and asserts the twin's behaviour. A scenario that can
crash the interpreter runs in a child interpreter, so that a segmentation
fault fails that one test: the child prints what it saw, and the test
checks that it exited normally and what it printed. The others run here,
on each core's copy of the package.

Where a scenario's outcome may differ between interpreters (a weakref
callback that CPython 3.12+ runs after the call that started a collection
rather than inside it), the test accepts what the issue allows: the
twin's ``ValueError: generator already executing``, or a correct result,
every live entry yielded exactly once over all the ``next()`` calls.
"""
from __future__ import absolute_import

import signal
import sys
import weakref as stdlib_weakref

import pytest

import cores
from backports.weakref import _compat
from support import (COLLECT_TIMEOUT, JYTHON, STRESS_SECONDS, STRESS_THREADS,
                     collect_until, run_python)

core_names = pytest.mark.parametrize("core", cores.CORES)


def in_children(names, cases):
    """parametrize() for a test that starts a child interpreter per case
    (a kind, or a (kind, view) named Kind.view): on Jython, whose every
    start costs seconds, the first and last case alone."""
    if JYTHON:
        cases = cases[:1] + cases[-1:]
    ids = ["%s.%s" % case if isinstance(case, tuple) else case
           for case in cases]
    return pytest.mark.parametrize(names, cases, ids=ids)


KINDS = cores.KINDS
DICTS = KINDS[:2]
ALREADY_EXECUTING = "ValueError: generator already executing"

# Each child's code starts with this: it checks that it runs on the core it
# was asked for (its first argument), and gives the scenarios their
# containers and the way to describe what they yield.
CHILD_PRELUDE = '''
from __future__ import print_function
import gc
import sys
import threading
try:
    import faulthandler
    faulthandler.enable()     # a crash shows where, in the test's report
    # And a child that hangs shows where, and ends (3.3+).
    faulthandler.dump_traceback_later(120, exit=True)
except (ImportError, AttributeError):
    pass
from backports.weakref import _core
from backports.weakref._dicts import WeakKeyDictionary, WeakValueDictionary
from backports.weakref._weakset import WeakSet
import weakref

CORE = sys.argv[1]


def pause_collector():
    """gc.disable(), where the collector can be paused (not Jython's)."""
    try:
        gc.disable()
    except NotImplementedError:
        pass
assert _core.IMPLEMENTATION == CORE, _core.REASON
CLASSES = {"WeakValueDictionary": WeakValueDictionary,
           "WeakKeyDictionary": WeakKeyDictionary, "WeakSet": WeakSet}
TIMEOUT = 10.0


class Obj(object):
    def __init__(self, n):
        self.n = n

    def __repr__(self):
        return "Obj(%d)" % self.n


class Holder(object):
    pass


def make(kind, objects):
    container = CLASSES[kind]()
    for obj in objects:
        store(container, obj)
    return container


def filled(kind):
    """Five objects, and a container of *kind* holding them."""
    objects = [Obj(n) for n in range(5)]
    return objects, make(kind, objects)


def store(container, obj, n=None):
    n = getattr(obj, "n", 0) if n is None else n
    if isinstance(container, WeakValueDictionary):
        container[n] = obj
    elif isinstance(container, WeakKeyDictionary):
        container[obj] = n
    else:
        container.add(obj)


def iterate(container, view):
    """An iterator over *view* ("members", "keys", "values" or "items")."""
    if view == "members":
        return iter(container)
    method = getattr(container, "iter" + view, None)   # Python 2
    if method is None:
        method = getattr(container, view)
    return iter(method())


def expected(kind, view, objects):
    """What iterating *view* yields for *objects*, as sorted reprs."""
    if kind == "WeakValueDictionary":
        shapes = {"keys": lambda o: o.n, "values": lambda o: o,
                  "items": lambda o: (o.n, o)}
    elif kind == "WeakKeyDictionary":
        shapes = {"keys": lambda o: o, "values": lambda o: o.n,
                  "items": lambda o: (o, o.n)}
    else:
        shapes = {"members": lambda o: o}
    return sorted(repr(shapes[view](o)) for o in objects)


def hook_snapshots(container, hook):
    """Replace the container's data by a dict (or set) subclass whose
    copy() and __iter__, what the twin's snapshots run, call hook()."""
    base = type(container.data)

    class Hooked(base):
        def __iter__(self):
            hook()
            return base.__iter__(self)

        def copy(self):
            hook()
            return base.copy(self)

    container.data = Hooked(container.data)


def attempt(iterator, into):
    """next(iterator), described into *into*: the item, "stop", or the
    error."""
    try:
        into.append(repr(next(iterator)))
    except StopIteration:
        into.append("stop")
    except Exception as error:
        into.append("%s: %s" % (type(error).__name__, error))


def loop(iterator):
    """What the rest of a loop over *iterator* yields, described."""
    outer = []
    attempt(iterator, outer)
    outer.extend(repr(item) for item in iterator)
    return outer


def verdict(outer, inner, wanted):
    """Whether the items of *outer* and *inner* are each entry of *wanted*
    once, and which errors *inner* saw (an exhausted iterator is none)."""
    items = [got for got in inner if got != "stop" and ": " not in got]
    others = sorted(set(got for got in inner
                        if got not in items and got != "stop"))
    print("complete:", sorted(outer + items) == wanted)
    print("inner saw:", others)
'''


def run_child(core, body, *args, **kwargs):
    """Run CHILD_PRELUDE + *body* in a child on *core*; fail unless it
    exits normally; return its output lines."""
    rc, out, err = run_python(CHILD_PRELUDE + body, core, *args,
                              env=cores.child_environ(core), **kwargs)
    if rc < 0:
        try:
            how = "killed by %s" % signal.Signals(-rc).name
        except (AttributeError, ValueError):   # Python 2
            how = "killed by signal %d" % -rc
    else:
        how = "exit status %d" % rc
    assert rc == 0, "the child on the %s core: %s\n%s%s" % (
        core, how, out, err[-3000:])
    return out.splitlines(), err


def assert_allowed(lines):
    """The output of verdict(): complete, and nothing but the twin's
    error or a correct result."""
    assert "complete: True" in lines, lines
    saw = [line for line in lines if line.startswith("inner saw:")]
    assert saw in (["inner saw: []"],
                   ["inner saw: [%r]" % ALREADY_EXECUTING]), lines


# -- segmentation faults ------------------------------------------------------

# The value: a code object, which CPython's cyclic collector does not track,
# so that it is not part of the garbage the collection finds, yet dies
# when that garbage is cleared (by the collector's tp_clear of the holder).
CLEARED_REMOVER = '''
kind = sys.argv[2]
pause_collector()
container = CLASSES[kind]()
if sys.argv[3] == "other":
    # The entries call back into another container's _remove.
    other = container
    container = CLASSES[kind]()
    container._remove = other._remove
value = compile("0", "<value>", "eval")
holder = Holder()
holder.cycle = holder
holder.value = value            # the value dies when the holder is cleared
store(container, value)
entry = Holder()
entry.cycle = entry             # the entry's reference lives on in a cycle
entry.ref = list(container.data.values() if kind == "WeakValueDictionary"
                 else container.data)[0]
del container, holder, value, entry
other = None
# Garbage, in the order the collector clears it: the remover (made with
# its container, whose last reference went with del), the holder, then
# the entry's reference: its value dies while it lives, the remover
# already cleared.
gc.collect()
print("survived")
'''


@core_names
@in_children("kind", list(KINDS))
def test_a_value_dying_after_a_collection_cleared_its_remover(core, kind):
    # Scenario 1: CPython 2.7-3.7 run the callback of a reference that is
    # itself garbage (3.8+ clear such references first, bpo-38006).
    lines, err = run_child(core, CLEARED_REMOVER, kind, "own")
    assert lines == ["survived"]
    assert "Traceback" not in err and "Exception" not in err, err


@core_names
@in_children("kind", list(KINDS))
def test_entries_calling_back_into_another_containers_cleared_remover(
        core, kind):
    # Scenario 1, the entries of one container made with another's _remove.
    lines, err = run_child(core, CLEARED_REMOVER, kind, "other")
    assert lines == ["survived"]
    assert "Traceback" not in err and "Exception" not in err, err


VIEWS = [("WeakValueDictionary", "keys"), ("WeakValueDictionary", "values"),
         ("WeakValueDictionary", "items"), ("WeakKeyDictionary", "keys"),
         ("WeakKeyDictionary", "values"), ("WeakKeyDictionary", "items"),
         ("WeakSet", "members")]

COLLECTION_IN_SNAPSHOT = '''
kind, view = sys.argv[2:4]
members, container = filled(kind)
iterator = iterate(container, view)
inner = []
calls = []


def reenter(wr):
    calls.append(wr)
    attempt(iterator, inner)


thresholds = gc.get_threshold()
probes = []


def first_step():
    pause_collector()
    gc.collect()
    # Empty the free lists of lists and dicts: the snapshot's allocation is
    # then a new object, which the collector counts.
    spare = [([], {}) for _ in range(200)]
    trash = Holder()
    trash.cycle = trash
    probes.append(weakref.ref(trash, reenter))
    # From now on the next allocation of a tracked object starts a
    # collection, whose callback calls next() on the iterator: on CPython
    # <= 3.11 that is the snapshot's allocation, inside next() below.
    gc.set_threshold(1)
    gc.enable()
    del trash
    try:
        return [next(iterator)]
    except StopIteration:
        return []
    finally:
        gc.set_threshold(*thresholds)


outer = [repr(item) for item in first_step()]
outer.extend(repr(item) for item in iterator)
gc.collect()
print("callback ran:", len(calls))
verdict(outer, inner, expected(kind, view, members))
'''


@pytest.mark.skipif(not _compat.CPYTHON, reason="only CPython's collector "
                    "starts at an allocation")
@core_names
@in_children("kind, view", VIEWS)
def test_a_callback_of_a_collection_the_snapshot_starts_calls_next(core,
                                                                   kind,
                                                                   view):
    # Scenario 2.
    lines, _ = run_child(core, COLLECTION_IN_SNAPSHOT, kind, view)
    assert "callback ran: 1" in lines
    assert_allowed(lines)


# The twin takes the snapshot of a values view with dict.values(data), which
# runs no method of a dict subclass: that view has no way in here.
SNAPSHOT_VIEWS = [view for view in VIEWS
                  if view != ("WeakValueDictionary", "values")]

REENTERED_SNAPSHOT = '''
kind, view = sys.argv[2:4]
members, container = filled(kind)
inner = []
calls = []


def hook():
    """Runs while the snapshot is taken: next() on the same iterator."""
    if not calls:
        calls.append(1)
        attempt(iterator, inner)


hook_snapshots(container, hook)
iterator = iterate(container, view)
outer = loop(iterator)
print("hook ran:", len(calls))
verdict(outer, inner, expected(kind, view, members))
'''


@core_names
@in_children("kind, view", SNAPSHOT_VIEWS)
def test_next_reentered_while_its_snapshot_is_taken(core, kind, view):
    # Scenario 3: a `data` replaced by a dict (or set) subclass whose copy()
    # or __iter__ is Python code, which calls next() on the iterator.
    lines, _ = run_child(core, REENTERED_SNAPSHOT, kind, view)
    assert "hook ran: 1" in lines
    assert_allowed(lines)


REENTERED_STEP = '''
kind, view = sys.argv[2:4]
members, container = filled(kind)
inner = []


class Reentrant(object):
    """What data holds in place of an entry's reference: calling it (as
    each step of the loop calls each reference) calls next() on the loop's
    own iterator, then answers as the reference it wraps."""

    def __init__(self, wr):
        self.wr = wr

    def __call__(self):
        attempt(iterator, inner)
        return self.wr()

    def __hash__(self):
        return hash(self.wr)

    def __eq__(self, other):
        return self.wr == getattr(other, "wr", other)


data = container.data
if kind == "WeakValueDictionary":
    for key in list(data):
        data[key] = Reentrant(data[key])
elif kind == "WeakKeyDictionary":
    for wr in list(data):
        data[Reentrant(wr)] = data.pop(wr)
else:
    for wr in list(data):
        data.remove(wr)
        data.add(Reentrant(wr))
iterator = iterate(container, view)
outer = loop(iterator)
verdict(outer, inner, expected(kind, view, members))
'''


@core_names
@in_children("kind, view", VIEWS)
def test_next_reentered_from_its_own_step(core, kind, view):
    # Scenario 3: next() called again from inside next(), by the Python code
    # a step runs (here: what `data` holds in place of a reference).
    lines, _ = run_child(core, REENTERED_STEP, kind, view)
    assert_allowed(lines)


SECOND_THREAD_IN_SNAPSHOT = '''
kind, view = sys.argv[2:4]
members, container = filled(kind)
inner = []
entered = threading.Event()
answered = threading.Event()


def hook():
    """Runs in the main thread while it takes the snapshot: lets the
    other thread call next() on the same iterator meanwhile (or at least
    try for a while: it may have to wait for this one)."""
    if not entered.is_set():
        entered.set()
        answered.wait(2.0)


def second():
    if entered.wait(TIMEOUT):
        attempt(iterator, inner)
    answered.set()


hook_snapshots(container, hook)
iterator = iterate(container, view)
thread = threading.Thread(target=second)
thread.daemon = True
thread.start()
outer = loop(iterator)
thread.join(TIMEOUT)
print("second thread done:", not thread.is_alive() and len(inner) == 1)
verdict(outer, inner, expected(kind, view, members))
'''


@core_names
@in_children("kind, view", SNAPSHOT_VIEWS)
def test_a_second_thread_calls_next_while_the_snapshot_is_taken(core, kind,
                                                                view):
    # Scenario 3, with a GIL: taking the snapshot runs Python code, which
    # lets another thread run, and that one advances the same iterator.
    lines, _ = run_child(core, SECOND_THREAD_IN_SNAPSHOT, kind, view)
    assert "second thread done: True" in lines
    assert_allowed(lines)


SHARED_ITERATOR = '''
kind, view = sys.argv[2:4]
seconds, threads = float(sys.argv[4]), int(sys.argv[5])
import time
pool = [Obj(n) for n in range(64)]
container = make(kind, pool[:32])
allowed = set(expected(kind, view, pool))
current = [(0, iterate(container, view))]
fresh = threading.Lock()
seen = []
problems = []
deadline = time.time() + seconds


def read(number):
    """Share the current iterator with the other readers: each item it
    yields once, to one of them; a fresh one once it is exhausted."""
    got = []
    while time.time() < deadline:
        serial, iterator = current[0]
        outcome = []
        attempt(iterator, outcome)
        if outcome[0] == "stop":
            with fresh:
                if current[0][0] == serial:
                    current[0] = (serial + 1, iterate(container, view))
        elif outcome[0] in allowed:
            got.append((serial, outcome[0]))
        elif outcome[0] != %(already)r:
            problems.append(outcome[0])
    seen.extend(got)


def mutate(number):
    step = number
    while time.time() < deadline:
        obj = pool[step %% 64]
        store(container, obj)
        gone = pool[(step * 7) %% 64]
        if kind == "WeakSet":
            container.discard(gone)
        else:
            container.pop(gone.n if kind == "WeakValueDictionary" else gone,
                          None)
        if step %% 50 == 0:
            gc.collect()
        step += 1


workers = [threading.Thread(target=read if number %% 2 == 0 else mutate,
                            args=(number,))
           for number in range(max(threads, 2))]
for worker in workers:
    worker.daemon = True      # one that hangs fails the test, not the run
    worker.start()
for worker in workers:
    worker.join(seconds + 60)
print("all joined:", not any(worker.is_alive() for worker in workers))
print("problems:", sorted(set(problems)))
print("duplicates:", len(seen) - len(set(seen)))
print("iterators:", current[0][0], "items:", len(seen))
''' % {"already": ALREADY_EXECUTING}


# One view per way of taking the snapshot: the values as a list, a dict's
# copy, the keys as a list, the members of a set.
SHARED_VIEWS = [("WeakValueDictionary", "values"),
                ("WeakValueDictionary", "items"),
                ("WeakKeyDictionary", "keys"), ("WeakSet", "members")]


@core_names
@in_children("kind, view", SHARED_VIEWS)
def test_threads_sharing_one_iterator_while_others_mutate(core, kind, view,
                                                          record_property):
    # Scenario 4: aimed at free-threaded 3.13t, where it crashed the compiled
    # core (and where a generator-based twin may crash CPython itself);
    # with a GIL, the same threads must hold up too. Each item of one
    # snapshot goes to exactly one reader.
    lines, _ = run_child(core, SHARED_ITERATOR, kind, view,
                         str(STRESS_SECONDS), str(STRESS_THREADS))
    assert "all joined: True" in lines
    assert "problems: []" in lines
    assert "duplicates: 0" in lines
    counts = [line for line in lines if line.startswith("iterators:")][0]
    assert int(counts.split()[1]) > 0, "no iterator was used up"
    record_property("load", "shared iterator %s %s.%s: %s, %.1f s" % (
        core, kind, view, counts, STRESS_SECONDS))


# -- leaks --------------------------------------------------------------------

@pytest.mark.skipif(not _compat.CPYTHON or sys.version_info >= (3, 12),
                    reason="None counts its references on CPython < 3.12 "
                    "only (immortal from 3.12)")
@core_names
def test_value_stores_leak_no_reference_to_none(core):
    cls = cores.container_class(core, "WeakValueDictionary")
    container = cls()
    first, second = Obj(1), Obj(2)

    def store_many(count):
        for n in range(count):
            value = first if n % 2 else second   # a new entry every time
            container[n % 10] = value
            container.setdefault(10 + n % 10, value)
            container.pop(10 + n % 10)
            container.update([(20, value)], other=value)

    store_many(100)
    before = sys.getrefcount(None)
    store_many(10 ** 4)
    grown = sys.getrefcount(None) - before
    assert grown < 100, "%d more references to None" % grown


class Catcher(object):
    """Kept in `data` beside the references: its hash collides with the key
    looked up, so the dict's lookup compares it with whatever the lookup
    uses, which it keeps."""

    def __init__(self, hash_value):
        self.hash_value = hash_value
        self.met = []

    def __hash__(self):
        return self.hash_value

    def __eq__(self, other):
        self.met.append(other)
        return False

    def __ne__(self, other):
        return True


class Obj(object):
    def __init__(self, n):
        self.n = n

    def __hash__(self):
        return hash(self.n)

    def __eq__(self, other):
        return isinstance(other, Obj) and other.n == self.n

    def __ne__(self, other):
        return not self == other

    def __repr__(self):
        return "Obj(%r)" % (self.n,)


def look_up(container, key):
    """The lookups of *kind*'s core that raise nothing."""
    results = [key in container]
    if hasattr(container, "discard"):
        container.discard(key)
    else:
        results.append(container.get(key))
        results.append(container.pop(key, "absent"))
    return results


@core_names
@pytest.mark.parametrize("kind", ["WeakKeyDictionary", "WeakSet"])
def test_a_lookup_met_by_eq_does_not_keep_the_key_alive(core, kind):
    container = cores.container_class(core, kind)()
    key = Obj(7)
    catcher = Catcher(hash(key))
    if kind == "WeakSet":
        container.data.add(catcher)
    else:
        container.data[catcher] = "caught"
    assert look_up(container, key)[0] is False
    assert catcher.met, "the lookup never met the catcher"
    probe = stdlib_weakref.ref(key)
    del key
    collect_until(lambda: probe() is None,
                  timeout=COLLECT_TIMEOUT if JYTHON else 2.0)


# -- differences from the twin ------------------------------------------------

class Colliding(object):
    """A key whose hash is an int key's: each store under that int compares
    the two, and counts it."""

    calls = 0

    def __init__(self, hash_value):
        self.hash_value = hash_value

    def __hash__(self):
        return self.hash_value

    def __eq__(self, other):
        Colliding.calls += 1
        return False

    def __ne__(self, other):
        return not self == other


def count_calls(action):
    Colliding.calls = 0
    action()
    return Colliding.calls


def colliding_counts(core):
    """{operation: __eq__ calls} on a WeakValueDictionary holding a
    Colliding key, for each operation under the int it collides with."""
    container = cores.container_class(core, "WeakValueDictionary")()
    value, other = Obj(1), Obj(2)
    colliding = Colliding(7)
    container[colliding] = value
    counts = []
    for name, action in [
            ("store", lambda: container.__setitem__(7, value)),
            ("store again", lambda: container.__setitem__(7, value)),
            ("store another", lambda: container.__setitem__(7, other)),
            ("get", lambda: container.get(7)),
            ("in", lambda: 7 in container),
            ("setdefault", lambda: container.setdefault(7, value)),
            ("update", lambda: container.update({7: value})),
            ("pop", lambda: container.pop(7)),
            ("setdefault new", lambda: container.setdefault(7, value))]:
        counts.append((name, count_calls(action)))
    return counts


@core_names
def test_a_store_runs_a_colliding_keys_eq_as_often_as_the_twin(core):
    counts = colliding_counts(core)
    assert counts == colliding_counts("pure")
    # And the twin's store is one dict store.
    plain = {Colliding(7): None}
    assert dict(counts)["store"] == count_calls(
        lambda: plain.__setitem__(7, None)) > 0


def logged_reads(core, kind):
    """[(operation, [what of data/_remove it read])] for a subclass of
    *kind* whose __getattribute__ logs those reads."""
    base = cores.container_class(core, kind)
    log = []

    class Logged(base):
        def __getattribute__(self, name):
            if name in ("data", "_remove"):
                log.append(name)
            return base.__getattribute__(self, name)

    objects = [Obj(n) for n in range(3)]
    if kind == "WeakSet":
        container = Logged(objects[:2])
        operations = [
            ("add", lambda: container.add(objects[2])),
            ("in", lambda: objects[0] in container),
            ("len", lambda: len(container)),
            ("iter", lambda: list(container)),
            ("discard", lambda: container.discard(objects[0])),
            ("remove", lambda: container.remove(objects[1])),
            ("update", lambda: container.update(objects[:2])),
            ("copy", lambda: container.copy())]
    else:
        if kind == "WeakValueDictionary":
            pairs = [(obj.n, obj) for obj in objects]
        else:
            pairs = [(obj, obj.n) for obj in objects]
        container = Logged(pairs[:2])
        key, value = pairs[2]
        operations = [
            ("store", lambda: container.__setitem__(key, value)),
            ("[]", lambda: container[key]),
            ("get", lambda: container.get(key)),
            ("in", lambda: key in container),
            ("len", lambda: len(container)),
            ("keys", lambda: list(container.keys())),
            ("values", lambda: list(container.values())),
            ("items", lambda: list(container.items())),
            ("setdefault", lambda: container.setdefault(key, value)),
            ("pop", lambda: container.pop(key)),
            ("update", lambda: container.update([pairs[2]])),
            ("copy", lambda: container.copy()),
            ("del", lambda: container.__delitem__(key))]
    reads = []
    for name, operation in operations:
        del log[:]
        operation()
        reads.append((name, list(log)))
    return reads


@core_names
@pytest.mark.parametrize("kind", KINDS)
def test_a_subclass_getattribute_sees_the_twins_reads(core, kind):
    reads = logged_reads(core, kind)
    assert reads == logged_reads("pure", kind)
    # Every operation goes through the container's data.
    assert [name for name, read in reads if "data" not in read] == []


class RaisingItems(object):
    """A mapping-like whose items attribute raises something other than
    AttributeError."""

    @property
    def items(self):
        raise ValueError("no items today")

    def keys(self):
        return []

    def __getitem__(self, key):
        raise KeyError(key)


@core_names
@pytest.mark.parametrize("kind", DICTS)
def test_update_propagates_what_other_items_raises(core, kind):
    # Python 2's core caught it (as 2.x's hasattr() does) and took other
    # as a mapping instead.
    container = cores.container_class(core, kind)()
    with pytest.raises(ValueError) as raised:
        container.update(RaisingItems())
    assert str(raised.value) == "no items today"
    assert len(container) == 0


class Counted(object):
    """A member that counts the calls of its __eq__."""

    def __init__(self):
        self.calls = 0

    def __eq__(self, other):
        self.calls += 1
        return self is other

    def __ne__(self, other):
        return not self == other

    def __hash__(self):
        return id(self) >> 4


def membership_calls(cls, operation):
    member = Counted()
    other = Counted()
    members = cls([member, other])
    members &= [member]
    member.calls = 0
    result = operation(members, member)
    return result, member.calls, len(members)


MEMBERSHIP = [("in", lambda s, m: m in s),
              ("discard", lambda s, m: s.discard(m)),
              ("remove", lambda s, m: s.remove(m))]


@core_names
@pytest.mark.parametrize("operation", [op for _, op in MEMBERSHIP],
                         ids=[name for name, _ in MEMBERSHIP])
def test_membership_after_iand_makes_the_twins_eq_calls(core, operation):
    # After s &= [a], the set holds the reference that intersection made:
    # the twin's ref(a) is that one, found by identity.
    outcome = membership_calls(cores.container_class(core, "WeakSet"),
                               operation)
    twin = membership_calls(cores.container_class("pure", "WeakSet"),
                            operation)
    assert outcome == twin
    if _compat.CPYTHON:
        assert twin == membership_calls(stdlib_weakref.WeakSet, operation)
