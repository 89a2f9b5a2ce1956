"""Walking the `metrics` trees servers send: nested label maps with series or numbers as leaves."""

from collections.abc import Iterator, Mapping
from typing import Any

Labels = tuple[str, ...]


def iter_leaves(tree: Mapping[str, Any], prefix: Labels = ()) -> Iterator[tuple[Labels, Any]]:
    """Yield `(labels, leaf)` for every leaf, labels being the keys on the path from the root.

    A leaf is a series (a list of `[timestamp, value]` pairs, possibly empty) or one number.
    """
    for key, node in tree.items():
        labels = (*prefix, str(key))
        if isinstance(node, Mapping):
            yield from iter_leaves(node, labels)
        else:
            yield labels, node
