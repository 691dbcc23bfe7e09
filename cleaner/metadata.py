"""A page's metadata (title, authors, publication date, description, site
name, language, canonical URL), read from the one lexbor tree the engine
already parsed: no second parse, no lxml, no trafilatura.

`page_metadata(tree, url=None) -> Metadata`. Every field is read from the
sources below, first source that gives a usable value wins; a field no
source gives is None (authors: an empty tuple).

- **JSON-LD** first (`<script type="application/ld+json">`): an article
  object (NewsArticle, Article, ReportageNewsArticle, BlogPosting... any
  @type ending in "Article"; found at the top, in a list, in "@graph" or
  under "mainEntity"), then a WebPage object. It is what the publisher
  wrote for search engines, field by field, with the date as a machine date:
  the least ambiguous source. Broken JSON-LD (raw newlines in strings,
  trailing commas, HTML comments, unescaped quotes) is repaired or, failing
  that, its fields are read with regexes.
- **meta tags**: OpenGraph and `article:*`, then the `name=` ones (title,
  author, pubdate, Dublin Core `dc.*`...), then `itemprop` meta.
- **microdata and markup** in the page: `itemprop="datePublished"` /
  `"author"` elements, `<time datetime>`, `<title>`, the `<h1>`/`<h2>`
  headline, `<html lang>`, `link[rel=canonical]`.
- **visible text**: a date line next to the headline ("Senin, 30 September
  2024 20:31 WIB", "Rabu, 17 Juni 2015 | 22:26 WIB", "Jun 19, 2015"):
  month names in Indonesian and English.
- **the URL's date** (`/2024/09/30/`) as the last resort for the date.

The title is the reader's headline where the page shows it: the metadata
title (with a " - Site Name" / " | Site" suffix removed when it names the
site) is replaced by the text of the `<h1>` (or `<h2>`) that carries the same
words, so that punctuation a site drops from its metadata ("Raja Ampat Apa
Iya" for "Raja Ampat: Apa Iya ...?") and a headline the metadata cuts short
come out as the page prints them.

The date is the **day**, `YYYY-MM-DD`, as the source writes it (no time, no
time-zone conversion): see `Metadata.date`.

Cost: the head's meta/link/script tags (a small subtree) plus one CSS walk of
the body; see benchmarks/metadata.py for the measured cost per page.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import html as _html
import json
import re
from collections import Counter
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from selectolax.lexbor import LexborHTMLParser, LexborNode

__all__ = ["Metadata", "page_metadata", "parse_date", "find_date"]


@dataclass(frozen=True, slots=True)
class Metadata:
    """What a page says about itself. Every field may be None (authors: ())."""

    title: str | None = None  # the headline as the page shows it, without the site's suffix
    authors: tuple[str, ...] = ()  # people, in page order; the site's own name is never an author
    # The publication day, ISO 8601 "YYYY-MM-DD", as the page writes it (its
    # own local day: "2015-06-19T00:23:23+00:00" gives 2015-06-19, never
    # converted). A day and not a timestamp because it is what every source
    # gives (a visible date line or a URL often has no time, and many sites
    # write local time with a wrong zone, as Jakarta Globe's "+00:00" for WIB),
    # and it is what trafilatura/htmldate give, so records compare.
    date: str | None = None
    description: str | None = None
    site_name: str | None = None
    # The declared language's primary subtag, lowercase ("id", "en"; the
    # old "in" read as "id"). As declared: templates often say "en" on
    # Indonesian pages, and nothing here guesses from the text.
    language: str | None = None
    url: str | None = None  # canonical URL: link[rel=canonical], og:url, JSON-LD, else the URL given

    def as_dict(self) -> dict:
        """The fields as a JSON-ready dict (authors as a list)."""
        d = dataclasses.asdict(self)
        d["authors"] = list(self.authors)
        return d


# --- dates --------------------------------------------------------------------

#: Month names and abbreviations, Indonesian and English (with the old
#: Indonesian spellings Pebruari, Nopember and the abbreviations Agt/Ags, Nop).
_MONTHS = {
    "januari": 1, "january": 1, "jan": 1,
    "februari": 2, "pebruari": 2, "february": 2, "feb": 2, "peb": 2,
    "maret": 3, "march": 3, "mar": 3,
    "april": 4, "apr": 4,
    "mei": 5, "may": 5,
    "juni": 6, "june": 6, "jun": 6,
    "juli": 7, "july": 7, "jul": 7,
    "agustus": 8, "august": 8, "agu": 8, "agt": 8, "ags": 8, "aug": 8,
    "september": 9, "sept": 9, "sep": 9,
    "oktober": 10, "october": 10, "okt": 10, "oct": 10,
    "november": 11, "nopember": 11, "nov": 11, "nop": 11,
    "desember": 12, "december": 12, "des": 12, "dec": 12,
}
_MONTH_RE = "|".join(sorted(_MONTHS, key=len, reverse=True))
#: 2024-09-30, 2024/09/30, 2024.09.30 (also the start of "2015-06-16T14-05-11Z").
_YMD = r"(?<!\d)(?P<y1>(?:19|20)\d\d)[-/.](?P<m1>\d{1,2})[-/.](?P<d1>\d{1,2})(?!\d)"
#: 30/09/2024, 30-09-2024: day first, as in Indonesia and most of the world
#: (read month first only when the first number cannot be a month... the
#: second cannot be: 09/30/2024).
_DMY_NUM = r"(?<![\d/.-])(?P<a2>\d{1,2})[-/.](?P<b2>\d{1,2})[-/.](?P<y2>(?:19|20)\d\d)(?!\d)"
#: 30 September 2024, 30 Sep. 2024, 17 Juni 2015
_D_MONTH_Y = rf"(?<!\d)(?P<d3>\d{{1,2}})\.?\s+(?P<m3>{_MONTH_RE})\b\.?,?\s+(?P<y3>(?:19|20)\d\d)(?!\d)"
#: June 19, 2015; Jun 19 2015; June 19th, 2015
_MONTH_D_Y = rf"\b(?P<m4>{_MONTH_RE})\b\.?\s+(?P<d4>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y4>(?:19|20)\d\d)(?!\d)"
_DATE = re.compile("|".join((_YMD, _DMY_NUM, _D_MONTH_Y, _MONTH_D_Y)), re.I)
#: A URL's date: /2024/09/30/, /2024-09-30/ (also kompas's /read/2015/06/17/22260808/).
_URL_DATE = re.compile(r"/((?:19|20)\d\d)[/-](\d{1,2})[/-](\d{1,2})(?:[/-]|$)")
_MIN_YEAR = 1990  # older "dates" on news pages are history, not publication days


def _day(y: int, m: int, d: int) -> str | None:
    """The ISO day, or None for an impossible or implausible one (the future
    beyond next year is a typo or a placeholder)."""
    if not _MIN_YEAR <= y <= _dt.date.today().year + 1:
        return None
    try:
        return _dt.date(y, m, d).isoformat()
    except ValueError:
        return None


def _match_day(m: re.Match) -> str | None:
    g = m.groupdict()
    if g["y1"]:
        return _day(int(g["y1"]), int(g["m1"]), int(g["d1"]))
    if g["y2"]:
        a, b = int(g["a2"]), int(g["b2"])
        day, month = (b, a) if a <= 12 < b else (a, b)
        return _day(int(g["y2"]), month, day)
    if g["y3"]:
        return _day(int(g["y3"]), _MONTHS[g["m3"].lower()], int(g["d3"]))
    return _day(int(g["y4"]), _MONTHS[g["m4"].lower()], int(g["d4"]))


def find_date(text: str) -> str | None:
    """The first date written in `text` ("Senin, 30 September 2024 20:31 WIB",
    "Jun 19, 2015", "22/10/2025 06:59", "2024-09-30T20:31:00+07:00") as
    "YYYY-MM-DD", or None. Relative dates ("4 jam lalu") are not dates."""
    for m in _DATE.finditer(text):
        day = _match_day(m)
        if day:
            return day
    return None


def parse_date(value: str | None) -> str | None:
    """A date value from metadata (ISO 8601 or a written date) as "YYYY-MM-DD"."""
    if not value:
        return None
    return find_date(value[:200])


def _url_date(url: str | None) -> str | None:
    if not url:
        return None
    m = _URL_DATE.search(urlsplit(url).path)
    return _day(int(m.group(1)), int(m.group(2)), int(m.group(3))) if m else None


# --- JSON-LD --------------------------------------------------------------------

#: @types read as the article (besides any type ending in "Article").
_ARTICLE_TYPES = frozenset({"BlogPosting", "LiveBlogPosting", "SocialMediaPosting", "Report", "VideoObject"})
_PAGE_TYPES = frozenset({"WebPage", "ItemPage", "CollectionPage"})
_TRAILING_COMMA = re.compile(r",\s*([}\]])")
_LD_WRAPPERS = re.compile(r"^\s*(?:<!--|//\s*<!\[CDATA\[|<!\[CDATA\[)|(?://\s*\]\]>|\]\]>|-->)\s*$")


def _load_ld(text: str):
    """The JSON of a JSON-LD script, tolerating the usual breakage; None if
    nothing readable. strict=False: raw newlines and tabs inside strings
    (the most common breakage) are accepted."""
    text = _LD_WRAPPERS.sub("", text.strip())
    if not text:
        return None
    try:
        return json.loads(text, strict=False)
    except ValueError:
        pass
    try:
        return json.loads(_TRAILING_COMMA.sub(r"\1", text), strict=False)
    except ValueError:
        pass
    try:  # several objects side by side: {...}{...} or {...},{...}
        return json.loads("[" + re.sub(r"}\s*,?\s*{", "},{", text) + "]", strict=False)
    except ValueError:
        return _scrape_ld(text)


#: Field values read from JSON-LD that does not parse (an unescaped quote in
#: a headline is the usual cause): a string value ends at a quote followed
#: by a comma or brace and the next key, or the end of the object.
_LD_FIELD = r'"{key}"\s*:\s*"(.*?)"\s*(?=[,}}\]]\s*(?:"|}}|\]|$))'
_SCRAPED = ("@type", "headline", "name", "datePublished", "dateCreated", "description", "inLanguage")


def _scrape_ld(text: str) -> dict | None:
    found: dict = {}
    for key in _SCRAPED:
        m = re.search(_LD_FIELD.format(key=re.escape(key)), text, re.S)
        if m:
            found[key] = _unescape_json(m.group(1))
    authors = re.search(r'"author"\s*:\s*(\[.*?\]|\{.*?\}|"(?:[^"\\]|\\.)*")', text, re.S)
    if authors:
        names = re.findall(r'"name"\s*:\s*"((?:[^"\\]|\\.)*)"', authors.group(1))
        found["author"] = [_unescape_json(n) for n in names] or _unescape_json(authors.group(1).strip('"'))
    if "@type" not in found:
        found["@type"] = "Article" if "headline" in found else None
    return found if len(found) > 1 else None


def _unescape_json(value: str) -> str:
    try:
        return json.loads(f'"{value}"', strict=False)
    except ValueError:
        return value.replace('\\"', '"').replace("\\/", "/")


def _ld_items(data, depth: int = 0):
    """Every dict in a JSON-LD document that may describe the page: the top
    objects, list items, "@graph" members, "mainEntity" objects."""
    if depth > 4:
        return
    if isinstance(data, list):
        for item in data:
            yield from _ld_items(item, depth + 1)
    elif isinstance(data, dict):
        yield data
        for key in ("@graph", "mainEntity"):
            if key in data:
                yield from _ld_items(data[key], depth + 1)


def _types(item: dict) -> list[str]:
    t = item.get("@type")
    return [x for x in (t if isinstance(t, list) else [t]) if isinstance(x, str)]


def _is_article(item: dict) -> bool:
    return any(t.endswith("Article") or t in _ARTICLE_TYPES for t in _types(item))


def _ld_str(value) -> str | None:
    """A JSON-LD value as clean text (a list: its first string; entities decoded)."""
    if isinstance(value, list):
        value = next((v for v in value if isinstance(v, str)), None)
    if isinstance(value, dict):
        value = value.get("name") or value.get("@value")
    if not isinstance(value, str):
        return None
    if "&" in value:
        value = _html.unescape(value)
    return " ".join(value.split()) or None


def _ld_names(value) -> list[str]:
    """Author names from a JSON-LD author value: a name, an object with a
    name, or a list of either."""
    if isinstance(value, list):
        return [n for v in value for n in _ld_names(v)]
    if isinstance(value, dict):
        if any(t == "Organization" or t.endswith("Organization") for t in _types(value)) and "name" in value:
            return []  # an organization is a publisher, not an author (trafilatura skips them too)
        value = value.get("name")
    name = _ld_str(value)
    return [name] if name else []


# --- meta tags --------------------------------------------------------------------

#: meta keys (property, name or itemprop, lowercased) per field, in order.
_TITLE_META = ("og:title", "twitter:title", "title", "dc.title", "headline", "sailthru.title", "parsely-title")
_DESC_META = ("og:description", "description", "twitter:description", "dc.description")
_SITE_META = ("og:site_name", "application-name", "publisher", "dc.publisher")
_AUTHOR_META = ("author", "article:author", "og:article:author", "dc.creator", "parsely-author",
                "sailthru.author", "byl", "dable:author", "content_author")
#: Publication-date keys. The modification dates (article:modified_time,
#: og:updated_time, dateModified) are never read: the day of a typo fix is not
#: the publication day.
_DATE_META = (
    "article:published_time", "og:article:published_time", "article:published", "article.published",
    "og:published_time", "datepublished", "pubdate", "publishdate", "publish_date", "publish-date",
    "pub_date", "publication_date", "date", "dc.date.issued", "dcterms.issued", "dc.terms.issued",
    "dc.date", "dc.date.created", "dcterms.created", "datecreated", "sailthru.date", "parsely-pub-date",
    "content_publishdate", "release_date", "originalpublicationdate",
)
_LANG_META = ("content-language", "language", "dc.language", "og:locale")


def _meta_map(head: LexborNode | None) -> dict[str, str]:
    """meta key (property / name / itemprop / http-equiv, lowercased) -> the
    first non-empty content."""
    found: dict[str, str] = {}
    if head is None:
        return found
    for node in head.css("meta"):
        attrs = node.attributes
        content = attrs.get("content")
        if not content or not content.strip():
            continue
        for attr in ("property", "name", "itemprop", "http-equiv"):
            key = attrs.get(attr)
            if key:
                found.setdefault(key.strip().lower(), content.strip())
    return found


def _first(meta: dict[str, str], keys) -> str | None:
    for key in keys:
        value = meta.get(key)
        if value:
            return " ".join(_html.unescape(value).split()) if "&" in value else " ".join(value.split())
    return None


# --- the title ----------------------------------------------------------------------

#: What separates a title from its site suffix: " - Site", " | Site", " :: Site",
#: " : Site", " — Site", " » Site", " · Site".
_SUFFIX_SEP = re.compile(r"\s+(?:[-|:–—»·]|::)\s+")
#: Pagination suffix segments: "Halaman all", "Halaman 2", "Page 2".
_PAGE_SEGMENT = re.compile(r"^(?:halaman|page)\s+(?:all|\d+)$", re.I)
_WORD = re.compile(r"\w+")
#: Second-level labels under a country code: "viva.co.id" -> "viva".
_SECOND_LEVEL = frozenset({"co", "com", "or", "ac", "go", "net", "org", "web", "sch", "my", "gov", "edu"})


def _host_key(url: str | None) -> str | None:
    """The site's name in its host: "bola.kompas.com" -> "kompas",
    "dunia.news.viva.co.id" -> "viva"; None without a host."""
    if not url:
        return None
    host = (urlsplit(url if "//" in url else "//" + url).hostname or "").lower()
    labels = [x for x in host.split(".") if x]
    if len(labels) < 2:
        return None
    labels = labels[:-1]  # the top-level domain
    if len(labels) >= 2 and labels[-1] in _SECOND_LEVEL:
        labels = labels[:-1]
    return labels[-1] or None


def _squash(text: str) -> str:
    """Lowercase letters and digits only: "The Jakarta Post" -> "thejakartapost"."""
    return "".join(_WORD.findall(text.lower())).replace("_", "")


def _names_site(segment: str, keys: list[str]) -> bool:
    """Does a title segment name the site ("Tribunnews.com", "Kompas.com Bola",
    "News Liputan6.com", "Okezone Economy")?"""
    squashed = _squash(segment)
    return bool(squashed) and any(k in squashed or squashed in k for k in keys if len(k) >= 3)


def _strip_site_suffix(title: str, site_name: str | None, host_key: str | None) -> str:
    """The title without trailing segments naming the site or the page
    ("X - Tribunnews.com", "X -  Halaman all - TribunNews.com", "X | The Jakarta
    Post"). Only a segment that names the site (its site name or host) or a
    page number is cut, so "Kadishub DKI: Taksi Uber ..." keeps its colon part."""
    keys = [k for k in (_squash(site_name) if site_name else None, host_key) if k]
    if site_name:
        keys.append(_squash(site_name.rsplit(".", 1)[0]))  # "Tribunnews.com" -> "tribunnews"
    while True:
        seps = list(_SUFFIX_SEP.finditer(title))
        if not seps:
            return title
        last = seps[-1]
        segment = title[last.end():].strip()
        rest = title[: last.start()].strip()
        if not rest or not (_PAGE_SEGMENT.match(segment) or (keys and _names_site(segment, keys))):
            return title
        title = rest


def _tokens(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def _headline_node(headings: list[LexborNode], title: str | None, site_name: str | None,
                   host_key: str | None) -> tuple[LexborNode | None, str | None]:
    """The <h1> (else <h2>) that shows the title, and its text (its own site
    suffix cut). First a heading with the same words (punctuation and case
    aside); failing that, one whose words and the title's start alike and
    cover most of both (a suffix the title kept, or a title cut short).
    Without a title: the first non-empty <h1>. A masthead <h1> holding the
    whole <title> ("X :: Okezone News") thus loses to the headline "X"."""
    texts = []
    for node in headings:
        raw = " ".join(node.text(deep=True, separator=" ").split())
        text = _strip_site_suffix(raw, site_name, host_key)
        if text:
            texts.append((node, text, _tokens(text), text != raw))
    if not title:
        return next(((node, text) for node, text, _, _ in texts if node.tag == "h1"), (None, None))
    # The title's words, and the title without its trailing segments (" | Blog",
    # " - Section"): a metadata title often is "Headline | Section | Site".
    wants = [_tokens(title)]
    for sep in reversed(list(_SUFFIX_SEP.finditer(title))):
        head_words = _tokens(title[: sep.start()])
        if len(head_words) >= 3:
            wants.append(head_words)
    # Same words first, and a heading as it is before one that carried the
    # site's suffix (that one is a masthead repeating the <title>); then close
    # (the same start, covering most of both: a title cut short, or a
    # heading that goes on); then similar (the same words but for a few: a
    # headline reworded for search engines, "7 Ways to Help You Transition to
    # a Plant Based Diet" for "7 Ways to Transition to a Plant-Based Diet").
    for how, suffixed in (("same", False), ("same", True), ("close", None), ("similar", None)):
        for tag in ("h1", "h2"):
            for node, text, have, stripped in texts:
                if node.tag != tag or not have or (suffixed is not None and stripped != suffixed):
                    continue
                if how == "similar":
                    if _bag_f1(have, wants[0]) >= _SIMILAR:
                        return node, text
                    continue
                for want in wants:
                    if have == want:
                        return node, text
                    n = min(len(have), len(want))
                    if how == "close" and n >= 4 and have[:n] == want[:n] and n >= 0.6 * max(len(have), len(want)):
                        return node, text
    return None, None


#: How alike (token F1) a heading and the metadata title must be for the
#: heading to be taken as the headline when neither starts like the other.
_SIMILAR = 0.8


def _bag_f1(a: list[str], b: list[str]) -> float:
    common = sum((Counter(a) & Counter(b)).values())
    return 2 * common / (len(a) + len(b)) if common else 0.0


# --- authors -----------------------------------------------------------------------

_AUTHOR_SPLIT = re.compile(r"\s*(?:[,;|&/]|\bdan\b|\band\b)\s*", re.I)
_AUTHOR_PREFIX = re.compile(r"^(?:oleh|by|penulis|reporter|editor|author|ditulis oleh)\s*[:\-]?\s+", re.I)


def _clean_authors(names: list[str], site_keys: list[str]) -> tuple[str, ...]:
    """Author names: split on , ; | & "dan" "and", prefixes ("Oleh :", "By")
    removed, and without URLs, overlong strings and names of the site itself
    ("Liputan6.com", "Kompas Cyber Media", "Okezone" are the publisher)."""
    out: list[str] = []
    seen: set[str] = set()
    for raw in names:
        raw = _AUTHOR_PREFIX.sub("", " ".join(raw.split()))
        for name in _AUTHOR_SPLIT.split(raw):
            name = _AUTHOR_PREFIX.sub("", name.strip(" -:·"))
            if not name or len(name) > 60 or "://" in name or name.lower().startswith("www.") or "@" in name:
                continue
            if not any(ch.isalpha() for ch in name):
                continue
            squashed = _squash(name)
            if any(k and (k in squashed) for k in site_keys):
                continue
            if re.search(r"\.(?:com|co\.id|id|net|org)\b", name, re.I):
                continue  # a domain: a site, not a person
            if name.lower() not in seen:
                seen.add(name.lower())
                out.append(name)
    return tuple(out)


# --- the page --------------------------------------------------------------------

#: One walk of the body collects what the body may hold: JSON-LD placed there,
#: headings, <time>, microdata (lexbor runs a selector list in one pass).
#: The walk is most of page_metadata's cost. Measured on the tribunnews pool
#: (selectolax 1.0.2): this list takes ~0.26 ms a page, and "h1, h2, time"
#: alone ~0.54 ms, "h1" alone ~0.6 ms: with an attribute selector in the list
#: lexbor walks faster, so one list is both cheaper and complete.
_BODY_CSS = 'script[type="application/ld+json"], h1, h2, time, [itemprop]'


def page_metadata(tree: LexborHTMLParser, url: str | None = None) -> Metadata:
    """The metadata of a parsed page (see the module doc for the sources and
    their order). `url` is where the page came from: the canonical URL when
    the page declares none, the base for a relative canonical link, and the
    last source of the date."""
    head = tree.head
    meta = _meta_map(head)

    # JSON-LD: in the head (cheap: a small subtree), then in the body.
    scripts = head.css('script[type="application/ld+json"]') if head is not None else []
    body = tree.body
    body_nodes = body.css(_BODY_CSS) if body is not None else []
    scripts += [n for n in body_nodes if n.tag == "script"]
    articles: list[dict] = []
    pages: list[dict] = []
    for script in scripts:
        data = _load_ld(script.text(deep=True) or "")
        for item in _ld_items(data):
            if _is_article(item):
                articles.append(item)
            elif any(t in _PAGE_TYPES for t in _types(item)):
                pages.append(item)
    ld = articles + pages  # the article's fields first, then the page's

    def ld_field(*keys: str, items=None) -> str | None:
        for item in items if items is not None else ld:
            for key in keys:
                value = _ld_str(item.get(key))
                if value:
                    return value
        return None

    # Canonical URL: the link, og:url, the JSON-LD's, else the URL given.
    canonical = None
    link = head.css_first('link[rel="canonical"]') if head is not None else None
    href = (link.attributes.get("href") or "").strip() if link is not None else ""
    if href:
        canonical = urljoin(url, href) if url else href
        if not canonical.startswith(("http://", "https://", "//")):
            canonical = None
    canonical = canonical or _absolute(meta.get("og:url"))
    if not canonical:
        for item in ld:
            main = item.get("mainEntityOfPage")
            candidate = _ld_str(main.get("@id") if isinstance(main, dict) else main) or _ld_str(item.get("url"))
            canonical = _absolute(candidate)
            if canonical:
                break
    canonical = canonical or url

    # Site name: og:site_name (unless it is a URL or the title: okezone puts
    # both there), the JSON-LD publisher, application-name.
    title_tag = head.css_first("title") if head is not None else None
    title_text = " ".join(title_tag.text(deep=True).split()) if title_tag is not None else ""
    og_title = meta.get("og:title")
    site_name = None
    for candidate in (_first(meta, ("og:site_name",)),
                      next((_ld_str(i.get("publisher")) for i in articles if _ld_str(i.get("publisher"))), None),
                      _first(meta, _SITE_META[1:])):
        if candidate and "://" not in candidate and len(candidate) <= 60 and candidate not in (title_text, og_title):
            site_name = candidate
            break
    host_key = _host_key(canonical) or _host_key(url)
    site_keys = [k for k in (host_key, _squash(site_name) if site_name else None) if k]

    # Title: the JSON-LD headline, OpenGraph/Twitter/meta titles, itemprop
    # headline, <title>; its site suffix cut; then the page's own headline.
    item_nodes = [n for n in body_nodes if n.tag not in ("script", "h1", "h2", "time")]
    title = (ld_field("headline", items=articles) or _first(meta, _TITLE_META)
             or _itemprop_text(item_nodes, "headline") or ld_field("headline", "name", items=pages)
             or title_text or None)
    if title:
        title = _strip_site_suffix(title, site_name, host_key)
    headings = [n for n in body_nodes if n.tag in ("h1", "h2")][:12]
    heading, heading_text = _headline_node(headings, title, site_name, host_key)
    if heading_text:
        title = heading_text

    # Date: JSON-LD, meta, itemprop datePublished, <time>, a date line by
    # the headline, the URL.
    date = None
    for value in (ld_field("datePublished", "dateCreated", items=articles),
                  ld_field("datePublished", "dateCreated", items=pages)):
        date = parse_date(value)
        if date:
            break
    if not date:
        for key in _DATE_META:
            date = parse_date(meta.get(key))
            if date:
                break
    if not date:
        for node in item_nodes:
            if node.attributes.get("itemprop") in ("datePublished", "dateCreated"):
                attrs = node.attributes
                date = parse_date(attrs.get("datetime") or attrs.get("content")) or find_date(_node_text(node))
                if date:
                    break
    if not date:
        for node in body_nodes:
            if node.tag == "time":
                date = parse_date(node.attributes.get("datetime")) or find_date(_node_text(node))
                if date:
                    break
    if not date and heading is not None:
        date = _dateline_near(heading)
    if not date:
        date = _url_date(canonical) or _url_date(meta.get("og:url")) or _url_date(url)

    # Authors: JSON-LD, meta, itemprop author.
    authors: tuple[str, ...] = ()
    for names in (
        [n for item in articles for n in _ld_names(item.get("author"))],
        [v for k in _AUTHOR_META if (v := _first(meta, (k,)))],
        [_itemprop_author(n) for n in item_nodes if n.attributes.get("itemprop") == "author"],
    ):
        authors = _clean_authors([n for n in names if n], site_keys)
        if authors:
            break

    description = ld_field("description", items=articles) or _first(meta, _DESC_META)

    language = ld_field("inLanguage")
    if not language:
        root = tree.css_first("html")
        language = (root.attributes.get("lang") or root.attributes.get("xml:lang")) if root is not None else None
    language = _language(language) or _language(_first(meta, _LANG_META))

    return Metadata(title=title or None, authors=authors, date=date, description=description or None,
                    site_name=site_name, language=language, url=canonical)


def _absolute(value: str | None) -> str | None:
    value = (value or "").strip()
    return value if value.startswith(("http://", "https://")) else None


def _node_text(node: LexborNode, limit: int = 300) -> str:
    return " ".join((node.text(deep=True, separator=" ") or "")[: limit * 2].split())[:limit]


def _itemprop_text(nodes: list[LexborNode], prop: str) -> str | None:
    for node in nodes:
        if node.attributes.get("itemprop") == prop and node.tag != "meta":
            text = _node_text(node)
            if text:
                return text
    return None


def _itemprop_author(node: LexborNode) -> str | None:
    """An itemprop="author" element's name: its itemprop="name" child, its
    content attribute, or its text."""
    named = node.css_first('[itemprop="name"]')
    if named is not None:
        return named.attributes.get("content") or _node_text(named, 100)
    return node.attributes.get("content") or _node_text(node, 100)


def _language(value: str | None) -> str | None:
    if not value:
        return None
    primary = re.split(r"[-_\s,;]", value.strip().lower(), maxsplit=1)[0]
    if not re.fullmatch(r"[a-z]{2,3}", primary):
        return None
    return "id" if primary == "in" else primary  # "in": the pre-1989 code for Indonesian, still in templates


#: How far a date line is looked for around the headline: this many elements
#: after it (at its level and at each of _NEAR_LEVELS levels up) and before it
#: (at its level and one up only: further up and before is the masthead,
#: where a site prints today's date). Date lines sit right above or below
#: the headline.
_NEAR_AFTER, _NEAR_BEFORE, _NEAR_LEVELS, _BEFORE_LEVELS = 6, 3, 3, 2
#: Page chrome, never a date line (a masthead's or a sidebar's dates).
_CHROME_TAGS = frozenset({"header", "nav", "aside", "footer", "script", "style", "noscript", "-comment"})


def _dateline_near(heading: LexborNode) -> str | None:
    """A date written next to the headline (the first 300 characters of each
    nearby element; nearest first, after before before)."""
    node = heading
    for level in range(_NEAR_LEVELS):
        for step, count in (("next", _NEAR_AFTER), ("prev", _NEAR_BEFORE if level < _BEFORE_LEVELS else 0)):
            sib, seen = getattr(node, step), 0
            while sib is not None and seen < count:
                if sib.tag == "-text":
                    day = find_date((sib.text_content or "")[:300])
                elif sib.tag in _CHROME_TAGS:
                    day = None
                else:
                    seen += 1
                    day = find_date(_node_text(sib))
                if day:
                    return day
                sib = getattr(sib, step)
        node = node.parent
        if node is None or node.tag in ("body", "html"):
            break
    return None
