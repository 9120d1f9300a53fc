"""Each repair on real fragments of the seeds (kept verbatim, artefacts included)."""

from __future__ import annotations

import pytest

from kg import normalize as n

CASES = [
    # broken_lines: a sentence cut by a PDF line break, blank lines between
    (n.broken_lines, "希望交\n\n口的香菇产业越做越好", "希望交口的香菇产业越做越好"),
    (n.broken_lines, "每亩年平均收入 2000\n元左右；", "每亩年平均收入 2000元左右；"),
    # ... but a paragraph that ends a sentence stays a paragraph
    (n.broken_lines, "良好局面。\n “今天是", "良好局面。\n“今天是"),
    # repeated_headings: printed twice, whole or piece by piece
    (n.repeated_headings, "交口新貌交口新貌", "\n\n交口新貌\n\n"),
    (n.repeated_headings, "产业发展加快产业发展加快 项目建设项目建设““提速提速””", "\n\n产业发展加快 项目建设“提速”\n\n"),
    (n.repeated_headings, "图图①①：：交口县棋盘山风电项目交口县棋盘山风电项目。。", "图①：交口县棋盘山风电项目。"),
    (n.repeated_headings, "天天向上的人们", "天天向上的人们"),  # not doubled as a whole: unchanged
    # text doubled by nature is not a heading printed twice
    (n.repeated_headings, "2020", "2020"),
    (n.repeated_headings, "总投资\n1100\n万元", "总投资\n1100\n万元"),
    (n.repeated_headings, "8888", "8888"),
    (n.repeated_headings, "平平安安", "平平安安"),
    (n.repeated_headings, "红红火火 热热闹闹", "红红火火 热热闹闹"),
    # spaced_out_chars
    (n.spaced_out_chars, "外 贸 出 口“ 零 ”", "外贸出口“零”"),
    (n.spaced_out_chars, "截至 2018 年底", "截至2018年底"),
    (n.spaced_out_chars, "产值达到 3亿元", "产值达到3亿元"),
    (n.spaced_out_chars, "Apple Inc 2 3", "Apple Inc 2 3"),  # Latin text keeps its spaces
    # fullwidth_alnum
    (n.fullwidth_alnum, "２０２５年ＧＤＰ", "2025年GDP"),
    (n.fullwidth_alnum, "﹃改革攻坚﹄", "『改革攻坚』"),
]


@pytest.mark.parametrize("step, raw, expected", CASES, ids=[f"{c[0].name}-{i}" for i, c in enumerate(CASES)])
def test_normalize_step(step, raw, expected):
    assert step(raw) == expected


def test_normalize_vertical_title_becomes_one_line():
    raw = "﹃\n改\n革\n攻\n坚\n﹄\n与\n双\n轮\n驱\n动\n\n春日的交城大地处处涌\n动着奋进的热潮。"
    text = n.normalize_text(raw)
    assert text.splitlines()[0] == "『改革攻坚』与双轮驱动"
    assert text.splitlines()[1] == "春日的交城大地处处涌动着奋进的热潮。"


def test_normalize_keeps_captions_and_bylines_apart_from_body_text():
    raw = "乐呵呵地介绍道\n\n图③：交口县双池镇枣林村香菇大棚。\n\n组版:张三 责编:李四\n\n春日的交城"
    lines = n.normalize_text(raw).splitlines()
    assert lines == ["乐呵呵地介绍道", "图③：交口县双池镇枣林村香菇大棚。", "组版:张三责编:李四", "春日的交城"]


def test_normalize_caption_wrapped_over_two_doubled_lines_is_one_caption():
    raw = "图图②②：：中铝集团山西交口兴华科技股份有限中铝集团山西交口兴华科技股份有限\n\n公司铝工业项目公司铝工业项目。。"
    assert n.normalize_text(raw) == "图②：中铝集团山西交口兴华科技股份有限公司铝工业项目。"


def test_normalize_offsets_point_back_into_the_original(seeds_dir):
    for path in sorted(seeds_dir.glob("*.txt")):
        raw = path.read_text(encoding="utf-8")
        text, origin = n.normalize(raw)
        assert len(origin) == len(text)
        assert list(origin) == sorted(origin), "the map keeps reading order"
        kept = [i for i, c in enumerate(text) if c != "\n" and raw[origin[i]] == c]
        # every character except translated ones (full-width, vertical forms) maps to itself
        assert len(kept) >= len([c for c in text if c != "\n"]) - 10, path.name


def test_normalize_windows_line_endings_keep_offsets():
    raw = "交口县推进\r\n项目建设。\r\n图①：香菇大棚。"
    text, origin = n.normalize(raw)
    assert text == "交口县推进项目建设。\n图①：香菇大棚。"
    assert all(raw[origin[i]] == c for i, c in enumerate(text) if c != "\n")


def test_normalize_a_long_line_that_repeats_itself_is_content_not_a_doubled_heading():
    sentence = "今天各项工作有序推进，群众生活安定，全县上下一心谋发展、抓落实、促振兴。"
    line = sentence * 4  # 144 characters: longer than any heading printed twice
    assert n.normalize(line)[0] == line


def test_a_traditional_text_is_simplified_character_for_character():
    from kg.normalize import simplified

    written = "慶元縣位於浙江省西南部，龍巖村人吳三公發明了香菇栽培技術。"
    converted = simplified(written)
    assert converted == "庆元县位于浙江省西南部，龙岩村人吴三公发明了香菇栽培技术。"
    assert len(converted) == len(written)  # offsets into one are offsets into the other


def test_a_simplified_text_is_never_converted():
    from kg.normalize import simplified

    assert simplified("乾县位于陕西省中部，隶属咸阳市。") is None  # t2s would make it 干县
    assert simplified("庆元县引进台湾的一家企業。") is None  # one traditional character in passing
