"""The workbook contract (spec/workbook.md v1) as data.

The reader, the blank-workbook writer, the checks and docs/workbook.md are all driven by
this one table, so they cannot disagree about a sheet name, a header or an enumeration.
"""
from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from .. import vocab


class Kind(str, Enum):
    TEXT = "text"          # short text
    LONGTEXT = "longtext"  # paragraphs allowed
    CODE = "code"          # digits kept as text (leading zeros matter)
    MONEY = "money"        # 元, Decimal, <= 2 decimals, >= 0
    INT = "int"            # non-negative integer
    NUMBER = "number"      # positive Decimal (quantities)
    DATE = "date"          # yyyy-mm-dd
    YEAR = "year"          # four-digit year


# Drop-down lists of the workbook, by the name a Column's ``enum`` gives. The values are the
# domain vocabulary (compiler/vocab.py); the contract only says which column takes which list.
ENUMS: dict[str, tuple[str, ...]] = {
    "单位类型": vocab.UNIT_KINDS,
    "经费形式": vocab.FUNDING_FORMS,
    "级次": vocab.UNIT_LEVELS,
    "支出类型": vocab.EXPENSE_KINDS,
    "资金来源": vocab.SOURCES,
    "项目类别": vocab.PROJECT_CATEGORIES,
    # 资金用途 is a suggestion list: the spec calls it free, so it is offered, not enforced.
    "资金用途": vocab.FUND_USES,
    "采购类别": vocab.PROCUREMENT_CATEGORIES,
    "是否": ("是", "否"),
    "上年数指标": vocab.PRIOR_ITEMS,
}

# Enumerations whose values are only suggested (drop-down without an error alert).
OPEN_ENUMS = {"资金用途"}


@dataclass(frozen=True)
class Column:
    header: str
    field: str
    kind: Kind = Kind.TEXT
    required: bool = False
    enum: str | None = None
    hint: str = ""
    width: int = 14  # in Excel character units; CJK characters count double
    optional: bool = False  # the column itself may be absent from a workbook


@dataclass(frozen=True)
class Key:
    """One row of a key–value sheet."""
    key: str
    field: str
    kind: Kind = Kind.TEXT
    required: bool = False
    hint: str = ""
    default: str = ""
    enum: str | None = None

    @property
    def header(self) -> str:  # what messages call the cell, as for a Column
        return self.key


@dataclass(frozen=True)
class Sheet:
    name: str
    purpose: str
    columns: tuple[Column, ...] = ()
    keys: tuple[Key, ...] = ()
    optional: bool = False  # whole sheet may be absent (added after v1)

    @property
    def is_kv(self) -> bool:
        return bool(self.keys)

    @property
    def headers(self) -> tuple[str, ...]:
        if self.is_kv:
            return KV_HEADERS
        return tuple(c.header for c in self.columns)

    @property
    def required_headers(self) -> tuple[str, ...]:
        return tuple(c.header for c in self.columns if not c.optional)


KV_HEADERS = ("项目", "内容")


def _c(header, field, kind=Kind.TEXT, required=False, enum=None, hint="", width=14,
       optional=False):
    return Column(header, field, kind, required, enum, hint, width, optional)


SHEETS: tuple[Sheet, ...] = (
    Sheet("基本信息", "部门名称、预算年度等基本信息（两列：项目 | 内容）。", keys=(
        Key("部门名称", "dept_name", required=True, hint="如：郑州市商务局"),
        Key("部门简称", "dept_short", hint="正文中对本部门的称呼，如：我局；不填则为“本部门”",
            default="本部门"),
        Key("预算年度", "year", Kind.YEAR, required=True, hint="四位年份，如 2020；上年由此推出"),
        Key("资产统计截止日期", "asset_date", Kind.DATE, hint="如 2019-12-31"),
        Key("公开日期", "publish_date", Kind.DATE, hint="可不填；填写后用作 PDF 的日期"),
        Key("公开格式", "profile", hint="公开文件的格式（profile），如 zhengzhou-2020、standard；"
            "不填为 zhengzhou-2020（gongkai profiles 列出全部）"),
        Key("首次公开", "first_publication", hint="本年是首次公开部门预算（没有上年数）时填“是”；否则不填",
            enum="是否"),
    )),
    Sheet("单位", "本部门及所属预算单位，每行一个单位。", columns=(
        _c("单位编码", "code", Kind.CODE, True, hint="如 031001，按文本填写，保留前导 0", width=12),
        _c("单位名称", "name", required=True, hint="单位全称，与各表一致", width=34),
        _c("单位类型", "kind", required=True, enum="单位类型",
           hint="决定政府经济分类和是否计入机关运行经费", width=26),
        _c("经费形式", "funding", enum="经费形式", width=12),
        _c("级次", "level", enum="级次", width=10),
    )),
    Sheet("部门职责", "部门主要职责（根据“三定”规定），每行一条。", columns=(
        _c("序号", "no", Kind.INT, width=8),
        _c("职责内容", "text", Kind.LONGTEXT, True, hint="一条职责一行，可写多句", width=90),
    )),
    Sheet("内设机构", "内设机构及其主要职责，每行一个机构。", columns=(
        _c("序号", "no", Kind.INT, width=8),
        _c("机构名称", "name", required=True, width=30),
        _c("主要职责", "duty", Kind.LONGTEXT, hint="可不填", width=90),
    )),
    Sheet("人员车辆资产", "人员编制、车辆和大型设备（两列：项目 | 内容）；合计由程序计算。", keys=(
        Key("行政编制", "staff_admin", Kind.INT, hint="人数，非负整数"),
        Key("事业编制", "staff_inst", Kind.INT, hint="人数，非负整数"),
        Key("工勤编制", "staff_worker", Kind.INT, hint="人数，非负整数"),
        Key("在职人员", "staff_active", Kind.INT, hint="人数，非负整数"),
        Key("离退休人员", "staff_retired", Kind.INT, hint="人数，非负整数"),
        Key("一般公务用车", "car_general", Kind.INT, hint="辆"),
        Key("一般执法执勤用车", "car_enforce", Kind.INT, hint="辆"),
        Key("特种专业技术用车", "car_special", Kind.INT, hint="辆"),
        Key("其他用车", "car_other", Kind.INT, hint="辆"),
        Key("其他用车说明", "car_other_note", hint="如：机要通信用车、应急保障用车"),
        Key("单价50万元以上通用设备", "equip_general", Kind.INT, hint="台（套）"),
        Key("单价100万元以上专用设备", "equip_special", Kind.INT, hint="台（套）"),
    )),
    Sheet("支出明细", "支出明细：每行一笔预算支出。所有表格和金额都由此计算，只填一次。", columns=(
        _c("单位编码", "unit", Kind.CODE, True, hint="须为“单位”表中的编码", width=12),
        _c("功能科目编码", "func", Kind.CODE, True, hint="7 位项级科目编码，如 2011301", width=14),
        _c("部门经济分类编码", "econ", Kind.CODE, True, hint="5 位款级编码，如 30101", width=16),
        _c("政府经济分类编码", "gov_econ", Kind.CODE,
           hint="5 位编码；可不填，按单位类型自动对应", width=16),
        _c("支出类型", "kind", required=True, enum="支出类型", width=12),
        _c("项目名称", "project", hint="项目支出必填，须为“项目”表中的名称；基本支出不填", width=34),
        _c("资金来源", "source", required=True, enum="资金来源", width=26),
        _c("金额", "amount", Kind.MONEY, True, hint="单位为元，阿拉伯数字，最多两位小数", width=16),
        _c("功能科目名称", "func_name", hint="可选；科目目录中没有的编码请填写名称（表格使用该名称），有的须与目录一致",
           width=28, optional=True),
        _c("部门经济分类名称", "econ_name", hint="可选；科目目录中没有的编码请填写名称（表格使用该名称），有的须与目录一致",
           width=20, optional=True),
    )),
    Sheet("项目", "预算项目及其绩效目标表文字，每行一个项目；本年度金额由支出明细计算。", columns=(
        _c("项目名称", "name", required=True, width=34),
        _c("单位编码", "unit", Kind.CODE, True, width=12),
        _c("项目类别", "category", required=True, enum="项目类别", width=24),
        _c("资金用途", "use", enum="资金用途", width=20),
        _c("项目负责人", "leader", width=16),
        _c("联系人", "contact", width=12),
        _c("联系电话", "phone", width=14),
        _c("开始日期", "start", Kind.DATE, width=12),
        _c("结束日期", "end", Kind.DATE, width=12),
        _c("项目总金额", "total", Kind.MONEY, True, hint="元；不小于本年度金额", width=16),
        _c("上年度项目总金额", "prev_total", Kind.MONEY, width=16),
        _c("上年度金额", "prev_amount", Kind.MONEY, width=16),
        _c("项目概况", "overview", Kind.LONGTEXT, width=40),
        _c("立项依据", "basis", Kind.LONGTEXT, width=40),
        _c("项目设立的必要性", "necessity", Kind.LONGTEXT, width=40),
        _c("项目配套制度措施", "measures", Kind.LONGTEXT, width=40),
        _c("项目实施计划", "plan", Kind.LONGTEXT, width=40),
        _c("备注", "note", Kind.LONGTEXT, width=20),
        _c("项目总目标", "goal_total", Kind.LONGTEXT, width=40),
        _c("年度绩效目标", "goal_year", Kind.LONGTEXT, width=40),
    )),
    Sheet("绩效指标", "项目绩效指标，每行一个三级指标。", columns=(
        _c("项目名称", "project", required=True, width=34),
        _c("一级指标", "level1", required=True, width=16),
        _c("二级指标", "level2", required=True, width=14),
        _c("三级指标", "level3", required=True, width=34),
        _c("目标值", "target", width=20),
    )),
    Sheet("政府采购", "政府采购预算，每行一个采购项目。", columns=(
        _c("单位编码", "unit", Kind.CODE, True, width=12),
        _c("功能科目编码", "func", Kind.CODE, True, width=14),
        _c("采购项目", "item", required=True, width=22),
        _c("采购目录", "catalog", required=True, hint="品目名称或编码，如 计算机、A02010104", width=24),
        _c("采购类别", "category", enum="采购类别", hint="可不填，由采购目录推出", width=10),
        _c("规格", "spec", width=12),
        _c("计量单位", "measure", width=10),
        _c("数量", "quantity", Kind.NUMBER, hint="正数", width=8),
        _c("金额", "amount", Kind.MONEY, True, hint="元", width=14),
        _c("功能科目名称", "func_name",
           hint="可选；科目目录中没有的编码请填写名称（或在支出明细中用同一编码填写），有的须与目录一致", width=28, optional=True),
    )),
    Sheet("上年数", "上年预算数，用于说明增减变化；增减由程序计算。", columns=(
        _c("指标", "item", required=True, enum="上年数指标", width=22),
        _c("上年预算数", "amount", Kind.MONEY, True, hint="元", width=16),
        _c("增减原因", "reason", Kind.LONGTEXT, hint="有增减时必填", width=60),
    )),
    Sheet("整体绩效目标", "部门整体绩效：年度总体目标，每行一条。", columns=(
        _c("序号", "no", Kind.INT, width=8),
        _c("目标内容", "text", Kind.LONGTEXT, True, width=90),
    )),
    Sheet("整体绩效任务", "部门整体绩效：年度主要任务；金额由关联项目计算。", columns=(
        _c("任务名称", "name", required=True, width=20),
        _c("主要内容", "content", Kind.LONGTEXT, width=30),
        _c("关联项目", "projects", Kind.LONGTEXT, hint="项目名称，用“、”或换行分隔", width=50),
        _c("备注", "note", width=20),
    )),
    Sheet("整体绩效指标", "部门整体绩效指标，每行一个三级指标。", columns=(
        _c("一级指标", "level1", required=True, width=14),
        _c("二级指标", "level2", required=True, width=18),
        _c("三级指标", "level3", required=True, width=26),
        _c("指标值", "target", width=12),
        _c("指标解释", "explain", Kind.LONGTEXT, width=40),
        _c("指标说明", "remark", Kind.LONGTEXT, width=50),
    )),
    Sheet("说明文字", "正文中插入的说明文字（键 | 内容）；键由模板声明。", columns=(
        _c("键", "key", required=True, width=34),
        _c("内容", "text", Kind.LONGTEXT, width=90),
    )),
    Sheet("名词解释", "第三部分 名词解释，每行一个名词。", columns=(
        _c("序号", "no", Kind.INT, width=8),
        _c("名词", "term", required=True, width=20),
        _c("解释", "text", Kind.LONGTEXT, True, width=90),
    )),
)

SHEET_BY_NAME = {s.name: s for s in SHEETS}


def column_letter(index: int) -> str:
    """0-based column index -> Excel letters."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def col_of(sheet: str, field_name: str) -> str:
    """Letter of a column in the canonical layout (used when a row is missing a cell)."""
    for i, c in enumerate(SHEET_BY_NAME[sheet].columns):
        if c.field == field_name:
            return column_letter(i)
    raise KeyError(field_name)
