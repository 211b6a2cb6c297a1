"""Diagnostics: the compiler's voice. Every problem has a stable code, a severity, a location
(file, sheet, cell), a Chinese message and a hint; the registry below is the single list of
codes (docs/rules.md is generated from it)."""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from enum import Enum


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"

    @property
    def label(self) -> str:
        return "错误" if self is Severity.ERROR else "警告"


@dataclass(frozen=True)
class Rule:
    code: str
    severity: Severity
    title: str   # one line, Chinese: what the rule guards
    hint: str    # default hint when the diagnostic gives none
    family: str  # 文件 / 表头 / 金额 / … (for docs grouping)
    fatal: bool = False  # the file cannot be read at all: exit status 2


RULES: dict[str, Rule] = {}


def rule(code, severity, family, title, hint, fatal=False) -> Rule:
    if code in RULES:
        raise ValueError(f"duplicate rule code {code}")
    r = Rule(code, Severity(severity), title, hint, family, fatal)
    RULES[code] = r
    return r


E, W = "error", "warning"

# --- the file itself (exit 2) ---
rule("E-FILE-001", E, "文件", "文件不存在或无法打开", "请检查文件路径是否正确", fatal=True)
rule("E-FILE-002", E, "文件", "不是 Excel 工作簿（.xlsx、.xls 或 .et）", "请用 Excel 或 WPS 打开后“另存为” Excel 工作簿（*.xlsx）", fatal=True)
rule("E-FILE-003", E, "文件", "旧版格式（.xls、.et）的文件无法读取", "请用 Excel 或 WPS 打开后“另存为” Excel 工作簿（*.xlsx）", fatal=True)
rule("E-FILE-004", E, "文件", "工作簿设有打开密码（已加密）", "请在 Excel 中“文件 → 信息 → 保护工作簿 → 用密码进行加密”清除密码后另存", fatal=True)
rule("E-FILE-005", E, "文件", "工作簿已损坏，无法读取", "请用 Excel 或 WPS 打开并重新保存；仍不行请从备份恢复", fatal=True)
rule("E-FILE-006", E, "文件", "Strict Open XML 格式", "请在 Excel 中“另存为”，保存类型选“Excel 工作簿（*.xlsx）”，不要选“Strict Open XML 电子表格”", fatal=True)
rule("E-FILE-007", E, "文件", "文件过大或压缩结构异常（读取前拒绝）", "预算工作簿通常只有几百 KB：请删除图片和表格下方大量带格式的空行后，用 Excel 或 WPS 重新另存为 .xlsx", fatal=True)
rule("E-FILE-008", E, "文件", "工作表的内容区域过大（读取前拒绝）", "多半是远处误输入或粘贴的内容：在 Excel 中打开该工作表，按 Ctrl+End 跳到最后一个有内容的单元格，删除多余的行和列后保存", fatal=True)
rule("E-FILE-009", E, "文件", "处理超出时间或内存上限，已停止", "文件可能太大或结构异常：请删去不需要的内容（如大量空行、图片）后另存再试", fatal=True)
# --- structure ---
rule("E-SHEET-001", E, "表头", "缺少工作表", "请用 gongkai new 生成的模板，工作表名称不要修改")
rule("E-HEADER-001", E, "表头", "缺少列或列名被修改", "第 1 行是表头，请恢复模板中的列名（可从 gongkai new 生成的空白工作簿复制）")
rule("E-HEADER-002", E, "表头", "重复的列名", "同一工作表中每个列名只能出现一次")
rule("E-KV-001", E, "表头", "缺少必填项目", "请在“项目”列填写该项目名，并在“内容”列填写内容")
rule("W-KV-002", W, "表头", "未知的项目名", "请检查是否有错别字；未知项目不会被使用")
rule("E-CELL-001", E, "单元格", "公式没有计算结果", "该文件可能由程序生成且未经 Excel 计算；请直接填写数值，或用 Excel 或 WPS 打开并保存一次后核对该单元格显示的值")
rule("E-CELL-002", E, "单元格", "数据区域有合并单元格", "请取消合并，每行填写完整的一条记录")
rule("E-CELL-003", E, "单元格", "单元格是错误值或无效数值", "请修正产生 #N/A、#VALUE! 等错误的公式，或直接填写数值")
rule("E-CELL-004", E, "单元格", "文字超过 Excel 单元格的 32,767 个字符上限", "Excel 的一个单元格最多 32,767 个字符，超出部分在附表工作簿中会被截掉；请精简文字，或分成几条填写")
rule("W-CELL-005", W, "单元格", "文字列中是公式，按显示的内容读取", "文字请直接输入，如 100%；如需以等号开头（如 =100%），请先输入英文单引号：'=100%")
rule("W-CELL-006", W, "单元格", "文字中有双向控制字符，已去掉",
     "U+202E 等双向控制字符看不见，却会让文字倒着显示（如“机关〈U+202E〉gpj.exe”显示为“机关exe.jpg”）；"
     "gongkai 已在所有输出中去掉它们，请在工作簿中也删去（多半是从网页或其他文件复制来的）")
rule("W-SHEET-002", W, "表头", "工作表被隐藏，内容仍被读取", "隐藏的工作表照常读取和公开；不需要的内容请删除，而不是隐藏")
rule("W-ROW-001", W, "单元格", "隐藏的行仍被读取并计入合计", "隐藏的行照常读取、计入合计并公开；不需要的行请删除，而不是隐藏")
rule("E-REQ-001", E, "单元格", "必填项为空", "请填写该单元格")
# --- values ---
rule("E-AMOUNT-001", E, "金额", "金额为空", "请填写金额（单位为元）；没有金额的行请删除")
rule("E-AMOUNT-002", E, "金额", "金额不是数字", "请填写阿拉伯数字，单位为元，不要加逗号、空格、“万”等文字")
rule("E-AMOUNT-003", E, "金额", "金额超过两位小数", "金额以元为单位，最多保留两位小数（到分）")
rule("E-AMOUNT-004", E, "金额", "金额为负数", "预算金额不能为负数；调减请直接填写调减后的金额")
rule("E-AMOUNT-007", E, "金额", "金额超过上限", "金额单位为元，上限 999,999,999,999.99 元（9999 亿元）；请检查是否多输了数字")
rule("E-INT-001", E, "数值", "不是非负整数", "请填写 0 或正整数，如 16")
rule("E-NUM-001", E, "数值", "数量不是正数", "请填写大于 0 的数字")
rule("E-CODE-001", E, "编码", "编码格式不对", "编码只能由数字组成，请按文本格式填写（保留前导 0）")
rule("E-DATE-001", E, "数值", "日期格式不对", "请填写日期，如 2020-01-01")
rule("E-YEAR-001", E, "数值", "年度格式不对", "请填写四位年份，如 2020")
rule("E-ENUM-001", E, "取值", "取值不在可选范围内", "请从下拉列表中选择")
rule("E-LINE-001", E, "支出明细", "基本支出行填写了项目名称", "基本支出不属于任何项目，请清空项目名称；如是项目支出请把支出类型改为“项目支出”")
rule("E-LINE-002", E, "支出明细", "项目支出行缺少项目名称", "请填写“项目”表中的项目名称")
# --- the laid-out PDF (the build fails; the workbook is not at fault) ---
rule("E-LAYOUT-001", E, "排版", "PDF 排版后文字超出单元格或页面（不生成 PDF）",
     "列宽本应按内容算出，这是排版缺陷而不是工作簿的错误：请把这条信息报给 gongkai 的维护者；"
     "用了自定义模板（--templates）的，请检查其中的列宽、字号和页边距")


@dataclass
class Diagnostic:
    code: str
    message: str
    sheet: str | None = None
    cell: str | None = None        # "H12", or None for a whole sheet/file
    hint: str | None = None
    expected: str | None = None
    actual: str | None = None
    file: str | None = None
    row: int | None = None         # for ordering within a sheet
    extra: dict = field(default_factory=dict)

    def __post_init__(self):
        if self.code not in RULES:
            raise KeyError(f"unregistered rule code {self.code}")
        if self.hint is None:
            self.hint = RULES[self.code].hint
        if self.row is None and self.cell:
            digits = "".join(ch for ch in self.cell if ch.isdigit())
            self.row = int(digits) if digits else None

    @property
    def rule(self) -> Rule:
        if self.code not in RULES:  # made in a worker process: the checks register their rules
            from . import checks  # noqa: F401
        return RULES[self.code]

    @property
    def severity(self) -> Severity:
        return self.rule.severity

    @property
    def location(self) -> str:
        if self.sheet and self.cell:
            return f"{self.sheet}!{self.cell}"
        return self.sheet or ""

    def as_dict(self) -> dict:
        return {
            "code": self.code,
            "severity": self.severity.value,
            "file": self.file,
            "sheet": self.sheet,
            "cell": self.cell,
            "message": self.message,
            "hint": self.hint,
            "expected": self.expected,
            "actual": self.actual,
        }


def money_str(value: Decimal | None) -> str | None:
    """Amounts in messages read as in the tables: 1,234,567 or 1,234.50 (one formatter)."""
    from .render.format import yuan
    return None if value is None else yuan(value)


class Report:
    """Collects diagnostics; never stops at the first."""

    def __init__(self, file: str | None = None):
        self.file = file
        self.items: list[Diagnostic] = []

    def add(self, code: str, message: str, sheet: str | None = None, cell: str | None = None,
            **kw) -> Diagnostic:
        d = Diagnostic(code, message, sheet, cell, file=self.file, **kw)
        self.items.append(d)
        return d

    def extend(self, items) -> None:
        for d in items:
            d.file = d.file or self.file
            self.items.append(d)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.items if d.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.items if d.severity is Severity.WARNING]

    @property
    def fatal(self) -> bool:
        return any(d.rule.fatal for d in self.items)
