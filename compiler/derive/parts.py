"""Parts printed beside their total add up as printed (万元).

Which figures the narrative prints as parts of which total is template data: the ``[[sums]]``
of document.toml, each a ``total`` and its ``parts`` as paths into the facts. A total prints
half-up; its parts are apportioned by largest remainder (format.apportion) and carried as
format.Amount, so the ``wan`` filter prints them so wherever they appear. Groups are settled
in the order listed (from the top down): a figure keeps the value it first gets, so it reads
the same in every sentence, and a later group takes it as given.

Paths: ``expense.basic`` (keys), ``functions[].amount`` (that key of every item of a list),
``procurement.by_category.*`` (every value of a table)."""
from __future__ import annotations

from decimal import Decimal

from ..render.format import Amount, apportion, to_wan


def _step(node, part: str) -> list[tuple[object, object]]:
    if part.endswith("[]"):
        node = node.get(part[:-2]) if isinstance(node, dict) else None
        return [(node, i) for i in range(len(node))] if isinstance(node, list) else []
    if part == "*":
        return [(node, k) for k in node] if isinstance(node, dict) else []
    if isinstance(node, dict) and part in node:
        return [(node, part)]
    return []


def _resolve(facts: dict, path: str) -> list[tuple[object, object]]:
    """(container, key) pairs whose value is an amount."""
    pairs: list[tuple[object, object]] = [(None, None)]
    for part in path.split("."):
        nxt = []
        for container, key in pairs:
            node = facts if container is None else container[key]
            nxt += _step(node, part)
        pairs = nxt
    return [(c, k) for c, k in pairs if isinstance(c[k], Decimal)]


def settle(facts: dict, groups: list[dict]) -> dict:
    """Fix the printed 万元 value of every part of every group in *facts* (in place)."""
    for g in groups:
        totals = _resolve(facts, g["total"])
        if len(totals) != 1:
            continue
        (tc, tk), = totals
        whole = tc[tk]
        slots = [s for p in g["parts"] for s in _resolve(facts, p)]
        free = [(c, k) for c, k in slots if not isinstance(c[k], Amount)]
        pinned = [c[k] for c, k in slots if isinstance(c[k], Amount)]
        exact = sum((c[k] for c, k in slots), Decimal(0))
        if exact != whole:
            continue  # not a partition of the total: nothing to add up (the property test says)
        pinned_sum = sum((to_wan(p) for p in pinned), Decimal(0))
        shown = apportion(to_wan(whole) - pinned_sum, [c[k] for c, k in free])
        if shown is None and not isinstance(whole, Amount):
            # parts fixed by an earlier group leave the half-up total out of reach: the total
            # (printed nowhere yet) prints as its printed parts add up, the free ones rounded
            # among themselves
            rest = to_wan(sum((c[k] for c, k in free), Decimal(0)))
            shown = apportion(rest, [c[k] for c, k in free])
            tc[tk] = whole = Amount(whole, pinned_sum + rest)
        if shown is None:
            continue  # a settled total and settled parts that disagree: nothing left to move
        for (c, k), printed in zip(free, shown):
            c[k] = Amount(c[k], printed)
        if not isinstance(whole, Amount):
            tc[tk] = Amount(whole, to_wan(whole))  # settled: a later group takes it as given
    return facts
