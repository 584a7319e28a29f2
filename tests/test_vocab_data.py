"""The reference files ship unmodified, named in the README, and load through the pickle cache."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from vocab.data import DATA_DIR, load_cached, read_tsv, source_stamp
from vocab.data import __file__ as data_init

SHARED_VOCAB = Path(__file__).resolve().parents[2] / "shared" / "vocab"

# SHA-256 of the files as published (copied from ../shared/vocab): any edit fails this test.
PUBLISHED = {
    "hp-zh.babelon.tsv": "64a30d5f065e1180fa6a30c192dd84aa403cd1b44f2b24ee883fcde948b1ca53",
    "diseases.tsv": "322eb140f3fa495a8ed6dbf9e8aec5cbbdadc5fed40defe85ccf780c53a3dbd9",
    "diseases-zh.tsv": "97365d7f8034a7957e85748cb69d4e71ee49eaab479e4eab0c2f4680b224ee25",
    "genes.tsv": "6298a2214f149c4880c54c2f334469bc43d769415d9f8b70d2cc7a4b5d7bbf09",
}


@pytest.mark.parametrize("name", sorted(PUBLISHED))
def test_files_are_unmodified(name):
    assert hashlib.sha256((DATA_DIR / name).read_bytes()).hexdigest() == PUBLISHED[name]


@pytest.mark.parametrize("name", sorted(PUBLISHED))
def test_files_equal_the_shared_copy_when_present(name):
    shared = SHARED_VOCAB / name
    if not shared.exists():
        pytest.skip("../shared/vocab is not checked out")
    assert shared.read_bytes() == (DATA_DIR / name).read_bytes()


def test_readme_names_every_file_source_and_licence():
    readme = (DATA_DIR / "README.md").read_text(encoding="utf-8")
    for name in PUBLISHED:
        assert f"`{name}`" in readme
    for required in (
        "Mondo Disease Ontology, Monarch Initiative",
        "subset",
        "CC BY 4.0",
        "HUGO Gene Nomenclature Committee",
        "CC0",
        "Apache License 2.0",
        "unmodified",
        "hpo-translations",
    ):
        assert required in readme, required


def test_babelon_quotes_are_removed_only_when_asked(tmp_path):
    path = tmp_path / "sample.tsv"
    path.write_text('id\tvalue\tnote\nA\t"x,y"\tsays "hi"\nB\tplain\n', encoding="utf-8")
    assert [row["value"] for row in read_tsv(path, quoted_cells=True)] == ["x,y", "plain"]
    rows = list(read_tsv(path))
    assert rows[0]["value"] == '"x,y"' and rows[0]["note"] == 'says "hi"' and rows[1]["note"] == ""


def test_cache_is_used_until_a_source_changes(tmp_path, monkeypatch):
    monkeypatch.setenv("REGISTRY_CACHE_DIR", str(tmp_path / "cache"))
    source = tmp_path / "source.tsv"
    source.write_text("id\nA\n", encoding="utf-8")
    builds = []

    def build() -> list[str]:
        builds.append(1)
        return [row["id"] for row in read_tsv(source)]

    assert load_cached("sample", source_stamp([source], "v1"), build) == ["A"]
    assert load_cached("sample", source_stamp([source], "v1"), build) == ["A"]
    assert len(builds) == 1 and (tmp_path / "cache" / "sample.pickle").exists()
    source.write_text("id\nA\nB\n", encoding="utf-8")  # another size: a new stamp
    assert load_cached("sample", source_stamp([source], "v1"), build) == ["A", "B"]
    assert load_cached("sample", source_stamp([source], "v2"), build) == ["A", "B"]
    assert len(builds) == 3


def test_data_folder_is_inside_the_package():
    assert DATA_DIR.name == "data" and DATA_DIR.parent.name == "vocab"
    assert type(DATA_DIR)(data_init).parent == DATA_DIR
