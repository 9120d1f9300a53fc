"""Where per-article extraction runs: in local worker processes (``--jobs``) or on Dask.

All engines run the same function on each article (``build.extract``) and return the same
Extractions, in the order of the articles; corpus-level resolution then merges them in the
calling process.

Dask was chosen over Ray and Spark because it is pure Python, installs from PyPI in seconds,
runs the same code on a laptop (local scheduler) and on a cluster (``distributed``), and its
bags map naturally onto "one task per batch of articles". Point it at a cluster with
``--dask-scheduler tcp://HOST:8786`` (a running ``dask scheduler`` whose workers have countykg
installed).
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterable, Iterator

from kg.types import Article, Extraction

ENGINES = ("local", "dask")


def _extract_batch(articles: Iterable[Article]) -> list[Extraction]:
    from kg.build import extract

    return list(extract(articles, _worker_pipeline()))


_PIPELINE = None


def _worker_pipeline():
    """One pipeline per worker process, built on its first batch."""
    global _PIPELINE
    if _PIPELINE is None:
        from kg.nlp import make_nlp

        _PIPELINE = make_nlp()
    return _PIPELINE


def _extract_one(article: Article) -> Extraction:
    return _extract_batch([article])[0]


def extract_in_processes(articles: Iterable[Article], jobs: int) -> Iterator[Extraction]:
    """Extract in ``jobs`` local worker processes, each with its own pipeline.

    Articles stream through the pool; results come back in the order of the articles, so
    that the graph is loaded, and written, in the same order as by one process.
    """
    from kg.places import gazetteer

    gazetteer()  # loaded before the fork: the workers share it, and naming needs it here after them
    context = multiprocessing.get_context("fork")
    with context.Pool(jobs) as pool:
        yield from pool.imap(_extract_one, articles, chunksize=4)


def extract_with_dask(articles: Iterable[Article], *, scheduler: str | None = None, partitions: int | None = None) -> Iterator[Extraction]:
    """Extract on Dask: the local process scheduler by default, a cluster at ``scheduler``."""
    import dask.bag as db

    items = list(articles)
    if not items:
        return iter(())
    bag = db.from_sequence(items, npartitions=partitions or min(len(items), 32))
    extracted = bag.map_partitions(_extract_batch)
    if scheduler:
        from distributed import Client

        with Client(scheduler) as client:
            return iter(client.compute(extracted).result())
    return iter(extracted.compute(scheduler="processes"))
