"""Train the learned candidate scorer (``kg.scorer``) on the annotated corpus: ``kg train``.

Examples come from running the rules over the corpus's texts: every enterprise, project and
programme candidate, and its variants (``kg.scorer.variants``), is an example; it is
positive when one of its forms equals a form of a gold entity of its class (annotation guide
§4, strict), negative when it matches none even relaxed, and left out in between (a name
with a word too many is not what the model should learn to prefer, nor to reject).

Cross-validation is by document: the folds are drawn from the documents with a fixed seed,
each fold's documents are extracted with a model trained on the others, and the figures of
all folds are summed. The threshold below which candidates are dropped is the one that
cross-validates best; the shipped model is then trained on every document of the split.
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass, replace
from pathlib import Path

from kg.build import build, make_document
from kg.corpus import documents
from kg.errors import KgError
from kg.evaluate import Report, _relaxed, combine, load_gold, norm, score
from kg.scorer import LinearModel, features, make_proposer, to_judge
from kg.types import Article

# Thresholds tried by cross-validation: of the candidate scorer, and of each relation model
# (None: that relation by the cue rules alone).
RELATION_KINDS = ("developedBy",)
SETTINGS = [(scorer, developers) for scorer in (0.15, 0.2, 0.3) for developers in (None, 0.4, 0.5, 0.6)]
REGULARISATION = 1.0  # inverse L2 strength (scikit-learn's C), chosen by cross-validation on the dev part


@dataclass(frozen=True)
class Example:
    doc: str
    features: tuple[str, ...]
    positive: bool


def examples(corpus: Path, docs: list[str]) -> list[Example]:
    """The labelled spans the model judges in ``docs`` (file names in ``corpus/texts``)."""
    from kg.nlp import make_nlp

    nlp = make_nlp(model="none")  # the rules' candidates, unjudged
    proposer = make_proposer()
    gold = load_gold([corpus / "gold" / f"{Path(d).stem}.json" for d in docs])
    found: list[Example] = []
    for name in docs:
        items, _ = gold[name]
        document = make_document(Article(name, (corpus / "texts" / name).read_text(encoding="utf-8")))
        words, judged_here = to_judge(nlp(document.text), nlp.tokenizer.knows, proposer)
        for judged in judged_here:
            forms = {norm(f) for f in (words.text[judged.start : judged.end], *judged.aliases)}
            label = _label(forms, judged.label, items)
            if label is not None:
                found.append(Example(name, tuple(features(words, judged.start, judged.end, judged.label, judged.rule)), label))
    return found


def _label(forms: set[str], label: str, gold_items) -> bool | None:
    fitting = [g for g in gold_items if label in g.accept]
    if any(forms & g.forms for g in fitting):
        return True
    relaxed = any(_relaxed(a, b) for g in fitting for a in forms for b in g.forms)
    return None if relaxed else False


def fit(train: list[Example], *, threshold: float = 0.5, about: dict | None = None) -> LinearModel:
    """A logistic model over the examples' features (scikit-learn, L2, deterministic)."""
    try:
        from sklearn.feature_extraction import DictVectorizer
        from sklearn.linear_model import LogisticRegression
    except ImportError:
        raise KgError("training needs scikit-learn: pip install 'countykg[train]'") from None
    if len({e.positive for e in train}) < 2:
        raise KgError("the training documents give no positive or no negative example: give more documents")
    vectorizer = DictVectorizer()
    matrix = vectorizer.fit_transform([dict.fromkeys(e.features, 1) for e in train])
    model = LogisticRegression(C=REGULARISATION, max_iter=5000).fit(matrix, [e.positive for e in train])
    weights = {name: round(float(w), 4) for name, w in zip(vectorizer.get_feature_names_out(), model.coef_[0]) if abs(w) >= 1e-4}
    return LinearModel(weights, round(float(model.intercept_[0]), 4), threshold, about or {})


def folds(docs: list[str], k: int, seed: int) -> list[list[str]]:
    """``k`` folds of documents, drawn with ``seed``."""
    shuffled = sorted(docs)
    random.Random(seed).shuffle(shuffled)
    return [sorted(shuffled[i::k]) for i in range(k)]


def relation_examples(corpus: Path, docs: list[str], nlp) -> dict[str, list[Example]]:
    """The labelled pairs of each relation model in ``docs`` (``kg.relation_scorer.PAIRS``),
    from the mentions ``nlp`` finds: positive where the gold holds that relation between
    the two mentions' entities."""
    from kg.build import with_written_forms
    from kg.entities import mentions_from_doc
    from kg.places import gazetteer
    from kg.relation_scorer import PAIRS
    from kg.relations import find_relations

    gold = load_gold([corpus / "gold" / f"{Path(d).stem}.json" for d in docs])
    found: dict[str, list[Example]] = {kind: [] for kind in PAIRS}
    for name in docs:
        items, triples = gold[name]
        document = make_document(Article(name, (corpus / "texts" / name).read_text(encoding="utf-8")))
        sentences, mentions, nested = mentions_from_doc(nlp(document.text), document.doc_id)
        mentions = with_written_forms(mentions, document)
        relations = find_relations(mentions, nested, gazetteer(), sentences, document.text)
        entity_of = _gold_names(mentions, items)
        for kind, pairs_of in PAIRS.items():
            for pair in pairs_of(mentions, relations, document.text):
                head, tail = entity_of.get(pair.head), entity_of.get(pair.tail)
                found[kind].append(Example(name, pair.features, (head, kind, tail) in triples))
    return found


def _gold_names(mentions, items) -> dict:
    """The gold entity's name of each mention that matches one (relaxed, annotation guide §4)."""
    from kg.places import gazetteer

    names = {}
    for m in mentions:
        forms = {norm(f) for f in (m.text, *m.aliases, m.written) if f}
        if m.key:
            forms.add(norm(gazetteer().official_name(m.key) or m.text))
        fitting = [g for g in items if m.label in g.accept]
        g = next((g for g in fitting if forms & g.forms), None) or next(
            (g for g in fitting if any(_relaxed(a, b) for a in forms for b in g.forms)), None)
        if g is not None:
            names[m] = g.name
    return names


class _model_files:
    """Models written to temporary files for the pipeline to load (None: "none", the rules)."""

    def __init__(self, *models: LinearModel | None):
        self.models = models

    def __enter__(self) -> list[str]:
        import tempfile

        self.folder = tempfile.TemporaryDirectory()
        paths = []
        for i, model in enumerate(self.models):
            if model is None:
                paths.append("none")
                continue
            path = Path(self.folder.name) / f"model{i}.json"
            path.write_text(model.dumps(), encoding="utf-8")
            paths.append(str(path))
        return paths

    def __exit__(self, *exc) -> None:
        self.folder.cleanup()


def _nlp_with(entities: LinearModel | None, relations: dict[str, LinearModel | None] | None = None):
    """A pipeline with these models ("none" for each left out: the rules alone)."""
    from kg.nlp import make_nlp
    from kg.relation_scorer import RELATION_MODELS

    kinds = list(RELATION_MODELS)
    with _model_files(entities, *((relations or {}).get(kind) for kind in kinds)) as (entity_path, *paths):
        return make_nlp(model=entity_path, relation_models=dict(zip(kinds, paths)))


def _score_with(nlp, corpus: Path, docs: list[str]) -> Report:
    graph = build([corpus / "texts" / d for d in docs], nlp=nlp).graph
    return score(graph, load_gold([corpus / "gold" / f"{Path(d).stem}.json" for d in docs]))


def cross_validate(corpus: Path, docs: list[str], k: int = 5, seed: int = 0) -> dict[str, Report]:
    """The figures of ``k``-fold cross-validation by document, for each setting of the
    models' thresholds (``SETTINGS``)."""
    data = examples(corpus, docs)
    reports: dict[str, list[Report]] = defaultdict(list)
    for held_out in folds(docs, k, seed):
        train_docs = [d for d in docs if d not in held_out]
        entities = fit([e for e in data if e.doc not in held_out])
        pairs = relation_examples(corpus, train_docs, _nlp_with(entities))
        relation_models = {kind: _fit_if_both(examples_of) for kind, examples_of in pairs.items()}
        for setting in SETTINGS:
            entities.threshold = setting[0]
            chosen = {}
            for kind, threshold in zip(RELATION_KINDS, setting[1:]):
                if threshold and relation_models[kind] is not None:
                    chosen[kind] = replace(relation_models[kind], threshold=threshold)
            reports[_setting_name(setting)].append(_score_with(_nlp_with(entities, chosen), corpus, held_out))
    return {name: combine(r) for name, r in reports.items()}


def _setting_name(setting: tuple) -> str:
    return f"scorer {setting[0]} · " + " · ".join(f"{kind} {t or '-'}" for kind, t in zip(RELATION_KINDS, setting[1:]))


def rules_alone(corpus: Path, docs: list[str]) -> Report:
    return _score_with(_nlp_with(None, None), corpus, docs)


def train(corpus: Path, split: str = "dev", *, k: int = 5, seed: int = 0) -> tuple[dict[str, LinearModel], dict[str, Report]]:
    """The models trained on every document of ``split`` ({"entities": …, "developedBy": …};
    a relation's model left out where its rules alone do better), with the
    setting of thresholds that cross-validates best, and the cross-validated figures."""
    docs = [d.doc for d in documents(corpus, split)]
    if len(docs) < k:
        raise KgError(f"{len(docs)} documents in the {split} part: too few for {k} folds")
    reports = cross_validate(corpus, docs, k, seed)
    best = max(SETTINGS, key=lambda s: (reports[_setting_name(s)].headline + reports[_setting_name(s)].relations["ALL"]["f1"], s[0]))
    chosen = reports[_setting_name(best)]
    about = {"trained_on": docs, "split": split, "folds": k, "seed": seed, "C": REGULARISATION,
             "setting": _setting_name(best), "cv_headline_f1": round(chosen.headline, 4),
             "cv_relations_f1": round(chosen.relations["ALL"]["f1"], 4)}
    entities = fit(examples(corpus, docs), threshold=best[0], about=about)
    models = {"entities": entities}
    pairs = relation_examples(corpus, docs, _nlp_with(entities))
    for kind, threshold in zip(RELATION_KINDS, best[1:]):
        if threshold and (model := _fit_if_both(pairs[kind])) is not None:
            models[kind] = replace(model, threshold=threshold, about=about)
    return models, reports


def _fit_if_both(data: list[Example]) -> LinearModel | None:
    """A model, where the examples are of both kinds (a few documents may hold no developer)."""
    return fit(data) if len({e.positive for e in data}) == 2 else None
