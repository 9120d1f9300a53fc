"""Extractions and the KnowledgeBase -> RDF: the contract of annotation guide §5, plus provenance.

Almost all of it is determined by one document alone (``document_triples``: made with the
extraction, in the workers, and cached with it); only the entities' names and aliases wait
for the whole corpus (``entity_triples``). Both are N-Triples, which ``GraphLoader`` hands
to the graph in batches of UTF-8 bytes.

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
from concurrent.futures import Future, ThreadPoolExecutor
from typing import BinaryIO
from urllib.parse import quote

from rdflib import RDF, RDFS, SKOS, XSD, Graph, Namespace, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.namespace import PROV, QB, SDO

from kg.facts import default_fact_rules
from kg.names import short_hash
from kg.resolve import keys_of
from kg.types import (
    ENTITY_CLASSES,
    RELATION_TYPES,
    Extraction,
    Fact,
    KnowledgeBase,
    Mention,
)
from kg.vocab import CKG, ID

SDMX_DIMENSION = Namespace("http://purl.org/linked-data/sdmx/2009/dimension#")
SDMX_MEASURE = Namespace("http://purl.org/linked-data/sdmx/2009/measure#")
STATISTICS = ID["dataset/county-statistics"]
PREFIXES = {
    "ckg": CKG, "skos": SKOS, "prov": PROV, "kgid": ID, "schema": SDO, "qb": QB,
    "sdmx-dimension": SDMX_DIMENSION, "sdmx-measure": SDMX_MEASURE,
}


_ID = str(ID)  # hot paths format IRIs as text: rdflib's Namespace lookups cost seconds at 10 MB


def document_iri(doc_id: str) -> URIRef:
    return ID[f"doc/{quote(doc_id, safe='')}"]


def entity_iri(key: str) -> URIRef:
    return URIRef(_entity(key)[1:-1])


def mention_iri(m: Mention) -> URIRef:
    return URIRef(_mention(m)[1:-1])


def _mention(m: Mention) -> str:
    return f"<{_ID}mention/{short_hash(m.doc_id, str(m.start), str(m.end), m.label, size=8)}>"


def _entity(key: str) -> str:
    return f"<{_ID}{key}>"


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


_INTEGER = f"^^<{XSD.integer}>"
_CKG = {name: f"<{CKG[name]}>" for name in (*ENTITY_CLASSES, *RELATION_TYPES, "Mention", "Evidence")}
A, LABEL, ALT, PREF = _i(RDF.type), _i(RDFS.label), _i(SKOS.altLabel), _i(SKOS.prefLabel)
DERIVED, EXTRACTED_BY = _i(PROV.wasDerivedFrom), _i(CKG.extractedBy)
QUOTED_FROM, SENTENCE, VALUE = _i(PROV.wasQuotedFrom), _i(CKG.sentence), _i(PROV.value)
START, END, MENTION_OF, MENTIONED_IN = _i(CKG.startOffset), _i(CKG.endOffset), _i(CKG.mentionOf), _i(CKG.mentionedIn)


def document_triples(extraction: Extraction) -> bytes:
    """The RDF that one document alone determines, as N-Triples: the document, its mentions
    with their evidence, the types of the entities they mention, the relations it states
    and its facts. Entity keys come from ``extraction.keys`` (resolution within the document)."""
    doc, sentences = extraction.document, extraction.sentences
    keys = keys_of(extraction)
    key_of = {(m.label, m.text): key for m, key in zip(extraction.mentions, keys)}
    doc_iri = _i(document_iri(doc.doc_id))
    out = [f"{doc_iri} {A} {_i(CKG.Document)} .\n{doc_iri} {_i(CKG.sourceFile)} {_str(doc.source_file)} .\n"]
    # Nodes already described in this document: a word that states the status of three
    # projects is one evidence node, written once (not three times for the store to drop).
    described: set[str] = set()
    sentence_literals: dict[int, str] = {}  # a sentence is quoted by each of its mentions

    def evidence(node: str, kind: str, start: int, end: int, sentence: int, rule: str) -> str:
        if not _first(described, node):
            return ""
        if sentence not in sentence_literals:
            sentence_literals[sentence] = _zh(sentences[sentence].text)
        raw_start, raw_end = doc.raw_span(start, end)
        return (  # one string for the node's seven triples: fewer, larger pieces are faster
            f"{node} {A} {kind} .\n"
            f"{node} {QUOTED_FROM} {doc_iri} .\n"
            f"{node} {SENTENCE} {sentence_literals[sentence]} .\n"
            f'{node} {START} "{raw_start}"{_INTEGER} .\n'
            f'{node} {END} "{raw_end}"{_INTEGER} .\n'
            f"{node} {EXTRACTED_BY} {_str(rule)} .\n"
            f"{node} {VALUE} {_zh(doc.text[start:end])} .\n"
        )

    for key, label in dict(zip(keys, (m.label for m in extraction.mentions))).items():
        iri = _entity(key)
        out.append(f"{iri} {A} {_CKG[label]} .\n{iri} {MENTIONED_IN} {doc_iri} .\n")
    for m, key in zip(extraction.mentions, keys):
        node = _mention(m)
        out.append(f"{node} {MENTION_OF} {_entity(key)} .\n")
        out.append(evidence(node, _CKG["Mention"], m.start, m.end, m.sentence, m.rule))
    for r in extraction.relations:
        head, tail = key_of.get((r.head.label, r.head.text)), key_of.get((r.tail.label, r.tail.text))
        if head and tail and head != tail:
            statement = _statement(out, described, _entity(head), _CKG[r.type], _entity(tail))  # reified once
            out.append(
                f"{statement} {DERIVED} {_mention(r.head)} .\n"
                f"{statement} {DERIVED} {_mention(r.tail)} .\n"
                f"{statement} {EXTRACTED_BY} {_str(r.rule)} .\n"
            )
    for fact in extraction.facts:
        key = key_of.get((fact.subject.label, fact.subject.text))
        if key:
            _fact(out, described, _entity(key), fact, doc.doc_id, evidence)
    # Bytes: encoded once, where the document is extracted (a worker process, with --jobs),
    # and loaded as they are; a str would be decoded and encoded again in the main process.
    return "".join(out).encode("utf-8")


def entity_triples(kb: KnowledgeBase) -> Iterator[str]:
    """What only the whole corpus determines: each entity's name, aliases and code."""
    for entity in kb.entities:
        iri = _entity(entity.key)
        yield f"{iri} {LABEL} {_zh(entity.name)} .\n"
        for alias in sorted(entity.aliases):
            yield f"{iri} {ALT} {_zh(alias)} .\n"
        if entity.code:
            yield f"{iri} {_i(CKG.divisionCode)} {_str(entity.code)} .\n"


class GraphLoader:
    """Hands N-Triples (UTF-8) to a graph in batches. An Oxigraph-backed graph (oxrdflib) gets
    it straight into its store through Oxigraph's own parser (rdflib's ``Graph.parse`` cost
    three times as long): bulk-loaded into an on-disk store (a transaction per batch made it
    many times slower), loaded without re-validating IRIs into an in-memory one (the text is
    ours: IRIs from ASCII keys, literals escaped by ``_zh``/``_str``; 40% faster). The batch
    size bounds the memory the text takes."""

    def __init__(self, graph: Graph, batch_bytes: int = 25_000_000, *, on_disk: bool = False, copy_to: BinaryIO | None = None):
        self.graph, self.batch_bytes, self.on_disk = graph, batch_bytes, on_disk
        self.copy_to = copy_to  # a file that gets every batch too (a build on disk writes its files from it)
        self.store = oxigraph_of(graph)
        self.pending: list[bytes] = []
        self.size = 0
        self.loading: Future | None = None  # the batch Oxigraph is parsing, in a thread
        for prefix, ns in PREFIXES.items():
            graph.bind(prefix, ns)

    def add(self, data: bytes) -> None:
        """Add UTF-8 N-Triples."""
        self.pending.append(data)
        self.size += len(data)
        if self.size >= self.batch_bytes:
            self.send()

    def flush(self) -> None:
        """Load everything added so far; return once the graph holds it."""
        self.send()
        if self.loading is not None:
            self.loading.result()
            self.loading = None
        if self.copy_to is not None:
            self.copy_to.flush()

    def send(self) -> None:
        """Start loading everything added so far; return without waiting for it."""
        if not self.pending:
            return
        data = b"".join(self.pending)
        self.pending, self.size = [], 0
        if self.copy_to is not None:
            self.copy_to.write(data)
        if self.store is None:
            self.graph.parse(data=data.decode("utf-8"), format="nt")
            return
        # Oxigraph parses without holding Python's lock, so the next batch is extracted while
        # this one loads; one batch at a time in flight bounds the memory the text takes.
        if self.loading is not None:
            self.loading.result()
        self.loading = _LOADER.submit(self._load, data)

    def _load(self, data: bytes) -> None:
        import pyoxigraph as ox

        name = oxigraph_graph_name(self.graph)
        if self.on_disk:
            self.store.bulk_load(data, format=ox.RdfFormat.N_TRIPLES, to_graph=name)
        else:
            self.store.load(data, format=ox.RdfFormat.N_TRIPLES, to_graph=name, lenient=True)


_LOADER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kg-store-load")


def oxigraph_of(graph: Graph):
    """The pyoxigraph.Store under an Oxigraph-backed graph (oxrdflib) named by an IRI, else
    None: the graph is then a graph of the store that Oxigraph can address
    (``oxigraph_graph_name``)."""
    if type(graph.store).__name__ != "OxigraphStore" or not isinstance(graph.identifier, URIRef):
        return None
    return getattr(graph.store, "_inner", None)


def oxigraph_graph_name(graph: Graph):
    """The graph's name in its Oxigraph store: the store's default graph for rdflib's
    ``DATASET_DEFAULT_GRAPH_ID`` (as oxrdflib maps it), else the named graph of that IRI."""
    import pyoxigraph as ox

    return ox.DefaultGraph() if graph.identifier == DATASET_DEFAULT_GRAPH_ID else ox.NamedNode(str(graph.identifier))


STATEMENT, SUBJECT, PREDICATE, OBJECT = _i(RDF.Statement), _i(RDF.subject), _i(RDF.predicate), _i(RDF.object)


def _first(described: set[str], node: str) -> bool:
    """True the first time ``node`` is met in a document, which then counts it described."""
    if node in described:
        return False
    described.add(node)
    return True


def _statement(out: list[str], described: set[str], subject: str, predicate: str, value: str, evidence: str | None = None) -> str:
    """Add a plain triple and its reification (an rdf:Statement, unless ``described``
    already holds it), derived from ``evidence``; return the statement's node."""
    node = f"<{_ID}statement/{short_hash(subject[1:-1], predicate[1:-1], _n3_value(value), size=8)}>"
    if _first(described, node):
        out.append(
            f"{subject} {predicate} {value} .\n"
            f"{node} {A} {STATEMENT} .\n"
            f"{node} {SUBJECT} {subject} .\n"
            f"{node} {PREDICATE} {predicate} .\n"
            f"{node} {OBJECT} {value} .\n"
        )
    if evidence is not None:
        out.append(f"{node} {DERIVED} {evidence} .\n")
    return node


def _n3_value(value: str) -> str:
    """What ``str()`` of the rdflib term gave (an IRI, or a literal's lexical form), so that
    statement nodes keep their names."""
    if value.startswith("<"):
        return value[1:-1]
    return value[1 : value.rindex('"')]


# fact property -> (IRI path, class, unit property, how the unit is written)
_VALUE_NODES = {
    "investment": ("amount", SDO.MonetaryAmount, SDO.currency, _str),  # CNY
    "capacity": ("quantity", SDO.QuantitativeValue, SDO.unitText, _zh),  # 兆瓦, 万吨/年 …
}


def _fact(out: list[str], described: set[str], subject: str, fact: Fact, doc_id: str, evidence) -> None:
    ident = short_hash(doc_id, str(fact.start), str(fact.end), fact.property, fact.indicator, size=8)
    source = f"<{_ID}evidence/{ident}>"
    out.append(evidence(source, _CKG["Evidence"], fact.start, fact.end, fact.sentence, fact.rule))
    if fact.property in _VALUE_NODES:
        path, kind, unit_property, unit = _VALUE_NODES[fact.property]
        node = f"<{_ID}{path}/{ident}>"
        out.append(
            f"{subject} {_i(CKG[fact.property])} {node} .\n"
            f"{node} {A} {_i(kind)} .\n"
            f"{node} {_i(SDO.value)} {_typed(fact.value, XSD.decimal)} .\n"
            f"{node} {_i(unit_property)} {unit(fact.unit)} .\n"
            f"{node} {DERIVED} {source} .\n"
        )
    elif fact.property == "phase":
        _statement(out, described, subject, _i(CKG.phase), _typed(int(fact.value), XSD.integer), source)
    elif fact.property == "year":
        _statement(out, described, subject, _i(CKG.year), _typed(fact.value, XSD.gYear), source)
    elif fact.property == "status":
        status = f"<{_ID}status/{fact.value}>"
        _statement(out, described, subject, _i(CKG.status), status, source)
        _concept(out, described, status, CKG.ProjectStatus, next(s for s in default_fact_rules().statuses if s.id == fact.value))
    elif fact.property == "statistic":
        observation = f"<{_ID}observation/{ident}>"
        indicator = f"<{_ID}indicator/{fact.indicator}>"
        dataset = _i(STATISTICS)
        out.append(
            f"{dataset} {A} {_i(QB.DataSet)} .\n"
            f"{dataset} {_i(QB.structure)} {_i(CKG.countyStatisticsStructure)} .\n"
            f"{observation} {A} {_i(QB.Observation)} .\n"
            f"{observation} {_i(QB.dataSet)} {dataset} .\n"
            f"{observation} {_i(SDMX_DIMENSION.refArea)} {subject} .\n"
            f"{observation} {_i(CKG.indicator)} {indicator} .\n"
            f"{observation} {_i(SDMX_MEASURE.obsValue)} {_typed(fact.value, XSD.decimal)} .\n"
            f"{observation} {_i(SDO.currency)} {_str(fact.unit)} .\n"
            f"{observation} {DERIVED} {source} .\n"
        )
        if fact.year:
            out.append(f"{observation} {_i(SDMX_DIMENSION.refPeriod)} {_typed(fact.year, XSD.gYear)} .\n")
        _concept(out, described, indicator, CKG.Indicator, next(i for i in default_fact_rules().indicators if i.id == fact.indicator))


def _concept(out: list[str], described: set[str], node: str, kind: URIRef, term) -> None:
    if not _first(described, node):
        return
    out.append(
        f"{node} {A} {_i(kind)} .\n"
        f"{node} {A} {_i(SKOS.Concept)} .\n"
        f"{node} {PREF} {_zh(term.label_zh)} .\n"
        f"{node} {PREF} {_zh(term.label_en, 'en')} .\n"
    )
