"""Repair the artefacts of newspaper-PDF text extraction, keeping a map back to the file.

Each repair is a small named :class:`Rewrite` (a regex and a replacement) that can be used
on its own as a pure ``str -> str`` function. :func:`normalize` chains them and keeps, for
every character of the result, its offset in the original text, so that provenance can
point into the original file.

Full NFKC is deliberately *not* applied: it would turn "，" into "," and "（" into "(",
which changes sentence splitting and how bracketed names read. Names are NFKC-folded only
where they are compared (:func:`kg.names.name_key`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from difflib import SequenceMatcher

Replacement = Callable[[re.Match[str]], str]

# Characters that make a space between them meaningless in Chinese text: ideographs, CJK and
# full-width punctuation, and the curly quotes Chinese typesetting uses.
_CJK = r"\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff01-\uff60“”‘’—…·•"
_SENTENCE_END = frozenset("。！？；!?;…")
_CLOSERS = "”’」』）)》】"
# Lines that are not body text. A photo caption may wrap onto the next line; a byline or
# a line of page furniture (date line, layout credits) never does.
CAPTION = re.compile(r"^\s*图\s*[为①-⑳0-9一二三四五六七八九十：:]")
BYLINE = re.compile(
    r"^\s*(?:□|■|◆|本报记者|记者|通讯员|组版|责编|校对|编辑|.{0,20}\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日\s*星期)"
)


@dataclass(frozen=True)
class Rewrite:
    """One repair: replace every match of ``pattern`` by ``replace(match)``."""

    name: str
    pattern: re.Pattern[str]
    replace: Replacement

    def __call__(self, text: str) -> str:
        return self.pattern.sub(self.replace, text)

    def tracked(self, text: str, origin: list[int]) -> tuple[str, list[int]]:
        """Apply the repair and carry the offset map along."""
        if not self.pattern.search(text):
            return text, origin  # most repairs find nothing to do in most articles
        parts: list[str] = []
        new_origin: list[int] = []
        last = 0
        for match in self.pattern.finditer(text):
            start, end = match.span()
            parts.append(text[last:start])
            new_origin.extend(origin[last:start])
            replacement = self.replace(match)
            parts.append(replacement)
            new_origin.extend(_align(replacement, text, start, end, origin))
            last = end
        parts.append(text[last:])
        new_origin.extend(origin[last:])
        return "".join(parts), new_origin


def _align(replacement: str, text: str, start: int, end: int, origin: list[int]) -> list[int]:
    """Origins of the characters of a replacement for ``text[start:end]``.

    Characters kept from the match (deletions, de-duplication) keep their own origin;
    a changed or inserted character takes the origin of the position it stands at.
    """
    if replacement == text[start:end]:
        return origin[start:end]
    anchor = origin[start] if end > start else origin[max(start - 1, 0)]
    mapped = [anchor] * len(replacement)
    source = text[start:end]
    if not replacement.strip() and not source.strip():
        return mapped  # whitespace for whitespace (most matches: line breaks, spaces)
    if "".join(source.split()) == "".join(replacement.split()):
        # Only whitespace differs (most repairs: joined lines, spaced-out characters): the
        # other characters pair off in order, without a diff.
        kept = iter(origin[start + i] for i, c in enumerate(source) if not c.isspace())
        for i, c in enumerate(replacement):
            if not c.isspace():
                mapped[i] = next(kept)
        for i in range(1, len(mapped)):
            if mapped[i] < mapped[i - 1]:
                mapped[i] = mapped[i - 1]
        return mapped
    # Whitespace may not anchor a match: repairs insert and delete line breaks freely.
    matcher = SequenceMatcher(str.isspace, text[start:end], replacement, autojunk=False)
    for block in matcher.get_matching_blocks():
        for k in range(block.size):
            mapped[block.b + k] = origin[start + block.a + k]
    for i in range(1, len(mapped)):  # unmatched characters follow their left neighbour
        if mapped[i] < mapped[i - 1]:
            mapped[i] = mapped[i - 1]
    return mapped


def _translate(table: dict[int, str]) -> Replacement:
    return lambda m: m.group().translate(table)


_FULLWIDTH = {c: chr(c - 0xFEE0) for c in range(0xFF10, 0xFF1A)}  # ０-９
_FULLWIDTH |= {c: chr(c - 0xFEE0) for c in range(0xFF21, 0xFF3B)}  # Ａ-Ｚ
_FULLWIDTH |= {c: chr(c - 0xFEE0) for c in range(0xFF41, 0xFF5B)}  # ａ-ｚ
_FULLWIDTH |= {0x3000: " ", 0xFF0E: ".", 0xFF05: "%", 0xA0: " "}
# Vertical presentation forms (set in vertical titles) to their horizontal quotes.
_FULLWIDTH |= {0xFE41: "「", 0xFE42: "」", 0xFE43: "『", 0xFE44: "』", 0xFE35: "（", 0xFE36: "）"}

line_endings = Rewrite("line_endings", re.compile(r"\r\n?"), lambda m: "\n")
"""Windows and old Mac line endings to \\n."""

fullwidth_alnum = Rewrite(
    "fullwidth_alnum",
    re.compile("[" + "".join(map(chr, _FULLWIDTH)) + "]"),
    _translate(_FULLWIDTH),
)
"""Full-width digits, letters and spaces to ASCII: "２０１８" -> "2018"."""


def _join_run(match: re.Match[str]) -> str:
    # A vertical title is a paragraph of its own, and so is the byline set under it.
    title = re.sub(r"\s+", "", match.group())
    return "\n\n\n" + re.sub(r"(?=[□■])", "\n\n\n", title) + "\n\n\n"


vertical_text = Rewrite(
    "vertical_text",
    re.compile(r"(?:^[^\S\n]*\S{1,2}[^\S\n]*\n\s*){3,}[^\S\n]*\S{1,2}[^\S\n]*$", re.M),
    _join_run,
)
"""A run of four or more lines of one or two characters (a vertical title) to one line."""

_DOUBLED_LINE = re.compile(r"(?:(\S+?)\1|[^\S\n]+)+")
_DOUBLED_UNIT = re.compile(r"(\S+?)\1")


def _undouble(match: re.Match[str]) -> str:
    line = match.group()
    if not _DOUBLED_LINE.fullmatch(line):
        return line
    once = _DOUBLED_UNIT.sub(r"\1", line)
    # Text that is doubled by nature stays: numbers (2020, 1100, 8888) and reduplicated words
    # (平平安安, 红红火火 热热闹闹). A heading printed twice whole ("交口新貌交口新貌") keeps
    # at least three characters; one doubled character by character (图图①①：：) at least five.
    shown = "".join(once.split())
    by_character = all(len(unit) == 1 for unit in _DOUBLED_UNIT.findall(line))
    if shown.isdigit() or len(shown) < (5 if by_character else 3):
        return line
    if CAPTION.match(once) or once.rstrip(_CLOSERS)[-1:] in _SENTENCE_END:
        return once  # a caption, or a caption's last line: it may wrap, so no breaks
    # The blank lines around a heading make it a paragraph of its own (see broken_lines).
    return "\n\n" + once + "\n\n"


repeated_headings = Rewrite(
    "repeated_headings",
    re.compile(r"^[^\n]{4,120}$", re.M),
    _undouble,
)
"""A heading the PDF printed twice, as a whole or piece by piece, printed once:
"产业发展加快产业发展加快" -> "产业发展加快", "图图①①：：" -> "图①：".
A line must consist entirely of doubled pieces to be touched, and be a heading's or a
caption's length (120 characters at most): a long line of text that repeats itself is
content, and checking it would cost time quadratic in its length."""


def _line_around(text: str, start: int, end: int) -> tuple[str, str]:
    before = text.rfind("\n", 0, start)
    after = text.find("\n", end)
    return text[before + 1 : start], text[end : len(text) if after < 0 else after]


def _rejoin(match: re.Match[str]) -> str:
    gap = match.group()
    previous, following = _line_around(match.string, *match.span())
    previous = previous.rstrip()
    ends_sentence = previous.rstrip(_CLOSERS)[-1:] in _SENTENCE_END or not previous
    if (
        gap.count("\n") >= 3
        or ends_sentence
        or CAPTION.match(following)
        or BYLINE.match(following)
        or BYLINE.match(previous)
    ):
        return "\n"
    return ""


broken_lines = Rewrite(
    "broken_lines",
    re.compile(r"[^\S\n]*\n\s*"),
    _rejoin,
)
"""Rejoin a sentence cut by a line break; keep one newline between paragraphs.

A break ends a paragraph when the line before it ends a sentence, when three or more
newlines make a wide gap, when a caption or byline starts on the next line, or when the
line before it is a byline."""

spaced_out_chars = Rewrite(
    "spaced_out_chars",
    # The lookahead first: every match starts with a space, and testing for one before trying
    # the alternatives makes the scan 2x faster.
    re.compile(rf"(?=[^\S\n])(?:(?<=[{_CJK}])[^\S\n]+|[^\S\n]+(?=[{_CJK}]))"),
    lambda m: "",
)
"""Spaces next to a Chinese character carry nothing: "外 贸 出 口" -> "外贸出口",
"2018 年" -> "2018年", "3 亿元" -> "3亿元". Spaces between Latin words stay ("Apple Inc")."""

tidy_whitespace = Rewrite(
    "tidy_whitespace",
    re.compile(r"(?=\s)(?:[^\S\n]{2,}|^[^\S\n]+|[^\S\n]+$|\A\n+|\n+\Z)", re.M),  # (?=\s): see spaced_out_chars
    lambda m: "" if m.start() == 0 or m.end() == len(m.string) or "\n" in m.group() else " ",
)
"""Runs of spaces to one; no spaces at line ends; no blank lines at either end."""

# Order matters: full-width spaces must be ASCII before the whitespace rules see them;
# vertical titles and doubled headings are recognised line by line, so before lines are
# rejoined; spaces are dropped last, once lines are whole.
STEPS: tuple[Rewrite, ...] = (
    line_endings,
    fullwidth_alnum,
    vertical_text,
    repeated_headings,
    broken_lines,
    spaced_out_chars,
    tidy_whitespace,
)


def normalize(raw: str) -> tuple[str, tuple[int, ...]]:
    """Normalise an article; return the text and, per character, its offset in ``raw``."""
    text, origin = raw, list(range(len(raw)))
    for step in STEPS:
        text, origin = step.tracked(text, origin)
    return text, tuple(origin)


_CONVERTER = None
# A text is taken for traditional when at least this share of its Chinese characters differ
# in simplified script: some 20% do in a traditional article, none in a simplified one, and
# a simplified article quoting a traditional name stays far below it (and so does a short one
# with a character that t2s would change: at least three must differ).
_TRADITIONAL_SHARE = 0.02


def simplified(text: str) -> str | None:
    """``text`` in simplified characters if it is written in traditional ones, else None.

    OpenCC's t2s conversion (phrases first, then characters). The result has the length of
    ``text``, character for character, so offsets into it are offsets into ``text``: where a
    phrase would convert to another length, characters are converted one by one instead.
    A simplified text is never converted: t2s would turn some simplified names into others
    (乾县 is written so in simplified script too).
    """
    global _CONVERTER
    if _CONVERTER is None:
        import opencc

        _CONVERTER = opencc.OpenCC("t2s")
    converted = _CONVERTER.convert(text)
    if len(converted) != len(text):
        converted = "".join(_CONVERTER.convert(c) if len(_CONVERTER.convert(c)) == 1 else c for c in text)
    changed = sum(a != b for a, b in zip(text, converted))
    chinese = len(re.findall(r"[\u4e00-\u9fff]", text))
    return converted if changed >= max(3, _TRADITIONAL_SHARE * chinese) else None


def normalize_text(raw: str) -> str:
    """Normalise an article, dropping the offset map."""
    return normalize(raw)[0]
