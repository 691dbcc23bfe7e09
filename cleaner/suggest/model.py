"""The data the suggester passes around: candidates, accepted and rejected rules, the draft."""

from __future__ import annotations

from dataclasses import dataclass, field


class SuggestError(Exception):
    """The crawl cannot be used. `code` is the CLI exit code: 2 a usage error
    (no such folder, the site cannot be told), 3 nothing to learn from."""

    def __init__(self, message: str, code: int = 2):
        super().__init__(message)
        self.code = code


@dataclass
class Candidate:
    """A text rule found in the crawl, before its examples and checks."""

    kind: str
    origin: str
    why: str
    pattern: str
    what: str  # short description for messages
    support: set[str]  # pages where the evidence was seen
    match_examples: list[str]
    hint: str = ""  # a word the must_not_match example should share, if possible
    extra: dict = field(default_factory=dict)
    expect: bool = False  # add an expect pair (strip_inline)
    tail: bool = False  # a cut_after of the closing block: the lines it cuts may read like sentences
    stories: int = 1  # distinct stories the support must come from (near-duplicate pages count once)


@dataclass
class SuggestedRule:
    """A validated rule of the draft with its evidence."""

    mode: str  # "text" or "html"
    kind: str  # the phase
    table: dict  # the TOML table (id, why, pattern/css, examples, ...)
    origin: str  # what found it: "repeated line", "line shape", "dateline", ...
    pages: list[str] = field(default_factory=list)  # pages it fired on
    example: str = ""  # one piece it removed (or node it selected)
    covered: int = 0  # pages where the generic rules already remove the same piece
    covered_by: tuple[str, ...] = ()

    @property
    def id(self) -> str:
        return self.table["id"]


@dataclass
class SuggestedLayout:
    """A layout of the draft: the body found on a group of pages, what
    recognises them, the node drops found inside that body, and the page of
    the crawl kept as its sample."""

    table: dict  # id, why, seen, detect, body, samples
    drops: list[SuggestedRule]
    pages: list[str]  # the crawl pages it recognises
    sample_html: str = field(default="", repr=False)  # the sample page, saved beside the draft

    @property
    def id(self) -> str:
        return self.table["id"]

    @property
    def sample_name(self) -> str:
        return self.table["samples"][0]


@dataclass
class Rejected:
    origin: str
    what: str
    reason: str


@dataclass
class Suggestion:
    """The draft for one site: its rules, what was rejected, and the crawl size."""

    site: str
    n_pages: int
    n_text: int
    n_html: int
    rules: list[SuggestedRule]  # text rules
    rejected: list[Rejected]
    signature: str | None = None
    source: str = ""
    need: int = 0  # pages a repeated line or shape had to be seen on
    total: int = 0  # pages in the crawl (more than n_pages when it was sampled)
    layouts: list[SuggestedLayout] = field(default_factory=list)
    rules_folders: tuple = ()  # the rule folders the draft runs under (shipped, --rules), as Cleaner takes them
    made_by: str = "`cleaner rules suggest`"  # what wrote the draft, for its header
