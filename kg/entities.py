"""spaCy components that find entity candidates and choose the entities of a document.

``kg_places``          divisions from the gazetteer  -> doc.spans["kg_candidates"]
``kg_entity_rules``    rules of kg/rules/entities.toml -> doc.spans["kg_candidates"]
``kg_entity_select``   candidates -> doc.spans["kg_entities"] and doc.ents
``kg_project_owners``  the developer opening a project's name -> doc.spans["kg_entities"]

Candidates overlap freely; selection keeps the longest (by characters, not tokens: jieba
cuts a long name into few tokens) and, at equal length, the rule of higher priority.
A county, prefecture or province inside a longer entity (交口县 in 交口县天麟农业发展有限公司)
is not a mention of its own (annotation guide §1) but stays in the candidates as evidence
for ``locatedIn``. What a rule knows beyond a Span (exact offsets, aliases, priority) is kept
in ``doc.user_data`` under ``kg_candidate_info``.
"""

from __future__ import annotations

import sys
import unicodedata
from bisect import bisect_left, bisect_right
from collections.abc import Callable
from dataclasses import dataclass
from itertools import accumulate

from spacy.language import Language
from spacy.tokens import Doc, Span

from kg.place_mentions import PlaceFinder
from kg.places import gazetteer
from kg.rules import RuleSet, default_rules, load_rules
from kg.segment import TEXT, WORD_ENDS
from kg.types import DIVISION_CLASSES, Mention, Sentence

# A sentence ends at 。！？ (with any closing quote) and at a paragraph break.
SENTENCE_ENDS = frozenset(["。", "！", "？", "!", "?", "\n"])
CANDIDATES = "kg_candidates"
ENTITIES = "kg_entities"
INFO = "kg_candidate_info"  # doc.user_data key: what a rule knows of a candidate beyond its Span


@dataclass(frozen=True)
class CandidateInfo:
    chars: tuple[int, int]  # exact offsets; the Span may have widened to whole tokens
    aliases: tuple[str, ...] = ()  # other forms a rule derived (list item + shared head)
    priority: int = 0
    score: float = 0.0  # the learned scorer's probability that it is a name (kg.scorer)


def _key(span: Span) -> tuple:
    # Span extensions are keyed by offsets alone, so an enterprise and a project over the same
    # characters would share them; this key tells them apart.
    return (span.start_char, span.end_char, span.label_, span.id_)


def _info(span: Span) -> CandidateInfo:
    return span.doc.user_data.get(INFO, {}).get(_key(span)) or CandidateInfo((span.start_char, span.end_char))


def text_of(doc: Doc) -> str:
    """The Doc's text, kept by our tokenizer (Doc.text rebuilds it from every token)."""
    return doc.user_data.get(TEXT) or doc.text


def _boundaries(doc: Doc) -> tuple[set[int], set[int]]:
    """Offsets where the segmenter's words start and end (from the tokenizer: no token walk)."""
    ends = doc.user_data.get(WORD_ENDS) or [t.idx + len(t.text) for t in doc]
    return {0, *ends[:-1]}, set(ends)


def _span(
    doc: Doc, start: int, end: int, label: str, rule: str, kb_id: str = "", aliases=(), priority: int = 0
) -> Span | None:
    span = doc.char_span(start, end, label=label, kb_id=kb_id, span_id=rule, alignment_mode="expand")
    # "expand" widens a span to whole tokens; the name keeps its own characters (matching is
    # on characters, and jieba may have glued a name to the word before it).
    if span is not None:
        doc.user_data.setdefault(INFO, {})[_key(span)] = CandidateInfo((start, end), tuple(aliases), priority)
    return span


class PlaceComponent:
    def __init__(self, finder: PlaceFinder):
        self.finder = finder

    def __call__(self, doc: Doc) -> Doc:
        starts, ends = _boundaries(doc)
        spans = list(doc.spans.get(CANDIDATES, []))
        for mention in self.finder.find(text_of(doc), starts, ends):
            division = mention.division
            span = _span(doc, mention.start, mention.end, division.level, mention.rule, division.key, priority=3)
            if span is not None:
                spans.append(span)
        doc.spans[CANDIDATES] = spans
        return doc


class RuleComponent:
    def __init__(self, rules: RuleSet):
        self.rules = rules

    def __call__(self, doc: Doc) -> Doc:
        spans = list(doc.spans.get(CANDIDATES, []))
        for candidate in self.rules.find(text_of(doc)):
            span = _span(
                doc, candidate.start, candidate.end, candidate.label, candidate.rule,
                aliases=candidate.aliases, priority=candidate.priority,
            )
            if span is not None:
                spans.append(span)
        doc.spans[CANDIDATES] = spans
        return doc


@Language.factory("kg_places", assigns=["doc.spans"])
def make_places(nlp: Language, name: str):
    from kg.rules import RULES_DIR, read_lexicon

    # A short place name followed by a feature (吕梁山) or an institution (上海实验小学) names
    # the mountain or the school, not the division.
    lexicon = RULES_DIR / "lexicon"
    blockers = read_lexicon(lexicon / "geo_features.txt") | read_lexicon(lexicon / "institution_words.txt")
    return PlaceComponent(PlaceFinder(gazetteer(), blockers))


@Language.factory("kg_entity_rules", assigns=["doc.spans"], default_config={"rules": None})
def make_entity_rules(nlp: Language, name: str, rules: str | None):
    return RuleComponent(load_rules(rules) if rules else default_rules())


def _chars(span: Span) -> tuple[int, int]:
    return _info(span).chars


def _inside(inner: tuple[int, int], outer: tuple[int, int]) -> bool:
    return outer[0] <= inner[0] and inner[1] <= outer[1]


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _may_nest(inner: Span, outer: Span) -> bool:
    """Whether an entity inside the name of another is an entity of the document too.

    An enterprise inside a project's name is (山西某厂10万吨铸造项目 names both), and so is a
    township (温泉乡养老服务中心, 康城养老服务中心): the gold lists the township as a place of
    the document. A village inside a project's name (某村移民搬迁) is the project's site:
    evidence for locatedIn only, like a county, prefecture or province (annotation guide §1).
    """
    return outer.label_ == "Project" and inner.label_ in ("Enterprise", "Township")


@Language.component("kg_entity_select", requires=["doc.spans"], assigns=["doc.spans", "doc.ents"])
def select_entities(doc: Doc) -> Doc:
    """Choose the entities of a document from overlapping candidates.

    Within a class group, the candidate the learned scorer finds most probable wins (where it
    ran: ``kg.scorer``), then the longest (by characters), then the rule of higher priority. What may stand inside another entity's name is decided by ``_may_nest``; a
    division inside a name is kept as evidence for locatedIn either way. All chosen entities go to
    ``doc.spans["kg_entities"]``; ``doc.ents`` keeps the outermost, which never overlap.
    """
    spans = list(doc.spans.get(CANDIDATES, []))  # one list: a SpanGroup makes new Span objects per read
    chars = {id(span): _chars(span) for span in spans}
    infos = {id(span): _info(span) for span in spans}
    candidates = sorted(
        spans,
        key=lambda s: (-infos[id(s)].score, -(chars[id(s)][1] - chars[id(s)][0]), -infos[id(s)].priority,
                       chars[id(s)][0], s.label_),
    )
    chosen: list[Span] = []
    starts: list[int] = []  # of ``placed``, sorted: only spans near a candidate can overlap it
    placed: list[Span] = []
    longest = 0
    for group in (("Project", "Program"), ("Enterprise",), DIVISION_CLASSES):
        for span in (c for c in candidates if c.label_ in group):
            here = chars[id(span)]
            clash = False
            for k in range(bisect_left(starts, here[0] - longest), bisect_left(starts, here[1])):
                other = placed[k]
                there = chars[id(other)]
                if not _overlap(here, there):
                    continue
                if other.label_ in group or not (_inside(here, there) and _may_nest(span, other)):
                    clash = True
                    break
            if not clash:
                chosen.append(span)
                k = bisect_left(starts, here[0])
                starts.insert(k, here[0])
                placed.insert(k, span)
                longest = max(longest, here[1] - here[0])
    chosen.sort(key=lambda s: chars[id(s)])
    doc.spans[ENTITIES] = chosen
    outermost: list[Span] = []
    for span in sorted(chosen, key=lambda s: (s.start, -(s.end - s.start))):
        if not outermost or span.start >= outermost[-1].end:
            outermost.append(span)
    doc.ents = outermost
    return doc


class ProjectOwners:
    """Name the enterprise that opens a project's name with a word no dictionary knows.

    新天源β内酰胺生产线, 华鑫焦化技改项目: a project's name often starts with its developer's
    trade name, and a trade name is a coined word, unknown to the segmenter's dictionary (which
    holds the language's words, the divisions and our vocabularies). The first word of such a
    project is taken as an enterprise when it is such an unknown word of two or three
    characters, the name goes on past it with more than the head noun, and a capacity does not
    follow it directly (旺庄4万吨…, 康城10兆瓦…: places open those names). Unknown words that
    end like a place name (曹家崖, 磁窑河) and the first word of a route named after its ends
    (呼北高速) are places, not developers. A division just before the unknown word belongs to
    the name (吕梁 + 杭氧).
    """

    def __init__(self, knows: Callable[[str], bool], lexicons: dict[str, frozenset[str]]):
        self.knows = knows
        self.generic = lexicons["generic"]
        self.place_endings = tuple(lexicons["toponym_endings"])  # 曹家崖, 磁窑河: places
        self.routes = tuple(lexicons["routes"])  # 呼北高速: named after its ends

    def _unknown(self, word: str) -> bool:
        return (
            2 <= len(word) <= 3
            and all("\u4e00" <= c <= "\u9fff" for c in word)
            and not self.knows(word)
            and word not in self.generic
            and not word.endswith(self.place_endings)
        )

    def __call__(self, doc: Doc) -> Doc:
        chosen = list(doc.spans.get(ENTITIES, []))
        places = {_chars(s) for s in chosen + list(doc.spans.get(CANDIDATES, [])) if s.label_ in DIVISION_CLASSES}
        place_chars = {i for start, end in places for i in range(start, end)}
        taken = {_chars(s) for s in chosen if s.label_ == "Enterprise"}
        text = text_of(doc)
        for project in [s for s in chosen if s.label_ == "Project"]:
            start, end = _chars(project)
            if any(route in text[start:end] for route in self.routes):
                continue
            tokens = [t for t in doc[project.start : project.end] if start <= t.idx and t.idx + len(t) <= end]
            first = 0
            if tokens and (tokens[0].idx, tokens[0].idx + len(tokens[0])) in places:
                first = 1  # a place before the trade name stays with it
            # A capacity right after the first word marks a place (旺庄4万吨…), unless a
            # division already opened the name (吕梁 + 杭氧 + 50000立方…).
            capacity_next = tokens[first + 1].like_num if len(tokens) > first + 1 else False
            if len(tokens) < first + 3 or not self._unknown(tokens[first].text) or (capacity_next and not first):
                continue
            if tokens[first].idx in place_chars:
                continue
            owner = (tokens[0].idx, tokens[first].idx + len(tokens[first]))
            if any(_overlap(owner, t) for t in taken):
                continue
            span = _span(doc, *owner, "Enterprise", "enterprise.project_owner")
            if span is not None:
                chosen.append(span)
                taken.add(owner)
        doc.spans[ENTITIES] = sorted(chosen, key=_chars)
        return doc


@Language.factory("kg_project_owners", requires=["doc.spans"], assigns=["doc.spans"])
def make_project_owners(nlp: Language, name: str):
    return ProjectOwners(nlp.tokenizer.knows, default_rules().lexicons)


def sentences_of(doc: Doc) -> tuple[Sentence, ...]:
    """The sentences: a sentence ends after a word of SENTENCE_ENDS and the closing quotes
    and brackets that follow it. spaCy's sentencizer's rule, read from the word boundaries
    the tokenizer kept rather than from a walk over the tokens, except that an opening
    bracket or quote starts the next sentence (spaCy glued “（” after a full stop to the
    sentence before it)."""
    text = text_of(doc)
    ends = doc.user_data.get(WORD_ENDS) or [t.idx + len(t.text) for t in doc]
    starts, seen_end, start = [0], False, 0
    for end in ends:
        word = text[start:end]
        if seen_end and word not in SENTENCE_ENDS and not _closes(word):
            starts.append(start)
            seen_end = False
        elif word in SENTENCE_ENDS:
            seen_end = True
        start = end
    bounds = zip(starts, [*starts[1:], len(text)])
    return tuple(Sentence(a, b, text[a:b].strip()) for a, b in bounds if text[a:b].strip())


def _closes(word: str) -> bool:
    """Punctuation that belongs to the sentence before it: closing quotes and brackets,
    further stops (“。”」）…), not an opening quote or bracket."""
    return all(unicodedata.category(c) in ("Pe", "Pf", "Po") for c in word)


def mentions_from_doc(
    doc: Doc, doc_id: str
) -> tuple[tuple[Sentence, ...], tuple[Mention, ...], tuple[Mention, ...]]:
    """Leave spaCy: the sentences, the chosen mentions and the nested division candidates.

    Returns:
        ``(sentences, mentions, nested)``: ``nested`` are the divisions found inside
        another entity's name, kept as evidence for ``locatedIn``.
    """
    sentences = sentences_of(doc)
    starts = [s.start for s in sentences]

    def sentence_index(offset: int) -> int:
        return max(bisect_right(starts, offset) - 1, 0)

    text = text_of(doc)

    def to_mention(span: Span) -> Mention:
        start, end = _chars(span)
        # spaCy returns a new string for each span's label and rule: one shared copy each
        # (a corpus has a few dozen of them and a million mentions, kept until resolution).
        return Mention(
            doc_id=doc_id,
            text=text[start:end],
            label=sys.intern(span.label_),
            start=start,
            end=end,
            sentence=sentence_index(start),
            rule=sys.intern(span.id_),
            key=span.kb_id_,
            aliases=_info(span).aliases,
        )

    chosen = list(doc.spans.get(ENTITIES, doc.ents))
    mentions = tuple(to_mention(s) for s in chosen)
    # A division is nested when some other entity starts at or before it and ends at or after
    # it: the furthest end among the entities starting up to its start tells.
    others = sorted(_chars(e) for e in chosen if e.label_ not in DIVISION_CLASSES)
    other_starts = [start for start, _ in others]
    furthest = list(accumulate((end for _, end in others), max))

    def is_nested(span: Span) -> bool:
        start, end = _chars(span)
        i = bisect_right(other_starts, start) - 1
        return i >= 0 and furthest[i] >= end

    nested = tuple(
        to_mention(c) for c in doc.spans.get(CANDIDATES, []) if c.label_ in DIVISION_CLASSES and is_nested(c)
    )
    return sentences, mentions, nested
