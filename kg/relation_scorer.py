"""Learned relations: which enterprise develops each project.

The cue rules (``kg.relations``) find a developer written inside a project's name or joined to
it by a few fixed words (由甲公司投资建设的乙项目). Texts say it in many more ways (与甲公司签约
乙项目, 甲公司总投资5亿元的乙项目, 乙项目由甲公司和丙公司合作建设). For every project and
enterprise of one sentence a logistic model (``kg train``) gives the probability that the
relation holds, from their order, the words between them, how many other mentions stand
between, and the cue rules' verdict as one more feature; the probable pairs are added to the
rules' (replacing the rules' did worse by cross-validation). ``PAIRS`` holds the relations
that have a model and how their candidate pairs are made.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from spacy.language import Language

from kg.scorer import MODELS, LinearModel, load_model
from kg.types import Mention, RelationMention

RELATION_MODELS = {"developedBy": MODELS / "developedBy.json"}
_GAP_WORDS_MAX = 30  # characters between the two ends read pair by pair
_BETWEEN_MAX = 12  # characters between the two ends read as one word


@dataclass(frozen=True)
class Pair:
    """A candidate relation between two mentions, and what the model sees of the two."""

    head: Mention
    tail: Mention
    features: tuple[str, ...]


def _between(text: str, a: Mention, b: Mention, others: list[Mention]) -> list[str]:
    """Where ``b`` stands from ``a`` (before, after, inside), how far, the words between."""
    if a.start <= b.start and b.end <= a.end:
        return ["inside=" + ("opening" if b.start == a.start else "within")]
    side = "before" if b.end <= a.start else "after"
    lo, hi = (b.end, a.start) if side == "before" else (a.end, b.start)
    gap = text[lo:hi]
    between = [m for m in others if lo <= m.start and m.end <= hi]
    found = [f"side={side}", f"gap={side}:{min(len(gap), 60) // 6}",
             f"same_class_between={side}:{min(sum(m.label == b.label for m in between), 2)}",
             f"other_between={side}:{min(sum(m.label == a.label for m in between), 2)}"]
    if len(gap) <= _BETWEEN_MAX:
        found.append(f"between={side}:{gap}")
    found += [f"between_pair={side}:{gap[i:i + 2]}" for i in range(min(len(gap), _GAP_WORDS_MAX) - 1)]
    if "，" in gap or "；" in gap:
        found.append(f"clause_between={side}")
    return found


def developer_pairs(mentions: tuple[Mention, ...], relations: tuple[RelationMention, ...], text: str) -> list[Pair]:
    """Every (project, enterprise) pair of one sentence, with what joins them: their order,
    the words between (由甲公司投资建设的乙项目, 乙项目由甲公司承建, 与甲公司签约乙项目), how many
    other enterprises and projects stand between, and the cue rules' verdict."""
    by_sentence: dict[int, list[Mention]] = defaultdict(list)
    for m in mentions:
        if m.label in ("Enterprise", "Project"):
            by_sentence[m.sentence].append(m)
    ruled = {(r.head.start, r.tail.start): r.rule for r in relations if r.type == "developedBy"}
    found = []
    for same in by_sentence.values():
        enterprises = [m for m in same if m.label == "Enterprise"]
        for p in (m for m in same if m.label == "Project"):
            nearest = min(enterprises, key=lambda e: abs(e.start - p.start), default=None)
            for e in enterprises:
                f = _between(text, p, e, same)
                if (p.start, e.start) in ruled:
                    f.append(f"rule={ruled[(p.start, e.start)]}")
                if e is nearest:
                    f.append("nearest")
                f.append(f"enterprise_end={e.text[-2:]}")
                found.append(Pair(p, e, tuple(f)))
    return found


# The relations that have a model, and how the candidate pairs of each are made.
PAIRS: dict[str, Callable[..., list[Pair]]] = {"developedBy": developer_pairs}


class RelationModels:
    """Add the pairs each relation's model finds probable to the relations the rules found.

    A pipeline component that leaves the Doc as it is: it carries the models to the step after
    spaCy where relations are found (``kg.build.extract`` asks the pipeline for it), so that a
    pipeline is configured, and cross-validated, as one thing."""

    def __init__(self, models: dict[str, LinearModel]):
        self.models = models

    def __call__(self, doc):
        return doc

    def rescore(self, mentions, relations, text) -> tuple[RelationMention, ...]:
        for kind, model in self.models.items():
            ruled = {(r.head.start, r.head.label, r.tail.start) for r in relations if r.type == kind}
            relations = relations + tuple(
                RelationMention(pair.head, kind, pair.tail, f"{kind}.learned")
                for pair in PAIRS[kind](mentions, relations, text)
                if (pair.head.start, pair.head.label, pair.tail.start) not in ruled
                and model.probability(list(pair.features)) >= model.threshold
            )
        return relations


@Language.factory("kg_relation_models", default_config={"developedBy": None})
def make_relation_models(nlp: Language, name: str, developedBy: str | None) -> RelationModels:  # noqa: N803
    """Each relation's model: see ``kg.scorer.load_model``."""
    paths = {"developedBy": developedBy}
    return RelationModels({kind: model for kind, path in paths.items() if (model := load_model(path, RELATION_MODELS[kind]))})
