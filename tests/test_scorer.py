"""The learned candidate scorer: the spans it judges, its model file, and training it."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from kg.cli import main
from kg.scorer import LinearModel, Words, make_proposer, variants

ROOT = Path(__file__).resolve().parent.parent


def words_of(text: str, cut: list[str]) -> Words:
    assert "".join(cut) == text
    ends, at = [], 0
    for word in cut:
        at += len(word)
        ends.append(at)
    return Words(text, ends)


def test_variants_start_at_a_later_word_or_end_at_an_earlier_head():
    words = words_of("民营企业山西鹏飞集团", ["民营企业", "山西", "鹏飞", "集团"])
    assert "山西鹏飞集团" in {words.text[s:e] for s, e, _ in variants(words, 0, len(words.text))}
    words = words_of("富地燃气有限公司还可通过煤气化公司", ["富地", "燃气", "有限公司", "还", "可", "通过", "煤气化", "公司"])
    spans = {words.text[s:e] for s, e, _ in variants(words, 0, len(words.text))}
    assert "富地燃气有限公司" in spans and "煤气化公司" in spans


def test_proposals_end_with_a_head_word_and_stay_inside_the_clause():
    text = "县里引进了山西鹏飞集团，建设氢能产业园项目。"
    words = words_of(text, ["县里", "引进", "了", "山西", "鹏飞", "集团", "，", "建设", "氢能", "产业园", "项目", "。"])
    proposed = {(text[s:e], label) for s, e, label in make_proposer()(words)}
    assert ("山西鹏飞集团", "Enterprise") in proposed
    assert ("氢能产业园项目", "Project") in proposed
    assert not [name for name, _ in proposed if "，" in name]


def test_a_model_is_a_readable_json_file_of_weights(tmp_path):
    model = LinearModel({"class=Project": 1.5, "last2=Project:项目": 0.5}, bias=-1.0, threshold=0.3)
    path = tmp_path / "m.json"
    path.write_text(model.dumps(), encoding="utf-8")
    assert json.loads(path.read_text(encoding="utf-8"))["weights"]["class=Project"] == 1.5
    loaded = LinearModel.load(path)
    assert loaded.probability(["class=Project", "last2=Project:项目"]) == pytest.approx(1 / (1 + 2.718281828 ** -1.0), abs=1e-6)


def test_a_missing_model_file_is_a_clear_error(tmp_path):
    from kg.errors import KgError
    from kg.nlp import make_nlp

    with pytest.raises(KgError, match="no such model file"):
        make_nlp(model=str(tmp_path / "absent.json"))


def test_kg_train_on_two_articles_writes_a_model_that_a_build_uses(tmp_path, capsys):
    corpus = tmp_path / "corpus"
    for folder in ("texts", "gold"):
        (corpus / folder).mkdir(parents=True)
    rows = ["doc\tcounty\tprefecture\tprovince\tstyle\tartifacts\tscript\tsplit"]
    for name in ("000_bf441c48083cf4d1", "002_df2e440fabba4e5e"):
        shutil.copy(ROOT / "corpus" / "texts" / f"{name}.txt", corpus / "texts")
        shutil.copy(ROOT / "corpus" / "gold" / f"{name}.json", corpus / "gold")
        rows.append(f"{name}.txt\t兴县\t吕梁市\t山西省\tfeature\tpdf\tsimplified\tdev")
    (corpus / "documents.tsv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    models = tmp_path / "models"
    assert main(["train", "--corpus", str(corpus), "--folds", "2", "--out", str(models)]) == 0
    model = models / "entities.json"
    out = capsys.readouterr().out
    assert "2-fold cross-validation" in out and "headline F1" in out
    trained = LinearModel.load(model)
    assert trained.about["trained_on"] == ["000_bf441c48083cf4d1.txt", "002_df2e440fabba4e5e.txt"]
    assert trained.weights

    from kg.build import build
    from kg.nlp import make_nlp

    graph = build([corpus / "texts"], nlp=make_nlp(model=str(model))).graph
    assert len(graph) > 100


def test_developer_pairs_read_the_words_between_a_project_and_each_enterprise_of_its_sentence():
    from kg.relation_scorer import developer_pairs
    from kg.types import Mention

    text = "由甲公司投资建设的乙项目与丙集团签约。"
    def mention(name, label):
        start = text.index(name)
        return Mention("d", name, label, start, start + len(name), 0, "r")
    a, b, c = mention("甲公司", "Enterprise"), mention("乙项目", "Project"), mention("丙集团", "Enterprise")
    pairs = {pair.tail.text: set(pair.features) for pair in developer_pairs((a, b, c), (), text)}
    assert "between=before:投资建设的" in pairs["甲公司"] and "side=before" in pairs["甲公司"]
    assert "between=after:与" in pairs["丙集团"] and "side=after" in pairs["丙集团"]


def test_the_shipped_models_are_part_of_the_extraction_cache_key(tmp_path, monkeypatch):
    import kg.cache

    before = kg.cache.extractor_version()
    kg.cache.extractor_version.cache_clear()
    package = tmp_path / "kg"
    shutil.copytree(ROOT / "kg", package, ignore=shutil.ignore_patterns("__pycache__"))
    (package / "models").mkdir(exist_ok=True)
    (package / "models" / "entities.json").write_text(LinearModel({"class=Project": 9.0}).dumps(), encoding="utf-8")
    monkeypatch.setattr(kg.cache, "PACKAGE", package)
    try:
        assert kg.cache.extractor_version() != before
    finally:
        kg.cache.extractor_version.cache_clear()
