"""Wrong uses that the type checkers must reject, each exactly as marked.

A line whose comment says "expect:", then mypy's error codes and pyright's
rules each in brackets, must get exactly those errors from mypy --strict and
pyright (strict), and no other line may get any: tools/check_expectations.py
compares. That proves
the checkers really read the stubs. This file is never run.
"""
from __future__ import annotations

import weakref as stdlib_weakref
from collections.abc import Set as AbstractSet

from backports import weakref


class Employee:
    def __init__(self, name: str) -> None:
        self.name = name

    def greet(self, greeting: str) -> str:
        return greeting + ", " + self.name


def count_members(members: AbstractSet[Employee]) -> int:
    return len(members)


def next_id(emp_id: int) -> int:
    return emp_id + 1


def stdlib_members(members: stdlib_weakref.WeakSet[Employee]) -> int:
    return len(members)


def stdlib_cache_size(cache: stdlib_weakref.WeakValueDictionary[str, Employee]) -> int:
    return len(cache)


def stdlib_table_size(table: stdlib_weakref.WeakKeyDictionary[Employee, int]) -> int:
    return len(table)


def goodbye(name: str, times: int) -> None:
    print(("goodbye %s " % name) * times)


def misuse(william: Employee, dalton: Employee) -> None:
    # finalize checks the callback's arguments (ParamSpec).
    weakref.finalize(william, goodbye, "William", "twice")  # expect: mypy[arg-type] pyright[reportArgumentType]
    weakref.finalize(william, goodbye, "William", 2, loud=True)  # expect: mypy[call-arg] pyright[reportCallIssue]
    # 3.14's obj and func are positional-only.
    weakref.finalize(obj=william, func=print)  # expect: mypy[call-arg] pyright[reportCallIssue]

    # A dead referent is None: it must be checked before use.
    print(weakref.ref(william)().name)  # expect: mypy[union-attr] pyright[reportOptionalMemberAccess]

    ages = weakref.WeakKeyDictionary[Employee, int]()
    ages[dalton] = "thirty"  # expect: mypy[assignment] pyright[reportArgumentType]
    ages["dalton"] = 30  # expect: mypy[index] pyright[reportArgumentType]
    # keys() is a generator over a snapshot, as 3.14's, not a view.
    count_members(ages.keys())  # expect: mypy[arg-type] pyright[reportArgumentType]

    by_name = weakref.WeakValueDictionary[str, Employee]()
    # None cannot be weakly referenced: setdefault needs a value.
    by_name.setdefault("william")  # expect: mypy[call-arg] pyright[reportCallIssue]
    for keyed in by_name.itervaluerefs():
        next_id(keyed.key)  # expect: mypy[arg-type] pyright[reportArgumentType]

    staff = weakref.WeakSet([william])
    staff.add("Averell")  # expect: mypy[arg-type] pyright[reportArgumentType]

    method = weakref.WeakMethod(william.greet)
    method()("Hello")  # expect: mypy[misc] pyright[reportOptionalCall]

    # Where ours is not the stdlib's object, the stdlib's annotation refuses
    # it (this file is checked for the venv's Python, 3.13).
    stdlib_members(staff)  # expect: mypy[arg-type] pyright[reportArgumentType]
    stdlib_cache_size(by_name)  # expect: mypy[arg-type] pyright[reportArgumentType]
    stdlib_table_size(ages)  # expect: mypy[arg-type] pyright[reportArgumentType]
