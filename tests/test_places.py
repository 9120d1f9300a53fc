from __future__ import annotations

import pytest

from kg.places import gazetteer


@pytest.mark.parametrize(
    "name, code, level, parent_names",
    [
        ("交口县", "141130", "County", ["吕梁市", "山西省"]),
        ("兴县", "141123", "County", ["吕梁市", "山西省"]),
        ("交城县", "141122", "County", ["吕梁市", "山西省"]),
        ("鄂尔多斯市", "150600", "Prefecture", ["内蒙古自治区"]),
        ("朝阳区", "110105", "County", ["北京市"]),  # a municipality has no prefecture level
    ],
)
def test_places_gazetteer_has_official_codes_and_hierarchy(name, code, level, parent_names):
    division = next(d for d in gazetteer().lookup(name) if d.key == code)
    assert division.level == level
    assert [a.name for a in gazetteer().ancestors(code)] == parent_names


def test_places_gazetteer_has_townships_and_villages_of_a_county():
    below = {d.name: d for d in gazetteer().below("141130")}
    assert below["双池镇"].level == "Township"
    assert below["讲理村"].level == "Village"
    assert below["讲理村"].parent == below["双池镇"].key


def places_in(nlp, text):
    doc = nlp(text)
    return [(e.text, e.label_, e.kb_id_) for e in doc.ents if e.label_ in ("Province", "Prefecture", "County", "Township", "Village")]


@pytest.mark.parametrize(
    "text, expected",
    [
        # a short form is resolved in the context of its prefecture
        ("吕梁市下辖交城县。交城的核桃很有名。", [("吕梁市", "Prefecture", "141100"), ("交城县", "County", "141122"), ("交城", "County", "141122")]),
        # a mountain named after a city is not the city
        ("吕梁山区绵延数百里。", []),
        # an ordinary word that happens to be a district's name is not a district
        ("千年古县再添新名片。", []),
        # townships and villages are found under the counties the text names
        ("交口县双池镇讲理村的村民。", [("交口县", "County", "141130"), ("双池镇", "Township", None), ("讲理村", "Village", None)]),
    ],
)
def test_places_found_in_context(nlp, text, expected):
    found = places_in(nlp, text)
    assert [(t, l) for t, l, _ in found] == [(t, l) for t, l, _ in expected]
    for (_, _, key), (_, _, want) in zip(found, expected):
        if want:
            assert key == want


def test_places_short_form_in_a_product_name_is_the_county_not_a_new_place(nlp):
    found = places_in(nlp, "交口县的香菇出口韩国，交口香菇将出现在餐桌上。")
    assert {(t, k) for t, _, k in found} == {("交口县", "141130"), ("交口", "141130")}
