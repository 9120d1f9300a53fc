"""Make a corpus of a given size from the seeds, with perturbed names and numbers.

Each generated article is a seed article moved to another real county and perturbed, so
that entities do not simply repeat:

- its county (the one it names most often) becomes a county drawn at random from the
  gazetteer, and with it the prefecture and province above it and the townships and
  villages of it that the article names (each to one of the new county's own); a corpus of
  thousands of articles then spans hundreds of counties, as a real one does;
- every digit run is scaled by a random factor;
- the characters of trade names (before an industry word or an organisational form) are
  swapped for others from a pool, anew at each occurrence, and one character of each
  project's name (three before its head word: 项目, 工程, 产业园 …) is varied the same way
  throughout the article, so that its mentions still corefer. Without this, a project or
  an enterprise named as in its seed would be one entity located in every county the corpus
  moved that seed to.

Usage:  python benchmarks/corpus.py OUT_DIR --megabytes 10 [--seed 7]
"""

from __future__ import annotations

import argparse
import random
import re
from pathlib import Path

from kg.places import Division, gazetteer
from kg.rules import read_lexicon

ROOT = Path(__file__).resolve().parent.parent
POOL = "华晋鑫源泰宇恒悦金兰瑞丰宏达安泰明科道尔沃锦天麟韦禾新兴永盛嘉禾德隆福瑞昌盛汇通中天东方"
# The product's own generic vocabulary says where names are: two characters before an
# industry word or an organisational form are a trade name (华瑞煤业, 天麟公司); the three
# before a project's head word (项目, 工程, 产业园 …) end a project's name.
_LEXICONS = ROOT / "kg" / "rules" / "lexicon"
_TRADE_ENDS = sorted(read_lexicon(_LEXICONS / "industry_words.txt") | read_lexicon(_LEXICONS / "company_suffixes.txt") | {"公司", "集团"}, key=len, reverse=True)
TRADE = re.compile(r"[\u4e00-\u9fff]{2}(?=" + "|".join(_TRADE_ENDS) + ")")
_PROJECT_HEADS = sorted(read_lexicon(_LEXICONS / "project_heads.txt"), key=len, reverse=True)
PROJECT = re.compile(r"[\u4e00-\u9fff]{3}(?=" + "|".join(_PROJECT_HEADS) + ")")
DIGITS = re.compile(r"[0-9]+(?:\.[0-9]+)?")
# Counties an article may move to: those named 县 (districts and county-level cities are
# county-level too, but their news reads differently), in a fixed order for --seed.
COUNTIES = sorted(d.key for d in gazetteer().by_key.values() if d.level == "County" and d.code and d.name.endswith("县"))


def home(text: str) -> Division:
    """The county an article is about: the county-level division it names most often."""
    def times(d: Division) -> int:
        return text.count(d.name) + (text.count(d.short) if d.short else 0)

    return max((gazetteer().by_key[key] for key in COUNTIES), key=lambda d: (times(d), d.key))


def relocate(text: str, county: Division, rng: random.Random) -> str:
    """``text`` about ``county`` moved to a random county: its divisions renamed together."""
    places = gazetteer()
    below = [d for d in places.below(county.key) if d.name in text]
    needed = {level: sum(d.level == level for d in below) for level in ("Township", "Village")}
    while True:
        target = places.by_key[rng.choice(COUNTIES)]
        pool = {level: [d for d in places.below(target.key) if d.level == level] for level in needed}
        if all(len(pool[level]) >= n for level, n in needed.items()):
            break
    renames: dict[str, str] = {}
    for old, new in zip([county, *places.ancestors(county.key)], [target, *places.ancestors(target.key)]):
        renames[old.name] = new.name
        if old.short:
            renames[old.short] = new.short or new.name
    for level, n in needed.items():
        olds = [d for d in below if d.level == level]
        for old, new in zip(olds, rng.sample(pool[level], n)):
            renames[old.name] = new.name
    names = re.compile("|".join(map(re.escape, sorted(renames, key=len, reverse=True))))
    return names.sub(lambda m: renames[m.group()], text)


def perturb(text: str, rng: random.Random) -> str:
    text = TRADE.sub(lambda m: "".join(rng.choice(POOL) for _ in m.group()), text)
    projects: dict[str, str] = {}
    text = PROJECT.sub(lambda m: projects.setdefault(m.group(), rng.choice(POOL) + m.group()[1:]), text)

    def number(m: re.Match[str]) -> str:
        value = float(m.group()) * rng.uniform(0.5, 2.0)
        return f"{value:.1f}" if "." in m.group() else str(max(1, int(value)))

    return DIGITS.sub(number, text)


def make_corpus(out: Path, megabytes: float, seed: int = 7) -> tuple[int, int]:
    """Write articles into ``out`` until they hold ``megabytes`` of UTF-8; return (files, chars)."""
    rng = random.Random(seed)
    seeds = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "seeds").glob("*.txt"))]
    homes = [home(text) for text in seeds]
    out.mkdir(parents=True, exist_ok=True)
    size = files = chars = 0
    while size < megabytes * 1_000_000:
        seed = files % len(seeds)
        text = perturb(relocate(seeds[seed], homes[seed], rng), rng)
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
