"""Parallel and incremental builds give the same graph as a plain one."""

from __future__ import annotations

import os
import pickle
import shutil
import time

import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

from kg.build import build
from kg.cache import ExtractionCache


def _graph(path) -> Graph:
    return Graph().parse(path / "kg.ttl")


def test_build_in_two_processes_equals_one(seeds_dir, tmp_path):
    one = build([seeds_dir], tmp_path / "one")
    two = build([seeds_dir], tmp_path / "two", jobs=2)
    assert len(two.kb.extractions) == 5
    assert isomorphic(_graph(tmp_path / "one"), _graph(tmp_path / "two"))
    assert one.summary()["entities"] == two.summary()["entities"]


def test_kg_ttl_is_the_same_bytes_whatever_jobs_and_cache(seeds_dir, tmp_path):
    # A rebuilt graph file that differs only in the order of its triples would make every
    # `git diff` of kg.ttl, and every checksum of it, useless. The order comes from the order
    # the store is filled in, which must be the files' order whatever does the extracting.
    build([seeds_dir], tmp_path / "plain")
    expected = (tmp_path / "plain" / "kg.ttl").read_bytes()
    seeds = sorted(seeds_dir.glob("*.txt"))
    for jobs in (1, 2):
        articles, cache = tmp_path / f"articles{jobs}", ExtractionCache(tmp_path / f"cache{jobs}")
        articles.mkdir()
        for path in seeds[2:]:
            shutil.copy(path, articles)
        build([articles], tmp_path / f"first{jobs}", cache=cache)
        for path in seeds[:2]:  # the first two files extracted, the last three from the cache
            shutil.copy(path, articles)
        mixed = build([articles], tmp_path / f"jobs{jobs}", jobs=jobs, cache=cache)
        assert (mixed.cached, len(mixed.kb.extractions)) == (3, 5)
        assert (tmp_path / f"jobs{jobs}" / "kg.ttl").read_bytes() == expected, f"--jobs {jobs} with a cache"
    build([seeds_dir], tmp_path / "two", jobs=2)
    assert (tmp_path / "two" / "kg.ttl").read_bytes() == expected, "--jobs 2"


def test_build_reuses_cached_extractions_and_redoes_a_changed_article(seeds_dir, tmp_path, monkeypatch):
    articles = tmp_path / "articles"
    shutil.copytree(seeds_dir, articles)
    cache = ExtractionCache(tmp_path / "cache")
    build([articles], tmp_path / "first", cache=cache)
    assert len(cache.entries()) == 5

    import kg.nlp

    def no_pipeline(**_):
        raise AssertionError("an unchanged corpus must not load the pipeline")

    monkeypatch.setattr(kg.nlp, "make_nlp", no_pipeline)
    second = build([articles], tmp_path / "second", cache=cache)
    assert second.cached == 5
    assert isomorphic(_graph(tmp_path / "first"), _graph(tmp_path / "second"))

    monkeypatch.undo()
    changed = articles / "002_df2e440fabba4e5e.txt"
    changed.write_text(changed.read_text(encoding="utf-8") + "\n兴县新建石门光伏电站项目。", encoding="utf-8")
    extracted = []
    import kg.build

    original = kg.build.extract

    def counting(documents, nlp=None):
        for extraction in original(documents, nlp):
            extracted.append(extraction.document.doc_id)
            yield extraction

    monkeypatch.setattr(kg.build, "extract", counting)
    third = build([articles], tmp_path / "third", cache=cache)
    assert extracted == ["002_df2e440fabba4e5e"] and third.cached == 4
    assert any("石门光伏电站项目" in e.name for e in third.kb.entities)  # the new sentence was read
    assert len(cache.entries()) == 5  # the changed article's old entry is gone


def test_the_cache_keeps_only_the_articles_of_the_last_build_and_compresses_them(seeds_dir, tmp_path):
    # Each rule change gives every article a new key: without pruning, a 100 MB corpus's
    # cache grew by 2.5 GB at each one.
    cache = ExtractionCache(tmp_path / "cache")
    (tmp_path / "cache").mkdir()
    stale = tmp_path / "cache" / f"{'0' * 64}{cache.SUFFIX}"  # an older extractor's entry
    old_format = tmp_path / "cache" / f"{'1' * 64}.pickle"  # uncompressed, before
    being_written = tmp_path / "cache" / f".{'2' * 64}{cache.SUFFIX}.abc.tmp"  # another build's
    left_by_a_kill = tmp_path / "cache" / f".{'3' * 64}{cache.SUFFIX}.def.tmp"
    for path in (stale, old_format, being_written, left_by_a_kill):
        path.write_bytes(b"x")
    os.utime(left_by_a_kill, (time.time() - 60, time.time() - 60))
    os.utime(being_written, (time.time() + 60, time.time() + 60))  # written while this build runs
    build([seeds_dir], tmp_path / "out", cache=cache)
    assert not stale.exists() and not old_format.exists() and not left_by_a_kill.exists()
    assert being_written.exists()
    entries = cache.entries()
    assert len(entries) == 5
    for path in entries:  # N-Triples and mentions compress some ten times
        extraction = cache.get(path.name.removesuffix(cache.SUFFIX))
        assert path.stat().st_size < len(pickle.dumps(extraction)) / 3


def test_a_township_named_by_its_short_form_gets_its_official_name_in_every_kind_of_build(tmp_path, monkeypatch):
    # The official name comes from the gazetteer, whose townships and villages are parsed per
    # county when extraction first meets that county. A build from the cache, or with --jobs,
    # extracts nowhere in the calling process: it must still name 双池 双池镇, not by its mention.
    import kg.places

    articles = tmp_path / "articles"
    articles.mkdir()
    (articles / "a.txt").write_text("交口县双池建成光伏电站，总投资1亿元。", encoding="utf-8")
    cache = ExtractionCache(tmp_path / "cache")

    def township(result) -> str:
        return next(e.name for e in result.kb.entities if e.label == "Township")

    def gazetteer_that_parsed_no_county() -> None:
        fresh = kg.places.gazetteer.__wrapped__()  # read anew, not the process's cached one
        monkeypatch.setattr("kg.build.gazetteer", lambda: fresh)

    assert township(build([articles], tmp_path / "first", cache=cache)) == "双池镇"
    gazetteer_that_parsed_no_county()
    assert township(build([articles], tmp_path / "cached", cache=cache)) == "双池镇"
    gazetteer_that_parsed_no_county()  # the workers parse the county, this process does not
    assert township(build([articles], tmp_path / "two", jobs=2)) == "双池镇"


def test_build_on_dask_equals_one_process(seeds_dir, tmp_path):
    pytest.importorskip("dask.bag", reason="dask is not installed (pip install -e '.[test]')")
    build([seeds_dir], tmp_path / "one")
    on_dask = build([seeds_dir], tmp_path / "dask", engine="dask")
    assert len(on_dask.kb.extractions) == 5
    assert isomorphic(_graph(tmp_path / "one"), _graph(tmp_path / "dask"))


def test_build_reads_an_article_longer_than_spacys_default_limit(tmp_path):
    # A whole year's pages in one file: over spaCy's default max_length (1,000,000
    # characters), which guards a parser this pipeline does not use.
    filler = "今天各项工作有序推进，群众生活安定。" * 56_000  # 1,008,000 characters
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "year.txt").write_text(filler + "交口县推行“一网通办”改革。", encoding="utf-8")
    result = build([tmp_path / "in"])
    assert not result.skipped
    forms = {form for e in result.kb.entities for form in (e.name, *e.aliases)}
    assert {"交口县", "一网通办"} <= forms


def test_build_leaves_the_garbage_collector_as_it_found_it(seeds_dir, tmp_path):
    # The build collects less often while it runs; a program that calls it keeps its own
    # settings afterwards, also when the build fails.
    import gc

    from kg.errors import InputError

    before = gc.get_threshold()
    build([seeds_dir / "001_5ae1a31e4ae869b6.txt"], tmp_path / "out")
    assert gc.get_threshold() == before and gc.isenabled()
    with pytest.raises(InputError):
        build([tmp_path / "no-such-folder"])
    assert gc.get_threshold() == before and gc.isenabled()


def test_build_turns_the_garbage_collector_back_on_when_naming_fails(seeds_dir, tmp_path, monkeypatch):
    # Naming the entities runs without cycle collection; the collector is on again after it,
    # also when it fails.
    import gc

    import kg.build

    def failing_resolve(*args):
        assert not gc.isenabled()
        raise RuntimeError("naming failed")

    monkeypatch.setattr(kg.build, "resolve", failing_resolve)
    with pytest.raises(RuntimeError, match="naming failed"):
        build([seeds_dir / "001_5ae1a31e4ae869b6.txt"], tmp_path / "out")
    assert gc.isenabled()


def test_build_on_disk_writes_the_same_graph_files_as_in_memory(seeds_dir, tmp_path):
    # On disk the files are converted from a copy of the loaded N-Triples, not dumped from
    # the store: the same triples, and the copy gone afterwards (also one a killed build left).
    import pyoxigraph as ox

    from kg.build import _copy_path

    build([seeds_dir], tmp_path / "memory", formats=("ttl", "nt"))
    # What a killed build left: the next build on that store overwrites it and removes it.
    left = _copy_path(tmp_path / "disk", tmp_path / "store")
    left.parent.mkdir()
    left.write_bytes(b"<a> <b> half a triple")
    build([seeds_dir], tmp_path / "disk", formats=("ttl", "nt"), store_dir=tmp_path / "store")

    def triples(path, fmt):
        return {str(t) for t in ox.parse(path=str(path), format=fmt)}

    for name, fmt in (("kg.ttl", ox.RdfFormat.TURTLE), ("kg.nt", ox.RdfFormat.N_TRIPLES)):
        expected = triples(tmp_path / "memory" / name, fmt)
        assert len(expected) > 10_000
        assert triples(tmp_path / "disk" / name, fmt) == expected, name
    assert "@prefix ckg:" in (tmp_path / "disk" / "kg.ttl").read_text(encoding="utf-8")
    assert sorted(p.name for p in (tmp_path / "disk").iterdir()) == ["graph.html", "kg.nt", "kg.ttl"]


def test_a_failed_conversion_says_so_and_keeps_the_previous_file(tmp_path):
    from rdflib import Graph

    from kg.export import write_graph

    (tmp_path / "kg.ttl").write_text("# the previous graph\n", encoding="utf-8")
    broken = tmp_path / "broken.nt"
    broken.write_bytes(b"<a> <b> this is not N-Triples\n")
    with pytest.raises(OSError, match="converting the graph failed"):
        write_graph(Graph(), tmp_path, "ttl", ntriples=broken)
    assert (tmp_path / "kg.ttl").read_text(encoding="utf-8") == "# the previous graph\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["broken.nt", "kg.ttl"]  # no temporary file left


def test_the_cache_is_not_reused_after_an_upgrade_of_a_package_extraction_depends_on(tmp_path, monkeypatch):
    # The gazetteer ships in jionlp, the segmenter's dictionary in rjieba, the vocabularies'
    # IRIs in rdflib: a newer version may find other divisions or words, or write other
    # triples, so an extraction cached under the old one must not be taken.
    import importlib.metadata

    import kg.cache

    cache = ExtractionCache(tmp_path / "cache")
    before = cache.key("a.txt", "交口县")
    real = importlib.metadata.version
    try:
        for package in ("jionlp", "rjieba", "spacy", "rdflib"):
            monkeypatch.setattr(importlib.metadata, "version", lambda name, p=package: "0.0.0" if name == p else real(name))
            kg.cache.extractor_version.cache_clear()
            assert cache.key("a.txt", "交口县") != before, package
    finally:  # no faked version left in the cached digest for the tests that follow
        monkeypatch.undo()
        kg.cache.extractor_version.cache_clear()
    assert cache.key("a.txt", "交口县") == before


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_cache_entry_cut_short_by_a_crash_is_extracted_again(tmp_path, jobs):
    # Cache files are not forced to disk (export.write_atomic, durable=False): after a crash
    # one may be empty or end early. The next build must take it for a miss, not fail; with
    # --jobs too, where the calling process extracts it (kg.build.build, in_file_order).
    articles = tmp_path / "articles"
    articles.mkdir()
    (articles / "a.txt").write_text("交口县双池建成光伏电站，总投资1亿元。", encoding="utf-8")
    (articles / "b.txt").write_text("兴县新建石门光伏电站项目。", encoding="utf-8")
    cache = ExtractionCache(tmp_path / "cache")
    build([articles], tmp_path / "first", cache=cache)
    entries = sorted(cache.entries(), key=lambda p: p.stat().st_size)  # the longer one is cut
    assert len(entries) == 2
    entries[0].write_bytes(b"")
    whole = entries[1].read_bytes()
    assert len(whole) > 500  # 896 bytes, compressed
    entries[1].write_bytes(whole[: len(whole) // 2])
    again = build([articles], tmp_path / "again", cache=cache, jobs=jobs)
    assert len(again.kb.extractions) == 2
    assert isomorphic(_graph(tmp_path / "first"), _graph(tmp_path / "again"))
    assert all(cache.get(cache.key(p.name, p.read_text(encoding="utf-8"))) is not None for p in articles.iterdir())


def test_an_article_in_traditional_characters_gives_simplified_names_with_the_written_forms_as_aliases(tmp_path):
    from rdflib import RDFS, SKOS, Literal

    article = tmp_path / "qingyuan.txt"
    article.write_text("慶元縣隸屬浙江省麗水市。浙江百山祖農業發展有限公司投資建設年產5萬噸香菇加工項目。", encoding="utf-8")
    graph = build([article]).graph
    county = graph.value(predicate=RDFS.label, object=Literal("庆元县", lang="zh"))
    assert county is not None
    assert (county, SKOS.altLabel, Literal("慶元縣", lang="zh")) in graph
    labels = {str(o) for o in graph.objects(None, RDFS.label)}
    assert "浙江百山祖农业发展有限公司" in labels


def test_a_sentence_longer_than_a_csv_field_is_built(tmp_path):
    # a bad PDF extraction: a page of text with no sentence end in it
    article = tmp_path / "long.txt"
    article.write_text("交口县" + "推进项目建设" * 25_000 + "\n", encoding="utf-8")
    result = build([article], tmp_path / "out")
    assert (tmp_path / "out" / "graph.html").is_file() and (tmp_path / "out" / "kg.ttl").is_file()
    assert result.summary()["documents"] == 1


def test_a_file_planted_in_the_cache_runs_nothing_and_is_extracted_again(seeds_dir, tmp_path):
    import zlib

    article = tmp_path / "a" / "000_bf441c48083cf4d1.txt"
    article.parent.mkdir()
    shutil.copy(seeds_dir / article.name, article)
    cache = ExtractionCache(tmp_path / "cache")
    first = build([article.parent], cache=cache)
    entry = cache.entries()[0]
    marker = tmp_path / "ran"

    class Payload:
        def __reduce__(self):
            return (os.system, (f"touch {marker}",))

    entry.write_bytes(zlib.compress(pickle.dumps(Payload())))
    again = build([article.parent], cache=cache)
    assert not marker.exists() and again.cached == 0
    assert again.summary()["entities"] == first.summary()["entities"]
    entry = cache.entries()[0]
    entry.write_bytes(zlib.compress(pickle.dumps({"not": "an extraction"})))  # a valid pickle of the wrong type
    assert build([article.parent], cache=cache).cached == 0


def test_a_build_removes_what_a_killed_build_left_half_written(seeds_dir, tmp_path):
    out = tmp_path / "out"
    (out / ".cache").mkdir(parents=True)
    leftovers = [out / ".kg.ttl.x1y2.tmp", out / ".graph.html.abc.tmp", out / ".cache" / f".k{ExtractionCache.SUFFIX}.q.tmp"]
    for leftover in leftovers:
        leftover.write_text("half", encoding="utf-8")
        os.utime(leftover, (time.time() - 60, time.time() - 60))
    build([seeds_dir / "000_bf441c48083cf4d1.txt"], out, cache=ExtractionCache(out / ".cache"))
    assert not [p for p in leftovers if p.exists()]
