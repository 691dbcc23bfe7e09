"""cleaner: strip boilerplate from scraped news pages and texts.

    >>> from cleaner import clean
    >>> clean("Suara.com - Isi berita.\nBaca Juga: Judul Lain").text
    'Isi berita.'
"""

from .api import Cleaner, CleanResult, clean, clean_many
from .rules import RuleError, load_rules
from .text import Removal

__all__ = ["Cleaner", "CleanResult", "Removal", "RuleError", "clean", "clean_many", "load_rules"]
