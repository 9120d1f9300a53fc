"""notebooks/explore.ipynb runs from top to bottom on the seeds' graph, and is kept without outputs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

NOTEBOOK = Path(__file__).resolve().parent.parent / "notebooks" / "explore.ipynb"


def test_notebook_is_stored_without_outputs():
    cells = json.loads(NOTEBOOK.read_text(encoding="utf-8"))["cells"]
    assert all(not c.get("outputs") and c.get("execution_count") is None for c in cells if c["cell_type"] == "code")


def test_notebook_runs_on_the_seeds_graph(seeds_build, monkeypatch):
    nbformat = pytest.importorskip("nbformat", reason="notebook extras not installed (pip install -e '.[test]')")
    nbclient = pytest.importorskip("nbclient")
    monkeypatch.setenv("KG_TTL", str(seeds_build[1] / "kg.ttl"))
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    nbclient.NotebookClient(notebook, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(NOTEBOOK.parent)}}).execute()
    outputs = [o for c in notebook.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    images = [o for o in outputs if "image/png" in o.get("data", {})]
    assert len(images) >= 2  # the two plots
