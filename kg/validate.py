"""Check a graph against the SHACL shapes of ontology/shapes.ttl (pySHACL).

The ontology is given to pySHACL as its ontology graph, so that ``sh:class`` sees the
class hierarchy (a ckg:County is a ckg:AdministrativeDivision).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph

from kg.errors import KgError

ONTOLOGY_DIR = Path(__file__).resolve().parent.parent / "ontology"


@dataclass
class Validation:
    conforms: bool
    report: str  # pySHACL's text report
    violations: int


def validate(graph: Graph, shapes: str | Path | None = None, ontology: str | Path | None = None) -> Validation:
    """Validate ``graph``; shapes and ontology default to the project's ``ontology/`` files."""
    from pyshacl import validate as shacl

    shapes = Path(shapes) if shapes else ONTOLOGY_DIR / "shapes.ttl"
    ontology = Path(ontology) if ontology else ONTOLOGY_DIR / "countykg.ttl"
    for path in (shapes, ontology):
        if not path.is_file():
            raise KgError(f"{path}: not found; pass --shapes (and --ontology) to kg validate")
    conforms, results, text = shacl(
        graph,
        shacl_graph=Graph().parse(shapes),
        ont_graph=Graph().parse(ontology),
        inference="none",
        advanced=True,
    )
    violations = text.count("Constraint Violation")
    return Validation(bool(conforms), text, violations)
