"""Chinese (simplified and traditional script)."""

from __future__ import annotations

import re

CODE = "zh"
NAME = "Chinese"

# CJK Unified Ideographs, Extension A and the compatibility ideographs (not the Yijing symbols
# between A and the main block, which are no words).
HAN_CHARS = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
HAN_RE = re.compile(f"[{HAN_CHARS}]")


def share(sample: str) -> float:
    """Evidence that `sample` is Chinese: its Han characters (about one English word each)."""
    return float(len(HAN_RE.findall(sample)))
