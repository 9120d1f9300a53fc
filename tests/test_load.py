from __future__ import annotations

import pytest

from kg.errors import InputError
from kg.load import find_articles, read_text

TEXT = "交口县位于吕梁山中段。"


@pytest.mark.parametrize(
    "encode",
    [
        lambda t: t.encode("utf-8"),
        lambda t: b"\xef\xbb\xbf" + t.encode("utf-8"),
        lambda t: t.encode("gbk"),
        lambda t: t.encode("gb18030"),
        lambda t: t.encode("utf-16"),
        lambda t: t.encode("utf-16-le"),
        lambda t: t.encode("utf-16-be"),
    ],
    ids=["utf-8", "utf-8-bom", "gbk", "gb18030", "utf-16-bom", "utf-16-le-no-bom", "utf-16-be-no-bom"],
)
def test_load_decodes_accepted_encodings(tmp_path, encode):
    path = tmp_path / "a.txt"
    path.write_bytes(encode(TEXT))
    assert read_text(path) == TEXT


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "the file is empty"),
        (b"  \n\n ", "the file is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file"),
        ("Grüße aus Köln".encode("latin-1"), "neither UTF-8"),
        (b"\xef\xbb\xbf", "holds no text"),
        ("\u3000\u3000\n\u3000".encode("utf-8"), "holds no text"),
    ],
    ids=["empty", "blank", "binary", "latin-1", "bom-only", "full-width-spaces"],
)
def test_load_refuses_with_the_reason_and_the_file_name(tmp_path, content, message):
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    with pytest.raises(InputError) as error:
        read_text(path)
    assert message in str(error.value)
    assert str(path) in str(error.value)


def test_load_refuses_a_file_over_the_size_limit(tmp_path):
    path = tmp_path / "huge.txt"
    path.write_text(TEXT * 100, encoding="utf-8")
    with pytest.raises(InputError, match="larger than the limit"):
        read_text(path, max_bytes=1000)


def test_load_finds_txt_files_in_folders_and_reports_missing_paths(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "a.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "notes.md").write_text("x", encoding="utf-8")
    assert [p.name for p in find_articles([tmp_path])] == ["a.txt", "b.txt"]
    with pytest.raises(InputError, match="no such file or folder"):
        find_articles([tmp_path / "missing"])


def test_load_refuses_two_files_with_one_name_and_takes_one_file_named_twice_once(tmp_path):
    # A document is known by its file name (ckg:sourceFile, the gold's "doc"): 2024/01/p1.txt
    # and 2024/02/p1.txt would be built as one document, their offsets mixed up.
    for month in ("01", "02"):
        (tmp_path / month).mkdir()
        (tmp_path / month / "p1.txt").write_text(TEXT, encoding="utf-8")
    with pytest.raises(InputError, match=r"same name.*01/p1\.txt and .*02/p1\.txt"):
        find_articles([tmp_path])
    one = tmp_path / "01" / "p1.txt"
    assert find_articles([tmp_path / "01", one, tmp_path / "01" / ".." / "01" / "p1.txt"]) == [tmp_path / "01" / "p1.txt"]


def test_load_finds_upper_case_suffixes_and_articles_under_linked_folders(tmp_path):
    (tmp_path / "real").mkdir()
    (tmp_path / "real" / "b.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "A.TXT").write_text(TEXT, encoding="utf-8")
    (tmp_path / "in" / "linked").symlink_to(tmp_path / "real", target_is_directory=True)
    (tmp_path / "in" / "loop").symlink_to(tmp_path / "in", target_is_directory=True)  # walked once
    assert [p.name for p in find_articles([tmp_path / "in"])] == ["A.TXT", "b.txt"]
