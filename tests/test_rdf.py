"""The exported graph meets annotation guide §5; checked with SPARQL on the seeds' build."""

from __future__ import annotations

import pytest
from rdflib import Graph

from kg.vocab import CKG

PREFIXES = """
PREFIX ckg: <https://w3id.org/countykg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX prov: <http://www.w3.org/ns/prov#>
"""
CLASSES = "ckg:Province ckg:Prefecture ckg:County ckg:Township ckg:Village ckg:Enterprise ckg:Project ckg:Program"


def ask(graph: Graph, query: str) -> bool:
    return bool(graph.query(PREFIXES + query).askAnswer)


@pytest.fixture(scope="module")
def exported(seeds_build) -> Graph:
    """The Turtle file as written, parsed again: what a user and the scorer load."""
    return Graph().parse(seeds_build[1] / "kg.ttl")


def test_rdf_every_entity_has_one_class_and_one_chinese_label(exported):
    assert not ask(exported, f"""ASK {{ VALUES ?c {{ {CLASSES} }} ?e a ?c .
        {{ ?e a ?c2 . VALUES ?c2 {{ {CLASSES} }} FILTER(?c2 != ?c) }}
        UNION {{ FILTER NOT EXISTS {{ ?e rdfs:label ?l FILTER(lang(?l) = "zh") }} }}
        UNION {{ ?e rdfs:label ?a, ?b FILTER(?a != ?b) }} }}""")


def test_rdf_every_entity_is_mentioned_in_a_document_with_its_source_file(exported, seeds_dir):
    assert not ask(exported, f"""ASK {{ VALUES ?c {{ {CLASSES} }} ?e a ?c .
        FILTER NOT EXISTS {{ ?e ckg:mentionedIn ?d . ?d a ckg:Document ; ckg:sourceFile ?f }} }}""")
    files = {str(f) for f in exported.objects(None, CKG.sourceFile)}
    assert files == {p.name for p in seeds_dir.glob("*.txt")}


def test_rdf_aliases_are_chinese_altlabels(exported):
    assert ask(exported, 'ASK { ?e a ckg:County ; rdfs:label "交口县"@zh ; skos:altLabel "交口"@zh }')


def test_rdf_relations_are_plain_triples_in_the_guide_direction(exported):
    assert ask(exported, """ASK { ?c a ckg:County ; rdfs:label "交口县"@zh ; ckg:partOf ?p .
                                   ?p a ckg:Prefecture ; rdfs:label "吕梁市"@zh }""")
    assert not ask(exported, """ASK { { ?a ckg:partOf ?b FILTER NOT EXISTS { ?b a ?t } }
        UNION { ?a ckg:locatedIn ?b FILTER NOT EXISTS { ?a a ckg:Enterprise } FILTER NOT EXISTS { ?a a ckg:Project } } }""")


def test_rdf_iris_are_ascii_and_one_per_entity_across_documents(exported):
    for term in set(exported.subjects()) | set(exported.objects()):
        if hasattr(term, "startswith") and not hasattr(term, "language") and str(term).startswith("http"):
            assert str(term).isascii(), term
    # 交口县 is named in two seeds: one node, mentioned in both
    rows = list(exported.query(PREFIXES + 'SELECT ?e (COUNT(?d) AS ?n) WHERE { ?e rdfs:label "交口县"@zh ; ckg:mentionedIn ?d } GROUP BY ?e'))
    assert len(rows) == 1 and int(rows[0][1]) == 2


def test_rdf_iris_are_stable_across_runs(seeds_build, seeds_dir, tmp_path):
    from kg.build import build

    again = build([seeds_dir], tmp_path)
    first = {s for s in seeds_build[0].graph.subjects() if "/id/" in str(s)}
    second = {s for s in again.graph.subjects() if "/id/" in str(s)}
    assert first == second


def test_rdf_turtle_parses_in_a_second_strict_parser(seeds_build):
    pyoxigraph = pytest.importorskip("pyoxigraph")
    data = (seeds_build[1] / "kg.ttl").read_bytes()
    triples = list(pyoxigraph.parse(data, format=pyoxigraph.RdfFormat.TURTLE))
    assert len(triples) == len(Graph().parse(data=data, format="turtle"))


def _subsequence(small: str, big: str) -> bool:
    chars = iter(big)
    return all(c in chars for c in small)


def test_rdf_provenance_offsets_point_at_the_name_in_the_original_file(exported, seeds_dir):
    rows = list(exported.query(PREFIXES + """
        SELECT ?surface ?file ?start ?end ?sentence WHERE {
          ?m a ckg:Mention ; prov:value ?surface ; prov:wasQuotedFrom ?d ;
             ckg:startOffset ?start ; ckg:endOffset ?end ; ckg:sentence ?sentence .
          ?d ckg:sourceFile ?file }"""))
    assert len(rows) > 100
    raws = {p.name: p.read_text(encoding="utf-8") for p in seeds_dir.glob("*.txt")}
    for surface, file, start, end, sentence in rows:
        surface = str(surface)
        assert surface in str(sentence)
        # The original may carry the PDF's spaces and line breaks inside the name, and, in a
        # caption printed twice over two lines, parts of both copies: the name is read in order
        # from its first to its last character, within at most three copies' length.
        original = "".join(raws[str(file)][int(start) : int(end)].split())
        assert original[0] == surface[0] and original[-1] == surface[-1], (surface, original)
        assert _subsequence(surface, original), (surface, original)
        assert len(original) <= 3 * len(surface), (surface, original)


def test_rdf_quotes_backslashes_and_line_breaks_in_the_text_survive_the_mapping(tmp_path):
    # Article text ends up in literals (names, sentences); N-Triples must escape it.
    from rdflib import RDFS

    from kg.build import build

    article = tmp_path / "quotes.txt"
    article.write_text('交口县推行"一网\\通办"改革，晋韵农业发展有限公司投产。', encoding="utf-8")
    graph = build([article]).graph
    sentences = {str(o) for o in graph.objects(None, CKG.sentence)}
    assert '交口县推行"一网\\通办"改革，晋韵农业发展有限公司投产。' in sentences
    assert "晋韵农业发展有限公司" in {str(o) for o in graph.objects(None, RDFS.label)}
