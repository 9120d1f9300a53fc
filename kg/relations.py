"""Relations of one document, from plain mentions (no spaCy here).

Three kinds of evidence, each named in the ``rule`` of the RelationMention it yields:

``partOf.hierarchy``     two divisions of the document that the gazetteer nests directly
                         (village -> township -> county -> prefecture -> province);
``locatedIn.name_prefix`` a division written at the start of an enterprise or project name
                         (交口县天麟农业发展有限公司 -> 交口县);
``locatedIn.document``   the article's own county, for enterprises and projects with no
                         place of their own (the county the article names most often).
"""

from __future__ import annotations

from collections import Counter

from kg.places import Gazetteer
from kg.types import Mention, RelationMention

_LOCATED = ("Enterprise", "Project")


def main_county(mentions: tuple[Mention, ...]) -> Mention | None:
    """The county an article is about: the one it names most often (first seen on a tie)."""
    counts = Counter(m.key for m in mentions if m.label == "County")
    if not counts:
        return None
    key, _ = max(counts.items(), key=lambda kv: kv[1])
    return next(m for m in mentions if m.key == key)


def find_relations(
    mentions: tuple[Mention, ...], nested: tuple[Mention, ...], gazetteer: Gazetteer
) -> tuple[RelationMention, ...]:
    found: list[RelationMention] = []
    divisions: dict[str, Mention] = {}
    for m in mentions:
        if m.key:
            divisions.setdefault(m.key, m)
    for key, child in divisions.items():
        division = gazetteer.by_key.get(key)
        if division and division.parent in divisions:
            found.append(RelationMention(child, "partOf", divisions[division.parent], "partOf.hierarchy"))
    home = main_county(mentions)
    for m in mentions:
        if m.label not in _LOCATED:
            continue
        prefix = next(
            (n for n in nested if n.start == m.start and n.key in divisions),
            None,
        )
        if prefix is not None:
            found.append(RelationMention(m, "locatedIn", divisions[prefix.key], "locatedIn.name_prefix"))
        elif home is not None and m.label == "Project":
            found.append(RelationMention(m, "locatedIn", home, "locatedIn.document"))
    return tuple(found)
