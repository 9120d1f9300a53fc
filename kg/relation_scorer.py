"""Learned developers: which enterprise each project is ``developedBy``.

The cue rules (``kg.relations``) find a developer written inside a project's name or joined to
it by a few fixed words (由甲公司投资建设的乙项目). Texts say it in many more ways (与甲公司签约
乙项目, 甲公司总投资5亿元的乙项目, 乙项目由甲公司和丙公司合作建设). For every project and
enterprise of one sentence a logistic model (``kg train``) gives the probability that the
enterprise develops the project, from their order, the words between them, how many other
enterprises and projects stand between, and the cue rules' verdict as one more feature; the
probable ones are added to the rules' (replacing the rules' did worse by cross-validation).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from spacy.language import Language

from kg.scorer import MODELS, LinearModel
from kg.types import Mention, RelationMention

DEVELOPER_MODEL = MODELS / "developedBy.json"
_GAP_WORDS_MAX = 30  # characters between a project and an enterprise read pair by pair
_BETWEEN_MAX = 12  # characters between a mention and a division read as words between


@dataclass(frozen=True)
class Pair:
    """One candidate developer of one project mention, and what the model sees of the two."""

    project: Mention
    enterprise: Mention
    features: tuple[str, ...]


def developer_pairs(mentions: tuple[Mention, ...], relations: tuple[RelationMention, ...], text: str) -> list[Pair]:
    """Every (project mention, enterprise mention) pair of one sentence, with what joins them:
    their order, the words between (由甲公司投资建设的乙项目, 乙项目由甲公司承建, 与甲公司签约
    乙项目), how many other enterprises and projects stand between, and the cue rules' verdict."""
    by_sentence: dict[int, list[Mention]] = defaultdict(list)
    for m in mentions:
        if m.label in ("Enterprise", "Project"):
            by_sentence[m.sentence].append(m)
    ruled = {(r.head.start, r.tail.start): r.rule for r in relations if r.type == "developedBy"}
    found = []
    for same in by_sentence.values():
        projects = [m for m in same if m.label == "Project"]
        enterprises = [m for m in same if m.label == "Enterprise"]
        for p in projects:
            nearest = min(enterprises, key=lambda e: abs(e.start - p.start), default=None)
            for e in enterprises:
                f = []
                if (p.start, e.start) in ruled:
                    f.append(f"rule={ruled[(p.start, e.start)]}")
                if p.start <= e.start and e.end <= p.end:
                    f.append("inside=" + ("opening" if e.start == p.start else "within"))
                else:
                    side = "before" if e.end <= p.start else "after"
                    a, b = (e.end, p.start) if side == "before" else (p.end, e.start)
                    gap = text[a:b]
                    others = [m for m in same if a <= m.start and m.end <= b]
                    f += [f"side={side}", f"gap={side}:{min(len(gap), 60) // 6}",
                          f"enterprises_between={side}:{min(sum(m.label == 'Enterprise' for m in others), 2)}",
                          f"projects_between={side}:{min(sum(m.label == 'Project' for m in others), 2)}"]
                    if len(gap) <= _BETWEEN_MAX:
                        f.append(f"between={side}:{gap}")
                    f += [f"between_pair={side}:{gap[i:i + 2]}" for i in range(min(len(gap), _GAP_WORDS_MAX) - 1)]
                    if "，" in gap or "；" in gap:
                        f.append(f"clause_between={side}")
                if e is nearest:
                    f.append("nearest")
                f.append(f"enterprise_end={e.text[-2:]}")
                found.append(Pair(p, e, tuple(f)))
    return found


class DevelopedByScorer:
    """Add the pairs the model finds probable to the developers the cue rules found.

    A pipeline component that leaves the Doc as it is: it carries the model to the step after
    spaCy where relations are found (``kg.build.extract`` asks the pipeline for it), so that a
    pipeline is configured, and cross-validated, as one thing."""

    def __init__(self, model: LinearModel | None):
        self.model = model

    def __call__(self, doc):
        return doc

    def rescore(self, mentions, relations, text) -> tuple[RelationMention, ...]:
        if self.model is None:
            return relations
        ruled = {(r.head.start, r.tail.start) for r in relations if r.type == "developedBy"}
        return relations + tuple(
            RelationMention(pair.project, "developedBy", pair.enterprise, "developedBy.learned")
            for pair in developer_pairs(mentions, relations, text)
            if (pair.project.start, pair.enterprise.start) not in ruled
            and self.model.probability(list(pair.features)) >= self.model.threshold
        )


def _load(model: str | None, default: Path) -> LinearModel | None:
    if model == "none" or (model is None and not default.is_file()):
        return None
    path = Path(model or default)
    if not path.is_file():
        from kg.errors import KgError

        raise KgError(f"{path}: no such model file")
    return LinearModel.load(path)


@Language.factory("kg_developed_by", default_config={"model": None})
def developed_by_scorer(nlp: Language, name: str, model: str | None) -> DevelopedByScorer:
    """``model``: a weights file; None: the shipped one, where there is one; "none": no model."""
    return DevelopedByScorer(_load(model, DEVELOPER_MODEL))
