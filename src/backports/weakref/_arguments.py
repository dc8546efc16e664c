"""Argument errors worded as the newest CPython words them.

Where the newest CPython's callables have positional-only parameters, ours
take ``*args, **kwargs`` (Python 2 cannot parse ``/``), so they check their
arguments themselves and must then raise what its parser would.
"""
from __future__ import absolute_import


def _quoted_list(names):
    quoted = ["'%s'" % name for name in names]
    if len(quoted) == 1:
        return quoted[0]
    if len(quoted) == 2:
        return "%s and %s" % tuple(quoted)
    return "%s, and %s" % (", ".join(quoted[:-1]), quoted[-1])


def missing_positional(qualname, names):
    """TypeError for required positional parameters *names* not given."""
    plural = "argument" if len(names) == 1 else "arguments"
    return TypeError("%s() missing %d required positional %s: %s"
                     % (qualname, len(names), plural, _quoted_list(names)))


def too_many_positional(qualname, lowest, highest, given):
    """TypeError for *given* positionals where *lowest*..*highest* fit."""
    if lowest == highest:
        plural = "argument" if highest == 1 else "arguments"
        takes = "%d positional %s" % (highest, plural)
    else:
        takes = "from %d to %d positional arguments" % (lowest, highest)
    verb = "was" if given == 1 else "were"
    return TypeError("%s() takes %s but %d %s given"
                     % (qualname, takes, given, verb))


def unexpected_keyword(qualname, name):
    """TypeError for a keyword argument the callable does not accept."""
    return TypeError("%s() got an unexpected keyword argument '%s'"
                     % (qualname, name))


def multiple_values(qualname, name):
    """TypeError for a parameter given both by position and by keyword."""
    return TypeError("%s() got multiple values for argument '%s'"
                     % (qualname, name))


_MISSING = object()


def split_self_and_one(qualname, args, kwargs, name=None, default=None):
    """(self, value) from ``f(*args, **kwargs)`` for an ``f(self, x=default)``.

    *name* is the keyword that may also pass x, None when x is
    positional-only (*kwargs* are then the caller's business). Any other
    call shape raises the error the newest CPython's parser words.
    """
    given = len(args)
    if 0 < given < 3 and not (kwargs and name is not None):
        # The shapes nearly every call has, answered first.
        return args[0], args[1] if given == 2 else default
    if not args:
        raise missing_positional(qualname, ["self"])
    if given > 2:
        raise too_many_positional(qualname, 1, 2, given)
    value = args[1] if given == 2 else _MISSING
    for key in kwargs:
        if key != name:
            raise unexpected_keyword(qualname, key)
        if value is not _MISSING:
            raise multiple_values(qualname, key)
        value = kwargs[key]
    return args[0], default if value is _MISSING else value
