"""A datatrove pipeline step: `CleanerStep` cleans each document's text.

    pip install 'cleaner[datatrove]'

    from cleaner.integrations.datatrove import CleanerStep
    pipeline = [JsonlReader("raw/"), CleanerStep(), JsonlWriter("clean/")]

Text in, text out: `doc.text` is replaced by the cleaned article body (HTML is
sniffed and extracted in the default `mode="auto"`), the site comes from the
URL in `doc.metadata[url_key]`, and `site`, `site_source`, `extractor` and (HTML
pages) `layout` and, on the generic path, `confidence` are written to `doc.metadata`. Stats (datatrove's `stats.json`): `total`,
`forwarded`, `dropped`, `dropped_empty`, `clean_error`, one `rule_<id>` per
rule that fired (its total is the number of pieces removed, its `n` the
number of documents), `site_<domain>` / `site_none`, and `extractor_<kind>`.

The step pickles small for Slurm and Ray: the rules are loaded on first use,
once per worker process (steps with the same rule folders share them).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

try:
    from datatrove.data import Document, DocumentsPipeline
    from datatrove.pipeline.base import PipelineStep
    from datatrove.utils.logging import logger
    from datatrove.utils.typeshelper import StatHints
except ImportError as exc:  # pragma: no cover - depends on the environment
    raise ImportError(
        "cleaner.integrations.datatrove needs datatrove: pip install 'cleaner[datatrove]'"
    ) from exc

from ..api import Cleaner, CleanResult

MODES = ("auto", "text", "html")
ON_ERROR = ("drop", "keep", "raise")


@lru_cache(maxsize=8)
def _shared_cleaner(rules_dirs: tuple[str, ...], shipped: bool, site_rules: bool = True,
                    learned: tuple[str, ...] = ()) -> Cleaner:
    """One Cleaner per rule set and process: tasks that a worker runs one
    after another (local executor, Ray workers) reuse it."""
    return Cleaner(rules_dirs, shipped=shipped, site_rules=site_rules, learned=learned)


class CleanerStep(PipelineStep):
    """Strip news boilerplate from `doc.text` with the cleaner's rules.

    Args:
        rules_dirs: user rule folders over (or instead of, with shipped=False)
            the shipped rules, as for `Cleaner(rules_dirs)`. They must be
            readable at the same path on every worker.
        site: force this site (domain) for every document instead of
            detecting it.
        url_key: the metadata key holding the page URL (default "url"); the
            site is detected from its host. Missing or empty: detection falls
            back to the text signature (and, for HTML, the page's canonical URL).
        mode: "auto" sniffs each document (HTML page or scraped text), "text"
            or "html" treat all documents as that kind.
        drop_empty: drop documents whose cleaned text is empty (counted as
            `dropped_empty`); when False they are passed on with empty text.
        on_error: what to do when cleaning a document raises: "drop" it
            (counted as `clean_error`, logged once), "keep" it unchanged
            (also counted) or "raise".
        shipped: also load the shipped rules (default True).
        site_rules: False runs the generic rules only (as --no-site-rules).
        learned: folders of rules learned from a batch (`cleaner clean
            --learn` writes OUT/.cleaner-learned), used even with
            site_rules=False; readable at the same path on every worker.
    """

    name = "🧹 cleaner"
    type = "✂️ - FORMAT"

    def __init__(
        self,
        rules_dirs: list[str | Path] | tuple = (),
        *,
        site: str | None = None,
        url_key: str = "url",
        mode: str = "auto",
        drop_empty: bool = True,
        on_error: str = "drop",
        shipped: bool = True,
        site_rules: bool = True,
        learned: list[str | Path] | tuple = (),
    ):
        super().__init__()
        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}, not {mode!r}")
        if on_error not in ON_ERROR:
            raise ValueError(f"on_error must be one of {ON_ERROR}, not {on_error!r}")
        if isinstance(rules_dirs, (str, Path)):
            rules_dirs = [rules_dirs]
        # Plain strings: the step is pickled to every worker and dumped to
        # executor.json; the Cleaner itself is built there, on first use.
        self.rules_dirs = tuple(str(d) for d in rules_dirs)
        self.site = site
        self.url_key = url_key
        self.mode = mode
        self.drop_empty = drop_empty
        self.on_error = on_error
        self.shipped = shipped
        self.site_rules = site_rules
        self.learned = tuple(str(d) for d in ([learned] if isinstance(learned, (str, Path)) else learned))
        self._cleaner: Cleaner | None = None
        self._warned_error = False

    @property
    def cleaner(self) -> Cleaner:
        """The Cleaner, built (or taken from this process's cache) on first use."""
        if self._cleaner is None:
            self._cleaner = _shared_cleaner(self.rules_dirs, self.shipped, self.site_rules, self.learned)
        return self._cleaner

    def __getstate__(self):
        # Never ship the loaded rules: each worker loads its own.
        state = self.__dict__.copy()
        state["_cleaner"] = None
        return state

    def clean_document(self, doc: Document) -> CleanResult:
        """Clean one document's text (without updating it)."""
        url = doc.metadata.get(self.url_key) or None
        options = {"url": str(url) if url is not None else None, "site": self.site}
        if self.mode == "text":
            return self.cleaner.clean(doc.text, **options)
        if self.mode == "html":
            return self.cleaner.clean_html(doc.text, **options)
        return self.cleaner.clean_page(doc.text, source=str(doc.id), **options)

    def run(self, data: DocumentsPipeline, rank: int = 0, world_size: int = 1) -> DocumentsPipeline:
        if data is None:
            return
        for doc in data:
            self.stat_update(StatHints.total)
            with self.track_time():
                try:
                    result = self.clean_document(doc)
                except Exception as exc:
                    if self.on_error == "raise":
                        raise
                    result = None
                    self._error(doc, exc)
                else:
                    self._count(result)
                    doc.text = result.text
                    doc.metadata["site"] = result.site
                    doc.metadata["site_source"] = result.site_source
                    doc.metadata["extractor"] = result.extractor
                    if result.layout is not None:
                        doc.metadata["layout"] = result.layout
                    if result.confidence is not None:
                        doc.metadata["confidence"] = round(result.confidence, 3)
            if result is None and self.on_error == "drop":
                self.stat_update(StatHints.dropped)
                continue
            if result is not None and not doc.text and self.drop_empty:
                self.stat_update(StatHints.dropped, "dropped_empty")
                continue
            self.stat_update(StatHints.forwarded)
            self.update_doc_stats(doc)
            yield doc

    def _error(self, doc: Document, exc: Exception) -> None:
        self.stat_update("clean_error")
        if not self._warned_error:
            action = "dropping" if self.on_error == "drop" else "keeping"
            logger.warning(
                f"cleaner: {type(exc).__name__}: {exc} on document {doc.id!r}; "
                f"{action} the documents that fail (logged once)"
            )
            self._warned_error = True

    def _count(self, result: CleanResult) -> None:
        for rule_id, count in result.fired.items():
            self.stat_update(f"rule_{rule_id}", value=count)
        self.stat_update(f"site_{result.site or 'none'}", f"extractor_{result.extractor}")


__all__ = ["CleanerStep"]
