"""KnowledgeBase -> rdflib.Graph: the contract of annotation guide §5, plus provenance.

The contract's triples are plain (type, label, altLabel, mentionedIn, sourceFile and the
four relations). Provenance sits on separate nodes so it never disturbs them:

- each mention is a ``ckg:Mention`` (a ``prov:Entity``) with ``ckg:mentionOf`` the entity,
  ``prov:value`` the words as written (normalised), ``prov:wasQuotedFrom`` the document,
  ``ckg:sentence``, ``ckg:startOffset`` and
  ``ckg:endOffset`` (characters of the decoded original file) and ``ckg:extractedBy``;
- each relation is also an ``rdf:Statement`` whose ``prov:wasDerivedFrom`` are the mentions
  of its two ends in the sentence that states it, with ``ckg:extractedBy`` the rule.
"""

from __future__ import annotations

from urllib.parse import quote

from rdflib import RDF, RDFS, SKOS, XSD, Graph, Literal, URIRef
from rdflib.namespace import PROV

from kg.names import short_hash
from kg.types import Document, KnowledgeBase, Mention
from kg.vocab import CKG, ID


def document_iri(doc_id: str) -> URIRef:
    return ID[f"doc/{quote(doc_id, safe='')}"]


def entity_iri(key: str) -> URIRef:
    return ID[key]


def mention_iri(m: Mention) -> URIRef:
    return ID[f"mention/{short_hash(m.doc_id, str(m.start), str(m.end), m.label, size=8)}"]


def to_graph(kb: KnowledgeBase, graph: Graph | None = None) -> Graph:
    """Write the knowledge base into ``graph`` (a new in-memory graph by default)."""
    g = graph if graph is not None else Graph()
    for prefix, ns in (("ckg", CKG), ("skos", SKOS), ("prov", PROV), ("kgid", ID)):
        g.bind(prefix, ns)
    documents: dict[str, Document] = {}
    sentences = {}
    for extraction in kb.extractions:
        doc = extraction.document
        documents[doc.doc_id] = doc
        sentences[doc.doc_id] = extraction.sentences
        iri = document_iri(doc.doc_id)
        g.add((iri, RDF.type, CKG.Document))
        g.add((iri, CKG.sourceFile, Literal(doc.source_file)))

    def add_mention(m: Mention, entity: URIRef) -> URIRef:
        node = mention_iri(m)
        doc = documents[m.doc_id]
        start, end = doc.raw_span(m.start, m.end)
        g.add((node, RDF.type, CKG.Mention))
        g.add((node, CKG.mentionOf, entity))
        g.add((node, PROV.wasQuotedFrom, document_iri(m.doc_id)))
        g.add((node, CKG.sentence, Literal(sentences[m.doc_id][m.sentence].text, lang="zh")))
        g.add((node, CKG.startOffset, Literal(start, datatype=XSD.integer)))
        g.add((node, CKG.endOffset, Literal(end, datatype=XSD.integer)))
        g.add((node, CKG.extractedBy, Literal(m.rule)))
        g.add((node, PROV.value, Literal(m.text, lang="zh")))
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
        head, prop, tail = entity_iri(relation.head), CKG[relation.type], entity_iri(relation.tail)
        g.add((head, prop, tail))
        statement = ID[f"statement/{short_hash(relation.head, relation.type, relation.tail, size=8)}"]
        g.add((statement, RDF.type, RDF.Statement))
        g.add((statement, RDF.subject, head))
        g.add((statement, RDF.predicate, prop))
        g.add((statement, RDF.object, tail))
        for evidence in relation.evidence:
            g.add((statement, PROV.wasDerivedFrom, mention_iri(evidence.head)))
            g.add((statement, PROV.wasDerivedFrom, mention_iri(evidence.tail)))
            g.add((statement, CKG.extractedBy, Literal(evidence.rule)))
    return g
