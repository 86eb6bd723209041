"""Warnings PyTorch raises from its C++ code, with their "(Triggered internally at ...)" tails,
and whether they repeat (TORCH_WARN) or come once per process (TORCH_WARN_ONCE)."""

import warnings

import pytest

_TAIL = " (Triggered internally at /__w/pytorch/pytorch/"


def _messages(fn, times=2):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for _ in range(times):
            fn()
    return [(w.category, str(w.message)) for w in caught]


def test_non_leaf_grad_warning(torch):
    t = torch.ones(2, requires_grad=True) * 2
    [(cat, msg)] = _messages(lambda: t.grad, times=1)
    assert cat is UserWarning
    assert msg.startswith("The .grad attribute of a Tensor that is not a leaf Tensor is being")
    assert msg.endswith(
        "for more information." + _TAIL + "build/aten/src/ATen/core/TensorBody.h:493.)"
    )


@pytest.mark.parametrize(
    "call, start, where",
    [
        (lambda t: t.ones(1).std(), "std(): degrees of freedom is <= 0.", "ReduceOps.cpp:1861"),
        (lambda t: t.ones(2, 1).var(1), "var(): degrees of freedom is <= 0.", "ReduceOps.cpp:1861"),
        (
            lambda t: t.std_mean(t.ones(3), correction=3),
            "std_mean(): degrees of freedom is <= 0. Correction should be strictly less than the "
            "reduction factor (input numel divided by output numel).",
            "ReduceOps.cpp:1861",
        ),
        (
            lambda t: t.ones(2)[t.tensor([1, 0], dtype=t.uint8)],
            "indexing with dtype torch.uint8 is now deprecated, please use a dtype torch.bool "
            "instead.",
            "IndexingUtils.h:37",
        ),
    ],
)
def test_warnings_raised_on_every_call(torch, call, start, where):
    caught = _messages(lambda: call(torch))
    assert len(caught) == 2
    for cat, msg in caught:
        assert cat is UserWarning and msg.startswith(start)
        assert msg.endswith(_TAIL + "aten/src/ATen/native/" + where + ".)")


def test_no_dof_warning_when_there_are_degrees_of_freedom(torch):
    assert _messages(lambda: torch.ones(3).std(correction=2)) == []
    assert _messages(lambda: torch.ones(2, 3).var(0)) == []


def test_warnings_raised_once_per_process(torch):
    # each once-warning is raised at most once in the whole process (an earlier test may have
    # used up its one time): called twice here, it appears once or not at all
    A = torch.eye(2)
    calls = {
        "torch.meshgrid: in an upcoming release": lambda: torch.meshgrid(torch.ones(2)),
        "torch.chain_matmul is deprecated": lambda: torch.chain_matmul(A, A),
        "torch.lu is deprecated": lambda: torch.lu(A),
    }
    for start, call in calls.items():
        caught = _messages(call)
        assert len(caught) <= 1
        for _, msg in caught:
            assert msg.startswith(start) and _TAIL in msg
    assert _messages(lambda: torch.meshgrid(torch.ones(2), indexing="ij")) == []


def test_transpose_property_off_two_dims_warns_once(torch):
    # ``x.T`` reverses the dims of any tensor but warns, once per process, off 2-D (0-D has its
    # own text); 1-D and 2-D never warn.  An earlier test may have used up the one time.
    cube, scalar = torch.zeros(2, 3, 4), torch.tensor(1.0)
    expected = {
        (3,): "The use of `x.T` on tensors of dimension other than 2 to reverse their shape is "
        "deprecated and it will throw an error in a future release. Consider `x.mT` to "
        "transpose batches of matrices or `x.permute(*torch.arange(x.ndim - 1, -1, -1))` to "
        "reverse the dimensions of a tensor."
        + _TAIL
        + "aten/src/ATen/native/TensorShape.cpp:4314.)",
        (0,): "Tensor.T is deprecated on 0-D tensors. This function is the identity in these "
        "cases." + _TAIL + "aten/src/ATen/native/TensorShape.cpp:4321.)",
    }
    for (ndim,), t in (((3,), cube), ((0,), scalar)):
        caught = _messages(lambda t=t: t.T, times=3)
        assert len(caught) <= 1
        for cat, msg in caught:
            assert cat is UserWarning and msg == expected[(ndim,)]
    assert cube.T.shape == (4, 3, 2) and scalar.T is not scalar and scalar.T._base is scalar
    assert _messages(lambda: (torch.zeros(3).T, torch.zeros(2, 3).T)) == []
    v = torch.ones(3, requires_grad=True)
    assert v.T.grad_fn.name() == "PermuteBackward0"  # a view at every rank, 1-D included


def test_transpose_property_warning_in_a_fresh_process(backend_name):
    # (the test above may find the one time used up; a new process has it)
    import subprocess
    import sys

    code = (
        "import warnings\n"
        f"import {backend_name} as torch\n"
        "with warnings.catch_warnings(record=True) as ws:\n"
        "    warnings.simplefilter('always')\n"
        "    for _ in range(3):\n"
        "        torch.zeros(2, 3, 4).T\n"
        "        torch.tensor(1.0).T\n"
        "print(len(ws))\n"
        "print(sorted(str(w.message)[:20] for w in ws))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.splitlines()
    assert out == ["2", str(sorted(["Tensor.T is deprecat", "The use of `x.T` on "]))]
