"""finalize behaves as the newest CPython's, while its object lives, when it dies,
and at interpreter exit."""
from __future__ import absolute_import

import weakref as stdlib_weakref

import pytest

from backports import weakref
from support import JYTHON, PY2, collect_until, run_python


class Resource(object):
    pass


class Recorder(object):
    """A callback that notes its calls (a class, not a closure: a Jython
    closure keeps its whole defining frame alive, objects included)."""

    def __init__(self):
        self.calls = []

    def __call__(this, *args, **kwargs):  # "self" may be a callback keyword
        this.calls.append((args, kwargs))
        return "result"


class Case(object):
    """A live object (``resource``), a finalizer on it (``finalizer``) and
    the list its callback fills (``calls``). Tests drop the object with
    ``del case.resource``: Jython keeps the last tuple a function unpacked
    alive, so ``resource, finalizer = ...`` would keep the object too."""

    def __init__(this, *args, **kwargs):  # "self" may be a callback keyword
        this.resource = Resource()
        record = Recorder()
        this.calls = record.calls
        this.finalizer = weakref.finalize(this.resource, record,
                                          *args, **kwargs)


def test_callback_runs_once_when_the_object_dies():
    case = Case(1, 2, key="value")
    assert case.calls == []
    del case.resource
    collect_until(lambda: case.calls)
    assert case.calls == [((1, 2), {"key": "value"})]
    assert not case.finalizer.alive
    assert case.finalizer() is None
    assert len(case.calls) == 1


def test_calling_runs_the_callback_once_and_returns_its_result():
    case = Case("x")
    assert case.finalizer() == "result"
    assert case.finalizer() is None
    assert case.calls == [(("x",), {})]
    assert not case.finalizer.alive
    del case.resource
    collect_until(lambda: True)
    assert len(case.calls) == 1


def test_callback_keywords_named_like_the_parameters_reach_the_callback():
    case = Case(func=1, obj=2, self=3)
    case.finalizer()
    assert case.calls == [((), {"func": 1, "obj": 2, "self": 3})]


def test_peek_and_detach():
    case = Case(1, key=2)
    obj, func, args, kwargs = case.finalizer.peek()
    assert obj is case.resource and args == (1,) and kwargs == {"key": 2}
    assert case.finalizer.alive
    assert case.finalizer.detach() == (case.resource, func, (1,), {"key": 2})
    assert not case.finalizer.alive
    assert case.finalizer.detach() is None
    assert case.finalizer.peek() is None
    assert case.finalizer() is None
    del case.resource
    collect_until(lambda: True)
    assert case.calls == []


def test_peek_without_keywords_gives_an_empty_dict():
    case = Case()
    assert case.finalizer.peek()[2:] == ((), {})


def test_atexit_is_settable_and_false_once_dead():
    case = Case()
    assert case.finalizer.atexit is True
    case.finalizer.atexit = 0
    assert case.finalizer.atexit is False
    case.finalizer.atexit = "yes"
    assert case.finalizer.atexit is True
    case.finalizer()
    assert case.finalizer.atexit is False
    case.finalizer.atexit = True  # ignored once dead, as in CPython
    assert case.finalizer.atexit is False


def test_repr_alive_and_dead():
    case = Case()
    finalizer = case.finalizer
    assert repr(finalizer) == "<finalize object at %#x; for 'Resource' at %#x>" % (
        id(finalizer), id(case.resource))
    finalizer.detach()
    assert repr(finalizer) == "<finalize object at %#x; dead>" % id(finalizer)


def test_the_finalizer_holds_no_strong_reference_to_its_object():
    case = Case()
    probe = weakref.ref(case.resource)
    del case.resource
    collect_until(lambda: probe() is None)
    collect_until(lambda: case.calls)


def test_finalizers_run_newest_first_when_one_object_dies():
    resource = Resource()
    order = []
    for n in range(3):
        weakref.finalize(resource, order.append, n)
    del resource
    collect_until(lambda: len(order) == 3)
    if not JYTHON:  # the JVM clears references in no promised order
        assert order == [2, 1, 0]


@pytest.mark.parametrize("candidate", [1, "text", (1, 2), [1], {}])
def test_finalize_accepts_exactly_what_the_native_ref_accepts(candidate):
    try:
        stdlib_weakref.ref(candidate)
    except TypeError as native:
        with pytest.raises(TypeError) as info:
            weakref.finalize(candidate, len)
        assert str(info.value) == str(native)
    else:  # PyPy and Jython reference more kinds of object
        finalizer = weakref.finalize(candidate, len)
        assert finalizer.detach()[0] is candidate


@pytest.mark.parametrize("args, kwargs, message", [
    ((), {}, "finalize.__init__() missing 2 required positional arguments: "
             "'obj' and 'func'"),
    ((Resource(),), {},
     "finalize.__init__() missing 1 required positional argument: 'func'"),
    ((), {"obj": Resource(), "func": len},
     "finalize.__init__() missing 2 required positional arguments: "
     "'obj' and 'func'"),
    ((Resource(),), {"func": len},
     "finalize.__init__() missing 1 required positional argument: 'func'"),
])
def test_argument_errors_are_the_newests(args, kwargs, message):
    with pytest.raises(TypeError) as info:
        weakref.finalize(*args, **kwargs)
    assert str(info.value) == message


@pytest.mark.skipif(PY2, reason="Python 2 checks unbound method calls itself")
def test_unbound_init_without_self():
    with pytest.raises(TypeError) as info:
        weakref.finalize.__init__()
    assert str(info.value) == (
        "finalize.__init__() missing 3 required positional arguments: "
        "'self', 'obj', and 'func'")


def test_subclasses_work():
    class Tracked(weakref.finalize):
        __slots__ = ()

    resource = Resource()
    calls = []
    finalizer = Tracked(resource, calls.append, "sub")
    assert repr(finalizer).startswith("<Tracked object at ")
    del resource
    collect_until(lambda: calls == ["sub"])
    assert not finalizer.alive


def test_ours_shares_the_stdlibs_registry_where_there_is_one():
    # Whether finalize is native here is tests/test_gates.py's business.
    native = getattr(stdlib_weakref, "finalize", None)
    if native is None or weakref.finalize is native:
        pytest.skip("no stdlib finalize beside ours here")
    # A subclass shares the stdlib's registry: exit runs both in one order.
    assert issubclass(weakref.finalize, native)


def test_an_exception_at_collection_is_reported_not_raised():
    code = """
        from backports import weakref
        from support import collect_until, wait_for_callbacks

        class Resource(object):
            pass

        def fail():
            raise ZeroDivisionError("from the finalizer")

        resource = Resource()
        finalizer = weakref.finalize(resource, fail)
        del resource
        collect_until(lambda: not finalizer.alive)
        # Jython reports the error on its reaper thread, after `alive` went
        # False: wait until it is out.
        wait_for_callbacks()
        print("alive=%s" % finalizer.alive)
        print("still running")
    """
    rc, out, err = run_python(code)
    assert rc == 0, err
    assert "alive=False" in out and "still running" in out
    assert "ZeroDivisionError" in err and "from the finalizer" in err


# One child interpreter exercises everything that happens at exit: Jython
# needs seconds to start one.
EXIT_SCRIPT = """
    from __future__ import print_function
    import sys
    import weakref as stdlib_weakref
    from backports import weakref

    class Resource(object):
        pass

    keep = []

    def say(text):
        print(text)
        sys.stdout.flush()

    def live(name, factory=weakref.finalize):
        resource = Resource()
        keep.append(resource)
        return factory(resource, say, name)

    def fail():
        raise RuntimeError("failing at exit")

    def report(kind, value, traceback):
        say("excepthook %s: %s" % (kind.__name__, value))

    sys.excepthook = report

    def spawn():
        say("spawner")
        live("spawned during exit")

    live("first")
    if hasattr(stdlib_weakref, "finalize"):
        live("stdlib second", stdlib_weakref.finalize)
    else:
        live("stdlib second")
    live("third").atexit = False
    failing = Resource()
    keep.append(failing)
    weakref.finalize(failing, fail)
    resource = Resource()
    keep.append(resource)
    weakref.finalize(resource, spawn)
    live("detached").detach()
    called = live("called early")
    called()
    live("last")
    say("exiting")
"""


@pytest.fixture(scope="module")
def exit_run():
    return run_python(EXIT_SCRIPT)


def test_exit_runs_live_atexit_finalizers_newest_first(exit_run):
    rc, out, err = exit_run
    assert rc == 0, err
    assert out.splitlines() == [
        "called early", "exiting", "last", "spawner", "spawned during exit",
        "excepthook RuntimeError: failing at exit", "stdlib second",
        "first"], (out, err)


def test_exit_reports_an_exception_to_excepthook_and_goes_on(exit_run):
    rc, out, err = exit_run
    lines = out.splitlines()
    assert "excepthook RuntimeError: failing at exit" in lines
    assert lines[-1] == "first"


def test_exit_runs_no_finalizer_marked_atexit_false_or_detached(exit_run):
    rc, out, err = exit_run
    assert "third" not in out and "detached" not in out
    assert out.count("called early") == 1
