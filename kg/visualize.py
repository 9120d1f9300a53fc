"""rdflib.Graph -> a self-contained interactive HTML explorer (pyvis), safe to open offline.

- The page shows what SPARQL sees: entities and relations are read from the graph.
- vis-network is inlined (``cdn_resources="in_line"``); the CDN tags pyvis's template keeps
  for Bootstrap are removed, and the explorer's own controls need no library.
- The layout is computed here (networkx) and physics is off, so the browser draws at once.
- Text from documents never becomes markup: node and edge data go into the page as JSON
  (Jinja's ``tojson`` escapes ``<``), vis-network 9 renders labels on a canvas and titles as
  text, the explorer panel writes with ``textContent``, and the heading is ``html.escape``d.
"""

from __future__ import annotations

import csv
import html
import io
import itertools
import json
import math
import re
import sys
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import networkx as nx
from pyvis.network import Network
from rdflib import RDFS, SKOS, Graph
from rdflib.namespace import SDO

from kg.normalize import BYLINE
from kg.rdf import oxigraph_graph_name, oxigraph_of
from kg.types import DIVISION_CLASSES, ENTITY_CLASSES, RELATION_TYPES
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
_EXPLORER = """
<style>
#kg-panel { position: fixed; top: 8px; right: 8px; width: 300px; max-height: 95vh; overflow: auto;
  background: rgba(255,255,255,.95); border: 1px solid #ccc; border-radius: 6px; padding: 8px;
  font: 13px/1.4 system-ui, "Noto Sans CJK SC", sans-serif; z-index: 10; }
#kg-panel h2 { font-size: 15px; margin: 0 0 6px; }
#kg-panel label { display: block; cursor: pointer; }
#kg-panel .swatch { display: inline-block; width: 10px; height: 10px; margin-right: 4px; border-radius: 2px; }
#kg-panel input[type=search], #kg-panel select { width: 100%; box-sizing: border-box; margin: 4px 0; }
#kg-details { white-space: pre-wrap; border-top: 1px solid #ddd; margin-top: 6px; padding-top: 6px; }
</style>
<div id="kg-panel">
  <h2 id="kg-title"></h2>
  <p id="kg-note"></p>
  <input id="kg-search" type="search" placeholder="搜索名称 / search a name">
  <select id="kg-county"><option value="">全部县 / all counties</option></select>
  <div id="kg-legend"></div>
  <div id="kg-details">点击节点查看详情 / click a node for details</div>
</div>
<script>
(function () {
  var meta = KG_META;
  var hiddenClasses = {};
  var county = "";
  document.getElementById("kg-title").textContent = meta.title;
  document.getElementById("kg-note").textContent = meta.note;
  var legend = document.getElementById("kg-legend");
  meta.classes.forEach(function (c) {
    var label = document.createElement("label");
    var box = document.createElement("input");
    box.type = "checkbox"; box.checked = true; box.dataset.cls = c.cls;
    box.addEventListener("change", function () { hiddenClasses[c.cls] = !box.checked; refresh(); });
    var swatch = document.createElement("span");
    swatch.className = "swatch"; swatch.style.background = c.color;
    label.appendChild(box); label.appendChild(swatch);
    label.appendChild(document.createTextNode(c.zh + " " + c.cls + " (" + c.count + ")"));
    legend.appendChild(label);
  });
  var select = document.getElementById("kg-county");
  meta.counties.forEach(function (c) {
    var option = document.createElement("option");
    option.value = c.id; option.textContent = c.label;
    select.appendChild(option);
  });
  select.addEventListener("change", function () { county = select.value; refresh(); });
  function refresh() {
    var updates = [];
    nodes.forEach(function (n) {
      var hide = !!hiddenClasses[n.cls] || (county !== "" && n.counties.indexOf(county) < 0);
      if (!!n.hidden !== hide) { updates.push({id: n.id, hidden: hide}); }
    });
    nodes.update(updates);
  }
  function show(id) {
    var n = nodes.get(id);
    document.getElementById("kg-details").textContent = n ? n.details : "";
  }
  network.on("click", function (params) { if (params.nodes.length) { show(params.nodes[0]); } });
  document.getElementById("kg-search").addEventListener("input", function (event) {
    var query = event.target.value.trim();
    if (!query) { network.unselectAll(); return; }
    var found = nodes.get({filter: function (n) { return !n.hidden && n.label.indexOf(query) >= 0; }});
    if (found.length) {
      network.selectNodes(found.map(function (n) { return n.id; }));
      network.focus(found[0].id, {scale: 1.2});
      show(found[0].id);
    }
  });
  // vis-network draws the first frame while it is constructed; the next animation frame
  // is when that drawing is on screen (the browser tests read this time).
  requestAnimationFrame(function () { window.kgFirstDraw = performance.now(); });
  window.kgNodeCount = nodes.length;
})();
</script>
"""


_PREFIXES = f"""PREFIX ckg: <{CKG}> PREFIX rdfs: <{RDFS}> PREFIX skos: <{SKOS}> PREFIX schema: <{SDO}>
"""


def _select(graph: Graph, query: str) -> Iterator[Sequence[str]]:
    """Rows of a SELECT as plain strings ("" where unbound), read once. On an Oxigraph-backed
    graph the query goes to Oxigraph itself, and its rows come back as CSV: making rdflib
    terms, or even Oxigraph's own terms, of every value took longer than running the query.
    The CSV is decoded and parsed row by row, never kept whole: at 100 MB the list of every
    entity is 290,000 rows (the page's peak 975 -> 526 MiB, 0.6 s slower than decoding at once)."""
    store = oxigraph_of(graph)
    if store is None:
        return (tuple("" if v is None else str(v) for v in row) for row in graph.query(_PREFIXES + query))
    import pyoxigraph as ox

    # A sentence is a field of the CSV, and a bad PDF extraction can make one of a whole page
    # (no 。！？ in it): Python's csv refuses fields over 128 KiB unless told otherwise.
    csv.field_size_limit(max(csv.field_size_limit(), 1 << 30))
    solutions = store.query(_PREFIXES + query, default_graph=oxigraph_graph_name(graph))
    table = io.TextIOWrapper(io.BytesIO(solutions.serialize(format=ox.QueryResultsFormat.CSV)), encoding="utf-8", newline="")
    return itertools.islice(csv.reader(table), 1, None)


def _entities(graph: Graph) -> dict[str, dict]:
    """The class of every entity, read from the graph (``_name`` and ``_describe`` add the
    rest for the entities a page shows).

    A large graph has hundreds of thousands of entities, of which a page draws a few
    thousand: each holds only its class here, one query per class. Reading every entity's
    class, name and code in one query made the 100 MB page take 17.2 s instead of 12.5 s
    (a disk store hands back each string separately)."""
    entities: dict[str, dict] = {}
    for cls in ENTITY_CLASSES:
        for (node,) in _select(graph, f"SELECT ?node WHERE {{ ?node a ckg:{cls} }}"):
            entities[node] = {"cls": cls}
    return entities


# What the details panel lists, per field: a query over the entities in NODES, and the line
# each row becomes.
_DETAILS = (
    ("aliases", "SELECT ?node ?alias WHERE { VALUES ?node { NODES } ?node skos:altLabel ?alias }", str),
    ("evidence", "SELECT ?node ?s WHERE { VALUES ?node { NODES } ?m ckg:mentionOf ?node ; ckg:sentence ?s }", str),
    (
        "facts", "SELECT ?node ?v WHERE { VALUES ?node { NODES } ?node ckg:investment/schema:value ?v }",
        lambda v: f"投资 investment: {_yuan(v)}",
    ),
    (
        "facts", """SELECT ?node ?v ?u WHERE { VALUES ?node { NODES } ?node ckg:capacity ?q . ?q schema:value ?v .
            OPTIONAL { ?q schema:unitText ?u } }""",
        lambda v, u: f"规模 capacity: {v} {u or ''}",
    ),
    (
        "facts", """SELECT ?node ?status ?label WHERE { VALUES ?node { NODES } ?node ckg:status ?status .
            OPTIONAL { ?status skos:prefLabel ?label FILTER(lang(?label) = "zh") } }""",
        lambda status, label: f"状态 status: {label or str(status).split('/')[-1]}",
    ),
)


def _yuan(value: str) -> str:
    """An amount in yuan the way Chinese texts write it, with the value in yuan beside:
    360000000 -> 3.6亿元 (360,000,000 元)."""
    try:
        amount = float(value)
    except ValueError:
        return f"{value} 元"
    for size, unit in ((1e8, "亿元"), (1e4, "万元")):
        if amount >= size:
            return f"{amount / size:g}{unit} ({amount:,.0f} 元)"
    return f"{amount:,.0f} 元"


_NAMEABLE = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:[^\x00-\x20<>\"{}|^`\\]*")  # an absolute IRI SPARQL can write


def _about(graph: Graph, entities: dict[str, dict], query: str, chunk: int = 1_000) -> Iterator[Sequence[str]]:
    """The rows of ``query`` (a SELECT whose VALUES lists NODES) for the nodes of ``entities``,
    asked a chunk of nodes at a time."""
    nodes = sorted(n for n in entities if _NAMEABLE.fullmatch(n))  # a blank node cannot be named in a query
    for first in range(0, len(nodes), chunk):
        yield from _select(graph, query.replace("NODES", " ".join(f"<{node}>" for node in nodes[first : first + chunk])))


def _name(graph: Graph, entities: dict[str, dict]) -> None:
    """Add each entity's name (its IRI where it has none) and division code ("" where none)."""
    for node, entity in entities.items():
        entity.update(label=node, code="")
    query = "SELECT ?node ?label ?code WHERE { VALUES ?node { NODES } OPTIONAL { ?node rdfs:label ?label } OPTIONAL { ?node ckg:divisionCode ?code } }"
    rows = _about(graph, entities, query)
    if not all(_NAMEABLE.fullmatch(n) for n in entities):  # blank nodes, odd IRIs: only a scan of every name reaches them
        rows = itertools.chain(rows, _select(graph, "SELECT ?node ?label ?code WHERE { ?node rdfs:label ?label OPTIONAL { ?node ckg:divisionCode ?code } }"))
    for node, label, code in rows:
        if node in entities:
            entities[node].update(label=label or node, code=code)


def _describe(graph: Graph, entities: dict[str, dict]) -> None:
    """Add names, codes, aliases, facts and the two shortest sentences of body text to
    ``entities``, reading only their own nodes: a page shows at most MAX_NODES entities, and
    on a 100 MB graph reading every mention's sentence took 13 of the page's 20 seconds."""
    _name(graph, entities)
    for entity in entities.values():
        entity.update(aliases=set(), facts=set(), evidence=set())
    for field, query, text in _DETAILS:
        for node, *row in _about(graph, entities, query):
            entities[node][field].add(text(*row))
    for entity in entities.values():
        entity["aliases"] = sorted(entity["aliases"])
        entity["facts"] = sorted(entity["facts"])
        entity["evidence"] = sorted(entity["evidence"], key=_evidence_order)[:2]


def _evidence_order(sentence: str) -> tuple:
    """Sentences of body text first, shortest first: a page header or a byline
    (8县域·交城2025年4月3日星期四) says nothing about the entity it names."""
    furniture = bool(BYLINE.match(sentence)) or sentence.rstrip("”’」』）)")[-1:] not in "。！？；!?;…"
    return (furniture, len(sentence), sentence)


def _edges(graph: Graph, entities) -> list[tuple[str, str, str]]:
    relations = " ".join(f"ckg:{r}" for r in RELATION_TYPES)
    rows = _select(graph, f"SELECT ?s ?rel ?o WHERE {{ VALUES ?rel {{ {relations} }} ?s ?rel ?o }}")
    names = {node: node for node in entities}  # each node's one string, not one per edge
    return sorted(
        (names[s], sys.intern(rel.removeprefix(str(CKG))), names[o]) for s, rel, o in rows if s in names and o in names
    )


def _counties_of(entities, edges) -> dict[str, list[str]]:
    """For each entity, the counties it belongs to: itself, its neighbours, and what lies
    within two relation steps of it (its townships' villages, its enterprises' projects)."""
    neighbours: dict[str, set] = defaultdict(set)
    into: dict[str, list] = defaultdict(list)  # object -> (subject, relation) of its edges
    implemented: dict[str, set] = defaultdict(set)
    for s, rel, o in edges:
        neighbours[s].add(o)
        neighbours[o].add(s)
        into[o].append((s, rel))
        if rel == "implements":
            implemented[s].add(o)
    counties: dict[str, list[str]] = {node: [] for node in entities}
    for county in sorted(n for n, e in entities.items() if e["cls"] == "County"):  # in IRI order, not the store's
        first = {s for s, _ in into[county]} | implemented[county]
        # The second step never goes back through implements: other counties run the same programmes.
        second = {s for node in first for s, rel in into[node] if rel != "implements"}
        for node in {county} | neighbours[county] | second:  # the first step: neighbours
            counties[node].append(str(county))
    return counties


SPRING_LIMIT = 500  # above this many nodes, force-directed layout costs seconds (and scipy)
MAX_NODES = 5_000  # the largest page measured to draw in under a second (benchmarks/README.md)


def _layout(entities, edges, counties) -> dict:
    """Positions for every node, computed here so that the browser need not simulate.

    Up to SPRING_LIMIT nodes: networkx's force-directed layout. Beyond: each county's
    members on a sunflower spiral around it, the counties on a grid (linear time).
    """
    if not entities:
        return {}
    size = len(entities)
    if size <= SPRING_LIMIT:
        layout = nx.Graph()
        layout.add_nodes_from(sorted(entities))
        layout.add_edges_from((s, o) for s, _, o in edges)
        # Counties are hubs with hundreds of spokes: a long ideal edge length (k) spreads them.
        return nx.spring_layout(layout, seed=7, iterations=50, k=3 / size**0.5, scale=120 * size**0.5)
    groups: dict[str, list] = {}
    for node in sorted(entities):
        home = counties[node][0] if counties[node] else ""
        groups.setdefault(home, []).append(node)
    columns = max(1, round(len(groups) ** 0.5))
    cell = 40 * max(len(members) for members in groups.values()) ** 0.5
    positions = {}
    golden = 2.399963  # the golden angle, in radians: an even sunflower spiral
    for index, (home, members) in enumerate(sorted(groups.items())):
        cx, cy = (index % columns) * cell, (index // columns) * cell
        members = sorted(members, key=lambda n: str(n) != home)  # the county at the centre
        for k, node in enumerate(members):
            radius = 18 * k**0.5
            positions[node] = (cx + radius * math.cos(k * golden), cy + radius * math.sin(k * golden))
    return positions


def _details(entity: dict) -> str:
    style = STYLES[entity["cls"]]
    lines = [f"{entity['label']}", f"{style.label_zh} / {entity['cls']}" + (f"  {entity['code']}" if entity["code"] else "")]
    if entity["aliases"]:
        lines.append("别名 aliases: " + "、".join(entity["aliases"]))
    lines += entity["facts"]
    lines += [f"「{s}」" for s in entity["evidence"]]
    return "\n".join(lines)


def to_html(
    graph: Graph, *, heading: str = "countykg", keep: set[str] | None = None, max_nodes: int = MAX_NODES
) -> str:
    """Render the entities and relations of ``graph`` (or the ``keep`` subset) as a page.

    ``heading`` is shown as text in the explorer panel (and escaped in the page title). A
    graph of more than ``max_nodes`` entities shows its divisions and its most connected
    other entities, up to ``max_nodes``, and says so in the panel: a page of tens of
    thousands of nodes weighs hundreds of megabytes and no browser draws it usefully
    (the per-county pages and ``kg query`` show the rest).
    """
    entities = _entities(graph)
    if keep is not None:
        entities = {n: e for n, e in entities.items() if n in keep}
    edges = _edges(graph, entities)
    total = len(entities)
    if total > max_nodes:
        degree = Counter(n for s, _, o in edges for n in (s, o))
        ranked = sorted(entities, key=lambda n: (entities[n]["cls"] not in DIVISION_CLASSES, -degree[n], n))
        entities = {n: entities[n] for n in ranked[:max_nodes]}
        edges = [(s, rel, o) for s, rel, o in edges if s in entities and o in entities]
    _describe(graph, entities)
    counties = _counties_of(entities, edges)
    positions = _layout(entities, edges, counties)

    # The title goes to the explorer panel: pyvis's template prints its heading twice.
    net = Network(height="98vh", width="100%", directed=True, cdn_resources="in_line")
    net.toggle_physics(False)
    net.options.edges.smooth.enabled = False  # straight edges draw far faster than curves
    # vis-network re-applies a node's group style whenever the node is updated (hidden, shown):
    # the groups must carry the legend's colours and shapes, or filtering recolours the graph.
    net.options.groups = {c: {"color": STYLES[c].color, "shape": STYLES[c].shape} for c in ENTITY_CLASSES}
    ids = {node: i for i, node in enumerate(sorted(entities))}
    # Filling the lists directly: Network.add_node and add_edge scan every item for duplicates.
    net.nodes = [
        {
            "id": ids[node], "label": e["label"], "title": _details(e), "details": _details(e),
            "color": STYLES[e["cls"]].color, "shape": STYLES[e["cls"]].shape, "cls": e["cls"],
            "group": e["cls"], "counties": counties[node],
            "x": float(positions[node][0]), "y": float(positions[node][1]),
        }
        for node, e in sorted(entities.items())
    ]
    net.node_ids = [n["id"] for n in net.nodes]
    net.edges = [
        {"from": ids[s], "to": ids[o], "label": EDGE_LABELS[rel], "title": rel, "arrows": "to"}
        for s, rel, o in edges
    ]
    note = "" if total == len(entities) else (
        f"显示连接最多的 {len(entities):,} 个实体，共 {total:,} 个 / showing the {len(entities):,} most connected of {total:,} entities"
    )
    meta = {
        "title": heading,
        "note": note,
        "classes": [
            {"cls": c, "zh": STYLES[c].label_zh, "color": STYLES[c].color, "count": sum(e["cls"] == c for e in entities.values())}
            for c in ENTITY_CLASSES
        ],
        "counties": [{"id": str(n), "label": e["label"]} for n, e in sorted(entities.items(), key=lambda kv: kv[1]["label"]) if e["cls"] == "County"],
    }
    # JSON in a script: "</" and "<!--" must not appear literally inside it.
    meta_json = json.dumps(meta, ensure_ascii=False).replace("<", "\\u003c").replace(">", "\\u003e")
    page = _REMOTE_TAG.sub("", net.generate_html())
    page = page.replace("<head>", f"<head>\n<title>{html.escape(heading)}</title>", 1)
    return page.replace("</body>", _EXPLORER.replace("KG_META", meta_json) + "</body>", 1)


def county_pages(graph: Graph) -> dict[str, str]:
    """One page per county: the county and everything linked to it, keyed by file name
    (``<division code>.html``), and ``index.html``, which lists them by name with what each
    holds."""
    entities = _entities(graph)
    edges = _edges(graph, entities)
    counties = _counties_of(entities, edges)
    _name(graph, {n: e for n, e in entities.items() if e["cls"] == "County"})
    pages, rows = {}, []
    for node, e in sorted(entities.items(), key=lambda item: item[1].get("label", "")):
        if e["cls"] == "County":
            keep = {n for n, cs in counties.items() if str(node) in cs}
            keep |= {o for s, rel, o in edges if s == node and rel == "partOf"}
            keep |= {o for s, rel, o in edges if s in keep and rel == "partOf"}
            name = f"{e['code'] or str(node).rsplit('/', 1)[-1]}.html"
            pages[name] = to_html(graph, heading=f"countykg · {e['label']}", keep=keep)
            held = [sum(entities[n]["cls"] == c for n in keep) for c in ("Enterprise", "Project", "Program")]
            rows.append((name, e["label"], e["code"] or "", *held))
    pages["index.html"] = _index(rows)
    return pages


def _index(rows: list[tuple]) -> str:
    """The list of county pages: name (a link), code, and their enterprises, projects and
    programmes. Every name is escaped: it comes from documents."""
    lines = [f'<tr><td><a href="{html.escape(name)}">{html.escape(label)}</a></td><td>{html.escape(code)}</td>'
             f"<td>{enterprises}</td><td>{projects}</td><td>{programs}</td></tr>"
             for name, label, code, enterprises, projects, programs in rows]
    return ("<!DOCTYPE html>\n<html lang=\"zh\"><head><meta charset=\"utf-8\"><title>countykg · 县 counties</title>"
            "<style>body{font-family:sans-serif;margin:2em}td,th{padding:.2em .8em;text-align:left}</style></head><body>"
            f"<h1>countykg · {len(rows)} 县 counties</h1><table><tr><th>县 county</th><th>代码 code</th>"
            "<th>企业 enterprises</th><th>项目 projects</th><th>计划 programmes</th></tr>\n"
            + "\n".join(lines) + "\n</table></body></html>\n")
