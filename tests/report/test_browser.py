"""The HTML report in a real browser (Debian's headless Chromium driven by Playwright).

Each test writes a report, opens it from file:// and acts as a reader would: click an item and
check that the highlighted text is the evidence quote, use the filters, open articles that try
to inject markup. Screenshots are saved in the test's tmp folder.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from summarizer.report import write_report

from .conftest import PageProbe
from .support import make_record, write_jsonl

pytestmark = pytest.mark.browser

SELECTED_TEXT = "() => Array.from(document.querySelectorAll('#raw .hl.sel')).map(e => e.textContent).join('')"
KIND_OF = {"speakers": "speaker", "goals": "goal", "targets": "target", "initiatives": "initiative"}


def _exact_items(record: dict) -> list[tuple[str, str]]:
    """(item id as the page numbers it, quote) of every exactly matched item of a record."""
    out = []
    for kind in ("speakers", "goals", "targets", "initiatives"):
        for n, item in enumerate(record[kind]):
            if item["evidence"]["match"] == "exact":
                out.append((f"{kind[0]}{n}", item["evidence"]["quote"]))
    return out


def _click_and_read(probe: PageProbe, item_id: str) -> str:
    probe.page.locator(f'#panel [id^="items-"] [data-item="{item_id}"]').click()
    return probe.page.evaluate(SELECTED_TEXT)


def _only_local(requests: list[str]) -> bool:
    return all(u.startswith(("file://", "data:", "about:")) for u in requests)


def test_clicking_items_highlights_their_exact_quotes_in_the_seed_articles(
    probe: PageProbe, seed_results: Path, tmp_path: Path
) -> None:
    out = tmp_path / "report.html"
    write_report(seed_results, out, inputs=[str(Path("fixtures/articles").resolve())])
    records = [json.loads(x) for x in seed_results.read_text(encoding="utf-8").splitlines()]
    probe.open(out)
    checked = 0
    for k, record in enumerate(records):
        probe.open_article(k)
        for item_id, quote in _exact_items(record):
            assert _click_and_read(probe, item_id) == quote, (record["article"]["id"], item_id)
            checked += 1
        if record["targets"]:
            # the span of the clicked target is flashed and scrolled into view
            _click_and_read(probe, "t0")
            first = probe.page.locator("#raw .hl.sel").first
            assert "flash" in (first.get_attribute("class") or "")
            first.wait_for(state="visible")
            probe.page.wait_for_function(
                "() => { const r = document.querySelector('#raw .hl.sel').getBoundingClientRect();"
                " const p = document.getElementById('text-pane').getBoundingClientRect();"
                " return r.top >= p.top && r.bottom <= p.bottom; }"
            )
            probe.page.screenshot(path=str(tmp_path / f"seed-{k}.png"))
    assert checked >= 50  # the seeds hold ~100 items; nearly all are exact matches
    assert not probe.errors
    assert _only_local(probe.requests)


def _filter_records() -> list[dict]:
    """120 authored articles: languages, unverified targets and ungrounded items on a known pattern."""
    records = []
    for i in range(120):
        lang = ["en", "zh-Hans", "zh-Hant"][i % 3]
        text = f"Mayor Person{i} said the district will build {i + 1} schools by 2030 under plan P{i}."
        targets = [{"metric": "schools", "value_text": str(i + 1), "quote": f"{i + 1} schools by 2030",
                    "verified": i % 4 != 0, **({"verification": "not_in_article"} if i % 4 == 0 else {})}]
        if i % 10 == 0:
            targets.append({"metric": "extra", "value_text": "9", "quote": "nowhere in the text", "match": "none"})
        records.append(make_record(
            text, title=f"Article {i:03d}", language=lang, speakers=[(f"Person{i}", f"Mayor Person{i} said")],
            targets=targets, initiatives=[(f"plan P{i}", f"plan P{i}")],
        ))
    return records


def _visible_titles(probe: PageProbe) -> list[str]:
    return probe.page.eval_on_selector_all("#index-body tr td:first-child a", "els => els.map(e => e.textContent)")


def test_index_filters_sort_and_pages(probe: PageProbe, tmp_path: Path) -> None:
    records = _filter_records()
    results = tmp_path / "results.jsonl"
    write_jsonl(results, records)
    out = tmp_path / "report.html"
    write_report(results, out)
    probe.open(out)
    page = probe.page

    # paged: 50 a page
    assert len(_visible_titles(probe)) == 50
    assert page.locator("#prev").is_disabled()
    page.click("#next")
    page.click("#next")
    assert _visible_titles(probe) == [f"Article {i:03d}" for i in range(100, 120)]
    assert page.locator("#next").is_disabled()

    # language
    page.select_option("#f-lang", "zh-Hant")
    expected = [r["article"]["title"] for r in records if r["article"]["language"] == "zh-Hant"]
    assert _visible_titles(probe) == expected  # 40 rows: one page, back to page 1
    assert page.inner_text("#count").startswith(f"{len(expected)} of 120")

    # has unverified targets (every 4th), combined with the language filter
    page.check("#f-unverified")
    expected = [r["article"]["title"] for r in records
                if r["article"]["language"] == "zh-Hant" and any(t.get("verification") == "not_in_article" for t in r["targets"])]
    assert expected and _visible_titles(probe) == expected

    # has ungrounded items (every 10th), all languages
    page.uncheck("#f-unverified")
    page.select_option("#f-lang", "")
    page.check("#f-ungrounded")
    expected = [r["article"]["title"] for r in records if any(t["evidence"]["match"] == "none" for t in r["targets"])]
    assert _visible_titles(probe) == expected
    page.uncheck("#f-ungrounded")

    # free text: a speaker's name
    page.fill("#f-q", "person37")
    page.wait_for_function("() => document.querySelectorAll('#index-body tr').length === 1")
    assert _visible_titles(probe) == ["Article 037"]
    page.fill("#f-q", "")
    page.wait_for_function("() => document.querySelectorAll('#index-body tr').length === 50")

    # sort by targets: the articles with two targets come first
    page.click("#index-head th[data-key=nt] button")
    top = _visible_titles(probe)[:12]
    assert top == [f"Article {i:03d}" for i in range(0, 120, 10)]
    page.screenshot(path=str(tmp_path / "index-sorted.png"))
    assert not probe.errors


HOSTILE = [
    "<script>window.__pwned = 1</script>",
    '</textarea><img src=x onerror="window.__pwned = 2">',
    '" onmouseover="window.__pwned = 3" x="',
    "</script><script>window.__pwned = 4</script>",
    "<!--",
    "javascript:window.__pwned = 5",
]


def test_article_text_cannot_run_script(probe: PageProbe, tmp_path: Path) -> None:
    text = "Report. " + " ".join(f"Part {n}: {h} end {n}." for n, h in enumerate(HOSTILE)) + " Growth 5% by 2026."
    record = make_record(
        text,
        title=HOSTILE[3] + HOSTILE[1],
        speakers=[(HOSTILE[2], f"Part 2: {HOSTILE[2]}")],
        goals=[(HOSTILE[0], f"Part 0: {HOSTILE[0]}")],
        targets=[{"metric": HOSTILE[1], "value_text": "5%", "quote": "Growth 5% by 2026", "unit": HOSTILE[4]}],
        initiatives=[(HOSTILE[5], HOSTILE[5])],
        candidates=[f"5% in: …{HOSTILE[0]}…"],
        warnings=[HOSTILE[3]],
        input_name=HOSTILE[2] + ".txt",
    )
    results = tmp_path / "results.jsonl"
    write_jsonl(results, [record])
    out = tmp_path / "report.html"
    write_report(results, out, title=HOSTILE[3])
    html = out.read_text(encoding="utf-8")
    # the markup never appears as markup in the file: "<" inside data is written \u003c
    assert "<script>window.__pwned" not in html and "<img" not in html and "</textarea>" not in html

    probe.open(out)
    assert probe.page.inner_text("#report-title") == HOSTILE[3]
    assert probe.page.inner_text("#index-body td:first-child a") == HOSTILE[3] + HOSTILE[1]
    probe.open_article(0)
    page = probe.page
    for seg in page.locator("#raw .hl").all():
        seg.hover()
    for button in page.locator("#panel .item").all():
        button.click()
    page.locator("#raw").hover()
    page.screenshot(path=str(tmp_path / "hostile.png"))
    assert page.evaluate("() => window.__pwned") is None
    assert not probe.dialogs and not probe.errors
    assert _only_local(probe.requests)
    # shown as text, character for character
    assert page.evaluate("() => document.getElementById('raw').textContent") == text
    assert page.inner_text("#article-title") == HOSTILE[3] + HOSTILE[1]
    assert page.locator("#raw img, #raw script, #panel img, #article textarea").count() == 0
    # defence in depth: even markup that did reach the DOM could not run (Content-Security-Policy)
    page.evaluate("""() => { const d = document.createElement('div');
        d.innerHTML = '<img src="data:," onerror="window.__pwned = 6">'; document.body.appendChild(d);
        const s = document.createElement('script'); s.textContent = 'window.__pwned = 7'; document.body.appendChild(s); }""")
    page.wait_for_timeout(200)
    assert page.evaluate("() => window.__pwned") is None


def test_offsets_after_astral_characters_and_overlapping_spans(probe: PageProbe, tmp_path: Path) -> None:
    # 𠀀 (CJK Ext. B) and 😀 are two UTF-16 units each: Python offsets must be converted
    text = "𠀀𠀁😀 区长张三表示，力争2025年全区GDP增长6%以上，并推进“智造𠀂计划”。😀 完。"
    record = make_record(
        text, language="zh-Hans",
        speakers=[("张三", "区长张三表示")],
        goals=[("grow", "力争2025年全区GDP增长6%以上，并推进“智造𠀂计划”")],
        targets=[{"metric": "GDP增长", "value_text": "6%", "quote": "GDP增长6%以上"}],
        initiatives=[("智造𠀂计划", "智造𠀂计划")],
    )
    results = tmp_path / "results.jsonl"
    write_jsonl(results, [record])
    out = tmp_path / "report.html"
    write_report(results, out)
    probe.open(out, "#a/0")
    probe.page.wait_for_selector("#raw .hl")
    for item_id, quote in _exact_items(record):
        assert _click_and_read(probe, item_id) == quote
    # the target lies inside the goal: its stretch lists both, and the goal still reads whole
    both = probe.page.eval_on_selector_all('#raw [data-items~="t0"]', "els => els.map(e => e.getAttribute('data-items'))")
    assert both and all("g0" in ids.split() for ids in both)
    _click_and_read(probe, "g0")
    probe.page.wait_for_timeout(1600)  # let the flash fade, to see the overlap colours
    probe.page.screenshot(path=str(tmp_path / "overlap.png"))


def test_attention_panel_lists_ungrounded_unverified_and_possibly_missed(probe: PageProbe, tmp_path: Path) -> None:
    text = "The city plans 300 new buses by 2027. It also aims for 40% electric taxis."
    record = make_record(
        text,
        targets=[
            {"metric": "buses", "value_text": "300", "quote": "300 new buses by 2027"},
            {"metric": "trams", "value_text": "12", "quote": "12 new trams", "match": "none", "verified": False,
             "verification": "not_in_article"},
        ],
        candidates=["40% in: …aims for 40% electric taxis…"],
    )
    # a goal whose quote was not found in the text (match none, no offsets)
    record["goals"] = [{"statement": "cleaner air", "evidence": {"quote": "cleaner air by 2030", "match": "none"}}]
    results = tmp_path / "results.jsonl"
    write_jsonl(results, [record])
    out = tmp_path / "report.html"
    write_report(results, out)
    probe.open(out, "#a/0")
    page = probe.page
    attention = page.inner_text("#attention")
    assert "trams" in attention and "cleaner air" in attention and "buses" not in attention
    assert "likely invented" in attention
    missed = page.locator("#missed .item")
    assert missed.count() == 1
    missed.click()
    assert page.evaluate(SELECTED_TEXT) == "aims for 40% electric taxis"
    page.locator('#attention [data-item="t1"]').click()
    assert "not found in the text" in page.inner_text('#attention [data-item="t1"] .msg')
    page.screenshot(path=str(tmp_path / "attention.png"))


def test_split_report_loads_article_data_on_demand(probe: PageProbe, tmp_path: Path) -> None:
    records = _filter_records()
    results = tmp_path / "results.jsonl"
    write_jsonl(results, records)
    out = tmp_path / "big" / "my report #1.html"  # a name that must be escaped in a URL
    res = write_report(results, out, split=True)
    assert res.split and len(res.data_files) == 3  # 120 articles, 50 per file
    assert res.data_files[0].parent.name == "my report #1_files"
    probe.open(out)
    assert not any("_files/" in u for u in probe.requests)  # the index needs no data file
    probe.open_article(110)
    assert probe.page.inner_text("#article-title") == "Article 110"
    assert any(u.endswith("my%20report%20%231_files/chunk-0002.js") for u in probe.requests)
    assert not any(u.endswith("chunk-0000.js") for u in probe.requests)
    assert _click_and_read(probe, "t0") == "111 schools by 2030"

    # the page says what is wrong when the data folder was not copied along
    for f in res.data_files:
        f.unlink()
    probe.open(out, "#a/5")
    probe.page.wait_for_selector("#load-error")
    assert "my report #1_files" in probe.page.inner_text("#load-error")


def test_article_without_raw_text_lists_items_and_says_how_to_get_it(probe: PageProbe, tmp_path: Path) -> None:
    record = make_record("Officials target 7% growth in 2025.", keep_text=False,
                         targets=[{"metric": "growth", "value_text": "7%", "quote": "7% growth in 2025"}])
    results = tmp_path / "results.jsonl"
    write_jsonl(results, [record])
    out = tmp_path / "report.html"
    write_report(results, out)
    probe.open(out)
    assert probe.page.locator("#index-body .badge", has_text="no raw text").count() == 1
    probe.open_article(0)
    assert "--keep-text" in probe.page.inner_text("#notes") and "--inputs" in probe.page.inner_text("#notes")
    probe.page.locator('#items-target [data-item="t0"]').click()
    assert "No raw text" in probe.page.inner_text('#items-target [data-item="t0"] .msg')


def test_multi_megabyte_article_opens_and_highlights(probe: PageProbe, tmp_path: Path) -> None:
    filler = "这是一段很长的政府工作报告正文，用于测试大文件。" * 120_000  # ~2.9 M characters
    text = filler + "力争全年完成投资500亿元。" + filler[:1000]
    record = make_record(text, language="zh-Hans",
                         targets=[{"metric": "投资", "value_text": "500亿元", "quote": "力争全年完成投资500亿元"}])
    results = tmp_path / "results.jsonl"
    write_jsonl(results, [record])
    out = tmp_path / "report.html"
    write_report(results, out)
    probe.open(out, "#a/0")
    probe.page.wait_for_selector("#raw .hl", timeout=60_000)
    assert _click_and_read(probe, "t0") == "力争全年完成投资500亿元"
