"""WeakMethod behaves as the newest CPython's."""
from __future__ import absolute_import

import re
import weakref as stdlib_weakref

import pytest

from backports import weakref
from support import JYTHON, PY2, PYPY, collect_until


class Counter(object):
    def __init__(self):
        self.value = 0

    def increment(self):
        self.value += 1
        return self.value

    @classmethod
    def create(cls):
        return cls()


class Deaths(object):
    """A callback that notes what it was called with."""

    def __init__(self):
        self.seen = []

    def __call__(self, reference):
        self.seen.append(reference)


class Holder(object):
    """Keeps the one strong reference a test later drops with ``del``."""


def test_subscription_gives_a_generic_alias_of_the_class():
    alias = weakref.WeakMethod[int]
    assert alias.__origin__ is weakref.WeakMethod
    assert alias.__args__ == (int,)
    assert alias == weakref.WeakMethod[int]
    assert repr(alias) == "%s.WeakMethod[int]" % weakref.WeakMethod.__module__
    counter = Counter()
    reference = alias(counter.increment)
    assert isinstance(reference, weakref.WeakMethod)
    assert reference()() == 1


def test_is_a_ref_that_rebuilds_the_bound_method():
    counter = Counter()
    method_ref = weakref.WeakMethod(counter.increment)
    assert isinstance(method_ref, weakref.ref)
    assert isinstance(method_ref, weakref.ReferenceType)
    method = method_ref()
    assert method == counter.increment
    assert method() == 1 and counter.value == 1


def test_dies_with_its_instance_and_calls_back_once():
    holder = Holder()
    holder.counter = Counter()
    deaths = Deaths()
    method_ref = weakref.WeakMethod(holder.counter.increment, deaths)
    del holder.counter
    collect_until(lambda: deaths.seen)
    assert method_ref() is None
    assert deaths.seen == [method_ref] and deaths.seen[0] is method_ref


def make_class_with_method():
    """A fresh class whose one method has no other strong reference."""
    def ephemeral(self):
        return "ephemeral"
    return type("Temporary", (object,), {"method": ephemeral})


def test_dies_with_its_function_and_calls_back_once():
    cls = make_class_with_method()
    instance = cls()
    deaths = Deaths()
    method_ref = weakref.WeakMethod(instance.method, deaths)
    assert method_ref()() == "ephemeral"
    del cls.method
    collect_until(lambda: deaths.seen)
    assert method_ref() is None
    del instance
    collect_until(lambda: True)
    assert deaths.seen == [method_ref]


def test_both_dying_still_calls_back_once():
    holder = Holder()
    holder.instance = make_class_with_method()()
    deaths = Deaths()
    method_ref = weakref.WeakMethod(holder.instance.method, deaths)
    del holder.instance
    collect_until(lambda: deaths.seen)
    collect_until(lambda: True)
    assert deaths.seen == [method_ref]


def test_bound_classmethods_work():
    method_ref = weakref.WeakMethod(Counter.create)
    assert isinstance(method_ref()(), Counter)


def test_equality_and_hash():
    first, second = Counter(), Counter()
    a = weakref.WeakMethod(first.increment)
    b = weakref.WeakMethod(first.increment)
    other_instance = weakref.WeakMethod(second.increment)
    other_function = weakref.WeakMethod(first.__init__)
    assert a == b and not (a != b)
    assert hash(a) == hash(b) == hash(first)
    assert a != other_instance and not (a == other_instance)
    assert a != other_function
    if not JYTHON:
        # Jython's dicts and sets hash a ref subclass's instances in Java,
        # by identity, whatever __hash__ and __eq__ say.
        assert len({a, b, other_instance}) == 2


def test_dead_ones_equal_only_themselves():
    holder = Holder()
    holder.counter = Counter()
    a = weakref.WeakMethod(holder.counter.increment)
    b = weakref.WeakMethod(holder.counter.increment)
    hash(a)  # a ref's hash must be taken while its referent lives
    del holder.counter
    collect_until(lambda: a() is None and b() is None)
    assert a == a and not (a != a)
    assert a != b and not (a == b)


def test_other_types_get_notimplemented():
    counter = Counter()
    method_ref = weakref.WeakMethod(counter.increment)
    plain_ref = weakref.ref(counter)
    assert method_ref.__eq__(1) is NotImplemented
    assert method_ref.__ne__(1) is NotImplemented
    assert method_ref.__eq__(plain_ref) is NotImplemented
    assert not (method_ref == 1) and method_ref != 1
    assert method_ref == mock_equal_to_everything()


class mock_equal_to_everything(object):
    """Answers == itself: reached only if WeakMethod returns NotImplemented."""

    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    __hash__ = object.__hash__


def test_compares_with_the_stdlib_weakmethod():
    native = getattr(stdlib_weakref, "WeakMethod", None)
    if native is None:
        pytest.skip("this interpreter's weakref has no WeakMethod")
    counter = Counter()
    ours = weakref.WeakMethod(counter.increment)
    theirs = native(counter.increment)
    assert ours == theirs and theirs == ours
    assert isinstance(ours, native)


def test_is_weakly_referenceable():
    counter = Counter()
    method_ref = weakref.WeakMethod(counter.increment)
    assert weakref.ref(method_ref)() is method_ref


def test_repr_is_a_weakrefs():
    holder = Holder()
    holder.counter = Counter()
    method_ref = weakref.WeakMethod(holder.counter.increment)
    # How a ref prints is the native ref's business: 3.13+ qualify the
    # referent's type with its module; PyPy leaves out its address, and
    # PyPy 3.11 names the ref's type (weakref.ReferenceType).
    assert re.match(r"<weakref(\.ReferenceType)? at 0x0*%x; "
                    r"to '(test_weakmethod\.)?Counter'( at |>)"
                    % id(method_ref), repr(method_ref))
    del holder.counter
    collect_until(lambda: method_ref() is None)
    assert re.match(r"<weakref(\.ReferenceType)? at 0x0*%x; dead>$"
                    % id(method_ref), repr(method_ref))


TYPE_NAME = "type" if PY2 else "class"


@pytest.mark.parametrize("candidate, shown", [
    (len, "builtin_function_or_method"),
    (Counter.__dict__["increment"], "function"),
    ([].append, "builtin_function_or_method"),
    (1, "int"),
])
def test_non_methods_get_a_clear_typeerror(candidate, shown):
    if PYPY and hasattr(candidate, "__func__"):
        pytest.skip("PyPy's builtin methods are bound methods with __func__")
    if JYTHON or PYPY:
        shown = type(candidate).__name__  # they name their builtins apart
    with pytest.raises(TypeError) as info:
        weakref.WeakMethod(candidate)
    assert str(info.value) == "argument should be a bound method, not <%s '%s'>" % (
        TYPE_NAME, shown)
    # Raised "from None": no "During handling of the above exception".
    assert (getattr(info.value, "__context__", None) is None or
            info.value.__suppress_context__)


@pytest.mark.skipif(not PY2, reason="Python 3 has no unbound methods")
def test_python2_unbound_methods_are_not_bound_methods():
    with pytest.raises(TypeError) as info:
        weakref.WeakMethod(Counter.increment)
    assert str(info.value) == (
        "argument should be a bound method, not <type 'instancemethod'>")


def make_argument_cases():
    counter = Counter()
    return [
        ((), {}, "WeakMethod.__new__() missing 1 required positional "
                 "argument: 'meth'"),
        ((counter.increment, None, 1), {},
         "WeakMethod.__new__() takes from 2 to 3 positional arguments but 4 "
         "were given"),
        ((counter.increment,), {"x": 1},
         "WeakMethod.__new__() got an unexpected keyword argument 'x'"),
        ((counter.increment,), {"meth": counter.increment},
         "WeakMethod.__new__() got multiple values for argument 'meth'"),
        ((), {"meth": counter.increment}, "ref() takes no keyword arguments"),
        ((counter.increment,), {"callback": None},
         "ref() takes no keyword arguments"),
    ]


@pytest.mark.parametrize("args, kwargs, message", make_argument_cases())
def test_argument_errors_are_the_newests(args, kwargs, message):
    with pytest.raises(TypeError) as info:
        weakref.WeakMethod(*args, **kwargs)
    assert str(info.value) == message


if PY2:
    class OldStyle:
        def method(self):
            return "old-style"


@pytest.mark.skipif(not PY2, reason="old-style classes exist on Python 2 only")
def test_old_style_instances_on_python2():
    holder = Holder()
    holder.instance = OldStyle()
    deaths = Deaths()
    method_ref = weakref.WeakMethod(holder.instance.method, deaths)
    method = method_ref()
    assert method() == "old-style"
    assert repr(method).startswith("<bound method OldStyle.method of ")
    del method
    del holder.instance
    collect_until(lambda: deaths.seen)
    assert method_ref() is None and deaths.seen == [method_ref]
