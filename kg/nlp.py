"""The spaCy pipeline: blank Chinese, our jieba tokenizer, entity components."""

from __future__ import annotations

import spacy
from spacy.language import Language

import kg.entities  # noqa: F401  (registers the kg_* components)
import kg.relation_scorer  # noqa: F401
import kg.scorer  # noqa: F401
from kg.places import gazetteer
from kg.rules import default_rules, load_rules
from kg.segment import JiebaTokenizer


def make_nlp(
    *, rules: str | None = None, model: str | None = None,
    relation_models: dict[str, str] | None = None,
) -> Language:
    """Build the pipeline once per run; nothing is downloaded. ``model``: the weights of the
    learned candidate scorer, ``relation_models``: of each relation's model, by relation
    (default: those shipped in kg/models, if any; "none": the rules alone)."""
    nlp = spacy.blank("zh")
    # spaCy's limit guards its parser and NER, which this pipeline does not use; an article
    # is bounded by `kg build --max-bytes` instead (20 MB, some 7 M characters, by default).
    nlp.max_length = 50_000_000
    ruleset = load_rules(rules) if rules else default_rules()
    nlp.tokenizer = JiebaTokenizer(nlp.vocab, gazetteer().names | ruleset.words())
    nlp.add_pipe("kg_places")
    nlp.add_pipe("kg_entity_rules", config={"rules": rules})
    nlp.add_pipe("kg_candidate_scorer", config={"model": model})
    nlp.add_pipe("kg_entity_select")
    nlp.add_pipe("kg_project_owners")
    nlp.add_pipe("kg_relation_models", config=relation_models or {})
    return nlp
