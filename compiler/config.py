"""Template data (templates/document.toml), with a user's --templates folder laid over it.

Derive and render take the loaded Config as an argument; nothing below reads files later."""
from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from .resources import templates_root

DEFAULT_TEMPLATES = templates_root()
CONFIG_FILE = "document.toml"


class ConfigError(Exception):
    pass


def _merge(base: dict, over: dict) -> dict:
    out = dict(base)
    for k, v in over.items():
        out[k] = _merge(out[k], v) if isinstance(v, dict) and isinstance(out.get(k), dict) else v
    return out


@dataclass(frozen=True)
class Config:
    data: dict
    template_dirs: tuple[Path, ...]  # override first, then the default

    def table(self, number: str) -> dict:
        return self.data.get("tables", {}).get(str(number), {})

    @property
    def skeleton(self) -> list[tuple[str, list[str]]]:
        return [(s["level1"], list(s["level2"])) for s in self.data.get("performance", {}).get("skeleton", [])]

    @property
    def prior_change_threshold(self):
        from decimal import Decimal
        return Decimal(str(self.data.get("checks", {}).get("prior_change_threshold", 0)))


def fill(text: str, **values) -> str:
    """Replace {键} placeholders of template data; unknown keys stay visible (and get checked)."""
    for k, v in values.items():
        text = text.replace("{" + k + "}", str(v))
    return text


def load_config(override: Path | None = None) -> Config:
    def read(path: Path) -> dict:
        try:
            return tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise ConfigError(f"模板数据文件 {path} 无法读取：{exc}") from exc

    data = read(DEFAULT_TEMPLATES / CONFIG_FILE)
    dirs = [DEFAULT_TEMPLATES]
    if override is not None:
        if not override.is_dir():
            raise ConfigError(f"模板文件夹不存在：{override}")
        if (override / CONFIG_FILE).exists():
            data = _merge(data, read(override / CONFIG_FILE))
        dirs.insert(0, override)
    return Config(data, tuple(dirs))
