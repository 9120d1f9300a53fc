from __future__ import annotations

import pytest


@pytest.mark.parametrize("text", ["交口县天麟农业发展有限公司的院子里", "2018年 全县\n产值达到3亿元。"])
def test_segment_tokens_cover_the_text_exactly(nlp, text):
    doc = nlp.make_doc(text)
    assert doc.text == text
    assert "".join(t.text for t in doc) == text


def test_segment_keeps_division_names_and_suffixes_whole(nlp):
    words = [t.text for t in nlp.make_doc("推动交城县有限责任公司发展")]
    assert "交城县" in words
    assert "有限责任公司" in words


def test_segment_dictionaries_are_private_to_each_tokenizer(nlp):
    from kg.segment import JiebaTokenizer

    with_word = JiebaTokenizer(nlp.vocab, ["榆钱沟光电"])
    without = JiebaTokenizer(nlp.vocab)
    assert "榆钱沟光电" in [t.text for t in with_word("榆钱沟光电投产")]
    assert "榆钱沟光电" not in [t.text for t in without("榆钱沟光电投产")]
