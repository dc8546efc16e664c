"""How weak containers make their entries and drop them, on every
interpreter: what the containers of the mirror and of the extras share.

An entry can die at any moment, its callback running in whatever thread
the collector chose, so every removal here deletes only what it was asked
to delete and leaves a newer entry under the same key alone (bpo-28427).
Callbacks call these at interpreter shutdown too, after module globals are
gone (bpo-29519): callers bind them as defaults.
"""
from __future__ import absolute_import

import weakref as _stdlib

from . import _compat

if _compat.REFS_ARE_IDENTITY_KEYS:
    from ._compat.jython import ReferentKeyRef as key_ref
else:
    # What weak keys and members are made of: refs compare by referent.
    key_ref = _stdlib.ref

if _compat.DICT_POP_CAN_RACE:
    from ._compat.jython import delete_if_same, pop_if_present, pop_ref
else:
    pop_ref = dict.pop

    def pop_if_present(data, key):
        """``data.pop(key, None)``."""
        return data.pop(key, None)

    if _compat.HAS_DELITEM_IF_VALUE_IS:
        from __pypy__ import delitem_if_value_is as delete_if_same
    else:
        def delete_if_same(data, key, expected):
            """Delete ``data[key]`` while it is *expected*.

            With no atomic compare-and-delete: pop, then put back whatever
            newer value another thread stored in the meantime.
            """
            found = data.pop(key, None)
            if found is not None and found is not expected:
                data.setdefault(key, found)

if _compat.HAS_REMOVE_DEAD_WEAKREF:
    from _weakref import _remove_dead_weakref as remove_dead_weakref
else:
    def remove_dead_weakref(data, key, _delete_if_same=delete_if_same):
        """Delete ``data[key]`` while it holds a dead reference."""
        found = data.get(key)
        if found is not None and found() is None:
            _delete_if_same(data, key, found)


def live_referents(snapshot):
    """Iterate over what the references ``snapshot()`` returns refer to,
    skipping the dead ones.

    *snapshot* runs at the first ``next()``, as a generator method's body
    would: an iterator made but not yet used takes the container as it is
    when first used. Until resumed or closed, the iterator holds the last
    referent it gave.
    """
    for wr in snapshot():
        referent = wr()
        if referent is not None:
            yield referent
