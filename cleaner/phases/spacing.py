"""Tolerant spacing (a text rule's `spacing = "tolerant"`): the rule's regex
also matches a tokenised scrape, where a tokeniser put spaces around
punctuation ("( 10 / 9 / 2019 )", "Jakarta , Koran Kita - - Isi") and split
clitics off their word ("tim nya").

The pattern is rewritten once, at load, so that a rule is written for normal
spacing and says in one key that it also holds for tokenised text, instead
of ` ?` written by hand around every mark of every rule:

- one optional space may stand on each side of a literal punctuation mark
  (`\\(`, `/`, `,`, `“`) or a class made only of punctuation (`[-–—]`,
  `[.,]`), and between the repeats of a repeated one (`[-–—]+` matches
  "- -");
- a literal word that ends in a clitic (`nya`, `lah`, `kah`, `pun`) may
  have a space before it (`timnya` matches "tim nya").

The rewritten pattern matches every string the original matched, and more.
A space is only added where whatever can stand on the other side is a
character that cannot be a space (a letter, `\\d`, `[A-Z]`, another mark,
the pattern's start or end; an optional part that cannot be a space is
looked through, to what follows it): next to `\\s*`, `.*`, `[A-Z ]+`, an
alternation or a lookaround none is added (the space is already allowed
there, or allowing it twice would let one space be matched two ways, which
under a repeat backtracks exponentially). So the rewrite adds no
ambiguity, and the loader checks the shape of the pattern as written
(base.compile_regex), then times the rewritten one. Lookbehinds are left as
written (Python needs them of fixed width), and so are patterns in verbose
mode (`(?x)`), whose spaces would be ignored.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: How a rule's regexes treat spaces (the `spacing` key of a text rule).
SPACING = ("exact", "tolerant")
#: Clitics a tokeniser splits off the word before them.
CLITICS = ("nya", "lah", "kah", "pun")

_SPACE = " ?"
_QUANT = re.compile(r"(?:[*+?]|\{(\d*)(?:(,)(\d*))?\})[?+]?")
_GROUP_HEAD = re.compile(r"\(\?(?:P<\w+>|[:=!]|<[=!]|[aiLmsux]*(?:-[imsx]+)?:)|\(")
_INLINE = re.compile(r"\(\?(?:P=\w+\)|#[^)]*\)|[aiLmsux]+\))")
_CLITIC = re.compile(r"(?<=[A-Za-z]{2})(" + "|".join(CLITICS) + r")$")
_NOT_SPACE_ESCAPES = set("dwSbB")  # \d \w \S: never a space


@dataclass
class _Tok:
    kind: str  # "atom", "open", "close", "bar", "edge"
    text: str
    quant: str = ""
    qmin: int = 1
    qmax: float = 1
    punct: bool = False  # a punctuation mark or a class of marks only
    spacy: bool = False  # can match a space
    look: str = ""  # open: "behind", "ahead" or ""
    mate: int = -1  # open <-> close index
    letter: bool = False


def _is_mark(ch: str) -> bool:
    return not (ch.isalnum() or ch.isspace() or ch == "_")


def _class_info(body: str) -> tuple[bool, bool]:
    """(made of punctuation marks only, can match a space) for a class body."""
    if body.startswith("^"):
        return False, True
    punct, spacy, i = True, False, 0
    while i < len(body):
        ch = body[i]
        if ch == "\\":
            esc = body[i + 1 : i + 2]
            if esc.isalnum():
                punct = False
                spacy |= esc not in _NOT_SPACE_ESCAPES or esc == "b"
            i += 2
            continue
        if ch == "-" and 0 < i < len(body) - 1:
            lo, hi = body[i - 1], body[i + 1]
            punct = False
            spacy |= lo <= " " <= hi
            i += 2
            continue
        if ch.isspace():
            spacy = True
        if not _is_mark(ch):
            punct = False
        i += 1
    return punct and bool(body), spacy


def _class_end(src: str, i: int) -> int:
    j = i + 1
    if src.startswith("^", j):
        j += 1
    if src.startswith("]", j):
        j += 1
    while j < len(src) and src[j] != "]":
        j += 2 if src[j] == "\\" else 1
    return j + 1


def _bounds(q: re.Match | None) -> tuple[int, float]:
    if q is None:
        return 1, 1
    s = q.group()
    if s[0] == "*":
        return 0, float("inf")
    if s[0] == "+":
        return 1, float("inf")
    if s[0] == "?":
        return 0, 1
    lo = int(q.group(1) or 0)
    hi = float("inf") if q.group(2) and not q.group(3) else int(q.group(3) or q.group(1) or 0)
    return lo, hi


def _tokens(src: str) -> list[_Tok] | None:
    toks: list[_Tok] = []
    opens: list[int] = []
    i = 0
    while i < len(src):
        ch = src[i]
        if ch == "(":
            m = _INLINE.match(src, i)
            if m:  # (?P=name), (?#...), (?i): no group
                toks.append(_Tok("edge", m.group()))
                i = m.end()
                continue
            head = _GROUP_HEAD.match(src, i).group()
            look = "behind" if head in ("(?<=", "(?<!") else "ahead" if head in ("(?=", "(?!") else ""
            opens.append(len(toks))
            toks.append(_Tok("open", head, look=look))
            i += len(head)
            continue
        if ch == ")":
            if not opens:
                return None
            q = _QUANT.match(src, i + 1)
            lo, hi = _bounds(q)
            start = opens.pop()
            toks[start].mate = len(toks)
            toks.append(_Tok("close", ")", q.group() if q else "", lo, hi, mate=start))
            i = q.end() if q else i + 1
            continue
        if ch == "|":
            toks.append(_Tok("bar", "|"))
            i += 1
            continue
        if ch in "^$":
            toks.append(_Tok("edge", ch))
            i += 1
            continue
        punct = spacy = letter = False
        if ch == "\\":
            text = src[i : i + 2]
            esc = text[1:]
            if esc in ("A", "Z", "b", "B"):
                toks.append(_Tok("edge" if esc in "AZ" else "atom", text, spacy=esc in "bB"))
                i += 2
                continue
            punct = _is_mark(esc)
            spacy = esc.isalnum() and esc not in _NOT_SPACE_ESCAPES or esc == " "
            end = i + 2
        elif ch == "[":
            end = _class_end(src, i)
            text = src[i:end]
            punct, spacy = _class_info(text[1:-1])
        elif ch == ".":
            text, spacy, end = ch, True, i + 1
        else:
            text, end = ch, i + 1
            punct, spacy, letter = _is_mark(ch), ch.isspace(), ch.isalpha()
        q = _QUANT.match(src, end)
        lo, hi = _bounds(q)
        toks.append(_Tok("atom", text, q.group() if q else "", lo, hi, punct, spacy, letter=letter and not q))
        i = q.end() if q else end
    return None if opens else toks


def _has_bar(toks: list[_Tok], open_i: int) -> bool:
    depth = 0
    for t in toks[open_i + 1 : toks[open_i].mate]:
        depth += t.kind == "open"
        depth -= t.kind == "close"
        if t.kind == "bar" and depth == 0:
            return True
    return False


def _safe(toks: list[_Tok], i: int, step: int, seen: frozenset = frozenset()) -> bool:
    """Does a mandatory non-space character (or the pattern's edge) come at
    toks[i], reading in direction `step` (+1 forward, -1 backward)?"""
    if i < 0 or i >= len(toks):
        return True
    t = toks[i]
    if t.kind == "edge":
        return t.text in ("^", "$", "\\A", "\\Z") and (t.text in ("^", "\\A")) == (step < 0)
    if t.kind == "atom":
        if t.spacy:
            return False
        # an optional part that cannot be a space: the space is next to it, or, when
        # it is absent, next to what comes after it; one way either way
        return t.qmin >= 1 or _safe(toks, i + step, step, seen)
    if t.kind == "bar" or (i, step) in seen:
        return False
    seen = seen | {(i, step)}
    if t.kind == "open":
        close = toks[t.mate]
        if t.look or _has_bar(toks, i):
            return False
        if step > 0:  # entering the group: its first item, and what follows it when the group may be absent
            return _safe(toks, i + 1, step, seen) and (close.qmin >= 1 or _safe(toks, t.mate + 1, step, seen))
        # leaving the group backwards: what stands before it, and the end of the previous repeat
        return _safe(toks, i - 1, step, seen) and (close.qmax <= 1 or _safe(toks, t.mate - 1, step, seen))
    o = t.mate  # a close
    if toks[o].look or _has_bar(toks, o):
        return False
    if step < 0:  # entering the group from its end: its last item, and what precedes it when it may be absent
        return _safe(toks, i - 1, step, seen) and (t.qmin >= 1 or _safe(toks, o - 1, step, seen))
    # leaving the group forwards: what follows it, and the start of the next repeat
    return _safe(toks, i + 1, step, seen) and (t.qmax <= 1 or _safe(toks, o + 1, step, seen))


def _in_lookbehind(toks: list[_Tok], i: int) -> bool:
    depth = 0
    for t in toks[:i]:
        if t.kind == "open" and t.look == "behind" and t.mate > i:
            depth += 1
    return depth > 0


def tolerant(src: str) -> str:
    """The pattern `src` rewritten to tolerate spaces around punctuation and before clitics."""
    if re.search(r"\(\?[aiLmsu]*x", src):
        return src
    toks = _tokens(src)
    if toks is None:
        return src  # unbalanced: let re.compile report it
    # which gaps get an optional space: gap g lies before toks[g] (g = len(toks): the end)
    gaps: set[int] = set()
    for i, t in enumerate(toks):
        if t.kind != "atom" or not t.punct or t.qmin < 1 or _in_lookbehind(toks, i):
            continue
        if _safe(toks, i - 1, -1):
            gaps.add(i)
        if _safe(toks, i + 1, +1):
            gaps.add(i + 1)
    out: list[str] = []
    word: list[str] = []

    def flush() -> None:
        if word:
            out.append(_CLITIC.sub(_SPACE + r"\1", "".join(word)))
            word.clear()

    for i, t in enumerate(toks):
        if i in gaps:
            flush()
            out.append(_SPACE)
        if t.letter and not _in_lookbehind(toks, i):
            word.append(t.text)
            continue
        flush()
        if t.kind == "atom" and t.punct and t.qmax > 1 and t.qmin >= 1 and not _in_lookbehind(toks, i):
            rest = "*" if t.qmax == float("inf") else f"{{{t.qmin - 1},{int(t.qmax) - 1}}}"
            out.append(f"{t.text}(?:{_SPACE}{t.text}){rest}")  # "- -" for [-–—]+
        else:
            out.append(t.text + t.quant)
    flush()
    if len(toks) in gaps:
        out.append(_SPACE)
    return "".join(out)
