"""spaCy components that find entity candidates and choose the entities of a document.

``kg_places``        divisions from the gazetteer  -> doc.spans["kg_candidates"]
``kg_entity_rules``  rules of kg/rules/entities.toml -> doc.spans["kg_candidates"]
``kg_entity_select`` candidates -> doc.ents (one reading per stretch of text)

Candidates overlap freely; selection keeps the longest (by characters, not tokens: jieba
cuts a long name into few tokens) and, at equal length, the rule of higher priority.
A division inside a longer entity (交口县 in 交口县天麟农业发展有限公司) is not a mention of
its own (annotation guide §1) but stays in the candidates as evidence for ``locatedIn``.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc, Span

from kg.place_mentions import PlaceFinder
from kg.places import gazetteer
from kg.rules import RuleSet, default_rules, load_rules
from kg.types import DIVISION_CLASSES, Mention, Sentence

CANDIDATES = "kg_candidates"
if not Span.has_extension("kg_aliases"):
    Span.set_extension("kg_aliases", default=())  # other surface forms a rule derived (list items + head)
if not Span.has_extension("kg_priority"):
    Span.set_extension("kg_priority", default=0)


def _boundaries(doc: Doc) -> tuple[set[int], set[int]]:
    return {t.idx for t in doc}, {t.idx + len(t.text) for t in doc}


def _span(doc: Doc, start: int, end: int, label: str, rule: str, kb_id: str = "") -> Span | None:
    span = doc.char_span(start, end, label=label, kb_id=kb_id, span_id=rule, alignment_mode="expand")
    # "expand" may widen a span to whole tokens; a name cut mid-token keeps its own characters
    # in Mention offsets (see mentions_from_doc), the Span only anchors it in the Doc.
    return span


class PlaceComponent:
    def __init__(self, finder: PlaceFinder):
        self.finder = finder

    def __call__(self, doc: Doc) -> Doc:
        starts, ends = _boundaries(doc)
        spans = list(doc.spans.get(CANDIDATES, []))
        for mention in self.finder.find(doc.text, starts, ends):
            division = mention.division
            span = _span(doc, mention.start, mention.end, division.level, mention.rule, division.key)
            if span is not None:
                span._.kg_priority = 3
                spans.append(span)
        doc.spans[CANDIDATES] = spans
        return doc


class RuleComponent:
    def __init__(self, rules: RuleSet):
        self.rules = rules

    def __call__(self, doc: Doc) -> Doc:
        spans = list(doc.spans.get(CANDIDATES, []))
        for candidate in self.rules.find(doc.text):
            span = _span(doc, candidate.start, candidate.end, candidate.label, candidate.rule)
            if span is not None:
                span._.kg_aliases = candidate.aliases
                span._.kg_priority = candidate.priority
                spans.append(span)
        doc.spans[CANDIDATES] = spans
        return doc


@Language.factory("kg_places", assigns=["doc.spans"])
def make_places(nlp: Language, name: str):
    from kg.rules import RULES_DIR, _read_lexicon

    return PlaceComponent(PlaceFinder(gazetteer(), _read_lexicon(RULES_DIR / "lexicon" / "geo_features.txt")))


@Language.factory("kg_entity_rules", assigns=["doc.spans"], default_config={"rules": None})
def make_entity_rules(nlp: Language, name: str, rules: str | None):
    return RuleComponent(load_rules(rules) if rules else default_rules())


@Language.component("kg_entity_select", requires=["doc.spans"], assigns=["doc.ents"])
def select_entities(doc: Doc) -> Doc:
    """Keep, for each stretch of text, the longest candidate; drop divisions inside entities."""
    candidates = sorted(
        doc.spans.get(CANDIDATES, []),
        key=lambda s: (-(s.end_char - s.start_char), -s._.kg_priority, s.start_char, s.label_),
    )
    chosen: list[Span] = []
    taken: set[int] = set()
    for span in candidates:
        tokens = set(range(span.start, span.end))
        if tokens & taken:
            continue
        chosen.append(span)
        taken |= tokens
    doc.ents = sorted(chosen, key=lambda s: s.start)
    return doc


def sentences_of(doc: Doc) -> tuple[Sentence, ...]:
    return tuple(
        Sentence(s.start_char, s.end_char, s.text.strip()) for s in doc.sents if s.text.strip()
    )


def mentions_from_doc(doc: Doc, doc_id: str) -> tuple[tuple[Sentence, ...], tuple[Mention, ...], tuple[Mention, ...]]:
    """Leave spaCy: the sentences, the chosen mentions and the nested division candidates.

    Returns:
        ``(sentences, mentions, nested)``: ``nested`` are the divisions found inside
        another entity's name, kept as evidence for ``locatedIn``.
    """
    sentences = sentences_of(doc)
    starts = [s.start for s in sentences]

    def sentence_index(offset: int) -> int:
        index = 0
        for i, start in enumerate(starts):
            if start <= offset:
                index = i
        return index

    def to_mention(span: Span) -> Mention:
        return Mention(
            doc_id=doc_id,
            text=span.text,
            label=span.label_,
            start=span.start_char,
            end=span.end_char,
            sentence=sentence_index(span.start_char),
            rule=span.id_,
            key=span.kb_id_,
            aliases=tuple(span._.kg_aliases),
        )

    mentions = tuple(to_mention(s) for s in doc.ents)
    ents = list(doc.ents)
    nested = tuple(
        to_mention(c)
        for c in doc.spans.get(CANDIDATES, [])
        if c.label_ in DIVISION_CLASSES
        and any(e.label_ not in DIVISION_CLASSES and e.start_char <= c.start_char and c.end_char <= e.end_char for e in ents)
    )
    return sentences, mentions, nested
