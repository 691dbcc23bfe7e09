"""The engine's phases, one class each, in one registry (`PHASES`).

The built-in phases (registered when cleaner.rules is imported, through
`builtin`):

- text (in this order): `duplicates` (built in), `cut_after`, `drop_line`,
  `strip_inline`, `repeats` (built in);
- html (in this order): `drop`, `drop_heading` (inside a recognised layout's
  body, or on the whole page: layouts.py).

A new phase is a `Phase` subclass decorated with `@register` (see base.py):
the rule loader, `rules check` / `rules test`, the engine, `explain`,
`rules suggest` and the scaffold pick it up from the registry.
"""

from .base import PHASES, Key, Phase, Rule, register

__all__ = ["PHASES", "Key", "Phase", "Rule", "register"]
