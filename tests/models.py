"""What the model-based tests share: a machine's base class and the two
ways of driving one.

A machine keeps a real object and a plain-Python model of it; each of its
``rule_*`` methods takes one integer and uses it to pick what to do, and
``check()`` compares the two. With hypothesis installed,
``hypothesis.stateful`` drives the rules (and shrinks a failure); on every
interpreter (hypothesis or not: Jython has none) a seeded ``random.Random``
drives them too, so every interpreter runs the same steps.
"""
from __future__ import absolute_import

import random

from support import JYTHON, collect_until

try:
    from hypothesis import settings, strategies
    from hypothesis.stateful import (RuleBasedStateMachine, invariant,
                                     rule, run_state_machine_as_test)
except ImportError:   # not installed, or too old for this interpreter
    RuleBasedStateMachine = None

CHOICES = 1000
# Jython needs ~20 ms a collection and runs the whole suite in one process:
# one seed there keeps the model tests short.
SEEDS = (1,) if JYTHON else (1, 2, 3)


class Machine(object):
    """Base of the machines: ``killed`` says a step dropped the model's
    last reference to something, so ``check`` must let the collector run."""

    killed = False

    def settle(self, real_size, model_size):
        if self.killed:
            self.killed = False
            # Where what was dropped died at once (CPython's reference
            # counts), no collection is needed: a full one in a process
            # the size of the test run's costs milliseconds a step.
            if real_size() != model_size():
                collect_until(lambda: real_size() == model_size())
        assert real_size() == model_size()

    def pick(self, sequence, choice):
        return choice % len(sequence)


def rule_names(machine_class):
    return sorted(name for name in dir(machine_class)
                  if name.startswith("rule_"))


def run_seeded(machine_class, seed, steps):
    """*steps* random rules from ``random.Random(seed)``, checked after each."""
    rng = random.Random(seed)
    machine = machine_class()
    names = rule_names(machine_class)
    for _ in range(steps):
        getattr(machine, rng.choice(names))(rng.randrange(CHOICES))
        machine.check()


def as_hypothesis_machine(machine_class):
    """The same rules as a hypothesis.stateful machine."""
    body = {}
    for name in rule_names(machine_class):
        def apply(self, choice, _name=name):
            getattr(self.machine, _name)(choice)
        apply.__name__ = name
        body[name] = rule(choice=strategies.integers(0, CHOICES - 1))(apply)

    def __init__(self):
        RuleBasedStateMachine.__init__(self)
        self.machine = machine_class()

    def check(self):
        self.machine.check()

    body["__init__"] = __init__
    body["check"] = invariant()(check)
    return type(machine_class.__name__ + "Hypothesis",
                (RuleBasedStateMachine,), body)


def run_hypothesis(machine_class, examples, steps):
    """Let hypothesis drive *machine_class*: *examples* runs of up to
    *steps* rules each, with no deadline (collections take their time)."""
    run_state_machine_as_test(
        as_hypothesis_machine(machine_class),
        settings=settings(max_examples=examples, stateful_step_count=steps,
                          deadline=None))
