"""Importing this module registers the built-in phases (cleaner.rules does)."""

from . import duplicates, html_nodes, lines, strip_inline  # noqa: F401
