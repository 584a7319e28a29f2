"""The official Chinese translation of the HPO (CHPO's babelon file, shipped in vocab/data/).

Labels only: the translation has no synonyms and its wording is formal (发热, not 发烧), so the
curated clinical lexicon stays first and this adds what it lacks.

The file was translated against an HPO release that is not the one `vocab.hpo` loads, so every id
is resolved through the loaded release: an alt id or an obsolete id with a replacement gives its
label to the current term (unless that term has its own), and an id the release does not know
(newer than it, or obsolete without replacement) keeps its label under its own id and is listed
in `unknown_ids`, never dropped.

No Django imports here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from vocab.data import HPO_ZH, load_cached, read_tsv, source_stamp
from vocab.hpo import Hpo, load_hpo
from vocab.languages.chinese_script import lookup_key, lookup_keys

CACHE_FORMAT = 2
SOURCE = "obophenotype/hpo-translations babelon/hp-zh.babelon.tsv, commit 5e2649d (2025-05-06), CHPO"


@dataclass(slots=True)
class ChineseHpo:
    source: str
    hpo_version: str  # the loaded HPO release the ids were resolved against
    labels: dict[str, str]  # current HPO id (or an unknown id as given) -> official Chinese label
    # lookup_key(Chinese label) -> ids, current ones; every label of the file, including those of
    # alt/obsolete ids whose current term has a label of its own (an older wording still finds it).
    ids_by_key: dict[str, tuple[str, ...]]
    # The English label each translation was made from, by the id it now stands under.
    english: dict[str, str]
    redirected: dict[str, str] = field(default_factory=dict)  # file id -> current id
    unknown_ids: tuple[str, ...] = ()  # file ids the loaded HPO release does not know
    rows: int = 0

    def __len__(self) -> int:
        return len(self.labels)

    def __contains__(self, term_id: object) -> bool:
        return isinstance(term_id, str) and self.label(term_id) is not None

    def label(self, term_id: str) -> str | None:
        """The Chinese label of a term, following the loaded HPO's alt ids and replacements."""
        found = self.labels.get(term_id)
        if found is None:
            current = load_hpo().redirects.get(term_id)
            if current is not None:
                found = self.labels.get(current)
        return found

    def ids_for(self, text: str) -> tuple[str, ...]:
        """HPO ids whose official Chinese label is `text` (after `lookup_key`: traditional script,
        full-width letters and spacing do not matter). Several ids share some labels."""
        return self.ids_by_key.get(lookup_key(text), ())

    def source_label(self, term_id: str) -> str | None:
        """The English label the translator saw; it may differ from the loaded release's name."""
        return self.english.get(term_id)

    def summary(self) -> dict[str, int]:
        shared = sum(1 for ids in self.ids_by_key.values() if len(ids) > 1)
        return {
            "rows": self.rows,
            "labelled_ids": len(self.labels),
            "redirected_ids": len(self.redirected),
            "unknown_ids": len(self.unknown_ids),
            "labels_shared_by_several_ids": shared,
        }


@dataclass(slots=True)
class _Rows:
    """The file's label rows resolved against the loaded HPO (what `_build` indexes)."""

    own: dict[str, tuple[str, str]] = field(default_factory=dict)  # current id -> (Chinese, English)
    inherited: dict[str, tuple[str, str]] = field(default_factory=dict)  # first row of an alt/obsolete id
    redirected: dict[str, str] = field(default_factory=dict)
    unknown: list[str] = field(default_factory=list)
    every_label: list[tuple[str, str]] = field(default_factory=list)  # (Chinese label, id it stands for)
    rows: int = 0

    def chosen(self) -> dict[str, tuple[str, str]]:
        return {**self.inherited, **self.own}  # a term's own row wins over one inherited from an alt id


def _read_rows(hpo: Hpo) -> _Rows:
    out = _Rows()
    for row in read_tsv(HPO_ZH, quoted_cells=True):
        term_id, chinese = row["subject_id"].strip(), row["translation_value"].strip()
        if not term_id.startswith("HP:") or not chinese or row.get("predicate_id") != "rdfs:label":
            continue
        out.rows += 1
        english = row.get("source_value", "").strip()
        if term_id in hpo.terms:
            out.own[term_id] = (chinese, english)
            current = term_id
        elif term_id in hpo.redirects:
            current = hpo.redirects[term_id]
            out.redirected[term_id] = current
            out.inherited.setdefault(current, (chinese, english))
        else:
            current = term_id  # kept as given, flagged below
            out.own[term_id] = (chinese, english)
            out.unknown.append(term_id)
        out.every_label.append((chinese, current))
    return out


def official_labels(hpo: Hpo) -> dict[str, str]:
    """`load_hpo_zh().labels` read straight from the file, without the lookup index (one OpenCC
    pass over every label) or the cache: for a reader that wants the labels only, once (the
    pipeline's vocabulary build, which caches what it derives from them)."""
    return {term_id: chinese for term_id, (chinese, _) in _read_rows(hpo).chosen().items()}


def _build() -> ChineseHpo:
    hpo = load_hpo()
    resolved = _read_rows(hpo)
    chosen = resolved.chosen()
    ids_by_key: dict[str, list[str]] = {}
    keys = lookup_keys([chinese for chinese, _ in resolved.every_label])  # one OpenCC call, not 20,000
    for key, (_, current) in zip(keys, resolved.every_label, strict=True):
        ids = ids_by_key.setdefault(key, [])
        if current not in ids:
            ids.append(current)
    return ChineseHpo(
        source=SOURCE,
        hpo_version=hpo.version,
        labels={term_id: chinese for term_id, (chinese, _) in chosen.items()},
        ids_by_key={key: tuple(ids) for key, ids in ids_by_key.items()},
        english={term_id: english for term_id, (_, english) in chosen.items()},
        redirected=resolved.redirected,
        unknown_ids=tuple(sorted(resolved.unknown)),
        rows=resolved.rows,
    )


@lru_cache(maxsize=1)
def load_hpo_zh() -> ChineseHpo:
    """The Chinese labels resolved against the loaded HPO, built once per machine then cached."""
    stamp = source_stamp([HPO_ZH], f"format={CACHE_FORMAT}", f"hpo={load_hpo().version}")
    return load_cached(f"hpo-zh-v{CACHE_FORMAT}", stamp, _build)


__all__ = ["ChineseHpo", "load_hpo_zh", "official_labels"]
