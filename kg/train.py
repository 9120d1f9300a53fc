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
from dataclasses import dataclass
from pathlib import Path

from kg.build import build, make_document
from kg.corpus import documents
from kg.errors import KgError
from kg.evaluate import Report, combine, load_gold, norm, score
from kg.scorer import LinearModel, Words, features, judged_spans, make_proposer
from kg.types import Article

THRESHOLDS = (0.2, 0.3, 0.4, 0.5, 0.6)
REGULARISATION = 0.5  # inverse L2 strength (scikit-learn's C), chosen by cross-validation on the dev part


@dataclass(frozen=True)
class Example:
    doc: str
    features: tuple[str, ...]
    positive: bool


def examples(corpus: Path, docs: list[str]) -> list[Example]:
    """The labelled spans the model judges in ``docs`` (file names in ``corpus/texts``)."""
    from kg.entities import text_of
    from kg.nlp import make_nlp
    from kg.segment import WORD_ENDS

    nlp = make_nlp(model="none")  # the rules' candidates, unjudged
    proposer = make_proposer()
    gold = load_gold([corpus / "gold" / f"{Path(d).stem}.json" for d in docs])
    found: list[Example] = []
    for name in docs:
        items, _ = gold[name]
        document = make_document(Article(name, (corpus / "texts" / name).read_text(encoding="utf-8")))
        doc = nlp(document.text)
        words = Words(text_of(doc), doc.user_data[WORD_ENDS])
        for judged in judged_spans(doc, words, proposer):
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


def _relaxed(a: str, b: str) -> bool:
    short, long_ = sorted((a, b), key=len)
    return bool(short) and short in long_ and len(short) >= 0.6 * len(long_)


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


def _score_with(model: LinearModel | None, corpus: Path, docs: list[str]) -> Report:
    from kg.nlp import make_nlp

    with _model_file(model) as path:
        nlp = make_nlp(model=path)
        graph = build([corpus / "texts" / d for d in docs], nlp=nlp).graph
    return score(graph, load_gold([corpus / "gold" / f"{Path(d).stem}.json" for d in docs]))


class _model_file:
    """A model written to a temporary file for the pipeline to load ("none": the rules alone)."""

    def __init__(self, model: LinearModel | None):
        self.model = model

    def __enter__(self) -> str:
        if self.model is None:
            return "none"
        import tempfile

        self.folder = tempfile.TemporaryDirectory()
        path = Path(self.folder.name) / "model.json"
        path.write_text(self.model.dumps(), encoding="utf-8")
        return str(path)

    def __exit__(self, *exc) -> None:
        if self.model is not None:
            self.folder.cleanup()


def cross_validate(corpus: Path, docs: list[str], k: int = 5, seed: int = 0,
                   thresholds: tuple[float, ...] = THRESHOLDS) -> dict[float, Report]:
    """For each threshold, the figures of ``k``-fold cross-validation by document."""
    data = examples(corpus, docs)
    reports: dict[float, list[Report]] = {t: [] for t in thresholds}
    for held_out in folds(docs, k, seed):
        train = [e for e in data if e.doc not in held_out]
        model = fit(train)
        for threshold in thresholds:
            model.threshold = threshold
            reports[threshold].append(_score_with(model, corpus, held_out))
    return {t: combine(r) for t, r in reports.items()}


def rules_alone(corpus: Path, docs: list[str]) -> Report:
    return _score_with(None, corpus, docs)


def train(corpus: Path, split: str = "dev", *, k: int = 5, seed: int = 0) -> tuple[LinearModel, dict[float, Report]]:
    """The model trained on every document of ``split``, with the threshold that
    cross-validates best, and the cross-validated figures of every threshold."""
    docs = [d.doc for d in documents(corpus, split)]
    if len(docs) < k:
        raise KgError(f"{len(docs)} documents in the {split} part: too few for {k} folds")
    reports = cross_validate(corpus, docs, k, seed)
    best = max(reports, key=lambda t: (reports[t].headline, -t))
    about = {"trained_on": docs, "split": split, "folds": k, "seed": seed, "C": REGULARISATION,
             "cv_headline_f1": round(reports[best].headline, 4),
             "cv_relations_f1": round(reports[best].relations["ALL"]["f1"], 4)}
    return fit(examples(corpus, docs), threshold=best, about=about), reports
