"""cleaner: strip boilerplate from scraped news pages and texts.

    >>> from cleaner import clean
    >>> clean("Suara.com - Isi berita.\nBaca Juga: Judul Lain").text
    'Isi berita.'
"""

from .api import Cleaner, CleanResult, clean, clean_many
from .page import Page, PageOutcome, Removal, Trace
from .rules import RuleError, load_rules

__all__ = ["Cleaner", "CleanResult", "Page", "PageOutcome", "Removal", "RuleError", "Trace", "clean", "clean_many", "load_rules"]
