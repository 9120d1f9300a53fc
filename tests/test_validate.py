"""SHACL shapes (ontology/shapes.ttl) and the other export formats."""

from __future__ import annotations

import networkx as nx
import pytest
from rdflib import RDF, RDFS, Graph, Literal, URIRef
from rdflib.compare import isomorphic

from kg.cli import main
from kg.validate import validate
from kg.vocab import CKG, ID


def test_validate_the_seeds_graph_conforms(seeds_graph):
    result = validate(seeds_graph)
    assert result.conforms, result.report[:2000]


def small_graph() -> tuple[Graph, URIRef, URIRef]:
    g = Graph()
    doc, county = ID["doc/a"], ID["division-141130"]
    g.add((doc, RDF.type, CKG.Document))
    g.add((doc, CKG.sourceFile, Literal("a.txt")))
    g.add((county, RDF.type, CKG.County))
    g.add((county, RDFS.label, Literal("交口县", lang="zh")))
    g.add((county, CKG.mentionedIn, doc))
    return g, doc, county


@pytest.mark.parametrize(
    "break_it, message",
    [
        (lambda g, d, c: g.add((c, RDFS.label, Literal("交口", lang="zh"))), "exactly one rdfs:label"),
        (lambda g, d, c: g.set((c, RDFS.label, Literal("交口县"))), "exactly one rdfs:label in Chinese"),
        (lambda g, d, c: g.remove((d, CKG.sourceFile, None)), "exactly one ckg:sourceFile"),
        (lambda g, d, c: g.add((c, RDF.type, CKG.Enterprise)), "exactly one class of the contract"),
        (lambda g, d, c: g.add((c, CKG.locatedIn, c)), "only an enterprise or a project is locatedIn"),
        (lambda g, d, c: g.remove((c, CKG.mentionedIn, None)), "mentioned in at least one"),
    ],
    ids=["two-labels", "label-without-language", "no-source-file", "two-classes", "county-located-in", "no-document"],
)
def test_validate_reports_what_breaks_the_contract(break_it, message):
    g, doc, county = small_graph()
    assert validate(g).conforms
    break_it(g, doc, county)
    result = validate(g)
    assert not result.conforms
    assert message in result.report


def test_validate_cli_exit_codes(seeds_build, tmp_path, capsys):
    assert main(["validate", str(seeds_build[1] / "kg.ttl")]) == 0
    assert "conforms" in capsys.readouterr().out
    g, _, county = small_graph()
    g.add((county, RDF.type, CKG.Program))
    g.serialize(tmp_path / "bad.ttl", format="turtle")
    assert main(["validate", str(tmp_path / "bad.ttl")]) == 4
    assert "does not conform" in capsys.readouterr().err


def test_export_formats_hold_the_same_graph(seeds_build, tmp_path):
    from kg.export import write_graph

    graph = seeds_build[0].graph
    turtle = Graph().parse(write_graph(graph, tmp_path, "ttl"), format="turtle")
    assert len(turtle) == len(graph)
    for fmt, rdflib_format in (("nt", "nt"), ("jsonld", "json-ld")):
        path = write_graph(graph, tmp_path, fmt)
        assert isomorphic(Graph().parse(path, format=rdflib_format), turtle), fmt
    graphml = nx.read_graphml(write_graph(graph, tmp_path, "graphml"))
    entities = {s for c in ("Province", "Prefecture", "County", "Township", "Village", "Enterprise", "Project", "Program")
                for s in graph.subjects(RDF.type, CKG[c])}
    assert graphml.number_of_nodes() == len(entities)
    assert "交口县" in {d["label"] for _, d in graphml.nodes(data=True)}


def test_export_cli_refuses_an_unknown_format_as_a_usage_error(tmp_path, capsys, seeds_dir):
    with pytest.raises(SystemExit) as stop:
        main(["build", str(seeds_dir / "000_bf441c48083cf4d1.txt"), "--out", str(tmp_path), "--format", "ttl,xlsx"])
    assert stop.value.code == 2 and "unknown format 'xlsx'" in capsys.readouterr().err
    with pytest.raises(SystemExit) as stop:
        main(["build", str(seeds_dir), "--jobs", "0"])
    assert stop.value.code == 2
