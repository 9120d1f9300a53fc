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
    return _score(*load_predictions(graph), gold)


def combine(reports: list[Report]) -> Report:
    """One report of several scored apart (the folds of a cross-validation): counts summed,
    figures recomputed (micro-averaged). Errors are concatenated."""
    def summed(tables: list[dict]) -> dict:
        total = {}
        for name in tables[0]:
            rows = [t[name] for t in tables]
            tp_p = sum(round(r["p"] * r["pred"]) for r in rows)
            tp_g = sum(round(r["r"] * r["gold"]) for r in rows)
            total[name] = _prf(tp_p, tp_g, sum(r["pred"] for r in rows), sum(r["gold"] for r in rows))
            if "f1_strict" in rows[0]:  # not recoverable from the figures: the mean, weighted by gold
                total[name]["f1_strict"] = sum(r["f1_strict"] * r["gold"] for r in rows) / max(1, total[name]["gold"])
        return total

    errors: dict[str, list[str]] = defaultdict(list)
    for report in reports:
        for kind, lines in report.errors.items():
            errors[kind] += lines
    return Report(summed([r.document for r in reports]), summed([r.graph for r in reports]),
                  summed([r.relations for r in reports]), dict(errors))


def score_documents(graph: Graph, gold: dict) -> dict[str, Report]:
    """Each document of ``gold`` scored on its own: its entities, and the relations between
    them (the graph does not say which document a relation came from: one between two
    entities that another document also names counts here too)."""
    predictions = load_predictions(graph)
    return {doc: _score(*predictions, {doc: gold[doc]}, both_ends=True) for doc in gold}


def _score(entities: dict, relations: set, gold: dict, *, both_ends: bool = False) -> Report:
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
    touches = all if both_ends else any
    for s, r, o in {(s, r, o) for s, r, o in relations if touches((s in iris, o in iris))}:
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


def format_summary(report: Report) -> str:
    """The headline classes and the relations in a few lines (relaxed, document level)."""
    classes = " ".join(f"{c} {report.document[c]['f1']:.3f}" for c in HEADLINE)
    relations = " ".join(f"{r} {report.relations[r]['f1']:.3f}" for r in RELATION_TYPES)
    h, a = report.document["HEADLINE"], report.relations["ALL"]
    return (f"  headline F1 {h['f1']:.3f} (P {h['p']:.3f} R {h['r']:.3f})   {classes}\n"
            f"  relations F1 {a['f1']:.3f} (P {a['p']:.3f} R {a['r']:.3f})   {relations}")


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


_CLASS_COLUMNS = {"County": "Cty", "Enterprise": "Ent", "Project": "Proj", "Program": "Prog"}
_RELATION_COLUMNS = {"locatedIn": "loc", "partOf": "part", "implements": "impl", "developedBy": "dev"}


def _f1(figures: dict) -> str:
    return "   -" if not (figures["pred"] or figures["gold"]) else f"{figures['f1']:.2f}"


def format_documents(reports: dict[str, Report], *, worst: int = 5) -> str:
    """One line per document (relaxed F1 per headline class and relation), then the ``worst``
    documents by headline F1 with their gold counts."""
    head = (f"{'document':<26} " + " ".join(f"{c:>4}" for c in _CLASS_COLUMNS.values())
            + "  head │ " + " ".join(f"{c:>4}" for c in _RELATION_COLUMNS.values()) + "   rel")
    lines = [head]
    for doc, report in reports.items():
        lines.append(
            f"{doc[:26]:<26} " + " ".join(_f1(report.document[c]) for c in _CLASS_COLUMNS)
            + f"  {report.headline:.2f} │ " + " ".join(_f1(report.relations[r]) for r in _RELATION_COLUMNS)
            + f"  {report.relations['ALL']['f1']:.2f}"
        )
    ranked = sorted(reports.items(), key=lambda item: (item[1].headline, item[1].relations["ALL"]["f1"]))[:worst]
    lines += ["", f"worst {len(ranked)} by headline F1:      P     R    F1  entities   rel F1  relations"]
    for doc, report in ranked:
        h, r = report.document["HEADLINE"], report.relations["ALL"]
        lines.append(f"  {doc[:26]:<26} {h['p']:.2f}  {h['r']:.2f}  {h['f1']:.2f}  {h['pred']:>3}/{h['gold']:<4}  "
                     f"{r['f1']:.2f}  {r['pred']:>3}/{r['gold']}")
    return "\n".join(lines)


# ------------------------------------------------------------------ kinds of error

# What marks a prediction as a reference to something rather than a name (这一项目, 该公司,
# 百亿项目, 12个重点项目), or as a government or party body (县政府, 发改局).
_GENERIC = re.compile(r"^(这|该|此|本|其|各|全县|全市)|重点|一批|多个|若干|\d+[个家项批]|^[百千万]亿|^[^\d]{0,2}(项目|工程|企业|公司)$")
_ORGAN = re.compile(r"(县委|市委|省委|政府|人大|政协|[^公]局$|委员会$|办公室$|中心$|大学$|学院$|学校$|医院$)")


def _overlap(a: Item, b: Item) -> str:
    """"too long" or "too short" when a form of ``a`` contains or is contained in one of ``b``."""
    for x in a.forms:
        for y in b.forms:
            if x and y and (x in y or y in x):
                return "too long" if len(x) > len(y) else "too short"
    return ""


def error_kinds(graph: Graph, gold: dict) -> dict[str, list[str]]:
    """The errors by kind (``"FP Project: too long"``: ["h03 名称", …]), document by document.

    A spurious headline prediction is *too long* or *too short* when it overlaps a gold name
    of its document that it does not match (a name run on through a clause, or cut short),
    *wrong class* when it matches a gold entity of another class, *generic* when it is a
    reference or a count (这一项目, 百亿项目), *organ* when it is a government body or an
    institution, else *spurious*. A missed headline entity is *overlapped* when a prediction
    overlaps it, *missed long name* at 12 characters or more, else *missed*. A missed relation
    is *end missed* when one of its entities was not found in the document, else *missed*.
    """
    entities, relations = load_predictions(graph)
    missed_relations = {tuple(line.split(" -> ", 1)) + (kind,)
                        for kind in RELATION_TYPES
                        for line in _score(entities, relations, gold).errors.get(f"FN {kind}", [])}
    kinds: dict[str, list[str]] = defaultdict(list)
    for doc, (golds, triples) in gold.items():
        where = doc[:3]
        preds = [item for item, docs in entities.values() if doc in docs]
        pairs = match(preds, golds)
        found = {golds[j].name for j, _ in pairs.values()}
        for i, p in enumerate(preds):
            if i in pairs or p.label not in HEADLINE:
                continue
            overlap = next((o for g in golds if (o := _overlap(p, g))), "")
            same = [g for g in golds if _forms_match(p.forms, g.forms, True)]
            kind = ("duplicate" if any(p.label in g.accept for g in same) else "wrong class" if same
                    else overlap or ("generic" if _GENERIC.search(p.name)
                                     else "organ" if _ORGAN.search(p.name) else "spurious"))
            kinds[f"FP {p.label}: {kind}"].append(f"{where} {p.name}")
        for g in golds:
            if g.name in found or g.label not in HEADLINE:
                continue
            kind = ("overlapped" if any(_overlap(p, g) for i, p in enumerate(preds) if i not in pairs)
                    else "missed long name" if len(g.name) >= 12 else "missed")
            kinds[f"FN {g.label}: {kind}"].append(f"{where} {g.name}")
        for head, kind, tail in triples:
            if (head, tail, kind) in missed_relations:
                kinds[f"FN {kind}: " + ("missed" if {head, tail} <= found else "end missed")].append(
                    f"{where} {head} -> {tail}")
    return dict(sorted(kinds.items()))
