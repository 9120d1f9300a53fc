"""Score a graph against gold annotations, by the rules of annotation guide §4.

Reads only the RDF contract (§5), so it scores any exported Turtle, ours or another's.
Matching is one-to-one per document and class: strict pairs (a shared normalised form)
first, then relaxed ones (one form contains the other and the shorter has at least 60% of
the longer's characters). Graph level does the same over the union of all documents, gold
entities merged across documents by class and shared name. Relations are scored at graph
level after entity matching. The procedure is that of the reference scorer
(``shared/tools/score.py``); ``tests/test_evaluate.py`` checks that the two agree.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import RDF, RDFS, SKOS, Graph

from kg.errors import GoldError
from kg.types import ENTITY_CLASSES, RELATION_TYPES
from kg.vocab import CKG

HEADLINE = ("County", "Enterprise", "Project", "Program")
_STRIP = {ord(c): None for c in "“”‘’\"'《》〈〉「」『』()（）"}

try:  # the reference scorer folds traditional to simplified when zhconv is installed; so do we
    import zhconv

    def _simplified(text: str) -> str:
        return zhconv.convert(text, "zh-hans")
except ImportError:

    def _simplified(text: str) -> str:
        return text


def norm(name: str) -> str:
    """Normalisation of a name for matching (§4)."""
    text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(name))).translate(_STRIP)
    return _simplified(text).lower()


@dataclass
class Item:
    """An entity to match: gold or predicted."""

    label: str  # class
    name: str
    forms: set[str]
    accept: set[str] = field(default_factory=set)  # gold: classes scored as correct
    ident: object = None  # gold: (doc, name) keys; prediction: IRI


# ------------------------------------------------------------------ gold

def _field(data: dict, key: str, kind: type, where: str):
    if key not in data:
        raise GoldError(f"{where}: missing field {key!r}")
    if not isinstance(data[key], kind):
        raise GoldError(f"{where}: field {key!r} must be a {kind.__name__}, not {type(data[key]).__name__}")
    return data[key]


def load_gold_file(path: Path) -> tuple[str, list[Item], set[tuple[str, str, str]]]:
    """One gold file: ``(document file name, entities, relations)``.

    Raises:
        GoldError: the file is not JSON or a field is missing, mistyped or unknown.
    """
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise GoldError(f"{path}: not a JSON file in UTF-8 ({error})") from None
    if not isinstance(data, dict):
        raise GoldError(f"{path}: expected a JSON object with 'doc', 'entities' and 'relations'")
    doc = _field(data, "doc", str, str(path))
    items: list[Item] = []
    names: set[str] = set()
    for i, entity in enumerate(_field(data, "entities", list, str(path))):
        where = f"{path}: entities[{i}]"
        if not isinstance(entity, dict):
            raise GoldError(f"{where}: expected an object")
        label = _field(entity, "type", str, where)
        name = _field(entity, "name", str, where)
        aliases = entity.get("aliases", [])
        also = entity.get("also", [])
        for key, value in (("aliases", aliases), ("also", also)):
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise GoldError(f"{where} ({name}): field {key!r} must be a list of strings")
        for cls in (label, *also):
            if cls not in ENTITY_CLASSES:
                raise GoldError(f"{where} ({name}): unknown class {cls!r}; expected one of {', '.join(ENTITY_CLASSES)}")
        names.add(name)
        items.append(Item(label, name, {norm(f) for f in (name, *aliases)}, {label, *also}, (doc, name)))
    relations = set()
    for i, relation in enumerate(_field(data, "relations", list, str(path))):
        where = f"{path}: relations[{i}]"
        if not isinstance(relation, dict):
            raise GoldError(f"{where}: expected an object")
        head, kind, tail = (_field(relation, k, str, where) for k in ("head", "type", "tail"))
        if kind not in RELATION_TYPES:
            raise GoldError(f"{where}: unknown relation type {kind!r}; expected one of {', '.join(RELATION_TYPES)}")
        for end in (head, tail):
            if end not in names:
                raise GoldError(f"{where}: {end!r} is not the name of an entity of this file")
        relations.add((head, kind, tail))
    return doc, items, relations


def load_gold(paths: list[Path]) -> dict[str, tuple[list[Item], set]]:
    files = [f for p in paths for f in (sorted(p.glob("*.json")) if p.is_dir() else [p])]
    if not files:
        raise GoldError(f"no gold .json files in {', '.join(map(str, paths))}")
    gold = {}
    for f in files:
        doc, items, relations = load_gold_file(f)
        gold[doc] = (items, relations)
    return gold


# ------------------------------------------------------------------ predictions

def load_predictions(graph: Graph):
    """Entities (with the documents that mention them) and relations, read from the contract."""
    classes = {CKG[c]: c for c in ENTITY_CLASSES}
    documents = {d: Path(str(f)).name for d in graph.subjects(RDF.type, CKG.Document) for f in graph.objects(d, CKG.sourceFile)}
    entities: dict = {}
    for subject, kind in graph.subject_objects(RDF.type):
        if kind not in classes or subject in entities:
            continue
        labels = [str(x) for x in graph.objects(subject, RDFS.label)]
        forms = labels + [str(x) for x in graph.objects(subject, SKOS.altLabel)]
        item = Item(classes[kind], labels[0] if labels else str(subject), {norm(f) for f in forms} or {norm(subject)}, ident=subject)
        docs = {documents[d] for d in graph.objects(subject, CKG.mentionedIn) if d in documents}
        entities[subject] = (item, docs)
    relations = {(s, r, o) for r in RELATION_TYPES for s, o in graph.subject_objects(CKG[r])}
    return entities, relations


# ------------------------------------------------------------------ matching and tallies

def _relaxed(a: str, b: str) -> bool:
    if a == b:
        return True
    short, long_ = sorted((a, b), key=len)
    return bool(short) and short in long_ and len(short) >= 0.6 * len(long_)


def _forms_match(a: set[str], b: set[str], relaxed: bool) -> bool:
    return bool(a & b) or (relaxed and any(_relaxed(x, y) for x in a for y in b))


def match(preds: list[Item], golds: list[Item]) -> dict[int, tuple[int, str]]:
    """One-to-one: strict pairs first, then relaxed; ``{pred index: (gold index, kind)}``."""
    pairs: dict[int, tuple[int, str]] = {}
    used: set[int] = set()
    for relaxed in (False, True):
        for i, p in enumerate(preds):
            if i in pairs:
                continue
            for j, g in enumerate(golds):
                if j not in used and p.label in g.accept and _forms_match(p.forms, g.forms, relaxed):
                    pairs[i] = (j, "relaxed" if relaxed else "strict")
                    used.add(j)
                    break
    return pairs


@dataclass
class Tally:
    pred: dict = field(default_factory=lambda: defaultdict(int))
    gold: dict = field(default_factory=lambda: defaultdict(int))
    hits_pred: dict = field(default_factory=lambda: {"strict": defaultdict(int), "relaxed": defaultdict(int)})
    hits_gold: dict = field(default_factory=lambda: {"strict": defaultdict(int), "relaxed": defaultdict(int)})

    def add(self, preds: list[Item], golds: list[Item], pairs) -> None:
        for p in preds:
            self.pred[p.label] += 1
        for g in golds:
            self.gold[g.label] += 1
        for i, (j, kind) in pairs.items():
            for k in ("relaxed",) if kind == "relaxed" else ("strict", "relaxed"):
                self.hits_pred[k][preds[i].label] += 1
                self.hits_gold[k][golds[j].label] += 1

    def prf(self, classes, kind: str = "relaxed") -> dict:
        tp_p = sum(self.hits_pred[kind][c] for c in classes)
        tp_g = sum(self.hits_gold[kind][c] for c in classes)
        n_pred = sum(self.pred[c] for c in classes)
        n_gold = sum(self.gold[c] for c in classes)
        return _prf(tp_p, tp_g, n_pred, n_gold)


def _prf(tp_p: int, tp_g: int, n_pred: int, n_gold: int) -> dict:
    p = tp_p / n_pred if n_pred else 0.0
    r = tp_g / n_gold if n_gold else 0.0
    return {"p": p, "r": r, "f1": 2 * p * r / (p + r) if p + r else 0.0, "pred": n_pred, "gold": n_gold}


@dataclass
class Report:
    document: dict  # class -> {"p","r","f1","f1_strict","pred","gold"}
    graph: dict  # class -> {"p","r","f1"}
    relations: dict  # relation or "ALL" -> {"p","r","f1","pred","gold"}
    errors: dict  # "FP Project" -> ["000 名称", ...]

    @property
    def headline(self) -> float:
        return self.document["HEADLINE"]["f1"]


def score(graph: Graph, gold: dict) -> Report:
    """Score ``graph`` against ``gold`` (from :func:`load_gold`)."""
    entities, relations = load_predictions(graph)
    errors: dict[str, list[str]] = defaultdict(list)
    doc_tally = Tally()
    for doc, (golds, _) in gold.items():
        preds = [item for item, docs in entities.values() if doc in docs]
        pairs = match(preds, golds)
        doc_tally.add(preds, golds, pairs)
        matched = {j for j, _ in pairs.values()}
        errors_of = doc[:3]
        for i, p in enumerate(preds):
            if i not in pairs:
                errors["FP " + p.label].append(f"{errors_of} {p.name}")
        for j, g in enumerate(golds):
            if j not in matched:
                errors["FN " + g.label].append(f"{errors_of} {g.name}")

    merged: list[Item] = []  # gold entities across documents: same class and a shared name
    for doc, (golds, _) in gold.items():
        for g in golds:
            same = next((m for m in merged if m.label == g.label and norm(g.name) in m.forms), None)
            if same:
                same.forms |= g.forms
                same.accept |= g.accept
                same.ident.add(g.ident)
            else:
                merged.append(Item(g.label, g.name, set(g.forms), set(g.accept), {g.ident}))
    merged_of = {key: i for i, m in enumerate(merged) for key in m.ident}
    in_scope = [(item, docs) for item, docs in entities.values() if docs & set(gold)]
    preds = [item for item, _ in in_scope]
    pairs = match(preds, merged)
    graph_tally = Tally()
    graph_tally.add(preds, merged, pairs)

    gold_of_iri = {preds[i].ident: j for i, (j, _) in pairs.items()}
    gold_relations = {
        (merged_of[(doc, h)], r, merged_of[(doc, t)]) for doc, (_, rels) in gold.items() for h, r, t in rels
    }
    iris = {p.ident for p in preds}
    names = {item.ident: item.name for item, _ in entities.values()}
    found, hits, counts = set(), defaultdict(int), defaultdict(int)
    for s, r, o in {(s, r, o) for s, r, o in relations if s in iris or o in iris}:
        counts[r] += 1
        key = (gold_of_iri.get(s), r, gold_of_iri.get(o))
        if None not in key and key in gold_relations:
            hits[r] += 1
            found.add(key)
        else:
            errors["FP " + r].append(f"{names.get(s, s)} -> {names.get(o, o)}")
    gold_counts = defaultdict(int)
    for h, r, t in gold_relations:
        gold_counts[r] += 1
        if (h, r, t) not in found:
            errors["FN " + r].append(f"{merged[h].name} -> {merged[t].name}")

    document, graph_level, relation_scores = {}, {}, {}
    for c in (*ENTITY_CLASSES, "HEADLINE"):
        classes = HEADLINE if c == "HEADLINE" else (c,)
        document[c] = doc_tally.prf(classes) | {"f1_strict": doc_tally.prf(classes, "strict")["f1"]}
        graph_level[c] = graph_tally.prf(classes)
    for r in RELATION_TYPES:
        relation_scores[r] = _prf(hits[r], hits[r], counts[r], gold_counts[r])
    relation_scores["ALL"] = _prf(sum(hits.values()), sum(hits.values()), sum(counts.values()), sum(gold_counts.values()))
    return Report(document, graph_level, relation_scores, dict(errors))


def format_report(report: Report, *, errors: int = 0) -> str:
    lines = [f"{'class':<11} {'doc P/R/F1 relaxed':<19} {'doc F1 strict':<14} {'graph P/R/F1 relaxed':<21} pred/gold"]
    for c in (*ENTITY_CLASSES, "HEADLINE"):
        d, g = report.document[c], report.graph[c]
        lines.append(
            f"{c:<11} {d['p']:.2f}/{d['r']:.2f}/{d['f1']:.2f}{'':<5} {d['f1_strict']:.2f}{'':<10} "
            f"{g['p']:.2f}/{g['r']:.2f}/{g['f1']:.2f}{'':<7} {d['pred']}/{d['gold']}"
        )
    for r in (*RELATION_TYPES, "ALL"):
        s = report.relations[r]
        lines.append(f"rel {r:<11} {s['p']:.2f}/{s['r']:.2f}/{s['f1']:.2f}      pred/gold {s['pred']}/{s['gold']}")
    if errors:
        for kind in sorted(report.errors):
            lines.append(f"\n## {kind} ({len(report.errors[kind])})")
            lines += [f"   {line}" for line in report.errors[kind][:errors]]
    h = report.document["HEADLINE"]
    lines.append(
        f"headline relaxed micro-F1 {h['f1']:.3f} (P {h['p']:.3f} R {h['r']:.3f}); "
        f"relations F1 {report.relations['ALL']['f1']:.3f}"
    )
    return "\n".join(lines)
