"""Datelines: first-line prefixes sharing a shape ('Bisnis.com, JAKARTA - ')
-> one `strip_inline` rule per shape, outlet names literal, places
generalised, a part seen on some pages only made optional."""

from __future__ import annotations

import re
from collections import Counter, defaultdict

from ..text import clean_lines
from .common import alternation, excerpt, short, words
from .crawl import CrawlPage
from .evaluate import Evaluator
from .model import Candidate

_TLD = r"(?:co\.id|com|co|id|net|org|tv|news)"
_DASH = r"\s*(?:--?|[–—])(?![a-z])\s*"  # the dateline dash, never a hyphen inside a word
_DATELINE_DASH = re.compile(r"\s*(?:--?|[–—])(?![a-z])(?=\s*\S)")
_DOMAIN_PART = re.compile(rf"(?i)^[a-z][a-z0-9]*(?:-[a-z0-9]+)*\.{_TLD}$")
_NAME_PART = re.compile(r"^[A-Z][\w.'’]*(?: [A-Z][\w.'’]*){0,3}$")
_SEP_RX = {"": "", ",": r"\s*,\s*", "-": _DASH, "(": r"\s*\(", ")(": r"\)\s*\("}
_MAX_RULES = 3

#: (page id, first line, its (separator, part) pairs with None for a part it lacks, where the dateline ends)
Item = tuple[str, str, list, int]
#: A dateline's shape: (separator, "D" for a domain or "N" for a name) per part.
Shape = tuple


def datelines(pages: list[CrawlPage], evaluator: Evaluator, need: int, site: str) -> tuple[list[Candidate], str | None]:
    """First-line prefixes sharing a shape: outlet names literal, varying places generalised;
    also the text signature (the outlet's literal dateline) when most pages carry it.

    Shapes that differ by one place name at the start or end ('KOMPAS.com -'
    and 'JAKARTA, KOMPAS.com -') become one rule with that part optional.
    """
    firsts = _first_lines(pages, evaluator)
    texts = {p.id: p.texts for p in pages}
    cands = []
    signature = None
    for shape, items, optional in sorted(_merge_shapes(_shape_groups(firsts)), key=lambda m: -len(m[1])):
        if len(items) < need:
            continue
        cand, literal_domain = _dateline(shape, items, optional, site, firsts, texts, need)
        cands.append(cand)
        if literal_domain and signature is None and len(items) >= max(need, len(pages) // 2):
            signature = "(?m)^" + literal_domain
    return cands[:_MAX_RULES], signature


def _first_lines(pages: list[CrawlPage], evaluator: Evaluator) -> list[tuple[str, str]]:
    """(page, first line) as the strip_inline phase sees it: after the generic cut/drop phases."""
    out = []
    for page in pages:
        phases = evaluator.phases([], page.kind)
        lines = clean_lines(list(page.lines), {"cut_after": phases["cut_after"], "drop_line": phases["drop_line"]}, "html")
        if lines:
            out.append((page.id, lines[0].text))
    return out


def _shape_groups(firsts: list[tuple[str, str]]) -> dict[Shape, list[Item]]:
    groups: dict[Shape, list[Item]] = defaultdict(list)
    for page_id, first in firsts:
        found = dateline_head(first)
        if found is None:
            continue
        end, parts = found
        shape = tuple((s, "D" if _DOMAIN_PART.match(p) else "N") for s, p in parts)
        groups[shape].append((page_id, first, list(parts), end))
    return groups


def _merge_shapes(groups: dict[Shape, list[Item]]) -> list[tuple[Shape, list[Item], set[int]]]:
    """Each shape with the pages of the shapes that lack only its first or last
    place name (that slot becomes optional); the most supported shapes first."""
    order = sorted(groups, key=lambda k: (-len(groups[k]), -len(k)))
    used: set[Shape] = set()
    merged = []
    for shape in sorted(order, key=lambda k: -sum(len(groups[o]) for o in order if o == k or any(_drop_slot(k, i) == o for i in (0, len(k) - 1)))):
        if shape in used:
            continue
        used.add(shape)
        items = list(groups[shape])
        optional: set[int] = set()
        for i in sorted({0, len(shape) - 1}):
            if not _may_be_optional(shape, i):
                continue
            other = _drop_slot(shape, i)
            if other in groups and other not in used:
                used.add(other)
                optional.add(i)
                items += [(pid, first, _with_gap(parts, i), end) for pid, first, parts, end in groups[other]]
        merged.append((shape, items, optional))
    return merged


def _may_be_optional(shape: Shape, i: int) -> bool:
    """Only a place name at either end, not an agency in parentheses, and at the
    start only before a comma or dash."""
    return not (shape[i][1] != "N" or shape[i][0] == "(" or len(shape) < 2 or (i == 0 and shape[1][0] not in (",", "-")))


def _with_gap(parts: list, i: int) -> list:
    """The parts with a gap (None) at slot i, for a page whose dateline lacks that part."""
    parts = list(parts)
    parts.insert(i, None)
    return parts


def _drop_slot(shape: Shape, i: int) -> Shape:
    """The shape without slot i (the slot after it, if first now, loses its separator)."""
    out = list(shape[:i]) + list(shape[i + 1 :])
    if i == 0 and out:
        out[0] = ("", out[0][1])
    return tuple(out)


def _dateline(shape: Shape, items: list[Item], optional: set[int], site: str, firsts: list[tuple[str, str]],
              texts: dict[str, list[str]], need: int) -> tuple[Candidate, str | None]:
    """The strip_inline candidate of one merged shape, and the site's literal dateline if it has one."""
    tokens, has_literal, literal_domain = _tokens(shape, items, optional, site)
    regex = "^" + "".join(tokens) + _DASH
    support = {p for p, _, _, _ in items}
    examples = list(dict.fromkeys(excerpt(first, 0, end, 50) for _, first, _, end in sorted(items, key=lambda it: it[2][0] is None)))
    teasers = _teasers(firsts, texts, support, "".join(tokens) + _DASH) if has_literal else []
    extra_why = ""
    if len(teasers) >= 2:  # a pull-quote teaser glued before the dateline: it goes with it
        regex = r"^(?:.{0,1500}?(?<=[a-z.!?\"”’)])\s?)?" + "".join(tokens) + _DASH
        support |= {pid for pid, _ in teasers}
        examples.insert(1, teasers[0][1])
        extra_why = f", with the teaser (a sentence repeated from the story) glued before it on {len(teasers)} pages"
    heads = list(dict.fromkeys(short(first[:end].strip(), 40) for _, first, _, end in items))
    why = "dateline prefix of the first paragraph: " + ", ".join(f"'{h}'" for h in heads[:2]) + (", ..." if len(heads) > 2 else "") + extra_why
    hint = next(p for p in items[0][2] if p)[1]
    cand = Candidate("strip_inline", "dateline", why, regex, f"dateline like '{heads[0]}'", support, examples, hint=hint,
                     extra={"scope": "first_line"}, expect=True, stories=need)
    return cand, literal_domain


def _tokens(shape: Shape, items: list[Item], optional: set[int], site: str) -> tuple[list[str], bool, str | None]:
    """The regex pieces of a shape (separators and parts, optional slots
    wrapped), whether a required part is literal, and the literal dateline
    up to the site's own domain (its text signature)."""
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
        k = 0 if i == 0 else 2 * i - 1  # slot 0 with the separator after it, any other with the one before it
        tokens[k : k + 2] = ["(?:" + tokens[k] + tokens[k + 1] + ")?"]
    return tokens, has_literal, literal_domain


def _part_class(values: list[str]) -> str:
    """A regex for a slot whose values vary: any domain of the TLDs seen, any capitals, or any name."""
    if all(_DOMAIN_PART.match(v) for v in values):
        tlds = sorted({v.rsplit(".", 1)[-1].lower() for v in values} | ({"co.id"} if any(v.lower().endswith(".co.id") for v in values) else set()))
        return r"[A-Za-z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)*\.(?i:" + "|".join(re.escape(t) for t in sorted(tlds, key=len, reverse=True)) + ")"
    if all(_is_caps(v) for v in values):
        return r"[A-Z][A-Z.'’]*(?: [A-Z][A-Z.'’]*){0,3}"
    return r"[A-Z][\w.'’]*(?: [A-Z][\w.'’]*){0,3}"


def _is_caps(part: str) -> bool:
    return part.replace(" ", "").replace(".", "").replace("'", "").isupper()


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


def dateline_head(first: str) -> tuple[int, list[tuple[str, str]]] | None:
    """The longest dateline prefix of a first line: (its length with the dash, its parts)."""
    best = None
    for m in _DATELINE_DASH.finditer(first, 0, 90):
        head = first[: m.start()]
        if not head or not (head[-1].isalnum() or head[-1] in ".)") or len(head.split()) > 7:
            continue
        parts = dateline_parts(head)
        if parts is not None:
            best = (m.end(), parts)
    if best is None:
        return None
    end = best[0]
    while end < len(first) and first[end] == " ":
        end += 1
    return end, best[1]


def dateline_parts(head: str) -> list[tuple[str, str]] | None:
    """A dateline head as (separator before, part) pairs, or None when it is not one.

    Parts are an outlet domain ('Bisnis.com'), a place or outlet name
    ('JAKARTA', 'Liputan6.com, Jakarta'), an agency in parentheses ('(ANTARA)').
    A part after a dash must be an outlet or in capitals ('jpnn.com - JAKARTA'),
    so 'JAKARTA - Presiden Jokowi' keeps its subject.
    """
    parts, sep = _split_head(head)
    if not parts or len(parts) > 3 or sep not in ("", ")"):
        return None
    if not all(_part_ok(s, p, i == len(parts) - 1 and sep == ")") for i, (s, p) in enumerate(parts)):
        return None
    if (sep == ")") != (parts[-1][0] == "("):
        return None
    has_anchor = any(_DOMAIN_PART.match(p) is not None or _is_caps(p) for _, p in parts)
    return parts if has_anchor else None


def _split_head(head: str) -> tuple[list[tuple[str, str]], str]:
    """The (separator before, part) pairs of a head, and the separator left after the last part."""
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
    return parts, sep


def _part_ok(sep: str, part: str, closes: bool) -> bool:
    """Can this part stand after this separator? `closes`: it is the last part and a ')' follows."""
    if sep not in ("", ",", "-", "(", ")("):
        return False
    domain = _DOMAIN_PART.match(part) is not None
    caps = _is_caps(part)
    if not domain and not (_NAME_PART.match(part) and len(part) <= 30):
        return False
    if sep == "-" and not (domain or caps):
        return False
    if sep in ("(", ")(") and not caps:
        return False
    return not (sep == "(" and not closes)  # an agency in parentheses closes the dateline: 'Jakarta (ANTARA)'
