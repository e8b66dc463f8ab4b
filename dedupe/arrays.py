"""Array helpers shared by the stages (numpy imported when first called, so that importing
this module costs nothing)."""


def sorted_unique(values):
    """``np.unique(values)``: the sorted distinct values, flattened, by a sort. numpy 2.3 on
    finds them with a hash table, measured here 15-50x slower than a sort at every size
    (1,300 values: 15 against 0.4 ms; 1.7M: 2.4 s against 46 ms)."""
    import numpy as np

    s = np.sort(np.asarray(values), axis=None)
    if s.size < 2:
        return s
    keep = np.empty(s.size, dtype=bool)
    keep[0] = True
    np.not_equal(s[1:], s[:-1], out=keep[1:])
    return s[keep]
