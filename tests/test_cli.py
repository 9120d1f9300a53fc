from __future__ import annotations

import pytest

from kg.cli import main

ARTICLE = "交口县位于吕梁市。交口县天麟农业发展有限公司投资建设香菇项目。"


def test_cli_build_writes_turtle_and_html_and_prints_a_summary(tmp_path, capsys):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text(ARTICLE, encoding="utf-8")
    assert main(["build", str(tmp_path / "in"), "--out", str(tmp_path / "out")]) == 0
    out = capsys.readouterr().out
    assert "documents: 1" in out and "Enterprise 1" in out and "seconds:" in out
    assert (tmp_path / "out" / "kg.ttl").stat().st_size > 0
    assert (tmp_path / "out" / "graph.html").stat().st_size > 0


def test_cli_build_skips_a_bad_file_names_it_and_builds_the_rest(tmp_path, capsys):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "good.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "in" / "empty.txt").write_bytes(b"")
    (tmp_path / "in" / "binary.txt").write_bytes(b"\x00\x01\x02PK")
    code = main(["build", str(tmp_path / "in"), "--out", str(tmp_path / "out")])
    captured = capsys.readouterr()
    assert code == 3
    assert "empty.txt: the file is empty" in captured.err
    assert "binary.txt: binary file" in captured.err
    assert "documents: 1  (skipped: 2)" in captured.out
    assert "good.txt" in (tmp_path / "out" / "kg.ttl").read_text(encoding="utf-8")


def test_cli_build_reports_a_missing_path_without_traceback(tmp_path, capsys):
    assert main(["build", str(tmp_path / "nowhere")]) == 1
    assert "kg: error:" in capsys.readouterr().err


def test_cli_interrupted_write_leaves_the_previous_graph_whole(tmp_path, monkeypatch):
    import kg.export

    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text(ARTICLE, encoding="utf-8")
    assert main(["build", str(tmp_path / "in"), "--out", str(tmp_path / "out")]) == 0
    before = (tmp_path / "out" / "kg.ttl").read_bytes()

    def broken(graph, inner, fmt, output=None):
        output.write(b"@prefix half: <")  # the interruption comes in the middle of the file
        raise KeyboardInterrupt

    monkeypatch.setattr(kg.export, "_dump", broken)
    with pytest.raises(KeyboardInterrupt):
        main(["build", str(tmp_path / "in"), "--out", str(tmp_path / "out")])
    assert (tmp_path / "out" / "kg.ttl").read_bytes() == before
    assert [p.name for p in (tmp_path / "out").iterdir() if p.name.endswith(".tmp")] == []  # no half-written file


def test_cli_help_works_for_every_command(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["build", "--help"])
    assert exit_.value.code == 0
    assert "--out" in capsys.readouterr().out
