from __future__ import annotations

from kg.places import gazetteer
from kg.relations import find_relations, main_county
from kg.types import Mention


def m(text, label, start, key="", rule="test"):
    return Mention("d", text, label, start, start + len(text), 0, rule, key)


def triples(relations):
    return {(r.head.text, r.type, r.tail.text, r.rule) for r in relations}


def test_relations_partof_follows_the_real_hierarchy_between_divisions_of_the_document():
    mentions = (m("吕梁市", "Prefecture", 0, "141100"), m("交口县", "County", 10, "141130"), m("山西省", "Province", 20, "140000"))
    assert triples(find_relations(mentions, (), gazetteer())) == {
        ("交口县", "partOf", "吕梁市", "partOf.hierarchy"),
        ("吕梁市", "partOf", "山西省", "partOf.hierarchy"),
    }


def test_relations_locatedin_from_a_place_prefix_in_the_name():
    company = m("交口县晋韵农业发展有限公司", "Enterprise", 10)
    county = m("交口县", "County", 0, "141130")
    nested = (m("交口县", "County", 10, "141130"),)
    assert ("交口县晋韵农业发展有限公司", "locatedIn", "交口县", "locatedIn.name_prefix") in triples(
        find_relations((county, company), nested, gazetteer())
    )


def test_relations_projects_without_a_place_are_in_the_article_county():
    mentions = (m("交城县", "County", 0, "141122"), m("交城县", "County", 5, "141122"), m("兴县", "County", 9, "141123"),
                m("焦化项目", "Project", 20))
    assert main_county(mentions).key == "141122"
    assert ("焦化项目", "locatedIn", "交城县", "locatedIn.document") in triples(find_relations(mentions, (), gazetteer()))
