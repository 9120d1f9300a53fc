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

from urllib.parse import quote

from rdflib import RDF, RDFS, SKOS, XSD, Graph, Literal, Namespace, URIRef
from rdflib.namespace import PROV, QB, SDO

from kg.facts import default_fact_rules
from kg.names import short_hash
from kg.types import Document, EntityFact, KnowledgeBase, Mention
from kg.vocab import CKG, ID

SDMX_DIMENSION = Namespace("http://purl.org/linked-data/sdmx/2009/dimension#")
SDMX_MEASURE = Namespace("http://purl.org/linked-data/sdmx/2009/measure#")
STATISTICS = ID["dataset/county-statistics"]


def document_iri(doc_id: str) -> URIRef:
    return ID[f"doc/{quote(doc_id, safe='')}"]


def entity_iri(key: str) -> URIRef:
    return ID[key]


def mention_iri(m: Mention) -> URIRef:
    return ID[f"mention/{short_hash(m.doc_id, str(m.start), str(m.end), m.label, size=8)}"]


class _Triples(list):
    """Triples gathered and written to the graph in batches (see ``_write``): bulk loading is
    fast, and the batch size bounds the memory the terms take on a large corpus."""

    BATCH = 100_000

    def __init__(self, graph: Graph):
        super().__init__()
        self.graph = graph

    def add(self, triple) -> None:
        self.append(triple)
        if len(self) >= self.BATCH:
            self.flush()

    def flush(self) -> None:
        _write(self.graph, self)
        self.clear()


def _write(graph: Graph, triples: list) -> None:
    """Put ``triples`` into ``graph``.

    An Oxigraph-backed graph (oxrdflib) converts every term it is given one by one, which
    took most of a build's time; handing it the triples as Turtle text lets Oxigraph's own
    parser load them in bulk, some ten times faster.
    """
    if type(graph.store).__name__ == "OxigraphStore":
        text = "".join(f"{s.n3()} {p.n3()} {o.n3()} .\n" for s, p, o in triples)
        graph.parse(data=text, format="ox-turtle")
    else:
        graph.addN((s, p, o, graph) for s, p, o in triples)


def to_graph(kb: KnowledgeBase, graph: Graph | None = None) -> Graph:
    """Write the knowledge base into ``graph`` (a new in-memory graph by default)."""
    out = graph if graph is not None else Graph()
    g = _Triples(out)
    for prefix, ns in (
        ("ckg", CKG), ("skos", SKOS), ("prov", PROV), ("kgid", ID), ("schema", SDO), ("qb", QB),
        ("sdmx-dimension", SDMX_DIMENSION), ("sdmx-measure", SDMX_MEASURE),
    ):
        out.bind(prefix, ns)
    documents: dict[str, Document] = {}
    sentences = {}
    for extraction in kb.extractions:
        doc = extraction.document
        documents[doc.doc_id] = doc
        sentences[doc.doc_id] = extraction.sentences
        iri = document_iri(doc.doc_id)
        g.add((iri, RDF.type, CKG.Document))
        g.add((iri, CKG.sourceFile, Literal(doc.source_file)))

    def add_evidence(node: URIRef, kind: URIRef, doc_id: str, start: int, end: int, sentence: int, rule: str) -> URIRef:
        doc = documents[doc_id]
        raw_start, raw_end = doc.raw_span(start, end)
        g.add((node, RDF.type, kind))
        g.add((node, PROV.wasQuotedFrom, document_iri(doc_id)))
        g.add((node, CKG.sentence, Literal(sentences[doc_id][sentence].text, lang="zh")))
        g.add((node, CKG.startOffset, Literal(raw_start, datatype=XSD.integer)))
        g.add((node, CKG.endOffset, Literal(raw_end, datatype=XSD.integer)))
        g.add((node, CKG.extractedBy, Literal(rule)))
        g.add((node, PROV.value, Literal(doc.text[start:end], lang="zh")))
        return node

    def add_mention(m: Mention, entity: URIRef) -> URIRef:
        node = add_evidence(mention_iri(m), CKG.Mention, m.doc_id, m.start, m.end, m.sentence, m.rule)
        g.add((node, CKG.mentionOf, entity))
        return node

    for entity in kb.entities:
        iri = entity_iri(entity.key)
        g.add((iri, RDF.type, CKG[entity.label]))
        g.add((iri, RDFS.label, Literal(entity.name, lang="zh")))
        for alias in sorted(entity.aliases):
            g.add((iri, SKOS.altLabel, Literal(alias, lang="zh")))
        if entity.code:
            g.add((iri, CKG.divisionCode, Literal(entity.code)))
        for m in entity.mentions:
            g.add((iri, CKG.mentionedIn, document_iri(m.doc_id)))
            add_mention(m, iri)

    for relation in kb.relations:
        statement = _statement(g, entity_iri(relation.head), CKG[relation.type], entity_iri(relation.tail))
        for evidence in relation.evidence:
            g.add((statement, PROV.wasDerivedFrom, mention_iri(evidence.head)))
            g.add((statement, PROV.wasDerivedFrom, mention_iri(evidence.tail)))
            g.add((statement, CKG.extractedBy, Literal(evidence.rule)))
    for item in kb.facts:
        _add_fact(g, item, add_evidence)
    g.flush()
    return out


def _statement(g: Graph, subject: URIRef, predicate: URIRef, value, evidence: URIRef | None = None) -> URIRef:
    """Add a plain triple and its reification (an rdf:Statement), derived from ``evidence``."""
    g.add((subject, predicate, value))
    node = ID[f"statement/{short_hash(str(subject), str(predicate), str(value), size=8)}"]
    g.add((node, RDF.type, RDF.Statement))
    g.add((node, RDF.subject, subject))
    g.add((node, RDF.predicate, predicate))
    g.add((node, RDF.object, value))
    if evidence is not None:
        g.add((node, PROV.wasDerivedFrom, evidence))
    return node


def _add_fact(g: Graph, item: EntityFact, add_evidence) -> None:
    fact, subject = item.fact, entity_iri(item.entity)
    doc_id = fact.subject.doc_id
    ident = short_hash(doc_id, str(fact.start), str(fact.end), fact.property, fact.indicator, size=8)
    evidence = add_evidence(ID[f"evidence/{ident}"], CKG.Evidence, doc_id, fact.start, fact.end, fact.sentence, fact.rule)
    if fact.property == "investment":
        amount = ID[f"amount/{ident}"]
        g.add((subject, CKG.investment, amount))
        g.add((amount, RDF.type, SDO.MonetaryAmount))
        g.add((amount, SDO.value, Literal(fact.value, datatype=XSD.decimal)))
        g.add((amount, SDO.currency, Literal(fact.unit)))
        g.add((amount, PROV.wasDerivedFrom, evidence))
    elif fact.property == "capacity":
        quantity = ID[f"quantity/{ident}"]
        g.add((subject, CKG.capacity, quantity))
        g.add((quantity, RDF.type, SDO.QuantitativeValue))
        g.add((quantity, SDO.value, Literal(fact.value, datatype=XSD.decimal)))
        g.add((quantity, SDO.unitText, Literal(fact.unit, lang="zh")))
        g.add((quantity, PROV.wasDerivedFrom, evidence))
    elif fact.property == "phase":
        _statement(g, subject, CKG.phase, Literal(int(fact.value), datatype=XSD.integer), evidence)
    elif fact.property == "year":
        _statement(g, subject, CKG.year, Literal(fact.value, datatype=XSD.gYear), evidence)
    elif fact.property == "status":
        status = ID[f"status/{fact.value}"]
        _statement(g, subject, CKG.status, status, evidence)
        _add_concept(g, status, CKG.ProjectStatus, next(s for s in default_fact_rules().statuses if s.id == fact.value))
    elif fact.property == "statistic":
        observation = ID[f"observation/{ident}"]
        indicator = ID[f"indicator/{fact.indicator}"]
        g.add((STATISTICS, RDF.type, QB.DataSet))
        g.add((STATISTICS, QB.structure, CKG.countyStatisticsStructure))
        g.add((observation, RDF.type, QB.Observation))
        g.add((observation, QB.dataSet, STATISTICS))
        g.add((observation, SDMX_DIMENSION.refArea, subject))
        if fact.year:
            g.add((observation, SDMX_DIMENSION.refPeriod, Literal(str(fact.year), datatype=XSD.gYear)))
        g.add((observation, CKG.indicator, indicator))
        g.add((observation, SDMX_MEASURE.obsValue, Literal(fact.value, datatype=XSD.decimal)))
        g.add((observation, SDO.currency, Literal(fact.unit)))
        g.add((observation, PROV.wasDerivedFrom, evidence))
        _add_concept(g, indicator, CKG.Indicator, next(i for i in default_fact_rules().indicators if i.id == fact.indicator))


def _add_concept(g: Graph, node: URIRef, kind: URIRef, term) -> None:
    g.add((node, RDF.type, kind))
    g.add((node, RDF.type, SKOS.Concept))
    g.add((node, SKOS.prefLabel, Literal(term.label_zh, lang="zh")))
    g.add((node, SKOS.prefLabel, Literal(term.label_en, lang="en")))
