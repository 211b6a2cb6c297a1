"""The IR: the workbook as pydantic models. Money is Decimal, codes are text, and every record
remembers its sheet, row and the cell of each field, so any later stage can point at the cell."""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Optional

from pydantic import BaseModel, ConfigDict, Field

from . import vocab


class Located(BaseModel):
    model_config = ConfigDict(frozen=True)
    sheet: str
    row: int
    refs: dict[str, str] = Field(default_factory=dict)

    def cell(self, field: str) -> str | None:
        return self.refs.get(field)

    def at(self, field: str) -> str:
        """'支出明细!H12'"""
        ref = self.refs.get(field)
        return f"{self.sheet}!{ref}" if ref else self.sheet


class Info(Located):
    dept_name: str
    dept_short: str = "本部门"
    year: int
    asset_date: Optional[date] = None
    publish_date: Optional[date] = None
    profile: Optional[str] = None   # 公开格式: the profile the document is published in
    first_publication: Optional[str] = None

    @property
    def is_first_publication(self) -> bool:
        """No 上年数 to compare with: the first year a department publishes its budget."""
        return self.first_publication == "是"

    @property
    def prev_year(self) -> int:
        return self.year - 1


class Staff(Located):
    staff_admin: int = 0
    staff_inst: int = 0
    staff_worker: int = 0
    staff_active: int = 0
    staff_retired: int = 0
    car_general: int = 0
    car_enforce: int = 0
    car_special: int = 0
    car_other: int = 0
    car_other_note: str = ""
    equip_general: int = 0
    equip_special: int = 0

    @property
    def staff_total(self) -> int:  # 编制总数 is derived, never entered
        return self.staff_admin + self.staff_inst + self.staff_worker

    @property
    def car_total(self) -> int:
        return self.car_general + self.car_enforce + self.car_special + self.car_other


class Unit(Located):
    code: str
    name: str
    kind: str
    funding: Optional[str] = None
    level: Optional[str] = None

    @property
    def is_admin(self) -> bool:
        """行政 and 参公 units: 行政 government classification, count for 机关运行经费."""
        return self.kind in vocab.ADMIN_UNIT_KINDS


class Numbered(Located):
    no: Optional[int] = None
    text: str


class Org(Located):
    no: Optional[int] = None
    name: str
    duty: Optional[str] = None


class Line(Located):
    unit: str
    func: str
    econ: str
    gov_econ: Optional[str] = None
    kind: str
    project: Optional[str] = None
    source: str
    amount: Decimal
    func_name: Optional[str] = None
    econ_name: Optional[str] = None

    @property
    def is_basic(self) -> bool:
        return self.kind == vocab.BASIC

    @property
    def is_general_budget(self) -> bool:
        return self.source in vocab.GENERAL_BUDGET_SOURCES

    @property
    def is_fiscal(self) -> bool:
        """财政拨款 in the narrow sense (表4, 表6 其中财政拨款)."""
        return self.source == "财政拨款"


class Project(Located):
    name: str
    unit: str
    category: str
    use: Optional[str] = None
    leader: Optional[str] = None
    contact: Optional[str] = None
    phone: Optional[str] = None
    start: Optional[date] = None
    end: Optional[date] = None
    total: Decimal
    prev_total: Optional[Decimal] = None
    prev_amount: Optional[Decimal] = None
    overview: Optional[str] = None
    basis: Optional[str] = None
    necessity: Optional[str] = None
    measures: Optional[str] = None
    plan: Optional[str] = None
    note: Optional[str] = None
    goal_total: Optional[str] = None
    goal_year: Optional[str] = None


class Indicator(Located):
    project: str
    level1: str
    level2: str
    level3: str
    target: Optional[str] = None


class Procurement(Located):
    unit: str
    func: str
    item: str
    catalog: str
    category: Optional[str] = None
    spec: Optional[str] = None
    measure: Optional[str] = None
    quantity: Optional[Decimal] = None
    amount: Decimal
    func_name: Optional[str] = None


class Prior(Located):
    item: str
    amount: Decimal
    reason: Optional[str] = None


class Task(Located):
    name: str
    content: Optional[str] = None
    projects: Optional[str] = None
    note: Optional[str] = None

    @property
    def project_names(self) -> list[str]:
        import re
        return [p.strip() for p in re.split(r"[、\n;；,，]", self.projects or "") if p.strip()]


class OverallIndicator(Located):
    level1: str
    level2: str
    level3: str
    target: Optional[str] = None
    explain: Optional[str] = None
    remark: Optional[str] = None


class TextSlot(Located):
    key: str
    text: Optional[str] = None


class Term(Located):
    no: Optional[int] = None
    term: str
    text: str


class Budget(BaseModel):
    """The whole workbook, validated field by field."""
    model_config = ConfigDict(frozen=True)
    file: str
    info: Info
    scope: Optional[str] = None   # 单位编码 when this is one unit's own document (for_unit)
    staff: Staff
    units: list[Unit] = []
    duties: list[Numbered] = []
    orgs: list[Org] = []
    lines: list[Line] = []
    projects: list[Project] = []
    indicators: list[Indicator] = []
    procurement: list[Procurement] = []
    prior: list[Prior] = []
    goals: list[Numbered] = []
    tasks: list[Task] = []
    overall_indicators: list[OverallIndicator] = []
    texts: list[TextSlot] = []
    glossary: list[Term] = []

    def unit(self, code: str) -> Unit | None:
        return next((u for u in self.units if u.code == code), None)

    def project(self, name: str) -> Project | None:
        return next((p for p in self.projects if p.name == name), None)

    def text(self, key: str) -> str | None:
        return next((t.text for t in self.texts if t.key == key), None)

    def for_unit(self, code: str, short: str = "本单位") -> "Budget":
        """The part of the workbook a unit publishes as its own 单位预算公开: its lines,
        projects (with their indicators), 政府采购 and the tasks its projects serve. The
        department's 上年数 and 整体绩效 goals and indicators are left out (they are not the
        unit's); *short* is how the narrative calls the publisher (本单位)."""
        unit = self.unit(code)
        if unit is None:
            raise KeyError(code)
        projects = [p for p in self.projects if p.unit == code]
        names = {p.name for p in projects}
        return self.model_copy(update={
            "scope": code, "info": self.info.model_copy(update={"dept_short": short}),
            "units": [unit], "lines": [ln for ln in self.lines if ln.unit == code],
            "projects": projects, "indicators": [i for i in self.indicators if i.project in names],
            "procurement": [p for p in self.procurement if p.unit == code],
            "tasks": [t for t in self.tasks if names & set(t.project_names)],
            "prior": [], "goals": [], "overall_indicators": []})


# sheet name -> (Budget field, model class) for table sheets
TABLE_MODELS: dict[str, tuple[str, type[Located]]] = {
    "单位": ("units", Unit),
    "部门职责": ("duties", Numbered),
    "内设机构": ("orgs", Org),
    "支出明细": ("lines", Line),
    "项目": ("projects", Project),
    "绩效指标": ("indicators", Indicator),
    "政府采购": ("procurement", Procurement),
    "上年数": ("prior", Prior),
    "整体绩效目标": ("goals", Numbered),
    "整体绩效任务": ("tasks", Task),
    "整体绩效指标": ("overall_indicators", OverallIndicator),
    "说明文字": ("texts", TextSlot),
    "名词解释": ("glossary", Term),
}
