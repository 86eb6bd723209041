"""What the fuzzers found: known differences (tolerated by the random runs, each with a
regression test in the corpus marked ``xfail(strict=True)``) and the reason for each.

A random run fails only on a difference that matches none of ``KNOWN``.  When a defect is
fixed its corpus test starts to pass, the strict xfail turns that into a failure, and the
entry (marker and pattern) is removed here: the corpus test then guards the fix.
"""

import re

# (pattern on the difference's description, reason: where PyTorch and torchlike part)
KNOWN = [
    (
        r"torch RuntimeError\('a (view of a )?leaf Variable that requires grad is being used in an "
        r"in-place operation.'\) vs torchlike RuntimeError\('(?!a (view of a )?leaf)",
        "in-place ops on a leaf (or a view of one) that compute the out-of-place result first, "
        "so a shape/broadcast error comes before PyTorch's leaf error: the generated X_ forms "
        "check first (_ops/variants.py make_inplace); hand-written ones that call "
        "inplace_update after the op (index_put_, setitem, F.*(inplace=True)) still do not",
    ),
    (
        r"output 0 of AsStrided, is at version .* vs torchlike .*output 0 of (?!AsStrided)",
        "a view of a view written in place: PyTorch's saved-tensor message names the view's "
        "new history (AsStrided), torchlike the original view op (Diagonal …) - "
        "torchlike/autograd/inplace.py (view history of views of views)",
    ),
    (
        r"torch RuntimeError\('(mat1 and mat2 shapes cannot be multiplied|size mismatch, got "
        r"input)",
        "batched matmul where an operand requiring grad has unit batch dimensions: PyTorch "
        "2.13 folds it into mm/mv (its error names the folded matrices, its node "
        "TransposeBackward0); torchlike runs the batched product (bmm's message, "
        "UnsafeViewBackward0) - torchlike/_ops/products.py matmul",
    ),
    (
        r"torch (error )?RuntimeError\('unsupported operation: some elements of the input "
        r"tensor "
        r"and the written-to tensor refer to a single memory location",
        "an in-place op whose other operand aliases the tensor written (x.index_add_(0, i, "
        "x[:1])): PyTorch refuses the overlap, torchlike computes out of place and writes the "
        "right answer - no overlap check between operands yet (autograd/inplace.py)",
    ),
    (
        r"torch RuntimeError\('The size of tensor a \((\d+)\) must match the size of tensor b "
        r"\((\d+)\).* vs torchlike RuntimeError\('The size of tensor a \(\2\) must match the "
        r"size of tensor b \(\1\).*'masked_fill'",
        "masked_fill whose mask does not broadcast with self: PyTorch's out-of-place form "
        "names the mask as tensor a, its in-place form self; torchlike's forms share one "
        "check, self first (_ops/pointwise.py masked_fill)",
    ),
    (
        r"values differ: .*ops=\[.*'einsum_sum'.*'\w+_'",
        "einsum that only relabels a 0-d operand ('...->' of a scalar) returns a view in "
        "PyTorch, so a later in-place write reaches the operand; torchlike's einsum always "
        "returns a new tensor (one node, see test_ops.py einsum_transpose)",
    ),
    (
        r"grads\[\d+\] differ: torch torch\.float64 \S+ \[nan\] vs torchlike .*'hypot'",
        "hypot(0, 0): PyTorch's backward divides by the result (0/0 = nan); torchlike's rule "
        "is jax.vjp of jnp.hypot, which gives 0 there",
    ),
]


def known(description):
    """The reason for a known difference, or None."""
    for pattern, reason in KNOWN:
        if re.search(pattern, description):
            return reason
    return None
