"""Which entries PyTorch's CPU ``topk`` picks when values tie, and in which order.

PyTorch's CPU kernel selects over (value, index) pairs compared by value only, with
``std::partial_sort`` when ``k * 64 <= n`` and ``std::nth_element`` (then ``std::sort`` of the
first k - 1) otherwise; neither is stable, so among equal values the winners depend on
libstdc++'s algorithms.  JAX's ``top_k`` prefers the lowest indices instead.  Pruning turns the
winners into a mask, so a tie at the boundary would prune other entries than PyTorch, and
``torch.topk`` itself returns the tied entries' indices in the order the algorithms leave them.

``topk_indices`` replays those libstdc++ algorithms (introselect, introsort, heap select) on
the host.  It is plain Python, so it is used only where it can change the answer
(``rows_to_replay``): equal values among or beside the chosen ones, or ``sorted=False`` on the
``nth_element`` path, whose order is the algorithm's.  ``sort_indices`` replays ``std::sort``
for ``torch.sort(stable=False)`` in the same way.
"""

from __future__ import annotations

import math

import numpy as np

_THRESHOLD = 16  # libstdc++'s _S_threshold: introsort leaves runs this short to insertion sort


def _lg(n):
    return n.bit_length() - 1


class _Select:
    """libstdc++'s selection algorithms on parallel lists (values, indices) with ``less``."""

    def __init__(self, values, less):
        self.v = values
        self.i = list(range(len(values)))
        self.less = less

    def _lt(self, a, b):
        return self.less(self.v[a], self.v[b])

    def _swap(self, a, b):
        v, i = self.v, self.i
        v[a], v[b] = v[b], v[a]
        i[a], i[b] = i[b], i[a]

    # ------------------------------------------------------------------------------ heaps
    def _push_heap(self, first, hole, top, val):
        v, i, less = self.v, self.i, self.less
        parent = (hole - 1) // 2
        while hole > top and less(v[first + parent], val[0]):
            v[first + hole], i[first + hole] = v[first + parent], i[first + parent]
            hole = parent
            parent = (hole - 1) // 2
        v[first + hole], i[first + hole] = val

    def _adjust_heap(self, first, hole, length, val):
        v, i = self.v, self.i
        top = hole
        child = hole
        while child < (length - 1) // 2:
            child = 2 * (child + 1)
            if self._lt(first + child, first + child - 1):
                child -= 1
            v[first + hole], i[first + hole] = v[first + child], i[first + child]
            hole = child
        if length % 2 == 0 and child == (length - 2) // 2:
            child = 2 * (child + 1)
            v[first + hole], i[first + hole] = v[first + child - 1], i[first + child - 1]
            hole = child - 1
        self._push_heap(first, hole, top, val)

    def _make_heap(self, first, last):
        length = last - first
        if length < 2:
            return
        parent = (length - 2) // 2
        while True:
            self._adjust_heap(
                first, parent, length, (self.v[first + parent], self.i[first + parent])
            )
            if parent == 0:
                return
            parent -= 1

    def _pop_heap(self, first, last, result):
        val = (self.v[result], self.i[result])
        self.v[result], self.i[result] = self.v[first], self.i[first]
        self._adjust_heap(first, 0, last - first, val)

    def _heap_select(self, first, middle, last):
        self._make_heap(first, middle)
        for k in range(middle, last):
            if self._lt(k, first):
                self._pop_heap(first, middle, k)

    def _sort_heap(self, first, last):
        while last - first > 1:
            last -= 1
            self._pop_heap(first, last, last)

    def partial_sort(self, first, middle, last):
        self._heap_select(first, middle, last)
        self._sort_heap(first, middle)

    # ------------------------------------------------------------------------ partitioning
    def _move_median_to_first(self, result, a, b, c):
        lt = self._lt
        if lt(a, b):
            if lt(b, c):
                self._swap(result, b)
            elif lt(a, c):
                self._swap(result, c)
            else:
                self._swap(result, a)
        elif lt(a, c):
            self._swap(result, a)
        elif lt(b, c):
            self._swap(result, c)
        else:
            self._swap(result, b)

    def _unguarded_partition(self, first, last, pivot):
        lt = self._lt
        while True:
            while lt(first, pivot):
                first += 1
            last -= 1
            while lt(pivot, last):
                last -= 1
            if not first < last:
                return first
            self._swap(first, last)
            first += 1

    def _partition_pivot(self, first, last):
        mid = first + (last - first) // 2
        self._move_median_to_first(first, first + 1, mid, last - 1)
        return self._unguarded_partition(first + 1, last, first)

    # ----------------------------------------------------------------------- insertion sort
    def _linear_insert(self, k):
        v, i, less = self.v, self.i, self.less
        val = (v[k], i[k])
        nxt = k - 1
        while less(val[0], v[nxt]):
            v[k], i[k] = v[nxt], i[nxt]
            k = nxt
            nxt -= 1
        v[k], i[k] = val

    def _insertion_sort(self, first, last):
        if first == last:
            return
        v, i = self.v, self.i
        for k in range(first + 1, last):
            if self._lt(k, first):
                val = (v[k], i[k])
                v[first + 1 : k + 1] = v[first:k]
                i[first + 1 : k + 1] = i[first:k]
                v[first], i[first] = val
            else:
                self._linear_insert(k)

    # ---------------------------------------------------------------------- sort and select
    def _introsort_loop(self, first, last, depth):
        while last - first > _THRESHOLD:
            if depth == 0:
                self.partial_sort(first, last, last)
                return
            depth -= 1
            cut = self._partition_pivot(first, last)
            self._introsort_loop(cut, last, depth)
            last = cut

    def sort(self, first, last):
        if first == last:
            return
        self._introsort_loop(first, last, _lg(last - first) * 2)
        if last - first > _THRESHOLD:
            self._insertion_sort(first, first + _THRESHOLD)
            for k in range(first + _THRESHOLD, last):
                self._linear_insert(k)
        else:
            self._insertion_sort(first, last)

    def nth_element(self, first, nth, last):
        if first == last or nth == last:
            return
        depth = _lg(last - first) * 2
        while last - first > 3:
            if depth == 0:
                self._heap_select(first, nth + 1, last)
                self._swap(first, nth)
                return
            depth -= 1
            cut = self._partition_pivot(first, last)
            if cut <= nth:
                first = cut
            else:
                last = cut
        self._insertion_sort(first, last)


def _greater(a, b):
    return (math.isnan(a) and not math.isnan(b)) or a > b


def _smaller(a, b):
    return (not math.isnan(a) and math.isnan(b)) or a < b


def topk_indices(values, k, largest=True, sorted=True):
    """The indices PyTorch's CPU ``torch.topk(values, k, largest=largest)`` returns (1-D)."""
    values = np.asarray(values).reshape(-1)
    n = values.shape[0]
    if k == 0:
        return np.zeros(0, np.int64)
    sel = _Select(_numbers(values), _greater if largest else _smaller)
    if k * 64 <= n:
        sel.partial_sort(0, k, n)
    else:
        sel.nth_element(0, k - 1, n)
        if sorted:
            sel.sort(0, k - 1)
    return np.asarray(sel.i[:k], np.int64)


def _numbers(values):
    """Python numbers that compare as the kernel's scalars do (integers stay exact)."""
    if values.dtype.kind in "iub":
        return values.tolist()
    return values.astype(np.float64).tolist()


def sort_indices(values, descending=False):
    """The indices PyTorch's CPU ``torch.sort(values, stable=False)`` returns (1-D):
    ``std::sort`` over (value, index) pairs compared by value."""
    values = np.asarray(values).reshape(-1)
    sel = _Select(_numbers(values), _greater if descending else _smaller)
    sel.sort(0, values.shape[0])
    return np.asarray(sel.i, np.int64)


def _has_nan(rows):
    """Rows holding a NaN (the kernel ranks NaN above every number; JAX's sort does not)."""
    if rows.dtype.kind != "f":
        return np.zeros(rows.shape[0], bool)
    return np.isnan(rows).any(axis=1)


def rows_to_replay(rows, chosen, k, sorted):
    """Which rows of ``rows`` (n values each) may get other indices from PyTorch than
    ``chosen`` (the k values JAX's stable sort picked per row, best first): where two chosen
    values tie, where the k-th one ties with one left out, rows holding a NaN, and every row when
    ``sorted=False`` takes ``nth_element``'s order."""
    n = rows.shape[1]
    if k == 0 or n == 0:
        return np.zeros(rows.shape[0], bool)
    if not sorted and k * 64 > n and k > 1:
        return np.ones(rows.shape[0], bool)
    # (rows holding a NaN are replayed whatever the rest says, so ``==`` suffices below)
    inside = (chosen[:, 1:] == chosen[:, :-1]).any(axis=1) | _has_nan(rows)
    if k == n:
        return inside
    edge = chosen[:, -1:]
    beyond = np.count_nonzero(rows == edge, axis=1) > np.count_nonzero(chosen == edge, axis=1)
    return inside | beyond


def _rows(a, dim):
    """A host array as rows along ``dim`` (0-d: one row of one), exact for half types."""
    a = np.asarray(a)
    if a.dtype.kind not in "iubf" or a.dtype.itemsize < 4 and a.dtype.kind == "f":
        a = a.astype(np.float32)  # bfloat16 / float16: float32 holds them exactly
    if a.ndim == 0:
        return a.reshape(1, 1)
    if dim != a.ndim - 1:
        a = np.moveaxis(a, dim, -1)
    return a.reshape(math.prod(a.shape[:-1]), a.shape[-1])  # (-1 can't size an empty array)


def pytorch_topk(x, values, indices, k, dim, largest, sorted):
    """The indices PyTorch's CPU kernel gives for ``topk`` of host array ``x`` along ``dim``
    where they may differ from ``indices`` (JAX's, with their ``values``); None where every
    row keeps JAX's answer."""
    rows = _rows(x, dim)
    chosen = _rows(values, dim)
    replay = rows_to_replay(rows, chosen, k, sorted)
    if not replay.any():
        return None
    idx = np.array(indices)
    shape = idx.shape
    out = _rows(idx, dim).copy()
    for r in np.flatnonzero(replay):
        out[r] = topk_indices(rows[r], k, largest, sorted)
    if len(shape) == 0:
        return out.reshape(())
    moved = np.moveaxis(np.empty(shape, np.int64), dim, -1).shape
    return np.moveaxis(out.reshape(moved), -1, dim)


def pytorch_sort(x, indices, dim, descending):
    """``pytorch_topk`` for ``sort(stable=False)``: the rows holding equal values (or a NaN)
    are replayed through ``std::sort``.  The check sorts the input on the host rather than read
    JAX's sorted values, which would wait for the device's sort to finish."""
    rows = _rows(x, dim)
    if rows.shape[1] < 2:
        return None
    srt = np.sort(rows, axis=1)
    replay = (srt[:, 1:] == srt[:, :-1]).any(axis=1) | _has_nan(rows)
    if not replay.any():
        return None
    idx = np.array(indices)
    out = _rows(idx, dim).copy()
    for r in np.flatnonzero(replay):
        out[r] = sort_indices(rows[r], descending)
    moved = np.moveaxis(np.empty(idx.shape, np.int64), dim, -1).shape
    return np.moveaxis(out.reshape(moved), -1, dim)


def kthvalue_index(values, k):
    """The index PyTorch's CPU ``kthvalue`` returns for 1-D ``values``: its kernel's own
    quickselect (Sedgewick's partitioning, median-of-three pivots, NaN above numbers) run on
    (value, index) pairs, read at place ``k - 1``."""
    v = _numbers(np.asarray(values).reshape(-1))
    idx = list(range(len(v)))
    gt = _greater
    want = k - 1

    def swap(a, b):
        v[a], v[b] = v[b], v[a]
        idx[a], idx[b] = idx[b], idx[a]

    lo, hi = 0, len(v) - 1
    while hi > lo:
        if hi == lo + 1:
            if gt(v[lo], v[hi]):
                swap(lo, hi)
            break
        swap((lo + hi) >> 1, lo + 1)
        if gt(v[lo + 1], v[hi]):
            swap(lo + 1, hi)
        if gt(v[lo], v[hi]):
            swap(lo, hi)
        if gt(v[lo + 1], v[lo]):
            swap(lo + 1, lo)
        i, j, pivot = lo + 1, hi, v[lo]
        while True:
            i += 1
            while gt(pivot, v[i]):
                i += 1
            j -= 1
            while gt(v[j], pivot):
                j -= 1
            if j < i:
                break
            swap(i, j)
        swap(lo, j)
        if j <= want:
            lo = i
        if j >= want:
            hi = j - 1
    return idx[want]


def mode_index(values):
    """The index PyTorch's CPU ``mode`` returns for 1-D ``values``: the kernel ``std::sort``s
    (value, index) pairs by value, then takes the pair ending the first longest run of equal
    values (a NaN is a run of its own)."""
    sel = _Select(_numbers(np.asarray(values).reshape(-1)), lambda a, b: a < b)
    n = len(sel.v)
    sel.sort(0, n)
    v = sel.v
    best, run, pick = 0, 0, 0
    for p in range(n):
        run += 1
        if p == n - 1 or v[p] != v[p + 1]:
            if run > best:
                best, pick = run, sel.i[p]
            run = 0
    return pick


def pytorch_reduced_index(kind, x, values, indices, dim, arg):
    """``kthvalue`` (``arg``: k) or ``mode`` indices as PyTorch's CPU kernels pick them among
    equal values, where they may differ from JAX's ``indices``; None where none may.  ``values``
    and ``indices`` have the reduced shape with ``dim`` kept."""
    rows = _rows(x, dim)
    chosen = _rows(values, dim)
    replay = (np.count_nonzero(rows == chosen, axis=1) > 1) | _has_nan(rows)
    if not replay.any():
        return None
    idx = np.array(indices)
    out = _rows(idx, dim).copy()
    for r in np.flatnonzero(replay):
        if kind == "kthvalue":
            out[r, 0] = kthvalue_index(rows[r], arg)
        else:
            out[r, 0] = mode_index(rows[r])
    moved = np.moveaxis(np.empty(idx.shape, np.int64), dim, -1).shape
    return np.moveaxis(out.reshape(moved), -1, dim)
