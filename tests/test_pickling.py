"""Pickling and copying the three weak containers, by one rule
(``backports/weakref/_copying.py``, the API page): what goes into a pickle
is the live entries, their objects by value, and the instance's own
attributes, never the underlying ``data`` or its callback. A loaded
container is a fresh one of the same class; an entry's weakly held object
stays alive after loading as far as the same pickle holds it strongly.

Every serialiser users pair weak containers with: pickle at each protocol,
``copy.copy``, ``copy.deepcopy``, dill and cloudpickle (where they install:
the matrix installs them wherever they import), on both cores. Of the
interpreters' own containers only Jython's pickle; the gates' flags for
that are checked on the stdlib leg by test_containers_fixes.py.
"""
from __future__ import absolute_import

import copy
import pickle

import pytest

import cores
from backports import weakref
from containers_impl import ALL_CONTAINERS, Obj
from support import collect_until


def _optional(name):
    """The serialiser module *name*, or None where it did not install or
    does not import on this interpreter (dill and cloudpickle reach into
    the interpreter's internals: a release may fail on one it predates)."""
    try:
        return __import__(name)
    except Exception:   # noqa: B902 (any failure means: not here)
        return None


dill = _optional("dill")
if dill is not None and hasattr(dill, "extend"):
    # On Python 2, importing dill adds its savers to pickle's own Pickler:
    # the plain pickle tests (and every other module's) must not lean on
    # them. dill.dumps keeps its own.
    dill.extend(False)
cloudpickle = _optional("cloudpickle")


def _through_pickle(protocol):
    return lambda payload: pickle.loads(pickle.dumps(payload, protocol))


# Each way to duplicate an object graph, by name: a function of the
# payload, or None where the serialiser is missing here.
ROUND_TRIPS = dict(
    ("pickle%d" % protocol, _through_pickle(protocol))
    for protocol in range(pickle.HIGHEST_PROTOCOL + 1))
ROUND_TRIPS.update({
    "deepcopy": copy.deepcopy,
    "dill": dill and (lambda payload: dill.loads(dill.dumps(payload))),
    # cloudpickle writes ordinary pickles: pickle itself loads them.
    "cloudpickle": cloudpickle and (
        lambda payload: pickle.loads(cloudpickle.dumps(payload))),
})
# Those that duplicate the weakly held objects too (copy.copy and deepcopy
# keep them: a copy of one would have no other reference and die at once).
BY_VALUE = sorted(name for name in ROUND_TRIPS if name != "deepcopy")


def round_trip(name, payload):
    through = ROUND_TRIPS[name]
    if through is None:
        pytest.skip("%s did not install or import on this interpreter"
                    % name)
    return through(payload)


def filled(kind, objs):
    """A container of *kind* (the leg's class) holding *objs*, each with a
    value (key -> its number, or number -> it) where it is a dict."""
    cls = getattr(weakref, kind)
    if kind == "WeakSet":
        return cls(objs)
    if kind == "WeakKeyDictionary":
        return cls((obj, obj.value) for obj in objs)
    return cls((obj.value, obj) for obj in objs)


def held(container):
    """The weakly held objects of *container*, sorted."""
    if isinstance(container, weakref.WeakValueDictionary):
        return sorted(container.values())
    return sorted(container)


def assert_alive_and_fresh(container, objs):
    """*container* is a working one of its own: it holds *objs* (and, in a
    dict, their numbers), drops an entry when its object dies, and takes
    new ones."""
    assert held(container) == sorted(objs)
    if isinstance(container, weakref.WeakKeyDictionary):
        assert all(container[obj] == obj.value for obj in objs)
    if isinstance(container, weakref.WeakValueDictionary):
        assert all(container[obj.value] is obj for obj in objs)
    newcomer = Obj(99)
    if isinstance(container, weakref.WeakSet):
        container.add(newcomer)
    elif isinstance(container, weakref.WeakKeyDictionary):
        container[newcomer] = 99
    else:
        container[99] = newcomer
    assert len(container) == len(objs) + 1
    del newcomer
    collect_until(lambda: len(container) == len(objs))


@pytest.fixture
def subclasses():
    """A subclass of each container, made from the leg's classes and
    published as a global of this module (where pickle finds a class): a
    slot in one class, a __dict__ in the class under it (Jython hides a
    __dict__ named in __slots__ below a class with slots)."""
    made = {}
    for kind in ALL_CONTAINERS:
        name = "Pickled" + kind
        slotted = type(name + "Slots", (getattr(weakref, kind),),
                       {"__slots__": ("tag",), "__module__": __name__})
        made[kind] = type(name, (slotted,), {"__module__": __name__})
        globals()[name] = made[kind]
    yield made
    for cls in made.values():
        del globals()[cls.__name__]


@pytest.mark.parametrize("name", sorted(ROUND_TRIPS))
@pytest.mark.parametrize("kind", ALL_CONTAINERS)
def test_an_empty_container_comes_back_working(kind, name):
    original = getattr(weakref, kind)()
    loaded = round_trip(name, original)
    assert type(loaded) is type(original) and len(loaded) == 0
    assert loaded.data is not original.data
    assert_alive_and_fresh(loaded, [])
    assert len(original) == 0


@pytest.mark.parametrize("name", BY_VALUE)
@pytest.mark.parametrize("referents_first", [True, False],
                         ids=["referents_first", "container_first"])
@pytest.mark.parametrize("kind", ALL_CONTAINERS)
def test_a_container_pickled_with_its_referents_keeps_them(kind,
                                                           referents_first,
                                                           name):
    objs = [Obj(1), Obj(2)]
    container = filled(kind, objs)
    loaded = _load_with_referents(name, container, objs, referents_first)
    # Each entry was the loaded object itself, and goes when it dies.
    collect_until(lambda: len(loaded) == 0)
    assert held(container) == sorted(objs)


def _load_with_referents(name, container, objs, referents_first):
    """The container loaded from one pickle with *objs*, checked while the
    loaded objects live, and returned once they are dropped. In a frame of
    its own: on Jython a slot of the JVM's frame may keep what a statement
    computed alive after it."""
    if referents_first:
        loaded_objs, loaded = round_trip(name, (objs, container))
    else:
        loaded, loaded_objs = round_trip(name, (container, objs))
    assert loaded_objs == objs and loaded_objs[0] is not objs[0]
    assert_alive_and_fresh(loaded, loaded_objs)
    assert all(any(obj is member for member in held(loaded))
               for obj in loaded_objs)
    return loaded


@pytest.mark.parametrize("name", BY_VALUE)
@pytest.mark.parametrize("kind", ALL_CONTAINERS)
def test_entries_nothing_else_loaded_holds_die_after_loading(kind, name):
    objs = [Obj(1), Obj(2)]
    loaded = round_trip(name, filled(kind, objs))
    collect_until(lambda: len(loaded) == 0)
    assert type(loaded) is getattr(weakref, kind)


@pytest.mark.parametrize("name", BY_VALUE)
@pytest.mark.parametrize("kind", ALL_CONTAINERS)
def test_a_referent_that_holds_its_container_loads_once(kind, name):
    obj = Obj(1)
    container = filled(kind, [obj])
    obj.container = container
    loaded_container, loaded = round_trip(name, (container, obj))
    assert loaded.container is loaded_container
    assert held(loaded_container) == [obj]
    assert held(loaded_container)[0] is loaded


@pytest.mark.parametrize("name", sorted(ROUND_TRIPS) + ["copy"])
@pytest.mark.parametrize("kind", ALL_CONTAINERS)
def test_a_subclass_keeps_its_class_and_its_state(kind, name, subclasses):
    objs = [Obj(1), Obj(2)]
    container = subclasses[kind]()
    container.update(filled(kind, objs))
    container.tag = ["slot"]
    container.note = ["dict"]
    if name == "copy":
        if kind != "WeakSet":
            pytest.skip("copy.copy() of a weak dict makes the plain class, "
                        "as CPython's copy() does")
        loaded, loaded_objs = copy.copy(container), objs
    elif name == "deepcopy":
        loaded, loaded_objs = copy.deepcopy(container), objs
        assert loaded.tag is not container.tag
    else:
        loaded_objs, loaded = round_trip(name, (objs, container))
    assert type(loaded) is subclasses[kind]
    assert (loaded.tag, loaded.note) == (["slot"], ["dict"])
    assert loaded.data is not container.data
    assert "data" not in vars(loaded) and "_remove" not in vars(loaded)
    assert_alive_and_fresh(loaded, loaded_objs)
    assert held(container) == sorted(objs)


@pytest.mark.parametrize("kind", ["WeakKeyDictionary",
                                  "WeakValueDictionary"])
def test_copy_of_a_weak_dict_is_a_plain_independent_one(kind, subclasses):
    objs = [Obj(1), Obj(2)]
    container = subclasses[kind]()
    container.update(filled(kind, objs))
    duplicate = copy.copy(container)
    assert type(duplicate) is getattr(weakref, kind)
    assert duplicate.data is not container.data
    assert_alive_and_fresh(duplicate, objs)
    assert held(container) == sorted(objs)



@pytest.mark.skipif(len(cores.CORES) < 2,
                    reason="one core here: the pure twin")
@pytest.mark.parametrize("kind", ALL_CONTAINERS)
def test_a_pickle_made_on_one_core_loads_on_the_other(kind, containers):
    # A pickle names the public class, whichever core made it.
    objs = [Obj(1), Obj(2)]
    data = pickle.dumps((objs, filled(kind, objs)))
    other = [core for core in cores.CORES if core != containers][0]
    with cores.active(other):
        loaded_objs, loaded = pickle.loads(data)
    assert type(loaded) is getattr(cores.package(other), kind)
    if kind == "WeakValueDictionary":
        weakly_held = [loaded[obj.value] for obj in loaded_objs]
    elif kind == "WeakKeyDictionary":
        weakly_held = [obj for obj in loaded_objs if loaded[obj] == obj.value]
    else:
        weakly_held = [obj for obj in loaded_objs if obj in loaded]
    assert weakly_held == loaded_objs and len(loaded) == 2
