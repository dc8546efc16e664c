"""Model-based tests of the weak containers, finalize and WeakMethod: random
operations on the real object and on a plain-Python model of it, compared
after every step.

tests/models.py drives them: a seeded ``random.Random`` on every
interpreter, and ``hypothesis.stateful`` (which shrinks a failure) where
hypothesis installs -- not on Jython.
"""
from __future__ import absolute_import

import collections

import pytest

from containers_impl import Obj, newest_behaviour, weakref
from models import (SEEDS, Machine, RuleBasedStateMachine, run_hypothesis,
                    run_seeded)
from support import PYPY, collect_until

STEPS = 60
# Steps checked per machine, for the load summary.
STEPS_RUN = collections.defaultdict(int)


def settle(condition):
    """Wait for *condition* after a kill; collecting only when needed
    (a full collection costs tens of ms in a big test process)."""
    if not condition():
        collect_until(condition)


class ContainerMachine(Machine):
    """A weak container against a plain dict (key -> value) that holds the
    strong references. Subclasses say how entries look."""

    kind = None

    def __init__(self):
        self.real = getattr(weakref, self.kind)()
        self.model = {}
        self.counter = 0

    def new_entry(self, choice):
        """(key, value) of a fresh entry; the referent is held by the model."""
        raise NotImplementedError

    def put(self, container, key, value):
        container[key] = value

    def contents(self, container):
        return dict(container.items())

    def entries(self):
        return sorted(self.model, key=id)

    def rule_insert(self, choice):
        key, value = self.new_entry(choice)
        self.put(self.real, key, value)
        self.model[key] = value

    def rule_replace(self, choice):
        if self.model:
            key = self.entries()[self.pick(self.model, choice)]
            value = self.new_entry(choice)[1]
            self.put(self.real, key, value)
            self.model[key] = value

    def rule_delete(self, choice):
        if self.model:
            key = self.entries()[self.pick(self.model, choice)]
            del self.real[key]
            del self.model[key]

    def rule_pop(self, choice):
        if self.model:
            key = self.entries()[self.pick(self.model, choice)]
            assert self.real.pop(key) is self.model.pop(key)

    def rule_lookup(self, choice):
        if self.model:
            key = self.entries()[self.pick(self.model, choice)]
            assert key in self.real
            assert self.real[key] is self.model[key]
            assert self.real.get(key) is self.model[key]
        stranger = self.new_entry(choice)[0]
        assert stranger not in self.real
        assert self.real.get(stranger, choice) == choice

    def rule_iterate_with_mutation(self, choice):
        """CPython iterates a snapshot: what the loop adds or deletes does not
        change what it yields."""
        expected = sorted(map(id, self.model))
        keep = list(self.model.items())   # what the loop deletes must live
        seen = []
        for index, key in enumerate(self.real):
            seen.append(id(key))
            if index == choice % 3 and self.model:
                self.rule_insert(choice)
                self.rule_delete(choice // 3)
        assert sorted(seen) == expected
        del keep

    def rule_copy(self, choice):
        duplicate = self.real.copy()
        assert type(duplicate) is type(self.real)
        assert self.same(duplicate, self.model)
        key, value = self.new_entry(choice)
        self.put(duplicate, key, value)
        assert key not in self.real

    def rule_union(self, choice):
        key, value = self.new_entry(choice)
        union = self.real | {key: value}
        expected = dict(self.model)
        expected[key] = value
        assert type(union) is type(self.real)
        assert self.same(union, expected)
        self.real |= {key: value}
        self.model[key] = value

    def rule_kill(self, choice):
        if self.model:
            key = self.entries()[self.pick(self.model, choice)]
            del self.model[key]
            self.killed = True

    def same(self, container, model):
        got = self.contents(container)
        return (sorted((id(k), id(v)) for k, v in got.items())
                == sorted((id(k), id(v)) for k, v in model.items()))

    def check(self):
        STEPS_RUN[type(self).__name__] += 1
        if self.killed:
            self.killed = False
            # A fresh model: PyPy's dict may keep a deleted key alive in a
            # stale slot until new entries overwrite it (an in-place
            # compaction moves live entries down without clearing the keys
            # left behind), and that key would stay in self.real for ever.
            self.model = dict(self.model)
            settle(lambda: len(self.real) == len(self.model))
        assert len(self.real) == len(self.model)
        assert self.same(self.real, self.model)


class WeakValueDictionaryMachine(ContainerMachine):
    kind = "WeakValueDictionary"

    def new_entry(self, choice):
        self.counter += 1
        return "key%d" % self.counter, Obj(choice)

    def entries(self):
        return sorted(self.model)

    def rule_kill(self, choice):
        if self.model:
            key = self.entries()[self.pick(self.model, choice)]
            value = self.model.pop(key)
            # Another key sharing the value keeps it alive: drop those too.
            for other in [k for k, v in self.model.items() if v is value]:
                del self.model[other]
            del value
            self.killed = True

    def rule_share_a_value(self, choice):
        if self.model:
            value = self.model[self.entries()[self.pick(self.model, choice)]]
            key = self.new_entry(choice)[0]
            self.real[key] = value
            self.model[key] = value


class WeakKeyDictionaryMachine(ContainerMachine):
    kind = "WeakKeyDictionary"

    def new_entry(self, choice):
        self.counter += 1
        return Obj(self.counter), choice


class WeakSetMachine(ContainerMachine):
    """The model maps each member to None."""

    kind = "WeakSet"

    def new_entry(self, choice):
        self.counter += 1
        return Obj(self.counter), None

    def put(self, container, key, value):
        container.add(key)

    def contents(self, container):
        return dict.fromkeys(container)

    def rule_delete(self, choice):
        if self.model:
            key = self.entries()[self.pick(self.model, choice)]
            self.real.remove(key)
            del self.model[key]

    def rule_pop(self, choice):
        if self.model:
            member = self.real.pop()
            assert member in self.model
            del self.model[member]

    def rule_lookup(self, choice):
        if self.model:
            assert self.entries()[self.pick(self.model, choice)] in self.real
        assert self.new_entry(choice)[0] not in self.real

    def rule_union(self, choice):
        member = self.new_entry(choice)[0]
        union = self.real | set([member])
        assert type(union) is type(self.real)
        assert sorted(map(id, union)) == sorted(
            list(map(id, self.model)) + [id(member)])
        self.real |= set([member])
        self.model[member] = None


class Recorder(object):
    """A callback counting its calls (a class: a Jython closure would keep
    its defining frame, objects included, alive)."""

    def __init__(self):
        self.calls = 0

    def __call__(self, *args):
        self.calls += 1
        return self.calls


class Target(object):
    def method(self):
        return self


class FinalizeMachine(Machine):
    """finalize: create, detach, call, kill and atexit toggles against a
    model of which finalizer is alive and how often each callback ran."""

    def __init__(self):
        self.objects = []        # live objects (the model's strong refs)
        self.finalizers = []     # [finalizer, recorder, object index or None,
                                 #  expected alive, expected atexit, calls]

    def rule_create(self, choice):
        if not self.objects or choice % 3 == 0:
            self.objects.append(Target())
        index = self.pick(self.objects, choice)
        recorder = Recorder()
        finalizer = weakref.finalize(self.objects[index], recorder, choice)
        self.finalizers.append([finalizer, recorder, self.objects[index],
                                True, True, 0])

    def pick_alive(self, choice):
        alive = [entry for entry in self.finalizers if entry[3]]
        return alive[choice % len(alive)] if alive else None

    def rule_detach(self, choice):
        entry = self.pick_alive(choice)
        if entry:
            detached = entry[0].detach()
            assert detached[0] is entry[2] and detached[1] is entry[1]
            entry[3] = entry[4] = False
        else:
            assert all(e[0].detach() is None for e in self.finalizers)

    def rule_call(self, choice):
        entry = self.pick_alive(choice)
        if entry:
            assert entry[0]() == 1
            entry[3] = entry[4] = False
            entry[5] = 1
        for other in self.finalizers:
            if not other[3]:
                assert other[0]() is None

    def rule_toggle_atexit(self, choice):
        if self.finalizers:
            entry = self.finalizers[self.pick(self.finalizers, choice)]
            entry[0].atexit = not entry[4]
            if entry[3]:
                entry[4] = not entry[4]

    def rule_kill(self, choice):
        if self.objects:
            victim = self.objects.pop(self.pick(self.objects, choice))
            for entry in self.finalizers:
                if entry[2] is victim:
                    entry[2] = None
                    if entry[3]:
                        entry[3] = entry[4] = False
                        entry[5] = 1
            del victim
            self.killed = True

    def check(self):
        STEPS_RUN[type(self).__name__] += 1
        if self.killed:
            self.killed = False
            settle(lambda: all(e[1].calls == e[5]
                                      for e in self.finalizers))
        for finalizer, recorder, obj, alive, atexit, calls in \
                self.finalizers:
            assert finalizer.alive == alive
            assert finalizer.atexit == atexit
            assert recorder.calls == calls
            peeked = finalizer.peek()
            assert (peeked is not None) == alive
            if alive:
                assert peeked[0] is obj


class WeakMethodMachine(Machine):
    """WeakMethod: made of live or dying instances and functions; ``()``
    rebuilds the bound method while both live, the callback runs once when
    either dies, == and hash follow CPython's."""

    def __init__(self):
        self.instances = []    # [instance, its own class]
        self.methods = []      # [weak method, recorder, instance or None]

    def rule_create(self, choice):
        if not self.instances or choice % 3 == 0:
            # A class per instance, so that deleting the function kills
            # only this instance's method.
            cls = type("Owner", (Target,), {"method": make_function()})
            self.instances.append(cls())
        instance = self.instances[self.pick(self.instances, choice)]
        recorder = Recorder()
        method = weakref.WeakMethod(instance.method, recorder)
        self.methods.append([method, recorder, instance])

    def rule_kill_instance(self, choice):
        if self.instances:
            victim = self.instances.pop(self.pick(self.instances, choice))
            self.forget(victim)
            del victim
            self.killed = True

    def rule_kill_function(self, choice):
        # PyPy's method cache holds what a class attribute lookup found,
        # strongly, until that slot of the cache is reused: a function
        # deleted from its class may outlive any bounded wait there.
        if self.instances and not PYPY:
            victim = self.instances[self.pick(self.instances, choice)]
            if "method" in type(victim).__dict__:
                del type(victim).method
                self.forget(victim)
                self.killed = True

    def forget(self, victim):
        for entry in self.methods:
            if entry[2] is victim:
                entry[2] = None

    def rule_compare(self, choice):
        if len(self.methods) > 1:
            first = self.methods[self.pick(self.methods, choice)]
            second = self.methods[self.pick(self.methods, choice // 7)]
            same = (first is second or first[2] is not None
                    and first[2] is second[2])
            assert (first[0] == second[0]) == same
            assert (first[0] != second[0]) == (not same)
            if same and first[2] is not None:
                assert hash(first[0]) == hash(second[0])

    def check(self):
        STEPS_RUN[type(self).__name__] += 1
        if self.killed:
            self.killed = False
            settle(lambda: all(
                (entry[2] is None) == (entry[1].calls == 1)
                for entry in self.methods))
        for method, recorder, instance in self.methods:
            assert recorder.calls == (0 if instance is not None else 1)
            if instance is None:
                assert method() is None
            else:
                assert method() == instance.method


def make_function():
    def method(self):
        return self
    return method


MACHINES = [WeakValueDictionaryMachine, WeakKeyDictionaryMachine,
            WeakSetMachine, FinalizeMachine, WeakMethodMachine]
# The containers' models iterate while they mutate: on the stdlib leg, where
# the interpreter's own containers lack snapshot iteration, random steps may
# (or may not) run into that.
MACHINE_PARAMS = [
    pytest.param(cls, id=cls.__name__, marks=[newest_behaviour(
        "NATIVE_CONTAINERS_ITERATE_SNAPSHOTS", strict=False)]
        if cls in MACHINES[:3] else [])
    for cls in MACHINES]


# Steps checked by the seeded runs, per leg and machine.
SEEDED_STEPS_RUN = collections.defaultdict(int)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("machine_class", MACHINE_PARAMS)
def test_seeded_random_steps(machine_class, seed, containers,
                             record_property):
    name = machine_class.__name__
    before = STEPS_RUN[name]
    run_seeded(machine_class, seed, STEPS)
    SEEDED_STEPS_RUN[containers, name] += STEPS_RUN[name] - before
    if seed == SEEDS[-1]:
        record_property("load", "model %s, seeded: %d steps checked"
                        % (name, SEEDED_STEPS_RUN[containers, name]))


@pytest.mark.skipif(RuleBasedStateMachine is None,
                    reason="hypothesis is not installed")
@pytest.mark.parametrize("machine_class", MACHINE_PARAMS)
def test_hypothesis_stateful(machine_class, record_property):
    name = machine_class.__name__
    before = STEPS_RUN[name]
    run_hypothesis(machine_class, 20, 30)
    record_property("load", "model %s, hypothesis: %d steps checked"
                    % (name, STEPS_RUN[name] - before))


@pytest.mark.parametrize("machine_class", [WeakKeyDictionaryMachine,
                                           WeakSetMachine])
def test_a_killed_key_dies_after_the_model_dict_compacted(machine_class):
    # The steps after which PyPy's model dict, compacting itself in place,
    # kept a killed key alive in a stale slot, so the real container rightly
    # kept its entry and check() waited in vain (1 run in 3 of the suite).
    machine = machine_class()

    def index_of(value):
        return [key.value for key in machine.entries()].index(value)

    for _ in range(8):
        machine.rule_insert(0)                  # keys Obj(1) .. Obj(8)
        machine.check()
    for value in range(1, 6):
        machine.rule_delete(index_of(value))
        machine.check()
    machine.rule_insert(0)                      # Obj(9): the compaction
    machine.check()
    machine.rule_kill(index_of(6))              # a key the compaction moved
    machine.check()
    assert len(machine.real) == len(machine.model) == 3
