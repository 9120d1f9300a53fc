"""KnowledgeBase -> rdflib.Graph: the contract of annotation guide §5, plus provenance.

The contract's triples are plain (type, label, altLabel, mentionedIn, sourceFile and the
four relations). Provenance sits on separate nodes so it never disturbs them:

- each mention is a ``ckg:Mention`` (a ``prov:Entity``) with ``ckg:mentionOf`` the entity,
  ``prov:value`` the words as written (normalised), ``prov:wasQuotedFrom`` the document,
  ``ckg:sentence``, ``ckg:startOffset`` and
  ``ckg:endOffset`` (characters of the decoded original file) and ``ckg:extractedBy``;
- each relation is also an ``rdf:Statement`` whose ``prov:wasDerivedFrom`` are the mentions
  of its two ends in the sentence that states it, with ``ckg:extractedBy`` the rule;
- each fact has a ``ckg:Evidence`` node (the words that state it, with the same fields as a
  mention): investments are ``schema:MonetaryAmount`` and capacities
  ``schema:QuantitativeValue`` nodes derived from it; phase, status and year are plain
  triples reified as ``rdf:Statement``; county statistics are W3C Data Cube observations
  (``qb:Observation`` with ``sdmx-dimension:refArea``/``refPeriod``, ``ckg:indicator`` and
  ``sdmx-measure:obsValue``).
"""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import quote

from rdflib import RDF, RDFS, SKOS, XSD, Graph, Namespace, URIRef
from rdflib.namespace import PROV, QB, SDO

from kg.facts import default_fact_rules
from kg.names import short_hash
from kg.types import Document, EntityFact, KnowledgeBase, Mention
from kg.vocab import CKG, ID

SDMX_DIMENSION = Namespace("http://purl.org/linked-data/sdmx/2009/dimension#")
SDMX_MEASURE = Namespace("http://purl.org/linked-data/sdmx/2009/measure#")
STATISTICS = ID["dataset/county-statistics"]
PREFIXES = {
    "ckg": CKG, "skos": SKOS, "prov": PROV, "kgid": ID, "schema": SDO, "qb": QB,
    "sdmx-dimension": SDMX_DIMENSION, "sdmx-measure": SDMX_MEASURE,
}


def document_iri(doc_id: str) -> URIRef:
    return ID[f"doc/{quote(doc_id, safe='')}"]


def entity_iri(key: str) -> URIRef:
    return ID[key]


def mention_iri(m: Mention) -> URIRef:
    return ID[f"mention/{short_hash(m.doc_id, str(m.start), str(m.end), m.label, size=8)}"]


# Terms are written straight as N-Triples text: making an rdflib term for each of a large
# corpus's millions of triples took most of the mapping's time.
_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})


def _i(iri: str) -> str:
    return f"<{iri}>"


def _zh(text: str, lang: str = "zh") -> str:
    return f'"{text.translate(_ESCAPES)}"@{lang}'


def _str(text: str) -> str:
    return f'"{text.translate(_ESCAPES)}"'


def _typed(value, datatype: URIRef) -> str:
    return f'"{value}"^^<{datatype}>'


A, LABEL, ALT, PREF = _i(RDF.type), _i(RDFS.label), _i(SKOS.altLabel), _i(SKOS.prefLabel)
DERIVED, EXTRACTED_BY = _i(PROV.wasDerivedFrom), _i(CKG.extractedBy)
QUOTED_FROM, SENTENCE, VALUE = _i(PROV.wasQuotedFrom), _i(CKG.sentence), _i(PROV.value)
START, END, MENTION_OF, MENTIONED_IN = _i(CKG.startOffset), _i(CKG.endOffset), _i(CKG.mentionOf), _i(CKG.mentionedIn)


def triples(kb: KnowledgeBase) -> Iterator[str]:
    """The knowledge base as N-Triples lines."""
    documents: dict[str, Document] = {}
    sentences = {}
    for extraction in kb.extractions:
        doc = extraction.document
        documents[doc.doc_id] = doc
        sentences[doc.doc_id] = extraction.sentences
        iri = _i(document_iri(doc.doc_id))
        yield f"{iri} {A} {_i(CKG.Document)} .\n"
        yield f"{iri} {_i(CKG.sourceFile)} {_str(doc.source_file)} .\n"

    def evidence(node: str, kind: URIRef, doc_id: str, start: int, end: int, sentence: int, rule: str) -> Iterator[str]:
        doc = documents[doc_id]
        raw_start, raw_end = doc.raw_span(start, end)
        yield (  # one string for the node's seven triples: fewer, larger pieces are faster
            f"{node} {A} {_i(kind)} .\n"
            f"{node} {QUOTED_FROM} {_i(document_iri(doc_id))} .\n"
            f"{node} {SENTENCE} {_zh(sentences[doc_id][sentence].text)} .\n"
            f"{node} {START} {_typed(raw_start, XSD.integer)} .\n"
            f"{node} {END} {_typed(raw_end, XSD.integer)} .\n"
            f"{node} {EXTRACTED_BY} {_str(rule)} .\n"
            f"{node} {VALUE} {_zh(doc.text[start:end])} .\n"
        )

    for entity in kb.entities:
        iri = _i(entity_iri(entity.key))
        yield f"{iri} {A} {_i(CKG[entity.label])} .\n"
        yield f"{iri} {LABEL} {_zh(entity.name)} .\n"
        for alias in sorted(entity.aliases):
            yield f"{iri} {ALT} {_zh(alias)} .\n"
        if entity.code:
            yield f"{iri} {_i(CKG.divisionCode)} {_str(entity.code)} .\n"
        for m in entity.mentions:
            node = _i(mention_iri(m))
            yield f"{iri} {MENTIONED_IN} {_i(document_iri(m.doc_id))} .\n{node} {MENTION_OF} {iri} .\n"
            yield from evidence(node, CKG.Mention, m.doc_id, m.start, m.end, m.sentence, m.rule)

    for relation in kb.relations:
        statement = yield from _statement(_i(entity_iri(relation.head)), _i(CKG[relation.type]), _i(entity_iri(relation.tail)))
        for item in relation.evidence:
            yield f"{statement} {DERIVED} {_i(mention_iri(item.head))} .\n"
            yield f"{statement} {DERIVED} {_i(mention_iri(item.tail))} .\n"
            yield f"{statement} {EXTRACTED_BY} {_str(item.rule)} .\n"
    for item in kb.facts:
        yield from _fact(item, evidence)


def to_graph(kb: KnowledgeBase, graph: Graph | None = None, batch: int = 50_000) -> Graph:
    """Write the knowledge base into ``graph`` (a new in-memory graph by default).

    Triples are handed over as N-Triples text in batches (of ``batch`` pieces of a few
    triples each): an Oxigraph-backed graph
    (oxrdflib) then loads them with Oxigraph's own parser, and the batch size bounds the
    memory the text takes on a large corpus.
    """
    out = graph if graph is not None else Graph()
    for prefix, ns in PREFIXES.items():
        out.bind(prefix, ns)
    fmt = "ox-turtle" if oxigraph_of(out) is not None else "nt"
    lines: list[str] = []
    for line in triples(kb):
        lines.append(line)
        if len(lines) >= batch:
            out.parse(data="".join(lines), format=fmt)
            lines.clear()
    if lines:
        out.parse(data="".join(lines), format=fmt)
    return out


def oxigraph_of(graph: Graph):
    """The pyoxigraph.Store under an Oxigraph-backed graph (oxrdflib), else None."""
    return getattr(graph.store, "_inner", None) if type(graph.store).__name__ == "OxigraphStore" else None


def _statement(subject: str, predicate: str, value: str, evidence: str | None = None) -> Iterator[str]:
    """A plain triple and its reification (an rdf:Statement), derived from ``evidence``;
    returns the statement's node (``yield from`` gives it)."""
    yield f"{subject} {predicate} {value} .\n"
    node = _i(ID[f"statement/{short_hash(subject[1:-1], predicate[1:-1], _n3_value(value), size=8)}"])
    yield f"{node} {A} {_i(RDF.Statement)} .\n"
    yield f"{node} {_i(RDF.subject)} {subject} .\n"
    yield f"{node} {_i(RDF.predicate)} {predicate} .\n"
    yield f"{node} {_i(RDF.object)} {value} .\n"
    if evidence is not None:
        yield f"{node} {DERIVED} {evidence} .\n"
    return node


def _n3_value(value: str) -> str:
    """What ``str()`` of the rdflib term gave (an IRI, or a literal's lexical form), so that
    statement nodes keep their names."""
    if value.startswith("<"):
        return value[1:-1]
    return value[1 : value.rindex('"')]


def _fact(item: EntityFact, evidence) -> Iterator[str]:
    fact, subject = item.fact, _i(entity_iri(item.entity))
    doc_id = fact.subject.doc_id
    ident = short_hash(doc_id, str(fact.start), str(fact.end), fact.property, fact.indicator, size=8)
    source = _i(ID[f"evidence/{ident}"])
    yield from evidence(source, CKG.Evidence, doc_id, fact.start, fact.end, fact.sentence, fact.rule)
    if fact.property == "investment":
        amount = _i(ID[f"amount/{ident}"])
        yield f"{subject} {_i(CKG.investment)} {amount} .\n"
        yield f"{amount} {A} {_i(SDO.MonetaryAmount)} .\n"
        yield f"{amount} {_i(SDO.value)} {_typed(fact.value, XSD.decimal)} .\n"
        yield f"{amount} {_i(SDO.currency)} {_str(fact.unit)} .\n"
        yield f"{amount} {DERIVED} {source} .\n"
    elif fact.property == "capacity":
        quantity = _i(ID[f"quantity/{ident}"])
        yield f"{subject} {_i(CKG.capacity)} {quantity} .\n"
        yield f"{quantity} {A} {_i(SDO.QuantitativeValue)} .\n"
        yield f"{quantity} {_i(SDO.value)} {_typed(fact.value, XSD.decimal)} .\n"
        yield f"{quantity} {_i(SDO.unitText)} {_zh(fact.unit)} .\n"
        yield f"{quantity} {DERIVED} {source} .\n"
    elif fact.property == "phase":
        yield from _statement(subject, _i(CKG.phase), _typed(int(fact.value), XSD.integer), source)
    elif fact.property == "year":
        yield from _statement(subject, _i(CKG.year), _typed(fact.value, XSD.gYear), source)
    elif fact.property == "status":
        status = _i(ID[f"status/{fact.value}"])
        yield from _statement(subject, _i(CKG.status), status, source)
        yield from _concept(status, CKG.ProjectStatus, next(s for s in default_fact_rules().statuses if s.id == fact.value))
    elif fact.property == "statistic":
        observation = _i(ID[f"observation/{ident}"])
        indicator = _i(ID[f"indicator/{fact.indicator}"])
        dataset = _i(STATISTICS)
        yield f"{dataset} {A} {_i(QB.DataSet)} .\n"
        yield f"{dataset} {_i(QB.structure)} {_i(CKG.countyStatisticsStructure)} .\n"
        yield f"{observation} {A} {_i(QB.Observation)} .\n"
        yield f"{observation} {_i(QB.dataSet)} {dataset} .\n"
        yield f"{observation} {_i(SDMX_DIMENSION.refArea)} {subject} .\n"
        if fact.year:
            yield f"{observation} {_i(SDMX_DIMENSION.refPeriod)} {_typed(fact.year, XSD.gYear)} .\n"
        yield f"{observation} {_i(CKG.indicator)} {indicator} .\n"
        yield f"{observation} {_i(SDMX_MEASURE.obsValue)} {_typed(fact.value, XSD.decimal)} .\n"
        yield f"{observation} {_i(SDO.currency)} {_str(fact.unit)} .\n"
        yield f"{observation} {DERIVED} {source} .\n"
        yield from _concept(indicator, CKG.Indicator, next(i for i in default_fact_rules().indicators if i.id == fact.indicator))


def _concept(node: str, kind: URIRef, term) -> Iterator[str]:
    yield f"{node} {A} {_i(kind)} .\n"
    yield f"{node} {A} {_i(SKOS.Concept)} .\n"
    yield f"{node} {PREF} {_zh(term.label_zh)} .\n"
    yield f"{node} {PREF} {_zh(term.label_en, 'en')} .\n"
