"""Command line: parse, call the library, print a one-screen summary.

Exit codes: 0 success; 1 an error the user can fix (message on stderr, no traceback);
2 wrong usage; 3 the graph was built but some input files were skipped.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from kg.errors import KgError
from kg.load import MAX_BYTES

PROGRESS_FROM = 20  # show a progress bar from this many files on


def _build(args: argparse.Namespace) -> int:
    from kg.build import build
    from kg.load import find_articles

    def progress(items):
        from tqdm import tqdm

        return tqdm(items, total=total, unit="file", file=sys.stderr, disable=total < PROGRESS_FROM)

    total = len(find_articles(args.paths))
    result = build(args.paths, args.out, max_bytes=args.max_bytes, progress=progress)
    for error in result.skipped:
        print(f"kg: skipped: {error}", file=sys.stderr)
    summary = result.summary()
    print(f"documents: {summary['documents']}  (skipped: {summary['skipped']})")
    print("entities:  " + ", ".join(f"{k} {v}" for k, v in summary["entities"].items()))
    print("relations: " + ", ".join(f"{k} {v}" for k, v in summary["relations"].items()))
    print("written:   " + ", ".join(str(p) for p in result.outputs))
    print(f"seconds:   {summary['seconds']}")
    return 3 if result.skipped else 0


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="kg", description="countykg: Chinese county news -> knowledge graph")
    commands = top.add_subparsers(dest="command", required=True)
    build = commands.add_parser("build", help="build kg.ttl and graph.html from .txt articles")
    build.add_argument("paths", nargs="*", default=["seeds"], help="files or folders of .txt articles (default: seeds)")
    build.add_argument("--out", "-o", default="output", help="output folder (default: output)")
    build.add_argument("--max-bytes", type=int, default=MAX_BYTES, help="refuse files larger than this")
    build.set_defaults(run=_build)
    return top


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.run(args)
    except KgError as error:
        print(f"kg: error: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
