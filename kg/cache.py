"""Extractions cached by content: an unchanged article is not read again.

The key of an article is a digest of its file name, its decoded text and the *extractor
version*: a digest of the code, rule and model files that decide what is extracted, and of the
versions of the packages that do too. Changing one article re-extracts that article;
changing a rule, or upgrading one of those packages, re-extracts everything.

The cache holds the articles of the last build only: entries that build did not use (an
article since changed or removed, an older extractor's) are deleted at its end, so the
folder does not grow with every rule change. Entries are compressed: the 10 MB benchmark
corpus's cache takes 28 MB instead of 252.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import io
import pickle
import zlib
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from kg.export import write_atomic
from kg import types as kg_types
from kg.types import Extraction

PACKAGE = Path(__file__).resolve().parent


# Packages whose data or behaviour is part of what an article yields: the gazetteer (jionlp),
# the segmenter and its dictionary (rjieba), the pipeline (spacy), the vocabularies' IRIs
# written into each article's triples (rdflib), the name matcher (ahocorasick-rs).
EXTRACTION_PACKAGES = ("jionlp", "rjieba", "spacy", "rdflib", "ahocorasick-rs", "opencc")


@lru_cache(maxsize=1)
def extractor_version() -> str:
    digest = hashlib.sha256()
    for package in EXTRACTION_PACKAGES:
        digest.update(f"{package}=={importlib.metadata.version(package)}\n".encode())
    for path in sorted([*PACKAGE.glob("*.py"), *(PACKAGE / "rules").rglob("*.t*"), *(PACKAGE / "models").glob("*.json")]):
        digest.update(path.relative_to(PACKAGE).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _changed_before(path: Path, moment: float) -> bool:
    try:
        return path.stat().st_mtime < moment
    except OSError:
        return False


class _ExtractionUnpickler(pickle.Unpickler):
    """Unpickles the records of kg.types and nothing else: pickle can call any function
    it names (os.system), so an entry may name only our plain, frozen data classes."""

    ALLOWED = frozenset({"Document", "Mention", "RelationMention", "Sentence", "Fact", "Extraction"})

    def find_class(self, module: str, name: str):
        if module == "kg.types" and name in self.ALLOWED:
            return getattr(kg_types, name)
        raise pickle.UnpicklingError(f"{module}.{name} is not a record of an extraction")


class ExtractionCache:
    """Pickled Extractions in a folder, compressed, one file per article version."""

    SUFFIX = ".pickle.zlib"

    def __init__(self, folder: str | Path):
        self.folder = Path(folder)

    def key(self, source_file: str, text: str) -> str:
        digest = hashlib.sha256(f"{extractor_version()}\x1f{source_file}\x1f".encode())
        digest.update(text.encode("utf-8"))
        return digest.hexdigest()

    def _path(self, key: str) -> Path:
        return self.folder / f"{key}{self.SUFFIX}"

    def holds(self, key: str) -> bool:
        """Whether there is an entry for ``key`` (get() may still find it unreadable)."""
        return self._path(key).exists()

    def get(self, key: str) -> Extraction | None:
        """The entry for ``key``; None when absent, unreadable (cut short by a crash: see put)
        or not an Extraction. Entries are read by ``_ExtractionUnpickler``: a file planted in
        the cache can make nothing but the project's plain records."""
        try:
            data = zlib.decompress(self._path(key).read_bytes())
            found = _ExtractionUnpickler(io.BytesIO(data)).load()
        except Exception:  # extract the article again
            return None
        return found if isinstance(found, Extraction) else None

    def put(self, key: str, extraction: Extraction) -> None:
        # Level 1: nine to ten times smaller, at some 380 MB/s (level 6: 12.5 times, at half
        # the speed). Not forced to disk: after a crash an entry may be empty or cut short,
        # which get() takes for a miss, and the article is extracted again.
        data = zlib.compress(pickle.dumps(extraction, protocol=pickle.HIGHEST_PROTOCOL), 1)
        write_atomic(self._path(key), data, durable=False)

    def entries(self) -> list[Path]:
        return sorted(self.folder.glob(f"*{self.SUFFIX}"))

    def keep_only(self, keys: Iterable[str], *, started: float = 0.0) -> None:
        """Delete every entry but those of ``keys``, entries of the uncompressed format of
        before, and the temporary files of entries a killed build did not finish: those last
        changed before ``started`` (a build's start, as time.time()). A file another build is
        writing meanwhile is left."""
        kept = {self._path(key) for key in keys}
        for path in [*self.entries(), *self.folder.glob("*.pickle")]:
            if path not in kept and not path.name.startswith("."):
                path.unlink(missing_ok=True)
        for leftover in self.folder.glob(f".*{self.SUFFIX}.*.tmp"):
            if _changed_before(leftover, started):
                leftover.unlink(missing_ok=True)
