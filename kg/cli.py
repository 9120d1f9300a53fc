"""Command line: parse, call the library, print a one-screen summary.

Exit codes: 0 success; 1 an error the user can fix (message on stderr, no traceback);
2 wrong usage; 3 the graph was built but some input files were skipped; 4 the graph does not
conform to the SHACL shapes (kg validate).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

from kg.errors import KgError
from kg.load import MAX_BYTES

PROGRESS_FROM = 20  # show a progress bar from this many files on
# Above this many bytes of articles the graph goes to an on-disk store (OUT/.store) unless
# --store names one: in memory the build grows by some 40-60 MiB per MB of articles
# (benchmarks/README.md), on disk it stays under 1.5 GiB at 100 MB.
MEMORY_STORE_LIMIT = 32_000_000


def _build(args: argparse.Namespace) -> int:
    from pathlib import Path

    from kg.build import build
    from kg.load import find_articles

    def progress(items):
        from tqdm import tqdm

        return tqdm(items, total=total, unit="file", file=sys.stderr, disable=total < PROGRESS_FROM)

    articles = find_articles(args.paths)
    total = len(articles)
    store = args.store
    default_store = Path(args.out) / ".store"
    if store is None and default_store.exists():
        store = str(default_store)  # refreshed, never left stale, once a build put it there
    elif store is None and sum(p.stat().st_size for p in articles) > MEMORY_STORE_LIMIT:
        store = str(default_store)
        print(f"kg: over {MEMORY_STORE_LIMIT // 1_000_000} MB of articles: the graph is kept on disk in {store}", file=sys.stderr)
    formats = args.format
    from kg.cache import ExtractionCache

    cache = None if args.no_cache else ExtractionCache(Path(args.out) / ".cache")
    result = build(
        args.paths, args.out, max_bytes=args.max_bytes, progress=progress, formats=formats,
        html_per_county=args.html_per_county, jobs=args.jobs, cache=cache, store_dir=store,
        engine=args.engine, dask_scheduler=args.dask_scheduler,
    )
    if store:
        result.graph.close()  # flush the on-disk store
    for error in result.skipped:
        print(f"kg: skipped: {error}", file=sys.stderr)
    summary = result.summary()
    print(f"documents: {summary['documents']}  (skipped: {summary['skipped']})")
    print(f"extracted: {summary['documents'] - summary['cached']}  (from the cache: {summary['cached']})")
    print("entities:  " + ", ".join(f"{k} {v}" for k, v in summary["entities"].items()))
    print("relations: " + ", ".join(f"{k} {v}" for k, v in summary["relations"].items()))
    shown = result.outputs if len(result.outputs) <= 8 else [*result.outputs[:6], f"… {len(result.outputs) - 6} more"]
    print("written:   " + ", ".join(str(p) for p in shown))
    print(f"seconds:   {summary['seconds']}")
    return 3 if result.skipped else 0


def _eval(args: argparse.Namespace) -> int:
    from pathlib import Path

    from rdflib import Graph

    from kg.evaluate import error_kinds, format_documents, format_report, load_gold, score, score_documents
    from kg.export import write_atomic

    if args.gold:
        gold, texts_dir = load_gold([Path(p) for p in args.gold]), Path(args.texts)
    else:
        from kg.corpus import documents

        corpus = Path(args.corpus)
        chosen = documents(corpus, None if args.split == "all" else args.split)
        gold = load_gold([corpus / "gold" / (Path(d.doc).stem + ".json") for d in chosen])
        texts_dir = corpus / "texts"
    if args.kg:
        if not Path(args.kg).is_file():
            raise KgError(f"{args.kg}: no such graph file")
        graph = Graph().parse(args.kg, format="turtle")
    else:
        from kg.build import build

        texts = [texts_dir / name for name in gold]
        missing = [str(t) for t in texts if not t.is_file()]
        if missing:
            raise KgError(f"the gold names articles that are not in {texts_dir}: {', '.join(missing)}; pass --texts DIR")
        graph = build(texts).graph
    report = score(graph, gold)
    print(format_documents(score_documents(graph, gold), worst=args.worst) + "\n")
    print(format_report(report, errors=0 if args.kinds else args.errors))
    if args.kinds:
        print("\nerrors by kind:")
        for kind, examples in error_kinds(graph, gold).items():
            print(f"{len(examples):5d}  {kind}" + ("   " + " | ".join(examples[: args.errors]) if args.errors else ""))
    if args.json:
        write_atomic(args.json, json.dumps(report.__dict__, ensure_ascii=False, indent=1))
    return 0


def _train(args: argparse.Namespace) -> int:
    from kg.corpus import documents
    from kg.evaluate import format_summary
    from kg.export import write_atomic
    from kg.train import cross_validate, rules_alone, train

    corpus = Path(args.corpus)
    docs = [d.doc for d in documents(corpus, args.split)]
    print(f"rules alone, {len(docs)} {args.split} documents:")
    print(format_summary(rules_alone(corpus, docs)))
    if args.cv:
        reports = cross_validate(corpus, docs, args.folds, args.seed)
    else:
        models, reports = train(corpus, args.split, k=args.folds, seed=args.seed)
    for name, report in reports.items():
        print(f"\nrules + {name}, {args.folds}-fold cross-validation by document:")
        print(format_summary(report))
    if not args.cv:
        out = Path(args.out)
        out.mkdir(parents=True, exist_ok=True)
        for stale in ("entities", "developedBy"):  # a model left out is not loaded either
            if stale not in models and (out / f"{stale}.json").is_file():
                (out / f"{stale}.json").unlink()
        for name, model in models.items():
            write_atomic(out / f"{name}.json", model.dumps())
            print(f"written: {out / f'{name}.json'} ({len(model.weights)} weights, threshold {model.threshold})")
    return 0


def _query(args: argparse.Namespace) -> int:
    from kg.query import format_table, load_store, read_query, run, write

    text = read_query(args.query)
    store = load_store(args.graph)
    if args.format == "table":
        output = format_table(run(store, text))
        print(output, end="" if output.endswith("\n") else "\n")
    else:
        sys.stdout.flush()
        write(store, text, sys.stdout.buffer, args.format)
        sys.stdout.buffer.flush()
    return 0


def _validate(args: argparse.Namespace) -> int:
    from pathlib import Path

    from rdflib import Graph

    from kg.validate import validate

    if not Path(args.graph).is_file():
        raise KgError(f"{args.graph}: no such graph file")
    graph = Graph().parse(args.graph)
    result = validate(graph, args.shapes, args.ontology)
    if result.conforms:
        print(f"{args.graph}: conforms to the shapes")
        return 0
    print(result.report)
    print(f"kg: {args.graph}: does not conform ({result.violations} violations)", file=sys.stderr)
    return 4


def _serve(args: argparse.Namespace) -> int:
    from kg.query import load_store
    from kg.serve import serve

    serve(load_store(args.graph), host=args.host, port=args.port)
    return 0


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("countykg")
    except PackageNotFoundError:
        return "(not installed)"


def _formats(text: str) -> list[str]:
    from kg.export import FORMATS

    formats = [f.strip() for f in text.split(",") if f.strip()]
    unknown = sorted(set(formats) - set(FORMATS))
    if unknown:
        raise argparse.ArgumentTypeError(f"unknown format {unknown[0]!r}; choose from {', '.join(FORMATS)}")
    return formats


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r}: give a whole number of 1 or more")
    return int(text)


def _port(text: str) -> int:
    if not text.isdigit() or int(text) > 65535:
        raise argparse.ArgumentTypeError(f"{text!r} is no TCP port (0 to 65535)")
    return int(text)


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="kg", description="countykg: Chinese county news -> knowledge graph")
    top.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    commands = top.add_subparsers(dest="command", required=True)
    build = commands.add_parser("build", help="build kg.ttl and graph.html from .txt articles")
    build.add_argument("paths", nargs="*", default=["seeds"], help="files or folders of .txt articles (default: seeds)")
    build.add_argument("--out", "-o", default="output", help="output folder (default: output)")
    build.add_argument("--max-bytes", type=int, default=MAX_BYTES, help="refuse files larger than this")
    build.add_argument(
        "--format", type=_formats, default="ttl", metavar="LIST",
        help="graph formats to write, comma-separated: ttl (always), nt, jsonld, graphml (default: ttl)",
    )
    build.add_argument("--html-per-county", action="store_true", help="also write counties/<code>.html, one page per county")
    build.add_argument("--store", metavar="DIR", help="also keep the graph in an on-disk Oxigraph store in DIR (for kg query, kg serve); "
                       f"over {MEMORY_STORE_LIMIT // 1_000_000} MB of articles the default is OUT/.store")
    build.add_argument("--jobs", "-j", type=_positive, default=1, help="extract articles in this many processes (default: 1)")
    build.add_argument("--engine", choices=("local", "dask"), default="local",
                       help="where extraction runs: local (this process or --jobs workers) or dask")
    build.add_argument("--dask-scheduler", metavar="ADDRESS",
                       help="with --engine dask: a Dask cluster's scheduler (tcp://host:8786); default: local processes")
    build.add_argument(
        "--no-cache", action="store_true",
        help="extract every article again (by default OUT/.cache keeps each article's extraction)",
    )
    build.set_defaults(run=_build)
    evaluate = commands.add_parser("eval", help="score a graph against gold annotations (P/R/F1 per class)")
    evaluate.add_argument("gold", nargs="*", help="gold .json files or folders of them (default: the corpus's --split)")
    evaluate.add_argument("--corpus", default="corpus", help="annotated corpus folder: texts/, gold/, documents.tsv (default: corpus)")
    evaluate.add_argument("--split", choices=("dev", "test", "all"), default="dev",
                          help="without GOLD: which documents of the corpus to build and score (default: dev)")
    evaluate.add_argument("--kg", help="score this Turtle file instead of building from --texts")
    evaluate.add_argument("--texts", default="seeds", help="with GOLD: folder of the articles the gold names (default: seeds)")
    evaluate.add_argument("--worst", type=int, default=5, metavar="N", help="list the N documents with the lowest headline F1 (default: 5)")
    evaluate.add_argument("--errors", type=int, default=0, metavar="N", help="list up to N missed and spurious items per kind")
    evaluate.add_argument("--kinds", action="store_true",
                          help="count the errors by kind (name too long or too short, generic reference, government body, "
                          "missed long name, relation missed for a missed end …), with --errors N examples each")
    evaluate.add_argument("--json", metavar="FILE", help="also write the figures as JSON")
    evaluate.set_defaults(run=_eval)
    learn = commands.add_parser("train", help="train the learned candidate scorer on an annotated corpus")
    learn.add_argument("--corpus", default="corpus", help="annotated corpus folder (default: corpus)")
    learn.add_argument("--split", choices=("dev", "test", "all"), default="dev", help="the documents to train on (default: dev)")
    learn.add_argument("--folds", type=int, default=5, help="folds of the cross-validation by document (default: 5)")
    learn.add_argument("--seed", type=int, default=0, help="seed of the folds (default: 0)")
    learn.add_argument("--cv", action="store_true", help="only cross-validate: print the figures of the rules alone and of "
                       "every threshold, write no model")
    learn.add_argument("--out", default=str(Path(__file__).resolve().parent / "models"),
                       help="folder to write the models to (default: the one kg build uses, kg/models)")
    learn.set_defaults(run=_train)
    query = commands.add_parser("query", help="run a SPARQL query (SELECT, ASK, CONSTRUCT) on a graph file")
    query.add_argument("graph", help="graph file (.ttl, .nt, .jsonld …) or a store folder made by kg build --store")
    query.add_argument("query", help="the query, or a .rq file holding it")
    query.add_argument("--format", "-f", choices=("table", "json", "csv", "tsv", "xml", "ttl", "nt"), default="table",
                       help="table (for people), or a W3C format written as the answer comes: SPARQL results JSON, CSV, "
                       "TSV or XML for SELECT and ASK, Turtle or N-Triples for CONSTRUCT (default: table)")
    query.set_defaults(run=_query)
    server = commands.add_parser("serve", help="a read-only SPARQL 1.1 endpoint over a store folder or graph file")
    server.add_argument("graph", help="a store folder made by kg build --store, or a graph file")
    server.add_argument("--host", default="127.0.0.1", help="address to listen on (default: loopback only)")
    server.add_argument("--port", type=_port, default=7878, help="TCP port, 0 to 65535 (0: any free one; default: 7878)")
    server.set_defaults(run=_serve)
    check = commands.add_parser("validate", help="check a graph against the SHACL shapes (ontology/shapes.ttl)")
    check.add_argument("graph", help="graph file, e.g. output/kg.ttl")
    check.add_argument("--shapes", help="SHACL shapes (default: ontology/shapes.ttl)")
    check.add_argument("--ontology", help="ontology for the class hierarchy (default: ontology/countykg.ttl)")
    check.set_defaults(run=_validate)
    return top


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.run(args)
    except BrokenPipeError:  # `kg query … | head`: the reader has all it wanted
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no second error at exit
        return 0
    except (KgError, OSError) as error:  # also a full disk, a folder that cannot be written: said, not traced
        print(f"kg: error: {error}", file=sys.stderr)
        return 1


def run() -> NoReturn:
    """The ``kg`` command: ``main``, then exit without tearing the interpreter down.

    Every output is written and closed by then (files atomically, the on-disk store closed).
    What is left is freeing the objects a build made, one by one: 1.2 s after a two-job and
    1.7 s after a one-job build of 10 MB of articles (benchmarks/README.md), as long as an
    eighth of the build, for nothing.
    """
    code = main()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


if __name__ == "__main__":
    run()
