"""Relations of one document, from plain mentions (no spaCy here).

Each relation names the evidence it rests on in its ``rule``:

``partOf.hierarchy``      two divisions of the document that the gazetteer nests directly
                          (village -> township -> county -> prefecture -> province);
``locatedIn.name_place``  a division written inside an enterprise's or project's name, the
                          most specific one that is a division of the document
                          (交口县天麟农业发展有限公司 -> 交口县, 温泉乡养老服务中心 -> 温泉乡);
``locatedIn.cue``         a division right after an enterprise or project and a cue word of
                          kg/rules/relations.toml (甲公司位于乙镇, 乙项目落户丙县);
``locatedIn.document``    the article's own county, for enterprises and projects whose name
                          carries no place, or only a division above the county (an article
                          about county X describes X's own) — but not for an enterprise whose
                          name opens with a place elsewhere;
``developedBy.name_owner`` an enterprise written inside a project's name
                          (某某厂10万吨铸造项目 -> 某某厂);
``developedBy.cue``       an enterprise and a project joined by the cue words of
                          kg/rules/relations.toml (由甲公司投资建设的乙项目, 乙项目由甲公司承建);
``implements.document``   the article's own county, for every programme it reports;
``implements.superior``   the province or prefecture the article names, for a programme
                          whose sentence opens with their cue words (省委…, 市委…: see
                          kg/rules/relations.toml).
"""

from __future__ import annotations

import tomllib
from collections import defaultdict
from collections.abc import Sequence
from functools import lru_cache

from kg.focus import main_county
from kg.places import LEVELS, Gazetteer
from kg.rules import RULES_DIR
from kg.types import Mention, RelationMention, Sentence

_SPECIFIC = {level: rank for rank, level in enumerate(LEVELS)}  # Village is the most specific


@lru_cache(maxsize=1)
def _cues() -> dict:
    return tomllib.loads((RULES_DIR / "relations.toml").read_text(encoding="utf-8"))


def superior_cues() -> dict[str, tuple[str, ...]]:
    """Cue words by division level, from kg/rules/relations.toml."""
    return {level: tuple(cues) for level, cues in _cues()["implements"].items()}


def _developer_cue(text: str, enterprise: Mention, project: Mention) -> bool:
    cues = _cues()["developedBy"]
    if enterprise.end <= project.start:  # 由甲公司投资建设的乙项目
        return text[enterprise.end : project.start] in cues["between"]
    if project.end <= enterprise.start:  # 乙项目由甲公司投资建设
        return text[project.end : enterprise.start] in ("由", "，由", ",由") and text.startswith(
            tuple(cues["after"]), enterprise.end
        )
    return False


def _cued_place(text: str, m: Mention, divisions: list[Mention]) -> Mention | None:
    """The division that a cue word places ``m`` in (甲公司位于乙镇), if any."""
    cues = _cues()["locatedIn"]["between"]
    return next((d for d in divisions if text[m.end : d.start] in cues), None)


def _from_elsewhere(m: Mention, nested: Sequence[Mention], home: str, above_home: set[str], gazetteer: Gazetteer) -> bool:
    """An enterprise whose name opens with a place outside the article's county and the
    divisions above it (江苏某某电机 in an article about a county of 山西) is based there,
    not in the county (annotation guide §2)."""
    if m.label != "Enterprise":
        return False
    for place in (n for n in nested if n.start == m.start and n.key):
        related = {place.key, *(a.key for a in gazetteer.ancestors(place.key))}
        if home not in related and place.key not in above_home:
            return True
    return False


def _inside(inner: Mention, outer: Mention) -> bool:
    return outer.start <= inner.start and inner.end <= outer.end and inner is not outer


def find_relations(
    mentions: tuple[Mention, ...],
    nested: tuple[Mention, ...],
    gazetteer: Gazetteer,
    sentences: tuple[Sentence, ...] = (),
    text: str = "",
) -> tuple[RelationMention, ...]:
    """Relations among the mentions of one document.

    Args:
        mentions: the document's entity mentions.
        nested: divisions found inside other entities' names (evidence only).
        gazetteer: the division hierarchy.
        sentences, text: the document's sentences and text, for cue words.
    """
    found: list[RelationMention] = []
    divisions: dict[str, Mention] = {}
    for m in mentions:
        if m.key:
            divisions.setdefault(m.key, m)
    for key, child in divisions.items():
        division = gazetteer.division(key)
        if division and division.parent in divisions:
            found.append(RelationMention(child, "partOf", divisions[division.parent], "partOf.hierarchy"))

    home = main_county(mentions)
    above_home = {a.key for a in gazetteer.ancestors(home.key)} if home is not None else set()
    # What a mention's relations depend on stands in its own sentence (a name never spans
    # two): looking there only keeps a long article linear.
    in_sentence: dict[int, list[Mention]] = defaultdict(list)
    nested_in_sentence: dict[int, list[Mention]] = defaultdict(list)
    for m in mentions:
        in_sentence[m.sentence].append(m)
    for n in nested:
        nested_in_sentence[n.sentence].append(n)
    first_of_level = {}
    for m in mentions:
        first_of_level.setdefault(m.label, m)
    for m in mentions:
        same = in_sentence[m.sentence]
        if m.label in ("Enterprise", "Project"):
            places = (*nested_in_sentence[m.sentence], *(d for d in same if d.key))
            inside = [n for n in places if n.key in divisions and _inside(n, m)]
            cued = _cued_place(text, m, [d for d in same if d.key])
            if cued is not None:
                found.append(RelationMention(m, "locatedIn", divisions[cued.key], "locatedIn.cue"))
            elif inside:
                place = max(inside, key=lambda n: (_SPECIFIC[n.label], -n.start))
                opening = next((n for n in inside if n.start == m.start), None)
                if m.label == "Enterprise" and opening is not None and opening.key in above_home:
                    # 山西某某有限公司: an enterprise is where the division opening its name is
                    # (annotation guide, conventions), when the text says no more
                    found.append(RelationMention(m, "locatedIn", divisions[opening.key], "locatedIn.name_place"))
                elif home is not None and place.key in above_home:
                    # 山西某某厂 in an article about a county of 山西: the county is more specific
                    found.append(RelationMention(m, "locatedIn", home, "locatedIn.document"))
                else:
                    found.append(RelationMention(m, "locatedIn", divisions[place.key], "locatedIn.name_place"))
            elif home is not None and not _from_elsewhere(m, nested_in_sentence[m.sentence], home.key, above_home, gazetteer):
                found.append(RelationMention(m, "locatedIn", home, "locatedIn.document"))
        if m.label == "Project":
            for owner in (e for e in same if e.label == "Enterprise" and _inside(e, m)):
                found.append(RelationMention(m, "developedBy", owner, "developedBy.name_owner"))
            if text:
                for owner in (e for e in same if e.label == "Enterprise"):
                    if _developer_cue(text, owner, m):
                        found.append(RelationMention(m, "developedBy", owner, "developedBy.cue"))
        if m.label == "Program" and home is not None:
            found.append(RelationMention(home, "implements", m, "implements.document"))
        if m.label == "Program" and m.sentence < len(sentences):
            before = text[sentences[m.sentence].start : m.start]
            for level, cues in superior_cues().items():
                superior = first_of_level.get(level)
                if superior is not None and any(cue in before for cue in cues):
                    found.append(RelationMention(superior, "implements", m, "implements.superior"))
    return tuple(found)
