"""The current-year figure of each 上年数 指标, as the checks compare it with 上年预算数.

One definition only: it lives with the other figure definitions in compiler/derive/figures.py
(pure functions of the Budget), so the check and the 增减变化 narrative cannot disagree."""
from __future__ import annotations

from ..derive.figures import prior_item_amount
from ..vocab import PRIOR_ITEMS as ITEMS

__all__ = ["ITEMS", "prior_item_amount"]
