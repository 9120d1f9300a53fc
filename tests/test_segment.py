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


def test_segment_cuts_where_python_jieba_cuts(nlp, seeds_dir, tmp_path):
    # The segmenter is rjieba for speed; what users rely on is jieba's segmentation. On the
    # seeds, the word boundaries of both agree almost everywhere (measured: 99.9%).
    import itertools
    import logging

    import jieba

    from kg.normalize import normalize
    from kg.places import gazetteer
    from kg.rules import default_rules

    jieba.setLogLevel(logging.WARNING)
    reference = jieba.Tokenizer(dictionary=jieba.DEFAULT_DICT)
    reference.tmp_dir = str(tmp_path)  # its cache, not $TMPDIR's shared one
    for word in sorted(gazetteer().names | default_rules().words()):
        reference.add_word(word)
    text = "".join(normalize(p.read_text(encoding="utf-8"))[0] for p in sorted(seeds_dir.glob("*.txt")))
    ours = {t.idx for t in nlp.make_doc(text)}
    theirs = set(itertools.accumulate([0] + [len(w) for w in reference.lcut(text, HMM=True)]))
    assert len(ours ^ theirs) / len(ours | theirs) < 0.005


def test_segment_knows_dictionary_words_but_not_coined_trade_names(nlp):
    assert nlp.tokenizer.knows("有限公司") and nlp.tokenizer.knows("交口县")
    assert not nlp.tokenizer.knows("榆钱沟光电")
