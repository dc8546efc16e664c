"""What interpreters before 3.9 need to make ``Class[T]`` work as 3.9+'s
``types.GenericAlias`` does (bpo-39481): imported only where
``HAS_GENERIC_ALIAS`` is false."""
from __future__ import absolute_import

from . import HAS_CLASS_GETITEM


class GenericAlias(object):
    """``Class[T]``: records its origin and arguments; calling it makes an
    instance of the origin, as ``types.GenericAlias`` does."""

    def __init__(self, origin, args):
        if not isinstance(args, tuple):
            args = (args,)
        self.__origin__ = origin
        self.__args__ = args
        self.__parameters__ = ()

    def __call__(self, *args, **kwargs):
        result = self.__origin__(*args, **kwargs)
        try:
            result.__orig_class__ = self
        except (AttributeError, TypeError):  # best effort, as GenericAlias
            pass
        return result

    def __mro_entries__(self, bases):
        return (self.__origin__,)

    def __getattr__(self, name):
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)
        return getattr(self.__origin__, name)

    def __eq__(self, other):
        if not isinstance(other, GenericAlias):
            return NotImplemented
        return (self.__origin__ is other.__origin__
                and self.__args__ == other.__args__)

    def __ne__(self, other):
        equal = self.__eq__(other)
        return equal if equal is NotImplemented else not equal

    def __hash__(self):
        return hash(self.__origin__) ^ hash(self.__args__)

    def __instancecheck__(self, obj):
        raise TypeError("isinstance() argument 2 cannot be a "
                        "parameterized generic")

    def __subclasscheck__(self, cls):
        raise TypeError("issubclass() argument 2 cannot be a "
                        "parameterized generic")

    def __reduce__(self):
        import operator
        return operator.getitem, (self.__origin__, self.__args__)

    def __repr__(self):
        if not self.__args__:
            return "%s[()]" % _type_repr(self.__origin__)
        return "%s[%s]" % (_type_repr(self.__origin__),
                           ", ".join(_type_repr(arg) for arg in self.__args__))


def _type_repr(obj):
    if obj is Ellipsis:
        return "..."
    if isinstance(obj, type):
        name = getattr(obj, "__qualname__", obj.__name__)
        if obj.__module__ in ("builtins", "__builtin__"):
            return name
        return "%s.%s" % (obj.__module__, name)
    return repr(obj)


if HAS_CLASS_GETITEM:
    def subscriptable(cls):
        """Class decorator: ``cls[T]`` gives a GenericAlias (PEP 560)."""
        cls.__class_getitem__ = classmethod(GenericAlias)
        return cls
else:
    # Before PEP 560 only a metaclass can make a class subscriptable. One
    # per original metaclass, so that a class deriving from two of ours
    # has a single metaclass rather than a conflict.
    _SUBSCRIPTABLE_METAS = {}

    def _subscriptable_meta(meta):
        derived = _SUBSCRIPTABLE_METAS.get(meta)
        if derived is None:
            def __getitem__(cls, params):
                return GenericAlias(cls, params)
            derived = meta("Subscriptable" + meta.__name__, (meta,),
                           {"__getitem__": __getitem__})
            _SUBSCRIPTABLE_METAS[meta] = derived
        return derived

    def subscriptable(cls):
        """Class decorator: ``cls[T]`` gives a GenericAlias. The class is
        made again under a metaclass that has ``__getitem__``; its methods
        must not rely on the ``__class__`` cell (no zero-argument super)."""
        body = dict(cls.__dict__)
        # Made again from __slots__ by the new class: their descriptors
        # would clash with it.
        body.pop("__dict__", None)
        body.pop("__weakref__", None)
        slots = body.get("__slots__", ())
        for name in ((slots,) if isinstance(slots, str) else slots):
            if name.startswith("__") and not name.endswith("__"):
                name = "_%s%s" % (cls.__name__.lstrip("_"), name)
            body.pop(name, None)
        meta = _subscriptable_meta(type(cls))
        return meta(cls.__name__, cls.__bases__, body)
