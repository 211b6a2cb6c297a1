"""The `gongkai` command. Thin: parses arguments, calls the pipeline, prints, sets the exit status
(0 fine, 1 bad content, 2 unreadable file or wrong arguments)."""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from . import __version__

EXAMPLE = Path(__file__).resolve().parent.parent / "inputs" / "zhengzhou-commerce-2020.xlsx"


class ChineseParser(argparse.ArgumentParser):
    def error(self, message: str):  # exit 2 like argparse, but say it in Chinese first
        self.print_usage(sys.stderr)
        self.exit(2, f"gongkai: 参数错误：{message}\n")


def _print_report(checked, fmt: str, path: Path) -> None:
    from .report import format_github, format_human, format_json
    if fmt == "json":
        print(format_json(checked.report))
    elif fmt == "github":
        text = format_github(checked.report, str(path))
        if text:
            print(text)
        print(f"{path}: " + __import__("compiler.report", fromlist=["summary"]).summary(checked.report))
    else:
        print(format_human(checked.report, color=sys.stdout.isatty() and not os.environ.get("NO_COLOR")))


def cmd_new(args) -> int:
    from .workbook.new import build_workbook, save_atomic
    path = Path(args.path)
    if path.suffix.lower() != ".xlsx":
        print(f"gongkai: 文件名应以 .xlsx 结尾：{path}", file=sys.stderr)
        return 2
    if path.exists() and not args.force:
        print(f"gongkai: 文件已存在：{path}（不会覆盖；确需覆盖请加 --force）", file=sys.stderr)
        return 2
    save_atomic(build_workbook(dept=args.dept, year=args.year), path)
    print(f"已生成空白工作簿：{path}")
    return 0


def cmd_check(args) -> int:
    from .pipeline import check_workbook
    path = Path(args.file)
    checked = check_workbook(path, Path(args.catalog) if args.catalog else None)
    _print_report(checked, args.format, path)
    status = checked.exit_status
    if status == 0 and args.strict and checked.report.warnings:
        status = 1
    return status


def cmd_build(args) -> int:
    from .pipeline import check_workbook
    path = Path(args.file) if args.file else EXAMPLE
    checked = check_workbook(path, Path(args.catalog) if args.catalog else None)
    if checked.exit_status != 0 or checked.report.warnings:
        _print_report(checked, "human", path)
    if checked.exit_status != 0:
        print("存在错误，未生成任何文件。", file=sys.stderr)
        return checked.exit_status
    from .config import ConfigError
    from .render.build import BuildError, build_outputs
    try:
        written = build_outputs(checked.budget, path, Path(args.out),
                                [f.strip() for f in args.format.split(",") if f.strip()],
                                Path(args.templates) if args.templates else None,
                                Path(args.catalog) if args.catalog else None)
    except (BuildError, ConfigError) as exc:
        print(f"gongkai: {exc}", file=sys.stderr)
        print("未生成任何文件。", file=sys.stderr)
        return 1
    for w in written:
        print(f"已生成：{w}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    p = ChineseParser(prog="gongkai", description="部门预算公开编译器：一个工作簿，生成整份公开文件。")
    p.add_argument("--version", action="version", version=f"gongkai {__version__}")
    sub = p.add_subparsers(dest="command", required=True, parser_class=ChineseParser)

    n = sub.add_parser("new", help="生成空白工作簿")
    n.add_argument("path", help="要生成的 .xlsx 文件")
    n.add_argument("--dept", help="部门名称，如 郑州市商务局")
    n.add_argument("--year", type=int, help="预算年度，如 2021")
    n.add_argument("--force", action="store_true", help="文件已存在时覆盖")
    n.set_defaults(func=cmd_new)

    c = sub.add_parser("check", help="检查工作簿，列出全部问题")
    c.add_argument("file", help="工作簿 .xlsx")
    c.add_argument("--format", choices=("human", "json", "github"), default="human")
    c.add_argument("--strict", action="store_true", help="有警告也以状态 1 退出")
    c.add_argument("--catalog", metavar="DIR", help="使用另一年度的科目目录（CSV 文件夹）")
    c.set_defaults(func=cmd_check)

    b = sub.add_parser("build", help="检查并生成公开文件（HTML、JSON、PDF）")
    b.add_argument("file", nargs="?", help="工作簿 .xlsx；不填则生成自带示例")
    b.add_argument("-o", "--out", default="out", help="输出文件夹（默认 out）")
    b.add_argument("--format", default="html,json", help="html,json,pdf 中的一个或多个，逗号分隔")
    b.add_argument("--templates", metavar="DIR", help="覆盖默认模板的文件夹")
    b.add_argument("--catalog", metavar="DIR", help="使用另一年度的科目目录（CSV 文件夹）")
    b.set_defaults(func=cmd_build)
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # never a traceback for users; GONGKAI_DEBUG=1 shows it
        if os.environ.get("GONGKAI_DEBUG"):
            raise
        print(f"gongkai: 内部错误（{type(exc).__name__}: {exc}）。请设置 GONGKAI_DEBUG=1 重试并报告此问题。",
              file=sys.stderr)
        return 3


if __name__ == "__main__":
    sys.exit(main())
