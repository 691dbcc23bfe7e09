"""Importing this module registers the built-in phases (cleaner.rules does)."""

from . import duplicates, html_nodes, lines, rejoin, strip_inline  # noqa: F401
