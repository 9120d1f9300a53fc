"""kg/vocab.py and ontology/countykg.ttl declare the same terms, each documented in zh and en."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import OWL, RDF, RDFS, Graph
from rdflib.namespace import QB

from kg.vocab import CKG

ONTOLOGY = Graph().parse(Path(__file__).resolve().parent.parent / "ontology" / "countykg.ttl")
TERMS = sorted(dir(CKG))


def test_vocab_code_and_ontology_declare_the_same_terms():
    declared = {
        s for t in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, QB.DataStructureDefinition)
        for s in ONTOLOGY.subjects(RDF.type, t) if str(s).startswith(str(CKG))
    }
    assert declared == set(TERMS)


@pytest.mark.parametrize("term", TERMS)
def test_vocab_every_term_is_labelled_and_commented_in_chinese_and_english(term):
    for prop in (RDFS.label, RDFS.comment):
        languages = {value.language for value in ONTOLOGY.objects(term, prop)}
        assert {"zh", "en"} <= languages, f"{term} {prop}"


def test_vocab_is_closed():
    with pytest.raises(AttributeError):
        CKG.locatedln  # noqa: B018  (a typo must fail, not mint an IRI)
