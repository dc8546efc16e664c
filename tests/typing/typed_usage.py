"""Correct uses of every public name, as a type checker must see them.

tools/check_types.sh runs mypy --strict and pyright (strict) over this file:
any error fails. Each assert_type() pins what the stubs promise. The file
is also plain Python 3.10+: running it exercises the same calls at runtime.
pytest does not collect it (no test_ prefix): Python 2 cannot parse it.
"""
from __future__ import annotations

import copy
import gc
import sys
from collections.abc import Callable, Iterator, MutableMapping, MutableSet
from typing import Any

import weakref as stdlib_weakref
from typing_extensions import assert_type

from backports import weakref
from backports.weakref.extras import WeakCallable, WeakKeyDefaultDictionary, weak_callable


class Employee:
    def __init__(self, emp_id: int, name: str) -> None:
        self.emp_id = emp_id
        self.name = name

    def greet(self, greeting: str) -> str:
        return "%s, %s" % (greeting, self.name)


class Department:
    pass


def goodbye(name: str, times: int = 1, *, loud: bool = False) -> None:
    message = ("goodbye %s " % name) * times
    print(message.upper() if loud else message)


def on_death(dead: object) -> None:
    print("gone: %r" % dead)


def record(**fields: str) -> None:
    print(sorted(fields.items()))


# -- ref, proxy and the reference types (the interpreter's own) ---------------

def use_refs(william: Employee) -> None:
    deaths: list[weakref.ref[Employee]] = []
    plain = weakref.ref(william)
    assert_type(plain, weakref.ref[Employee])
    assert_type(plain(), Employee | None)
    with_callback = weakref.ref(william, deaths.append)
    alive = with_callback()
    if alive is not None:
        assert_type(alive.name, str)
    # One type with the stdlib's: each goes where the other is expected.
    stdlib_ref: stdlib_weakref.ref[Employee] = plain
    ours: weakref.ReferenceType[Employee] = stdlib_ref
    assert ours is plain

    by_proxy = weakref.proxy(william)
    assert isinstance(by_proxy, weakref.ProxyTypes)
    callable_proxy = weakref.proxy(goodbye)
    assert isinstance(callable_proxy, weakref.CallableProxyType)
    assert_type(weakref.getweakrefcount(william), int)
    assert_type(weakref.getweakrefs(william), list[Any])
    assert_type(weakref.ProxyTypes, tuple[type[Any], ...])
    assert isinstance(by_proxy, weakref.ProxyType)


# -- WeakMethod ----------------------------------------------------------------

def use_weak_method(william: Employee) -> None:
    method_ref: weakref.WeakMethod[Callable[[str], str]]
    method_ref = weakref.WeakMethod(william.greet)
    method = method_ref()
    if method is not None:
        assert_type(method("Hello"), str)
    weakref.WeakMethod(william.greet, on_death)
    same: bool = method_ref == weakref.WeakMethod(william.greet)
    assert same
    # It is a ref: it goes wherever one is expected.
    as_ref: weakref.ref[Callable[[str], str]] = method_ref
    assert as_ref is method_ref


# -- finalize --------------------------------------------------------------------

def use_finalize(william: Employee) -> None:
    # The callback's parameters are checked against what follows it.
    finalizer = weakref.finalize(william, goodbye, "William", 2, loud=True)
    assert_type(finalizer.alive, bool)
    assert_type(finalizer.atexit, bool)
    finalizer.atexit = False
    state = finalizer.peek()
    if state is not None:
        obj, func, args, kwargs = state
        assert_type(obj, Employee)
        func("Dalton")
        assert_type(args, tuple[Any, ...])
        assert_type(kwargs, dict[str, Any])
    detached = finalizer.detach()
    if detached is not None:
        assert_type(detached[0], Employee)
    assert_type(finalizer(), Any | None)
    # 3.14's obj and func are positional-only: "func" and "obj" may be the
    # callback's own keyword arguments.
    weakref.finalize(william, record, func="a", obj="b", self="c")
    # The stdlib's finalize type accepts ours, whichever it is at runtime.
    stdlib_finalizer: stdlib_weakref.finalize[..., Employee] = finalizer
    assert stdlib_finalizer is finalizer


# -- WeakKeyDictionary -------------------------------------------------------------

def use_weak_key_dictionary(staff: list[Employee]) -> None:
    ages = weakref.WeakKeyDictionary[Employee, int]()
    ages[staff[0]] = 30
    assert_type(ages[staff[0]], int)
    assert_type(ages.get(staff[0]), int | None)
    assert_type(ages.get(staff[0], 0), int)
    assert_type(ages.get(staff[0], "unknown"), int | str)
    assert_type(ages.setdefault(staff[1], 35), int)
    assert_type(ages.pop(staff[1]), int)
    assert_type(ages.pop(staff[1], None), int | None)
    assert_type(ages.keyrefs(), list[weakref.ref[Employee]])
    keys: Iterator[Employee] = ages.keys()
    assert_type(list(keys), list[Employee])
    for employee, age in ages.items():
        assert_type(employee, Employee)
        assert_type(age, int)
    assert_type(sum(ages.values()), int)
    from_pairs = weakref.WeakKeyDictionary([(staff[0], 1.5)])
    assert_type(from_pairs, weakref.WeakKeyDictionary[Employee, float])
    from_mapping = weakref.WeakKeyDictionary({staff[0]: "x"})
    assert_type(from_mapping, weakref.WeakKeyDictionary[Employee, str])
    # 3.9's | and |= (bpo-36144), on every interpreter.
    merged = ages | {staff[2]: "forty"}
    assert_type(merged, weakref.WeakKeyDictionary[Employee, int | str])
    ages |= {staff[2]: 40}
    ages.update([(staff[0], 31)])
    assert_type(ages.copy(), weakref.WeakKeyDictionary[Employee, int])
    assert_type(copy.deepcopy(ages), weakref.WeakKeyDictionary[Employee, int])
    assert_type(ages.popitem(), tuple[Employee, int])
    notes: weakref.WeakKeyDictionary[Employee, str | None] = weakref.WeakKeyDictionary()
    assert_type(notes.setdefault(staff[0]), str | None)
    as_mapping: MutableMapping[Employee, int] = ages
    assert len(as_mapping) >= 0


# -- WeakValueDictionary and KeyedRef -------------------------------------------

def use_weak_value_dictionary(staff: list[Employee]) -> None:
    by_id = weakref.WeakValueDictionary[int, Employee]()
    by_id[staff[0].emp_id] = staff[0]
    assert_type(by_id[123], Employee)
    assert_type(by_id.get(123), Employee | None)
    assert_type(by_id.setdefault(456, staff[1]), Employee)
    assert_type(by_id.pop(456, None), Employee | None)
    for keyed in by_id.itervaluerefs():
        assert_type(keyed, weakref.KeyedRef[int, Employee])
        assert_type(keyed.key, int)
        assert_type(keyed(), Employee | None)
    assert_type(by_id.valuerefs(), list[weakref.KeyedRef[int, Employee]])
    for emp_id, employee in by_id.items():
        assert_type(emp_id, int)
        assert_type(employee, Employee)
    by_name = weakref.WeakValueDictionary(william=staff[0], dalton=staff[1])
    assert_type(by_name, weakref.WeakValueDictionary[str, Employee])
    from_pairs = weakref.WeakValueDictionary([(staff[0].emp_id, staff[0])])
    assert_type(from_pairs, weakref.WeakValueDictionary[int, Employee])
    by_name.update(averell=staff[2])
    by_name.update({"joe": staff[0]}, jack=staff[1])
    merged = by_id | {"boss": Department()}
    assert_type(merged, weakref.WeakValueDictionary[int | str, Employee | Department])
    by_id |= [(789, staff[2])]
    assert_type(by_id.copy(), weakref.WeakValueDictionary[int, Employee])
    assert_type(list(by_id), list[int])


# -- WeakSet ------------------------------------------------------------------------

def use_weak_set(staff: list[Employee]) -> None:
    members = weakref.WeakSet(staff)
    assert_type(members, weakref.WeakSet[Employee])
    members.add(Employee(1, "Joe"))
    members.discard(staff[0])
    assert_type(members.pop(), Employee)
    assert_type(members.copy(), weakref.WeakSet[Employee])
    assert_type(copy.copy(members), weakref.WeakSet[Employee])
    assert_type(members - staff, weakref.WeakSet[Employee])
    assert_type(members & staff, weakref.WeakSet[Employee])
    departments = [Department()]
    assert_type(members | departments, weakref.WeakSet[Employee | Department])
    assert_type(members.union(departments), weakref.WeakSet[Employee | Department])
    assert_type(members ^ departments, weakref.WeakSet[Employee | Department])
    assert_type(members <= staff, bool)
    assert_type(members.isdisjoint(staff), bool)
    members |= staff
    members -= staff[:1]
    empty: weakref.WeakSet[Department] = weakref.WeakSet()
    assert_type(len(empty), int)
    as_set: MutableSet[Employee] = members
    assert staff[0] not in as_set


# -- code annotated with the stdlib's classes ------------------------------------
# Where a name is the interpreter's own object at run time, an annotation
# with the stdlib's class accepts ours, and the other way round. The version
# branches are the stub's, the gate table's (docs/gates.md).

def stdlib_ref_alive(reference: stdlib_weakref.ref[Employee]) -> bool:
    return reference() is not None


def stdlib_finalizer_alive(finalizer: stdlib_weakref.finalize[..., Employee]) -> bool:
    return finalizer.alive


def stdlib_method_alive(method: stdlib_weakref.WeakMethod[Callable[[str], str]]) -> bool:
    return method() is not None


def use_stdlib_annotations(staff: list[Employee]) -> None:
    # The reference types and KeyedRef: the interpreter's own everywhere.
    assert stdlib_ref_alive(weakref.ref(staff[0]))
    keyed: stdlib_weakref.KeyedRef[int, Employee] = weakref.KeyedRef(staff[0], on_death, 1)
    assert keyed.key == 1
    # finalize and WeakMethod: the stdlib's on 3.10+, subclasses of them
    # before: the stdlib's annotation takes ours on every version.
    finalizer = weakref.finalize(staff[0], print, "gone")
    assert stdlib_finalizer_alive(finalizer)
    assert isinstance(finalizer, stdlib_weakref.finalize)
    finalizer.detach()
    assert stdlib_method_alive(weakref.WeakMethod(staff[0].greet))
    if sys.version_info >= (3, 10):
        # One class: the stdlib's objects are ours too.
        theirs: weakref.finalize[..., Employee] = stdlib_weakref.finalize(staff[0], print)
        theirs.detach()
        their_method: weakref.WeakMethod[Callable[[str], str]] = stdlib_weakref.WeakMethod(staff[0].greet)
        assert their_method() is not None
    # The containers are ours everywhere (ours pickle, no CPython's does):
    # code that takes either kind names the ABC.
    as_abc: MutableSet[Employee] = weakref.WeakSet(staff)
    assert not isinstance(as_abc, stdlib_weakref.WeakSet)
    cache: MutableMapping[str, Employee] = weakref.WeakValueDictionary[str, Employee]()
    assert not isinstance(cache, stdlib_weakref.WeakValueDictionary)
    table: MutableMapping[Employee, int] = weakref.WeakKeyDictionary[Employee, int]()
    assert not isinstance(table, stdlib_weakref.WeakKeyDictionary)


# -- the extras, where they meet the core types --------------------------------

def use_extras(staff: list[Employee]) -> None:
    # The class and the function make the same reference.
    greeter = WeakCallable(staff[0].greet)
    assert_type(greeter, WeakCallable[str])
    assert greeter == weak_callable(staff[0].greet)
    assert_type(greeter("Hi"), str)
    counts = WeakKeyDefaultDictionary[Employee, int](int)
    counts[staff[0]] += 1
    # A subclass of backports.weakref's WeakKeyDictionary, whichever class
    # that is for the target Python.
    table: weakref.WeakKeyDictionary[Employee, int] = counts
    assert table[staff[0]] == 1


# -- generic aliases at runtime (bpo-39481), which checkers must accept too -----

EmployeeSet = weakref.WeakSet[Employee]
AgeTable = weakref.WeakKeyDictionary[Employee, int]
Directory = weakref.WeakValueDictionary[str, Employee]


def make_directory() -> Directory:
    return Directory()


def main() -> None:
    staff = [Employee(123, "William"), Employee(456, "Dalton"),
             Employee(789, "Averell")]
    use_refs(staff[0])
    use_weak_method(staff[0])
    use_finalize(staff[0])
    use_weak_key_dictionary(staff)
    use_weak_value_dictionary(staff)
    use_weak_set(staff)
    use_stdlib_annotations(staff)
    use_extras(staff)
    assert_type(make_directory(), weakref.WeakValueDictionary[str, Employee])
    assert isinstance(EmployeeSet(), weakref.WeakSet)
    assert isinstance(AgeTable(), weakref.WeakKeyDictionary)
    gc.collect()


if __name__ == "__main__":
    main()
