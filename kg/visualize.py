"""rdflib.Graph -> a self-contained interactive HTML page (pyvis), safe to open offline.

- The page is what SPARQL sees: nodes and edges are selected from the graph.
- vis-network is inlined (``cdn_resources="in_line"``); pyvis's own template still links
  Bootstrap from a CDN, which the page does not need, so those tags are removed.
- The layout is computed here (networkx) and physics is off: the browser draws at once
  instead of running a force simulation first.
- Every string taken from documents goes through ``html.escape`` before it reaches the page;
  pyvis's template does not escape (it has no autoescape).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

import networkx as nx
from pyvis.network import Network
from rdflib import RDF, RDFS, SKOS, Graph

from kg.types import ENTITY_CLASSES, RELATION_TYPES
from kg.vocab import CKG


@dataclass(frozen=True)
class NodeStyle:
    color: str
    shape: str
    label_zh: str


STYLES = {
    "Province": NodeStyle("#6a3d9a", "dot", "省"),
    "Prefecture": NodeStyle("#8e6cc0", "dot", "地级市"),
    "County": NodeStyle("#e31a1c", "star", "县"),
    "Township": NodeStyle("#fb9a99", "dot", "乡镇"),
    "Village": NodeStyle("#fdbf6f", "dot", "村"),
    "Enterprise": NodeStyle("#1f78b4", "square", "企业"),
    "Project": NodeStyle("#33a02c", "triangle", "项目"),
    "Program": NodeStyle("#ff7f00", "diamond", "政策"),
}
EDGE_LABELS = {"locatedIn": "位于", "partOf": "隶属", "implements": "实施", "developedBy": "开发方"}
_REMOTE_TAG = re.compile(r"<(?:link|script)\b[^>]*\b(?:href|src)=\"https?://[^\"]*\"[^>]*>(?:\s*</script>)?", re.I)


def _entities(graph: Graph) -> dict:
    nodes = {}
    for label in ENTITY_CLASSES:
        for node in graph.subjects(RDF.type, CKG[label]):
            name = graph.value(node, RDFS.label)
            aliases = sorted(str(a) for a in graph.objects(node, SKOS.altLabel))
            nodes[node] = (label, str(name or node), aliases)
    return nodes


def to_html(graph: Graph, *, heading: str = "") -> str:
    """Render the entities and relations of ``graph`` as an HTML page (a string)."""
    nodes = _entities(graph)
    edges = [
        (s, rel, o)
        for rel in RELATION_TYPES
        for s, o in graph.subject_objects(CKG[rel])
        if s in nodes and o in nodes
    ]
    layout_graph = nx.Graph()
    layout_graph.add_nodes_from(nodes)
    layout_graph.add_edges_from((s, o) for s, _, o in edges)
    positions = nx.spring_layout(layout_graph, seed=7, scale=60 * max(len(nodes), 1) ** 0.5) if nodes else {}

    net = Network(height="900px", width="100%", directed=True, cdn_resources="in_line", heading=html.escape(heading))
    net.toggle_physics(False)
    ids = {node: i for i, node in enumerate(sorted(nodes))}
    for node, (label, name, aliases) in sorted(nodes.items()):
        style = STYLES[label]
        x, y = positions[node]
        title = f"{style.label_zh} / {label}\n{name}" + (f"\n别名: {'、'.join(aliases)}" if aliases else "")
        net.add_node(
            ids[node], label=html.escape(name), title=html.escape(title), color=style.color,
            shape=style.shape, x=float(x), y=float(y), group=label,
        )
    # Filling the edge list directly: Network.add_edge scans every edge for duplicates.
    net.edges = [
        {"from": ids[s], "to": ids[o], "label": EDGE_LABELS[rel], "title": rel, "arrows": "to"}
        for s, rel, o in sorted(edges)
    ]
    return _REMOTE_TAG.sub("", net.generate_html())
