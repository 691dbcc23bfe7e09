"""Draft a site rule file from a crawl of that site (`cleaner rules suggest`).

The input is a folder (or export) of pages of one site, text or HTML; no gold.
What a template adds to its pages shows up as repetition across the crawl, or
as a shape the generic rules' vocabulary knows:

* **repeated lines**: a whole line (whitespace-normalised; case and leading
  bullets ignored) on a large share of the pages (`min_share`, 20%) ->
  `drop_line` with the escaped line; `cut_after` when it always sits in the
  closing block and what follows it there reads as template (short, or worded
  like the lines after it on other pages), e.g. "*) Disclaimer:";
* **line shapes**: a marker before a colon followed by varying text ("Baca
  juga: <title>") -> `drop_line` on `<marker>\\s*:.*`; heads of the generic
  vocabulary without a colon ("Berita lain terkait <tag>") on two pages;
* **datelines**: first-line prefixes sharing a shape ("Bisnis.com, JAKARTA - ",
  "Bisnis.com, SOLO - "): outlet names literal, places generalised, a part
  present on some pages only made optional; a pull-quote teaser glued before
  the dateline (words the story repeats) goes with it -> `strip_inline`,
  `scope = "first_line"`;
* **trailing markers**: a piece glued to the end of the last paragraph on many
  pages, after varying story words -> `strip_inline` anchored at `$`;
* **end marks**: a staff code, initials or credit in parentheses ("(K24)",
  "(abc/def)") ending the article: alone on a line -> `drop_line`; followed on
  its line only by template -> `strip_inline` of it and the rest of the line;
* **inline promos**: "Baca juga:" glued inside paragraphs where the site's
  promoted titles are in sentence case (seen in its whole-line promos): the
  title ends where the next sentence starts;
* for HTML pages, **node rules**: the element holding most of the paragraph
  text on most pages, matching one node -> `[[html.body]]`; block elements
  inside it on many pages whose text is link-dense, repeated or named like a
  promo/caption -> `[[html.drop]]`; a first paragraph repeating the page title
  -> `[[html.drop]]` by its shape. The text candidates are then looked for in
  the lines rendered from that body.

Support is counted in distinct stories: near-duplicate pages (a story and its
update, a serial article) count once. Every candidate is validated before it
is written: it must load with the project's loader, its examples (from the
crawl; `must_not_match` is a real body line of the crawl) must pass, and, run
after the rules accepted before it and with the generic rules on the crawl,
it must not remove body-like lines (eight words or more with sentence
punctuation) on more than one page or a tenth of its pages, nor more than
half of any page's words. A piece of a line that the generic rules already
remove on every page is left out (run before them, a site rule could only
take less). The draft carries `# evidence:` comments per rule: on how many
pages it fired, an example, and on how many of them the same piece goes
without it (generic rules, built-in duplicate step).
"""

from __future__ import annotations

import html as htmlmod
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from selectolax.lexbor import LexborHTMLParser, LexborNode

from . import html as H
from .io import decode
from .rules import (
    SHIPPED_RULES,
    TEXT_PHASES,
    HtmlRule,
    Rule,
    RuleFile,
    _load_html_rule,
    _load_rule,
    load_file,
    load_rules,
)
from .ruletest import check_rule
from .sites import folder_domain, host_of
from .text import Line, Removal, apply_rule, drop_scrape_duplicates, normalise, run_phases, split_lines

__all__ = ["Suggestion", "SuggestedRule", "SuggestError", "suggest", "suggest_pages", "load_crawl"]

#: Default share of the crawl's pages a repeated line / shape must be seen on.
MIN_SHARE = 0.2
#: ... and never fewer pages than this (a crawl of fewer pages needs all of them).
MIN_PAGES = 3
#: Larger crawls are sampled down to this many pages (evenly spread).
MAX_PAGES = 500

_SENTENCE_END = re.compile(r"""[.!?][)"”’']?(?=\s|$|[A-Z"“])""")  # also where a scrape glued the next sentence on
_WORD_RE = re.compile(r"\w+")
_TLD = r"(?:co\.id|com|co|id|net|org|tv|news)"
_DASH = r"\s*(?:--?|[–—])(?![a-z])\s*"  # the dateline dash, never a hyphen inside a word

#: Known end-mark shapes (staff codes, initials, credits in parentheses), from
#: the generic rules' vocabulary; the first that matches names the class.
END_MARKS: tuple[tuple[str, str], ...] = (
    ("staff code", r"\([A-Z]{1,3}\d{1,3}\)"),
    ("staff initials", r"\((?:[a-z]{1,6}\d{0,3}/)*(?:[a-z]{1,6}\d{0,3}|\*)\)"),
    ("initials and name", r"\((?:[a-z]{1,6}\d{0,3}/)+[A-Z][\w.'-]*(?: [A-Z][\w.'-]*){0,4}\)"),
    ("credit", r"\([A-Z][\w'.-]*(?:(?: |/ ?|, )[A-Z][\w'.-]*){1,5}\)"),
    ("end mark", r"\(\*+\)"),
)

#: Class names and texts that mark an element as a promo, caption or widget
#: (the vocabulary of the generic node rules).
_NOISE_CLASS = re.compile(
    r"(?i)baca|related|terkait|caption|credit|share|sosmed|social|tags?\b|promo|banner|newsletter|widget|"
    r"advert|iklan|recommend|populer|popular|terpopuler|lainnya|readmore|read-more|sponsor"
)
_NOISE_TEXT = re.compile(
    r"(?i)^(?:baca|lihat|simak|tonton|saksikan|cek)(?: juga| pula| selengkapnya)?\b|^(?:berita|artikel) (?:terkait|lainnya)|"
    r"^(?:tags?|topik)\b|advertisement|^iklan\b|google news|whatsapp channel"
)


class SuggestError(Exception):
    """The crawl cannot be used. `code` is the CLI exit code: 2 a usage error
    (no such folder, the site cannot be told), 3 nothing to learn from."""

    def __init__(self, message: str, code: int = 2):
        super().__init__(message)
        self.code = code


# -- small text helpers -----------------------------------------------------


def words(text: str) -> list[str]:
    return _WORD_RE.findall(text.lower())


def looks_like_body(text: str) -> bool:
    """A story sentence: eight words or more with sentence punctuation."""
    return len(text.split()) >= 8 and _SENTENCE_END.search(text) is not None


def lit(text: str) -> str:
    """A regex matching `text` literally; spaces stay readable, any run of
    whitespace (or none, where a scraper glued words) matches one."""
    return re.escape(text).replace("\\ ", r"\s*")


def alternation(variants: Iterable[str]) -> str:
    parts = sorted({lit(v) for v in variants}, key=lambda s: (-len(s), s))
    return parts[0] if len(parts) == 1 else "(?:" + "|".join(parts) + ")"


def excerpt(text: str, start: int = 0, end: int | None = None, context: int = 60) -> str:
    """The piece text[start:end] with up to `context` characters around it, cut at spaces."""
    end = len(text) if end is None else end
    a = max(0, start - context)
    if a > 0:
        space = text.find(" ", a, start)
        a = space + 1 if space >= 0 else a
    b = min(len(text), end + context)
    if b < len(text):
        space = text.rfind(" ", end, b)
        b = space if space > end else b
    return text[a:b].strip()


def short(text: str, limit: int = 90) -> str:
    text = text.replace("\n", " ")
    return text if len(text) <= limit else text[: limit - 3].rstrip() + "..."


# -- TOML output ------------------------------------------------------------


def toml_str(value: str) -> str:
    """A TOML string: a literal string when possible (regexes stay readable)."""
    if "'" not in value and "\n" not in value and not re.search(r"[\x00-\x08\x0a-\x1f\x7f]", value):
        return f"'{value}'"
    if "'''" not in value and not value.endswith("'") and "\n" not in value and not re.search(r"[\x00-\x08\x0a-\x1f\x7f]", value):
        return f"'''{value}'''"
    out = ['"']
    for ch in value:
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def toml_value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return toml_str(value)
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    raise TypeError(f"cannot write {value!r} as TOML")


def comment(text: str) -> str:
    return "# " + re.sub(r"[\x00-\x1f\x7f]", " ", text)


# -- the crawl --------------------------------------------------------------


@dataclass
class CrawlPage:
    """One page of the crawl and the lines the site's text rules would see."""

    id: str
    kind: str  # "text" or "html"
    url: str | None = None
    raw_lines: list[Line] = field(default_factory=list)  # text pages: input of the text phases
    html: str | None = None  # HTML pages: the decoded page
    lines: list[Line] = field(default_factory=list)  # text: after the duplicate phase; html: rendered body

    @property
    def texts(self) -> list[str]:
        return [ln.text for ln in self.lines]


def load_crawl(folder: Path | str) -> list[CrawlPage]:
    """Every page of a folder tree (or export) of one site, read and decoded."""
    from .sources import iter_pages

    pages = []
    for page in iter_pages([str(folder)]):
        page.load()
        if page.error or not page.data:
            continue
        data = page.data
        kind = page.kind or H.sniff_kind(data)
        if kind == "html":
            text = H.decode_html(data, page.source) if isinstance(data, bytes) else data
            pages.append(CrawlPage(page.id, "html", page.url, html=text))
        else:
            try:
                text = decode(data, page.source) if isinstance(data, bytes) else data
            except Exception:  # noqa: BLE001 - an unreadable page is left out of the evidence
                continue
            raw = split_lines(text)
            pages.append(CrawlPage(page.id, "text", page.url, raw_lines=raw, lines=drop_scrape_duplicates(list(raw), [])))
    return pages


# -- candidates and their evaluation ----------------------------------------


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
    rules: list[SuggestedRule]
    rejected: list[Rejected]
    signature: str | None = None
    source: str = ""
    need: int = 0  # pages a repeated line or shape had to be seen on
    total: int = 0  # pages in the crawl (more than n_pages when it was sampled)

    def to_toml(self) -> str:
        return render_toml(self)


def _id_prefix(site: str) -> str:
    """'SUG-BISNIS' for bisnis.com: ids stay unique when drafts of several sites share a folder."""
    label = re.sub(r"[^A-Za-z0-9]", "", site.split(".")[0]).upper()
    return f"SUG-{label[:16] or 'SITE'}"


class _Evaluator:
    """Runs candidate rules with the generic rules over the crawl's pages."""

    def __init__(self, generic: RuleFile, pages: list[CrawlPage]):
        self.generic = generic
        self.pages = pages
        self._base: dict[str, tuple[list[str], list[Removal]]] = {}

    def phases(self, site_rules: Sequence[Rule]) -> dict[str, list[Rule]]:
        return {p: [r for r in site_rules if r.kind == p] + list(self.generic.text[p]) for p in TEXT_PHASES}

    def run(self, page: CrawlPage, site_rules: Sequence[Rule]) -> tuple[list[str], list[Removal]]:
        removed: list[Removal] = []
        source = page.raw_lines if page.kind == "text" else page.lines
        lines = [Line(ln.number, ln.text) for ln in source]
        out = run_phases(lines, self.phases(site_rules), removed, duplicates=page.kind == "text")
        return [ln.text for ln in out], removed

    def base(self, page: CrawlPage) -> tuple[list[str], list[Removal]]:
        if page.id not in self._base:
            self._base[page.id] = self.run(page, [])
        return self._base[page.id]

    def effect(self, rule: Rule, extra: Sequence[Rule] = ()) -> dict:
        """Where the rule fires (run after the rules already accepted, with the
        generic ones), what it removes beyond them, and how risky that is."""
        fired: list[str] = []
        example = ""
        covered = 0
        covered_by: Counter[str] = Counter()
        body_pages: list[str] = []
        worst_share = 0.0
        for page in self.pages:
            out, removed = self.run(page, [*extra, rule])
            pieces = [r.text for r in removed if r.rule_id == rule.id]
            if not pieces:
                continue
            fired.append(page.id)
            example = example or pieces[0]
            generic_lines, generic_removed = self.base(page)
            generic_text = "\n".join(generic_lines)
            if not any(normalise(p) and normalise(p) in generic_text for p in pieces):
                covered += 1
                for r in generic_removed:
                    if any(normalise(p) in r.text or r.text in p for p in pieces):
                        covered_by[r.rule_id] += 1
            before_lines = self.run(page, extra)[0] if extra else generic_lines
            before_text = "\n".join(before_lines)
            surviving = [p for p in pieces if normalise(p) and normalise(p) in before_text]
            if any(looks_like_body(p) for p in surviving):
                body_pages.append(page.id)
            before = Counter(words(before_text))
            lost = sum((before - Counter(words("\n".join(out)))).values())
            if before:
                worst_share = max(worst_share, lost / sum(before.values()))
        return {
            "fired": fired,
            "example": example,
            "covered": covered,
            "covered_by": tuple(r for r, _ in covered_by.most_common(3)),
            "body_pages": body_pages,
            "worst_share": worst_share,
        }


def _compile(kind: str, table: dict, mode: str = "text") -> tuple[Rule | HtmlRule | None, list[str]]:
    problems: list[str] = []
    loader = _load_rule if mode == "text" else _load_html_rule
    rule = loader(kind, dict(table), Path("<suggest>"), 0, problems)
    if rule is not None and not problems:
        problems = [str(f) for f in check_rule(rule)]
    return (rule if not problems else None), problems


# -- text candidates --------------------------------------------------------


@dataclass
class _Cand:
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


def _threshold(n_pages: int, min_share: float, min_pages: int) -> int:
    return max(min(min_pages, n_pages), math.ceil(min_share * n_pages), 2 if n_pages >= 2 else 1)


def _line_key(text: str) -> str:
    """Lines that differ only in case or in leading bullets ('*) ', '- ') count as one."""
    return re.sub(r"^[^\w(]+", "", text).casefold()


def _in_tail(texts: list[str], i: int) -> bool:
    """Is line i in the page's closing block (a few lines from the end)?"""
    return len(texts) - i - 1 <= max(3, len(texts) // 4)


def _trigrams(text: str) -> set[tuple[str, ...]]:
    w = words(text)
    return {tuple(w[i : i + 3]) for i in range(len(w) - 2)}


def _gram_pages(pages: list[CrawlPage]) -> Counter:
    """On how many pages each word trigram occurs."""
    df: Counter = Counter()
    for page in pages:
        df.update(set().union(*map(_trigrams, page.texts)) if page.texts else set())
    return df


def _templated(text: str, grams: Counter) -> bool:
    """Worded like text on other pages: half its word trigrams occur on three pages or more."""
    own = _trigrams(text)
    return bool(own) and sum(grams[g] >= 3 for g in own) >= 0.5 * len(own)


def _repeated_lines(pages: list[CrawlPage], need: int, rejected: list[Rejected]) -> tuple[list[_Cand], set[str]]:
    """Whole lines found on many pages."""
    grams = _gram_pages(pages)
    groups: dict[str, Counter[str]] = defaultdict(Counter)  # line key -> variants
    where: dict[str, list[tuple[str, int, list[str]]]] = defaultdict(list)
    for page in pages:
        texts = page.texts
        seen: set[str] = set()
        for i, t in enumerate(texts):
            key = _line_key(t)
            groups[key][t] += 1
            if key not in seen:
                seen.add(key)
                where[key].append((page.id, i, texts))
    template = {k for k, occ in where.items() if len(occ) >= need and k}
    cands = []
    for key in sorted(template, key=lambda k: -len(where[k])):
        occ = list(where[key])
        variant = groups[key].most_common(1)[0][0]
        labelled: list[str] = []  # 'Disclaimer:' also opens lines with the notice glued after it
        if key.endswith(":") and len(key) > 2:
            for page in pages:
                texts = page.texts
                for i, t in enumerate(texts):
                    k = _line_key(t)
                    if k.startswith(key) and k != key and not looks_like_body(t[: len(t) - len(k) + len(key)]):
                        occ.append((page.id, i, texts))
                        labelled.append(t)
                        break
        if looks_like_body(variant) or len(variant) > 200:
            rejected.append(Rejected("repeated line", short(variant), f"on {len(occ)} pages but looks like body text"))
            continue
        if not re.search(r"\w", variant):
            continue
        # cut_after when it always sits in the closing block, never first, something follows it
        # somewhere, and what follows it reads as template (notices, credits, prompts: short,
        # or worded like the same block on other pages), not as the story going on
        tail = all(i >= 1 and _in_tail(texts, i) for _, i, texts in occ)
        follows = [t for _, i, texts in occ for t in texts[i + 1 :]]
        story = [t for t in follows if looks_like_body(t) and not _templated(t, grams)]
        kind = "cut_after" if tail and follows and len(story) <= 0.2 * len(follows) else "drop_line"
        pattern = alternation(groups[key]) + (r"(?:\s*\S.*)?" if labelled else "")
        if kind == "cut_after":
            why = f"template line that opens the closing block (always among the last lines): '{short(variant, 60)}'"
        else:
            why = f"template line repeated across the site's pages: '{short(variant, 60)}'"
        cands.append(
            _Cand(kind, "repeated line", why, pattern, variant, {p for p, _, _ in occ}, list(groups[key]) + labelled[:1],
                  hint=variant.split()[-1], tail=kind == "cut_after", stories=need)
        )
    return cands, template


_COLON_PREFIX = re.compile(r"^(?P<m>[A-Z][^\s:]*(?: [^\s:]+){0,3}?)\s*(?P<sep>:|\||»|>>)\s*(?P<rest>\S.*)$")


def _line_shapes(pages: list[CrawlPage], need: int, template: set[str], rejected: list[Rejected]) -> list[_Cand]:
    """A marker at the start of a line followed by varying text ('Baca juga: <title>')."""
    occ: dict[tuple[str, str], list[tuple[str, str, str]]] = defaultdict(list)  # (marker lower, sep) -> (page, marker, line)
    for page in pages:
        for t in page.texts:
            if _line_key(t) in template:
                continue
            m = _COLON_PREFIX.match(t)
            if m is None:
                continue
            occ[(m.group("m").casefold(), m.group("sep"))].append((page.id, m.group("m"), t))
    cands = []
    for (marker, sep), items in sorted(occ.items(), key=lambda kv: -len(kv[1])):
        pages_seen = {p for p, _, _ in items}
        if len(pages_seen) < need:
            continue
        lines = [t for _, _, t in items]
        variants = Counter(m for _, m, _ in items)
        label = f"{variants.most_common(1)[0][0]}{sep}"
        if len(set(lines)) < max(2, len(lines) // 2):
            continue  # not varying: the repeated-line candidates cover it
        body = sum(looks_like_body(t) for t in lines)
        if body > 0.1 * len(lines):
            rejected.append(Rejected("line shape", f"{label} <text>", f"on {len(pages_seen)} pages, but {body} of its {len(lines)} lines look like body text"))
            continue
        pattern = alternation(variants) + r"\s*" + re.escape(sep) + ".*"
        cands.append(
            _Cand("drop_line", "line shape", f"marker line '{label} <varying text>' (promo, credit or label line of the template)",
                  pattern, f"{label} <text>", pages_seen, lines, hint=variants.most_common(1)[0][0].split()[0], stories=need)
        )
    # promo / byline heads of the generic vocabulary without a colon ('Berita lain terkait <tag>',
    # 'Laporan Wartawan <outlet> <name>'): known shapes, two pages suffice
    heads: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
    for page in pages:
        for t in page.texts:
            m = _PROMO_HEAD.match(t)
            if m is None or _line_key(t) in template or len(t.split()) > 16 or looks_like_body(t) or len(t) == m.end():
                continue
            head = m.group(0)
            key = re.sub(r"(?i)^(?:berita|artikel)\b", "*", head).casefold()
            heads[key].append((page.id, head, t))
    for key, items in sorted(heads.items(), key=lambda kv: -len(kv[1])):
        pages_seen = {p for p, _, _ in items}
        if len(pages_seen) < 2 or any(c.pattern.startswith(alternation({h for _, h, _ in items})) for c in cands):
            continue
        lines = [t for _, _, t in items]
        if len(set(lines)) < 2:
            continue
        variants = {h for _, h, _ in items}
        label = sorted(variants)[0]
        cands.append(
            _Cand("drop_line", "line shape", f"promo or byline line '{label} <varying text>' (a head of the generic vocabulary)",
                  alternation(variants) + r"\s.*", f"{label} <text>", pages_seen, lines, hint=label.split()[-1], stories=2)
        )
    return cands


_PROMO_MARKER = r"(?:Baca|Lihat|Simak)(?: [Jj]uga| [Pp]ula)?|BACA JUGA|LIHAT JUGA"
_WHOLE_PROMO = re.compile(rf"^(?P<m>{_PROMO_MARKER})\s*:\s*(?P<t>\S.*)$")
_INLINE_PROMO = re.compile(rf"(?<=\S)\s*(?P<m>{_PROMO_MARKER})\s*:\s*(?=\S)")


def _inline_promos(pages: list[CrawlPage], need: int) -> list[_Cand]:
    """'Baca juga: <title>' glued inside paragraphs, where the site writes its promoted
    titles in sentence case (learnt from its whole-line promos): the title ends
    where the next sentence starts (a capitalised word then a lowercase one), at
    an opening quote, at the next promo or at the end of the line. (Title-case
    titles are the generic rules' job.)"""
    titles, inline = [], defaultdict(list)
    markers: Counter[str] = Counter()
    for page in pages:
        for t in page.texts:
            m = _WHOLE_PROMO.match(t)
            if m:
                titles.append(m.group("t"))
                markers[m.group("m")] += 1
                continue
            for m2 in _INLINE_PROMO.finditer(t):
                inline[page.id].append(excerpt(t, m2.start(), min(len(t), m2.end() + 80), 40))
                markers[m2.group("m")] += 1
    if len(inline) < 2 or len(titles) < max(2, need // 2):
        return []
    shares = []
    for title in titles:
        later = [w for w in title.split()[1:] if w[:1].isalpha() and not any(c.isdigit() for c in w)]
        if later:
            shares.append(sum(w[0].isupper() for w in later) / len(later))
    if not shares or sorted(shares)[len(shares) // 2] >= 0.35:
        return []
    marker = alternation(markers)
    pattern = (rf"\s*{marker}\s*:\s*(?:\S+(?:\s+\S+){{0,25}}?(?=\s+(?:[A-Z][a-z]+,?\s+[a-z]|[\"“‘]|{marker}\s*:)|\s*$))?")
    examples = [ex for exs in inline.values() for ex in exs]
    return [_Cand("strip_inline", "inline promo",
                  "promo glued inside a paragraph; the site writes promoted titles in sentence case, so the title ends where the next sentence starts",
                  pattern, "inline promo (sentence-case titles)", set(inline), examples, hint="juga", expect=True, stories=2)]


#: Heads of promo and byline lines known from the generic rules (no colon after them).
_PROMO_HEAD = re.compile(
    r"(?:Berita|Artikel|BERITA|ARTIKEL)(?: [Ll]ain| [Ll]ainnya)? (?:[Tt]erkait|TERKAIT)(?: [Dd]engan)?(?= )|"
    r"(?:Baca|Lihat|Simak)(?: [Jj]uga| [Pp]ula)(?= )|Laporan (?:Wartawan|Reporter|Jurnalis|Kontributor|Koresponden)(?= )"
)

_DATELINE_DASH = re.compile(r"\s*(?:--?|[–—])(?![a-z])(?=\s*\S)")
_DOMAIN_PART = re.compile(rf"(?i)^[a-z][a-z0-9]*(?:-[a-z0-9]+)*\.{_TLD}$")
_NAME_PART = re.compile(r"^[A-Z][\w.'’]*(?: [A-Z][\w.'’]*){0,3}$")


def _dateline_head(first: str) -> tuple[int, list[tuple[str, str]]] | None:
    """The longest dateline prefix of a first line: (its length with the dash, its parts)."""
    best = None
    for m in _DATELINE_DASH.finditer(first, 0, 90):
        head = first[: m.start()]
        if not head or not (head[-1].isalnum() or head[-1] in ".)") or len(head.split()) > 7:
            continue
        parts = _dateline_parts(head)
        if parts is not None:
            best = (m.end(), parts)
    if best is None:
        return None
    end = best[0]
    while end < len(first) and first[end] == " ":
        end += 1
    return end, best[1]


def _dateline_parts(head: str) -> list[tuple[str, str]] | None:
    """A dateline head as (separator before, part) pairs, or None when it is not one.

    Parts are an outlet domain ('Bisnis.com'), a place or outlet name
    ('JAKARTA', 'Liputan6.com, Jakarta'), an agency in parentheses ('(ANTARA)').
    A part after a dash must be an outlet or in capitals ('jpnn.com - JAKARTA'),
    so 'JAKARTA - Presiden Jokowi' keeps its subject.
    """
    tokens = re.split(r"(\s*,\s*|\s*(?:--?|[–—])\s*|\s*\(|\)\s*)", head.strip())
    parts: list[tuple[str, str]] = []
    sep = ""
    for tok in tokens:
        stripped = tok.strip()
        if not stripped:
            continue
        if stripped in (",", "-", "--", "–", "—", "(", ")"):
            sep += "-" if stripped in ("-", "--", "–", "—") else stripped
            continue
        parts.append((sep, stripped))
        sep = ""
    if not parts or len(parts) > 3 or sep not in ("", ")"):
        return None
    has_anchor = False
    for i, (s, p) in enumerate(parts):
        if s not in ("", ",", "-", "(", ")("):
            return None
        domain = _DOMAIN_PART.match(p) is not None
        caps = p.replace(" ", "").replace(".", "").replace("'", "").isupper()
        if not domain and not (_NAME_PART.match(p) and len(p) <= 30):
            return None
        if s == "-" and not (domain or caps):
            return None
        if s in ("(", ")(") and not caps:
            return None
        if s == "(" and not (i == len(parts) - 1 and sep == ")"):
            return None  # an agency in parentheses closes the dateline: 'Jakarta (ANTARA)'

        has_anchor = has_anchor or domain or caps
    if (sep == ")") != (parts[-1][0] == "("):
        return None
    return parts if has_anchor else None


def _first_lines(pages: list[CrawlPage], evaluator: _Evaluator) -> list[tuple[str, str]]:
    """(page, first line) as the strip_inline phase sees it: after the generic cut/drop phases."""
    out = []
    for page in pages:
        lines = [Line(ln.number, ln.text) for ln in page.lines]
        phases = evaluator.phases([])
        lines = run_phases(lines, {"cut_after": phases["cut_after"], "drop_line": phases["drop_line"]}, [], duplicates=False)
        if lines:
            out.append((page.id, lines[0].text))
    return out


def _teasers(firsts: list[tuple[str, str]], texts: dict[str, list[str]], support: set[str], dateline: str) -> list[tuple[str, str]]:
    """First lines where the dateline comes after a teaser glued before it: a
    piece whose words the story repeats further down. Returns (page, example)."""
    rx = re.compile(dateline)
    out = []
    for pid, first in firsts:
        if pid in support:
            continue
        m = rx.search(first, 1, 1600)
        if m is None or not re.search(r"[a-z.!?\"”’)]\s?$", first[max(0, m.start() - 2) : m.start()]):
            continue
        teaser = words(first[: m.start()])
        later = set(words(first[m.end() :] + " " + " ".join(texts[pid][1:])))
        if len(teaser) >= 4 and sum(w in later for w in teaser) >= 0.8 * len(teaser):
            out.append((pid, excerpt(first, m.start(), m.end(), 50).lstrip()))
    return out


def _part_class(values: list[str]) -> str:
    if all(_DOMAIN_PART.match(v) for v in values):
        tlds = sorted({v.rsplit(".", 1)[-1].lower() for v in values} | ({"co.id"} if any(v.lower().endswith(".co.id") for v in values) else set()))
        return r"[A-Za-z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)*\.(?i:" + "|".join(re.escape(t) for t in sorted(tlds, key=len, reverse=True)) + ")"
    if all(v.replace(" ", "").replace(".", "").replace("'", "").isupper() for v in values):
        return r"[A-Z][A-Z.'’]*(?: [A-Z][A-Z.'’]*){0,3}"
    return r"[A-Z][\w.'’]*(?: [A-Z][\w.'’]*){0,3}"


_SEP_RX = {"": "", ",": r"\s*,\s*", "-": _DASH, "(": r"\s*\(", ")(": r"\)\s*\("}


def _drop_slot(shape: tuple, i: int) -> tuple:
    """The shape without slot i (the slot after it, if first now, loses its separator)."""
    out = list(shape[:i]) + list(shape[i + 1 :])
    if i == 0 and out:
        out[0] = ("", out[0][1])
    return tuple(out)


def _datelines(pages: list[CrawlPage], evaluator: _Evaluator, need: int, site: str, rejected: list[Rejected]) -> tuple[list[_Cand], str | None]:
    """First-line prefixes sharing a shape: outlet names literal, varying places generalised.

    Shapes that differ by one place name at the start or end ('KOMPAS.com -'
    and 'JAKARTA, KOMPAS.com -') become one rule with that part optional.
    """
    groups: dict[tuple, list[tuple[str, str, list, int]]] = defaultdict(list)
    for page_id, first in _first_lines(pages, evaluator):
        found = _dateline_head(first)
        if found is None:
            continue
        end, parts = found
        shape = tuple((s, "D" if _DOMAIN_PART.match(p) else "N") for s, p in parts)
        groups[shape].append((page_id, first, list(parts), end))
    order = sorted(groups, key=lambda k: (-len(groups[k]), -len(k)))
    used: set[tuple] = set()
    merged: list[tuple[tuple, list, set[int]]] = []
    for shape in sorted(order, key=lambda k: -sum(len(groups[o]) for o in order if o == k or any(_drop_slot(k, i) == o for i in (0, len(k) - 1)))):
        if shape in used:
            continue
        used.add(shape)
        items = list(groups[shape])
        optional: set[int] = set()
        for i in sorted({0, len(shape) - 1}):
            if shape[i][1] != "N" or shape[i][0] == "(" or len(shape) < 2 or (i == 0 and shape[1][0] not in (",", "-")):
                continue
            other = _drop_slot(shape, i)
            if other in groups and other not in used:
                used.add(other)
                optional.add(i)
                for pid, first, parts, end in groups[other]:
                    parts = list(parts)
                    parts.insert(i, None)
                    items.append((pid, first, parts, end))
        merged.append((shape, items, optional))
    cands = []
    signature = None
    firsts = _first_lines(pages, evaluator)
    texts = {p.id: p.texts for p in pages}
    for shape, items, optional in sorted(merged, key=lambda m: -len(m[1])):
        if len(items) < need:
            continue
        tokens: list[str] = []
        literal_domain = None
        has_literal = False
        for slot, (sep, kind) in enumerate(shape):
            values = [parts[slot][1] for _, _, parts, _ in items if parts[slot] is not None]
            folded = Counter(v.casefold() for v in values)
            top, n_top = folded.most_common(1)[0]
            if n_top == len(values) and (kind == "D" or sep == "("):
                part = alternation(sorted(set(values)))  # the outlet, or the agency in parentheses
                has_literal = has_literal or slot not in optional
                if kind == "D" and site.split(".")[0].casefold() in top and slot not in optional:
                    literal_domain = "".join(tokens) + _SEP_RX[sep] + part if slot else part
            else:
                part = _part_class(values)
            if slot:
                tokens.append(_SEP_RX[sep])
            tokens.append(part + (r"\)" if sep == "(" else ""))
        for i in sorted(optional, reverse=True):
            if i == 0:
                tokens[0:2] = ["(?:" + tokens[0] + tokens[1] + ")?"]
            else:
                k = 2 * i - 1
                tokens[k : k + 2] = ["(?:" + tokens[k] + tokens[k + 1] + ")?"]
        regex = "^" + "".join(tokens) + _DASH
        support = {p for p, _, _, _ in items}
        examples = []
        for _, first, _, end in sorted(items, key=lambda it: it[2][0] is None):
            ex = excerpt(first, 0, end, 50)
            if ex not in examples:
                examples.append(ex)
        teasers = _teasers(firsts, texts, support, "".join(tokens) + _DASH) if has_literal else []
        extra_why = ""
        if len(teasers) >= 2:  # a pull-quote teaser glued before the dateline: it goes with it
            regex = r"^(?:.{0,1500}?(?<=[a-z.!?\"”’)])\s?)?" + "".join(tokens) + _DASH
            support |= {pid for pid, _ in teasers}
            examples.insert(1, teasers[0][1])
            extra_why = f", with the teaser (a sentence repeated from the story) glued before it on {len(teasers)} pages"
        heads = list(dict.fromkeys(short(first[:end].strip(), 40) for _, first, _, end in items))
        cands.append(
            _Cand("strip_inline", "dateline", "dateline prefix of the first paragraph: " + ", ".join(f"'{h}'" for h in heads[:2]) + (", ..." if len(heads) > 2 else "") + extra_why,
                  regex, f"dateline like '{heads[0]}'", support, examples, hint=next(p for p in items[0][2] if p)[1],
                  extra={"scope": "first_line"}, expect=True, stories=need)
        )
        if literal_domain and signature is None and len(items) >= max(need, len(pages) // 2):
            signature = "(?m)^" + literal_domain
    return cands[:3], signature


def _suffix_starts(text: str, window: int = 160) -> list[int]:
    """Positions in the tail of a line where a glued piece can start."""
    out = []
    lo = max(1, len(text) - window)
    for i in range(lo, len(text)):
        ch, prev = text[i], text[i - 1]
        if not ch.isalnum() and ch not in "([":
            continue
        if prev in " .!?\"”’')]:;," or (prev.islower() and ch.isupper()):
            out.append(i)
    return out


_YEAR = re.compile(r"(?<!\d)(?:19|20)\d{2}(?!\d)")


def _shape_key(text: str) -> str:
    """Pieces that differ only in a year ('COPYRIGHT © ANTARA 2023' / '2024') count as one."""
    return _YEAR.sub("2000", text)


def _literal_shape(text: str) -> str:
    """A regex for `text` with its years generalised ('... ANTARA 2023' -> '... ANTARA \\d{4}')."""
    return r"\d{4}".join(lit(part) for part in _YEAR.split(text))


def _trailing_markers(pages: list[CrawlPage], need: int, template: set[str], rejected: list[Rejected]) -> list[_Cand]:
    """A suffix glued to the end of lines (the last paragraphs) on many pages; its year may vary."""
    df: dict[str, set[str]] = defaultdict(set)
    before: dict[str, Counter[str]] = defaultdict(Counter)  # what precedes the piece, per occurrence
    for page in pages:
        for t in page.texts[-3:]:
            if _line_key(t) in template:
                continue
            for i in _suffix_starts(t):
                key = _shape_key(t[i:].strip())
                df[key].add(page.id)
                before[key][t[max(0, i - 12) : i]] += 1
    # the piece starts where what precedes it varies (the story's last words); a longer
    # suffix shared by near-duplicate stories has the same words before it every time
    good = [k for k, p in df.items() if len(p) >= need and len(k) >= 6 and len(before[k]) >= max(2, 0.5 * sum(before[k].values()))]
    good.sort(key=len, reverse=True)
    chosen: list[str] = []
    cands = []
    for k in good:
        if not k[0].isupper() and not k[0].isdigit() and k[0] not in "([":
            continue
        if _SENTENCE_END.search(k[-2:] + " ") or looks_like_body(k):
            continue  # a sentence ending shared by chance ('kata dia.')
        if any(k in c for c in chosen) or any(c in k for c in chosen):
            continue
        if len(k.split()) < 2 and len(k) < 10:
            continue
        examples, originals = [], Counter()
        for page in pages:
            for t in page.texts[-3:]:
                for i in _suffix_starts(t):
                    piece = t[i:].strip()
                    if _shape_key(piece) == k:
                        originals[piece] += 1
                        if len(t) > len(piece):
                            examples.append(excerpt(t, i, len(t), 50))
        if not examples:
            continue  # never glued: a line of its own, the repeated-line candidates cover it
        chosen.append(k)
        rep = originals.most_common(1)[0][0]
        cands.append(
            _Cand("strip_inline", "trailing marker", f"piece glued to the end of the last paragraph: '{short(rep, 60)}'",
                  r"\s*" + _literal_shape(rep) + r"\s*$", f"trailing '{short(rep, 50)}'", df[k], examples, hint=rep.split()[0], expect=True, stories=need)
        )
    return cands


def _end_marks(pages: list[CrawlPage], template: set[str], trailing: list[_Cand], rejected: list[Rejected]) -> list[_Cand]:
    """A known end-mark shape that ends the article, seen followed only by template on its line."""
    tails = [re.compile(c.pattern) for c in trailing]
    cands = []
    for label, shape in END_MARKS:
        at_end = re.compile(rf"(?:(?<=[.!?\"”’])\s*|^){shape}\s*$")
        inside = re.compile(rf"(?<=[.!?\"”’])\s*{shape}")
        seen: set[str] = set()
        followed: set[str] = set()
        examples: list[str] = []
        counter: list[str] = []
        for page in pages:
            texts = [t for t in page.texts if _line_key(t) not in template]
            if not texts:
                continue
            last = texts[-1]
            stripped = last
            for rx in tails:
                stripped = rx.sub("", stripped)
            m = at_end.search(stripped)
            if m:
                seen.add(page.id)
                if stripped != last:
                    followed.add(page.id)
                    examples.append(excerpt(last, m.start(), len(last), 50))
            for t in texts:
                for m2 in inside.finditer(t):
                    rest = t[m2.end() :]
                    for rx in tails:
                        rest = rx.sub("", rest)
                    if looks_like_body(rest):
                        counter.append(page.id)
        own = [(page.id, t) for page in pages for t in [x for x in page.texts if _line_key(x) not in template][-3:]
               if re.fullmatch(shape, t)]
        if own:
            cands.append(
                _Cand("drop_line", "end mark", f"{label} in parentheses alone on a line at the end of the article",
                      shape, f"{label} line", {p for p, _ in own}, list(dict.fromkeys(t for _, t in own)), hint="(")
            )
        if not followed:
            continue
        if counter:
            rejected.append(Rejected("end mark", label, f"ends the text on {len(seen)} pages but is followed by body text on {len(set(counter))}"))
            continue
        pattern = rf"(?=[\s(])(?:(?<=[.!?\"”’])\s*|^){shape}(?:\s*\S.*)?$"
        cands.append(
            _Cand("strip_inline", "end mark", f"{label} in parentheses after the last sentence ends the article: it and what the template glues after it on the line",
                  pattern, f"{label} end mark", seen, examples, hint="(", expect=True)
        )
    return cands


# -- HTML candidates --------------------------------------------------------

#: Class names of the article container (kept in a body selector) and of layout utilities (left out first).
_CONTENT_CLASS = re.compile(r"(?i)article|content|body|post|entry|detail|read|txt|text|story|isi|berita|news")
_LAYOUT_CLASS = re.compile(r"(?i)font|size|^[mp][tblrxy]?-?\d|^f[lr]$|clear|^w-?\d|^col|^row|^pos_|hidden|visible|^d-|^js-|^is-|^has-")
_CLASS_OK = re.compile(r"^-?[A-Za-z_][\w-]*$")
_ID_OK = re.compile(r"^[A-Za-z][\w-]{1,40}$")


def _classes(node: LexborNode) -> list[str]:
    return [c for c in (node.attributes.get("class") or "").split() if _CLASS_OK.match(c)]


def _selector(node: LexborNode, classes: Sequence[str] | None = None) -> str | None:
    classes = _classes(node) if classes is None else classes
    if classes:
        return node.tag + "".join("." + c for c in classes)
    ident = node.attributes.get("id") or ""
    if _ID_OK.match(ident) and not re.search(r"\d{3,}", ident):
        return f"{node.tag}#{ident}"
    return None


def _visible(node: LexborNode, limit: int = 400) -> str:
    """The text a node renders to (scripts and styles left out), one line."""
    return short(" ".join(ln.text for ln in H.render_lines(node)), limit) if limit else " ".join(ln.text for ln in H.render_lines(node))


def _text_len(node: LexborNode) -> int:
    return len(_visible(node, 0))


def _link_density(node: LexborNode) -> float:
    total = _text_len(node)
    if not total:
        return 0.0
    return min(1.0, sum(_text_len(a) for a in node.css("a")) / total)


def _paragraph_nodes(tree: LexborHTMLParser) -> list[LexborNode]:
    return [p for p in tree.css("p") if len(_visible(p, 0)) >= 40]


def _snippet(node: LexborNode, inner: str | None = None, limit: int = 80) -> str:
    """A small HTML snippet of the node: its start tag (class and id), a short text, its end tag."""
    attrs = "".join(
        f' {k}="{htmlmod.escape(v or "", quote=True)}"' for k, v in node.attributes.items() if k in ("class", "id")
    )
    text = inner if inner is not None else htmlmod.escape(short(_visible(node), limit))
    return f"<{node.tag}{attrs}>{text}</{node.tag}>"


def _pruned_tree(page: CrawlPage, drops: Sequence[HtmlRule]) -> LexborHTMLParser:
    tree = LexborHTMLParser(page.html or "")
    H.drop_nodes(tree, drops, [])
    return tree


def _main_node(tree: LexborHTMLParser) -> LexborNode | None:
    """The deepest element holding 70% of the page's paragraph text, climbed
    up to the nearest one with a class or id."""
    paras = _paragraph_nodes(tree)
    sizes = [len(_visible(p, 0)) for p in paras]
    total = sum(sizes)
    if not total:
        return None
    held: Counter[int] = Counter()
    nodes: dict[int, tuple[LexborNode, int]] = {}
    for p, size in zip(paras, sizes):
        chain = []
        n = p.parent
        while n is not None and n.tag not in ("html", "body"):
            chain.append(n)
            n = n.parent
        for depth, anc in enumerate(reversed(chain)):
            held[anc.mem_id] += size
            nodes[anc.mem_id] = (anc, depth)
    best = None
    for key, size in held.items():
        node, depth = nodes[key]
        if size >= 0.7 * total and (best is None or depth > best[1]):
            best = (node, depth)
    node = best[0] if best else None
    while node is not None and node.tag not in ("html", "body") and _selector(node) is None:
        node = node.parent
    return node if node is not None and node.tag not in ("html", "body") else None


def _unique_pages(trees: dict[str, LexborHTMLParser], css: str) -> list[str]:
    return [pid for pid, tree in trees.items() if len(tree.css(css)) == 1]


def _body_css(nodes: list[LexborNode], trees: dict[str, LexborHTMLParser]) -> list[str]:
    """Selectors for a group of main nodes (one tag): the classes most of them
    share, from the most common class down; presentational classes left out
    while one node is still picked on as many pages, content-naming ones kept."""
    tag = nodes[0].tag
    counts = Counter(c for node in nodes for c in dict.fromkeys(_classes(node)))
    out = []
    for anchor, _ in counts.most_common(3):
        group = [node for node in nodes if anchor in _classes(node)]
        order = list(dict.fromkeys(c for node in group for c in _classes(node)))
        keep = [c for c in order if sum(c in _classes(node) for node in group) >= 0.8 * len(group)]
        pages = len(_unique_pages(trees, tag + "".join("." + c for c in keep)))
        for c in sorted(keep, key=lambda c: 0 if _LAYOUT_CLASS.search(c) else 1):
            if _CONTENT_CLASS.search(c):
                continue
            trial = [k for k in keep if k != c]
            if trial and len(_unique_pages(trees, tag + "".join("." + k for k in trial))) >= pages:
                keep = trial
        css = tag + "".join("." + c for c in keep)
        if css not in out:
            out.append(css)
    return out


def _body_rules(trees: dict[str, LexborHTMLParser], prefix: str, rejected: list[Rejected]) -> list[SuggestedRule]:
    """[[html.body]]: the element holding most of the paragraph text, matching exactly
    one node, on most pages; a second rule when another layout holds the rest."""
    n = len(trees)
    rules: list[SuggestedRule] = []
    left = dict(trees)
    for layout in range(2):
        need = (max(2, math.ceil(0.5 * n)) if n > 1 else 1) if layout == 0 else max(2, math.ceil(0.2 * n))
        if len(left) < need:
            break
        found: dict[str, list[LexborNode]] = defaultdict(list)  # tag (or tag#id) -> main nodes
        for tree in left.values():
            node = _main_node(tree)
            if node is not None:
                found[node.tag if _classes(node) else _selector(node)].append(node)
        rule = None
        for base, nodes in sorted(found.items(), key=lambda kv: -len(kv[1])):
            if len(nodes) < need:
                break
            for css in [base] if "#" in base else _body_css(nodes, left):
                rule = _body_rule(css, left, n, need, f"{prefix}-H{10 + layout}", rejected)
                if rule is not None:
                    break
            if rule is not None:
                break
        if rule is None:
            break
        rules.append(rule)
        left = {pid: tree for pid, tree in left.items() if pid not in set(rule.pages)}
    return rules


def _body_rule(css: str, trees: dict[str, LexborHTMLParser], n: int, need: int, rule_id: str,
               rejected: list[Rejected]) -> SuggestedRule | None:
    matched = _unique_pages(trees, css)
    if len(matched) < need:
        rejected.append(Rejected("html body", css, f"matches exactly one node on {len(matched)}/{n} pages only"))
        return None
    example = trees[matched[0]].css_first(css)
    first = next((ln.text for ln in H.render_lines(example) if len(ln.text) >= 20), "Isi berita.")
    must = _snippet(example, "<p>" + htmlmod.escape(short(first, 60)) + "</p>")
    other = example.parent
    while other is not None and other.tag not in ("html", "body") and _selector(other) is None:
        other = other.parent
    if other is None or other.tag in ("html", "body"):
        must_not = f"<{example.tag}><p>{htmlmod.escape(short(first, 40))}</p></{example.tag}>"
    else:
        must_not = _snippet(other, "<p>" + htmlmod.escape(short(first, 40)) + "</p>")
    table = {
        "id": rule_id,
        "why": f"article body: the element holding most of the paragraph text, one per page on {len(matched)}/{n} pages",
        "css": css,
        "must_match": [must],
        "must_not_match": [must_not],
    }
    rule, problems = _compile("body", table, "html")
    if rule is None:
        rejected.append(Rejected("html body", css, "; ".join(problems)))
        return None
    return SuggestedRule("html", "body", table, "html body", matched, short(first, 80))


def _drop_rules(trees: dict[str, LexborHTMLParser], body_css: str, prefix: str, min_share: float,
                rejected: list[Rejected]) -> list[SuggestedRule]:
    """[[html.drop]]: block elements inside the body, on many pages, whose text is
    link-dense, repeated across pages or named like a promo/caption."""
    stats: dict[str, list[tuple[str, LexborNode, str, float]]] = defaultdict(list)
    body_paras: list[LexborNode] = []
    n_body = 0
    for pid, tree in trees.items():
        hits = tree.css(body_css)
        if len(hits) != 1:
            continue
        n_body += 1
        body = hits[0]
        body_len = max(1, _text_len(body))
        for node in body.traverse():
            if node is body or node.tag not in H.BLOCK_TAGS:
                continue
            if node.tag == "p" and not _classes(node) and looks_like_body(_visible(node)):
                body_paras.append(node)
            sel = _selector(node)
            if sel is not None:
                text = _visible(node)
                stats[sel].append((pid, node, text, len(text) / body_len))
    need = max(2, math.ceil(min_share * n_body))
    out: list[SuggestedRule] = []
    accepted: list[str] = []
    for sel, items in sorted(stats.items(), key=lambda kv: -len({p for p, *_ in kv[1]})):
        pages_seen = sorted({p for p, *_ in items})
        if len(pages_seen) < need:
            continue
        texts = [t for _, _, t, _ in items]
        if sum(1 for t in texts if t) < 0.5 * len(texts):
            continue  # empty boxes (ad slots): nothing is rendered from them
        if sum(share for *_, share in items) / len(items) > 0.15:
            continue  # a real part of the body
        dense = sum(_link_density(node) for _, node, _, _ in items) / len(items)
        counts = Counter(t for t in texts if t)
        repeated = sum(c for c in counts.values() if c >= 2) / len(texts)
        named = bool(_NOISE_CLASS.search(sel)) or sum(bool(_NOISE_TEXT.search(t)) for t in texts) >= 0.5 * len(texts)
        body_like = sum(1 for _, node, t, _ in items if looks_like_body(t) and _link_density(node) < 0.3)
        if body_like > 0.1 * len(texts):
            rejected.append(Rejected("html drop", sel, f"on {len(pages_seen)} pages but {body_like} of its {len(texts)} nodes read like body text"))
            continue
        if not (dense >= 0.5 or repeated >= 0.5 or named):
            continue
        if any(all(_has_ancestor_matching(node, a) for _, node, _, _ in items) for a in accepted):
            continue  # inside an element already dropped
        example = next(node for _, node, t, _ in items if t)
        raw = example.html or ""
        must = raw if len(raw) <= 300 and "<script" not in raw else _snippet(example)
        must_not = _snippet(body_paras[0]) if body_paras else "<p>Isi berita yang panjang, kata dia kepada wartawan.</p>"
        reason = "link-dense" if dense >= 0.5 else "repeated" if repeated >= 0.5 else "promo/caption-named"
        table = {
            "id": f"{prefix}-H{len(out) + 1:02d}",
            "why": f"{reason} element inside the body on {len(pages_seen)}/{n_body} pages: '{short(next(t for t in texts if t), 50)}'",
            "css": sel,
            "must_match": [must],
            "must_not_match": [must_not],
        }
        rule, problems = _compile("drop", table, "html")
        if rule is None:
            rejected.append(Rejected("html drop", sel, "; ".join(problems)))
            continue
        accepted.append(sel)
        out.append(SuggestedRule("html", "drop", table, "html drop", pages_seen, short(next(t for t in texts if t), 80)))
        if len(out) == 9:
            break
    return out


def _page_title(tree: LexborHTMLParser) -> str:
    for css, attr in (('meta[property="og:title"]', "content"), ('meta[name="twitter:title"]', "content"), ("title", None)):
        node = tree.css_first(css)
        if node is not None:
            text = normalise((node.attributes.get(attr) or "") if attr else node.text())
            if text:
                return text
    return ""


def _same_words(a: str, b: str) -> bool:
    """Is `a` the title `b` (give or take the outlet name and a few words)?"""
    wa, wb = words(a), set(words(b))
    return len(wa) >= 4 and sum(w in wb for w in wa) >= 0.9 * len(wa) and len(wa) >= 0.6 * len(wb)


def _headline_echo(pages: list[CrawlPage], trees: dict[str, LexborHTMLParser], body_css: str, prefix: str,
                   rejected: list[Rejected]) -> SuggestedRule | None:
    """[[html.drop]] for a first body paragraph that repeats the page title, by its shape
    ('<p><em>Title</em></p>'): the title is never in the article text."""
    titles = {p.id: _page_title(LexborHTMLParser(p.html or "")) for p in pages if p.kind == "html"}
    echoes: dict[str, list[tuple[str, LexborNode]]] = defaultdict(list)
    for pid, tree in trees.items():
        hits = tree.css(body_css)
        if len(hits) != 1 or not titles.get(pid):
            continue
        first = next((c for c in hits[0].iter() if c.tag == "p"), None)
        if first is None or not _same_words(_visible(first), titles[pid]):
            continue
        kids = [c for c in first.iter() if c.tag != "-text" or (c.text_content or "").strip()]
        shape = f":has(> {kids[0].tag}:only-child)" if len(kids) == 1 and kids[0].tag not in ("-text", "a") else ""
        echoes[shape].append((pid, first))
    n = len(trees)
    for shape, items in sorted(echoes.items(), key=lambda kv: -len(kv[1])):
        if len(items) < max(2, math.ceil(0.05 * n)) or not shape:
            continue
        css = f"{body_css} > p:first-of-type{shape}"
        wrong = [pid for pid, tree in trees.items() for node in tree.css(css)
                 if looks_like_body(_visible(node)) and not _same_words(_visible(node), titles.get(pid, ""))]
        if wrong:
            rejected.append(Rejected("html drop", css, f"repeats the title on {len(items)} pages but selects a story paragraph on {len(wrong)}"))
            continue
        node = items[0][1]
        container = trees[items[0][0]].css_first(body_css)
        cls = " ".join(_classes(container))
        open_tag = f'<{container.tag} class="{cls}">' if cls else f"<{container.tag} id=\"{container.attributes.get('id')}\">"
        must = open_tag + (node.html or "") + "<p>Isi berita.</p>" + f"</{container.tag}>"
        echo_pages = {pid for pid, _ in items}
        story = None  # the first paragraph of a page without the echo: a real story paragraph
        for pid, tree in trees.items():
            hits = tree.css(body_css)
            first = next((c for c in hits[0].iter() if c.tag == "p"), None) if len(hits) == 1 else None
            if pid not in echo_pages and first is not None and looks_like_body(_visible(first)) and len(first.html or "") < 600:
                story = first
                break
        must_not = open_tag + (story.html if story is not None else "<p>Isi <em>berita</em> ini, kata dia.</p>") + f"</{container.tag}>"
        table = {
            "id": f"{prefix}-H09",
            "why": "headline echo: the first paragraph of the body repeats the page title",
            "css": css,
            "must_match": [must],
            "must_not_match": [must_not],
        }
        rule, problems = _compile("drop", table, "html")
        if rule is None:
            rejected.append(Rejected("html drop", css, "; ".join(problems)))
            continue
        return SuggestedRule("html", "drop", table, "headline echo", [pid for pid, _ in items], short(_visible(node), 80))
    return None


def _html_candidates(pages: list[CrawlPage], generic: RuleFile, prefix: str, min_share: float, rejected: list[Rejected]) -> list[SuggestedRule]:
    html_pages = [p for p in pages if p.kind == "html"]
    if not html_pages:
        return []
    trees = {p.id: _pruned_tree(p, list(generic.html["drop"])) for p in html_pages}
    bodies = _body_rules(trees, prefix, rejected)
    out: list[SuggestedRule] = []
    for body in bodies:  # node rules inside each layout's body, on the pages of that layout
        layout = {pid: trees[pid] for pid in body.pages}
        echo = _headline_echo(html_pages, layout, body.table["css"], prefix, rejected)
        drops = _drop_rules(layout, body.table["css"], prefix, min_share, rejected)
        known = {r.table["css"] for r in out}
        out += [r for r in ([echo] if echo else []) + drops if r.table["css"] not in known]
    return out + bodies


def _has_ancestor_matching(node: LexborNode, css: str) -> bool:
    tag, _, rest = css.partition(".")
    tag, _, ident = tag.partition("#")
    classes = set(rest.split(".")) if rest else set()
    n = node.parent
    while n is not None and n.tag not in ("html", "body"):
        if n.tag == tag and classes <= set(_classes(n)) and (not ident or n.attributes.get("id") == ident):
            return True
        n = n.parent
    return False


def _render_html_pages(pages: list[CrawlPage], generic: RuleFile, html_rules: list[SuggestedRule]) -> None:
    """The lines the text rules see on each HTML page, with the suggested node rules applied."""
    from .extract import extract_lines

    compiled = {"drop": [], "body": []}
    for s in html_rules:
        rule, _ = _compile(s.kind, s.table, "html")
        if rule is not None:
            compiled[s.kind].append(rule)
    for page in pages:
        if page.kind != "html":
            continue
        tree = LexborHTMLParser(page.html or "")
        H.drop_nodes(tree, compiled["drop"] + list(generic.html["drop"]), [])
        H.drop_headed_widgets(tree, list(generic.html["drop_heading"]), [])
        body, _ = H.pick_body(tree, compiled["body"] + list(generic.html["body"]))
        if body is not None:
            page.lines = H.render_lines(body)
        else:
            page.lines = extract_lines(tree.html or "", page.url or H.page_url(tree))


# -- validation and assembly ------------------------------------------------


def _body_lines(pages: list[CrawlPage]) -> list[str]:
    out = []
    for page in pages:
        for t in page.texts:
            if looks_like_body(t) and len(t) <= 400:
                out.append(t)
    return out


def _must_not(rule: Rule, hint: str, body_lines: list[str]) -> str | None:
    """A real body line of the crawl the rule leaves alone, sharing the hint if possible."""
    def fires(line: str) -> bool:
        return rule.pattern.search(line) is not None if rule.kind == "strip_inline" else rule.matches_line(line)

    hint_l = hint.casefold().strip("(")
    ranked = sorted(body_lines, key=lambda t: (0 if hint_l and hint_l in t.casefold() else 1, 0 if "(" in t and hint == "(" else 1, len(t)))
    for t in ranked:
        if len(t) > 220:
            cut = t.rfind(" ", 0, 200)
            t = t[: cut if cut > 0 else 200]
        if not fires(t):
            return t
    return None


def _stories(page_ids: Iterable[str], page_grams: dict[str, set]) -> int:
    """How many distinct stories the pages hold: near-duplicates (half their word
    trigrams shared: a story updated, or a serial article) count once."""
    ids = sorted(page_ids)
    parent = {i: i for i in ids}

    def root(i: str) -> str:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for a_i, a in enumerate(ids):
        ga = page_grams.get(a, set())
        for b in ids[a_i + 1 :]:
            gb = page_grams.get(b, set())
            if ga and gb and len(ga & gb) >= 0.5 * len(ga | gb):
                parent[root(a)] = root(b)
    return len({root(i) for i in ids})


def _finish(cand: _Cand, rule_id: str, body_lines: list[str], evaluator: _Evaluator, accepted: list[Rule],
            rejected: list[Rejected], page_grams: dict[str, set]) -> tuple[SuggestedRule, Rule] | None:
    """Give a candidate its examples from the crawl, compile and check it, and
    measure it with the rules accepted so far; None (and a reason) when it fails."""
    if cand.stories > 1:
        stories = _stories(cand.support, page_grams)
        if stories < cand.stories:
            rejected.append(Rejected(cand.origin, cand.what, f"on {len(cand.support)} pages but only {stories} distinct stories (near-duplicate pages)"))
            return None
    table = {"id": rule_id, "why": cand.why, "pattern": cand.pattern, **cand.extra}
    problems: list[str] = []
    probe = _load_rule(cand.kind, {**table, "must_match": ["x"], "must_not_match": ["y"]}, Path("<suggest>"), 0, problems)
    if probe is None or problems:
        rejected.append(Rejected(cand.origin, cand.what, "; ".join(problems) or "does not compile"))
        return None
    fires = (lambda line: probe.pattern.search(line) is not None) if cand.kind == "strip_inline" else probe.matches_line
    must: list[str] = []
    for ex in cand.match_examples:
        ex = ex if len(ex) <= 240 else excerpt(ex, 0, 200, 0)
        if fires(ex) and ex not in must:
            must.append(ex)
        if len(must) == 2:
            break
    if not must:
        rejected.append(Rejected(cand.origin, cand.what, "no crawl example is matched by the generalised pattern"))
        return None
    not_ex = _must_not(probe, cand.hint, body_lines)
    if not_ex is None:
        rejected.append(Rejected(cand.origin, cand.what, "every body line of the crawl matches it"))
        return None
    table["must_match"] = must
    table["must_not_match"] = [not_ex]
    if cand.expect:
        table["expect"] = [[ex, apply_rule(probe, ex)] for ex in must]
    rule, problems = _compile(cand.kind, table)
    if rule is None:
        rejected.append(Rejected(cand.origin, cand.what, "; ".join(problems)))
        return None
    eff = evaluator.effect(rule, accepted)
    if not eff["fired"]:
        rejected.append(Rejected(cand.origin, cand.what, "never fires on the crawl once the rules before it ran"))
        return None
    body = 0 if cand.tail else len(eff["body_pages"])
    if body >= 2 or (body and body > 0.1 * len(eff["fired"])):
        rejected.append(Rejected(cand.origin, cand.what, f"removes body-like text on {body} of the {len(eff['fired'])} pages it fires on"))
        return None
    if eff["worst_share"] > 0.5:
        rejected.append(Rejected(cand.origin, cand.what, f"removes {eff['worst_share']:.0%} of a page's words"))
        return None
    if cand.origin == "trailing marker" and eff["covered"] == len(eff["fired"]):
        # a piece of a line the generic rules already remove everywhere: a site rule, run
        # before them, could only leave part of what they would take (a glued label before it)
        by = f" ({', '.join(eff['covered_by'])})" if eff["covered_by"] else ""
        rejected.append(Rejected(cand.origin, cand.what, f"the generic rules already remove it on all {len(eff['fired'])} pages{by}"))
        return None
    example = eff["example"] if len(eff["example"].strip()) >= 25 else must[0]
    return (
        SuggestedRule("text", cand.kind, table, cand.origin, eff["fired"], short(example.strip(), 90), eff["covered"], eff["covered_by"]),
        rule,
    )


def _renumber(rules: list[SuggestedRule], prefix: str) -> None:
    """Ids in the order the draft lists the rules: text T01.., HTML drops H01.., body H10.. ."""
    order = {("text", k): i for i, k in enumerate(TEXT_PHASES)}
    order.update({("html", "drop"): 10, ("html", "body"): 11})
    rules.sort(key=lambda r: order.get((r.mode, r.kind), 9))
    t = h = 0
    for r in rules:
        if r.mode == "text":
            t += 1
            r.table["id"] = f"{prefix}-T{t:02d}"
        elif r.kind == "drop":
            h += 1
            r.table["id"] = f"{prefix}-H{h:02d}"
    h = max(h, 9)
    for r in rules:
        if r.kind == "body":
            h += 1
            r.table["id"] = f"{prefix}-H{h:02d}"


def _sample(pages: list[CrawlPage], limit: int) -> list[CrawlPage]:
    """At most `limit` pages, evenly spread over the crawl (in its stable order)."""
    if limit <= 0 or len(pages) <= limit:
        return pages
    step = len(pages) / limit
    return [pages[int(i * step)] for i in range(limit)]


def suggest_pages(
    pages: list[CrawlPage],
    site: str,
    *,
    generic: RuleFile | None = None,
    min_share: float = MIN_SHARE,
    min_pages: int = MIN_PAGES,
    max_pages: int = MAX_PAGES,
    id_prefix: str | None = None,
    source: str = "",
) -> Suggestion:
    """Draft the rules of `site` from its crawled pages (see the module doc).

    `generic` is the global rule file the draft will run under (default: the
    shipped one); a repeated line or shape must be seen on `min_share` of the
    pages and on `min_pages` at least; crawls larger than `max_pages` are
    sampled evenly.
    """
    if not pages:
        raise SuggestError("no pages to learn from", 3)
    total = len(pages)
    pages = _sample(pages, max_pages)
    generic = generic if generic is not None else load_rules(SHIPPED_RULES).global_rules
    prefix = id_prefix or _id_prefix(site)
    rejected: list[Rejected] = []
    html_rules = _html_candidates(pages, generic, prefix, min_share, rejected)
    _render_html_pages(pages, generic, html_rules)
    usable = [p for p in pages if p.lines]
    if not usable:
        raise SuggestError("no page has any text to learn from", 3)
    need = _threshold(len(usable), min_share, min_pages)
    evaluator = _Evaluator(generic, usable)
    repeated, template = _repeated_lines(usable, need, rejected)
    shapes = _line_shapes(usable, need, template, rejected)
    datelines, signature = _datelines(usable, evaluator, need, site, rejected)
    trailing = _trailing_markers(usable, need, template, rejected)
    ends = _end_marks(usable, template, trailing, rejected)
    promos = _inline_promos(usable, need)
    body_lines = _body_lines(usable)
    page_grams = {p.id: set().union(*map(_trigrams, p.texts)) for p in usable}
    accepted: list[Rule] = []
    rules: list[SuggestedRule] = []
    for n, cand in enumerate([*repeated, *shapes, *trailing, *ends, *promos, *datelines], 1):
        done = _finish(cand, f"{prefix}-C{n:02d}", body_lines, evaluator, accepted, rejected, page_grams)
        if done is not None:
            rules.append(done[0])
            accepted.append(done[1])
    suggestion = Suggestion(site, len(pages), sum(p.kind == "text" for p in pages), sum(p.kind == "html" for p in pages),
                            html_rules + rules, rejected, signature, source, need=need, total=total)
    _renumber(suggestion.rules, prefix)
    _validate(suggestion)
    return suggestion


def _validate(suggestion: Suggestion) -> None:
    """The whole draft must load with the project's loader and pass its examples;
    a rule that fails is left out (and listed as rejected)."""
    import tempfile

    for _ in range(len(suggestion.rules) + 1):
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / f"{suggestion.site}.toml"
            path.write_text(render_toml(suggestion), encoding="utf-8")
            problems: list[str] = []
            rf = load_file(path, is_global=False, problems=problems)
            failures = [str(f) for r in (rf.rules() if rf else []) for f in check_rule(r)]
        bad = problems + failures
        if not bad:
            return
        ids = {r.id for r in suggestion.rules if any(f": {r.id}:" in b for b in bad)}
        if not ids:
            if suggestion.signature is not None:
                suggestion.signature = None
                continue
            raise SuggestError("the draft does not load: " + "; ".join(bad))
        for r in suggestion.rules:
            if r.id in ids:
                suggestion.rejected.append(Rejected(r.origin, r.id, "; ".join(b for b in bad if f": {r.id}:" in b)))
        suggestion.rules = [r for r in suggestion.rules if r.id not in ids]


def render_toml(s: Suggestion) -> str:
    """The draft as a site rule file, with the evidence of each rule in comments."""
    sampled = f", sampled from {s.total}" if s.total > s.n_pages else ""
    out = [
        comment(f"Draft rules for {s.site}: `cleaner rules suggest` on {s.n_pages} crawled pages{sampled}"
                f" ({s.n_text} text, {s.n_html} HTML){' in ' + s.source if s.source else ''}."),
        comment(f"Found in the crawl alone (no gold): lines and shapes seen on >= {s.need} pages, known promo, dateline"),
        comment("and end-mark shapes, HTML nodes of the template. Each rule was checked on the crawl with the generic"),
        comment("rules. Review the evidence, keep what is template, then `cleaner rules test --rules DIR`."),
        "",
        f"site = {toml_str(s.site)}",
        f"hosts = {toml_value([s.site])}",
    ]
    if s.signature:
        out.append(comment("the outlet's dateline, to recognise its texts when no URL or folder tells"))
        out.append(f"text_signature = {toml_str(s.signature)}")
    order = [("text", "cut_after"), ("text", "drop_line"), ("text", "strip_inline"), ("html", "drop"), ("html", "body")]
    for mode, kind in order:
        for r in s.rules:
            if (r.mode, r.kind) != (mode, kind):
                continue
            out.append("")
            out.append(comment(f'evidence: matched on {len(r.pages)}/{s.n_pages} pages, e.g. "{short(r.example, 90)}"'))
            found = f"found as: {r.origin}"
            if r.mode == "text" and r.covered:
                by = f" ({', '.join(r.covered_by)})" if r.covered_by else ""
                found += f"; removed without it too on {r.covered} of these pages{by}"
            out.append(comment(found))
            out.append(f"[[{mode}.{kind}]]")
            for key in ("id", "why", "pattern", "css", "scope", "min_line", "title", "replace"):
                if key in r.table:
                    out.append(f"{key} = {toml_value(r.table[key])}")
            for key in ("must_match", "must_not_match"):
                out.append(f"{key} = {toml_value(r.table[key])}")
            if r.table.get("expect"):
                out.append("expect = [" + ", ".join(toml_value(pair) for pair in r.table["expect"]) + "]")
    if s.rejected:
        out.append("")
        out.append(comment("Candidates left out:"))
        for rej in s.rejected[:40]:
            out.append(comment(f"  {rej.origin}: {short(rej.what, 70)}: {short(rej.reason, 120)}"))
        if len(s.rejected) > 40:
            out.append(comment(f"  ... and {len(s.rejected) - 40} more"))
    return "\n".join(out) + "\n"


def site_of(folder: Path, pages: list[CrawlPage]) -> str | None:
    """The site a crawl is of: the folder's name if it is named like a domain,
    else the most common host of the pages' URLs (export records, canonical links)."""
    name = folder_domain(PurePosixPath(folder.resolve().name) / "x") if folder.is_dir() else None
    if name:
        return name
    hosts = Counter()
    for p in pages:
        url = p.url
        if url is None and p.html:
            url = H.page_url(LexborHTMLParser(p.html))
        if url and host_of(url):
            hosts[host_of(url)] += 1
    return hosts.most_common(1)[0][0] if hosts else None


def suggest(
    folder: Path | str,
    *,
    site: str | None = None,
    rules_dirs: Sequence[Path | str] = (),
    shipped: bool = True,
    min_share: float = MIN_SHARE,
    min_pages: int = MIN_PAGES,
    id_prefix: str | None = None,
) -> Suggestion:
    """Draft a site rule file from a folder (or export) of that site's pages.

    The generic rules the draft runs under are the global rules of the shipped
    folder and `rules_dirs` (as `--rules`); raises SuggestError or RuleError.
    """
    folder = Path(folder)
    if not folder.exists():
        raise SuggestError(f"{folder}: no such file or folder")
    pages = load_crawl(folder)
    if not pages:
        raise SuggestError(f"{folder}: no pages (.txt/.html files or export records) found", 3)
    site = site or site_of(folder, pages)
    if not site:
        raise SuggestError(f"{folder}: cannot tell the site (name the folder after its domain or pass --site)")
    folders = ((SHIPPED_RULES,) if shipped else ()) + tuple(Path(d) for d in rules_dirs)
    generic = load_rules(*folders).global_rules
    return suggest_pages(pages, site.lower(), generic=generic, min_share=min_share, min_pages=min_pages, id_prefix=id_prefix,
                         source=str(folder))
