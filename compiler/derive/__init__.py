"""derive: pure functions from the checked Budget to the Views every back end renders.

table.py is the Table IR (columns with header paths, rows of cells); the 附表 are built from
dimensions.py (what the rows are), measures.py (what a column adds up), layouts.py (how rows and
columns make a table) and forms.py (the 绩效目标表); tables.py lists them in document order;
facts.py holds every number the narrative quotes, on the definitions of figures.py."""
from __future__ import annotations

from dataclasses import dataclass

from ..config import Config
from ..model import Budget
from .table import Table


@dataclass(frozen=True)
class Views:
    budget: Budget
    tables: list[Table]      # the 11 附表, in document order
    main_projects: Table     # 第二部分 二(三)
    facts: dict              # every number the narrative quotes
    profile: str = ""        # the profile (disclosure format) it was derived for


def derive(budget: Budget, catalog, config: Config) -> Views:
    from .facts import derive_facts, main_projects_table
    from .names import name_cells, resolve
    from .tables import derive_tables
    if any(True for _ in name_cells(budget)):
        # texts that name figures (「三公经费」) are printed with the figures filled in
        budget = resolve(budget, derive_facts(budget, catalog, config, []), config, catalog)
    tables = derive_tables(budget, catalog, config)
    return Views(budget, tables, main_projects_table(budget, config),
                 derive_facts(budget, catalog, config, tables),
                 config.profile.name if config.profile else "")
