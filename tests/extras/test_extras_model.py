"""Model-based tests of the extras' containers and cache: random operations
on the real object and on a plain-Python model of it, compared after every
step (tests/models.py drives them).
"""
from __future__ import absolute_import

import collections

import pytest

from backports.weakref import extras
from backports.weakref.extras import (OrderedWeakSet, WeakIdentitySet,
                                      WeakList, weak_lru_cache)
from containers_impl import Obj
from models import (SEEDS, Machine, RuleBasedStateMachine, run_hypothesis,
                    run_seeded)

STEPS = 80


class Twin(object):
    """Unhashable and equal to every other Twin: only identity tells two
    apart, as with arrays or eq=True dataclasses."""

    __hash__ = None

    def __eq__(self, other):
        return isinstance(other, Twin)

    def __ne__(self, other):
        return not self == other


class IdentityDictMachine(Machine):
    # By name, found at run time: the class of the core the test runs on.
    container_name = "WeakIdentityKeyDictionary"

    def __init__(self):
        self.real = getattr(extras, self.container_name)()
        self.keys = []
        self.values = []

    def new_value(self, choice):
        return choice

    def rule_set_new(self, choice):
        key = Twin()
        value = self.new_value(choice)
        self.real[key] = value
        self.keys.append(key)
        self.values.append(value)

    def rule_set_existing(self, choice):
        if self.keys:
            index = self.pick(self.keys, choice)
            value = self.new_value(choice)
            self.real[self.keys[index]] = value
            self.values[index] = value

    def rule_delete(self, choice):
        if self.keys:
            index = self.pick(self.keys, choice)
            del self.real[self.keys[index]]
            del self.keys[index]
            del self.values[index]

    def rule_pop(self, choice):
        if self.keys:
            index = self.pick(self.keys, choice)
            assert self.real.pop(self.keys[index]) is self.values[index]
            del self.keys[index]
            del self.values[index]

    def rule_setdefault(self, choice):
        if self.keys:
            index = self.pick(self.keys, choice)
            assert self.real.setdefault(self.keys[index], -1) is \
                self.values[index]

    def rule_kill(self, choice):
        if self.keys:
            index = self.pick(self.keys, choice)
            del self.keys[index]
            del self.values[index]
            self.killed = True

    def rule_stranger_is_absent(self, choice):
        stranger = Twin()
        assert stranger not in self.real
        assert self.real.get(stranger, choice) == choice

    def check(self):
        self.settle(lambda: len(self.real), lambda: len(self.keys))
        for index in range(len(self.keys)):
            assert self.real[self.keys[index]] is self.values[index]
        assert sorted(map(id, self.real)) == sorted(map(id, self.keys))


class IdentityKeyValueMachine(IdentityDictMachine):
    """Keys and values both weak; some values shared between entries."""

    container_name = "WeakIdentityKeyValueDictionary"

    def new_value(self, choice):
        return Obj(choice)

    def rule_share_a_value(self, choice):
        if self.keys:
            index = self.pick(self.keys, choice)
            source = self.pick(self.keys, choice // 7)
            self.real[self.keys[index]] = self.values[source]
            self.values[index] = self.values[source]

    def rule_kill_value(self, choice):
        if self.keys:
            doomed = self.values[self.pick(self.keys, choice)]
            for index in reversed(range(len(self.keys))):
                if self.values[index] is doomed:
                    del self.keys[index]
                    del self.values[index]
            del doomed
            self.killed = True


class SetMachine(Machine):
    """What the set machines share: ``members`` is the model."""

    def rule_kill(self, choice):
        if self.members:
            del self.members[self.pick(self.members, choice)]
            self.killed = True


class IdentitySetMachine(SetMachine):
    def __init__(self):
        self.real = WeakIdentitySet()
        self.members = []

    def rule_add_new(self, choice):
        member = Twin()
        self.real.add(member)
        self.members.append(member)

    def rule_add_again(self, choice):
        if self.members:
            self.real.add(self.members[self.pick(self.members, choice)])

    def rule_discard(self, choice):
        if self.members:
            index = self.pick(self.members, choice)
            self.real.discard(self.members[index])
            del self.members[index]

    def check(self):
        self.settle(lambda: len(self.real), lambda: len(self.members))
        assert sorted(map(id, self.real)) == sorted(map(id, self.members))
        assert Twin() not in self.real


class OrderedWeakSetMachine(SetMachine):
    """Members equal by value (0-19), kept in first-insertion order."""

    def __init__(self):
        self.real = OrderedWeakSet()
        self.members = []

    def _index_of(self, value):
        for index in range(len(self.members)):
            if self.members[index].value == value:
                return index
        return None

    def rule_add(self, choice):
        candidate = Obj(choice % 20)
        self.real.add(candidate)
        if self._index_of(candidate.value) is None:
            self.members.append(candidate)

    def rule_discard(self, choice):
        self.real.discard(Obj(choice % 20))
        index = self._index_of(choice % 20)
        if index is not None:
            del self.members[index]

    def rule_pop(self, choice):
        if self.members:
            last = choice % 2 == 0
            popped = self.real.pop(last=last)
            assert popped is self.members.pop(-1 if last else 0)

    def check(self):
        self.settle(lambda: len(self.real), lambda: len(self.members))
        assert [member.value for member in self.real] == \
            [member.value for member in self.members]


class WeakListMachine(Machine):
    """A WeakList against a list; an object may sit at several positions
    and, when killed, leaves all of them."""

    def __init__(self):
        self.real = WeakList()
        self.model = []

    def _index(self, choice):
        # Out of range now and then, to compare the errors too.
        return choice % (2 * len(self.model) + 3) - len(self.model) - 1

    def _both(self, operation):
        """Apply *operation* to both; they must raise the same or neither."""
        outcomes = []
        for target in (self.real, self.model):
            try:
                outcomes.append(("ok", operation(target)))
            except (IndexError, ValueError) as error:
                outcomes.append((type(error), None))
        real, model = outcomes
        assert real[0] == model[0]
        assert real[1] is model[1]

    def rule_append_new(self, choice):
        item = Obj(choice)
        self._both(lambda seq: seq.append(item))

    def rule_append_existing(self, choice):
        if self.model:
            item = self.model[self.pick(self.model, choice)]
            self._both(lambda seq: seq.append(item))

    def rule_insert(self, choice):
        item = Obj(choice)
        index = self._index(choice)
        self._both(lambda seq: seq.insert(index, item))

    def rule_set_item(self, choice):
        item = Obj(choice)
        index = self._index(choice)
        self._both(lambda seq: seq.__setitem__(index, item))

    def rule_set_slice(self, choice):
        items = [Obj(choice), Obj(choice + 1)]
        start = self._index(choice)
        self._both(lambda seq: seq.__setitem__(slice(start, start + 3),
                                               items))

    def rule_delete(self, choice):
        index = self._index(choice)
        self._both(lambda seq: seq.__delitem__(index))

    def rule_delete_slice(self, choice):
        start = self._index(choice)
        self._both(lambda seq: seq.__delitem__(slice(start, None, 2)))

    def rule_pop(self, choice):
        index = self._index(choice)
        self._both(lambda seq: seq.pop(index))

    def rule_remove(self, choice):
        item = Obj(choice % 50)   # by ==, as list.remove
        self._both(lambda seq: seq.remove(item))

    def rule_reverse(self, choice):
        self._both(lambda seq: seq.reverse())

    def rule_sort(self, choice):
        descending = choice % 2 == 1
        self._both(lambda seq: seq.sort(key=lambda item: item.value % 7,
                                        reverse=descending))

    def rule_kill(self, choice):
        if self.model:
            doomed = self.model[self.pick(self.model, choice)]
            self.model[:] = [item for item in self.model
                             if item is not doomed]
            del doomed
            self.killed = True

    def check(self):
        self.settle(lambda: len(self.real), lambda: len(self.model))
        assert [id(item) for item in self.real] == \
            [id(item) for item in self.model]
        for index in range(len(self.model)):
            assert self.real[index] is self.model[index]


def cached_class():
    """A class of unhashable instances with a small weak_lru_cache: made
    anew for each machine, so that its cache starts empty and is the one
    of the core the test runs on."""
    class Cached(object):
        __hash__ = None

        @weak_lru_cache(maxsize=5)
        def square(self, value):
            return value * value
    return Cached


class CacheMachine(Machine):
    """weak_lru_cache against an OrderedDict LRU keyed by (instance number,
    argument), whose entries leave with their instance."""

    def __init__(self):
        self.cached = cached_class()
        self.instances = []       # the live instances
        self.numbers = []         # and their numbers, for the model's keys
        self.count = 0
        self.model = collections.OrderedDict()
        self.hits = self.misses = 0

    def rule_new_instance(self, choice):
        self.instances.append(self.cached())
        self.numbers.append(self.count)
        self.count += 1

    def rule_call(self, choice):
        if self.instances:
            index = self.pick(self.instances, choice)
            argument = choice % 4
            key = (self.numbers[index], argument)
            if key in self.model:
                self.hits += 1
                self.model[key] = self.model.pop(key)
            else:
                self.misses += 1
                self.model[key] = argument * argument
                while len(self.model) > 5:
                    self.model.popitem(last=False)
            assert self.instances[index].square(argument) == argument ** 2

    def rule_kill(self, choice):
        if self.instances:
            index = self.pick(self.instances, choice)
            number = self.numbers[index]
            del self.instances[index]
            del self.numbers[index]
            for key in list(self.model):
                if key[0] == number:
                    del self.model[key]
            self.killed = True

    def rule_clear(self, choice):
        if choice % 10 == 0:
            self.cached.square.cache_clear()
            self.model.clear()
            self.hits = self.misses = 0

    def check(self):
        self.settle(lambda: self.cached.square.cache_info().currsize,
                    lambda: len(self.model))
        info = self.cached.square.cache_info()
        assert (info.hits, info.misses) == (self.hits, self.misses)


MACHINES = [IdentityDictMachine, IdentityKeyValueMachine, IdentitySetMachine,
            OrderedWeakSetMachine, WeakListMachine, CacheMachine]


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("machine_class", MACHINES,
                         ids=[cls.__name__ for cls in MACHINES])
def test_seeded_random_steps(machine_class, seed):
    run_seeded(machine_class, seed, STEPS)


@pytest.mark.skipif(RuleBasedStateMachine is None,
                    reason="hypothesis is not installed")
@pytest.mark.parametrize("machine_class", MACHINES,
                         ids=[cls.__name__ for cls in MACHINES])
def test_hypothesis_stateful(machine_class):
    run_hypothesis(machine_class, 25, 40)
