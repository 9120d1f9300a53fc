"""Where one-core build time goes, as whole processes: jieba, our tokenizer, extraction, build.

Usage:  python benchmarks/floor.py [--megabytes 10] [--runs 3] [--corpus DIR]

Times four processes on one CPU, one after the other in each round (the shared machine's
speed drifts between commands run minutes apart), and prints their medians:

- ``jieba``: plain ``jieba.lcut`` over the text, the yardstick of build_speed.py;
- ``tokenizer``: imports, the pipeline, normalisation and our tokenizer's spaCy Doc (rjieba);
- ``extraction``: every per-article stage (``kg.build.extract``: entities, relations, facts,
  each document's RDF as text), with nothing loaded into a store and no corpus-level step;
- ``build``: ``kg build --no-cache``, the whole job.

``extraction`` against ``jieba`` shows how far a one-core build is from the ratio 1.0 of
issue 6 before the store, the naming of entities and the files add their share.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from build_speed import JIEBA_ONLY, _first_cpus, timed  # noqa: E402
from corpus import make_corpus  # noqa: E402

TOKENIZER_ONLY = """
import sys, pathlib
from kg.build import make_document
from kg.nlp import make_nlp
from kg.types import Article
nlp = make_nlp()
for path in sorted(pathlib.Path(sys.argv[1]).glob("*.txt")):
    nlp.make_doc(make_document(Article(path.name, path.read_text(encoding="utf-8"))).text)
"""

EXTRACTION_ONLY = """
import sys, pathlib
from kg.build import extract
from kg.types import Article
paths = sorted(pathlib.Path(sys.argv[1]).glob("*.txt"))
for _ in extract(Article(p.name, p.read_text(encoding="utf-8")) for p in paths):
    pass
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--megabytes", type=float, default=10)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--corpus", type=Path, help="a folder of articles (default: generate one)")
    args = parser.parse_args()
    python, one_cpu = sys.executable, _first_cpus(1)
    with tempfile.TemporaryDirectory() as tmp:
        corpus = args.corpus
        if corpus is None:
            corpus = Path(tmp) / "corpus"
            make_corpus(corpus, args.megabytes)
        commands = {
            "jieba": [python, "-c", JIEBA_ONLY, str(corpus)],
            "tokenizer": [python, "-c", TOKENIZER_ONLY, str(corpus)],
            "extraction": [python, "-c", EXTRACTION_ONLY, str(corpus)],
            "build": [python, "-m", "kg", "build", str(corpus), "--out", str(Path(tmp) / "out"), "--no-cache"],
        }
        seconds: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(args.runs):
            for name, command in commands.items():
                seconds[name].append(timed(command, one_cpu))
    jieba = statistics.median(seconds["jieba"])
    for name, runs in seconds.items():
        median = statistics.median(runs)
        print(f"{name:>10} {median:7.2f} s  ({' '.join(f'{s:.2f}' for s in runs)})  {median / jieba:4.2f}x jieba")


if __name__ == "__main__":
    main()
