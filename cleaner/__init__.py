"""cleaner: strip boilerplate from scraped news pages and texts.

    >>> from cleaner import clean
    >>> clean("Suara.com - Isi berita.\nBaca Juga: Judul Lain").text
    'Isi berita.'
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("cleaner")
except PackageNotFoundError:  # a source tree that was never installed
    __version__ = "0+unknown"

from .api import Cleaner, CleanResult, PageTimeoutError, clean, clean_many  # noqa: E402 (after __version__, which cli.py imports)
from .page import Page, PageOutcome, Removal, Trace
from .rules import RuleError, load_rules

__all__ = ["__version__", "Cleaner", "CleanResult", "PageTimeoutError", "Page", "PageOutcome", "Removal", "RuleError", "Trace", "clean", "clean_many", "load_rules"]
