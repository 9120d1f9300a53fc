"""Resolution on hand-built mentions: no spaCy, no gazetteer."""

from __future__ import annotations

from kg.resolve import resolve
from kg.types import Document, Extraction, Mention, RelationMention


def mention(doc, text, label, start=0, key="", aliases=()):
    return Mention(doc, text, label, start, start + len(text), 0, "test", key, tuple(aliases))


def extraction(doc, mentions, relations=()):
    document = Document(doc, f"{doc}.txt", "")
    return Extraction(document, (), tuple(mentions), tuple(relations))


NAMES = {"141130": "交口县", "141100": "吕梁市"}


def test_resolve_one_entity_per_division_code_across_documents():
    kb = resolve(
        [
            extraction("a", [mention("a", "交口县", "County", key="141130")]),
            extraction("b", [mention("b", "交口", "County", key="141130")]),
        ],
        NAMES.get,
    )
    (county,) = kb.entities
    assert county.name == "交口县" and county.code == "141130"
    assert county.aliases == {"交口"}
    assert {m.doc_id for m in county.mentions} == {"a", "b"}


def test_resolve_short_company_names_are_aliases_of_the_full_name_in_a_document():
    kb = resolve(
        [extraction("a", [
            mention("a", "晋韵农业发展有限公司", "Enterprise"),
            mention("a", "晋韵公司", "Enterprise", 20),
            mention("a", "晋韵", "Enterprise", 40),
        ])],
        NAMES.get,
    )
    (enterprise,) = kb.entities
    assert enterprise.name == "晋韵农业发展有限公司"
    assert enterprise.aliases == {"晋韵公司", "晋韵"}


def test_resolve_keeps_distinct_enterprises_apart():
    kb = resolve(
        [extraction("a", [mention("a", "道远耐材", "Enterprise"), mention("a", "道远水泥", "Enterprise", 10)])],
        NAMES.get,
    )
    assert sorted(e.name for e in kb.entities) == ["道远水泥", "道远耐材"]


def test_resolve_keys_do_not_depend_on_input_order():
    a = extraction("a", [mention("a", "石门光伏电站项目", "Project"), mention("a", "宏泰公司", "Enterprise", 10)])
    b = extraction("b", [mention("b", "宏泰公司", "Enterprise")])
    first = {(e.key, e.name) for e in resolve([a, b], NAMES.get).entities}
    second = {(e.key, e.name) for e in resolve([b, a], NAMES.get).entities}
    assert first == second
    assert all(key.isascii() for key, _ in first)


def test_resolve_carries_relations_to_entity_keys():
    project = mention("a", "石门光伏电站项目", "Project")
    county = mention("a", "交口县", "County", 20, key="141130")
    kb = resolve([extraction("a", [project, county], [RelationMention(project, "locatedIn", county, "rule")])], NAMES.get)
    (relation,) = kb.relations
    keys = {e.name: e.key for e in kb.entities}
    assert (relation.head, relation.type, relation.tail) == (keys["石门光伏电站项目"], "locatedIn", "division-141130")


def test_resolve_project_names_differing_in_place_and_capacity_are_one_project():
    kb = resolve(
        [extraction("a", [
            mention("a", "汾阳县", "County", 0, key="141182"),
            mention("a", "石门100兆瓦风电项目", "Project", 10),
            mention("a", "汾阳县石门风电项目", "Project", 40),
            mention("a", "石门光伏项目", "Project", 60),
        ])],
        {"141182": "汾阳县"}.get,
    )
    projects = sorted(e.name for e in kb.entities if e.label == "Project")
    assert projects == ["石门100兆瓦风电项目", "石门光伏项目"]
    (wind,) = [e for e in kb.entities if e.name == "石门100兆瓦风电项目"]
    assert "汾阳县石门风电项目" in wind.aliases


def test_resolve_an_enterprise_across_articles_with_and_without_its_organisational_form():
    kb = resolve(
        [
            extraction("a", [mention("a", "宏泰集团", "Enterprise")]),
            extraction("b", [mention("b", "宏泰", "Enterprise")]),
            extraction("c", [mention("c", "宏泰耐材", "Enterprise")]),
        ],
        NAMES.get,
    )
    names = sorted((e.name, tuple(sorted(e.aliases))) for e in kb.entities)
    assert ("宏泰集团", ("宏泰",)) in names  # one enterprise, named in both articles
    assert ("宏泰耐材", ()) in names  # another trade of the same name stays apart


def test_resolve_a_phase_is_a_project_of_its_own():
    kb = resolve(
        [extraction("a", [mention("a", "石门河治理项目", "Project"), mention("a", "石门河治理项目二期工程", "Project", 20)])],
        NAMES.get,
    )
    assert sorted(e.name for e in kb.entities) == ["石门河治理项目", "石门河治理项目二期工程"]


def test_resolve_the_same_programme_with_and_without_its_head_word_in_two_documents():
    # One article writes “蓝天”保卫战 (the rule keeps 蓝天保卫战 as an alias), another the full name.
    kb = resolve(
        [
            extraction("a", [mention("a", "蓝天", "Program", aliases=["蓝天保卫战"])]),
            extraction("b", [mention("b", "蓝天保卫战", "Program")]),
        ],
        NAMES.get,
    )
    (programme,) = kb.entities
    assert programme.name == "蓝天保卫战" and "蓝天" in programme.aliases


def test_resolve_same_named_projects_of_two_counties_are_two_projects():
    # 氧化铝项目 is a common name: the one of 交口县 and the one of 孝义市 are different
    # projects, while two articles of 交口县 about its 氧化铝项目 speak of one. A project's
    # county is the one it is located in (here through a township of the county, whose key
    # begins with the county's code), else the county its article names most.
    def county_article(doc, county, code, located_in=None):
        place = mention(doc, county, "County", key=code)
        project = mention(doc, "氧化铝项目", "Project", 10)
        relations = [RelationMention(project, "locatedIn", located_in, "test")] if located_in else []
        return extraction(doc, [place, project] + ([located_in] if located_in else []), relations)

    township = mention("c", "双池镇", "Township", 20, key="141130-5a5f0c2e")
    kb = resolve(
        [
            county_article("a", "交口县", "141130"),
            county_article("b", "孝义市", "141181"),
            county_article("c", "孝义市", "141181", located_in=township),  # named, but located in 交口县
        ],
        {**NAMES, "141181": "孝义市"}.get,
    )
    projects = [e for e in kb.entities if e.label == "Project"]
    assert sorted(sorted(m.doc_id for m in p.mentions) for p in projects) == [["a", "c"], ["b"]]
