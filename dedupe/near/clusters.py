"""Clusters by union-find over accepted pairs, with a deterministic representative."""

from __future__ import annotations


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
