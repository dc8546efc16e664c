"""finalize_with_options: skipping forked children, warning about
finalizers that reference their own object."""
from __future__ import absolute_import

import functools
import warnings

import pytest

from backports import weakref
from backports.weakref._compat import CAN_FORK
from backports.weakref.extras import (FinalizerReferencesObjectWarning,
                                      finalize_with_options)
from backports.weakref.extras._finalize import references
from support import collect_until, run_python


class Resource(object):
    __slots__ = ("handle", "__weakref__")

    def __init__(self, handle=None):
        self.handle = handle


def record(log, *args, **kwargs):
    log.append((args, kwargs))


def caught_warnings(make):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = make()
    return result, [w for w in caught
                    if issubclass(w.category, FinalizerReferencesObjectWarning)]


def test_plain_options_give_an_ordinary_finalizer():
    log = []
    resource = Resource()
    finalizer = finalize_with_options(resource, record, (log, 1), {"k": 2})
    assert isinstance(finalizer, weakref.finalize) and finalizer.alive
    del resource
    collect_until(lambda: log == [((1,), {"k": 2})])
    assert not finalizer.alive


def test_skip_in_forked_child_still_runs_in_this_process():
    log = []
    resource = Resource()
    finalizer = finalize_with_options(resource, record, (log, "x"),
                                      skip_in_forked_child=True)
    assert isinstance(finalizer, weakref.finalize)
    assert finalizer.peek()[0] is resource
    assert finalizer() is None and log == [(("x",), {})]
    assert not finalizer.alive and finalizer() is None
    resource = Resource()
    finalizer = finalize_with_options(resource, record, (log, "y"),
                                      skip_in_forked_child=True)
    del resource
    collect_until(lambda: len(log) == 2)


@pytest.mark.skipif(not CAN_FORK, reason="no os.fork() here")
def test_forked_child_skips_the_callback():
    code = """
        import os, sys
        from backports.weakref.extras import finalize_with_options

        class Resource(object):
            pass

        def report(tag):
            sys.stdout.write("%s ran in %s\\n"
                             % (tag, "parent" if os.getpid() == parent
                                else "child"))
            sys.stdout.flush()

        parent = os.getpid()
        kept = Resource()
        dying = Resource()
        finalize_with_options(kept, report, ("at-exit",),
                              skip_in_forked_child=True)
        finalize_with_options(dying, report, ("collected",),
                              skip_in_forked_child=True)
        plain_resource = Resource()
        finalize_with_options(plain_resource, report, ("plain",))
        pid = os.fork()
        if pid == 0:
            del dying
            import gc; gc.collect()
            sys.exit(0)          # runs the exit hooks in the child
        os.waitpid(pid, 0)
        sys.stdout.write("parent done\\n")
        """
    rc, out, err = run_python(code)
    assert rc == 0, err
    lines = out.splitlines()
    assert "at-exit ran in child" not in lines
    assert "collected ran in child" not in lines
    assert "plain ran in child" in lines           # the stdlib's behaviour
    assert "at-exit ran in parent" in lines
    assert "collected ran in parent" in lines


def test_warns_when_the_callback_references_the_object():
    resource = Resource()

    def closes():
        return resource.handle

    cases = [
        lambda: finalize_with_options(resource, print_, (resource,),
                                      warn_if_self_referencing=True),
        lambda: finalize_with_options(resource, print_, ([[resource]],),
                                      warn_if_self_referencing=True),
        lambda: finalize_with_options(resource, print_, (),
                                      {"target": resource},
                                      warn_if_self_referencing=True),
        lambda: finalize_with_options(resource, closes,
                                      warn_if_self_referencing=True),
        lambda: finalize_with_options(resource, Resource(resource).__init__,
                                      warn_if_self_referencing=True),
        lambda: finalize_with_options(
            resource, functools.partial(print_, {"k": resource}),
            warn_if_self_referencing=True),
    ]
    for make in cases:
        finalizer, caught = caught_warnings(make)
        assert len(caught) == 1, make
        assert "Resource" in str(caught[0].message)
        finalizer.detach()


def test_no_warning_for_a_callback_that_does_not_reference_it():
    resource = Resource(handle=[1, 2])
    finalizer, caught = caught_warnings(lambda: finalize_with_options(
        resource, print_, (resource.handle, Resource()),
        warn_if_self_referencing=True))
    assert caught == []
    finalizer.detach()
    # Module globals and classes are not searched.
    assert not references(print_, resource)


def print_(*args, **kwargs):
    pass
