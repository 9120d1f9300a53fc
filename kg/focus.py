"""What an article is about."""

from __future__ import annotations

from collections import Counter

from kg.types import Mention


def main_county(mentions: tuple[Mention, ...]) -> Mention | None:
    """The county an article is about: the one it names most often (first seen on a tie)."""
    counts = Counter(m.key for m in mentions if m.label == "County")
    if not counts:
        return None
    key, _ = max(counts.items(), key=lambda kv: kv[1])
    return next(m for m in mentions if m.key == key)
