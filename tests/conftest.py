"""Shared fixtures: the pipeline and one build of the seeds, made once per test session."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    return SEEDS


@pytest.fixture(scope="session")
def nlp():
    from kg.nlp import make_nlp

    return make_nlp()


@pytest.fixture(scope="session")
def seeds_build(tmp_path_factory):
    """The result of ``kg build seeds --out <tmp>``: BuildResult and output folder."""
    from kg.build import build

    out = tmp_path_factory.mktemp("output")
    return build([SEEDS], out), out


@pytest.fixture(scope="session")
def seeds_graph(seeds_build):
    return seeds_build[0].graph
