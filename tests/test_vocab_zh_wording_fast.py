"""Property: the fast paths of `zh_wording.name_variants` (the substring and script tests that
skip a regular expression) give exactly the variants of the general path they skip."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from vocab.languages import zh_wording as zw


def _general_variants(key: str) -> set[str]:
    """`name_variants` as written before its fast paths: every pattern tried on every form."""
    if key.isascii() or all(ord(c) < 0x250 for c in key):
        # Every Chinese form of an eponym through every rule (the fast path reuses the endings
        # worked out once per kind).
        m = zw._EPONYM_RE.match(key)
        if not m:
            return {key}
        eponyms = {m.group(1) + head for head in zw._EPONYM_HEADS[m.group(2)]}
        return {key}.union(*(_general_variants(k) for k in eponyms))
    if not zw._TRIGGERS.intersection(key):
        return {key}
    out = {key}
    for mainland, other in zw.REGIONAL_WORDS:
        out |= {k.replace(mainland, other) for k in out if mainland in k}
    out |= {
        zw._STEM_TYPE_RE.sub(lambda m: zw._STEM_TYPES[m.group(0)], k)
        for k in out
        if zw._STEM_TYPE_RE.search(k)
    }
    out |= {zw._ORGAN_RE.sub(r"\1脏", k) for k in out if zw._ORGAN_RE.search(k)}
    if any("氏" in k for k in out):
        out |= {zw._NAME_SHI_RE.sub("", k) for k in list(out) if "氏" in k}
    else:
        out |= {f"{e.group(1)}氏{e.group(2)}" for k in list(out) if (e := zw._ZH_EPONYM_RE.match(k))}
    for k in list(out):
        pain = zw._PAIN_RE.match(k)
        if pain and pain.group(1)[-1] not in zw._PAIN_QUALIFIERS:
            stem = pain.group(1)
            # a part tender to the touch is that part's pain (关节压痛, 腹部触痛)
            out |= {stem + "痛", stem + "疼痛", *(stem + tender for tender in zw._TENDER_WORDS)}
            if len(stem) == 1:
                out |= {stem + "部疼痛", stem + "部痛", stem + "疼"}
                out |= {stem + "部" + tender for tender in zw._TENDER_WORDS}
        if k.endswith("疝"):
            out.add(k + "气")
        if k.endswith("水肿") and len(k) > 3:
            out.add(k[:-2] + "肿")
        nodes = zw._NODES_ENLARGED_RE.match(k)
        if nodes:
            site, node, enlarged = nodes.groups()
            out |= {f"{site}{enlarged}{node}", f"{site}{enlarged}的{node}"}
        level = zw._ELECTROLYTE_RE.match(k)
        if level:
            out |= {f"{level.group(1)}血{level.group(2)}", f"{level.group(1)}血{level.group(2)}症"}
        typed = zw._TYPE_AFTER_RE.match(k) or zw._TYPE_BEFORE_RE.match(k)
        if typed:
            name, number = (
                (typed.group(1), typed.group(2))
                if typed.re is zw._TYPE_AFTER_RE
                else (typed.group(2), typed.group(1))
            )
            numeral = zw._NUMERALS.get(number)
            if numeral:
                out.add(f"第{numeral}型{name}")
    return out


# Pieces that reach every pattern: regional words, the organs, pain, electrolytes, types and
# stems, eponyms, Latin letters beyond ASCII, and characters no pattern reads.
_PIECES = st.sampled_from(
    sorted({w for pair in zw.REGIONAL_WORDS[:40] for w in pair if w})
    + list("肝肾脾胰心肺痛疼型疝症血高低钾钠钙甲乙丙丁戊部背头关节炎衰竭肿大酸2iivⅡ 氏病")
    + ["川崎", "高安", "动脉炎", "甲状腺炎", "综合征"]
    + [
        "衰竭",
        "功能",
        "肿大",
        "血症",
        "乙型",
        "2型",
        "型糖尿病",
        "marfan",
        " disease",
        " syndrome",
        "é",
        "'s",
        "\n",
    ]
)


@settings(max_examples=1500, deadline=None)
@given(st.lists(_PIECES, min_size=1, max_size=6).map("".join))
def test_fast_paths_give_the_general_variants(key: str) -> None:
    assert zw.name_variants(key) == _general_variants(key)


def test_fast_paths_on_written_names() -> None:
    written = (
        "背痛",
        "高钾血症",
        "乙型肝炎",
        "2型糖尿病",
        "肝衰竭",
        "腹股沟疝",
        "marfan syndrome",
        "crohn's disease",
    )
    # "" and single characters end the patterns early; a final newline is where `$` also matches.
    for key in (*written, "behçet disease", "fever", "", "痛", "肝", "背痛\n", "高钾血症\n"):
        assert zw.name_variants(key) == _general_variants(key), key
    assert {"背部疼痛", "背疼"} <= zw.name_variants("背痛")
    assert "marfan综合征" in zw.name_variants("marfan syndrome")
    # enlarged lymph nodes with the adjective first, as examinations write them
    assert {"颈部肿大淋巴结", "颈部肿大的淋巴结", "肿大淋巴腺"} <= zw.name_variants(
        "颈部淋巴结肿大"
    ) | zw.name_variants("淋巴结肿大")
    assert zw.name_variants("淋巴结肿大\n") == _general_variants("淋巴结肿大\n")


def test_an_eponym_takes_every_regional_form_of_its_head():
    assert zw.name_variants("marfan syndrome") == {
        "marfan syndrome",
        "marfan综合征",
        "marfan综合症",
        "marfan症候群",
    }
    assert zw.name_variants("crohn disease") == {"crohn disease", "crohn病", "crohn氏病", "crohn氏症"}
