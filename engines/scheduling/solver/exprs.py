"""Typing and adding up CP-SAT linear expressions.

``cp_model.LinearExprT`` includes NumPy integer types, whose operator overloads mypy cannot
combine with CP-SAT's; the solver only ever builds expressions from Python ints and CP-SAT
variables, so it uses this narrower alias, and ``add_up`` (CP-SAT's own n-ary sum, faster
than ``sum`` for long lists) instead of the built-in ``sum``.
"""

from __future__ import annotations

from collections.abc import Iterable

from ortools.sat.python import cp_model

Expr = cp_model.LinearExpr | cp_model.IntVar | int


def add_up(items: Iterable[Expr]) -> cp_model.LinearExpr:
    total: cp_model.LinearExpr = cp_model.LinearExpr.sum(list(items))
    return total
