"""Word segmentation: a spaCy tokenizer that owns its own jieba dictionary.

The tokenizer keeps a private ``jieba.Tokenizer`` so that the words we add (division names,
company suffixes, project head nouns) never leak into jieba's global dictionary, and two
pipelines in one process cannot disturb each other. Tokens cover the text exactly
(whitespace included), so ``doc.text`` equals the input and character offsets agree.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

import jieba
from spacy.tokens import Doc
from spacy.util import registry
from spacy.vocab import Vocab

jieba.setLogLevel(logging.WARNING)
TEXT = "kg_text"  # doc.user_data key: the text the Doc was made from


class JiebaTokenizer:
    """Segment Chinese text with jieba (precise mode, HMM on for unknown words)."""

    def __init__(self, vocab: Vocab, words: Iterable[str] = ()):
        self.vocab = vocab
        self.jieba = jieba.Tokenizer()
        self.jieba.initialize()
        for word in sorted(set(words)):
            self.jieba.add_word(word)

    def __call__(self, text: str) -> Doc:
        words = [word for word, _, _ in self.jieba.tokenize(text, HMM=True)]
        doc = Doc(self.vocab, words=words, spaces=[False] * len(words))
        # Doc.text joins every token each time it is read; the components read it from here.
        doc.user_data[TEXT] = text
        return doc


@registry.tokenizers("kg.jieba_tokenizer.v1")
def create_jieba_tokenizer(words: list[str] | None = None):
    """Registered factory, so a pipeline config can name the tokenizer."""

    def make(nlp):
        return JiebaTokenizer(nlp.vocab, words or ())

    return make
