"""setdefault() inserts once (issue 22): threads racing on the same keys of a
weak dict all get back the one value stored first, and the dict holds it.

Run on each core, and on the interpreter's own weak dicts where the gates
may pick them (an expected failure there wherever they lack it). The
rounds follow BACKPORTS_WEAKREF_RACE_ROUNDS; each prints its count of
rounds and of keys that ended with two values (run pytest with -s).
"""
from __future__ import absolute_import

import pytest

from containers_impl import Obj, newest_behaviour, weakref, weakrefable
from support import RACE_ROUNDS, collect_until, race_rounds

RACERS = 16
KEYS = 3


def _count_duplicates(results, stored):
    """How many (round, key) pairs saw more than one object come back, or
    one that is not what the dict holds; *stored(round, key)* reads it."""
    duplicates = 0
    for number, per_thread in enumerate(results):
        for key in range(KEYS):
            got = set(id(pairs[key][1]) for pairs in per_thread)
            offered = set(id(pairs[key][0]) for pairs in per_thread)
            if len(got) != 1 or not got <= offered or \
                    got != set([id(stored(number, key))]):
                duplicates += 1
    return duplicates


def _report(kind, duplicates):
    print("\ninsert-once %s.setdefault: %d rounds x %d keys x %d threads, "
          "%d duplicates" % (kind, RACE_ROUNDS, KEYS, RACERS, duplicates))


def _in_rotated_order(thread, call):
    """Each thread calls ``call(key)`` for every key, starting at its own
    one: some threads meet on every key first, others last. Returns the
    list of ``call(key)`` in key order."""
    done = [None] * KEYS
    for step in range(KEYS):
        key = (thread + step) % KEYS
        done[key] = call(key)
    return done


@newest_behaviour("NATIVE_WEAKVALUEDICT_SETDEFAULT_INSERTS_ONCE",
                  strict=False)
def test_racing_weak_value_setdefault_stores_one_value_per_key():
    d = weakref.WeakValueDictionary()
    # Key 0 of every round starts with a dead entry, which setdefault must
    # replace once, however many threads find it dead.
    doomed = [Obj(number) for number in range(RACE_ROUNDS)]
    for number in range(RACE_ROUNDS):
        d.data[(number, 0)] = weakref.KeyedRef(doomed[number], None,
                                               (number, 0))
    probe = weakref.ref(doomed[-1])
    del doomed[:]
    collect_until(lambda: probe() is None)

    def body(number, thread):
        def offer(key):
            mine = Obj(key)
            return mine, d.setdefault((number, key), mine)
        return _in_rotated_order(thread, offer)

    results = race_rounds(RACERS, RACE_ROUNDS, body)
    duplicates = _count_duplicates(results,
                                   lambda number, key: d[(number, key)])
    _report("WeakValueDictionary", duplicates)
    assert duplicates == 0


@newest_behaviour("NATIVE_WEAKKEYDICT_SETDEFAULT_INSERTS_ONCE", strict=False)
def test_racing_weak_key_setdefault_stores_one_value_per_key():
    d = weakref.WeakKeyDictionary()
    keys = [[Obj((number, key)) for key in range(KEYS)]
            for number in range(RACE_ROUNDS)]

    def body(number, thread):
        def offer(key):
            mine = Obj(key)
            return mine, d.setdefault(keys[number][key], mine)
        return _in_rotated_order(thread, offer)

    results = race_rounds(RACERS, RACE_ROUNDS, body)
    duplicates = _count_duplicates(results,
                                   lambda number, key: d[keys[number][key]])
    _report("WeakKeyDictionary", duplicates)
    assert duplicates == 0


@pytest.mark.parametrize("default_is_referenceable", [True, False])
def test_setdefault_of_a_live_key_ignores_the_default(
        default_is_referenceable):
    # As the stdlib: the default is weakly referenced only when it is
    # stored, so a live entry comes back even for a default such as None.
    d = weakref.WeakValueDictionary()
    live = Obj(1)
    d[1] = live
    default = Obj(2) if default_is_referenceable else None
    assert d.setdefault(1, default) is live
    assert d[1] is live
    if not weakrefable(None):       # (Jython refers to None weakly)
        with pytest.raises(TypeError):
            d.setdefault(2)
        assert 2 not in d.data
