"""The HTML explorer in a real headless Chromium, with the network off.

Skipped, with the reason, where Chromium or Playwright is missing (.ci/run installs both).
Times are printed, not asserted: benchmarks/browser_draw.py measures them.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import RDF, RDFS, Graph, Literal

from kg.browser import chromium_path
from kg.visualize import to_html
from kg.vocab import CKG, ID

ARTIFACTS = Path(__file__).resolve().parent.parent / "output" / "test-artifacts"
pytestmark = [
    pytest.mark.skipif(chromium_path() is None, reason="no Chromium on this machine (apt-get install chromium)"),
]


@pytest.fixture(scope="module")
def browser():
    pytest.importorskip("playwright", reason="playwright is not installed (pip install -e '.[test]')")
    from kg.browser import offline_browser

    with offline_browser() as chromium:
        yield chromium


def test_browser_seeds_page_draws_every_node_offline_without_errors(browser, seeds_build):
    from kg.browser import visit

    result, out = seeds_build
    entities = sum(1 for c in ("Province", "Prefecture", "County", "Township", "Village", "Enterprise", "Project", "Program")
                   for _ in result.graph.subjects(RDF.type, CKG[c]))
    page = visit(browser, out / "graph.html", screenshot=ARTIFACTS / "seeds-graph.png")
    print(f"seeds graph: first draw {page.first_draw_ms:.0f} ms, {page.nodes_drawn} nodes")
    assert page.nodes_drawn == entities
    assert page.console_errors == []
    assert page.blocked_requests == []
    assert (ARTIFACTS / "seeds-graph.png").stat().st_size > 10_000


EVIL = '<img src=x onerror="window.kgPwned=1"><script>window.kgPwned=2</script>'


def test_browser_document_text_never_runs(browser, tmp_path):
    g = Graph()
    doc, node = ID["doc/a"], ID["enterprise-evil"]
    g.add((doc, RDF.type, CKG.Document))
    g.add((node, RDF.type, CKG.Enterprise))
    g.add((node, RDFS.label, Literal(EVIL, lang="zh")))
    g.add((node, CKG.mentionedIn, doc))
    page_file = tmp_path / "evil.html"
    page_file.write_text(to_html(g, heading=EVIL), encoding="utf-8")

    context = browser.new_context()
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(page_file.resolve().as_uri())
    page.wait_for_function("window.kgFirstDraw !== undefined")
    page.fill("#kg-search", "img")  # finds the node and shows its details
    assert page.evaluate("window.kgPwned") is None
    assert EVIL in page.inner_text("#kg-details")  # shown as text
    assert EVIL in page.inner_text("#kg-title")
    assert errors == []
    context.close()


def test_browser_class_and_county_filters(browser, seeds_build):
    from kg.browser import visit

    _, out = seeds_build

    def hide_programs(page):
        page.uncheck("input[data-cls=Program]")

    all_nodes = visit(browser, out / "graph.html").nodes_drawn
    without_programs = visit(browser, out / "graph.html", action=hide_programs).nodes_drawn
    assert 0 < without_programs < all_nodes

    def one_county(page):
        page.select_option("#kg-county", index=1)

    assert 0 < visit(browser, out / "graph.html", action=one_county).nodes_drawn < all_nodes


def test_browser_colours_and_shapes_agree_with_the_legend_after_filtering(browser, seeds_build):
    from kg.visualize import STYLES

    _, out = seeds_build
    context = browser.new_context()
    page = context.new_page()
    page.goto((out / "graph.html").resolve().as_uri())
    page.wait_for_function("window.kgFirstDraw !== undefined")
    for cls in ("Program", "County"):  # hide a class and show it again
        page.uncheck(f"input[data-cls={cls}]")
        page.check(f"input[data-cls={cls}]")
    page.select_option("#kg-county", index=1)
    page.select_option("#kg-county", index=0)
    drawn = page.evaluate(
        "() => Object.values(network.body.nodes).filter(n => nodes.get(n.id))"
        ".map(n => [nodes.get(n.id).cls, n.options.color.background, n.options.shape])"
    )
    context.close()
    assert drawn
    wrong = [(cls, colour, shape) for cls, colour, shape in drawn
             if colour.lower() != STYLES[cls].color.lower() or shape != STYLES[cls].shape]
    assert not wrong, wrong[:5]
