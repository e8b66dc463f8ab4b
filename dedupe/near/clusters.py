"""Clusters: groups of joined documents (union-find in one process, connected components of
the joining edges in a staged run), with a deterministic representative."""

from __future__ import annotations

import numpy as np



class UnionFind:
    def __init__(self):
        self.parent: dict = {}

    def find(self, x):
        parent = self.parent
        parent.setdefault(x, x)
        root = x
        while parent[root] != root:
            root = parent[root]
        while parent[x] != root:
            parent[x], x = root, parent[x]
        return root

    def union(self, a, b):
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            # the smaller index becomes the root: deterministic
            if rb < ra:
                ra, rb = rb, ra
            self.parent[rb] = ra

    def groups(self) -> list[list]:
        out: dict = {}
        for x in self.parent:
            out.setdefault(self.find(x), []).append(x)
        return sorted((sorted(g) for g in out.values()), key=lambda g: g[0])


def representative(members: list[int], chars: list[int], policy: str) -> int:
    """The member to keep, by policy.

    - ``longest``: most characters; ties go to the earliest in input order.
    - ``shortest``: fewest characters; ties go to the earliest in input order.
    - ``first``: the earliest in input order.
    """
    if policy == "first":
        return min(members)
    if policy == "longest":
        return min(members, key=lambda i: (-chars[i], i))
    if policy == "shortest":
        return min(members, key=lambda i: (chars[i], i))
    raise ValueError(f"unknown keep policy {policy!r}")


def components(lo: np.ndarray, hi: np.ndarray) -> list[list[int]]:
    """Connected components of the edges ``lo[k] - hi[k]`` (any integer node keys), each
    sorted, ordered by their first member (``scipy.sparse.csgraph``: memory and time linear
    in the edges; nodes without an edge are not in any component)."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    if not lo.size:
        return []
    nodes, inverse = np.unique(np.concatenate([lo, hi]), return_inverse=True)
    m = lo.size
    graph = coo_matrix((np.ones(m, dtype=np.int8), (inverse[:m], inverse[m:])), shape=(nodes.size, nodes.size))
    _, labels = connected_components(graph, directed=True, connection="weak")
    order = np.lexsort((nodes, labels))  # by component, then by node
    bounds = np.flatnonzero(np.diff(labels[order])) + 1
    groups = [g.tolist() for g in np.split(nodes[order], bounds)]
    return sorted(groups, key=lambda g: g[0])
