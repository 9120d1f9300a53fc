"""What "the same name" means, everywhere: resolution, evaluation and IRIs."""

from __future__ import annotations

import hashlib
import re
import unicodedata

_DROP = re.compile(r"[\s“”‘’\"'《》〈〉「」『』()（）]")


def name_key(name: str) -> str:
    """NFKC, no whitespace, no quotes or brackets, lower case (annotation guide §4)."""
    return _DROP.sub("", unicodedata.normalize("NFKC", name)).lower()


def short_hash(*parts: str, size: int = 6) -> str:
    """A short ASCII digest of ``parts``: the same input gives the same digest on every run."""
    return hashlib.blake2s("\x1f".join(parts).encode("utf-8"), digest_size=size).hexdigest()
