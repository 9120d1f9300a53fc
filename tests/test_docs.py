"""The README's promises are run, not just read."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_docs_readme_query_returns_the_seed_counties_with_prefecture_and_province(seeds_graph):
    query = (ROOT / "queries" / "counties.rq").read_text(encoding="utf-8")
    rows = [tuple(map(str, row)) for row in seeds_graph.query(query)]
    assert rows == [
        ("交城县", "吕梁市", "山西省", "141122"),
        ("兴县", "吕梁市", "山西省", "141123"),
        ("交口县", "吕梁市", "山西省", "141130"),
    ]
    for county, prefecture, province, code in rows:  # the README shows this very result
        assert re.search(rf"{county}\s*\|\s*{prefecture}\s*\|\s*{province}\s*\|\s*{code}", README)


def test_docs_readme_names_every_command_and_dependency():
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    deps = project["dependencies"] + project["optional-dependencies"]["test"]
    for dep in deps:
        name = re.split(r"[<>=\[ ]", dep)[0]
        assert f"`{name}`" in README, name
    assert "kg build" in README


def test_docs_ci_runs_the_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    test_command = re.search(r"```sh\n# tests\n(.+?)\n```", README, re.S).group(1).strip()
    assert test_command in ci


def test_docs_readme_evidence_query_result_is_real(seeds_graph, seeds_dir):
    query = (ROOT / "queries" / "evidence.rq").read_text(encoding="utf-8")
    rows = [tuple(map(str, row)) for row in seeds_graph.query(query)]
    assert rows
    for project, enterprise, file, start, end, sentence in rows:
        assert " | ".join((project, enterprise, file, start, end, sentence)) in README
        printed = "".join((seeds_dir / file).read_text(encoding="utf-8")[int(start) : int(end)].split())
        assert printed in sentence and printed.startswith(enterprise)


def test_docs_readme_lists_every_cookbook_query_and_command():
    for path in sorted((ROOT / "queries").glob("*.rq")):
        assert f"`{path.name}`" in README, path.name
    from kg.cli import parser

    commands = parser()._subparsers._group_actions[0].choices
    for command in commands:
        assert f"kg {command}" in README, command
