from __future__ import annotations

import json
import re

import pytest

from rdflib import RDF, RDFS, Graph, Literal, URIRef

from kg.visualize import to_html
from kg.vocab import CKG

EVIL = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def test_visualize_page_needs_no_network(seeds_build):
    page = (seeds_build[1] / "graph.html").read_text(encoding="utf-8")
    assert not re.search(r"""(src|href)\\s*=\\s*["']?https?:""", page)
    assert "vis.Network" in page or "new vis" in page  # vis-network is inlined


def test_visualize_escapes_document_text():
    g = Graph()
    node = URIRef("https://w3id.org/countykg/id/enterprise-x")
    g.add((node, RDF.type, CKG.Enterprise))
    g.add((node, RDFS.label, Literal(EVIL, lang="zh")))
    page = to_html(g, heading=EVIL)
    assert "<img src=x onerror" not in page
    assert '<script>alert("x")' not in page
    assert "<title>&lt;script&gt;" in page  # the heading, escaped; labels travel as JSON


def test_visualize_draws_one_node_per_entity_with_chinese_labels(seeds_build):
    graph = seeds_build[0].graph
    page = (seeds_build[1] / "graph.html").read_text(encoding="utf-8")
    entities = {s for c in ("County", "Enterprise", "Project", "Program", "Province", "Prefecture", "Township", "Village") for s in graph.subjects(RDF.type, CKG[c])}
    nodes = json.loads(re.search(r"nodes = new vis.DataSet\((\[.*?\])\);", page, re.S).group(1))
    assert len(nodes) == len(entities)
    assert "交口县" in {node["label"] for node in nodes}


def test_visualize_one_page_per_county_holds_that_county(seeds_build, tmp_path):
    from kg.visualize import county_pages

    pages = county_pages(seeds_build[0].graph)
    assert set(pages) == {"141122.html", "141123.html", "141130.html", "index.html"}
    index = pages.pop("index.html")  # each county by name, linked, with what it holds
    assert '<a href="141123.html">兴县</a>' in index and index.count("<tr>") == 4
    whole = (seeds_build[1] / "graph.html").read_text(encoding="utf-8")
    for code, page in pages.items():
        nodes = json.loads(re.search(r"nodes = new vis.DataSet\((\[.*?\])\);", page, re.S).group(1))
        assert any(n["cls"] == "County" and n["label"] for n in nodes)
        assert len(page) < len(whole)
    labels = {n["label"] for n in json.loads(re.search(r"nodes = new vis.DataSet\((\[.*?\])\);", pages["141123.html"], re.S).group(1))}
    assert "兴县" in labels and "交城县" not in labels


def test_visualize_a_huge_graph_shows_its_divisions_and_most_connected_entities(seeds_build):
    graph = seeds_build[0].graph
    page = to_html(graph, max_nodes=60)
    nodes = json.loads(re.search(r"nodes = new vis.DataSet\((\[.*?\])\);", page, re.S).group(1))
    assert len(nodes) == 60
    divisions = {"Province", "Prefecture", "County", "Township", "Village"}
    every_division = {str(s) for c in divisions for s in graph.subjects(RDF.type, CKG[c])}
    assert sum(n["cls"] in divisions for n in nodes) == len(every_division)
    meta = json.loads(re.search(r"var meta = (\{.*?\});\n", page, re.S).group(1))
    assert "60" in meta["note"] and "most connected" in meta["note"]


def test_visualize_details_quote_the_sentences_an_entity_comes_from(seeds_build, seeds_dir):
    # Provenance in the explorer: each node's panel quotes (up to) its two shortest
    # sentences, read from the graph only for the nodes the page draws.
    from kg.normalize import normalize

    texts = "".join(normalize(p.read_text(encoding="utf-8"))[0] for p in seeds_dir.glob("*.txt"))
    for page in ((seeds_build[1] / "graph.html").read_text(encoding="utf-8"), to_html(seeds_build[0].graph, max_nodes=60)):
        nodes = json.loads(re.search(r"nodes = new vis.DataSet\((\[.*?\])\);", page, re.S).group(1))
        for node in nodes:
            quoted = re.findall(r"「(.*?)」", node["details"])
            assert 1 <= len(quoted) <= 2, node["label"]
            assert all(len(q) >= 2 and q in texts for q in quoted), node["label"]


def test_visualize_a_blank_node_or_odd_iri_is_drawn_without_details_and_others_keep_theirs():
    import warnings

    from rdflib import SKOS, BNode

    g = Graph()
    company, program = BNode(), URIRef("http://example.org/program")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # rdflib warns that the IRI is not valid: that is the point
        odd = URIRef("http://example.org/a project")
    g.add((odd, RDF.type, CKG.Project))
    g.add((company, RDF.type, CKG.Enterprise))
    g.add((company, RDFS.label, Literal("某公司", lang="zh")))
    g.add((program, RDF.type, CKG.Program))
    g.add((program, SKOS.altLabel, Literal("别名", lang="zh")))
    nodes = json.loads(re.search(r"nodes = new vis.DataSet\((\[.*?\])\);", to_html(g), re.S).group(1))
    details = {n["label"]: n["details"] for n in nodes}
    assert details["某公司"] == "某公司\n企业 / Enterprise"
    assert details["http://example.org/a project"].endswith("Project")
    assert "别名 aliases: 别名" in details["http://example.org/program"]


@pytest.mark.parametrize("value, shown", [
    ("360000000", "3.6亿元 (360,000,000 元)"),
    ("12000000", "1200万元 (12,000,000 元)"),
    ("5000", "5,000 元"),
])
def test_visualize_amounts_read_as_articles_write_them_with_the_yuan_beside(value, shown):
    from kg.visualize import _yuan

    assert _yuan(value) == shown


def test_visualize_evidence_is_body_text_not_a_page_header():
    from kg.visualize import _evidence_order

    sentences = ["8县域·交城2025年4月3日星期四", "□文/冀美丽", "交城县今年推进重点项目建设，总投资48.2亿元。", "交城县召开会议。"]
    assert sorted(sentences, key=_evidence_order)[:2] == ["交城县召开会议。", "交城县今年推进重点项目建设，总投资48.2亿元。"]
