"""China's administrative divisions, read from the gazetteer shipped in the jionlp package.

jionlp (Apache-2.0) ships ``dictionary/china_location.zip``: every province, prefecture and
county with its official six-digit code and short form, and under each county its
townships and villages (names only). We read that file directly: importing jionlp itself
would print a banner and load far more than we need. This module is the only one that
knows where division data comes from; swapping the source touches nothing else.

Keys are the official codes for provinces, prefectures and counties. Townships and
villages have no code in the data, so their key is the county code plus a short hash of
the name's stem (the name without 乡/镇/村…), stable across runs and across the renaming of
a 乡 into a 镇.
"""

from __future__ import annotations

import hashlib
import importlib.util
import re
import zipfile
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path

LEVELS = ("Province", "Prefecture", "County", "Township", "Village")
TOWNSHIP_SUFFIXES = ("民族乡", "街道", "苏木", "乡", "镇")
VILLAGE_SUFFIXES = ("社区", "嘎查", "村")
_CODED_LINE = re.compile(r"^(\t{0,2})([^\t\r\n]+)\t(\d{6})\t([^\t\r\n]*)\r?$", re.M)
_PLACEHOLDERS = {"省直辖行政区划", "自治区直辖县级行政区划", "县"}
# Functional zones that the data lists beside counties but that are no county-level division.
_ZONES = ("示范区", "开发区", "管理区", "工业园区", "高新区")


@dataclass(frozen=True)
class Division:
    key: str  # official code, or "<county code>-<hash of stem>" below county level
    name: str  # official full name: 交口县
    level: str  # one of LEVELS
    short: str  # short form: 交口 ("" when too short to be safe, e.g. 兴县 -> 兴)
    parent: str | None  # key of the division above, None for provinces

    @property
    def code(self) -> str | None:
        return self.key if self.key.isdigit() else None


def stem(name: str, suffixes: tuple[str, ...]) -> str:
    """The name without its administrative suffix: 双池镇 -> 双池, 讲理村 -> 讲理."""
    for suffix in suffixes:
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return name


def county_code_of(key: str) -> str:
    """The county code a township's or village's key begins with (see ``_lower_key``)."""
    return key.split("-", 1)[0]


def _lower_key(county: str, level: str, name: str) -> str:
    base = stem(name, TOWNSHIP_SUFFIXES if level == "Township" else VILLAGE_SUFFIXES)
    digest = hashlib.blake2s(f"{level}:{base}".encode(), digest_size=4).hexdigest()
    return f"{county}-{digest}"


class Gazetteer:
    """Lookup of divisions by name and key; lower levels are parsed per county on demand."""

    def __init__(self, text: str):
        self._text = text
        self.by_key: dict[str, Division] = {}
        self.by_name: dict[str, list[Division]] = {}  # full names and short forms
        self._county_blocks: dict[str, tuple[int, int]] = {}
        self._parse_coded(text)

    def _parse_coded(self, text: str) -> None:
        parents: list[str | None] = [None, None, None]
        county_start: tuple[str, int] | None = None
        for match in _CODED_LINE.finditer(text):
            depth, name, code, short = len(match.group(1)), match.group(2), match.group(3), match.group(4)
            if county_start:
                self._county_blocks[county_start[0]] = (county_start[1], match.start())
                county_start = None
            if depth == 2 and name.endswith(_ZONES):
                continue
            if name in _PLACEHOLDERS or (depth == 1 and code == parents[0]):
                parents[depth] = parents[depth - 1] if depth else None  # municipality: no prefecture level
                continue
            parent = parents[depth - 1] if depth else None
            division = Division(code, name, LEVELS[depth], short if len(short) >= 2 and short != name else "", parent)
            self._add(division)
            parents[depth] = code
            if depth == 2:
                county_start = (code, match.end())
        if county_start:
            self._county_blocks[county_start[0]] = (county_start[1], len(text))

    def _add(self, division: Division) -> None:
        self.by_key.setdefault(division.key, division)
        for form in {division.name, division.short} - {""}:
            self.by_name.setdefault(form, []).append(division)

    def lookup(self, name: str) -> list[Division]:
        """Provinces, prefectures and counties with this full name or short form."""
        return self.by_name.get(name, [])

    def division(self, key: str) -> Division | None:
        """The division with ``key``. A township's or village's county is parsed now if it was
        not yet: a process that extracted nothing from that county (a build from the cache,
        the main process of a build with --jobs) has not parsed it."""
        if key not in self.by_key and "-" in key:
            self.below(county_code_of(key))
        return self.by_key.get(key)

    def official_name(self, key: str) -> str | None:
        """The official name of the division with ``key``, None if there is none."""
        division = self.division(key)
        return division.name if division else None

    def ancestors(self, key: str) -> list[Division]:
        """The divisions above ``key``, nearest first."""
        chain = []
        division = self.division(key)
        while division and division.parent:
            division = self.by_key.get(division.parent)
            if division:
                chain.append(division)
        return chain

    @lru_cache(maxsize=4096)
    def below(self, county: str) -> tuple[Division, ...]:
        """Townships and villages of one county (parsed from its block the first time)."""
        span = self._county_blocks.get(county)
        if not span:
            return ()
        found: list[Division] = []
        township: Division | None = None
        for line in self._text[span[0] : span[1]].splitlines():
            name = line.strip()
            if not name or "\t" in name:
                continue
            depth = len(line) - len(line.lstrip("\t"))
            if depth == 3 and name.endswith(TOWNSHIP_SUFFIXES):
                township = Division(_lower_key(county, "Township", name), name, "Township", "", county)
                found.append(township)
            elif depth == 3:
                township = None  # a development zone or farm: not a township, nor its villages
            elif depth == 4 and township and name.endswith(VILLAGE_SUFFIXES):
                found.append(Division(_lower_key(county, "Village", name), name, "Village", "", township.key))
        for division in found:
            self.by_key.setdefault(division.key, division)
        return tuple(found)

    def names_of(self, level: str) -> frozenset[str]:
        """Full names and short forms of every division of one coded level."""
        return frozenset(
            form for d in self.by_key.values() if d.level == level and d.code for form in (d.name, d.short) if form
        )

    @cached_property
    def names(self) -> frozenset[str]:
        """Every full name and short form of the coded levels, for the segmenter's dictionary."""
        return frozenset(self.by_name)


def _jionlp_location_zip() -> Path:
    spec = importlib.util.find_spec("jionlp")  # finds the package without importing it
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("jionlp is not installed; `pip install countykg` brings it")
    return Path(next(iter(spec.submodule_search_locations))) / "dictionary" / "china_location.zip"


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    """The gazetteer of the installed jionlp package, loaded once per process."""
    with zipfile.ZipFile(_jionlp_location_zip()) as archive:
        member = next(n for n in archive.namelist() if n.endswith(".txt"))
        return Gazetteer(archive.read(member).decode("utf-8"))
