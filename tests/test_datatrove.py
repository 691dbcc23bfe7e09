"""The datatrove pipeline step (cleaner.integrations.datatrove).

Needs the `datatrove` extra (in `dev` too); skipped without it. The executor
test also needs orjson, which datatrove's JSONL reader and writer use.
"""

import json
import pickle
from collections import Counter

import pytest

pytest.importorskip("datatrove")

from datatrove.data import Document  # noqa: E402

from cleaner import Cleaner  # noqa: E402
from cleaner.integrations.datatrove import CleanerStep  # noqa: E402
from conftest import LAYOUT_SAMPLES, SAMPLES, write_rules  # noqa: E402

RAW = SAMPLES / "raw"
HTML_PAGE = (LAYOUT_SAMPLES / "tribunnews.com" / "techno-artikel_154.html").read_text(encoding="utf-8")
DETIK_URL = "https://news.detik.com/berita/d-7000000/ahy-terima-dubes-rusia"


def records() -> list[dict]:
    """Scraped texts with Indonesian boilerplate, one HTML page, and one text
    that is all boilerplate."""
    return [
        # no URL: generic rules only
        {"id": "seed", "text": (RAW / "seeds/000_f9a5d6f906dd0c01.txt").read_text(encoding="utf-8")},
        {"id": "detik-nourl", "text": (RAW / "detik.com/267f92f54a92.txt").read_text(encoding="utf-8")},
        # the URL names a site with rules: detik's own rule fires (DET-T05)
        {
            "id": "detik-url",
            "text": (RAW / "detik.com/a10811cc069c.txt").read_text(encoding="utf-8"),
            "url": DETIK_URL,
        },
        # an HTML page, sniffed; its canonical URL tells the site
        {"id": "detik-html", "text": (LAYOUT_SAMPLES / "detik.com/detik-2015.html").read_text(encoding="utf-8")},
        {"id": "promo-only", "text": "Baca Juga: Judul Lain", "url": "https://www.suara.com/news/x"},
    ]


def expected(record: dict, cleaner: Cleaner):
    return cleaner.clean_page(record["text"], url=record.get("url"))


def stat_total(value) -> float:
    """A datatrove metric as saved in stats.json: a bare total or a dict."""
    return value["total"] if isinstance(value, dict) else value


# 2 tasks on 2 workers: the step is pickled to worker processes (forkserver)
@pytest.mark.parametrize("tasks", [1, 2])
def test_local_executor_cleans_jsonl_files(tmp_path, cleaner, tasks):
    pytest.importorskip("orjson")
    from datatrove.executor import LocalPipelineExecutor
    from datatrove.pipeline.readers import JsonlReader
    from datatrove.pipeline.writers import JsonlWriter

    src, out, logs = tmp_path / "in", tmp_path / "out", tmp_path / "logs"
    src.mkdir()
    recs = records()
    for name, part in (("a.jsonl", recs[:3]), ("b.jsonl", recs[3:])):  # a file per task
        with open(src / name, "w", encoding="utf-8") as f:
            for rec in part:
                f.write(json.dumps(rec, ensure_ascii=False) + "\n")

    step = CleanerStep()
    LocalPipelineExecutor(
        pipeline=[
            JsonlReader(str(src)),
            step,
            JsonlWriter(str(out), output_filename="${rank}.jsonl", compression=None),
        ],
        tasks=tasks,
        workers=tasks,
        logging_dir=str(logs),
    ).run()

    got = {}
    for path in out.glob("*.jsonl"):
        for line in path.read_text(encoding="utf-8").splitlines():
            doc = json.loads(line)
            got[doc["id"]] = doc

    results = {rec["id"]: expected(rec, cleaner) for rec in recs}
    assert results["promo-only"].text == ""  # so the step drops it
    assert results["detik-url"].fired.get("DET-T05") == 1
    assert set(got) == {i for i, r in results.items() if r.text}
    for doc_id, doc in got.items():
        want = results[doc_id]
        assert doc["text"] == want.text, doc_id
        meta = doc["metadata"]
        assert meta["site"] == want.site, doc_id
        assert meta["site_source"] == want.site_source, doc_id
        assert meta["extractor"] == want.extractor, doc_id
    assert got["detik-url"]["metadata"]["site"] == "detik.com"
    assert got["detik-url"]["metadata"]["url"] == DETIK_URL  # other metadata is kept
    assert got["detik-html"]["metadata"]["extractor"] == "site-body"
    assert got["seed"]["metadata"]["site"] is None  # generic rules only

    # the merged stats of the run, as datatrove saves them
    blocks = json.loads((logs / "stats.json").read_text(encoding="utf-8"))
    ours = next(b["stats"] for b in blocks if b["name"] == str(step))
    fired = Counter()
    for r in results.values():
        fired.update(r.fired)
    rule_stats = {k[len("rule_"):]: stat_total(v) for k, v in ours.items() if k.startswith("rule_")}
    assert rule_stats == dict(fired)
    assert stat_total(ours["total"]) == len(recs)
    assert stat_total(ours["dropped_empty"]) == 1
    assert stat_total(ours["forwarded"]) == len(recs) - 1
    sites = Counter(r.site or "none" for r in results.values())
    assert {k[len("site_"):]: stat_total(v) for k, v in ours.items() if k.startswith("site_")} == dict(sites)
    assert stat_total(ours["extractor_site-body"]) == 1
    # per-task stats are there too
    assert sorted(p.name for p in (logs / "stats").iterdir()) == [f"{r:05d}.json" for r in range(tasks)]


def run(step: CleanerStep, *docs: Document) -> list[Document]:
    return list(step.run(iter(docs)))


def test_options(tmp_path):
    page = "Suara.com - Isi berita.\nBaca Juga: Judul Lain"

    # url_key, and empty results kept when drop_empty=False
    step = CleanerStep(url_key="link", drop_empty=False)
    docs = run(
        step,
        Document(text="Isi.\nBaca Juga: Judul Lain", id="a", metadata={"link": DETIK_URL}),
        Document(text="ADVERTISEMENT", id="b"),
    )
    assert [d.text for d in docs] == ["Isi.", ""]
    assert docs[0].metadata["site"] == "detik.com" and docs[0].metadata["site_source"] == "url"
    assert step.stats["dropped_empty"].total == 0

    # a forced site wins over the URL
    (doc,) = run(CleanerStep(site="suara.com"), Document(text=page, id="c", metadata={"url": DETIK_URL}))
    assert doc.text == "Isi berita." and doc.metadata["site_source"] == "option"

    # mode="text" never sniffs: markup stays text
    (doc,) = run(CleanerStep(mode="text"), Document(text="<html><body><p>Isi.</p></body></html>", id="d"))
    assert doc.metadata["extractor"] == "text" and "<p>" in doc.text

    # user rule folders
    rules = write_rules(
        tmp_path / "rules",
        {
            "sites/example.com.toml": 'site = "example.com"\n[[text.drop_line]]\nid = "EX-1"\nwhy = "test"\n'
            "line_pattern = 'Promo .*'\nmust_match = [\"Promo x\"]\nmust_not_match = [\"y\"]\n"
        },
    )
    step = CleanerStep([rules])
    (doc,) = run(step, Document(text="Isi.\nPromo hari ini", id="e", metadata={"url": "https://example.com/a"}))
    assert doc.text == "Isi." and step.stats["rule_EX-1"].total == 1

    # site rules off, and a folder of rules learned from a batch (here: the user folder above, as a learned one)
    (doc,) = run(CleanerStep(site_rules=False), Document(text=page, id="f", metadata={"url": "https://www.suara.com/a"}))
    assert doc.metadata["site"] == "suara.com" and "Suara.com" not in doc.text  # the generic dateline rule only
    step = CleanerStep(site_rules=False, learned=rules)
    (doc,) = run(step, Document(text="Isi.\nPromo hari ini", id="g", metadata={"url": "https://example.com/a"}))
    assert doc.text == "Isi." and step.stats["rule_EX-1"].total == 1
    (doc,) = run(CleanerStep(), Document(text=HTML_PAGE, id="h", metadata={"url": "https://www.tribunnews.com/a"}))
    assert doc.metadata["layout"] == "TRB-L01"

    with pytest.raises(ValueError):
        CleanerStep(mode="pdf")


def test_errors_are_counted_or_raised(monkeypatch):
    def boom(self, doc):
        raise RuntimeError("boom")

    monkeypatch.setattr(CleanerStep, "clean_document", boom)
    step = CleanerStep()
    assert run(step, Document(text="x", id="a")) == []
    assert step.stats["clean_error"].total == 1 and step.stats["dropped"].total == 1
    step = CleanerStep(on_error="keep")
    assert [d.text for d in run(step, Document(text="x", id="a"))] == ["x"]
    with pytest.raises(RuntimeError):
        run(CleanerStep(on_error="raise"), Document(text="x", id="a"))


def test_pickles_without_the_rules():
    step = CleanerStep()
    run(step, Document(text="Isi.", id="a"))
    assert step._cleaner is not None
    data = pickle.dumps(step)
    assert b"SHIPPED" not in data and len(data) < 5000
    copy = pickle.loads(data)
    assert copy._cleaner is None
    (doc,) = run(copy, Document(text="Isi.\nBaca Juga: Judul Lain", id="b"))
    assert doc.text == "Isi."
