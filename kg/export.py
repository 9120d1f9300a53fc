"""Atomic writers: a file is either the old one or the complete new one, never half."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from rdflib import Graph

from kg.rdf import oxigraph_graph_name, oxigraph_of


def write_atomic(path: str | Path, content: str | bytes | Callable[[Path], object], *, durable: bool = True) -> Path:
    """Write ``content`` to a temporary file beside ``path``, then rename it into place.

    ``content`` may also be a function that writes the file at the (temporary) path it is
    given, so that a large output streams to disk instead of being held in memory first.
    ``durable=False`` does not force the file to disk before the rename: for files whose loss
    in a crash costs only their recomputation (the extraction cache, where forcing each of a
    100 MB corpus's 6,334 files made the build 16-66 s slower).
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; give the usual permissions
        with os.fdopen(fd, "wb") as handle:
            if callable(content):
                content(Path(tmp))
            else:
                handle.write(content.encode("utf-8") if isinstance(content, str) else content)
                handle.flush()
            if durable:
                os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def serialize(graph: Graph, fmt: str) -> str | bytes:
    """The graph as text in one of FORMATS' formats.

    A graph held in an Oxigraph store (as ``kg build`` makes them) is written by Oxigraph
    itself, some 30 times faster than rdflib's serialisers.
    """
    inner = _oxigraph_writer(graph, fmt)
    if inner is not None:
        return _dump(graph, inner, fmt)
    if fmt == "graphml":
        import io

        import networkx as nx

        from kg.analyze import to_networkx

        buffer = io.BytesIO()
        nx.write_graphml(to_networkx(graph), buffer, encoding="utf-8")
        return buffer.getvalue().decode("utf-8")
    return graph.serialize(format=RDFLIB_FORMATS[fmt])


RDFLIB_FORMATS = {"ttl": "turtle", "nt": "nt", "jsonld": "json-ld"}
OXIGRAPH_FORMATS = {"ttl": "TURTLE", "nt": "N_TRIPLES", "jsonld": "JSON_LD"}  # names in pyoxigraph.RdfFormat
FORMATS = {"ttl": "kg.ttl", "nt": "kg.nt", "jsonld": "kg.jsonld", "graphml": "kg.graphml"}


def write_graph(graph: Graph, out_dir: str | Path, fmt: str, *, ntriples: Path | None = None) -> Path:
    """Write the graph in format ``fmt`` (ttl, nt, jsonld, graphml) into ``out_dir``, atomically.

    Oxigraph streams its formats straight into the file: the Turtle of a 100 MB corpus is
    some 800 MB, which need not be in memory at once. It is given the file's path, not a
    Python file object, so that it writes without taking Python's lock for every chunk:
    through a file object, beside a busy Python thread, a 10 MB corpus's Turtle took 100 s
    instead of 1 s.

    ``ntriples``, a file that holds the same graph as N-Triples, is converted instead, in a
    separate process. A build on disk gives it: from an on-disk store Oxigraph writes Turtle
    at some 11 µs a triple, reading every string back from RocksDB (158 s at 100 MB), while
    converting the N-Triples the build loaded takes 14 s. Those come in the order the
    documents came, so a subject's triples are grouped only where they were made together
    (from a store, all of them are). In a process of its own the conversion does not take
    Python's lock from the explorer drawn meanwhile."""
    path = Path(out_dir) / FORMATS[fmt]
    if ntriples is not None and fmt in OXIGRAPH_FORMATS:
        return write_atomic(path, lambda tmp: _convert(ntriples, tmp, fmt, _prefixes(graph)))
    inner = _oxigraph_writer(graph, fmt)
    if inner is not None:
        return write_atomic(path, lambda tmp: _dump(graph, inner, fmt, str(tmp)))
    return write_atomic(path, serialize(graph, fmt))


def _convert(source: Path, target: Path, fmt: str, prefixes: dict[str, str]) -> None:
    """Convert N-Triples to ``fmt`` in a fresh Python process: a plain subprocess, as a
    multiprocessing child would run the caller's main script again."""
    import json
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-c", _CONVERT, str(source), str(target), OXIGRAPH_FORMATS[fmt], json.dumps(prefixes)],
        capture_output=True, text=True,
    )
    if done.returncode != 0:
        raise OSError(f"{target}: converting the graph failed: {done.stderr.strip()[-500:]}")


# The N-Triples are the build's own text: parsed leniently, as rdf.GraphLoader loads them.
_CONVERT = """
import json, sys
import pyoxigraph as ox
source, target, fmt, prefixes = sys.argv[1:]
triples = ox.parse(path=source, format=ox.RdfFormat.N_TRIPLES, lenient=True)
ox.serialize(triples, target, getattr(ox.RdfFormat, fmt), prefixes=json.loads(prefixes))
"""


def _oxigraph_writer(graph: Graph, fmt: str):
    """The Oxigraph store that writes ``graph`` in ``fmt`` itself, else None (rdflib writes)."""
    return oxigraph_of(graph) if fmt in OXIGRAPH_FORMATS else None


def _dump(graph: Graph, inner, fmt: str, output=None):
    import pyoxigraph as ox

    return inner.dump(
        output,
        format=getattr(ox.RdfFormat, OXIGRAPH_FORMATS[fmt]),
        from_graph=oxigraph_graph_name(graph),
        prefixes=_prefixes(graph),
    )


def _prefixes(graph: Graph) -> dict[str, str]:
    return {prefix: str(ns) for prefix, ns in graph.namespaces() if prefix}
