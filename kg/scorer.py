"""A learned judge of the rules' candidates: which are names, and where a name starts and ends.

The rules propose candidates generously; many are not names (这一项目, 县政府对项目) or run
on through a clause (富地柳林燃气有限公司还可通过柳林煤气化公司). This component gives every
enterprise, project and programme candidate, and the shorter variants of it that start or
end at another word boundary, a probability of being a name of its class, from features of
the span and the words around it (:func:`features`), with a logistic model trained on the
annotated corpus (``kg train``). Candidates below the model's threshold are dropped;
``kg_entity_select`` then prefers the most probable of overlapping candidates.

The model is a JSON file of feature weights (``kg/models/entities.json``): small, readable,
loaded without pickle, and part of the extraction cache's key.
"""

from __future__ import annotations

import json
import math
import re
from itertools import accumulate, repeat
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

from ahocorasick_rs import AhoCorasick
from spacy.language import Language
from spacy.tokens import Doc, Span

from kg.segment import WORD_ENDS, WORD_TAGS
from kg.types import DIVISION_CLASSES

MODELS = Path(__file__).resolve().parent / "models"
ENTITY_MODEL = MODELS / "entities.json"
JUDGED = ("Enterprise", "Project", "Program")
VARIANT = "~"  # a variant's rule id is its candidate's rule id with this and how it was cut
_MAX_LEFT_CUTS = 6  # variants that start at a later word: up to this many words in
_QUOTES_OPEN, _QUOTES_CLOSE = "“「《‘\"『", "”」》’\"』"
_DIGIT = re.compile(r"\d")


@dataclass
class LinearModel:
    """A logistic model over named binary features."""

    weights: dict[str, float]
    bias: float = 0.0
    threshold: float = 0.5
    about: dict = field(default_factory=dict)  # what it was trained on, how, and its figures

    def weight(self, names: list[str]) -> float:
        """The summed weights of the features ``names``."""
        return sum(map(self.weights.get, names, repeat(0.0)))

    def probability(self, names: list[str], extra: float = 0.0) -> float:
        """The probability of the positive class given the features ``names`` (and ``extra``,
        a sum of weights already looked up)."""
        z = self.bias + extra + self.weight(names)
        return 1.0 / (1.0 + math.exp(-max(min(z, 30.0), -30.0)))

    @classmethod
    def load(cls, path: Path) -> LinearModel:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        return cls(data["weights"], data["bias"], data["threshold"], data.get("about", {}))

    def dumps(self) -> str:
        data = {"about": self.about, "bias": self.bias, "threshold": self.threshold,
                "weights": dict(sorted(self.weights.items()))}
        return json.dumps(data, ensure_ascii=False, indent=0) + "\n"


@dataclass(frozen=True)
class Words:
    """Where the segmenter's words end in a text, for reading the words around a span; where
    divisions are named in it; which words the dictionary knows (a coined trade name it does not)."""

    text: str
    ends: list[int]
    place_starts: frozenset[int] = frozenset()
    place_ends: frozenset[int] = frozenset()
    knows: Callable[[str], bool] = lambda word: True
    tags: list[str] = field(default_factory=list)  # each word's part of speech
    counts: dict[str, int] = field(default_factory=dict)  # of names, as counted by ``recurs``

    def tag(self, i: int) -> str:
        return self.tags[i] or "-" if 0 <= i < len(self.tags) else "<none>"

    def recurs(self, name: str) -> int:
        """How often ``name`` occurs in the text, counted up to 3 (``count`` counts many names
        in one pass)."""
        if name not in self.counts:
            self.count([name])
        return self.counts[name]

    def count(self, names: Iterable[str]) -> None:
        """Count where each of ``names`` occurs, in one pass over the text (Aho-Corasick):
        counting them one by one would read a long article once per name."""
        names = sorted({n for n in names if n and n not in self.counts})
        if not names:
            return
        found = Counter(i for i, _, _ in AhoCorasick(names).find_matches_as_indexes(self.text, overlapping=True))
        self.counts.update((name, min(found[i], 3)) for i, name in enumerate(names))

    def index(self, offset: int) -> int:
        """The index of the word that holds the character at ``offset``."""
        return bisect_right(self.ends, offset)

    def word(self, i: int) -> str:
        if i < 0 or i >= len(self.ends):
            return "<none>"
        return self.text[(self.ends[i - 1] if i else 0) : self.ends[i]]

    def is_start(self, offset: int) -> bool:
        return offset == 0 or (i := bisect_left(self.ends, offset)) < len(self.ends) and self.ends[i] == offset

    def is_end(self, offset: int) -> bool:
        i = bisect_left(self.ends, offset)
        return i < len(self.ends) and self.ends[i] == offset


def pair_feature(label: str, pair: str) -> str:
    return f"pair={label}:{pair}"


def features(words: Words, start: int, end: int, label: str, rule: str, *, pairs: bool = True) -> list[str]:
    """What the model sees of a candidate: how it starts (``start_features``), how it ends
    (``end_features``), and the span itself (``span_features``): its inner character pairs
    among them, left out with ``pairs=False`` (``CandidateScorer`` adds their weights from
    running sums)."""
    found = [*span_features(words, start, end, label, rule), *start_features(words, start, label),
             *end_features(words, end, label)]
    if pairs:
        name = words.text[start:end]
        found += [pair_feature(label, name[i : i + 2]) for i in range(len(name) - 1)]
    return found


def start_features(words: Words, start: int, c: str) -> list[str]:
    """Its first characters, word and part of speech, and the two words (and characters)
    before it; whether a division opens it or ends just before; whether the dictionary knows
    its first word (a coined trade name it does not). Shared by every span from ``start``."""
    text, first = words.text, words.index(start)
    before, at_word = text[max(0, start - 2) : start], words.is_start(start)
    return [
        f"first1={c}:{text[start:start + 1]}", f"first2={c}:{text[start:start + 2]}",
        f"before1={c}:{before[-1:]}", f"before2={c}:{before}",
        f"word_before={c}:{words.word(first - 1) if at_word else '<inside>'}",
        f"word_before2={c}:{words.word(first - 2) if at_word else '<inside>'}",
        f"tag_before={c}:{words.tag(first - 1) if at_word else '<inside>'}",
        f"first_word={c}:{words.word(first)}", f"tag_first={c}:{words.tag(first)}",
        f"first_known={c}:{words.knows(words.word(first))}",
        f"opens_with_place={c}:{start in words.place_starts}", f"place_before={c}:{start in words.place_ends}",
    ]


def end_features(words: Words, end: int, c: str) -> list[str]:
    """Its last characters, word and part of speech, and the word (and characters) after it."""
    text, last = words.text, words.index(end - 1)
    after = text[end : end + 2]
    return [
        f"last1={c}:{text[end - 1:end]}", f"last2={c}:{text[max(0, end - 2):end]}", f"last3={c}:{text[max(0, end - 3):end]}",
        f"after1={c}:{after[:1]}", f"after2={c}:{after}",
        f"word_after={c}:{words.word(last + 1) if words.is_end(end) else '<inside>'}",
        f"tag_after={c}:{words.tag(last + 1) if words.is_end(end) else '<inside>'}",
        f"last_word={c}:{words.word(last)}", f"tag_last={c}:{words.tag(last)}",
    ]


def span_features(words: Words, start: int, end: int, c: str, rule: str) -> list[str]:
    """Its class and rule, its length in characters and words, its parts of speech, how often
    it recurs in the text, digits, list marks and function words inside, quotes around."""
    text, name = words.text, words.text[start:end]
    base, _, cut = rule.partition(VARIANT)
    first, last = words.index(start), words.index(end - 1)
    found = [
        f"class={c}", f"rule={base}", f"cut={c}:{cut or '-'}", f"len={c}:{min(len(name), 24) // 3}",
        f"words={c}:{min(last - first + 1, 8)}",
        f"tags={c}:{'+'.join(words.tag(i) for i in range(first, last + 1)) if last - first < 4 else 'long'}",
        f"recurs={c}:{words.recurs(name)}",
    ]
    if _DIGIT.search(name):
        found.append(f"digit={c}")
    found += [f"has={c}:{mark}" for mark in "、，与和及的对在将是" if mark in name]
    if start and text[start - 1] in _QUOTES_OPEN and end < len(text) and text[end] in _QUOTES_CLOSE:
        found.append(f"quoted={c}")
    return found


def variants(words: Words, start: int, end: int) -> list[tuple[int, int, str]]:
    """Shorter spans a candidate may really be: starting at one of its next few words (民营企业
    山西鹏飞集团 -> 山西鹏飞集团), or ending where its last word ends earlier in it too
    (甲公司还可通过乙公司 -> 甲公司), and both."""
    name = words.text[start:end]
    last = words.word(words.index(end - 1))
    ends = [end]
    if 1 <= len(last) < len(name) and words.is_end(end):
        ends += [start + i + len(last) for i in _occurrences(name[: -len(last)], last)
                 if words.is_end(start + i + len(last)) and i + len(last) >= 4]
    first = words.index(start)
    starts = [start] + [words.ends[i] for i in range(first, min(first + _MAX_LEFT_CUTS, len(words.ends)))
                        if start < words.ends[i] < end - 3]
    return [(s, e, ("L" if s > start else "") + ("R" if e < end else ""))
            for s, e in ((s, e) for s in starts for e in ends) if (s, e) != (start, end) and e - s >= 4]


def _occurrences(text: str, word: str) -> list[int]:
    return [m.start() for m in re.finditer(re.escape(word), text)]


# A proposed name never runs across these: clause and sentence punctuation, list commas.
_STOPS = frozenset("。！？；，、：:;,!?\n")
_PROPOSAL_WINDOW = 26  # characters before a head word where a proposed name may start
_QUOTED = re.compile(r"[“「]([^“”「」。！？；，\n]{2,20})[”」]")


class Proposer:
    """Names the rules may have missed: every span that ends with a head word of a class (a
    company form, a project's or a programme's head noun) and starts at one of the words
    before it, within the clause; and every quoted phrase, as a programme. The model judges
    them like the rules' candidates."""

    def __init__(self, heads: dict[str, frozenset[str]], generic: frozenset[str] = frozenset()):
        self.generic = generic  # last words that name no one: 重点项目, 重大项目
        by_word: dict[str, set[str]] = {}
        for label, words in heads.items():
            for word in words:
                by_word.setdefault(word, set()).add(label)
        self.labels = {w: tuple(sorted(ls)) for w, ls in by_word.items()}
        self.pattern = re.compile("|".join(map(re.escape, sorted(by_word, key=len, reverse=True))))

    def __call__(self, words: Words) -> list[tuple[int, int, str]]:
        text = words.text
        # A quoted phrase is often a programme's name (“四个一”, “一码清”), as often a slogan.
        found = [(m.start(1), m.end(1), "Program") for m in _QUOTED.finditer(text)]
        for match in self.pattern.finditer(text):
            end = match.end()
            if not words.is_end(end) or words.word(words.index(end - 1)) in self.generic:
                continue
            first = words.index(max(0, end - _PROPOSAL_WINDOW))
            for i in range(words.index(match.start()) - 1, first - 1, -1):
                start = words.ends[i - 1] if i else 0
                if any(c in _STOPS for c in text[start:end]):
                    break
                if end - start >= 4:
                    found += [(start, end, label) for label in self.labels[match.group()]]
        return found


@dataclass(frozen=True)
class Judged:
    """A span the model judges: a rule's candidate, a variant of one, or a proposal."""

    start: int
    end: int
    label: str
    rule: str
    aliases: tuple[str, ...] = ()
    priority: int = 0
    span: Span | None = None  # the rule's candidate itself


def judged_spans(doc: Doc, words: Words, proposer: Proposer) -> list[Judged]:
    """Every span the model judges in ``doc``, each (start, end, class) once: the rules'
    candidates of the judged classes first, then their variants, then the proposals."""
    from kg.entities import CANDIDATES, _info

    found: dict[tuple[int, int, str], Judged] = {}
    later: list[Judged] = []
    for span in doc.spans.get(CANDIDATES, []):
        if span.label_ not in JUDGED:
            continue
        info = _info(span)
        start, end = info.chars
        found.setdefault((start, end, span.label_), Judged(start, end, span.label_, span.id_, info.aliases, info.priority, span))
        later += [Judged(s, e, span.label_, f"{span.id_}{VARIANT}{cut}", (), info.priority) for s, e, cut in variants(words, start, end)]
    later += [Judged(s, e, label, "proposal") for s, e, label in proposer(words)]
    for judged in later:
        found.setdefault((judged.start, judged.end, judged.label), judged)
    return list(found.values())


def to_judge(doc: Doc, knows: Callable[[str], bool], proposer: Proposer) -> tuple[Words, list[Judged]]:
    """The words of ``doc`` and the spans to judge in it (``judged_spans``), the spans' names
    counted in the text at once (``Words.count``); ``knows``: the tokenizer's dictionary."""
    words = words_of(doc, knows)
    judged = judged_spans(doc, words, proposer)
    words.count(words.text[j.start : j.end] for j in judged)
    return words, judged


def words_of(doc: Doc, knows: Callable[[str], bool]) -> Words:
    """The Words of a Doc the tokenizer and the place finder have been over; ``knows``: the
    tokenizer's dictionary."""
    from kg.entities import CANDIDATES, _info, text_of

    places = [_info(s).chars for s in doc.spans.get(CANDIDATES, []) if s.label_ in DIVISION_CLASSES]
    return Words(text_of(doc), doc.user_data.get(WORD_ENDS) or [t.idx + len(t) for t in doc],
                 frozenset(a for a, _ in places), frozenset(b for _, b in places), knows,
                 doc.user_data.get(WORD_TAGS, []))


def make_proposer() -> Proposer:
    from kg.rules import RULES_DIR, default_rules, read_lexicon

    # The rules' head words, and the broader endings of kg/rules/lexicon/*_endings.txt: those
    # are the scorer's own vocabulary, kept out of the segmenter's dictionary.
    # The programme heads the rules use only after a quoted name (管理, 服务, 品牌, 建设) end
    # far more phrases than names anywhere else: no proposals end with them.
    lexicons, folder = default_rules().lexicons, RULES_DIR / "lexicon"
    return Proposer({
        "Enterprise": lexicons["company_suffix"] | read_lexicon(folder / "enterprise_endings.txt"),
        "Project": lexicons["project_head"] | read_lexicon(folder / "project_endings.txt"),
        "Program": (lexicons["program_head"] - {"管理", "服务", "品牌", "建设"}) | read_lexicon(folder / "program_endings.txt"),
    }, generic=read_lexicon(folder / "generic_heads.txt"))


class CandidateScorer:
    """The pipeline component: every judged span scored, the improbable dropped, the rest
    kept as candidates with their probability for ``kg_entity_select``."""

    def __init__(self, model: LinearModel | None, proposer: Proposer | None, knows: Callable[[str], bool]):
        self.model = model
        self.proposer = proposer
        self.knows = knows
        # the weight of each inner character pair, by class
        self.pair_weights: dict[str, dict[str, float]] = {c: {} for c in JUDGED}
        for name, weight in (model.weights if model else {}).items():
            if name.startswith("pair="):
                c, _, pair = name[5:].partition(":")
                self.pair_weights.setdefault(c, {})[pair] = weight

    def __call__(self, doc: Doc) -> Doc:
        if self.model is None:
            return doc
        from kg.entities import CANDIDATES, INFO, _info, _key, _span

        words, judged_here = to_judge(doc, self.knows, self.proposer)
        kept = [span for span in doc.spans.get(CANDIDATES, []) if span.label_ not in JUDGED]
        # The inner character pairs are most of a long span's features: their weights summed
        # once along the text, per class, give any span's share by one subtraction.
        # Many spans share a start or an end (the proposals from one head word): the weights of
        # what a start or an end shows are summed once for each.
        text, model = words.text, self.model
        chars = [text[i : i + 2] for i in range(len(text) - 1)]
        pairs = {c: [0.0, *accumulate(map(self.pair_weights[c].get, chars, repeat(0.0)))] for c in JUDGED}
        starts: dict[tuple[int, str], float] = {}
        ends: dict[tuple[int, str], float] = {}
        for judged in judged_here:
            s, e, c = judged.start, judged.end, judged.label
            if (s, c) not in starts:
                starts[(s, c)] = model.weight(start_features(words, s, c))
            if (e, c) not in ends:
                ends[(e, c)] = model.weight(end_features(words, e, c))
            shared = starts[(s, c)] + ends[(e, c)] + pairs[c][e - 1] - pairs[c][s]
            p = model.probability(span_features(words, s, e, c, judged.rule), shared)
            if p < self.model.threshold:
                continue
            span = judged.span or _span(doc, judged.start, judged.end, judged.label, judged.rule,
                                        aliases=judged.aliases, priority=judged.priority)
            if span is not None:
                doc.user_data[INFO][_key(span)] = replace(_info(span), score=p)
                kept.append(span)
        doc.spans[CANDIDATES] = kept
        return doc


def load_model(model: str | None, shipped: Path) -> LinearModel | None:
    """The model a pipeline is configured with: ``model``, a weights file; None, the ``shipped``
    one where there is one; "none", no model (the rules alone).

    Raises:
        KgError: the file ``model`` names does not exist.
    """
    if model == "none" or (model is None and not shipped.is_file()):
        return None
    path = Path(model or shipped)
    if not path.is_file():
        from kg.errors import KgError

        raise KgError(f"{path}: no such model file")
    return LinearModel.load(path)


@Language.factory("kg_candidate_scorer", requires=["doc.spans"], assigns=["doc.spans"], default_config={"model": None})
def make_candidate_scorer(nlp: Language, name: str, model: str | None):
    """``model``: see ``load_model``."""
    loaded = load_model(model, ENTITY_MODEL)
    return CandidateScorer(loaded, make_proposer() if loaded else None, nlp.tokenizer.knows)
