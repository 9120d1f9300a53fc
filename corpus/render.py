#!/usr/bin/env python3
"""Render texts/ from clean/: each article as countykg gets it, with the PDF-extraction
artifacts that documents.tsv lists for it.

clean/ holds the articles in a small markup (one block per line): ``# title``,
``## heading``, ``@@图为…`` a photo caption, anything else a paragraph. The artifacts are
those our real inputs (text pulled out of county-newspaper PDFs) show:

    wrap      hard line breaks every 14-24 characters, breaking words
    blank     an empty line after every wrapped line (column-layout extraction)
    double    a section heading printed twice in a row ("标题标题")
    spaced    runs of characters separated by spaces ("外 贸 出 口")
    vertical  the title printed vertically, one character per line
    digits    half-width digits set off by spaces ("2018 年", "3 亿元")
    caption   the "图为…" caption dropped into the middle of a paragraph

The output depends only on the document's name (a random generator seeded by it), so
texts/ is rebuilt byte for byte. Articles without a clean source (the seeds, which are
real PDF extractions) are left as they are.

usage: python3 corpus/render.py [OUT_DIR]   (default: corpus/texts)
"""
import csv
import random
import re
import sys
import zlib
from pathlib import Path

CORPUS = Path(__file__).resolve().parent
KINDS = ("wrap", "blank", "double", "spaced", "vertical", "digits", "caption")

VERTICAL_PUNCT = {"“": "﹃", "”": "﹄", "「": "﹁", "」": "﹂", "—": "︱", "：": "︰", "，": "︐"}
UNIT_AFTER_DIGITS = "年月日亿万个户座条家项栋棒亩吨元人公千兆米"


def parse(text):
    """Split clean markup into (kind, text) blocks."""
    blocks = []
    for line in text.splitlines():
        line = line.rstrip()
        if not line:
            continue
        if line.startswith("## "):
            blocks.append(("heading", line[3:].strip()))
        elif line.startswith("# "):
            blocks.append(("title", line[2:].strip()))
        elif line.startswith("@@"):
            blocks.append(("caption", line[2:].strip()))
        else:
            blocks.append(("para", line.strip()))
    return blocks


def render_plain(blocks):
    out = []
    for kind, text in blocks:
        out.append(text)
        out.append("")
    return "\n".join(out).rstrip() + "\n"


def space_digits(text, rng, p=0.6):
    """Set half-width numbers off with spaces, as PDF text layers often do."""
    def repl(m):
        if rng.random() > p:
            return m.group(0)
        num, unit = m.group(1), m.group(2)
        before = " " if rng.random() < 0.4 else ""
        return f"{before}{num} {unit}"
    return re.sub(r"(\d+(?:\.\d+)?)([%s])" % UNIT_AFTER_DIGITS, repl, text)


def spaced_runs(text, rng, runs=2):
    """Letter-space a few runs of 4-9 characters (justified narrow columns)."""
    for _ in range(runs):
        if len(text) < 20:
            break
        length = rng.randint(4, 9)
        start = rng.randint(0, len(text) - length)
        run = text[start:start + length]
        if "\n" in run:
            continue
        text = text[:start] + " ".join(run) + " " + text[start + length:]
    return text


def wrap(text, rng):
    """Hard line breaks every 14-24 characters, ignoring word boundaries."""
    lines, i = [], 0
    while i < len(text):
        width = rng.randint(14, 24)
        lines.append(text[i:i + width])
        i += width
    return lines


def vertical(text):
    return [VERTICAL_PUNCT.get(ch, ch) for ch in text if not ch.isspace()]


def render_artifacts(blocks, arts, rng):
    headings = [i for i, (k, _) in enumerate(blocks) if k == "heading"]
    doubled = set(rng.sample(headings, min(len(headings), 1 + (len(headings) > 3)))) if "double" in arts else set()
    captions = [t for k, t in blocks if k == "caption"]
    body = [(i, k, t) for i, (k, t) in enumerate(blocks) if k != "caption"]
    paras = [i for i, k, _ in body if k == "para"]
    # the caption lands inside a paragraph in the middle of the article
    caption_host = {}
    if "caption" in arts and captions and paras:
        hosts = rng.sample(paras[1:] or paras, min(len(captions), len(paras[1:] or paras)))
        caption_host = dict(zip(hosts, captions))
    elif captions:
        caption_host = {paras[-1]: captions[0]}

    sep = "\n\n" if "blank" in arts else "\n"
    out = []
    for i, kind, text in body:
        if kind == "title":
            if "vertical" in arts:
                out.append("\n".join(vertical(text)))
            else:
                out.append(text)
            out.append("")
            continue
        if kind == "heading":
            out.append("")
            out.append(text + text if i in doubled else text)
            out.append("")
            continue
        if "digits" in arts:
            text = space_digits(text, rng)
        if "spaced" in arts and rng.random() < 0.5:
            text = spaced_runs(text, rng, runs=rng.randint(1, 2))
        lines = wrap(text, rng) if "wrap" in arts else [text]
        if i in caption_host:
            # the caption interrupts the column, but only after a wrapped line that
            # ends in punctuation, so no name is cut in two by foreign text
            cuts = [c for c in range(1, len(lines)) if lines[c - 1][-1:] in "。；，、："]
            cut = rng.choice(cuts) if cuts else len(lines)
            lines = lines[:cut] + ["", caption_host[i], ""] + lines[cut:]
        out.append(sep.join(lines))
    text = "\n".join(out)
    text = re.sub(r"\n{4,}", "\n\n\n", text)
    return text.strip("\n") + "\n"


def main(out: Path = CORPUS / "texts"):
    with (CORPUS / "documents.tsv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    for row in rows:
        source = CORPUS / "clean" / row["doc"]
        if not source.is_file():
            continue
        arts = set(filter(None, row["artifacts"].split(",")))
        if arts - set(KINDS):
            raise SystemExit(f"{row['doc']}: unknown artifacts {arts - set(KINDS)}")
        blocks = parse(source.read_text(encoding="utf-8"))
        rng = random.Random(zlib.crc32(source.stem.encode()))
        text = render_artifacts(blocks, arts, rng) if arts else render_plain(blocks)
        (out / row["doc"]).write_text(text, encoding="utf-8")
        print(f"{row['doc']}: {', '.join(sorted(arts)) or 'plain'}")


if __name__ == "__main__":
    main(*map(Path, sys.argv[1:2]))
