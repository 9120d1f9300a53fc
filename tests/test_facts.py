"""Facts on hand-written sentences about other counties, and their evidence in the graph."""

from __future__ import annotations

from decimal import Decimal

import pytest

from kg.facts import find_facts, money
from kg.types import Mention, Sentence


@pytest.mark.parametrize(
    "amount, yuan",
    [("45.4亿元", "4540000000"), ("3.6亿元", "360000000"), ("1200余万元", "12000000"), ("30361元", "30361")],
)
def test_facts_money_in_yuan(amount, yuan):
    assert money(amount) == Decimal(yuan)


def project_in(text: str, name: str, label: str = "Project") -> tuple[Mention, tuple[Sentence, ...]]:
    start = text.index(name)
    return Mention("d", name, label, start, start + len(name), 0, "test"), (Sentence(0, len(text), text),)


def facts_of(text: str, name: str) -> dict[str, list[tuple[str, str]]]:
    project, sentences = project_in(text, name)
    found: dict[str, list[tuple[str, str]]] = {}
    for fact in find_facts(text, sentences, (project,)):
        found.setdefault(fact.property, []).append((fact.value, fact.unit))
    return found


def test_facts_investment_capacity_phase_status_year_of_a_project():
    text = "2023年，汾阳县总投资12.5亿元的晋韵200兆瓦风电二期项目建成投运。"
    facts = facts_of(text, "晋韵200兆瓦风电二期项目")
    assert facts["investment"] == [("1250000000", "CNY")]
    assert facts["capacity"] == [("200", "兆瓦")]
    assert facts["phase"] == [("2", "")]
    assert facts["status"] == [("in_operation", "")]
    assert facts["year"] == [("2023", "")]


@pytest.mark.parametrize(
    "text, status",
    [
        ("签约石门光伏电站项目。", "signed"),
        ("开工建设石门光伏电站项目。", "started"),
        ("加快推进石门光伏电站项目。", "under_construction"),
        ("谋划石门光伏电站项目。", "planned"),
    ],
)
def test_facts_status_from_the_words_of_the_sentence(text, status):
    assert facts_of(text, "石门光伏电站项目")["status"] == [(status, "")]


def test_facts_an_amount_next_to_another_project_is_not_this_ones():
    text = "总投资3亿元的甲城污水处理厂项目和乙城供热工程同时开工。"
    first, sentences = project_in(text, "甲城污水处理厂项目")
    second, _ = project_in(text, "乙城供热工程")
    investments = [f for f in find_facts(text, sentences, (first, second)) if f.property == "investment"]
    assert [(f.subject.text, f.value) for f in investments] == [("甲城污水处理厂项目", "300000000")]


def test_facts_county_statistics_with_indicator_and_year():
    text = "2024年，汾阳县地区生产总值完成236.5亿元，同比增长5.1%；一般公共预算收入突破18亿元。"
    county = Mention("d", "汾阳县", "County", 6, 9, 0, "test", "141182")
    facts = find_facts(text, (Sentence(0, len(text), text),), (county,))
    assert {(f.indicator, f.value, f.year) for f in facts if f.property == "statistic"} == {
        ("gdp", "23650000000", 2024),
        ("general_budget_revenue", "1800000000", 2024),
    }


def test_facts_evidence_in_the_graph_points_at_the_stated_amount(seeds_build, seeds_dir):
    """Query a fact's evidence with SPARQL and read the original file at its offsets."""
    graph = seeds_build[0].graph
    rows = list(graph.query("""
        PREFIX ckg: <https://w3id.org/countykg/ontology#>
        PREFIX prov: <http://www.w3.org/ns/prov#>
        PREFIX schema: <https://schema.org/>
        SELECT ?yuan ?file ?start ?end ?sentence WHERE {
          ?project ckg:investment ?amount .
          ?amount schema:value ?yuan ; prov:wasDerivedFrom ?evidence .
          ?evidence prov:wasQuotedFrom ?doc ; ckg:startOffset ?start ; ckg:endOffset ?end ; ckg:sentence ?sentence .
          ?doc ckg:sourceFile ?file }"""))
    assert rows
    for yuan, file, start, end, sentence in rows:
        written = "".join((seeds_dir / str(file)).read_text(encoding="utf-8")[int(start) : int(end)].split())
        assert written in str(sentence)
        assert money(written) == Decimal(str(yuan))


def test_facts_the_total_of_a_list_of_projects_is_nobodys_own():
    text = "重点推动总投资45.4亿元的甲城焦化项目、乙城化肥项目等5个项目。"
    first, sentences = project_in(text, "甲城焦化项目")
    second, _ = project_in(text, "乙城化肥项目")
    assert [f for f in find_facts(text, sentences, (first, second)) if f.property == "investment"] == []
