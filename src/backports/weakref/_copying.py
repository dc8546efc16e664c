"""The state of an object beyond its ``__dict__``: what a copy or a pickle
of one of our classes, or of a subclass with ``__slots__``, must carry."""
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
        return
    slot_state = None
    if isinstance(state, tuple) and len(state) == 2:
        state, slot_state = state
    if state:
        obj.__dict__.update(state)
    if slot_state:
        for name, value in slot_state.items():
            setattr(obj, name, value)
