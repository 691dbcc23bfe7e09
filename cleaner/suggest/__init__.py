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
* for HTML pages, **layouts**: the element holding most of the paragraph
  text on most pages, matching one node -> a `[[html.layout]]` with it as
  `body`, its nearest named parent in `detect`, the years of its pages in
  `seen` and one of its pages as the sample (saved beside the draft with a
  gold drafted from the draft's own output, to correct by hand); block
  elements inside it on many pages whose text is link-dense, repeated or
  named like a promo/caption -> `[[html.layout.drop]]`; a first paragraph
  repeating the page title -> `[[html.layout.drop]]` by its shape. The text
  candidates are then looked for in the lines rendered from that body, and
  a rule found there runs on rendered HTML (`inputs`).

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

from .common import looks_like_body
from .crawl import CrawlPage, load_crawl, site_of
from .draft import render_toml, toml_str, toml_value, write_draft
from .endings import END_MARKS
from .model import Rejected, SuggestedLayout, SuggestedRule, SuggestError, Suggestion
from .pipeline import MAX_PAGES, MIN_PAGES, MIN_SHARE, suggest, suggest_pages

# the package's layout, in the order a draft is made:
#   crawl      read the pages, tell the site, sample a large crawl
#   html_rules layouts (html_body, html_drop on html_nodes), then the lines HTML pages render to
#   repeated, shapes, datelines, endings   the text candidates
#   evaluate, validate   compile a candidate, run it on the crawl with the generic rules, check the draft
#   draft      the TOML file with its evidence comments
#   pipeline   the steps in order; model and common hold what they share

__all__ = [
    "END_MARKS",
    "MAX_PAGES",
    "MIN_PAGES",
    "MIN_SHARE",
    "CrawlPage",
    "Rejected",
    "SuggestError",
    "SuggestedLayout",
    "SuggestedRule",
    "Suggestion",
    "load_crawl",
    "looks_like_body",
    "render_toml",
    "site_of",
    "suggest",
    "suggest_pages",
    "toml_str",
    "toml_value",
    "write_draft",
]
