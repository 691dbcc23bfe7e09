"""What goes into the engine and what comes out of it, as plain typed data.

A `Page` goes in: its content (bytes or text) and what is known about it
(kind, URL, a site the user named, where it came from). A `PageOutcome`
comes out: the cleaned text and how it was obtained (site and how it was
detected, the extractor, the body rule, every piece removed with its rule,
timings) or the error. Both are immutable and picklable: the same objects
travel from a batch's parent to its workers and back, and the manifest, the
JSONL output, `explain` and the API all read the outcome.

When asked for (`trace=True`), the outcome also carries a `Trace`: what
each phase did, line by line and node by node, recorded while the engine
ran. `explain` renders it; nothing is run a second time to explain a page.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePath, PurePosixPath
from typing import Any

#: Page kinds.
HTML, TEXT = "html", "text"

#: Outcome statuses: cleaned, failed, or (in a batch) an input whose id an
#: earlier input already took.
OK, ERROR, DUPLICATE = "ok", "error", "duplicate"

#: Extractors (PageOutcome.extractor): the lines of a scraped text; an HTML
#: page's body picked by a site's body rule; the generic extractor
#: (trafilatura); the content of a page too big or too deep for trafilatura, rendered.
TEXT_LINES, SITE_BODY, GENERIC, GENERIC_LARGE = "text", "site-body", "generic", "generic-large"
#: PageOutcome.layout of an HTML page that no layout of its site recognised
#: (or of a site without layouts): the generic path cleaned it.
GENERIC_LAYOUT = "generic"

#: What kind of failure an error is (PageOutcome.failure).
FAILURES = ("input", "timeout", "crashed", "write", "storage_full", "internal", "unsafe_id")


@dataclass(frozen=True, slots=True)
class Line:
    """One whitespace-normalised line the text phases work on."""

    number: int  # 1-based: the input line (text page) or the rendered line (HTML page)
    text: str


@dataclass(frozen=True, slots=True)
class Removal:
    """A piece of the page removed by a rule. `line` is the 1-based number of
    the line it came from (0 for an HTML node)."""

    rule_id: str
    phase: str
    line: int
    text: str


@dataclass(frozen=True)
class Page:
    """One page for the engine.

    `data` is the content as read (bytes are decoded by the engine, once);
    `kind` is "html" or "text" (None: sniffed once from the content). `path`
    is the page's path relative to the input root (its first folder may name
    the site), `site` a site the user named for it, `source` its name in
    messages. In a batch a page also has an `id` (its output name) and may be
    a `file` not read yet (`load()` reads it) or a record that could not be
    read (`error`). `fields` are the other fields of an export's record (or
    of a record given to `clean_many`), carried to its output record."""

    data: bytes | str | None
    kind: str | None = None
    url: str | None = None
    site: str | None = None
    path: PurePath | None = None
    source: str = "<page>"
    id: str | None = None
    file: Path | None = None
    error: str | None = None
    fields: Mapping[str, Any] | None = None

    @property
    def relpath(self) -> PurePath | None:
        """The path site detection reads: the given one, else the batch id."""
        if self.path is not None:
            return self.path
        return PurePosixPath(self.id) if self.id else None

    def replace(self, **changes) -> Page:
        return dataclasses.replace(self, **changes)


@dataclass(frozen=True, slots=True)
class Piece:
    """An inline piece a rule cut from a line, and what it put in its place."""

    rule_id: str
    text: str
    replacement: str = ""
    phase: str = "strip_inline"  # the phase that made the change


#: What became of a line (LineFate.status): JOINED is a fragment of a
#: paragraph a scraper split, joined into the line `into` (the rejoin phase).
KEPT, REMOVED, CHANGED, JOINED = "kept", "removed", "changed", "joined"


@dataclass(slots=True)
class LineFate:
    """One line as the text phases first saw it, and what became of it."""

    number: int
    text: str
    status: str = KEPT
    rules: list[str] = field(default_factory=list)  # the rule(s) that removed or changed it
    phase: str | None = None  # the phase that removed it
    pieces: list[Piece] = field(default_factory=list)  # inline pieces cut from it
    output: str | None = None  # the line in the cleaned text (kept or changed)
    recovered: bool = False  # a piece only a glued duplicate of the page held, put back as its own line
    into: int | None = None  # JOINED: the number of the line it was joined into


@dataclass(frozen=True, slots=True)
class Note:
    """A decision of the engine: which site, layout, body, extractor, and why."""

    stage: str  # "site", "body", "extractor", ...
    text: str


@dataclass(slots=True)
class Trace:
    """What the engine did to one page, recorded as it ran."""

    notes: list[Note] = field(default_factory=list)
    nodes: list[Removal] = field(default_factory=list)  # HTML nodes dropped, in order
    lines: list[LineFate] = field(default_factory=list)  # every line the text phases saw, in page order

    def note(self, stage: str, text: str) -> None:
        self.notes.append(Note(stage, text))

    def notes_of(self, stage: str) -> list[str]:
        return [n.text for n in self.notes if n.stage == stage]


@dataclass(frozen=True)
class PageOutcome:
    """What cleaning one page gave: the text and how it was obtained, or the error.

    This is also the public API's `CleanResult`."""

    text: str = ""  # the article body, one paragraph per line, no trailing newline
    site: str | None = None  # the detected site, None when only generic rules ran
    site_source: str | None = None  # "option", "url", "folder", "signature" or None
    removed: tuple[Removal, ...] = ()
    url: str | None = None  # the page URL, given or (HTML) declared by the page
    # "text", "site-body" (an HTML body rule matched), "generic" (trafilatura) or
    # "generic-large" (a page too big or too deep for trafilatura: its content rendered)
    extractor: str = "text"
    # HTML pages: the id of the site layout that recognised the page (its body
    # rendered, its rules run), or "generic"; None for a scraped text.
    layout: str | None = None
    layouts_tried: tuple[str, ...] = ()  # the site's layouts that did not match the page, and why
    reason: str = ""  # one line: which layout and body, or why none and what the generic extractor did (HTML pages)
    # Pages of the generic path: how good the extraction is likely to be, an
    # estimate of its token F1 (0-1) calibrated on labelled pages (content_score.py);
    # None for a scraped text or a layout's body.
    confidence: float | None = None
    candidates: tuple = field(default=(), repr=False, compare=False)  # the generic extractor's candidates (extract.Candidate)
    # HTML pages: what the page says about itself (title, authors, date,
    # description, site name, language, canonical URL: metadata.Metadata);
    # None for a scraped text or with Cleaner(metadata=False).
    metadata: Any = None
    status: str = OK
    error: str | None = None  # one line naming the page and the problem
    failure: str | None = None  # the kind of error, one of FAILURES
    id: str | None = None  # the page's id in a batch (or the id of a record given to clean_many)
    source: str | None = None  # the page's name in messages
    kind: str | None = None  # "html" or "text", as cleaned
    chars_in: int = 0
    timings: tuple[tuple[str, float], ...] = ()  # seconds per stage: decode, parse, html, text
    # The numbered lines the text phases started from (the page's lines, or
    # the rendered body of an HTML page): what `removed[].line` refers to.
    input_lines: tuple[Line, ...] = field(default=(), repr=False, compare=False)
    trace: Trace | None = field(default=None, repr=False, compare=False)
    # The input record's other fields (an export's columns, the keys of a
    # mapping given to clean_many), as they came: carried to the output record.
    fields: Mapping[str, Any] | None = None

    @property
    def ok(self) -> bool:
        return self.status == OK

    @property
    def body_rule(self) -> str | None:
        """The layout whose body selector picked the body (extractor "site-body"), else None."""
        return self.layout if self.extractor == SITE_BODY else None

    @property
    def fired(self) -> dict[str, int]:
        """How many pieces each rule removed."""
        return dict(Counter(r.rule_id for r in self.removed))

    @property
    def chars_out(self) -> int:
        return len(self.text)

    def replace(self, **changes) -> PageOutcome:
        return dataclasses.replace(self, **changes)


def failed(page: Page, error: str, failure: str) -> PageOutcome:
    """The outcome of a page that could not be cleaned."""
    data = page.data or ""
    return PageOutcome(
        status=ERROR, error=error, failure=failure, id=page.id, source=page.source, url=page.url,
        kind=page.kind, chars_in=len(data), fields=page.fields,
    )
