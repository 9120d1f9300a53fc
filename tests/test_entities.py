"""Selection of entities from overlapping candidates (hand-built Docs), and project owners."""

from __future__ import annotations

import pytest
from spacy.tokens import Doc

from kg.entities import CANDIDATES, mentions_from_doc, select_entities


def doc_with(nlp, words, candidates):
    doc = Doc(nlp.vocab, words=words, spaces=[False] * len(words))
    spans = []
    for start, end, label, rule in candidates:
        span = doc.char_span(start, end, label=label, span_id=rule)
        spans.append(span)
    doc.spans[CANDIDATES] = spans
    return doc


def test_entities_longest_candidate_wins_and_nested_division_is_evidence_only(nlp):
    words = ["交口县", "晋韵", "农业", "发展", "有限公司", "投产", "。"]
    doc = doc_with(nlp, words, [(0, 3, "County", "place.full_name"), (0, 13, "Enterprise", "enterprise.registered_name")])
    doc = select_entities(doc)
    assert [(e.text, e.label_) for e in doc.ents] == [("交口县晋韵农业发展有限公司", "Enterprise")]
    _, mentions, nested = mentions_from_doc(doc, "d")
    assert [(x.text, x.label) for x in mentions] == [("交口县晋韵农业发展有限公司", "Enterprise")]
    assert [(x.text, x.label) for x in nested] == [("交口县", "County")]


def test_entities_a_division_on_its_own_is_a_mention(nlp):
    words = ["在", "交口县", "召开", "。"]
    doc = select_entities(doc_with(nlp, words, [(1, 4, "County", "place.full_name")]))
    assert [(e.text, e.label_) for e in doc.ents] == [("交口县", "County")]


def _entities(nlp, text):
    doc = nlp(text)
    return [(s.text, s.label_) for s in doc.spans["kg_entities"]]


def test_entities_a_coined_word_opening_a_project_is_its_developer(nlp):
    assert ("鑫沃", "Enterprise") in _entities(nlp, "汾阳县城加快推进鑫沃高盐废水治理项目。")


@pytest.mark.parametrize("text", ["推进蔺家庄4万吨铸件项目。", "推进曹家崖片区改造工程。", "加快呼和高速建设。"])
def test_entities_places_and_routes_opening_a_project_are_no_developers(nlp, text):
    assert [e for e in _entities(nlp, text) if e[1] == "Enterprise"] == []


def test_entities_sentences_keep_closing_quotes_and_leave_opening_brackets_to_the_next(nlp):
    from kg.entities import sentences_of

    text = "他说：“项目开工了。”县里很高兴！\n（记者 张三）新华村修路。"
    sentences = [s.text for s in sentences_of(nlp(text))]
    assert sentences == ["他说：“项目开工了。”", "县里很高兴！", "（记者 张三）新华村修路。"]
    assert all(text[s.start : s.end].strip() == s.text for s in sentences_of(nlp(text)))
