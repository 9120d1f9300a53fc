"""The annotated corpus: its documents, their fixed split, and the checks its gold must pass.

A corpus folder holds ``texts/`` (articles as countykg reads them), ``gold/`` (one file per
article, annotation guide §3) and ``documents.tsv`` (one row per article: county, province,
style, artifacts, script and split). The split is fixed in that file and never computed
from results, so the test part stays unseen by whatever is tuned or trained on the rest.

``python -m kg.corpus check [GOLD ...] [--texts DIR]`` checks gold files against their
texts and the gazetteer: shape and classes, the classes each relation joins, every alias
found in the text, and every ``partOf`` true in the real hierarchy.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from kg.errors import GoldError, KgError
from kg.evaluate import load_gold_file
from kg.places import Division, gazetteer

SPLITS = ("dev", "test")
DIVISIONS = ("Province", "Prefecture", "County", "Township", "Village")
# The classes each relation joins (annotation guide §2); a gold entity may also count as
# the classes under its ``also``.
RELATION_ENDS = {
    "locatedIn": ({"Enterprise", "Project"}, set(DIVISIONS)),
    "partOf": (set(DIVISIONS) - {"Province"}, set(DIVISIONS) - {"Village"}),
    "implements": ({"Province", "Prefecture", "County", "Township"}, {"Program"}),
    "developedBy": ({"Project"}, {"Enterprise"}),
}


@dataclass(frozen=True)
class Document:
    """One row of ``documents.tsv``."""

    doc: str  # file name in texts/, the gold's "doc"
    county: str
    prefecture: str
    province: str
    style: str  # feature | projects | report
    artifacts: str  # the PDF artifacts rendered into the text, "" for plain text
    script: str  # simplified | traditional
    split: str  # dev | test


def documents(corpus: Path, split: str | None = None) -> list[Document]:
    """The corpus's documents in file order, of one split or of all."""
    manifest = corpus / "documents.tsv"
    if not manifest.is_file():
        raise KgError(f"{manifest}: no such file; a corpus folder holds texts/, gold/ and documents.tsv")
    with manifest.open(encoding="utf-8", newline="") as handle:
        rows = [Document(**row) for row in csv.DictReader(handle, delimiter="\t")]
    unknown = {row.split for row in rows} - set(SPLITS)
    if unknown:
        raise KgError(f"{manifest}: unknown split {', '.join(sorted(unknown))}; expected dev or test")
    return [row for row in rows if split in (None, row.split)]


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def check_gold(data: dict, text: str, where: str = "") -> list[str]:
    """Problems of one gold file (already shape-checked) against its text and the gazetteer."""
    problems = []
    flat = _squash(text)
    types = {e["name"]: {e["type"], *e.get("also", [])} for e in data["entities"]}
    if len(types) < len(data["entities"]):
        problems.append(f"{where}: an entity name is given twice")
    for entity in data["entities"]:
        forms = [entity["name"], *entity.get("aliases", [])]
        if not any(_squash(f) in flat for f in forms):
            problems.append(f"{where}: no form of {entity['name']} occurs in the text")
    for r in data["relations"]:
        heads, tails = RELATION_ENDS[r["type"]]
        if not (types[r["head"]] & heads and types[r["tail"]] & tails):
            problems.append(f"{where}: {r['type']} cannot join {r['head']} and {r['tail']}")
    problems += _check_hierarchy(data, flat, where)
    seen = set()
    for r in data["relations"]:
        triple = (r["head"], r["type"], r["tail"])
        if triple in seen:
            problems.append(f"{where}: relation given twice: {triple}")
        seen.add(triple)
    return problems


def _check_hierarchy(data: dict, flat: str, where: str) -> list[str]:
    """Every partOf whose ends the gazetteer knows is true there. Not checked: ends it does not
    know (a division renamed after the gazetteer's date), and a pair the text writes as one
    address (岚城镇王家村): villages are merged and moved more often than the data is updated."""
    gaz = gazetteer()
    level = {e["name"]: e["type"] for e in data["entities"] if e["type"] in DIVISIONS}
    found: dict[str, list[Division]] = {
        name: [d for d in gaz.lookup(name) if d.level == kind and d.name == name]
        for name, kind in level.items() if kind in ("Province", "Prefecture", "County")
    }
    below = [d for divisions in list(found.values()) for c in divisions if c.level == "County" for d in gaz.below(c.key)]
    for name, kind in level.items():
        if kind in ("Township", "Village"):
            found[name] = [d for d in below if d.name == name and d.level == kind]
    problems = []
    for r in data["relations"]:
        if r["type"] != "partOf" or not (found.get(r["head"]) and found.get(r["tail"])):
            continue
        if _squash(r["tail"] + r["head"]) in flat:
            continue
        tails = {d.key for d in found[r["tail"]]}
        if not any(tails & _ancestors(d) for d in found[r["head"]]):
            problems.append(f"{where}: partOf not true in the gazetteer: {r['head']} → {r['tail']}")
    return problems


def _ancestors(division: Division) -> set[str]:
    """Keys above a division, followed from the division itself: two villages of one name in
    one county share a key, so the gazetteer's own walk from the key may take the other's."""
    keys, key = set(), division.parent
    while key:
        keys.add(key)
        above = gazetteer().division(key)
        key = above.parent if above else None
    return keys


def check_files(gold_files: list[Path], texts: Path) -> list[str]:
    """Problems of gold files whose documents are in ``texts``."""
    problems = []
    for path in gold_files:
        try:
            doc, _, _ = load_gold_file(path)
        except GoldError as error:
            problems.append(str(error))
            continue
        text_file = texts / doc
        if not text_file.is_file():
            problems.append(f"{path}: its document {doc} is not in {texts}")
            continue
        data = json.loads(path.read_text(encoding="utf-8"))
        problems += check_gold(data, text_file.read_text(encoding="utf-8"), path.name)
    return problems


def _print_divisions(name: str) -> int:
    """For annotators: where a county sits and what lies below it, as the gazetteer has it."""
    gaz = gazetteer()
    counties = [d for d in gaz.lookup(name) if d.level == "County"]
    if not counties:
        print(f"{name}: no county of that name in the gazetteer")
        return 1
    for county in counties:
        print(" < ".join(d.name for d in [county, *gaz.ancestors(county.key)]), county.key)
        for division in gaz.below(county.key):
            print(("  " if division.level == "Township" else "    ") + division.name)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m kg.corpus", description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser("check", help="check gold files against their texts and the gazetteer")
    check.add_argument("gold", nargs="*", default=["corpus/gold"], help="gold .json files or folders (default corpus/gold)")
    check.add_argument("--texts", default="corpus/texts", help="folder of the articles (default corpus/texts)")
    divisions = commands.add_parser("divisions", help="a county's province, prefecture, townships and villages")
    divisions.add_argument("county", help="official name: 修文县")
    args = parser.parse_args(argv)
    if args.command == "divisions":
        return _print_divisions(args.county)
    files = [f for g in map(Path, args.gold) for f in (sorted(g.glob("*.json")) if g.is_dir() else [g])]
    problems = check_files(files, Path(args.texts))
    for problem in problems:
        print(problem)
    print(f"{len(files)} gold files, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
