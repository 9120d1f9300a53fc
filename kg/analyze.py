"""rdflib.Graph -> networkx: the entity graph that the HTML view, GraphML and notebooks use.

Nodes are the entities of the contract classes, with their Chinese name and class; edges are
the four relations. Like the HTML page, it is read from the RDF graph, so it shows exactly
what SPARQL sees.
"""

from __future__ import annotations

import networkx as nx
from rdflib import RDF, RDFS, SKOS, Graph

from kg.types import ENTITY_CLASSES, RELATION_TYPES
from kg.vocab import CKG


def to_networkx(graph: Graph) -> nx.MultiDiGraph:
    """Entities as nodes (``label``, ``cls``, ``aliases``), relations as edges (``relation``)."""
    out = nx.MultiDiGraph()
    for cls in ENTITY_CLASSES:
        for node in graph.subjects(RDF.type, CKG[cls]):
            aliases = "、".join(sorted(str(a) for a in graph.objects(node, SKOS.altLabel)))
            out.add_node(str(node), label=str(graph.value(node, RDFS.label) or node), cls=cls, aliases=aliases)
    for relation in RELATION_TYPES:
        for s, o in graph.subject_objects(CKG[relation]):
            if str(s) in out and str(o) in out:
                out.add_edge(str(s), str(o), key=relation, relation=relation)
    return out


def summary(nxg: nx.MultiDiGraph, top: int = 5) -> dict:
    """Sizes, components and the best-connected entities of each class."""
    degree = dict(nxg.degree())
    leaders = {}
    for cls in ENTITY_CLASSES:
        nodes = sorted((n for n, d in nxg.nodes(data=True) if d["cls"] == cls), key=lambda n: -degree[n])
        leaders[cls] = [(nxg.nodes[n]["label"], degree[n]) for n in nodes[:top]]
    return {
        "nodes": nxg.number_of_nodes(),
        "edges": nxg.number_of_edges(),
        "components": nx.number_weakly_connected_components(nxg) if nxg else 0,
        "leaders": leaders,
    }
