"""Selection of entities from overlapping candidates, on hand-built Docs (no jieba)."""

from __future__ import annotations

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
    doc = select_entities(nlp.get_pipe("sentencizer")(doc))
    assert [(e.text, e.label_) for e in doc.ents] == [("交口县晋韵农业发展有限公司", "Enterprise")]
    _, mentions, nested = mentions_from_doc(doc, "d")
    assert [(x.text, x.label) for x in mentions] == [("交口县晋韵农业发展有限公司", "Enterprise")]
    assert [(x.text, x.label) for x in nested] == [("交口县", "County")]


def test_entities_a_division_on_its_own_is_a_mention(nlp):
    words = ["在", "交口县", "召开", "。"]
    doc = select_entities(doc_with(nlp, words, [(1, 4, "County", "place.full_name")]))
    assert [(e.text, e.label_) for e in doc.ents] == [("交口县", "County")]
