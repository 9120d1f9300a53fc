from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import RDF, RDFS, SKOS, Graph, Literal, URIRef

from kg.errors import GoldError
from kg.evaluate import load_gold, score
from kg.vocab import CKG

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"


def test_evaluate_agrees_with_the_reference_scorer(seeds_build, tmp_path):
    scorer = SHARED / "tools" / "score.py"
    if not scorer.is_file():
        pytest.skip("../shared/tools/score.py is not beside the project")
    gold = tmp_path / "gold"  # the seeds' gold, from the corpus
    gold.mkdir()
    for text in (ROOT / "seeds").glob("*.txt"):
        (gold / f"{text.stem}.json").write_bytes((ROOT / "corpus" / "gold" / f"{text.stem}.json").read_bytes())
    ttl = seeds_build[1] / "kg.ttl"
    subprocess.run([sys.executable, scorer, ttl, gold, "--json", tmp_path / "ref.json"], check=True, capture_output=True)
    reference = json.loads((tmp_path / "ref.json").read_text(encoding="utf-8"))
    ours = score(Graph().parse(ttl), load_gold([gold]))
    for level, table in (("document", ours.document), ("graph", ours.graph), ("relations", ours.relations)):
        for name, figures in reference[level].items():
            for key, value in figures.items():
                assert table[name][key] == pytest.approx(value), (level, name, key)


def graph_of(*entities):
    g = Graph()
    doc = URIRef("https://w3id.org/countykg/id/doc/a")
    g.add((doc, RDF.type, CKG.Document))
    g.add((doc, CKG.sourceFile, Literal("a.txt")))
    for i, (label, name, aliases) in enumerate(entities):
        node = URIRef(f"https://w3id.org/countykg/id/e{i}")
        g.add((node, RDF.type, CKG[label]))
        g.add((node, RDFS.label, Literal(name, lang="zh")))
        for alias in aliases:
            g.add((node, SKOS.altLabel, Literal(alias, lang="zh")))
        g.add((node, CKG.mentionedIn, doc))
    return g


def gold_of(tmp_path, entities, relations=()):
    path = tmp_path / "a.json"
    path.write_text(json.dumps({"doc": "a.txt", "entities": entities, "relations": list(relations)}, ensure_ascii=False), encoding="utf-8")
    return load_gold([path])


@pytest.mark.parametrize(
    "predicted, strict, relaxed",
    [
        ("石门光伏电站项目", 1.0, 1.0),  # equal
        ("“石门光伏电站项目”", 1.0, 1.0),  # quotes do not count
        ("石门光伏电站", 0.0, 1.0),  # 6 of 8 characters: contained and ≥ 60 %
        ("光伏电站", 0.0, 0.0),  # 4 of 8: too short a part
        ("汾阳光伏电站项目", 0.0, 0.0),  # not contained
    ],
)
def test_evaluate_strict_and_relaxed_matching(tmp_path, predicted, strict, relaxed):
    gold = gold_of(tmp_path, [{"type": "Project", "name": "石门光伏电站项目", "aliases": []}])
    report = score(graph_of(("Project", predicted, [])), gold)
    assert report.document["Project"]["f1_strict"] == strict
    assert report.document["Project"]["f1"] == relaxed


def test_evaluate_accepts_the_also_class_and_matches_one_to_one(tmp_path):
    gold = gold_of(tmp_path, [{"type": "Project", "name": "国家储备林项目", "aliases": [], "also": ["Program"]}])
    report = score(graph_of(("Program", "国家储备林项目", []), ("Program", "国家储备林", [])), gold)
    assert report.document["Program"]["p"] == 0.5  # the second prediction finds no gold left
    assert report.errors["FP Program"] == ["a.t 国家储备林"]


@pytest.mark.parametrize(
    "content, message",
    [
        ("{", "not a JSON file"),
        ('{"entities": [], "relations": []}', "missing field 'doc'"),
        ('{"doc": "a.txt", "entities": [{"name": "交口县"}], "relations": []}', "entities[0]: missing field 'type'"),
        ('{"doc": "a.txt", "entities": [{"type": "Town", "name": "双池镇"}], "relations": []}', "unknown class 'Town'"),
        ('{"doc": "a.txt", "entities": [{"type": "County", "name": "交口县", "aliases": "交口"}], "relations": []}', "field 'aliases' must be a list of strings"),
        ('{"doc": "a.txt", "entities": [], "relations": [{"head": "甲", "type": "partOf", "tail": "乙"}]}', "'甲' is not the name of an entity"),
        ('{"doc": "a.txt", "entities": [], "relations": {}}', "field 'relations' must be a list"),
    ],
)
def test_evaluate_malformed_gold_names_the_file_and_the_field(tmp_path, content, message):
    path = tmp_path / "broken.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(GoldError) as error:
        load_gold([tmp_path])
    assert message in str(error.value) and "broken.json" in str(error.value)


def test_evaluate_cli_reports_a_malformed_gold_file_without_traceback(tmp_path, capsys):
    from kg.cli import main

    (tmp_path / "bad.json").write_text("[]", encoding="utf-8")
    assert main(["eval", str(tmp_path), "--kg", str(tmp_path / "x.ttl")]) == 1
    assert "bad.json" in capsys.readouterr().err


def test_error_kinds_say_why_a_prediction_or_a_gold_entity_is_unmatched(tmp_path):
    from kg.evaluate import error_kinds

    gold = gold_of(tmp_path, [
        {"type": "Project", "name": "石门光伏电站项目", "aliases": []},
        {"type": "Enterprise", "name": "山西鹏飞集团", "aliases": []},
        {"type": "Program", "name": "临县促进红枣产业健康发展的若干意见", "aliases": []},
    ])
    graph = graph_of(("Project", "县政府高度重视石门光伏电站项目", []), ("Project", "这一项目", []),
                     ("Enterprise", "县发改局", []), ("Program", "山西鹏飞集团", []))
    kinds = error_kinds(graph, gold)
    assert kinds["FP Project: too long"] == ["a.t 县政府高度重视石门光伏电站项目"]
    assert kinds["FP Project: generic"] == ["a.t 这一项目"]
    assert kinds["FP Enterprise: organ"] == ["a.t 县发改局"]
    assert kinds["FP Program: wrong class"] == ["a.t 山西鹏飞集团"]
    assert kinds["FN Project: overlapped"] == ["a.t 石门光伏电站项目"]
    assert kinds["FN Program: missed long name"] == ["a.t 临县促进红枣产业健康发展的若干意见"]
