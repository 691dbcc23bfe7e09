"""HTML pages as trees: decoding, sniffing, the one selectolax parse, and
rendering a node to lines (one paragraph, heading, list item or
<br>-separated line each; inline tags joined; scripts and styles never
rendered). The HTML phases that prune the tree and pick the body are in
phases/html_nodes.py; html_stage.py runs them.

A page with pathological nesting is flattened before it is parsed
(`parse_html`, `flatten_deep`): parsing is quadratic in the nesting depth.
"""

from __future__ import annotations

import re

from selectolax.lexbor import LexborHTMLParser, LexborNode

from .io import decode
from .page import Line
from .text import normalise

#: Elements that start a new line when rendered.
BLOCK_TAGS = frozenset(
    """address article aside blockquote center dd details div dl dt fieldset figcaption figure
    footer form h1 h2 h3 h4 h5 h6 header hr li main nav ol p pre section summary table tbody
    thead tfoot tr ul""".split()
)
#: Elements whose content is never article text.
SKIP_TAGS = frozenset(
    """script style noscript template iframe svg canvas object embed head title meta link
    select option button input textarea video audio picture source""".split()
)
#: Elements that never hold article text, removed from the tree before the
#: generic extractor reads it: trafilatura would drop them too, after
#: parsing them (scripts and inline styles are often half of a page's
#: bytes), and the body finder would count a script's commas as prose.
NEVER_TEXT = ["script", "style", "noscript", "template", "svg"]
#: Elements whose text can be a widget's heading (drop_heading).
HEADING_CSS = "h1, h2, h3, h4, h5, h6, strong, b, .title, .judul, header, span"

#: Nesting kept when a page is parsed: deeper start tags (and their end tags)
#: are dropped by `flatten_deep`. Building the tree is quadratic in the depth
#: (at each block start tag the HTML tree builder looks through the stack of
#: open elements for a <p> to close). Measured with selectolax's lexbor
#: parser: 10k nested <div> parse in 0.1 s, 50k in 3.2 s, 100k in 22 s; 30k
#: nested <ul><li> in 4.6 s. 256 is also the depth at which lxml (libxml2),
#: which trafilatura parses with, stops reading a page (see extract.py).
MAX_DEPTH = 256
#: Pages with at most this many "<" are parsed as they are: with so few tags
#: no nesting makes the parse slow (worst shape measured: ~0.15 s), and the
#: scan that flattens costs ~1 s per million tags. The corpus pages have at
#: most 7.7k.
DEEP_SCAN_TAGS = 20_000

_META_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]{2,40})""", re.I)
_SNIFF_BYTES = 4096


def decode_html(data: bytes, source: str) -> str:
    """HTML bytes to text: BOM, then UTF-8, then the page's meta charset, then detection (see _decode_html)."""
    return _decode_html(data, source)[0]


def parser_input(data: bytes, source: str) -> str | bytes:
    """What the parser reads for a page's bytes: the bytes themselves when
    they are UTF-8 without a BOM (lexbor reads UTF-8 and ignores the meta
    charset, so the page is not decoded only to be encoded back: a fifth of
    the parse time), else the decoded text. Raises InputError as decode_html."""
    text, utf8 = _decode_html(data, source)
    return data if utf8 else text


def _decode_html(data: bytes, source: str) -> tuple[str, bool]:
    """The text, and whether it is the bytes read as UTF-8 without a BOM.

    A BOM wins; then UTF-8 when the bytes are valid UTF-8 (whatever the meta
    says: real windows-1252 or Latin-1 text almost never forms valid UTF-8
    sequences, pure ASCII reads the same in every ASCII-compatible charset,
    and mislabelled pages are common); then the page's meta
    charset, unless it names UTF-16/32 (a page whose markup is readable
    ASCII is not UTF-16: WHATWG reads such a declaration as UTF-8); then
    detection."""
    if data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        return decode(data, source), False
    try:
        return data.decode("utf-8"), True
    except UnicodeDecodeError:
        pass
    m = _META_CHARSET.search(data[:_SNIFF_BYTES])
    if m:
        declared = m.group(1).decode("ascii").lower()
        if not declared.replace("_", "-").startswith(("utf-16", "utf-32", "utf16", "utf32")):
            try:
                return data.decode(declared), False
            except (LookupError, UnicodeDecodeError):
                pass  # a wrong or unknown declaration: fall back to detection
    return decode(data, source), False


def looks_like_html(text: str) -> bool:
    """Sniff: does this text start like an HTML document or fragment?"""
    head = text.lstrip("\ufeff \t\r\n")[:1024].lower()
    return head.startswith(("<!doctype html", "<html", "<?xml")) or bool(
        re.search(r"<(?:head|body|div|p|article|meta|title)[\s>]", head)
    )


def sniff_kind(page: str | bytes) -> str:
    """'html' or 'text', from the first bytes of a page."""
    head = page[:1024].decode("latin-1") if isinstance(page, bytes) else page[:1024]
    return "html" if looks_like_html(head) else "text"


#: Elements that never have content or an end tag.
_VOID_TAGS = frozenset("area base br col embed hr img input keygen link meta param source track wbr".split())
#: Elements whose content is text, not tags: skipped whole by the scan.
_RAW_TEXT_TAGS = frozenset("script style textarea title xmp iframe noembed noframes plaintext".split())
_RAW_TEXT_END = {t: re.compile(rf"</{t}(?:[\s/][^>]*)?>", re.I) for t in _RAW_TEXT_TAGS}
#: Open elements that the start tag of another closes (optional end tags), so
#: that sloppy markup (<li> or <p> never closed) does not look deep.
_IMPLIED_END = {
    "li": {"li"}, "dt": {"dt", "dd"}, "dd": {"dt", "dd"}, "option": {"option"},
    "optgroup": {"option", "optgroup"}, "tr": {"tr", "td", "th"}, "td": {"td", "th"}, "th": {"td", "th"},
    "thead": {"tr", "td", "th"}, "tbody": {"thead", "tr", "td", "th"}, "tfoot": {"tbody", "tr", "td", "th"},
}
_CLOSES_P = BLOCK_TAGS | {"li", "dd", "dt", "xmp", "menu", "dir", "dialog", "hgroup", "listing"}
# A comment, or a start/end tag (quoted attribute values may hold ">");
# possessive, so a tag that never closes cannot backtrack.
_TAG = re.compile(r"""<!--.*?(?:-->|\Z)|<(/?)([A-Za-z][^\s/>]*+)((?:[^>"']++|"[^"]*+"|'[^']*+')*+)>""", re.S)


def flatten_deep(page: str, max_depth: int | None = None) -> str:
    """The page with every start tag deeper than `max_depth` (default
    MAX_DEPTH) dropped, and its end tag: the text stays, the nesting goes. A
    dropped block tag leaves a <br> (one per run of them), so the text around
    it still renders on lines of its own. Elements whose content is never text (SKIP_TAGS)
    are kept. The depth is counted the way the parser would, roughly: void
    elements, optional end tags and stray end tags are allowed for. Linear,
    one pass; a page nested less deeply comes back as it is."""
    max_depth = MAX_DEPTH if max_depth is None else max_depth
    out: list[str] = []
    stack: list[tuple[str, bool]] = []  # open elements: (name, dropped)
    open_count: dict[str, int] = {}
    copied = 0  # page[:copied] is in out
    last_drop = -1  # end of the last dropped block tag
    pos = 0
    while (m := _TAG.search(page, pos)) is not None:
        pos = m.end()
        name = m.group(2)
        if name is None:
            continue  # a comment
        name = name.lower()
        if m.group(1):  # an end tag
            if not open_count.get(name):
                continue  # nothing to close: the parser ignores it too
            while True:  # close it, and whatever is still open inside it
                top, dropped = stack.pop()
                open_count[top] -= 1
                if top == name:
                    break
        elif name in _RAW_TEXT_TAGS:
            end = _RAW_TEXT_END[name].search(page, pos)
            if end is None:
                break  # the rest of the page is its text
            pos = end.end()
            continue
        elif name in _VOID_TAGS or m.group(3).endswith("/"):
            continue
        else:
            while stack and ((stack[-1][0] == "p" and name in _CLOSES_P) or stack[-1][0] in _IMPLIED_END.get(name, ())):
                open_count[stack.pop()[0]] -= 1
            dropped = len(stack) >= max_depth and name not in SKIP_TAGS
            stack.append((name, dropped))
            open_count[name] = open_count.get(name, 0) + 1
        if dropped:
            start = m.start()
            out.append(page[copied:start])
            copied = pos
            if name in BLOCK_TAGS:
                if not (start == last_drop or (last_drop >= 0 and page[last_drop:start].isspace())):
                    out.append("<br>")
                last_drop = pos
    if not out:
        return page
    out.append(page[copied:])
    return "".join(out)


def parse_html(page: str | bytes) -> LexborHTMLParser:
    """Parse a page (its text, or bytes known to be UTF-8: `parser_input`);
    one with many tags is first flattened to MAX_DEPTH (`flatten_deep`), so
    that no nesting makes parsing slow."""
    if page.count(b"<" if isinstance(page, bytes) else "<") > DEEP_SCAN_TAGS:
        page = flatten_deep(page.decode("utf-8") if isinstance(page, bytes) else page)
    return LexborHTMLParser(page)


def page_url(tree: LexborHTMLParser) -> str | None:
    """The page's own URL as it declares it: canonical link, then og:url."""
    for css, attr in (('link[rel="canonical"]', "href"), ('meta[property="og:url"]', "content")):
        node = tree.css_first(css)
        value = (node.attributes.get(attr) or "").strip() if node is not None else ""
        if value.startswith(("http://", "https://", "//")):
            return value
    return None


def node_text(node: LexborNode, limit: int = 200) -> str:
    return normalise(node.text(deep=True, separator=" "))[:limit]


def heading_of(node: LexborNode) -> str:
    """The first heading-like text inside a node (or its own first text)."""
    head = node.css_first(HEADING_CSS)
    return node_text(head if head is not None else node, 120)


def only_node(root: LexborHTMLParser | LexborNode, css: str) -> LexborNode | None:
    """The node `css` matches below `root` if it matches exactly one (how a
    body selector counts), else None."""
    nodes = root.css(css)
    return nodes[0] if len(nodes) == 1 else None


def render_lines(root: LexborNode, skip: frozenset[str] = frozenset()) -> list[Line]:
    """Render a subtree to text lines, iteratively (deep trees cannot overflow
    the stack); elements named in `skip` are left out with their content."""
    lines: list[Line] = []
    buf: list[str] = []

    def flush() -> None:
        text = normalise("".join(buf))
        buf.clear()
        if text:
            lines.append(Line(len(lines) + 1, text))

    stack: list[tuple[LexborNode, bool]] = [(root, False)]
    while stack:
        node, leaving = stack.pop()
        if leaving:
            flush()
            continue
        tag = node.tag
        if tag == "-text":
            buf.append(node.text_content or "")
            continue
        if tag in SKIP_TAGS or tag == "-comment" or tag in skip:
            continue
        if tag == "br":
            flush()
            continue
        if tag in ("td", "th"):
            buf.append(" ")
        if tag in BLOCK_TAGS:
            flush()
            stack.append((node, True))
        stack.extend((child, False) for child in reversed(list(node.iter(include_text=True))))
    flush()
    return lines
