"""The generic extractor (cleaner/extract.py, body.py, content_score.py):
candidate extractions of one page, chosen by a content score, never by
length, and the calibrated confidence of the choice.

trafilatura is replaced by a fake here where a test needs a pass to return
a given text: the choice, not trafilatura, is what these tests show.
"""

from collections import Counter

import pytest

from cleaner import extract
from cleaner.body import body_lines
from cleaner.content_score import agreement, content_confidence, link_texts, shape
from cleaner.html import parse_html

ARTICLE = [
    "The harbour reopened on Monday after crews cleared the wreckage of two barges from the channel, the port authority said.",
    "Fishing boats were the first to leave, followed by a ferry that had waited three days at the quay with its passengers.",
    "The storm, the strongest in a decade, flooded the lower town and cut power to four thousand homes for most of the week.",
    "Engineers will inspect the sea wall next month, and the council has asked the government for help to pay for repairs.",
]
#: A mega-menu: as many words as the article.
MENU = [f"Section {i} of the harbour news site" for i in range(25)]
#: Related stories: more text than the article and the menu together.
RELATED = [f"Related story number {i} about the harbour and the town" for i in range(120)]


def page(*, related: bool = False) -> str:
    links = "".join(f"<li><a href='/{i}'>{t}</a></li>" for i, t in enumerate(MENU))
    more = "<div class='more'><ul>" + "".join(f"<li><a href='/r{i}'>{t}</a></li>" for i, t in enumerate(RELATED)) + "</ul></div>"
    return ("<html><head><title>Harbour reopens</title></head><body>"
            f"<div class='top'><ul>{links}</ul></div>"
            "<article>" + "".join(f"<p>{p}</p>" for p in ARTICLE) + "</article>"
            + (more if related else "") + "</body></html>")


def fake_trafilatura(monkeypatch, fast: list[str], precision: list[str] | None = None,
                     full: list[str] | None = None) -> list[str]:
    """trafilatura.extract replaced: each pass returns the given lines; the
    passes called are recorded by name."""
    calls: list[str] = []

    def fake_extract(document, url=None, fast=False, favor_precision=False, **options):
        name = "precision" if favor_precision else "fast" if fast else "full"
        calls.append(name)
        return "\n".join({"fast": fast_lines, "precision": precision, "full": full}[name] or [])

    fast_lines = fast
    monkeypatch.setattr(extract.trafilatura, "extract", fake_extract)
    return calls


def generic(html: str) -> extract.Generic:
    return extract.extract_generic(parse_html(html))


def texts(found: extract.Generic) -> list[str]:
    return [ln.text for ln in found.lines]


def test_an_article_the_fast_pass_finds_is_kept_and_no_other_pass_runs(monkeypatch):
    calls = fake_trafilatura(monkeypatch, fast=ARTICLE)
    found = generic(page())
    assert texts(found) == ARTICLE
    assert calls == ["fast"]  # its precision and its share of the page are high: no pass could change the choice
    assert found.reason.startswith("trafilatura fast pass: score")
    assert [c.name for c in found.candidates] == ["fast", "body"]


def test_when_the_fast_pass_keeps_the_menu_the_precision_pass_wins(monkeypatch):
    calls = fake_trafilatura(monkeypatch, fast=MENU + ARTICLE, precision=ARTICLE)
    found = generic(page())
    assert texts(found) == ARTICLE
    assert calls == ["fast", "precision"]
    assert found.reason.startswith("trafilatura precision pass: score")
    assert "kept link lines" in found.reason
    scores = {c.name: c.score for c in found.candidates}
    assert scores["precision"] > scores["fast"]


def test_on_a_list_style_page_the_full_pass_is_needed(monkeypatch):
    # a round-up: the fast pass keeps one section of twelve, the full run all of them
    sections = [f"Choice {i}: a long paragraph that describes this choice in words of its own, number {i}." for i in range(12)]
    html = "<html><body><main>" + "".join(f"<h2>Choice {i}</h2><p>{s}</p>" for i, s in enumerate(sections)) + "</main></body></html>"
    calls = fake_trafilatura(monkeypatch, fast=sections[:1], full=sections)
    found = generic(html)
    assert texts(found) == sections
    assert calls == ["fast", "full"]
    assert found.reason.startswith("trafilatura full pass")


def test_a_longer_candidate_made_of_related_links_does_not_win(monkeypatch):
    # the page is mostly a list of related stories: the fast pass looks short
    # and the full pass runs, but what it adds is the text of the page's links
    calls = fake_trafilatura(monkeypatch, fast=ARTICLE, full=ARTICLE + RELATED)
    found = generic(page(related=True))
    assert "full" in calls
    assert texts(found) == ARTICLE
    full = next(c for c in found.candidates if c.name == "full")
    assert full.chars > sum(map(len, ARTICLE))  # longer, and still not chosen


def test_the_body_finder_finds_the_article_container():
    assert [ln.text for ln in body_lines(parse_html(page(related=True)))] == ARTICLE


def test_agreement_is_the_share_of_a_bag_another_bag_holds():
    assert agreement(Counter("a b c d".split()), Counter("a b c d e f".split())) == 1.0
    assert agreement(Counter("a b c d".split()), Counter("a b x".split())) == 0.5
    assert agreement(Counter("a a b b".split()), Counter("a b".split())) == 0.5  # counted as bags
    assert agreement(Counter(), Counter("a".split())) == 0.0


def test_link_lines_and_boilerplate_are_measured_against_the_page():
    tree = parse_html(page())
    s = shape(MENU + ["Copyright 2026 Harbour News, all rights reserved"] + ARTICLE, link_texts(tree))
    assert s.links == sum(map(len, MENU))
    assert s.boiler == len("Copyright 2026 Harbour News, all rights reserved")
    assert s.prose == sum(map(len, ARTICLE))


def test_confidence_is_in_0_1_and_lower_for_a_page_of_links_than_for_an_article(monkeypatch):
    fake_trafilatura(monkeypatch, fast=ARTICLE)
    article = generic(page())
    links_page = ("<html><body><ul>" + "".join(f"<li><a href='/{i}'>{t}</a></li>" for i, t in enumerate(RELATED))
                  + "</ul></body></html>")
    fake_trafilatura(monkeypatch, fast=RELATED)
    listing = generic(links_page)
    assert 0.0 <= listing.confidence < article.confidence <= 1.0
    assert article.confidence > 0.8 and listing.confidence < 0.5


def test_content_confidence_scores_any_lines_against_their_page():
    tree = parse_html(page(related=True))
    article = content_confidence(ARTICLE, tree)
    assert 0.6 < article <= 1.0  # the related list is most of the page: recall is not taken for granted
    assert content_confidence(RELATED, tree) < 0.5 < article
    assert content_confidence([], tree) == 0.0


@pytest.mark.parametrize("passes", [dict(fast=ARTICLE), dict(fast=MENU + ARTICLE, precision=ARTICLE)])
def test_every_candidate_is_recorded_with_its_score_and_size(monkeypatch, passes):
    fake_trafilatura(monkeypatch, **passes)
    found = generic(page())
    assert all(0.0 <= c.score <= 1.0 and c.chars > 0 for c in found.candidates)
    assert found.candidates[0].name == "fast" and found.candidates[1].name == "body"


def test_a_script_full_of_commas_does_not_pass_for_prose():
    # a page that still has its scripts (a site body's page): a widget whose
    # inline data has thousands of commas must not look like the article
    data = "var items = [" + ", ".join(str(i) for i in range(3000)) + "];"
    widget = f"<div class='sidebar'><div class='widget'>Recommended for you this week<script>{data}</script></div></div>"
    html = page().replace("</article>", "</article>" + widget)
    assert content_confidence(ARTICLE, parse_html(html)) > 0.8
