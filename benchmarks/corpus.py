"""Make a corpus of a given size from the seeds, with perturbed names and numbers.

Each generated article is a seed article in which every digit run is scaled by a random
factor and the characters of enterprise-like and project-like names are varied (trade-name
characters swapped for others from a pool), so that entities do not simply repeat.

Usage:  python benchmarks/corpus.py OUT_DIR --megabytes 10 [--seed 7]
"""

from __future__ import annotations

import argparse
import random
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
POOL = "华晋鑫源泰宇恒悦金兰瑞丰宏达安泰明科道尔沃锦天麟韦禾新兴永盛嘉禾德隆福瑞昌盛汇通中天东方"
TRADE = re.compile(r"[\u4e00-\u9fff]{2}(?=(?:煤业|化工|耐材|纸业|铝业|镁业|科技|能源|集团|公司|焦化|冶炼|生物|光电|肥业|醋业))")
DIGITS = re.compile(r"[0-9]+(?:\.[0-9]+)?")


def perturb(text: str, rng: random.Random) -> str:
    text = TRADE.sub(lambda m: "".join(rng.choice(POOL) for _ in m.group()), text)

    def number(m: re.Match[str]) -> str:
        value = float(m.group()) * rng.uniform(0.5, 2.0)
        return f"{value:.1f}" if "." in m.group() else str(max(1, int(value)))

    return DIGITS.sub(number, text)


def make_corpus(out: Path, megabytes: float, seed: int = 7) -> tuple[int, int]:
    """Write articles into ``out`` until they hold ``megabytes`` of UTF-8; return (files, chars)."""
    rng = random.Random(seed)
    seeds = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "seeds").glob("*.txt"))]
    out.mkdir(parents=True, exist_ok=True)
    size = files = chars = 0
    while size < megabytes * 1_000_000:
        text = perturb(seeds[files % len(seeds)], rng)
        path = out / f"article_{files:06d}.txt"
        path.write_text(text, encoding="utf-8")
        size += path.stat().st_size
        chars += len(text)
        files += 1
    return files, chars


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--megabytes", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    files, chars = make_corpus(args.out, args.megabytes, args.seed)
    print(f"{args.out}: {files} articles, {chars:,} characters")
