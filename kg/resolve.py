"""Corpus-level resolution: mentions of all documents -> one Entity per real-world thing.

Divisions are identified by their gazetteer key (the official code for provinces,
prefectures and counties). Other entities are grouped per class: within a document, a
shorter form contained in a longer one of the same class is an alias of it
(天麟公司 -> 交口县天麟农业发展有限公司, once the organisational form is set aside); across
documents, equal canonical names (``name_key``) are one entity. The canonical name is the
longest full form seen. Keys are ASCII and depend only on class and canonical name (or
code), never on input order.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping

from kg.names import name_key, short_hash
from kg.places import TOWNSHIP_SUFFIXES, VILLAGE_SUFFIXES
from kg.types import (
    DIVISION_CLASSES,
    Entity,
    EntityFact,
    Extraction,
    KnowledgeBase,
    Mention,
    Relation,
    RelationMention,
)

_FORMS = ("有限责任公司", "股份有限公司", "有限公司", "公司", "集团")


def _core(name: str) -> str:
    for form in _FORMS:
        if name.endswith(form) and len(name) > len(form) + 1:
            return name[: -len(form)]
    return name


def _division_name(mentions: list[Mention], official: str, label: str) -> str:
    if label in ("Township", "Village"):
        suffixes = TOWNSHIP_SUFFIXES if label == "Township" else VILLAGE_SUFFIXES
        written = [m.text for m in mentions if m.text.endswith(suffixes) and m.rule != "place.short_form"]
        if written:  # the article is newer than the gazetteer (a 乡 became a 镇)
            return max(written, key=lambda t: (len(t), t))
    return official


_CAPACITY = re.compile(r"[0-9]+(?:\.[0-9]+)?(?:万千瓦|千瓦|兆瓦|MW|万吨/年|吨/年|万吨级|万吨|吨|万亩|亩|万平方米|平方米|立方米|立方|m³)")


def _project_key(name: str, places: tuple[str, ...]) -> str:
    """A project's name without its place, capacity and head: 交口县棋盘山风电项目 and
    棋盘山100兆瓦风电项目 both give 棋盘山风电."""
    for place in places:
        if name.startswith(place):
            name = name[len(place) :]
            break
    return re.sub(r"(?:项目|工程)$", "", _CAPACITY.sub("", name))


def _group_in_document(mentions: list[Mention], places: tuple[str, ...] = ()) -> dict[str, str]:
    """Map each surface form of one class in one document to the form it is an alias of.

    A shorter form contained in a longer one (once the company's organisational form is set
    aside) is its alias; two project names that differ only in place, capacity or head noun
    name one project (``places`` are the document's division names, longest first).
    """
    forms = sorted({m.text for m in mentions}, key=lambda t: (-len(t), t))
    projects = bool(mentions) and mentions[0].label == "Project"
    keys = {form: _project_key(form, places) if projects else "" for form in forms}
    parent: dict[str, str] = {}
    for i, form in enumerate(forms):
        core, key = _core(form), keys[form]
        target = next(
            (
                f for f in forms[:i]
                if parent.get(f, f) == f and ((len(core) >= 2 and core in f) or (len(key) >= 3 and key == keys[f]))
            ),
            None,
        )
        parent[form] = target or form
    return parent


def resolve(extractions: list[Extraction], division_names: Mapping[str, str]) -> KnowledgeBase:
    """Merge the mentions of all documents into entities and relations."""
    groups: dict[tuple[str, str], list[Mention]] = defaultdict(list)
    aliases: dict[tuple[str, str], set[str]] = defaultdict(set)
    key_of: dict[tuple[str, str, str], tuple[str, str]] = {}  # (doc, label, form) -> group
    for extraction in extractions:
        by_label: dict[str, list[Mention]] = defaultdict(list)
        for m in extraction.mentions:
            by_label[m.label].append(m)
        for label, mentions in by_label.items():
            if label in DIVISION_CLASSES:
                for m in mentions:
                    group = (label, m.key)
                    groups[group].append(m)
                    key_of[(m.doc_id, label, m.text)] = group
                continue
            places = tuple(sorted({m.text for m in extraction.mentions if m.key}, key=len, reverse=True))
            canonical_of = _group_in_document(mentions, places)
            for m in mentions:
                canonical = canonical_of[m.text]
                # Across documents an enterprise is known by its name without the
                # organisational form: 美锦集团 in one article, 美锦 in another.
                group = (label, name_key(_core(canonical) if label == "Enterprise" else canonical))
                groups[group].append(m)
                aliases[group].update({m.text, *m.aliases})
                key_of[(m.doc_id, label, m.text)] = group

    entities: dict[tuple[str, str], Entity] = {}
    for (label, ident), mentions in sorted(groups.items()):
        if label in DIVISION_CLASSES:
            name = _division_name(mentions, division_names.get(ident, mentions[0].text), label)
            forms = {m.text for m in mentions}
            key, code = f"division-{ident}", ident if ident.isdigit() else None
        else:
            forms = aliases[(label, ident)]
            name = max(forms, key=lambda t: (len(t), t))
            key, code = f"{label.lower()}-{short_hash(label, name_key(name))}", None
        entities[(label, ident)] = Entity(
            key=key,
            label=label,
            name=name,
            aliases=frozenset(f for f in forms if f != name),
            mentions=tuple(mentions),
            code=code,
        )

    evidence: dict[tuple[str, str, str], list[RelationMention]] = defaultdict(list)
    for extraction in extractions:
        for r in extraction.relations:
            head = key_of.get((r.head.doc_id, r.head.label, r.head.text))
            tail = key_of.get((r.tail.doc_id, r.tail.label, r.tail.text))
            if head and tail and head != tail:
                evidence[(entities[head].key, r.type, entities[tail].key)].append(r)
    relations = tuple(Relation(h, t, tl, tuple(ev)) for (h, t, tl), ev in sorted(evidence.items()))
    facts = tuple(
        EntityFact(entities[group].key, fact)
        for extraction in extractions
        for fact in extraction.facts
        if (group := key_of.get((fact.subject.doc_id, fact.subject.label, fact.subject.text)))
    )
    ordered = tuple(sorted(entities.values(), key=lambda e: e.key))
    return KnowledgeBase(tuple(extractions), ordered, relations, facts)

