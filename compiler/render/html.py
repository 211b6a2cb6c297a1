"""HTML back end: one self-contained file (CSS inlined, nothing fetched), rendered by Jinja2 with
autoescape and StrictUndefined from the Views. Templates are looked up in the user's folder
first, then in the default one (ChoiceLoader)."""
from __future__ import annotations

from decimal import Decimal

from markupsafe import Markup
from jinja2 import ChoiceLoader, Environment, FileSystemLoader, StrictUndefined, select_autoescape

from ..config import Config, fill
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


def environment(config: Config) -> Environment:
    env = Environment(
        loader=ChoiceLoader([FileSystemLoader(str(d)) for d in config.template_dirs]),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=False,
        keep_trailing_newline=True,
    )
    env.filters.update(FILTERS)
    print_data = config.data.get("print")
    env.globals.update(cn_number=cn_number, cellkind=cellkind, cellvalue=cellvalue,
                       table_fit=lambda t: table_fit(t, print_data))
    return env


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
