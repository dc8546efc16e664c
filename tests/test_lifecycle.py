"""finalize across a program's life, in child interpreters: exit order with
plain atexit functions and the stdlib's finalizers, finalizers made after the
exit pass, KeyboardInterrupt and SystemExit from callbacks, resurrection, an
object only a daemon thread holds, and os.fork().

test_finalize.py covers the basic exit order, exceptions and finalizers made
during exit. Jython needs seconds to start a child: one child runs every
scenario but fork (the JVM cannot fork). Expected outputs are what
CPython printed for the same scripts with its own finalize (recorded on
3.14.10; finalize is unchanged in 3.15).
"""
from __future__ import absolute_import

import pytest

from backports.weakref import _compat
from support import run_python

LIFECYCLE_SCRIPT = """
    from __future__ import print_function
    import atexit, gc, sys, threading, time
    import weakref as stdlib_weakref
    from backports import weakref
    from support import collect_until, wait_for_callbacks

    def say(text):
        print(text)
        sys.stdout.flush()

    class Resource(object):
        pass

    keep = []

    def live(name, factory=weakref.finalize, func=say):
        resource = Resource()
        keep.append(resource)
        return factory(resource, func, name)

    def interrupt(name):
        say(name)
        raise KeyboardInterrupt(name)

    def leave(name):
        say(name)
        raise SystemExit(name)

    def late():
        # Runs after every finalizer ran at exit: a finalizer made now is never
        # called, not even when its object dies.
        resource = Resource()
        weakref.finalize(resource, say, "never: made after the exit pass")
        del resource
        gc.collect()
        say("atexit registered before the first finalizer")

    atexit.register(late)
    # The oldest runs last at exit: the others run before it ends the pass.
    live("interrupt at exit", func=interrupt)
    live("first")
    if hasattr(stdlib_weakref, "finalize"):
        live("stdlib", stdlib_weakref.finalize)
    else:
        live("stdlib")

    # At collection, KeyboardInterrupt and SystemExit from a callback are
    # reported, not raised.
    for func in (interrupt, leave):
        resource = Resource()
        finalizer = weakref.finalize(resource, func, "raising at collection")
        del resource
        collect_until(lambda: not finalizer.alive)
        # A finalizer is dead before its callback ends: on Jython the callback
        # may still be printing on the reaper thread.
        wait_for_callbacks()
        say("alive after %s: %s" % (func.__name__, finalizer.alive))

    # Resurrection: __del__ saves the object once; its finalizer waits for the
    # second, real death.
    saved = []
    class Phoenix(object):
        rose = False
        def __del__(self):
            if not Phoenix.rose:
                Phoenix.rose = True
                saved.append(self)
    phoenix = Phoenix()
    resurrected = weakref.finalize(phoenix, say, "phoenix finalized")
    native = stdlib_weakref.ref(phoenix)
    del phoenix
    collect_until(lambda: saved)
    say("resurrected, finalizer alive: %s, native ref alive: %s"
        % (resurrected.alive, native() is not None))
    del saved[:]
    collect_until(lambda: not resurrected.alive)
    wait_for_callbacks()
    say("phoenix gone, finalizer alive: %s" % resurrected.alive)

    # An object reachable only from a daemon thread is finalized at exit, once.
    started = threading.Event()
    def hold():
        resource = Resource()
        weakref.finalize(resource, say, "held by a daemon thread")
        started.set()
        threading.Event().wait(60)
        say("never: the daemon thread woke")
    daemon = threading.Thread(target=hold)
    daemon.daemon = True
    daemon.start()
    started.wait(10)

    live("last")
    atexit.register(say, "atexit registered after the finalizers")
    say("exiting")
    sys.exit(0)
"""

FORK_SCRIPT = """
    from __future__ import print_function
    import gc, os, sys
    from backports import weakref

    PARENT = os.getpid()

    def say(text):
        who = "parent" if os.getpid() == PARENT else "child"
        print("%s: %s" % (who, text))
        sys.stdout.flush()

    class Resource(object):
        pass

    at_exit = Resource()
    weakref.finalize(at_exit, say, "at exit")
    called = Resource()
    weakref.finalize(called, say, "called before the fork")()
    doomed = Resource()
    doomed_finalizer = weakref.finalize(doomed, say, "doomed")
    pid = os.fork()
    if pid == 0:
        del doomed
        gc.collect()
        say("exiting")
        sys.exit(0)
    status = os.waitpid(pid, 0)[1]
    say("child status %d, doomed finalizer alive: %s"
        % (status, doomed_finalizer.alive))
"""


@pytest.fixture(scope="module")
def lifecycle_run():
    return run_python(LIFECYCLE_SCRIPT)


def lines_of(run):
    rc, out, err = run
    assert rc == 0, err
    return out.splitlines()


def test_exit_order_with_atexit_functions_and_stdlib_finalizers(
        lifecycle_run):
    lines = lines_of(lifecycle_run)
    assert lines[lines.index("exiting"):] == [
        "exiting",
        # atexit is last in, first out; finalizers run in one pass,
        # registered when the first finalizer was made, newest first.
        "atexit registered after the finalizers",
        "last", "held by a daemon thread", "stdlib", "first",
        # The oldest raises KeyboardInterrupt: reported, the pass ends.
        "interrupt at exit",
        "atexit registered before the first finalizer"]


def test_finalizers_made_after_the_exit_pass_never_run(lifecycle_run,
                                                      record_property):
    rc, out, err = lifecycle_run
    assert "never" not in out
    record_property("load", "lifecycle: %d child interpreter(s), 7 exit "
                    "scenarios, %d lines of output checked"
                    % (2 if _compat.CAN_FORK else 1, len(out.splitlines())))


def test_an_object_held_only_by_a_daemon_thread_is_finalized_once(
        lifecycle_run):
    assert lines_of(lifecycle_run).count("held by a daemon thread") == 1


def test_keyboardinterrupt_and_systemexit_from_a_callback_are_reported(
        lifecycle_run):
    rc, out, err = lifecycle_run
    lines = lines_of(lifecycle_run)
    assert lines[:4] == ["raising at collection",
                         "alive after interrupt: False",
                         "raising at collection", "alive after leave: False"]
    assert "KeyboardInterrupt" in err and "SystemExit" in err
    assert "interrupt at exit" in err


def test_a_resurrected_object_is_finalized_once_when_it_really_dies(
        lifecycle_run):
    lines = lines_of(lifecycle_run)
    assert lines.count("phoenix finalized") == 1
    gone = lines.index("phoenix gone, finalizer alive: False")
    assert lines.index("phoenix finalized") < gone
    resurrected = [line for line in lines if line.startswith("resurrected")]
    # Where the interpreter's own ref survives resurrection (CPython 3),
    # the finalizer must not have run either.
    if resurrected[0].endswith("native ref alive: True"):
        assert resurrected[0].startswith("resurrected, finalizer alive: True")


@pytest.mark.skipif(not _compat.CAN_FORK, reason="no os.fork()")
def test_fork_runs_each_callback_at_most_once_per_process():
    rc, out, err = run_python(FORK_SCRIPT)
    assert rc == 0, err
    assert out.splitlines() == [
        "parent: called before the fork",
        "child: doomed", "child: exiting", "child: at exit",
        "parent: child status 0, doomed finalizer alive: True",
        "parent: doomed", "parent: at exit"], (out, err)
