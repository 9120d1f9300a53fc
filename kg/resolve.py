"""Corpus-level resolution: mentions of all documents -> one Entity per real-world thing.

Two steps. ``document_keys`` resolves within one document (it runs with extraction, in
the workers): divisions are identified by their gazetteer key (the official code for
provinces, prefectures and counties); other entities are grouped per class, a shorter
form contained in a longer one of the same class being an alias of it
(天麟公司 -> 交口县天麟农业发展有限公司, once the organisational form is set aside), and a
group's key is derived from its longest form. ``resolve`` then merges equal keys across
documents and names each entity by the longest form seen. Keys are ASCII and depend only on
class and name (or code; for a project, also its county), never on input order.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping
from functools import lru_cache

from kg.names import name_key, short_hash
from kg.places import TOWNSHIP_SUFFIXES, VILLAGE_SUFFIXES, county_code_of
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


_PHASE = re.compile(r"[一二三四五六七八九十0-9]期")
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
    name one project (``places`` are the document's division names, longest first). A phase
    is a project of its own: 某某项目二期工程 is no alias-holder of 某某项目.
    """
    forms = sorted({m.text for m in mentions}, key=lambda t: (-len(t), t))
    projects = bool(mentions) and mentions[0].label == "Project"
    keys = {form: _project_key(form, places) if projects else "" for form in forms}
    phases = {form: _PHASE.findall(form) for form in forms}
    parent: dict[str, str] = {}
    for i, form in enumerate(forms):
        core, key = _core(form), keys[form]
        target = next(
            (
                f for f in forms[:i]
                if ((len(core) >= 2 and core in f) or (len(key) >= 3 and key == keys[f]))
                and parent.get(f, f) == f
                and phases[f] == phases[form]
            ),
            None,
        )
        parent[form] = target or form
    return parent


def _identity(label: str, name: str) -> str:
    """What a name is known by in every document: without the organisational form for an
    enterprise (美锦集团 = 美锦), without the head word for a programme or project, which
    one article writes and another leaves out (“净土”保卫战 = 净土; 西延工程 = 西延)."""
    if label == "Enterprise":
        name = _core(name)
    elif label in ("Program", "Project"):
        head = next((h for h in _heads(label) if name.endswith(h) and len(name) >= len(h) + 2), "")
        name = name[: len(name) - len(head)]
    return name_key(name)


@lru_cache(maxsize=2)
def _heads(label: str) -> tuple[str, ...]:
    """The head words of a programme's or a project's name (the rules' lexicon), longest first."""
    from kg.rules import default_rules

    lexicon = {"Program": "program_head", "Project": "project_head"}[label]
    return tuple(sorted(default_rules().lexicons[lexicon], key=len, reverse=True))


def document_keys(mentions: tuple[Mention, ...], relations: tuple[RelationMention, ...] = ()) -> tuple[str, ...]:
    """Resolution within one document: the Entity.key of each mention.

    Divisions are known by their gazetteer key. Other mentions of one class are grouped by
    ``_group_in_document``; a group's key comes from its longest form (for an enterprise, the
    name without its organisational form: 美锦集团 in one article, 美锦 in another), so the
    same thing named the same way gets the same key in every document, with no corpus-wide
    step: documents can be turned into RDF one by one, in parallel, and cached. A project's
    key also holds its county (``_project_counties``): two counties' 氧化铝项目 are two
    projects, a county's articles about its 氧化铝项目 one.
    """
    by_label: dict[str, list[Mention]] = defaultdict(list)
    for m in mentions:
        by_label[m.label].append(m)
    places = tuple(sorted({m.text for m in mentions if m.key}, key=len, reverse=True))
    key_of: dict[tuple[str, str], str] = {}
    for label, group in by_label.items():
        if label in DIVISION_CLASSES:
            for m in group:
                key_of[(label, m.text)] = f"division-{m.key}"
            continue
        canonical_of = _group_in_document(group, places)
        county_of = _project_counties(mentions, relations, canonical_of) if label == "Project" else {}
        for m in group:
            canonical = canonical_of[m.text]
            identity = _identity(label, canonical) + (f"@{county_of[canonical]}" if county_of.get(canonical) else "")
            key_of[(label, m.text)] = f"{label.lower()}-{short_hash(label, identity)}"
    return tuple(key_of[(m.label, m.text)] for m in mentions)


def keys_of(extraction: Extraction) -> tuple[str, ...]:
    """The Entity.key of each mention of ``extraction``: the keys the pipeline resolved, or
    (an Extraction made by hand, without them) resolved now."""
    return extraction.keys or document_keys(extraction.mentions, extraction.relations)


def _county(m: Mention) -> str | None:
    """The county code of a division mention: its own, or its township's or village's
    county's; None above county level."""
    if m.label == "County":
        return m.key
    if m.label in ("Township", "Village") and m.key:
        return county_code_of(m.key)
    return None


def _project_counties(mentions, relations, canonical_of: Mapping[str, str]) -> dict[str, str]:
    """The county of each project of a document (by canonical form): the county it is
    located in, else the county the document names most (a county paper's own projects)."""
    named = Counter(m.key for m in mentions if m.label == "County" and m.key)
    home = min(named, key=lambda code: (-named[code], code)) if named else ""
    county_of = {canonical: home for canonical in set(canonical_of.values())}
    for r in relations:
        county = _county(r.tail) if r.type == "locatedIn" and r.head.label == "Project" else None
        if county and r.head.text in canonical_of:
            county_of[canonical_of[r.head.text]] = county
    return county_of


def resolve(extractions: list[Extraction], official_name: Callable[[str], str | None]) -> KnowledgeBase:
    """Resolution across documents: mentions with one key are one entity, named by the
    longest form any document gives it (a division: by its official name, which
    ``official_name`` gives for a gazetteer key, None for a key it does not know)."""
    groups: dict[str, list[Mention]] = defaultdict(list)
    forms: dict[str, set[str]] = defaultdict(set)
    written: dict[str, set[str]] = defaultdict(set)  # traditional forms: aliases, never names
    key_of: dict[tuple[str, str, str], str] = {}  # (doc, label, form) -> Entity.key
    for extraction in extractions:
        for m, key in zip(extraction.mentions, keys_of(extraction)):
            groups[key].append(m)
            forms[key].update({m.text, *m.aliases} if m.label not in DIVISION_CLASSES else {m.text})
            if m.written:
                written[key].add(m.written)
            key_of[(m.doc_id, m.label, m.text)] = key

    entities: dict[str, Entity] = {}
    for key, mentions in sorted(groups.items()):
        label = mentions[0].label
        if label in DIVISION_CLASSES:
            ident = key.removeprefix("division-")
            name = _division_name(mentions, official_name(ident) or mentions[0].text, label)
            code = ident if ident.isdigit() else None
        else:
            name, code = max(forms[key], key=lambda t: (len(t), t)), None
        aliases = frozenset(f for f in forms[key] | written[key] if f != name)
        entities[key] = Entity(key=key, label=label, name=name, aliases=aliases, mentions=tuple(mentions), code=code)

    evidence: dict[tuple[str, str, str], list[RelationMention]] = defaultdict(list)
    for extraction in extractions:
        for r in extraction.relations:
            head = key_of.get((r.head.doc_id, r.head.label, r.head.text))
            tail = key_of.get((r.tail.doc_id, r.tail.label, r.tail.text))
            if head and tail and head != tail:
                evidence[(head, r.type, tail)].append(r)
    relations = tuple(Relation(h, t, tl, tuple(ev)) for (h, t, tl), ev in sorted(evidence.items()))
    facts = tuple(
        EntityFact(key, fact)
        for extraction in extractions
        for fact in extraction.facts
        if (key := key_of.get((fact.subject.doc_id, fact.subject.label, fact.subject.text)))
    )
    ordered = tuple(sorted(entities.values(), key=lambda e: e.key))
    return KnowledgeBase(tuple(extractions), ordered, relations, facts)
