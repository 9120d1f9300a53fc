"""The query cookbook (queries/*.rq) and `kg query`, on the seeds' graph.

Expected rows were checked by hand against the articles (the sentence is quoted with each).
"""

from __future__ import annotations

import json
import unicodedata
from decimal import Decimal
from pathlib import Path

import pytest

from kg.cli import main
from kg.facts import money
from kg.query import load_store, read_query, run, term_text

QUERIES = Path(__file__).resolve().parent.parent / "queries"


@pytest.fixture(scope="module")
def store(seeds_build):
    return load_store(seeds_build[1] / "kg.ttl")


def rows(store, name: str) -> list[tuple[str, ...]]:
    result = run(store, read_query(str(QUERIES / name)))
    return [tuple(term_text(t) for t in row) for row in result.rows]


def test_queries_every_cookbook_file_is_commented_and_runs(store):
    for path in sorted(QUERIES.glob("*.rq")):
        assert path.read_text(encoding="utf-8").startswith("#"), path.name
        assert run(store, path.read_text(encoding="utf-8")).kind == "select", path.name


def test_queries_partof_chain_of_a_township(store):
    # 000: 双池镇是交口县第一大镇; 001: 位居吕梁市前列 (交口县); 002: 山西省 … 吕梁市
    assert rows(store, "partof-chain.rq") == [
        ("双池镇", "交口县", "county"), ("双池镇", "吕梁市", "prefecture"), ("双池镇", "山西省", "province"),
    ]


def test_queries_county_indicators(store):
    # 004: 2024年，交城县…  全县地区生产总值完成107.48亿元…规上工业增加值完成60.68亿元…固定资产投资完成56.3亿元
    found = set(rows(store, "county-indicators.rq"))
    assert {
        ("交城县", "地区生产总值", "2024", "10748000000"),
        ("交城县", "规上工业增加值", "2024", "6068000000"),
        ("交城县", "固定资产投资", "2024", "5630000000"),
    } <= found


def test_queries_programs_shared_by_counties(store):
    # 001 (交口县) and 003 (交城县) both fight the 蓝天 and 碧水 battles
    # GROUP_CONCAT has no order in SPARQL: compare the counties as a set
    shared = {(program, frozenset(names.split("、"))) for program, _, names in rows(store, "programs-shared.rq")}
    assert {("蓝天保卫战", frozenset({"交城县", "交口县"})), ("碧水保卫战", frozenset({"交城县", "交口县"}))} <= shared


def test_queries_projects_by_investment_largest_first(store):
    # 004: 投资3.6亿元实施开发区生态环境综合治理
    found = rows(store, "projects-by-investment.rq")
    assert ("开发区生态环境综合治理", "360000000") in [r[:2] for r in found]
    assert [int(r[1]) for r in found] == sorted((int(r[1]) for r in found), reverse=True)


def test_queries_enterprises_per_county(store):
    # 002: 兴县 … 山花烂漫公司 … 清泉醋业
    per_county = {county: names.split("、") for county, _, names in rows(store, "enterprises-per-county.rq")}
    assert {"山花烂漫公司", "清泉醋业"} <= set(per_county["兴县"])


def test_queries_entity_card(store):
    card = set(rows(store, "entity-card.rq"))
    assert {("ckg:divisionCode", "141122"), ("skos:altLabel", "交城"),
            ("ckg:mentionedIn", "003_039c045d94f5dbd4.txt"), ("ckg:mentionedIn", "004_5f540e0837a54950.txt")} <= card


def test_queries_fact_evidence_points_into_the_files(store, seeds_dir):
    found = rows(store, "fact-evidence.rq")
    assert found
    for _, yuan, written, file, start, end, sentence in found:
        printed = "".join((seeds_dir / file).read_text(encoding="utf-8")[int(start) : int(end)].split())
        assert printed == written and written in sentence
        assert money(written) == Decimal(yuan)


def test_query_cli_table_csv_json_ask_construct(seeds_build, capsys):
    graph = str(seeds_build[1] / "kg.ttl")
    assert main(["query", graph, str(QUERIES / "counties.rq")]) == 0
    table = capsys.readouterr().out.splitlines()
    assert table[0].split(" | ")[0].strip() == "county" and table[-1] == "(3 rows)"
    # Chinese takes two columns in a terminal: the separators line up on screen
    def column(line: str) -> int:
        return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in line[: line.index("|")])

    assert len({column(line) for line in [table[0], *table[2:5]]}) == 1
    assert main(["query", graph, str(QUERIES / "counties.rq"), "--format", "csv"]) == 0
    assert capsys.readouterr().out.splitlines()[1] == "交城县,吕梁市,山西省,141122"
    assert main(["query", graph, str(QUERIES / "counties.rq"), "-f", "json"]) == 0  # W3C SPARQL results JSON
    assert json.loads(capsys.readouterr().out)["results"]["bindings"][0]["county"]["value"] == "交城县"
    assert main(["query", graph, "SELECT (COUNT(*) AS ?n) WHERE { ?c a <https://w3id.org/countykg/ontology#County> }", "-f", "json"]) == 0
    count = json.loads(capsys.readouterr().out)["results"]["bindings"][0]["n"]
    assert count["datatype"].endswith("#integer") and int(count["value"]) >= 3  # a number, typed
    assert main(["query", graph, "CONSTRUCT { ?c ?p ?o } WHERE { ?c <https://w3id.org/countykg/ontology#divisionCode> \"141122\" ; ?p ?o }", "-f", "ttl"]) == 0
    from rdflib import Graph

    assert len(Graph().parse(data=capsys.readouterr().out, format="turtle")) > 3  # Turtle any tool reads
    assert main(["query", graph, "ASK { ?c a <https://w3id.org/countykg/ontology#County> }"]) == 0
    assert capsys.readouterr().out.strip() == "true"
    assert main(["query", graph, "CONSTRUCT { ?c ?p ?o } WHERE { ?c <https://w3id.org/countykg/ontology#divisionCode> \"141122\" ; ?p ?o }"]) == 0
    assert "141122" in capsys.readouterr().out


@pytest.mark.parametrize(
    "query, message",
    [
        ("SELECT ?s WHERE {\n  ?s ?p", "query syntax error at line 2"),
        ("missing.rq", "missing.rq: no such query file"),
    ],
)
def test_query_cli_errors_are_clear(seeds_build, capsys, query, message):
    assert main(["query", str(seeds_build[1] / "kg.ttl"), query]) == 1
    assert message in capsys.readouterr().err


def test_query_cli_missing_graph(tmp_path, capsys):
    assert main(["query", str(tmp_path / "none.ttl"), "ASK {}"]) == 1
    assert "no such graph file" in capsys.readouterr().err
