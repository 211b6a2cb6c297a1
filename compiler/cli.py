"""The `gongkai` command. Thin: parses arguments, calls the pipeline, prints, sets the exit status
(0 fine, 1 bad content, 2 unreadable file or wrong arguments)."""
from __future__ import annotations

import argparse
import os
import re
import sys
from pathlib import Path

from . import __version__
from .resources import example_workbook

EXAMPLE = example_workbook()


class ChineseParser(argparse.ArgumentParser):
    def error(self, message: str):  # exit 2 like argparse, but say it in Chinese first
        self.print_usage(sys.stderr)
        message = re.sub(r"^argument (\S+): ", r"\1：", message)
        self.exit(2, f"gongkai: 参数错误：{message}\n")


def format_list(text: str) -> str:
    """--format of build: one or more back ends, comma separated, any case ("HTML,pdf" ->
    "html,pdf"). Empty, or a name no back end has, is an argument error (exit 2)."""
    from .render.build import BACKENDS
    names = [f.strip().lower() for f in text.split(",") if f.strip()]
    if not names:
        raise argparse.ArgumentTypeError(f"不能为空（可选：{'、'.join(BACKENDS)}）")
    unknown = [n for n in names if n not in BACKENDS]
    if unknown:
        raise argparse.ArgumentTypeError(f"不支持的格式：{'、'.join(unknown)}（可选：{'、'.join(BACKENDS)}）")
    return ",".join(dict.fromkeys(names))


def _encodable(text: str, stream=None) -> bool:
    """Whether *stream* (stdout) can show *text* as it is (a GBK console cannot show ✓ or
    U+200B)."""
    try:
        text.encode((stream or sys.stdout).encoding or "utf-8")
    except (UnicodeEncodeError, LookupError):
        return False
    return True


def _mark(ok: bool) -> str:
    """✓/✗, or √/× where the console lacks them (GBK has √ and ×)."""
    mark = "✓" if ok else "✗"
    return mark if _encodable(mark) else ("√" if ok else "×")


def _tolerant_streams() -> None:
    """A console whose encoding lacks a character shows it as an escape (\u200b: an invisible
    character worth seeing) instead of the command failing with UnicodeEncodeError."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.reconfigure(errors="backslashreplace")
        except (AttributeError, ValueError):  # not a text stream we can reconfigure
            pass


def _print_report(checked, fmt: str, path: Path) -> None:
    from .report import format_github, format_human, format_json
    if fmt == "json":
        text = format_json(checked.report)
        if not _encodable(text):  # JSON's own escapes, so the document stays valid JSON
            import json
            text = json.dumps(json.loads(text), ensure_ascii=True, indent=2)
        print(text)
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
    if args.profile:
        from .profiles import ProfileError, resolve
        try:
            resolve(args.profile)
        except ProfileError as exc:
            print(f"gongkai: {exc}", file=sys.stderr)
            return 2
    save_atomic(build_workbook(dept=args.dept, year=args.year, profile=args.profile), path)
    print(f"已生成空白工作簿：{path}" + (f"（公开格式 {args.profile}）" if args.profile else ""))
    return 0


def cmd_profiles(args) -> int:
    """The shipped profiles, a line each."""
    from .profiles import DEFAULT_PROFILE, available
    rows = available()
    width = max((len(n) for n, _ in rows), default=0)
    for name, description in rows:
        mark = "（默认）" if name == DEFAULT_PROFILE else ""
        print(f"{name:<{width}}  {description}{mark}")
    return 0


def _options(args, **more):
    """pipeline.Options from the arguments every subcommand shares."""
    from .pipeline import Options
    templates, catalog = getattr(args, "templates", None), getattr(args, "catalog", None)
    return Options(templates=Path(templates) if templates else None,
                   catalog=Path(catalog) if catalog else None,
                   profile=getattr(args, "profile", None) or None, **more)


def cmd_check(args) -> int:
    from .pipeline import check
    path = Path(args.file)
    checked = check(path, _options(args))
    _print_report(checked, args.format, path)
    status = checked.exit_status
    if status == 0 and args.strict and checked.report.warnings:
        status = 1
    if args.annotate and not checked.report.fatal:
        from .annotate import AnnotateError, annotate
        out = Path(args.annotate)
        if out.suffix.lower() != ".xlsx":
            print(f"gongkai: --annotate 的文件名应以 .xlsx 结尾：{out}", file=sys.stderr)
            return 2
        try:
            done = annotate(path, checked.report, out)
        except AnnotateError as exc:
            print(f"gongkai: {exc}", file=sys.stderr)
            return 2
        # on stderr, so --format json stays parseable
        print(f"已写入标注的工作簿：{out}（{done.cells} 个单元格标色并附批注）", file=sys.stderr)
    return status


def cmd_build(args) -> int:
    from . import batch
    if args.unit and batch.is_batch(args.file):
        print("gongkai: 参数错误：--unit 只用于一个工作簿", file=sys.stderr)
        return 2
    if args.shard is not None:  # one part of a batch, for a CI job matrix: OUT/<stem>/ each
        from .shard import ShardError, parse
        try:
            parse(args.shard)
        except ShardError as exc:
            print(f"gongkai: {exc}", file=sys.stderr)
            return 2
        if args.unit or not args.file:
            print("gongkai: 参数错误：--shard 用于批量生成，需给出文件夹或工作簿，且不能与 --unit 同用",
                  file=sys.stderr)
            return 2
        return batch.run(args)
    if args.unit == "all":  # every unit's own document: OUT/<单位编码>/ each
        return batch.run_units(args, Path(args.file[0]) if args.file else EXAMPLE)
    if batch.is_batch(args.file):  # a folder or several workbooks: OUT/<stem>/ each
        return batch.run(args)
    from .pipeline import compile_workbook
    path = Path(args.file[0]) if args.file else EXAMPLE
    formats = tuple(f.strip() for f in args.format.split(",") if f.strip())
    if args.pdfa and "pdf" not in formats:
        print("gongkai: 参数错误：--pdfa 需要 --format 中包含 pdf", file=sys.stderr)
        return 2
    result = compile_workbook(path, _options(args, formats=formats, out=Path(args.out),
                                             pdfa=args.pdfa, unit=args.unit))
    if result.report.fatal or result.report.errors or result.budget is None or result.report.warnings:
        _print_report(result, "human", path)
    if result.error is None and result.exit_status != 0:
        print("存在错误，未生成任何文件。", file=sys.stderr)
        return result.exit_status
    if result.error is not None:
        print(f"gongkai: {result.error}", file=sys.stderr)
        print("未生成任何文件。", file=sys.stderr)
        return result.exit_status
    for w in result.written:
        print(f"已生成：{w}")
    return 0


def cmd_doctor(args) -> int:
    """Fonts found, and whether they cover every character of a workbook's document."""
    from .render import fonts
    found = fonts.found()
    ok = True
    for role, label in (("serif", "中文衬线字体（宋体类）"), ("sans", "中文无衬线字体（黑体类）")):
        families = found[role]
        if families:
            for fam, files in families.items():
                print(f"{_mark(True)} {label}：{fam}（{', '.join(str(f) for f in files[:2])}）")
        else:
            ok = False
            print(f"{_mark(False)} 未找到{label}：需要 {' / '.join(getattr(fonts, role.upper()))} 之一。"
                  "Debian/Ubuntu：apt-get install fonts-noto-cjk")
    if args.file:
        from .pipeline import check, render_job
        from .render.pdf import visible_text
        path = Path(args.file)
        checked = check(path)
        if checked.exit_status != 0:
            _print_report(checked, "human", path)
            return checked.exit_status
        text = visible_text(render_job(checked).html)
        missing = fonts.missing_glyphs(text)
        if missing:
            from .render.pdf import _locate
            where = _locate(checked.budget, missing)
            ok = False
            print(f"{_mark(False)} {path.name}：字体缺少 {len(missing)} 个字符：")
            for ch in missing:
                print(f"    “{ch}” U+{ord(ch):04X}  {where.get(ch, '正文')}")
        else:
            print(f"{_mark(True)} {path.name}：文档中的 {len(set(text))} 个不同字符全部有字形")
    return 0 if ok else 1


def build_parser() -> argparse.ArgumentParser:
    p = ChineseParser(prog="gongkai", description="部门预算公开编译器：一个工作簿，生成整份公开文件。")
    p.add_argument("--version", action="version", version=f"gongkai {__version__}")
    sub = p.add_subparsers(dest="command", required=True, parser_class=ChineseParser)

    n = sub.add_parser("new", help="生成空白工作簿")
    n.add_argument("path", help="要生成的 .xlsx 文件")
    n.add_argument("--dept", help="部门名称，如 郑州市商务局")
    n.add_argument("--year", type=int, help="预算年度，如 2021")
    n.add_argument("--force", action="store_true", help="文件已存在时覆盖")
    n.add_argument("--profile", metavar="NAME", help="公开格式，记入基本信息（gongkai profiles 列出全部）")
    n.set_defaults(func=cmd_new)

    pr = sub.add_parser("profiles", help="列出可用的公开格式（profile）")
    pr.set_defaults(func=cmd_profiles)

    c = sub.add_parser("check", help="检查工作簿，列出全部问题")
    c.add_argument("file", help="工作簿 .xlsx")
    c.add_argument("--format", choices=("human", "json", "github"), default="human", type=str.lower)
    c.add_argument("--strict", action="store_true", help="有警告也以状态 1 退出")
    c.add_argument("--catalog", metavar="DIR", help="使用另一年度的科目目录（CSV 文件夹）")
    c.add_argument("--templates", metavar="DIR", help="按该模板文件夹检查说明文字的键和阈值（同 build）")
    c.add_argument("--profile", metavar="NAME|DIR",
                   help="公开格式（名称或文件夹）；不填按工作簿基本信息的“公开格式”，再不填为默认格式")
    c.add_argument("--annotate", metavar="OUT.xlsx",
                   help="另存一份标注的工作簿：问题单元格标红（错误）或标黄（警告）并附批注（原文件不变）")
    c.set_defaults(func=cmd_check)

    b = sub.add_parser("build", help="检查并生成公开文件（HTML、JSON、PDF）")
    b.add_argument("file", nargs="*", help="工作簿 .xlsx；不填则生成自带示例；"
                   "给出文件夹或多个工作簿时批量生成，每个部门在 OUT/<文件名>/ 中")
    b.add_argument("-o", "--out", default="out", help="输出文件夹（默认 out）")
    b.add_argument("--format", default="html,json", type=format_list, help="html,json,pdf,xlsx,data 中的一个或多个，逗号分隔（xlsx：附表工作簿；data：CSV 开放数据包）")
    b.add_argument("--templates", metavar="DIR", help="覆盖公开格式中模板的文件夹")
    b.add_argument("--profile", metavar="NAME|DIR",
                   help="公开格式（名称或文件夹）；不填按工作簿基本信息的“公开格式”，再不填为默认格式")
    b.add_argument("--catalog", metavar="DIR", help="使用另一年度的科目目录（CSV 文件夹）")
    b.add_argument("--pdfa", action="store_true", help="PDF 生成为 PDF/A-3b（长期存档），并嵌入源工作簿")
    b.add_argument("--unit", metavar="CODE|all",
                   help="生成该单位自己的单位预算公开（单位编码）；all：每个单位一份，在 OUT/<单位编码>/ 中")
    b.add_argument("--jobs", type=int, metavar="N", help="批量生成时的并行进程数（默认 CPU 核数）")
    b.add_argument("--report-json", metavar="FILE", help="批量生成的汇总写成 JSON（供 CI；- 为标准输出）")
    b.add_argument("--shard", metavar="K/N",
                   help="只生成 N 份中的第 K 份（按文件名的哈希分，供 CI 矩阵并行；各份输出用 gongkai site 合并）")
    b.set_defaults(func=cmd_build)

    st = sub.add_parser("site", help="把多个批量输出（各分片、--unit all）合并成一个静态网站和一个开放数据包")
    st.add_argument("outs", nargs="+", metavar="OUT", help="gongkai build 的批量输出文件夹（含 summary.json）")
    st.add_argument("-o", "--out", required=True, metavar="SITE",
                    help="网站文件夹（整体替换；不能在输入文件夹之内）")
    st.set_defaults(func=lambda a: __import__("compiler.site", fromlist=["run"]).run(a))

    r = sub.add_parser("rollover", help="由本年度工作簿生成下一年度工作簿")
    r.add_argument("old", help="本年度工作簿 .xlsx（只读）")
    r.add_argument("-o", "--out", required=True, help="要生成的下一年度工作簿 .xlsx")
    r.add_argument("--year", type=int, help="新的预算年度（默认原年度 + 1）")
    r.add_argument("--keep-lines", action="store_true",
                   help="保留基本支出和结转项目的支出明细作为草稿（默认清空）")
    r.add_argument("--force", action="store_true", help="文件已存在时覆盖")
    r.add_argument("--catalog", metavar="DIR", help="使用另一年度的科目目录（CSV 文件夹）")
    r.add_argument("--profile", metavar="NAME|DIR",
                   help="公开格式（名称或文件夹）；不填按工作簿基本信息的“公开格式”，再不填为默认格式")
    r.set_defaults(func=lambda a: __import__("compiler.rollover", fromlist=["run"]).run(a))

    df = sub.add_parser("diff", help="比较两个工作簿：附表、文字和正文数字的变化（0 相同，1 不同，2 出错）")
    df.add_argument("a", help="原工作簿 .xlsx")
    df.add_argument("b", help="新工作簿 .xlsx（可为下一年度）")
    df.add_argument("--format", choices=("text", "json", "html"), default="text", type=str.lower)
    df.add_argument("-o", "--output", metavar="FILE", help="写入文件而不是标准输出")
    df.add_argument("--catalog", metavar="DIR", help="使用另一年度的科目目录（CSV 文件夹）")
    df.add_argument("--profile", metavar="NAME|DIR",
                   help="公开格式（名称或文件夹）；不填按工作簿基本信息的“公开格式”，再不填为默认格式")
    df.set_defaults(func=lambda a: __import__("compiler.diff", fromlist=["run"]).run(a))

    s = sub.add_parser("serve", help="启动本机网页：新建、检查并生成、下一年度、比较")
    s.add_argument("--host", default="127.0.0.1", help="监听地址（默认 127.0.0.1，只有本机能访问）")
    s.add_argument("--port", type=int, default=8765, help="端口（默认 8765）")
    s.add_argument("--open", action="store_true", help="启动后在浏览器中打开")
    s.set_defaults(func=lambda a: __import__("compiler.web", fromlist=["serve"]).serve(
        a.host, a.port, a.open))

    from .catalogs.importer import add_parser as add_catalog  # its logic lives in its own module
    add_catalog(sub)

    d = sub.add_parser("doctor", help="检查字体：是否已安装，能否显示工作簿中的每个字")
    d.add_argument("file", nargs="?", help="工作簿 .xlsx（可选）")
    d.set_defaults(func=cmd_doctor)
    return p


def main(argv: list[str] | None = None) -> int:
    from .files import OutputError, describe
    _tolerant_streams()
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `gongkai check … | head`: the reader left; say nothing
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())  # so the flush at exit does not fail again
        return 141
    except OutputError as exc:  # the environment, not gongkai: exit 2 with the path
        print(f"gongkai: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:  # likewise (a folder that vanished, a device error)
        if os.environ.get("GONGKAI_DEBUG"):
            raise
        print(f"gongkai: {describe(exc, verb='读写')}", file=sys.stderr)
        return 2
    except Exception as exc:  # never a traceback for users; GONGKAI_DEBUG=1 shows it
        if os.environ.get("GONGKAI_DEBUG"):
            raise
        print(f"gongkai: 内部错误（{type(exc).__name__}: {exc}）。请设置 GONGKAI_DEBUG=1 重试并报告此问题。",
              file=sys.stderr)
        return 3


if __name__ == "__main__":
    sys.exit(main())
