"""The state of an object beyond its ``__dict__``: what a copy or a pickle
of one of our classes, or of a subclass with ``__slots__``, must carry.

The one rule of the three weak containers: a pickle (and ``copy.copy`` of a
WeakSet, which goes through pickling's protocol) carries the live entries,
their objects by value, and the instance's own attributes; never the
underlying ``data`` nor its ``_remove`` callback, which belong to one
container and are made afresh by the class's constructor. A referent loaded
from a pickle stays alive, and its entry with it, as far as something else
loaded from the same pickle holds it strongly."""
from __future__ import absolute_import


def slot_names(cls):
    """Names of the __slots__ of *cls* and its bases, mangled as stored."""
    names = []
    for klass in cls.__mro__:
        slots = klass.__dict__.get("__slots__", ())
        if isinstance(slots, str):
            slots = (slots,)
        for name in slots:
            if name in ("__dict__", "__weakref__"):
                continue
            if name.startswith("__") and not name.endswith("__"):
                name = "_%s%s" % (klass.__name__.lstrip("_"), name)
            names.append(name)
    return names


def set_state(obj, state):
    """Give *obj* the *state* that ``__getstate__`` returned, as copy does."""
    setstate = getattr(obj, "__setstate__", None)
    if setstate is not None:
        setstate(state)
    else:
        apply_state(obj, state)


def apply_state(obj, state):
    """What copy and pickle do with a state when the class has no
    ``__setstate__``: *state* is ``dict or None`` or ``(dict or None,
    slots)``."""
    slot_state = None
    if isinstance(state, tuple) and len(state) == 2:
        state, slot_state = state
    if state:
        obj.__dict__.update(state)
    if slot_state:
        for name, value in slot_state.items():
            setattr(obj, name, value)


# The core's slots (either core's) that every container makes for itself.
_ENTRY_STATE = ("data", "_remove")


def state_without_entries(obj):
    """``__getstate__`` of the weak containers: what the instance carries
    besides its entries, ``(dict or None, slots)`` or ``dict or None`` as
    ``copy`` and ``pickle`` expect. CPython's would copy ``data`` and
    ``_remove`` too, so that a copy shares the original's entries
    (gh-74876): they are left out, whether the core's slots or a subclass's
    own attributes of those names."""
    state = dict(getattr(obj, "__dict__", ()))
    for name in _ENTRY_STATE:
        state.pop(name, None)
    slots = {}
    for name in slot_names(type(obj)):
        if name in _ENTRY_STATE:
            continue
        try:
            slots[name] = getattr(obj, name)
        except AttributeError:
            pass
    if slots:
        return state or None, slots
    return state or None
