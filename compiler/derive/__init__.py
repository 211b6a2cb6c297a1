"""derive: pure functions from the checked Budget to the Views every back end renders."""
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


def derive(budget: Budget, catalog, config: Config) -> Views:
    from .facts import derive_facts, main_projects_table
    from .tables import derive_tables
    tables = derive_tables(budget, catalog, config)
    return Views(budget, tables, main_projects_table(budget, config),
                 derive_facts(budget, catalog, config, tables))
