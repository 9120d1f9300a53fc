from __future__ import annotations

import pytest

from kg.focus import main_county
from kg.places import gazetteer
from kg.relations import find_relations
from kg.types import Mention, Sentence


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
    assert ("交口县晋韵农业发展有限公司", "locatedIn", "交口县", "locatedIn.name_place") in triples(
        find_relations((county, company), nested, gazetteer())
    )


def test_relations_projects_without_a_place_are_in_the_article_county():
    mentions = (m("交城县", "County", 0, "141122"), m("交城县", "County", 5, "141122"), m("兴县", "County", 9, "141123"),
                m("焦化项目", "Project", 20))
    assert main_county(mentions).key == "141122"
    assert ("焦化项目", "locatedIn", "交城县", "locatedIn.document") in triples(find_relations(mentions, (), gazetteer()))


def test_relations_the_most_specific_place_in_a_name_wins():
    township = m("温泉乡", "Township", 0, "141130-x")
    county = m("交口县", "County", 20, "141130")
    project = m("温泉乡养老服务中心", "Project", 30)
    nested = (m("温泉乡", "Township", 30, "141130-x"),)
    assert ("温泉乡养老服务中心", "locatedIn", "温泉乡", "locatedIn.name_place") in triples(
        find_relations((township, county, project), nested, gazetteer())
    )


def test_relations_an_enterprise_in_a_project_name_develops_it():
    project = m("宏泰公司30万吨铸造项目", "Project", 0)
    company = m("宏泰公司", "Enterprise", 0)
    assert ("宏泰公司30万吨铸造项目", "developedBy", "宏泰公司", "developedBy.name_owner") in triples(
        find_relations((project, company), (), gazetteer())
    )


def test_relations_the_article_county_implements_its_programmes():
    mentions = (m("交城县", "County", 0, "141122"), m("一网通办", "Program", 10))
    assert ("交城县", "implements", "一网通办", "implements.document") in triples(find_relations(mentions, (), gazetteer()))


def test_relations_the_province_implements_what_its_party_committee_launched():
    text = "按照山西省委“人人学技”部署，兴县开展培训。"
    sentences = (Sentence(0, len(text), text),)
    province = m("山西", "Province", 2, "140000")
    county = m("兴县", "County", 17, "141123")
    program = m("人人学技", "Program", 8)
    found = triples(find_relations((province, program, county), (), gazetteer(), sentences, text))
    assert ("山西", "implements", "人人学技", "implements.superior") in found
    assert ("兴县", "implements", "人人学技", "implements.document") in found


def test_relations_a_province_in_a_name_yields_to_the_article_county():
    county = m("交口县", "County", 0, "141130")
    province = m("山西", "Province", 5, "140000")
    project = m("山西晋韵厂铸造项目", "Project", 10)
    nested = (m("山西", "Province", 10, "140000"),)
    found = triples(find_relations((county, province, project), nested, gazetteer()))
    assert ("山西晋韵厂铸造项目", "locatedIn", "交口县", "locatedIn.document") in found
    assert not [t for t in found if t[0] == "山西晋韵厂铸造项目" and t[2] == "山西"]


def test_relations_an_enterprise_named_after_a_place_elsewhere_is_not_in_the_county():
    county = m("交口县", "County", 0, "141130")
    company = m("江苏宏达电机", "Enterprise", 10)
    nested = (m("江苏", "Province", 10, "320000"),)
    assert not [t for t in triples(find_relations((county, company), nested, gazetteer())) if t[0] == "江苏宏达电机"]


@pytest.mark.parametrize(
    "text, company, project",
    [
        ("由晋韵生态建设有限公司投资建设的石门风电项目开工。", "晋韵生态建设有限公司", "石门风电项目"),
        ("石门风电项目由晋韵生态建设有限公司承建。", "晋韵生态建设有限公司", "石门风电项目"),
    ],
)
def test_relations_developer_named_by_cue_words(text, company, project):
    sentences = (Sentence(0, len(text), text),)
    e = m(company, "Enterprise", text.index(company))
    p = m(project, "Project", text.index(project))
    assert (project, "developedBy", company, "developedBy.cue") in triples(find_relations((e, p), (), gazetteer(), sentences, text))


def test_relations_a_cue_word_places_an_enterprise_in_a_township_rather_than_the_county():
    # Hand-written: 双池镇 is a real township of 交口县 (gazetteer); the company is invented.
    from kg.build import extract
    from kg.types import Article

    text = "交口县招商引资成效明显。晋韵农业发展有限公司位于双池镇，主营食用菌。"
    extraction = next(extract([Article("cue.txt", text)]))
    located = {(r.head.text, r.tail.text, r.rule) for r in extraction.relations if r.type == "locatedIn"}
    assert located == {("晋韵农业发展有限公司", "双池镇", "locatedIn.cue")}
