"""Time to first draw of the HTML explorer in headless Chromium (network off).

Usage:  python benchmarks/browser_draw.py [--runs 5] [--nodes 5000]

Measures the seeds' page (output/graph.html, built first with `kg build`) and a synthetic
graph of --nodes entities (counties, each with enterprises, projects and programmes), as the
median over --runs page loads of ``window.kgFirstDraw`` (milliseconds from navigation start
to the first animation frame after vis-network drew the graph).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

from rdflib import RDF, RDFS, Graph, Literal

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kg.browser import offline_browser, visit  # noqa: E402
from kg.visualize import to_html  # noqa: E402
from kg.vocab import CKG, ID  # noqa: E402


def synthetic_graph(n: int) -> Graph:
    """``n`` entities: counties of 100 members each (projects, enterprises, programmes)."""
    g = Graph()
    doc = ID["doc/synthetic"]
    g.add((doc, RDF.type, CKG.Document))
    g.add((doc, CKG.sourceFile, Literal("synthetic.txt")))
    kinds = ("Project", "Enterprise", "Program")
    county = None
    for i in range(n):
        if i % 100 == 0:
            county = ID[f"division-9{i // 100:05d}"]
            g.add((county, RDF.type, CKG.County))
            g.add((county, RDFS.label, Literal(f"合成{i // 100}县", lang="zh")))
            g.add((county, CKG.mentionedIn, doc))
            continue
        kind = kinds[i % 3]
        node = ID[f"{kind.lower()}-{i}"]
        g.add((node, RDF.type, CKG[kind]))
        g.add((node, RDFS.label, Literal(f"合成{kind}{i}", lang="zh")))
        g.add((node, CKG.mentionedIn, doc))
        if kind == "Program":
            g.add((county, CKG.implements, node))
        else:
            g.add((node, CKG.locatedIn, county))
        if kind == "Project" and i > 1:
            g.add((node, CKG.developedBy, ID[f"enterprise-{i + 1}"]))
    return g


def measure(browser, page: Path, runs: int) -> tuple[float, int]:
    times, drawn = [], 0
    for _ in range(runs):
        result = visit(browser, page)
        assert not result.console_errors and not result.blocked_requests, (result.console_errors, result.blocked_requests)
        times.append(result.first_draw_ms)
        drawn = result.nodes_drawn
    return statistics.median(times), drawn


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--nodes", type=int, default=5000)
    args = parser.parse_args()
    seeds_page = ROOT / "output" / "graph.html"
    with tempfile.TemporaryDirectory() as tmp, offline_browser() as browser:
        started = time.perf_counter()
        big = Path(tmp) / "synthetic.html"
        big.write_text(to_html(synthetic_graph(args.nodes), heading="synthetic"), encoding="utf-8")
        render = time.perf_counter() - started
        rows = []
        if seeds_page.is_file():
            rows.append(("seeds (output/graph.html)", *measure(browser, seeds_page, args.runs), seeds_page.stat().st_size))
        rows.append((f"synthetic, {args.nodes} entities", *measure(browser, big, args.runs), big.stat().st_size))
    print(f"{'page':<32} {'first draw (median ms)':>24} {'nodes drawn':>12} {'page size':>12}")
    for name, ms, drawn, size in rows:
        print(f"{name:<32} {ms:>24.0f} {drawn:>12} {size / 1e6:>10.2f} MB")
    print(f"(rendering the synthetic page in Python took {render:.1f} s; {args.runs} runs each)")


if __name__ == "__main__":
    main()
