"""Every rule's examples and counter-examples, and the loader's error messages."""

from __future__ import annotations

import pytest

from kg.errors import RuleError
from kg.rules import RULES_DIR, default_rules, expected_spans, load_rules

RULES = default_rules()
EXAMPLES = [(r.id, ex) for r in RULES.rules for ex in r.examples]
COUNTER = [(r.id, ex) for r in RULES.rules for ex in r.counter_examples]


def _found(rule_id: str, text: str) -> list[str]:
    return [text[c.start : c.end] for c in RULES.find(text) if c.rule.split("#")[0] == rule_id]


@pytest.mark.parametrize("rule_id, example", EXAMPLES)
def test_rules_example_is_found(rule_id, example):
    text, names = expected_spans(example)
    assert sorted(_found(rule_id, text)) == sorted(names)


@pytest.mark.parametrize("rule_id, example", COUNTER)
def test_rules_counter_example_yields_nothing(rule_id, example):
    assert _found(rule_id, example) == []


def test_rules_every_rule_has_examples():
    assert all(rule.examples for rule in RULES.rules)


def test_rules_files_name_no_entity_of_the_corpus():
    """Rules generalise: no name of a gold entity of the annotated corpus may appear in a rule file."""
    import json
    from pathlib import Path

    gold = Path(__file__).resolve().parent.parent / "corpus" / "gold"
    names = {
        form
        for f in gold.glob("*.json")
        for e in json.loads(f.read_text(encoding="utf-8"))["entities"]
        if e["type"] in ("Enterprise", "Project", "Program")
        for form in [e["name"], *e["aliases"]]
        if len(form) >= 3
    }
    for path in [*sorted(RULES_DIR.glob("*.toml")), *sorted((RULES_DIR / "lexicon").glob("*.txt"))]:
        text = path.read_text(encoding="utf-8")
        assert not [n for n in names if n in text], path.name


GOOD = '[lexicons]\nhead = "heads.txt"\n\n[[entity]]\nid = "x"\nlabel = "Project"\nregex = "{head}"\n'


@pytest.mark.parametrize(
    "toml, message",
    [
        (GOOD.replace('regex = "{head}"', 'regex = "{head}"\nlable = "Project"'), "rule 'x': unknown key 'lable'"),
        (GOOD.replace('label = "Project"', 'label = "Factory"'), "unknown class 'Factory'"),
        (GOOD.replace("{head}", "({head}"), "regex does not compile"),
        (GOOD.replace("{head}", "{tail}"), "unknown lexicon {tail}"),
        (GOOD + GOOD.split("\n\n", 1)[1], "duplicate rule id 'x'"),
        (GOOD.replace('"heads.txt"', '"missing.txt"'), "lexicon file not found"),
        ("[[entity]\n", "not valid TOML"),
    ],
    ids=["unknown-key", "unknown-class", "bad-regex", "unknown-lexicon", "duplicate-id", "missing-lexicon", "bad-toml"],
)
def test_rules_loader_explains_what_is_wrong(tmp_path, toml, message):
    (tmp_path / "heads.txt").write_text("# heads\n项目\n", encoding="utf-8")
    (tmp_path / "rules.toml").write_text(toml, encoding="utf-8")
    with pytest.raises(RuleError) as error:
        load_rules(tmp_path / "rules.toml")
    assert message in str(error.value)


def test_rules_loader_accepts_a_valid_file(tmp_path):
    (tmp_path / "heads.txt").write_text("项目\n", encoding="utf-8")
    (tmp_path / "rules.toml").write_text(GOOD, encoding="utf-8")
    rules = load_rules(tmp_path / "rules.toml")
    assert [text for text in ("新建项目",) for c in rules.find(text)] == ["新建项目"]


STRIPPING = GOOD.replace(
    'regex = "{head}"', 'regex = "[\\\\u4e00-\\\\u9fff]{2,8}{head}"\nstrip_leading = ["verbs"]\nreject_containing = ["banned"]'
).replace('head = "heads.txt"', 'head = "heads.txt"\nverbs = "verbs.txt"\nbanned = "banned.txt"')


@pytest.mark.parametrize(
    "verbs, banned, text, found",
    [
        ("推进\n推\n加快\n", "", "推进加快新建项目", ["新建项目"]),  # leading words, longest first, repeatedly
        ("推进\n", "污水\n", "推进新建污水项目", []),  # a banned word anywhere in the name
        ("推进\n", "污水\n", "推进新建园区项目", ["新建园区项目"]),
        ("", "", "推进新建项目", ["推进新建项目"]),  # empty lexicons: nothing stripped, nothing rejected
    ],
)
def test_rules_strip_leading_words_and_reject_names_containing_a_word(tmp_path, verbs, banned, text, found):
    for name, words in (("heads", "项目\n"), ("verbs", verbs), ("banned", banned)):
        (tmp_path / f"{name}.txt").write_text(words, encoding="utf-8")
    (tmp_path / "rules.toml").write_text(STRIPPING, encoding="utf-8")
    rules = load_rules(tmp_path / "rules.toml")
    assert [text[c.start : c.end] for c in rules.find(text)] == found


def test_rules_anchored_search_finds_exactly_what_a_full_scan_finds(seeds_dir):
    # Rules run only near their head words, for speed; that must change no candidate.
    from kg.normalize import normalize

    rules = default_rules()
    assert any(rule.anchor for rule in rules.rules)
    for path in sorted(seeds_dir.glob("*.txt")):
        text = normalize(path.read_text(encoding="utf-8"))[0]
        assert rules.find(text) == rules.find(text, anchored=False), path.name


@pytest.mark.parametrize(
    "regex, anchor",
    [
        ("(?P<core>[\\u4e00-\\u9fff]{2,4})(?P<head>公司|集团)", "公司|集团"),  # the head words
        ("(?P<core>[\\u4e00-\\u9fff]{2,4})(?P<head>公司)?", None),  # optional head: nothing obligatory
        ("(?:(?P<core>[\\u4e00-\\u9fff])(?P<head>公司))?", None),  # head inside an optional group
        ("甲|(?P<core>[\\u4e00-\\u9fff])(?P<head>公司)", "公司|甲"),  # each alternative brings its own
        ("丙|[\\u4e00-\\u9fff]{2}", None),  # an alternative with nothing literal: no anchor
        ("(?P<core>[\\u4e00-\\u9fff]{2,6}?)等(?:[0-9]{1,6}家)?企业", "企业"),  # the longer literal
        ("[\\u4e00-\\u9fff]{2,8}(?:[+＋][\\u4e00-\\u9fff]{2,8}){1,6}", "\\+|＋"),  # a small class, escaped
        ("(?P<core>[\\u4e00-\\u9fff]{1,10}?[0-9]{1,3}条)", "条"),  # [0-9] is no literal
        ("(?P<core>[\\u4e00-\\u9fff]+)(?P<head>项目)", None),  # unbounded: no window holds every match
        ("(?P<core>[\\u4e00-\\u9fff]{2})(?P<head>项目)(?=.*资金)", None),  # an unbounded lookahead too
    ],
)
def test_rules_anchor_is_words_every_match_contains(regex, anchor):
    import re

    from kg.rules import _anchor

    found = _anchor(re.compile(regex))
    assert (found and found.words.pattern) == anchor


@pytest.mark.parametrize(
    "regex, before, after",
    [
        # Five characters before the head; one more either side for a head word found
        # overlapping the one a match holds (two-character words).
        ("(?P<core>[甲乙]{2,5})(?P<head>项目)", 5 + 1, 0 + 1),
        ("(?P<core>[甲乙]{2,5})(?P<head>项目)(?![丙]{0,1}资金)", 5 + 3 + 1, 0 + 3 + 1),  # and the lookahead's 3
        ("(?<=在)(?P<core>[甲乙]{2,5})(?P<head>项目|工程)", 5 + 1 + 1, 0 + 1 + 1),  # and the lookbehind's 1
        ("(?P<core>[甲乙]{2,8}?)[一二0-9]{1,6}[个大](?:自主|劳务)?品牌", 8 + 6 + 1 + 2 + 1, 0 + 1),  # a literal at the end
    ],
)
def test_rules_anchor_reach_bounds_what_a_match_can_read_around_the_word(regex, before, after):
    import re

    from kg.rules import _anchor

    anchor = _anchor(re.compile(regex))
    assert (anchor.before, anchor.after) == (before, after)


