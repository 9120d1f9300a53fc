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
    assert "extracted: 1  (from the cache: 0)" in out
    assert (tmp_path / "out" / "kg.ttl").stat().st_size > 0
    assert (tmp_path / "out" / "graph.html").stat().st_size > 0
    assert main(["build", str(tmp_path / "in"), "--out", str(tmp_path / "out")]) == 0
    assert "extracted: 0  (from the cache: 1)" in capsys.readouterr().out  # unchanged: not read again


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
        with open(output, "wb") as half:  # Oxigraph writes to the path it is given
            half.write(b"@prefix half: <")  # the interruption comes in the middle of the file
        raise KeyboardInterrupt

    monkeypatch.setattr(kg.export, "_dump", broken)
    with pytest.raises(KeyboardInterrupt):
        main(["build", str(tmp_path / "in"), "--out", str(tmp_path / "out")])
    assert (tmp_path / "out" / "kg.ttl").read_bytes() == before
    assert [p.name for p in (tmp_path / "out").iterdir() if p.name.endswith(".tmp")] == []  # no half-written file


def test_cli_says_a_failed_write_in_one_line_and_keeps_the_previous_graph(tmp_path, monkeypatch, capsys):
    import kg.export

    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text(ARTICLE, encoding="utf-8")
    assert main(["build", str(tmp_path / "in"), "--out", str(tmp_path / "out")]) == 0
    before = (tmp_path / "out" / "kg.ttl").read_bytes()
    capsys.readouterr()

    def disk_full(graph, inner, fmt, output=None):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(kg.export, "_dump", disk_full)
    assert main(["build", str(tmp_path / "in"), "--out", str(tmp_path / "out")]) == 1
    err = capsys.readouterr().err
    assert err.startswith("kg: error:") and "No space left on device" in err and "Traceback" not in err
    assert (tmp_path / "out" / "kg.ttl").read_bytes() == before


def test_cli_help_works_for_every_command(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["build", "--help"])
    assert exit_.value.code == 0
    assert "--out" in capsys.readouterr().out


def test_cli_build_of_a_large_corpus_keeps_the_graph_on_disk_by_default(tmp_path, capsys, monkeypatch):
    import kg.cli

    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text(ARTICLE, encoding="utf-8")
    small = ["build", str(tmp_path / "in"), "--out", str(tmp_path / "small"), "--no-cache"]
    assert main(small) == 0
    assert not (tmp_path / "small" / ".store").exists()  # under the limit: in memory
    monkeypatch.setattr(kg.cli, "MEMORY_STORE_LIMIT", 10)  # as if the corpus were large
    assert main(["build", str(tmp_path / "in"), "--out", str(tmp_path / "large"), "--no-cache"]) == 0
    assert "kept on disk in" in capsys.readouterr().err
    assert main(["query", str(tmp_path / "large" / ".store"), "SELECT (COUNT(*) AS ?n) WHERE { ?e a <https://w3id.org/countykg/ontology#Enterprise> }", "-f", "csv"]) == 0
    assert capsys.readouterr().out.splitlines() == ["n", "1"]
    from rdflib import Graph

    triples = lambda out: set(Graph().parse(tmp_path / out / "kg.ttl"))  # noqa: E731  (no blank nodes)
    assert triples("large") == triples("small")
    monkeypatch.setattr(kg.cli, "MEMORY_STORE_LIMIT", 10**12)
    (tmp_path / "in" / "a.txt").write_text(ARTICLE.replace("香菇", "木耳"), encoding="utf-8")
    assert main(["build", str(tmp_path / "in"), "--out", str(tmp_path / "large"), "--no-cache"]) == 0
    capsys.readouterr()
    assert main(["query", str(tmp_path / "large" / ".store"), "SELECT ?name WHERE { ?p a <https://w3id.org/countykg/ontology#Project> ; <http://www.w3.org/2000/01/rdf-schema#label> ?name }", "-f", "csv"]) == 0
    assert "木耳" in capsys.readouterr().out  # the store a build left there is refreshed, not left stale


def test_cli_command_exits_with_its_code_and_leaves_output_and_store_whole(tmp_path, capsys):
    # The `kg` command ends with os._exit (no interpreter teardown): what it printed into a
    # pipe (block-buffered) and the on-disk store must still all be there.
    import os
    import subprocess
    import sys

    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "good.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "in" / "empty.txt").write_bytes(b"")
    buffered = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    out, store = tmp_path / "out", tmp_path / "store"
    done = subprocess.run([sys.executable, "-m", "kg", "build", str(tmp_path / "in"), "--out", str(out), "--store", str(store)],
                          capture_output=True, text=True, encoding="utf-8", env=buffered)
    assert done.returncode == 3, done.stderr
    assert "empty.txt: the file is empty" in done.stderr
    assert "documents: 1  (skipped: 1)" in done.stdout and "seconds:" in done.stdout
    assert main(["query", str(store), "SELECT ?name WHERE { ?e a <https://w3id.org/countykg/ontology#Enterprise> ; <http://www.w3.org/2000/01/rdf-schema#label> ?name }", "-f", "csv"]) == 0
    assert "交口县天麟农业发展有限公司" in capsys.readouterr().out


def test_cli_version_and_a_closed_pipe(seeds_build):
    import subprocess
    import sys

    version = subprocess.run([sys.executable, "-m", "kg", "--version"], capture_output=True, text=True)
    assert version.returncode == 0 and version.stdout.startswith("kg ")
    # `kg query … | head -1`: the reader closes the pipe early; no error, no traceback
    graph = str(seeds_build[1] / "kg.ttl")  # some 30,000 triples: more than a pipe holds
    query = subprocess.Popen([sys.executable, "-m", "kg", "query", graph, "SELECT ?s ?p ?o WHERE { ?s ?p ?o }"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    query.stdout.readline()
    query.stdout.close()
    assert query.wait(timeout=120) == 0
    assert b"Error" not in query.stderr.read()
