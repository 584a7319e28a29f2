"""The official Chinese HPO labels (CHPO babelon file shipped in vocab/data/)."""

from __future__ import annotations

from vocab.hpo import load_hpo
from vocab.hpo_zh import load_hpo_zh, official_labels


def test_labels_by_id():
    chinese = load_hpo_zh()
    assert chinese.label("HP:0003761") == "钙质沉着"  # Calcinosis
    assert chinese.label("HP:0001945") == "发热"  # Fever
    assert chinese.source_label("HP:0003761") == "Calcinosis"
    assert chinese.label("HP:9999999") is None
    assert "HP:0003761" in chinese and "HP:9999999" not in chinese


def test_csv_style_quotes_of_the_file_are_removed():
    chinese = load_hpo_zh()
    assert chinese.label("HP:0008730") == "染色体核型为46,XY的个体具有女性外生殖器"
    assert (
        chinese.source_label("HP:0008730") == "Female external genitalia in individual with 46,XY karyotype"
    )


def test_ids_by_label_in_either_script():
    chinese = load_hpo_zh()
    assert chinese.ids_for("钙质沉着") == ("HP:0003761",)
    assert chinese.ids_for("鈣質沉著") == ("HP:0003761",)
    assert chinese.ids_for("发烧") == ()  # clinical wording is the curated lexicon's job
    # Some official labels are shared by several terms; all of them come back.
    assert set(chinese.ids_for("尿道闭锁")) == {"HP:0000068", "HP:0000809"}


def test_alt_ids_of_the_file_resolve_to_the_current_term():
    chinese, hpo = load_hpo_zh(), load_hpo()
    # HP:0003063 is an alt id of Abnormal humerus morphology (HP:0031095) in the loaded release.
    assert hpo.redirects["HP:0003063"] == "HP:0031095"
    assert chinese.redirected["HP:0003063"] == "HP:0031095"
    assert chinese.label("HP:0003063") == chinese.label("HP:0031095") == "肱骨形态异常"
    assert "HP:0003063" not in chinese.labels  # stored once, under the current id


def test_every_known_id_is_a_current_term_and_unknown_ones_are_kept():
    chinese, hpo = load_hpo_zh(), load_hpo()
    summary = chinese.summary()
    assert summary["rows"] == 18988
    # Every row is read: under its own id, or redirected to a current term (which keeps its own
    # label if it has one, so a redirected row may add no new id).
    assert summary["labelled_ids"] + summary["redirected_ids"] >= summary["rows"] >= summary["labelled_ids"]
    for term_id in chinese.labels:
        assert term_id in hpo.terms or term_id in chinese.unknown_ids
    for term_id in chinese.unknown_ids:  # newer than the loaded release: kept, not dropped
        assert term_id not in hpo.terms and chinese.labels[term_id]
    phenotypes = [term for term in hpo.terms.values() if term.is_phenotype]
    covered = sum(1 for term in phenotypes if term.id in chinese.labels)
    assert covered / len(phenotypes) > 0.99


def test_the_labels_alone_are_the_loaded_translations_labels():
    # The pipeline reads the labels without the lookup index: the same labels, in the same order.
    assert list(official_labels(load_hpo()).items()) == list(load_hpo_zh().labels.items())
