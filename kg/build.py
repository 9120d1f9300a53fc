"""The one place that chains the stages: files -> Documents -> Extractions -> KnowledgeBase -> files."""

from __future__ import annotations

import gc
import itertools
import time
from array import array
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import BinaryIO

from rdflib import Graph
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

from kg import export, rdf, visualize
from kg.cache import ExtractionCache
from kg.errors import InputError
from kg.facts import find_facts
from kg.load import MAX_BYTES, find_articles, iter_texts
from kg.names import short_hash
from kg.normalize import normalize, simplified
from kg.places import gazetteer
from kg.relations import find_relations
from kg.resolve import document_keys, resolve
from kg.types import Article, Document, Extraction, KnowledgeBase, Mention

# The graph is the store's default graph (oxrdflib maps rdflib's default-graph IRI to it), for
# which Oxigraph keeps three indexes where a named graph has six: on disk at 100 MB a build
# takes some 20% less time and its store some 40% less space (benchmarks/README.md).
GRAPH_NAME = DATASET_DEFAULT_GRAPH_ID


@dataclass
class BuildResult:
    kb: KnowledgeBase
    graph: Graph
    skipped: list[InputError] = field(default_factory=list)
    outputs: list[Path] = field(default_factory=list)
    seconds: float = 0.0
    cached: int = 0  # documents taken from the cache, not extracted

    def summary(self) -> dict:
        return {
            "documents": len(self.kb.extractions),
            "skipped": len(self.skipped),
            "cached": self.cached,
            "entities": dict(sorted(Counter(e.label for e in self.kb.entities).items())),
            "relations": dict(sorted(Counter(r.type for r in self.kb.relations).items())),
            "seconds": round(self.seconds, 2),
        }


def new_graph(store_dir: str | Path | None = None) -> Graph:
    """An rdflib Graph held in an Oxigraph store (oxrdflib): fast to fill and to write.

    With ``store_dir`` the store lives on disk there (and is emptied of an earlier build),
    for ``kg query`` and ``kg serve`` to use directly.
    """
    # Prefixes: rdflib's core ones and the graph's own (rdf.PREFIXES), not the two dozen
    # rdflib binds by default (brick, odrl, doap …), which would head every Turtle file.
    graph = Graph(store="Oxigraph", identifier=GRAPH_NAME, bind_namespaces="core")
    if store_dir is not None:
        Path(store_dir).parent.mkdir(parents=True, exist_ok=True)
        try:
            graph.open(str(store_dir), create=not Path(store_dir).exists())
        except OSError as error:
            hint = "; `kg serve` or another build is using it: stop that first or build into another folder"
            raise InputError(f"{store_dir}: cannot open the store ({error})" + (hint if "lock" in str(error).lower() else "")) from None
        rdf.oxigraph_of(graph).clear()  # an earlier build's graph, at once (not triple by triple)
    return graph


def make_document(article: Article) -> Document:
    text, origin = normalize(article.raw)
    name = Path(article.source_file)
    converted = simplified(text)
    return Document(
        doc_id=name.stem, source_file=name.name, text=converted or text, origin=array("i", origin),
        written=text if converted else "",
    )


def with_written_forms(mentions: tuple[Mention, ...], document: Document) -> tuple[Mention, ...]:
    """In a document converted to simplified characters each mention also carries the form
    as written (慶元縣 beside 庆元县): an alias of its entity, never its name."""
    if not document.written:
        return mentions
    return tuple(
        replace(m, written=written) if (written := document.written[m.start : m.end]) != m.text else m
        for m in mentions
    )


def extract(articles: Iterable[Article], nlp=None) -> Iterator[Extraction]:
    """Normalise articles and run the spaCy pipeline over them, one Doc in memory at a time
    (in a worker process, with ``--jobs``: normalisation is part of the per-article work).

    The pipeline is built when the first document arrives: a build whose articles all come
    from the cache never loads it.
    """
    documents = map(make_document, articles)
    first = next(documents, None)
    if first is None:
        return
    from kg.entities import (
        mentions_from_doc,  # spaCy loads only when there is work for it
    )

    if nlp is None:
        from kg.nlp import make_nlp

        nlp = make_nlp()
    places = gazetteer()
    relation_models = nlp.get_pipe("kg_relation_models")
    pending = ((d.text, d) for d in itertools.chain([first], documents))
    for doc, document in nlp.pipe(pending, as_tuples=True):
        sentences, mentions, nested = mentions_from_doc(doc, document.doc_id)
        mentions = with_written_forms(mentions, document)
        relations = find_relations(mentions, nested, places, sentences, document.text)
        relations = relation_models.rescore(mentions, relations, document.text)
        facts = find_facts(document.text, sentences, mentions)
        divisions = {m.key for m in mentions if m.label in ("Township", "Village") and m.key}
        extraction = Extraction(
            document, sentences, mentions, relations, nested, facts, document_keys(mentions, relations),
            division_names=tuple(sorted((key, name) for key in divisions if (name := places.official_name(key)))),
        )
        yield replace(extraction, triples=rdf.document_triples(extraction)).without_text()


@contextmanager
def _cycle_collection(every: int | None):
    """Python's cycle collector during one phase: its youngest objects collected every
    ``every`` allocations instead of 700, or (None) not at all; as it was afterwards, also
    on error.

    A build makes millions of small objects that live to its end (mentions, candidates,
    spans): the collector kept walking them (1 of 13 s of extraction at 10 MB) and found
    almost no cyclic garbage, so a build collects every 10,000 (peak memory measured
    unchanged). Naming the entities makes many objects and no cycles at all, so it runs
    without the collector (30 MB of articles: naming 2.6 -> 1.7 s)."""
    thresholds, enabled = gc.get_threshold(), gc.isenabled()
    if every is None:
        gc.disable()
    else:
        gc.set_threshold(every, *thresholds[1:])
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        if enabled:
            gc.enable()


@contextmanager
def _scratch_file(path: Path | None) -> Iterator[BinaryIO | None]:
    """The file ``path`` (None: no file), emptied first and removed afterwards, also on error."""
    if path is None:
        yield None
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with open(path, "wb") as file:
            yield file
    finally:
        path.unlink(missing_ok=True)


def _copy_path(out_dir: str | Path | None, store_dir: str | Path | None) -> Path | None:
    """Where a build on disk keeps the copy of the N-Triples it loads: in ``out_dir``, named
    after the store. The store's lock keeps any other build away from that name while this
    one runs, and the next build on the store overwrites what a killed one left (some 2 GB
    at 100 MB of articles)."""
    if out_dir is None or store_dir is None:
        return None
    return Path(out_dir) / f".kg.{short_hash(str(Path(store_dir).resolve()), size=8)}.nt.tmp"


@_cycle_collection(every=10_000)
def build(
    paths: Iterable[str | Path],
    out_dir: str | Path | None = None,
    *,
    max_bytes: int = MAX_BYTES,
    progress: Callable[[Iterable], Iterable] | None = None,
    formats: Iterable[str] = ("ttl",),
    html_per_county: bool = False,
    jobs: int = 1,
    cache: ExtractionCache | None = None,
    store_dir: str | Path | None = None,
    engine: str = "local",
    dask_scheduler: str | None = None,
    nlp=None,
) -> BuildResult:
    """Build the knowledge graph of the articles under ``paths``; write it to ``out_dir``.

    Writes ``kg.ttl`` (and ``kg.nt``, ``kg.jsonld``, ``kg.graphml`` for the other ``formats``)
    and ``graph.html`` (and ``counties/<code>.html``, one page per county, on request).
    Files that cannot be read are skipped and reported in ``BuildResult.skipped``. With
    ``jobs`` > 1 articles are extracted in that many processes; with a ``cache``, articles
    extracted before (same text, same extractor) are taken from it. With ``store_dir`` the
    graph is also kept in an on-disk Oxigraph store there. ``engine="dask"`` runs extraction
    as Dask tasks (local processes, or the cluster at ``dask_scheduler``). ``nlp``: the
    pipeline to extract with in this process (default: ``make_nlp()``), e.g. with another model.

    Raises:
        InputError: a path does not exist, or no article could be read.
    """
    started, started_at = time.perf_counter(), time.time()
    files = find_articles(paths)
    if not files:
        raise InputError("no .txt articles found in " + ", ".join(map(str, paths)))
    skipped: list[InputError] = []
    keys: dict[str, str] = {}  # doc_id -> cache key of the text it was read from
    cached = 0

    # Each document's RDF goes to the graph as it comes; only what corpus-level resolution
    # needs is kept, so memory does not grow with the text of the corpus. A build on disk also
    # keeps a copy of the N-Triples it loads, to write the graph files from (export.write_graph
    # says why), opened once the store is ours and removed when the build ends.
    graph = new_graph(store_dir)
    copy_path = _copy_path(out_dir, store_dir)
    with _scratch_file(copy_path) as copy:
        loader = rdf.GraphLoader(graph, on_disk=store_dir is not None, copy_to=copy)
        extractions: list[Extraction] = []

        def take(extraction: Extraction) -> None:
            loader.add(extraction.triples)
            extractions.append(replace(extraction, triples=b""))  # resolution needs the mentions only

        # The engine may read the articles in a thread of its own (a process pool's), so there
        # they are only put in order; every extraction is taken in this thread, in the order of
        # the files, whatever the engine and whatever the cache holds: the store then fills in
        # the same order, and kg.ttl comes out the same bytes with any --jobs.
        order: deque[Path | None] = deque()  # per readable file: its path if the cache holds it, None if extracted

        def articles() -> Iterator[Article]:
            """Readable articles that the cache does not already hold."""
            items = iter_texts(files, max_bytes=max_bytes)
            for path, text in progress(items) if progress else items:
                if isinstance(text, InputError):
                    skipped.append(text)
                    continue
                if cache is not None:
                    keys[path.stem] = cache.key(path.name, text)
                    if cache.holds(keys[path.stem]):
                        order.append(path)
                        continue
                order.append(None)
                yield Article(path.name, text)

        def cached_until_next_extracted() -> Iterator[tuple[Extraction, bool]]:
            """(extraction, True if just extracted) of the files the cache holds, up to the next
            file the engine extracts. An entry that cannot be read (cut short by a crash: kg.cache)
            is extracted here, in this process."""
            while order and order[0] is not None:
                path = order.popleft()
                hit = cache.get(keys[path.stem])
                if hit is not None and hit.document.doc_id == path.stem and hit.triples:
                    yield hit, False
                    continue
                for _, text in iter_texts([path], max_bytes=max_bytes):
                    if isinstance(text, InputError):
                        skipped.append(text)
                    else:
                        yield from ((extraction, True) for extraction in extract([Article(path.name, text)]))

        def in_file_order(extracted: Iterable[Extraction]) -> Iterator[tuple[Extraction, bool]]:
            """Every readable file's (extraction, True if just extracted), cached and not, in
            the order of the files."""
            for extraction in extracted:  # every engine gives them in the order of its articles
                yield from cached_until_next_extracted()
                order.popleft()  # this extraction's place
                yield extraction, True
            yield from cached_until_next_extracted()

        if engine == "dask":
            from kg.engines import extract_with_dask

            fresh = extract_with_dask(articles(), scheduler=dask_scheduler)
        elif jobs > 1:
            from kg.engines import extract_in_processes

            fresh = extract_in_processes(articles(), jobs)
        else:
            fresh = extract(articles(), nlp)
        for extraction, extracted in in_file_order(fresh):
            if not extracted:
                cached += 1
            elif cache:
                cache.put(keys[extraction.document.doc_id], extraction)
            take(extraction)
        if not extractions:
            raise InputError("no article could be read: " + "; ".join(str(e) for e in skipped))
        if cache:
            cache.keep_only(keys.values(), started=started_at)  # the articles of the last build (kg.cache)
        loader.send()  # the last documents load while the entities are named (0.3 s at 10 MB)
        division_names = dict(pair for extraction in extractions for pair in extraction.division_names)
        with _cycle_collection(every=None):
            kb = resolve(extractions, lambda key: division_names.get(key) or gazetteer().official_name(key))
        for text in rdf.entity_triples(kb):
            loader.add(text.encode("utf-8"))
        loader.flush()
        result = BuildResult(kb, graph, skipped, cached=cached)
        with ThreadPoolExecutor(max_workers=1) as background:
            # Bulk loading leaves the store in many overlapping files: compacted once, a store
            # takes about half the space and its queries run 1.5-2x faster. Oxigraph compacts
            # without Python's lock and answers reads meanwhile, so the files are written at
            # the same time.
            compacted = background.submit(rdf.oxigraph_of(graph).optimize) if store_dir is not None else None
            if out_dir is not None:
                result.outputs = _write_files(graph, Path(out_dir), formats, html_per_county, copy_path, started_at)
            if compacted is not None:
                compacted.result()
    result.seconds = time.perf_counter() - started
    return result


def _write_files(graph: Graph, out: Path, formats: Iterable[str], html_per_county: bool, ntriples: Path | None,
                 started: float) -> list[Path]:
    """The graph files, the explorer page and the per-county pages; ``ntriples``, a copy of
    the graph as N-Triples, is what the graph files are converted from (export.write_graph).
    Temporary files of these a killed build left (changed before ``started``) are removed."""
    # Oxigraph writes the graph files without holding Python's lock: the explorer is drawn
    # meanwhile (at 10 MB in memory 1.1 and 1.3 s; at 100 MB on disk the Turtle 16 s in its
    # own process, the explorer 12.5 s).
    with ThreadPoolExecutor(max_workers=1) as writer:
        files = [writer.submit(export.write_graph, graph, out, fmt, ntriples=ntriples) for fmt in dict.fromkeys(("ttl", *formats))]
        page = visualize.to_html(graph, heading="countykg")
        written = [f.result() for f in files]
    written.append(export.write_atomic(out / "graph.html", page))
    if html_per_county:
        for name, page in sorted(visualize.county_pages(graph).items()):
            written.append(export.write_atomic(out / "counties" / name, page))
    for path in written:  # export.write_atomic's temporary files
        for leftover in path.parent.glob(f".{path.name}.*.tmp"):
            if leftover.stat().st_mtime < started:
                leftover.unlink(missing_ok=True)
    return written
