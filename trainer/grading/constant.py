"""Formulas compared up to a term free of some symbols: a negative log posterior "dropping
every term that does not depend on w" is right with or without yᵀy/(2σ²).

An answer g agrees with the reference f up to such a term exactly when
f(w) − f(w̃) = g(w) − g(w̃) for a second, independent copy w̃ of w (of the same domain),
so the ordinary comparison of those two differences decides it, over every point the
sampler draws for w and w̃ alike.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence

from trainer.grading.domains import Domain
from trainer.grading.expr import nodes

__all__ = ["up_to_constant"]


def _rename(node: nodes.Node, names: Mapping[str, str]) -> nodes.Node:
    match node:
        case nodes.Name(name=name):
            return nodes.Name(names.get(name, name))
        case nodes.Neg(arg=a):
            return nodes.Neg(_rename(a, names))
        case nodes.Transpose(arg=a):
            return nodes.Transpose(_rename(a, names))
        case nodes.Add(terms=terms):
            return nodes.Add(tuple((op, _rename(t, names)) for op, t in terms))
        case nodes.Mul(factors=factors):
            return nodes.Mul(tuple((op, _rename(f, names)) for op, f in factors))
        case nodes.Pow(base=b, exp=e):
            return nodes.Pow(_rename(b, names), _rename(e, names))
        case nodes.Call(func=func, args=args):
            return nodes.Call(func, tuple(_rename(a, names) for a in args))
    return node  # numbers, constants, I


def _difference(node: nodes.Node, names: Mapping[str, str]) -> nodes.Node:
    return nodes.Add((("+", node), ("-", _rename(node, names))))


def up_to_constant(free_of: Collection[str], exp_node: nodes.Node, ans_node: nodes.Node,
                   mistakes: Sequence[tuple[nodes.Node, str]],
                   domains: Mapping[str, Domain]
                   ) -> tuple[nodes.Node, nodes.Node, list[tuple[nodes.Node, str]],
                              dict[str, Domain]]:
    """The reference, the answer and the mistakes as differences between the symbols in
    ``free_of`` and their copies, and the domains with the copies declared; unchanged
    when none of ``free_of`` is a declared symbol."""
    copies: dict[str, str] = {}
    for name in free_of:
        if name not in domains:
            continue
        k = 0
        while f"{name}_{k}" in domains or f"{name}_{k}" in copies.values():
            k += 1
        copies[name] = f"{name}_{k}"
    if not copies:
        return exp_node, ans_node, list(mistakes), dict(domains)
    widened = {**domains, **{copy: domains[name] for name, copy in copies.items()}}
    return (_difference(exp_node, copies), _difference(ans_node, copies),
            [(_difference(m, copies), f) for m, f in mistakes], widened)
