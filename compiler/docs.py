"""Generate docs/workbook.md (from the schema) and docs/rules.md (from the rule registry).
`python -m compiler.docs` rewrites both; a test fails when the committed files are stale."""
from __future__ import annotations

import sys
from pathlib import Path

from .diagnostics import RULES
from .workbook.schema import ENUMS, OPEN_ENUMS, SHEETS

DOCS = Path(__file__).resolve().parent.parent / "docs"
KIND_LABEL = {"text": "文本", "longtext": "长文本", "code": "编码（文本）", "money": "金额（元）",
              "int": "非负整数", "number": "正数", "date": "日期", "year": "年份"}


def workbook_md() -> str:
    out = ["# 工作簿格式（由 compiler/workbook/schema.py 生成，请勿手改）", "",
           "第 1 行为表头，数据从第 2 行起；两列“项目 | 内容”的为键值表。", ""]
    for s in SHEETS:
        out += [f"## {s.name}", "", s.purpose, ""]
        if s.is_kv:
            out += ["| 项目 | 类型 | 必填 | 说明 |", "|---|---|---|---|"]
            out += [f"| {k.key} | {KIND_LABEL[k.kind.value]} | {'是' if k.required else ''} | {k.hint} |"
                    for k in s.keys]
        else:
            out += ["| 列 | 类型 | 必填 | 取值 | 说明 |", "|---|---|---|---|---|"]
            for c in s.columns:
                values = ""
                if c.enum:
                    values = ("建议：" if c.enum in OPEN_ENUMS else "") + "、".join(ENUMS[c.enum])
                opt = "（可选列）" if c.optional else ""
                out.append(f"| {c.header} | {KIND_LABEL[c.kind.value]} | {'是' if c.required else ''} "
                           f"| {values} | {c.hint}{opt} |")
        out.append("")
    return "\n".join(out)


def rules_md() -> str:
    out = ["# 检查规则（由 compiler/diagnostics.py 的规则表生成，请勿手改）", "",
           "错误（E-）阻止生成；警告（W-）不阻止，`--strict` 时也按失败处理。"
           "文件无法读取的错误以状态 2 退出，其余错误以状态 1 退出。", ""]
    families: dict[str, list] = {}
    for r in RULES.values():
        families.setdefault(r.family, []).append(r)
    for fam, rules in families.items():
        out += [f"## {fam}", "", "| 代码 | 级别 | 规则 | 提示 |", "|---|---|---|---|"]
        out += [f"| {r.code} | {r.severity.label} | {r.title} | {r.hint} |" for r in rules]
        out.append("")
    return "\n".join(out)


def generated() -> dict[Path, str]:
    # import the rule families so every rule is registered
    from . import checks  # noqa: F401
    return {DOCS / "workbook.md": workbook_md(), DOCS / "rules.md": rules_md()}


if __name__ == "__main__":
    for path, text in generated().items():
        path.write_text(text, encoding="utf-8")
        print(f"wrote {path}", file=sys.stderr)
