"""Find mentions of administrative divisions in a text, resolved against the gazetteer.

Full names (交口县, 吕梁市) are taken where they start on a word boundary. Short forms
(交口, 吕梁) are accepted only in context: a province's short form always (they are
distinctive), any other short form when the division's province or prefecture is also in
the text, or when it has three characters or more. A short form followed by the generic
name of a natural or built feature (吕梁山, 交城山, 迎泽大街) is a mountain or a street,
not a division. Townships and villages are looked up only under the counties the text
mentions, by full name, by the same stem with another suffix (a 乡 that became a 镇), and by
their stem alone (回龙 for 回龙镇).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass

from ahocorasick_rs import AhoCorasick

from kg.places import TOWNSHIP_SUFFIXES, VILLAGE_SUFFIXES, Division, Gazetteer, stem


@dataclass(frozen=True)
class PlaceMention:
    start: int
    end: int
    division: Division
    rule: str  # "place.full_name", "place.short_form", …


class PlaceFinder:
    def __init__(self, gazetteer: Gazetteer, geo_features: Collection[str]):
        self.gazetteer = gazetteer
        self.geo_features = tuple(sorted(geo_features, key=len, reverse=True))
        # Every name of the coded levels, found in one pass over the text by an Aho-Corasick
        # automaton (Rust): a Python loop over each character took ten times as long.
        self._names = AhoCorasick([name for name in gazetteer.by_name if len(name) >= 2])

    def find(self, text: str, word_starts: Collection[int], word_ends: Collection[int]) -> list[PlaceMention]:
        """Division mentions in ``text``; ``word_starts``/``word_ends`` are the segmenter's boundaries."""
        raw = self._coded_candidates(text, word_starts, word_ends)
        found = self._resolve_coded(raw)
        counties = {m.division.key for m in found if m.division.level == "County"}
        pairs = {text[i : i + 2] for i in range(len(text) - 1)}  # a name can only be where its first two characters are
        lower = [m for county in sorted(counties) for m in self._lower_levels(text, county, word_ends, pairs)]
        # A township or village name must start a word, or follow another division directly
        # (双池镇枣林村, 回龙明志沟村): 以下村 is not a village in 500人以下村.
        ends = {m.end for m in found + lower}
        found += [m for m in lower if m.start in word_starts or m.start in ends]
        return sorted(found, key=lambda m: (m.start, -m.end))

    def _followed_by_feature(self, text: str, end: int) -> bool:
        return text.startswith(self.geo_features, end)

    def _coded_candidates(self, text, word_starts, word_ends) -> list[tuple[int, int, str]]:
        ends_at: dict[int, list[int]] = {}  # start -> ends of the names found there
        for _, start, end in self._names.find_matches_as_indexes(text, overlapping=True):
            ends_at.setdefault(start, []).append(end)
        found = []
        for start in sorted(ends_at):
            for end in sorted(ends_at[start], reverse=True):  # longest name first
                name = text[start:end]
                # A name is a word of its own. A full name may also be glued by jieba to
                # the word before or after it (为吕梁市…, 吕梁市劳务…); such a match then
                # needs its parent in the text (城东区 in 城东区域 is no district).
                is_full = any(d.name == name for d in self.gazetteer.by_name[name])
                whole = start in word_starts and end in word_ends
                if (whole or (is_full and len(name) >= 3)) and not self._followed_by_feature(text, end):
                    found.append((start, end, name if whole else "~" + name))
                    break
        return found

    def _resolve_coded(self, raw: list[tuple[int, int, str]]) -> list[PlaceMention]:
        """Choose one division per name, using the other names of the text as context."""
        lookup = self.gazetteer.lookup
        counts = Counter(name.lstrip("~") for _, _, name in raw)
        context: set[str] = set()
        clean = {name for _, _, name in raw if not name.startswith("~")}
        for _ in range(2):  # a second round lets accepted names support their children
            for name in clean:
                division = self._choose(name, lookup(name), context, counts[name])
                if division:
                    context.add(division.key)
                    context.update(a.key for a in self.gazetteer.ancestors(division.key))
        mentions = []
        for start, end, marked in raw:
            name = marked.lstrip("~")
            division = self._choose(name, lookup(name), context, counts[name], glued=marked != name)
            if division:
                full = division.name == name
                mentions.append(PlaceMention(start, end, division, "place.full_name" if full else "place.short_form"))
        return mentions

    def _choose(
        self, name: str, divisions: list[Division], context: set[str], count: int, glued: bool = False
    ) -> Division | None:
        def support(division: Division) -> int:
            # Only the division directly above counts: 古县 is in 山西, but an article that
            # names 山西 and 千年古县 does not name the county 古县 unless it names 临汾 too.
            return int(division.parent in context) if division.parent else 0

        ranked = sorted(divisions, key=lambda d: (-support(d), d.key))
        best = ranked[0]
        if len(ranked) > 1 and support(ranked[1]) == support(best) and best.name != name:
            return None  # an ambiguous short form: no guess
        if best.level == "Province" or support(best) > 0:
            return best
        if glued:  # 城东区 in 城东区域: a name inside a longer word needs its parent around it
            return None
        # Without its parent around it, a name must have three characters or more (古县 in
        # 千年古县, 城区 or 矿区 alone are ordinary words), and a district's name, whose
        # 城东区 or 新城区 is found in many a city, must be repeated; a short form must be a
        # prefecture's (鄂尔多斯) or be repeated.
        if len(name) < 3:
            return None
        if best.name == name and (not name.endswith("区") or count >= 2):
            return best
        if best.name != name and (best.level == "Prefecture" or count >= 2):
            return best
        return None

    def _lower_levels(self, text, county: str, word_ends, pairs: Collection[str]) -> list[PlaceMention]:
        mentions = []
        below = self.gazetteer.below(county)
        villages_of: dict[str, list[str]] = {}
        for division in below:
            if division.level == "Village":
                villages_of.setdefault(division.parent, []).append(division.name)
        for division in below:
            suffixes = TOWNSHIP_SUFFIXES if division.level == "Township" else VILLAGE_SUFFIXES
            base = stem(division.name, suffixes)
            forms = [(division.name, "place.full_name")]
            forms += [(base + s, "place.renamed") for s in suffixes if base + s != division.name]
            min_stem = 2 if division.level == "Township" else 3
            # A bare stem that is also a county's or a city's name (交口 of 交口街道) is theirs.
            if len(base) >= min_stem and not self.gazetteer.lookup(base):
                forms.append((base, "place.short_form"))
            for form, rule in forms:
                if form[:2] not in pairs:
                    continue
                for start in _occurrences(text, form):
                    end = start + len(form)
                    # A township's stem directly before one of its own villages (桃红坡西交子村)
                    # is the township, however the segmenter cut the two.
                    before_own_village = text.startswith(tuple(villages_of.get(division.key, ())), end)
                    if rule == "place.short_form" and not before_own_village and (
                        end not in word_ends or self._followed_by_feature(text, end)
                    ):
                        continue
                    # A village's bare stem is read as the village only where a list or the
                    # sentence goes on after it (用好苏家湾、…), not as the first word of
                    # some other name (乔家沟安置点, 大麦郊红军…旧址).
                    if rule == "place.short_form" and division.level == "Village" and _is_cjk(text[end : end + 1]):
                        continue
                    mentions.append(PlaceMention(start, end, division, rule))
        return mentions


def _is_cjk(char: str) -> bool:
    return bool(char) and "\u4e00" <= char <= "\u9fff"


def _occurrences(text: str, form: str):
    start = text.find(form)
    while start >= 0:
        yield start
        start = text.find(form, start + 1)
