"""Extraction rules as data: load, validate and apply ``kg/rules/entities.toml``.

A rule is a regular expression over characters (never over jieba's tokens, so a match does
not depend on how a name happened to be cut), with ``{lexicon}`` placeholders that expand
to the entries of a vocabulary file, plus a few declared filters. Every rule carries its
own examples and counter-examples; ``tests/test_rules.py`` runs them all.

Filters a rule can ask for (each is one function below):

``trim_left``      names of lexicons: cut the match after the last of their words in it
                   (verbs and function words that come before a name: 推动, 引进了, 的 …);
``trim_keep``      the trim leaves at least this many characters of the core: a boundary word
                   closer to the end belongs to the name (重大项目建设年行动), and the cut
                   falls at an earlier one (default 0: cut wherever the last one is);
``strip_leading``  names of lexicons: words dropped from the start of the match, as often
                   as they occur there (以, 将, 被: no name starts with them, many contain them);
``span``           ``"core"`` to take the named group ``core`` as the name (a quoted name
                   without its quotes), else the whole match;
``core_min``       the named group ``core`` must keep at least this many characters;
``reject``         names of lexicons: drop the match when its core is one of their entries;
``reject_containing`` names of lexicons: drop the match when its core contains one of
                   their entries (医院 in 县医院集团: hospitals are no enterprises);
``reject_pattern`` a regex: drop the match when its core matches it (counts: 53个市政项目);
``specific_min``   the core must keep this many characters once the words of the
                   ``generic`` lexicon (or of the lexicons ``specific_of`` names) are taken
                   out (养殖专业合作社 names no one);
``not_after_quote`` drop a match that starts right after a closing quote: it is the head
                   phrase of the quoted name before it (“某某”脱贫保险制度), not a name;
``start_boundary`` the name must start after punctuation, at a trimmed boundary word, or at
                   the start of the text: a trade name is not cut out of a longer word;
``split_list``     the match is the last item of a list (A、B、C项目): every item becomes a
                   candidate of its own, given the shared head when the head is in the
                   lexicon this key names (``"any"``: whatever the head);
``head_alias``     also record the other form (with or without the ``head`` group) as an alias;
``core_alias``     also record the ``core`` group alone as an alias (the trade name 华瑞 of 华瑞煤业).
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import accumulate
from pathlib import Path

from kg.errors import RuleError
from kg.types import ENTITY_CLASSES

RULES_DIR = Path(__file__).parent / "rules"
_PLACEHOLDER = re.compile(r"\{([A-Za-z_]\w*)\}")
_RULE_KEYS = {
    "id", "label", "regex", "note", "examples", "counter_examples",
    "trim_left", "trim_keep", "strip_leading", "span", "core_min", "reject", "reject_containing", "reject_pattern", "specific_min", "specific_of",
    "start_boundary", "not_after_quote", "split_list", "head_alias", "core_alias", "priority",
}
_EXPECTED = re.compile(r"【([^】]+)】")


@dataclass(frozen=True)
class Candidate:
    """A span a rule proposes, before selection. Offsets index the text given to the rule."""

    start: int
    end: int
    label: str
    rule: str
    priority: int = 0
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Anchor:
    """Words one of which every match of a rule contains, and how far before and after such
    a word a match and its lookarounds can read (see ``_anchor``)."""

    words: re.Pattern[str]
    before: int
    after: int


@dataclass(frozen=True)
class EntityRule:
    id: str
    label: str
    regex: re.Pattern[str]
    note: str = ""
    examples: tuple[str, ...] = ()
    counter_examples: tuple[str, ...] = ()
    trim_left: tuple[str, ...] = ()
    trim_keep: int = 0
    strip_leading: tuple[str, ...] = ()
    span: str = "match"
    core_min: int = 0
    reject: tuple[str, ...] = ()
    reject_containing: tuple[str, ...] = ()
    reject_pattern: re.Pattern[str] | None = None
    specific_min: int = 0
    specific_of: tuple[str, ...] = ("generic",)
    start_boundary: bool = False
    not_after_quote: bool = False
    split_list: str = ""
    head_alias: bool = False
    core_alias: bool = False
    priority: int = 0
    anchor: Anchor | None = None  # words every match contains, and how far around them it reads


@dataclass(frozen=True)
class RuleSet:
    rules: tuple[EntityRule, ...]
    lexicons: dict[str, frozenset[str]] = field(repr=False)
    # One compiled alternation (longest word first) per group of lexicons a rule names in
    # trim_left, specific_of, strip_leading or reject_containing: a scan of the text in C
    # instead of a loop over the words in Python.
    alternations: dict[tuple[str, ...], re.Pattern[str]] = field(repr=False, default_factory=dict)

    def words(self) -> set[str]:
        """Vocabulary for the segmenter's dictionary: every lexicon entry of two or more characters."""
        return {w for entries in self.lexicons.values() for w in entries if len(w) >= 2}

    def find(self, text: str, *, anchored: bool = True) -> list[Candidate]:
        """Every candidate of every rule in ``text`` (overlaps allowed).

        A rule whose every match contains one of a few words (its head words, a literal) is
        run only near the places where they occur (``anchored``): the same matches, found
        without trying the rule at every character of the text.
        """
        found: list[Candidate] = []
        for rule in self.rules:
            for match in self._matches(rule, text) if anchored else rule.regex.finditer(text):
                found.extend(self._apply(rule, match, text))
        return found

    def _matches(self, rule: EntityRule, text: str) -> Iterator[re.Match[str]]:
        if rule.anchor is None:
            yield from rule.regex.finditer(text)
            return
        # Windows reach as far around each anchor word as a match and its lookarounds can,
        # so a match in a window is the match a scan of the whole text finds.
        anchor, windows = rule.anchor, []
        for word in anchor.words.finditer(text):
            start, end = max(word.start() - anchor.before, 0), min(word.end() + anchor.after, len(text))
            if windows and start <= windows[-1][1]:
                windows[-1][1] = end
            else:
                windows.append([start, end])
        for start, end in windows:
            yield from rule.regex.finditer(text, start, end)

    def _apply(self, rule: EntityRule, match: re.Match[str], text: str) -> list[Candidate]:
        start, end = match.span()
        core_start, core_end = match.span("core") if "core" in rule.regex.groupindex else (start, end)
        if rule.trim_left:
            name_end = core_end if rule.span == "core" else end
            cut = _boundary(self.alternations[rule.trim_left], text, start, core_end, name_end, rule.trim_keep)
            start, core_start = max(start, cut), max(core_start, cut)
        start = self._strip(rule, text, start, core_end)
        core_start = max(core_start, start)
        core = text[core_start:core_end]
        if not self._acceptable(rule, core):
            return []
        if rule.start_boundary and not self._starts_name(rule, text, start):
            return []
        if rule.not_after_quote and start > 0 and text[start - 1] in "”\"":
            return []
        head = (match.group("head") or "") if "head" in rule.regex.groupindex else ""
        if rule.span == "core":
            start, end, other = core_start, core_end, core + head
        else:
            other = text[start : end - len(head)]
        aliases = (other,) if rule.head_alias and head and other else ()
        if rule.core_alias and core != text[start:end]:
            aliases += (core,)
        candidates = [Candidate(start, end, rule.label, rule.id, rule.priority, aliases)]
        if rule.split_list == "any":
            candidates += self._list_items(rule, text, start, head)
        elif rule.split_list:
            shared = [h for h in self.lexicons[rule.split_list] if head.endswith(h)]
            if shared:  # 甲、乙道路改造工程: the items share 工程
                candidates += self._list_items(rule, text, start, max(shared, key=len))
        return candidates

    def _strip(self, rule: EntityRule, text: str, start: int, end: int) -> int:
        """``start`` moved past the leading function words of ``rule.strip_leading``."""
        if not rule.strip_leading:
            return start
        leading = self.alternations[rule.strip_leading]
        while start < end and (word := leading.match(text, start)):
            start = word.end()
        return start

    def _starts_name(self, rule: EntityRule, text: str, start: int) -> bool:
        """Whether a name may start at ``start``: after punctuation or a boundary word."""
        if start == 0 or not _is_cjk(text[start - 1]):
            return True
        pattern = self.alternations.get(rule.trim_left)
        return bool(pattern) and any(m.end() == start for m in pattern.finditer(text, max(0, start - 6), start))

    def _acceptable(self, rule: EntityRule, core: str) -> bool:
        if len(core) < rule.core_min or any(core in self.lexicons[name] for name in rule.reject):
            return False
        if rule.reject_containing and self.alternations[rule.reject_containing].search(core):
            return False
        if rule.reject_pattern and rule.reject_pattern.search(core):
            return False
        if rule.specific_min and len(self.alternations[rule.specific_of].sub("", core)) < rule.specific_min:
            return False
        return True

    def _list_items(self, rule: EntityRule, text: str, start: int, head: str) -> list[Candidate]:
        """Items of a list ending at ``start`` (A、B、[C项目]) share C's head noun."""
        items = []
        while start > 0 and text[start - 1] == "、":
            item_end = start - 1
            item_start = item_end
            while item_start > 0 and text[item_start - 1] not in "、，,。；;：:！？（）()“”\n":
                item_start -= 1
            if rule.trim_left:
                item_start = _boundary(self.alternations[rule.trim_left], text, item_start, item_end)
            item_start = self._strip(rule, text, item_start, item_end)
            item = text[item_start:item_end]
            if len(item) < max(rule.core_min, 2) or (head and item.endswith(head)):
                break
            if self._acceptable(rule, item):
                aliases = (item + head,) if head else ()
                items.append(Candidate(item_start, item_end, rule.label, rule.id + "#list", rule.priority, aliases))
            start = item_start
        return items


def _boundary(
    pattern: re.Pattern[str], text: str, start: int, end: int, name_end: int | None = None, keep: int = 0
) -> int:
    """Offset just after the last boundary word that ends inside ``text[start:end]`` while
    leaving at least ``keep`` characters of it, and two of the name (ending at ``name_end``).

    The search starts a little before ``start``: a length-limited match may begin in the
    middle of the boundary word (展… of 开展…). A boundary word too close to the end is part
    of the name (林下经济培育, 重大项目建设年行动), not a verb before it: the cut falls at an
    earlier one."""
    limit = min(end - keep, (end if name_end is None else name_end) - 2)
    cut = start
    for match in pattern.finditer(text, max(start - 3, 0), end):
        if start < match.end() <= limit:
            cut = max(cut, match.end())
    return cut


def _is_cjk(char: str) -> bool:
    return "\u4e00" <= char <= "\u9fff"


def read_lexicon(path: Path) -> frozenset[str]:
    if not path.is_file():
        raise RuleError(f"{path}: lexicon file not found")
    entries = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        entry = line.split("#", 1)[0].strip()
        if entry:
            entries.add(entry)
    return frozenset(entries)


def _lexicon(folder: Path, source: str) -> frozenset[str]:
    """A lexicon file beside the rules, or ``gazetteer:LEVEL``: the names of a division level."""
    if source.startswith("gazetteer:"):
        from kg.places import LEVELS, gazetteer

        level = source.split(":", 1)[1]
        if level not in LEVELS[:3]:
            raise RuleError(f"{source}: expected gazetteer:Province, gazetteer:Prefecture or gazetteer:County")
        return gazetteer().names_of(level)
    return read_lexicon(folder / source)


def _alternation(entries: frozenset[str]) -> str:
    if not entries:
        return "(?!)"  # an empty lexicon matches nothing (not the empty string everywhere)
    # Longest first, so that 有限责任公司 wins over 公司 at the same position.
    return "(?:" + "|".join(re.escape(e) for e in sorted(entries, key=lambda e: (-len(e), e))) + ")"


def _expand(source: str, lexicons: dict[str, frozenset[str]], where: str) -> str:
    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in lexicons:
            raise RuleError(f"{where}: unknown lexicon {{{name}}}; declared: {', '.join(sorted(lexicons))}")
        return _alternation(lexicons[name])

    return _PLACEHOLDER.sub(replace, source)


def _rule(entry: dict, lexicons: dict[str, frozenset[str]], source: Path, index: int) -> EntityRule:
    where = f"{source.name}, rule {entry.get('id', f'#{index + 1}')!r}"
    unknown = set(entry) - _RULE_KEYS
    if unknown:
        raise RuleError(f"{where}: unknown key {sorted(unknown)[0]!r}; allowed: {', '.join(sorted(_RULE_KEYS))}")
    for key in ("id", "label", "regex"):
        if not isinstance(entry.get(key), str) or not entry[key]:
            raise RuleError(f"{where}: missing or empty {key!r}")
    if entry["label"] not in ENTITY_CLASSES:
        raise RuleError(f"{where}: unknown class {entry['label']!r}; expected one of {', '.join(ENTITY_CLASSES)}")
    if entry.get("split_list", "any") not in (*lexicons, "any"):
        raise RuleError(f"{where}: split_list names unknown lexicon {entry['split_list']!r}")
    specific_of = entry.get("specific_of", "generic")
    for name in [specific_of] if isinstance(specific_of, str) else specific_of:
        if entry.get("specific_min") and name not in lexicons:
            raise RuleError(f"{where}: specific_of names unknown lexicon {name!r}")
    for key in ("reject", "trim_left", "reject_containing", "strip_leading"):
        for name in entry.get(key, ()):
            if name not in lexicons:
                raise RuleError(f"{where}: {key} names unknown lexicon {name!r}")
    if entry.get("span", "match") not in ("match", "core"):
        raise RuleError(f"{where}: span must be 'match' or 'core', not {entry['span']!r}")
    try:
        source = _expand(entry["regex"], lexicons, where)
        regex = re.compile(source)
        anchor = _anchor(regex)  # None: the rule scans the whole text
        reject_pattern = re.compile(entry["reject_pattern"]) if entry.get("reject_pattern") else None
    except re.error as error:
        raise RuleError(f"{where}: regex does not compile: {error}") from None
    return EntityRule(
        id=entry["id"],
        label=entry["label"],
        regex=regex,
        note=entry.get("note", ""),
        examples=tuple(entry.get("examples", ())),
        counter_examples=tuple(entry.get("counter_examples", ())),
        trim_left=tuple(entry.get("trim_left", ())),
        trim_keep=int(entry.get("trim_keep", 0)),
        strip_leading=tuple(entry.get("strip_leading", ())),
        span=entry.get("span", "match"),
        core_min=int(entry.get("core_min", 0)),
        reject=tuple(entry.get("reject", ())),
        reject_containing=tuple(entry.get("reject_containing", ())),
        reject_pattern=reject_pattern,
        specific_min=int(entry.get("specific_min", 0)),
        specific_of=tuple([entry["specific_of"]] if isinstance(entry.get("specific_of"), str) else entry.get("specific_of", ["generic"])),
        start_boundary=bool(entry.get("start_boundary", False)),
        not_after_quote=bool(entry.get("not_after_quote", False)),
        split_list=entry.get("split_list", ""),
        head_alias=bool(entry.get("head_alias", False)),
        core_alias=bool(entry.get("core_alias", False)),
        priority=int(entry.get("priority", 0)),
        anchor=anchor,
    )


def _anchor(regex: re.Pattern[str]) -> Anchor | None:
    """Words one of which every match of ``regex`` contains, from the stdlib's own parse of
    it (``re._parser``): its head words (项目|工程|…), or a literal such as 品牌 or [+＋]; of
    several, the longest (the rarest). None when nothing obligatory is literal, or when a
    match could reach unboundedly far from it (the rule then scans the whole text, which is
    never wrong)."""
    try:
        from re import _constants as sre
        from re import _parser
    except ImportError:
        return None
    tree = _parser.parse(regex.pattern, regex.flags)
    around = _lookarounds(tree)
    options = [o for o in _required_words(tree, around, around) if max(o.before, o.after) < sre.MAXREPEAT]
    if not options:
        return None
    best = max(options, key=_rarity)
    # The anchor search may find a word overlapping the one a match holds instead of it.
    margin = max(map(len, best.words)) - 1
    words = "|".join(re.escape(word) for word in sorted(best.words, key=lambda w: (-len(w), w)))
    return Anchor(re.compile(words, regex.flags), best.before + margin, best.after + margin)


@dataclass(frozen=True)
class _Words:
    words: frozenset[str]
    before: int  # the most characters a match can hold before the word (plus lookarounds)
    after: int  # … and after it


def _rarity(option: _Words) -> tuple[int, int]:
    return min(map(len, option.words)), -len(option.words)


def _required_words(pattern, before: int, after: int) -> list[_Words]:
    """Sets of words such that every match of ``pattern`` (a parsed regex, with at most
    ``before`` and ``after`` characters around it) contains a word of each set: runs of
    literal characters, small character classes ([+＋]), alternations whose every branch has
    such words, inside groups and repeats of at least one."""
    from re import _constants as sre
    from re import _parser

    items = list(pattern)
    widths = [_parser.SubPattern(pattern.state, [item]).getwidth()[1] for item in items]
    reach = [0, *accumulate(widths)]  # reach[i]: the most characters items[:i] can match
    found: list[_Words] = []
    run, run_before = "", 0
    for i, (op, arg) in enumerate(items):
        item_before, item_after = before + reach[i], after + reach[-1] - reach[i + 1]
        if op is sre.LITERAL:
            run, run_before = run + chr(arg), run_before if run else item_before
            continue
        if run:
            found.append(_Words(frozenset([run]), run_before, item_after + widths[i]))
            run = ""
        if op is sre.SUBPATTERN:
            found += _required_words(arg[3], item_before, item_after)
        elif op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT) and arg[0] >= 1:
            others = (arg[1] - 1) * arg[2].getwidth()[1]  # the word may be in any repetition
            found += _required_words(arg[2], item_before + others, item_after + others)
        elif op is sre.BRANCH:
            branches = [_required_words(branch, item_before, item_after) for branch in arg[1]]
            if all(branches):
                chosen = [max(options, key=_rarity) for options in branches]
                words = frozenset().union(*(c.words for c in chosen))
                found.append(_Words(words, max(c.before for c in chosen), max(c.after for c in chosen)))
        elif op is sre.IN and len(arg) <= 4 and all(kind is sre.LITERAL for kind, _ in arg):
            found.append(_Words(frozenset(chr(code) for _, code in arg), item_before, item_after))
    if run:
        found.append(_Words(frozenset([run]), run_before, after))
    return found


def _lookarounds(pattern) -> int:
    """The most characters the lookarounds of a parsed regex can read, all together."""
    from re import _constants as sre

    total = 0
    for op, arg in pattern:
        if op in (sre.ASSERT, sre.ASSERT_NOT):
            total += arg[1].getwidth()[1] + _lookarounds(arg[1])
        elif op is sre.SUBPATTERN:
            total += _lookarounds(arg[3])
        elif op is sre.BRANCH:
            total += max(_lookarounds(branch) for branch in arg[1])
        elif op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT):
            total += _lookarounds(arg[2])
        elif op is sre.ATOMIC_GROUP:
            total += _lookarounds(arg)
    return total


def load_rules(path: str | Path | None = None) -> RuleSet:
    """Load and validate a rule file and the lexicons it declares.

    Raises:
        RuleError: the file or a lexicon is missing, a key or class is unknown, a regex does
            not compile, or two rules share an id.
    """
    path = Path(path) if path else RULES_DIR / "entities.toml"
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise RuleError(f"{path}: rule file not found") from None
    except tomllib.TOMLDecodeError as error:
        raise RuleError(f"{path}: not valid TOML: {error}") from None
    lexicons = {name: _lexicon(path.parent, source) for name, source in data.get("lexicons", {}).items()}
    rules = tuple(_rule(entry, lexicons, path, i) for i, entry in enumerate(data.get("entity", [])))
    seen: set[str] = set()
    for rule in rules:
        if rule.id in seen:
            raise RuleError(f"{path.name}: duplicate rule id {rule.id!r}")
        seen.add(rule.id)
    groups = {r.specific_of for r in rules if r.specific_min}
    groups |= {group for r in rules for group in (r.trim_left, r.strip_leading, r.reject_containing) if group}
    alternations = {g: re.compile(_alternation(frozenset().union(*(lexicons[n] for n in g)))) for g in groups}
    return RuleSet(rules, lexicons, alternations)


@lru_cache(maxsize=4)
def default_rules() -> RuleSet:
    return load_rules()


def expected_spans(example: str) -> tuple[str, list[str]]:
    """An example ``"推动【华瑞煤业】复产"`` as its plain text and the names it must yield."""
    names = _EXPECTED.findall(example)
    text = _EXPECTED.sub(r"\1", example)
    return text, names or [text]
