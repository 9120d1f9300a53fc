"""Load articles: path -> decoded text, rejecting what is not a text article.

Accepted encodings, tried in this order: UTF-16 with a BOM, UTF-8 (with or without BOM),
UTF-16 without a BOM, GB18030 (a superset of GBK and GB2312); the last two only where the
text decodes to Chinese or plain text. Anything else is reported, never guessed at.
"""

from __future__ import annotations

import codecs
import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from kg.errors import InputError

MAX_BYTES = 20 * 1024 * 1024  # one newspaper page is ~10 KB; 20 MB is surely not an article
SUFFIXES = (".txt",)


def find_articles(paths: Iterable[str | Path]) -> list[Path]:
    """Expand files and folders into a sorted list of article files.

    Raises:
        InputError: a path does not exist, or two files have the same name, suffix aside (a
            document is known by its file name: ckg:sourceFile, the gold's "doc").
    """
    found: dict[Path, Path] = {}  # the file itself -> the path it was found by
    for path in map(Path, paths):
        if path.is_dir():
            files = _files_under(path)
        elif path.is_file():
            files = [path]
        else:
            raise InputError(f"{path}: no such file or folder")
        for file in files:
            found.setdefault(file.resolve(), file)
    # A document's IRI comes from its file name without the suffix (build.make_document): two
    # files with one such name would be one document, their mentions and offsets mixed up.
    by_stem: dict[str, list[Path]] = {}
    for file in found.values():
        by_stem.setdefault(file.stem, []).append(file)
    clashes = sorted(sorted(same) for same in by_stem.values() if len(same) > 1)
    if clashes:
        shown = "; ".join(" and ".join(map(str, same)) for same in clashes[:5])
        more = f" (and {len(clashes) - 5} more names)" if len(clashes) > 5 else ""
        raise InputError(f"files with the same name, which would be one document: {shown}{more}; rename them")
    return sorted(found.values(), key=lambda p: (p.name, str(p)))


def _files_under(folder: Path) -> list[Path]:
    """The article files under ``folder``, whatever the case of their suffix (.TXT), through
    folders that are symbolic links too (each real folder once).

    Raises:
        InputError: a folder under it cannot be read (its articles would be lost unsaid).
    """
    files, seen = [], set()

    def refuse(error: OSError) -> None:
        raise InputError(f"{error.filename}: cannot read this folder ({error.strerror}); its articles would be left out")

    for root, folders, names in os.walk(folder, onerror=refuse, followlinks=True):
        real = os.path.realpath(root)
        if real in seen:  # a link back to a folder already walked
            folders[:] = []
            continue
        seen.add(real)
        folders.sort()
        files += [Path(root) / name for name in sorted(names) if Path(name).suffix.lower() in SUFFIXES]
    return [f for f in files if f.is_file()]


def read_text(path: str | Path, *, max_bytes: int = MAX_BYTES) -> str:
    """Read one article and decode it.

    Raises:
        InputError: the file is empty, too large, binary, or in no accepted encoding.
    """
    path = Path(path)
    size = path.stat().st_size
    if size > max_bytes:
        raise InputError(
            f"{path}: {size:,} bytes is larger than the limit of {max_bytes:,}; "
            "split it into articles or raise --max-bytes"
        )
    data = path.read_bytes()
    if not data.strip():
        raise InputError(f"{path}: the file is empty")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = _decode(path, data, "utf-16")
    elif b"\x00" in data:
        text = _utf16_without_bom(data)
        if text is None:
            raise InputError(f"{path}: binary file (contains NUL bytes); expected a plain-text article")
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as utf8_error:
            text = _utf16_without_bom(data) or _gb18030(data)
            if text is None:
                raise InputError(
                    f"{path}: neither UTF-8 (invalid byte 0x{data[utf8_error.start]:02X} at offset "
                    f"{utf8_error.start}) nor UTF-16 nor GB18030/GBK; save it as UTF-8"
                ) from None
    if not text.strip():  # a byte-order mark, or full-width spaces, and nothing else
        raise InputError(f"{path}: the file holds no text")
    return text


def _decode(path: Path, data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as error:
        raise InputError(f"{path}: invalid {encoding} at byte offset {error.start}") from None


def _utf16_without_bom(data: bytes) -> str | None:
    """Decode UTF-16 that lacks its byte-order mark (little- or big-endian), if the result
    looks like text (``_looks_like_text``), else None."""
    if len(data) % 2:
        return None
    for encoding in ("utf-16-le", "utf-16-be"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _looks_like_text(text):
            return text
    return None


def _looks_like_text(text: str) -> bool:
    """Printable, and its characters beyond ASCII, if any, mostly Chinese (``_mostly_chinese``)."""
    printable = sum(1 for c in text if c.isprintable() or c in "\n\r\t")
    return printable >= 0.98 * len(text) and (_mostly_chinese(text) is not False)


def _mostly_chinese(text: str) -> bool | None:
    """Whether nine in ten of the characters beyond ASCII are common CJK ideographs or CJK
    punctuation; None when there are none."""
    wide = [c for c in text if ord(c) > 0x7F]
    if not wide:
        return None
    common = sum(1 for c in wide if "\u4e00" <= c <= "\u9fff" or "\u3000" <= c <= "\u303f" or "\uff00" <= c <= "\uffef")
    return common / len(wide) >= 0.9


def _gb18030(data: bytes) -> str | None:
    """Decode as GB18030 if the result looks like Chinese text, else None.

    GB18030 maps almost every byte pair to some character, so a successful decode alone
    proves little: we also ask that most non-ASCII characters be common CJK ideographs
    or CJK punctuation, which random bytes (or Latin-1 text) are not.
    """
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        return None
    return text if _mostly_chinese(text) else None


def iter_texts(paths: Iterable[Path], *, max_bytes: int = MAX_BYTES) -> Iterator[tuple[Path, str | InputError]]:
    """Yield ``(path, text)`` for each file, or ``(path, error)`` for a file that was refused."""
    for path in paths:
        try:
            yield path, read_text(path, max_bytes=max_bytes)
        except InputError as error:
            yield path, error
        except OSError as error:
            yield path, InputError(f"{path}: cannot read ({error.strerror})")
