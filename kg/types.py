"""Plain data passed between the stages. Standard-library types only, frozen."""

from __future__ import annotations

import operator
from collections.abc import Sequence
from dataclasses import dataclass, field, fields, replace
from typing import Literal

EntityClass = Literal[
    "Province", "Prefecture", "County", "Township", "Village", "Enterprise", "Project", "Program"
]
RelationType = Literal["locatedIn", "partOf", "implements", "developedBy"]

DIVISION_CLASSES: tuple[str, ...] = ("Province", "Prefecture", "County", "Township", "Village")
ENTITY_CLASSES: tuple[str, ...] = DIVISION_CLASSES + ("Enterprise", "Project", "Program")
RELATION_TYPES: tuple[str, ...] = ("locatedIn", "partOf", "implements", "developedBy")


def _pickled_by_fields(cls: type) -> type:
    """Pickle a frozen, slotted dataclass as (class, field values), unpickled by calling the
    class. Dataclasses' own way for slotted classes runs a Python loop over ``fields()`` for
    every object: Extractions go through pickle on their way back from each worker process
    and in and out of the cache, and this way takes half the time both ways (200 articles of
    the benchmark corpus: 0.122 -> 0.062 s to pickle, 0.164 -> 0.083 s to unpickle)."""
    values = operator.attrgetter(*(f.name for f in fields(cls)))
    cls.__reduce__ = lambda self: (cls, values(self))
    return cls


@_pickled_by_fields
@dataclass(frozen=True, slots=True)
class Article:
    """One file as read: its name and its decoded text, before normalisation."""

    source_file: str  # file name, e.g. "000_bf441c48083cf4d1.txt"
    raw: str


@_pickled_by_fields
@dataclass(frozen=True, slots=True)
class Document:
    """One article after normalisation.

    ``origin[i]`` is the offset in the decoded original file of character ``text[i]``, so
    every offset into ``text`` can be mapped back into the original file (provenance). It is
    an ``array('i')``: four bytes a character, where a tuple would take some thirty-six.
    """

    doc_id: str  # file stem, e.g. "000_bf441c48083cf4d1"
    source_file: str  # file name, e.g. "000_bf441c48083cf4d1.txt" -> ckg:sourceFile
    text: str  # normalised text that all offsets below index
    origin: Sequence[int] = field(repr=False, default=())
    # A text in traditional characters is extracted from in simplified ones: then ``written``
    # is the normalised text as written, character for character beside ``text``.
    written: str = field(repr=False, default="")

    def raw_span(self, start: int, end: int) -> tuple[int, int]:
        """Map a ``[start, end)`` span of ``text`` to the span of the original file it came from."""
        if not self.origin or start >= end:
            return start, end
        return self.origin[start], self.origin[end - 1] + 1


@_pickled_by_fields
@dataclass(frozen=True, slots=True)
class Mention:
    """One surface occurrence of an entity in one document."""

    doc_id: str
    text: str  # the surface form, as normalised
    label: EntityClass
    start: int  # character offsets into Document.text
    end: int
    sentence: int  # index into Extraction.sentences
    rule: str  # id of the rule or gazetteer entry that produced it
    key: str = ""  # known identity (a division's gazetteer key), else ""
    aliases: tuple[str, ...] = ()  # other forms a rule derived (碳化硅 -> 碳化硅项目)
    written: str = ""  # the form as written where the document was simplified (慶元縣 for 庆元县)


@_pickled_by_fields
@dataclass(frozen=True, slots=True)
class RelationMention:
    """A relation stated (or implied) in one sentence of one document."""

    head: Mention
    type: RelationType
    tail: Mention
    rule: str


@_pickled_by_fields
@dataclass(frozen=True, slots=True)
class Sentence:
    start: int
    end: int
    text: str


@_pickled_by_fields
@dataclass(frozen=True, slots=True)
class Fact:
    """A value stated about a project or a county, with the words that state it."""

    subject: Mention  # the project, or the county a statistic is about
    property: str  # "investment", "capacity", "phase", "status", "year" or "statistic"
    value: str  # a decimal as text, a status id, a year
    unit: str = ""  # "CNY" for money, the unit as written for capacities
    indicator: str = ""  # statistics: the indicator's id (gdp, fixed_asset_investment …)
    year: int | None = None  # statistics: the year the value is for, when the text says it
    start: int = 0  # evidence: the characters of Document.text that state the value
    end: int = 0
    sentence: int = 0
    rule: str = ""


@_pickled_by_fields
@dataclass(frozen=True, slots=True)
class Extraction:
    """Everything one document yields; spaCy objects end before this."""

    document: Document
    sentences: tuple[Sentence, ...]
    mentions: tuple[Mention, ...]
    relations: tuple[RelationMention, ...]
    nested: tuple[Mention, ...] = ()  # divisions inside another entity's name: locatedIn evidence
    facts: tuple[Fact, ...] = ()
    keys: tuple[str, ...] = ()  # Entity.key of each mention, resolved within the document
    # (gazetteer key, official name) of each township and village mentioned: the process that
    # names the entities (the main one, with --jobs or the cache) need not parse their counties.
    division_names: tuple[tuple[str, str], ...] = ()
    triples: bytes = field(repr=False, default=b"")  # the document's own RDF, UTF-8 N-Triples

    def without_text(self) -> Extraction:
        """What the corpus needs once the document's RDF is made: the text, its offset map
        and the sentences are dropped (they are in the RDF). Lighter to send back from a
        worker process and to keep in the cache."""
        document = Document(self.document.doc_id, self.document.source_file, "")
        return replace(self, document=document, sentences=())


@dataclass(frozen=True, slots=True)
class Entity:
    """One real-world thing across the corpus."""

    key: str  # ASCII, stable for the same inputs whatever their order -> IRI
    label: EntityClass
    name: str  # canonical name
    aliases: frozenset[str]
    mentions: tuple[Mention, ...]
    code: str | None = None  # official administrative-division code where known


@dataclass(frozen=True, slots=True)
class Relation:
    head: str  # Entity.key
    type: RelationType
    tail: str  # Entity.key
    evidence: tuple[RelationMention, ...]


@dataclass(frozen=True, slots=True)
class EntityFact:
    entity: str  # Entity.key of the fact's subject
    fact: Fact


@dataclass(frozen=True, slots=True)
class KnowledgeBase:
    """Output of resolve: the entities' names go to RDF (rdf.entity_triples); the
    extractions keep their mentions, relations and facts, not their text."""

    extractions: tuple[Extraction, ...]
    entities: tuple[Entity, ...]
    relations: tuple[Relation, ...]
    facts: tuple[EntityFact, ...] = ()
