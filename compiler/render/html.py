"""HTML back end: one self-contained file (CSS inlined, nothing fetched), rendered by Jinja2 with
autoescape and StrictUndefined from the Views. Templates are looked up in the user's folder
first, then in the default one (ChoiceLoader), each confined to its folder (compiler/confined.py).

Templates are shared between departments, so they run in Jinja2's ImmutableSandboxedEnvironment:
no attribute starting with _ (``cycler.__init__.__globals__.os`` is refused), no method that
changes data, and no arithmetic that builds a huge string, list or number."""
from __future__ import annotations

import re
from decimal import Decimal

from markupsafe import Markup, escape
from jinja2 import ChoiceLoader, StrictUndefined, select_autoescape
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError

from ..config import Config, fill
from ..confined import ConfinedLoader
from ..derive import Views
from .colwidths import table_fit
from .format import FILTERS, cell_text

CN_DIGITS = "零一二三四五六七八九"


def cn_number(n: int) -> str:
    """1 -> 一, 10 -> 十, 16 -> 十六, 21 -> 二十一 (numbering of 职责 and 机构)."""
    if n < 10:
        return CN_DIGITS[n]
    tens, ones = divmod(n, 10)
    return (CN_DIGITS[tens] if tens > 1 else "") + "十" + (CN_DIGITS[ones] if ones else "")


LAST_TWO_CJK = re.compile(r"[\u4e00-\u9fff]{2}$")


def heading(text) -> Markup:
    """A column header's text with its last two characters kept on one line, so a narrow column
    wraps 资本性支出 as 资本性/支出, never 资本性支/出 (one character alone on the last line).
    Two characters always fit: colwidths gives a header at least two (HEAD_MIN_EM)."""
    s = "" if text is None else str(text)
    if len(s) < 3 or not LAST_TWO_CJK.search(s):
        return escape(s)
    return Markup(f'{escape(s[:-2])}<span class="nobr">{escape(s[-2:])}</span>')


def cellkind(cell, column) -> str:
    if isinstance(cell.value, Decimal):
        return "num"
    if column is not None and column.kind == "code":
        return "code"
    if isinstance(cell.value, str) and ("\n" in cell.value or len(cell.value) > 40):
        return "text longtext"
    return "text"


def cellvalue(cell, column, table) -> str:
    return cell_text(cell.value, getattr(column, "kind", None), table.blank_zero)


MAX_SIZE = 1_000_000   # longest string or list, largest exponent result a template may build


class Sandbox(ImmutableSandboxedEnvironment):
    """The immutable sandbox, with ``*`` and ``**`` bounded ('x' * 10**10 would exhaust memory)."""
    intercepted_binops = frozenset(["*", "**"])
    _safe: dict = {}   # (type, attribute) -> bool

    def is_safe_attribute(self, obj, attr, value) -> bool:
        """Jinja's answer depends only on the type of *obj* and the name (``_`` prefix, internal
        attributes of functions/frames/types, methods that change a list, dict or set), so it is
        remembered per (type, name): the example makes 56,000 attribute lookups, and asking
        afresh each time made rendering 3.5× slower (0.37 s → 1.27 s; cached: 0.34 s)."""
        key = (type(obj), attr)
        safe = self._safe.get(key)
        if safe is None:
            if len(self._safe) > 10_000:
                self._safe.clear()
            safe = self._safe[key] = super().is_safe_attribute(obj, attr, value)
        return safe

    def call_binop(self, context, operator, left, right):
        if operator == "**":
            if isinstance(left, (int, float)) and isinstance(right, (int, float)) and \
                    abs(right) > 64 and abs(left) > 1:
                raise SecurityError(f"模板中的乘方 {left} ** {right} 过大")
        else:
            for seq, n in ((left, right), (right, left)):
                if isinstance(seq, (str, list, tuple)) and isinstance(n, int) and len(seq) * n > MAX_SIZE:
                    raise SecurityError(f"模板中的重复（{len(seq)} × {n}）过大")
        return super().call_binop(context, operator, left, right)


def _sandbox(loader) -> Sandbox:
    """Every template of gongkai runs here: autoescaped, strict, with the amount filters."""
    env = Sandbox(loader=loader, autoescape=select_autoescape(default=True, default_for_string=True),
                  undefined=StrictUndefined, keep_trailing_newline=True)
    env.filters.update(FILTERS)
    return env


def environment(config: Config) -> Sandbox:
    env = _sandbox(ChoiceLoader([ConfinedLoader(d) for d in config.template_dirs]))
    print_data = config.data.get("print")
    env.filters["heading"] = heading
    env.globals.update(cn_number=cn_number, cellkind=cellkind, cellvalue=cellvalue,
                       table_fit=lambda t: table_fit(t, print_data))
    return env


def tool_environment(folder: str = "") -> Sandbox:
    """The sandbox of gongkai's own pages (the batch's and the site's index, the diff report):
    templates from *folder* of the default template folder, confined to it, autoescaped, with
    the amount filters. Their wording is in those templates and their .toml, not in Python."""
    from ..resources import templates_root
    return _sandbox(ConfinedLoader(templates_root() / folder))


def render_html(views: Views, config: Config, meta_date: str | None = None) -> str:
    env = environment(config)
    budget, facts = views.budget, views.facts
    info = budget.info
    texts = facts["texts"]
    # The stylesheet comes from the template folder (trusted, like the templates); it is
    # inlined raw, since escaping would corrupt its quotes inside <style>.
    css_text = env.loader.get_source(env, "style.css")[0]
    if "</style" in css_text.lower():
        raise ValueError("style.css must not contain </style>")
    css = Markup(css_text)

    seen: list[tuple[str, str]] = []
    first: dict[str, str] = {}
    for t in views.tables:
        first.setdefault(t.number, t.id)
        if t.number not in dict(seen):
            seen.append((t.number, t.list_title))
    variants = config.data.get("table_variants", {})

    def label(t) -> tuple[str, str]:
        """('5-1', '一般公共预算支出情况表（按功能分类）'): number and name as listed."""
        num = t.id.removeprefix("table-").replace("-overall", "")
        return num, t.caption + ("" if t.subject else variants.get(num, ""))

    def toc_label(t) -> str:
        num, name = label(t)
        return f"{num}. {name}"

    def bookmark(t) -> str:
        num, name = label(t)
        return f"附表{num} {name}"

    context = {
        "budget": budget,
        "facts": facts,
        "tables": views.tables,
        "main_projects": views.main_projects,
        "config": config.data,
        "css": css,
        "doc_title": fill(config.data["document"]["title"], 部门名称=info.dept_name,
                          单位名称=facts["dept"]["name"], 预算年度=info.year),
        "unit": facts["scope"],
        "table_list": seen,
        "first_table_id": first,
        "toc_label": toc_label,
        "bookmark": bookmark,
        "text": lambda key: texts.get(key, ""),
        "meta_date": meta_date,
        "narrative": list(config.profile.narrative) if config.profile else [],
    }
    return env.get_template("document.html.j2").render(context)
