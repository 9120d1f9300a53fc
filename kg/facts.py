"""Facts of one document: investment, capacity, phase, status and year of projects, and the
statistics reported for the article's county. Patterns are data (kg/rules/facts.toml).

Amounts of money are parsed with jionlp's ``parse_money`` ("45.4亿元" -> 4540000000); a
range or an approximate amount ("1200余万元") keeps its lower bound.
"""

from __future__ import annotations

import contextlib
import io
import re
import tomllib
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from kg.errors import RuleError
from kg.focus import main_county
from kg.rules import RULES_DIR
from kg.types import Fact, Mention, Sentence

_CHINESE_DIGITS = {c: i for i, c in enumerate("零一二三四五六七八九")}


@dataclass(frozen=True)
class Term:
    """A status or an indicator: its id, labels, and the words that signal it in a text."""

    id: str
    label_zh: str
    label_en: str
    words: tuple[str, ...]  # a status's cue words, an indicator's names


@dataclass(frozen=True)
class FactRules:
    investment: re.Pattern[str]
    capacity: re.Pattern[str]
    phase: re.Pattern[str]
    year: re.Pattern[str]
    statuses: tuple[Term, ...]
    statistic_value: re.Pattern[str]
    window: int
    indicators: tuple[Term, ...]


def _compile(source: str, where: str) -> re.Pattern[str]:
    try:
        return re.compile(source)
    except (re.error, TypeError) as error:
        raise RuleError(f"{where}: regex does not compile: {error}") from None


def load_fact_rules(path: str | Path | None = None) -> FactRules:
    """Load and check kg/rules/facts.toml (or another file of the same shape).

    Raises:
        RuleError: the file is missing, not TOML, or lacks a field.
    """
    path = Path(path) if path else RULES_DIR / "facts.toml"
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        project, statistics = data["project"], data["statistics"]
        statuses = tuple(
            Term(s["id"], s["label"]["zh"], s["label"]["en"], tuple(s["cues"])) for s in data["status"]
        )
        indicators = tuple(
            Term(i["id"], i["label"]["zh"], i["label"]["en"], tuple(i["names"])) for i in data["indicator"]
        )
    except FileNotFoundError:
        raise RuleError(f"{path}: rule file not found") from None
    except tomllib.TOMLDecodeError as error:
        raise RuleError(f"{path}: not valid TOML: {error}") from None
    except KeyError as error:
        raise RuleError(f"{path}: missing field {error}") from None
    return FactRules(
        investment=_compile(project["investment"], f"{path.name} [project] investment"),
        capacity=_compile(project["capacity"], f"{path.name} [project] capacity"),
        phase=_compile(project["phase"], f"{path.name} [project] phase"),
        year=_compile(project["year"], f"{path.name} [project] year"),
        statuses=statuses,
        statistic_value=_compile(statistics["value"], f"{path.name} [statistics] value"),
        window=int(statistics.get("window", 8)),
        indicators=indicators,
    )


@lru_cache(maxsize=1)
def default_fact_rules() -> FactRules:
    return load_fact_rules()


@lru_cache(maxsize=1)
def _parse_money():
    with contextlib.redirect_stdout(io.StringIO()):  # jionlp prints a banner on import
        import jionlp
    return jionlp.parse_money


def money(text: str) -> Decimal | None:
    """Yuan in an amount as written: "45.4亿元" -> Decimal("4540000000")."""
    try:
        parsed = _parse_money()(text)
    except Exception:  # jionlp raises on what it cannot read; an unreadable amount is no fact
        return None
    number = parsed.get("num") if isinstance(parsed, dict) else None
    if isinstance(number, list):
        number = number[0]
    return Decimal(number).normalize() if number else None


def _phase(text: str) -> str:
    return str(_CHINESE_DIGITS[text] if text in _CHINESE_DIGITS else int(text))


def _decimal(text: str) -> str:
    return format(Decimal(text).normalize(), "f")


def find_facts(text: str, sentences: tuple[Sentence, ...], mentions: tuple[Mention, ...], rules: FactRules | None = None) -> tuple[Fact, ...]:
    """Facts stated in one document (``text`` is Document.text)."""
    rules = rules or default_fact_rules()
    facts: list[Fact] = []
    projects = [m for m in mentions if m.label == "Project"]
    in_sentence: dict[int, list[Mention]] = {}
    for project in projects:
        in_sentence.setdefault(project.sentence, []).append(project)
    for project in projects:
        facts += _name_facts(project, rules)
        sentence = sentences[project.sentence] if project.sentence < len(sentences) else None
        if sentence is None:
            continue
        others = [p for p in in_sentence[project.sentence] if p is not project]
        facts += _sentence_facts(text, sentence, project, others, rules)
    county = main_county(mentions)
    if county is not None:
        facts += _statistics(text, sentences, county, rules)
    return tuple(facts)


def _name_facts(project: Mention, rules: FactRules) -> list[Fact]:
    found = []
    common = dict(subject=project, sentence=project.sentence)
    for m in rules.capacity.finditer(project.text):
        found.append(Fact(property="capacity", value=_decimal(m["value"]), unit=m["unit"],
                          start=project.start + m.start(), end=project.start + m.end(), rule="fact.capacity", **common))
    for m in rules.phase.finditer(project.text):
        found.append(Fact(property="phase", value=_phase(m["phase"]),
                          start=project.start + m.start(), end=project.start + m.end(), rule="fact.phase", **common))
    return found


def _sentence_facts(text: str, sentence: Sentence, project: Mention, others: list[Mention], rules: FactRules) -> list[Fact]:
    found = []
    common = dict(subject=project, sentence=project.sentence)
    words = text[sentence.start : sentence.end]

    def between(a: int, b: int) -> bool:  # another project stands between offsets a and b
        low, high = min(a, b), max(a, b)
        return any(low <= o.start < high for o in others)

    def collective(m: re.Match[str]) -> bool:
        # 总投资45.4亿元的甲、乙等5个项目: the amount is the total of a list, nobody's own.
        after_project = text[project.end : project.end + 1]
        gap = text[sentence.start + m.end() : project.start] if sentence.start + m.end() <= project.start else ""
        return after_project in ("、", "等") or "、" in gap or bool(re.match(r"的?[0-9一二三四五六七八九十]+[个项]", gap))

    amounts = [m for m in rules.investment.finditer(words) if not collective(m)]
    nearest = min(
        (m for m in amounts if not between(sentence.start + m.end(), project.start)),
        key=lambda m: abs(sentence.start + m.start() - project.start),
        default=None,
    )
    if nearest is not None:
        value = money(nearest["amount"])
        if value is not None:
            found.append(Fact(property="investment", value=format(value, "f"), unit="CNY",
                              start=sentence.start + nearest.start("amount"), end=sentence.start + nearest.end("amount"),
                              rule="fact.investment", **common))
    for status in rules.statuses:
        cue = next((c for c in status.words if c in words), None)
        if cue:
            at = sentence.start + words.index(cue)
            found.append(Fact(property="status", value=status.id, start=at, end=at + len(cue), rule="fact.status", **common))
            break
    years = [m for m in rules.year.finditer(words) if sentence.start + m.start() < project.start] or list(rules.year.finditer(words))
    if years:
        m = years[-1]
        found.append(Fact(property="year", value=m["year"], start=sentence.start + m.start("year"),
                          end=sentence.start + m.end("year"), rule="fact.year", **common))
    return found


def _statistics(text: str, sentences: tuple[Sentence, ...], county: Mention, rules: FactRules) -> list[Fact]:
    found = []
    for index, sentence in enumerate(sentences):
        words = text[sentence.start : sentence.end]
        # The year a statistic is for: the last year written before it, in its sentence or in
        # the few sentences before (2024年，全县… / 全县地区生产总值完成…).
        context = text[max(0, sentence.start - 300) : sentence.start]
        earlier = [int(y["year"]) for y in rules.year.finditer(context)]
        years = list(rules.year.finditer(words))
        for indicator in rules.indicators:
            for name in sorted(indicator.words, key=len, reverse=True):
                at = words.find(name)
                if at < 0:
                    continue
                after = at + len(name)
                value = rules.statistic_value.search(words, after, after + rules.window + 20)
                if value is None or value.start() - after > rules.window:
                    break
                amount = money(value["amount"])
                if amount is None:
                    break
                year = next((int(y["year"]) for y in reversed(years) if y.start() < at), None)
                year = year or (int(years[0]["year"]) if years else None) or (earlier[-1] if earlier else None)
                found.append(Fact(subject=county, property="statistic", value=format(amount, "f"), unit="CNY",
                                  indicator=indicator.id, year=year, start=sentence.start + value.start("amount"),
                                  end=sentence.start + value.end("amount"), sentence=index, rule=f"fact.statistic.{indicator.id}"))
                break  # one name of an indicator per sentence
    return found
