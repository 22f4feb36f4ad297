"""Read a YAML settings file safely: one-line ParamsError for anything a person did not mean.

PyYAML's SafeLoader already refuses Python tags; this loader also refuses duplicate keys (PyYAML
keeps the last silently), anchors and aliases (the "billion laughs" bomb), binary files and
nesting deeper than any real settings file, so none of them reaches validation.
"""

from __future__ import annotations

import copy
import hashlib
from pathlib import Path
from typing import Any

import yaml

from carerlib.errors import ParamsError

#: Deeper than any real params file (defaults.yaml nests 5 levels): refused as hostile.
MAX_DEPTH = 20
#: Larger than any real params file (defaults.yaml is about 20 KB).
MAX_BYTES = 2_000_000


class UniqueKeyLoader(yaml.SafeLoader):
    """SafeLoader that refuses a mapping key given twice, and anchors/aliases."""

    def compose_node(self, parent, index):  # noqa: ANN001, D102 (PyYAML hook)
        if self.check_event(yaml.AliasEvent):
            mark = self.peek_event().start_mark
            raise yaml.constructor.ConstructorError(
                None, None, "aliases (*name) are not allowed in params files", mark)
        return super().compose_node(parent, index)

    def construct_mapping(self, node, deep=False):  # noqa: ANN001, D102 (PyYAML hook)
        seen: dict[Any, Any] = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            try:
                hashable = key in seen
            except TypeError:
                raise yaml.constructor.ConstructorError(
                    None, None, "a mapping key must be text or a number",
                    key_node.start_mark) from None
            if hashable:
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate key {key!r} (first given on line "
                    f"{seen[key].line + 1})", key_node.start_mark)
            seen[key] = key_node.start_mark
        return super().construct_mapping(node, deep=deep)


def _depth(value: Any, limit: int = MAX_DEPTH) -> int:
    """Nesting depth of lists and mappings, stopping once past `limit`."""
    stack, deepest = [(value, 1)], 0
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, depth)
            if deepest > limit:
                return deepest
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children)
    return deepest


#: Parsed documents by the SHA-256 of their bytes. Parsing params/defaults.yaml with line
#: numbers takes ~80 ms and every pack reads it (twice in a batch: runner and kernel); a changed
#: file has other bytes, so it is parsed again. Callers get deep copies, never the stored
#: object, so a notebook that edits what it read cannot change what the next area reads.
_PARSED: dict[bytes, Any] = {}
_PARSED_LIMIT = 256


def read_yaml(path: str | Path) -> Any:
    """The YAML document in `path`, or a one-line ParamsError naming the file and problem."""
    path = Path(path)
    if not path.exists():
        raise ParamsError(path, "(file)", "not found")
    if not path.is_file():
        raise ParamsError(path, "(file)", "is a folder, not a YAML file")
    raw = path.read_bytes()
    if len(raw) > MAX_BYTES:
        raise ParamsError(path, "(file)", f"is {len(raw):,} bytes; a params file is far smaller")
    if b"\x00" in raw:
        raise ParamsError(path, "(file)", "is a binary file, not YAML text")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ParamsError(path, "(file)", f"is not UTF-8 text (byte {exc.start})") from None
    key = hashlib.sha256(raw).digest()
    if key in _PARSED:  # the same bytes parsed before in this process: a copy of that result
        return copy.deepcopy(_PARSED[key])
    try:
        data = yaml.load(text, Loader=UniqueKeyLoader)  # noqa: S506 (a SafeLoader subclass)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark else "(file)"
        raise ParamsError(path, where, f"not valid YAML ({getattr(exc, 'problem', exc)})"
                          ) from None
    except RecursionError:
        raise ParamsError(path, "(file)", f"nested deeper than {MAX_DEPTH} levels") from None
    if _depth(data) > MAX_DEPTH:
        raise ParamsError(path, "(file)", f"nested deeper than {MAX_DEPTH} levels")
    if len(_PARSED) >= _PARSED_LIMIT:
        _PARSED.clear()
    _PARSED[key] = copy.deepcopy(data)
    return data


def read_yaml_mapping(path: str | Path) -> dict:
    """`read_yaml` for a file that must hold a mapping (an empty file is an empty mapping)."""
    data = read_yaml(path)
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ParamsError(path, "(file)", "must hold a mapping of keys to values")
    return data
