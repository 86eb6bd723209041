"""A catalogue of calls people get wrong (and a few right ones next to them), as
``(label, fn)`` pairs where ``fn(lib)`` makes the call with ``lib`` = torch or torchlike.

``catalogue()`` enumerates every call (the 460-call table of wrong_calls_table.py and the
corpus); ``family_space()`` gives the same families as parameter spaces for the hypothesis
fuzzer, which also draws argument combinations the enumeration leaves out.
"""

from __future__ import annotations

import itertools

SHAPES = [(), (3,), (2, 3), (2, 3, 4), (0, 3)]
DTYPES = ["float64", "float32", "int64", "bool"]
DIMS = [-4, -3, -1, 0, 2, 3, 4]


def T(lib, shape, dtype="float64", requires_grad=False):
    """A deterministic tensor: distinct values with both signs (ints: 0..n-1, bools alternate)."""
    n = 1
    for s in shape:
        n *= s
    base = lib.arange(n, dtype=lib.float64).reshape(shape)
    if dtype == "bool":
        return base.remainder(2) == 0
    if dtype in ("int64", "int32"):
        return base.to(getattr(lib, dtype))
    t = (base * 0.5 - 1.0).to(getattr(lib, dtype))
    return t.requires_grad_(requires_grad) if requires_grad else t


def _F(lib):
    return lib.nn.functional


# ------------------------------------------------------------------------------ families
# each family: name -> (list of argument tuples, builder(lib, *args))
def _reduce(lib, op, shape, dtype, dim):
    x = T(lib, shape, dtype)
    if op == "softmax":
        return x.softmax(dim)
    if op == "log_softmax":
        return _F(lib).log_softmax(x, dim)
    return getattr(x, op)(dim)


def _view(lib, op, shape, arg):
    x = T(lib, shape)
    if op == "reshape":
        return x.reshape(*arg)
    if op == "view":
        return x.view(*arg)
    if op == "view_t":
        return x.t().view(*arg) if x.dim() <= 2 else x.transpose(0, 1).view(*arg)
    if op == "expand":
        return x.expand(*arg)
    if op == "narrow":
        return x.narrow(*arg)
    if op == "select":
        return x.select(*arg)
    if op == "transpose":
        return x.transpose(*arg)
    if op == "permute":
        return x.permute(*arg)
    if op == "squeeze":
        return x.squeeze(*arg)
    if op == "unsqueeze":
        return x.unsqueeze(*arg)
    if op == "flatten":
        return x.flatten(*arg)
    if op == "movedim":
        return x.movedim(*arg)
    if op == "unflatten":
        return x.unflatten(*arg)
    if op == "repeat":
        return x.repeat(*arg)
    if op == "chunk":
        return x.chunk(*arg)
    if op == "split":
        return x.split(*arg)
    if op == "roll":
        return x.roll(*arg)
    if op == "flip":
        return x.flip(*arg)
    if op == "diagonal":
        return x.diagonal(*arg)
    raise AssertionError(op)


def _combine(lib, op, shapes, dim):
    xs = [T(lib, s) for s in shapes]
    return getattr(lib, op)(xs, dim)


def _matmul(lib, op, sa, da, sb, db):
    a, b = T(lib, sa, da), T(lib, sb, db)
    if op == "@":
        return a @ b
    return getattr(lib, op)(a, b)


def _index(lib, op, shape, dim, index, dtype):
    x = T(lib, shape)
    idx = lib.tensor(index, dtype=getattr(lib, dtype))
    if op == "gather":
        return lib.gather(x, dim, idx)
    if op == "index_select":
        return lib.index_select(x, dim, idx)
    if op == "take":
        return lib.take(x, idx)
    if op == "scatter":
        return x.scatter(dim, idx, 1.0)
    if op == "index_add":
        src = lib.ones(
            tuple(len(index) if i == dim else s for i, s in enumerate(shape)), dtype=x.dtype
        )
        return x.index_add(dim, idx, src)
    if op == "index_fill":
        return x.index_fill(dim, idx, 0.0)
    raise AssertionError(op)


def _subscript(lib, shape, key):
    x = T(lib, shape)
    if key == "float":
        return x[1.0]
    if key == "list_oob":
        return x[[0, 9]]
    if key == "tensor_oob":
        return x[lib.tensor([5])]
    if key == "bool_mask_shape":
        return x[lib.tensor([True, False])]
    if key == "too_many":
        return x[0, 0, 0, 0]
    if key == "ellipsis_oob":
        return x[..., 7]
    if key == "int_oob":
        return x[5]
    if key == "neg_oob":
        return x[-7]
    if key == "str":
        return x["a"]
    raise AssertionError(key)


def _factory(lib, op, args):
    if op == "tensor":
        return lib.tensor(*args)
    if op in ("linspace", "logspace", "arange"):
        return getattr(lib, op)(*args)
    if op == "full":
        return lib.full(*args)
    return getattr(lib, op)(*args)


def _pointwise(lib, case):
    i = lib.tensor([1, 2])
    f = lib.tensor([1.0, 2.0])
    cases = {
        "int_floordiv_0": lambda: i // 0,
        "int_rem_0": lambda: i % 0,
        "int_div_tensor_0": lambda: i // lib.tensor([0, 1]),
        "int_pow_neg": lambda: lib.tensor([2]) ** -1,
        "int_pow_neg_tensor": lambda: lib.tensor([2]) ** lib.tensor([-1]),
        "int64_overflow": lambda: lib.tensor([2**63]),
        "uint8_neg": lambda: lib.tensor([-1], dtype=lib.uint8),
        "add_shapes": lambda: T(lib, (2, 3)) + T(lib, (4,)),
        "mul_shapes": lambda: T(lib, (2, 3)) * T(lib, (3, 2)),
        "add_alpha_bool": lambda: lib.add(lib.tensor([True]), lib.tensor([True]), alpha=2),
        "add_alpha_float_on_int": lambda: lib.add(i, i, alpha=0.5),
        "where_float_cond": lambda: lib.where(f, f, f),
        "where_shapes": lambda: lib.where(lib.tensor([True, False, True]), f, f),
        "bitwise_float": lambda: f & f,
        "invert_float": lambda: ~f,
        "shift_float": lambda: f << 1,
        "sub_bool": lambda: lib.tensor([True]) - lib.tensor([False]),
        "neg_bool": lambda: -lib.tensor([True]),
        "inplace_int_float": lambda: i.add_(1.5),
        "inplace_broadcast": lambda: f.add_(T(lib, (2, 2))),
        "clamp_none": lambda: f.clamp(),
        "clamp_tensor_mixed": lambda: f.clamp(min=lib.tensor([0.0]), max=1.0),
        "lerp_int": lambda: lib.lerp(i, i, 0.5),
        "fmod_int_0": lambda: lib.fmod(i, 0),
        "gcd_float": lambda: lib.gcd(f, f),
        "sqrt_int": lambda: lib.sqrt(i),
        "exp_bool": lambda: lib.exp(lib.tensor([True])),
        "atan2_int": lambda: lib.atan2(i, i),
        "log_neg": lambda: lib.log(lib.tensor([-1.0])),
        "maximum_shapes": lambda: lib.maximum(T(lib, (2,)), T(lib, (3,))),
        "eq_shapes": lambda: T(lib, (2,)) == T(lib, (3,)),
        "item_many": lambda: f.item(),
        "bool_many": lambda: bool(f),
        "int_many": lambda: int(f),
        "float_empty": lambda: float(lib.tensor([])),
        "len_scalar": lambda: len(lib.tensor(1.0)),
        "iter_scalar": lambda: list(lib.tensor(1.0)),
        "masked_fill_float_mask": lambda: f.masked_fill(f, 0.0),
        "masked_fill_tensor_value": lambda: f.masked_fill(f > 0, lib.tensor([1.0, 2.0])),
        "to_dtype_str": lambda: f.to(dtype="int"),
        "type_bad": lambda: f.type("torch.FooTensor"),
        "new_ones_neg": lambda: f.new_ones(-1),
        "fill_tensor_1d": lambda: f.clone().fill_(lib.tensor([1.0, 2.0])),
        "relu_nan": lambda: lib.relu(lib.tensor([float("nan"), -1.0])),
    }
    return cases[case]()


def _nn(lib, case):
    F = _F(lib)
    x = T(lib, (4, 3))
    cases = {
        "mse_avg": lambda: F.mse_loss(x, x, reduction="avg"),
        "l1_bad_reduction": lambda: F.l1_loss(x, x, reduction="none!"),
        "ce_target_oob": lambda: F.cross_entropy(x, lib.tensor([0, 1, 2, 3])),
        "ce_target_neg": lambda: F.cross_entropy(x, lib.tensor([0, 1, -2, 0])),
        "ce_target_float_shape": lambda: F.cross_entropy(x, lib.tensor([0.0, 1.0, 2.0, 0.0])),
        "ce_target_len": lambda: F.cross_entropy(x, lib.tensor([0, 1])),
        "nll_target_oob": lambda: F.nll_loss(x, lib.tensor([0, 1, 2, 5])),
        "nll_int_input": lambda: F.nll_loss(x.long(), lib.tensor([0, 1, 2, 0])),
        "softmax_int": lambda: lib.softmax(lib.tensor([1, 2]), 0),
        "softmax_no_dim_dim_oob": lambda: F.softmax(x, dim=2),
        "linear_shapes": lambda: F.linear(x, T(lib, (2, 4))),
        "linear_bias_shape": lambda: F.linear(x, T(lib, (2, 3)), T(lib, (3,))),
        "conv2d_3d_weight": lambda: F.conv2d(T(lib, (1, 1, 4, 4)), T(lib, (1, 4, 4))),
        "conv2d_channels": lambda: F.conv2d(T(lib, (1, 2, 4, 4)), T(lib, (1, 3, 2, 2))),
        "conv2d_kernel_big": lambda: F.conv2d(T(lib, (1, 1, 2, 2)), T(lib, (1, 1, 3, 3))),
        "embedding_oob": lambda: F.embedding(lib.tensor([0, 5]), T(lib, (3, 2))),
        "embedding_float_idx": lambda: F.embedding(lib.tensor([0.0]), T(lib, (3, 2))),
        "dropout_p": lambda: F.dropout(x, p=1.5),
        "layer_norm_shape": lambda: F.layer_norm(x, (4,)),
        "batch_norm_running": lambda: F.batch_norm(x, T(lib, (2,)), T(lib, (2,)).abs()),
        "max_pool_kernel": lambda: F.max_pool2d(T(lib, (1, 1, 2, 2)), 3),
        "pad_too_long": lambda: F.pad(x, (1, 1, 1, 1, 1, 1)),
        "one_hot_float": lambda: F.one_hot(lib.tensor([0.0, 1.0])),
        "one_hot_oob": lambda: F.one_hot(lib.tensor([0, 3]), 2),
        "bce_range": lambda: F.binary_cross_entropy(lib.tensor([1.5]), lib.tensor([1.0])),
        "bce_shape": lambda: F.binary_cross_entropy(lib.tensor([0.5]), lib.tensor([1.0, 0.0])),
        "interpolate_no_size": lambda: F.interpolate(T(lib, (1, 1, 4))),
        "linear_module_in": lambda: lib.nn.Linear(3, 2)(T(lib, (4, 5)).float()),
        "conv_module_in": lambda: lib.nn.Conv2d(2, 2, 3)(T(lib, (1, 3, 5, 5)).float()),
        "module_missing_key": lambda: lib.nn.Linear(3, 2).load_state_dict({}),
    }
    return cases[case]()


def _autograd(lib, case):
    def leaf():
        return T(lib, (3,), requires_grad=True)

    def backward_nonscalar():
        (leaf() * 2).backward()

    def grad_no_requires():
        x = T(lib, (3,))
        return lib.autograd.grad(x.sum(), x)

    def backward_twice():
        x = leaf()
        y = (x * x).sum()
        y.backward()
        y.backward()

    def inplace_leaf():
        leaf().add_(1)

    def inplace_view_leaf():
        leaf()[0:2].mul_(2)

    def hook_shape():
        x = leaf()
        x.register_hook(lambda g: g[:2])
        (x * 2).sum().backward()

    def grad_unused():
        x, y = leaf(), leaf()
        return lib.autograd.grad((x * 2).sum(), y)

    def inplace_saved():
        x = leaf()
        y = x.exp()
        y.add_(1)
        y.sum().backward()

    def grad_shape_mismatch():
        x = leaf()
        (x * 2).backward(lib.ones(2))

    def requires_grad_int():
        return lib.tensor([1, 2]).requires_grad_()

    def detach_inplace_view():
        x = leaf() * 1
        v = x[:2]
        v.detach_()

    def numpy_requires_grad():
        return leaf().numpy()

    cases = {k: v for k, v in locals().items() if callable(v) and k != "leaf"}
    return cases[case]()


FAMILIES = {
    "reduce": (
        [
            (op, shape, dtype, dim)
            for op in (
                "sum",
                "mean",
                "softmax",
                "log_softmax",
                "cumsum",
                "argmax",
                "argmin",
                "amax",
                "amin",
                "std",
                "var",
                "prod",
                "logsumexp",
                "nansum",
            )
            for shape, dtype, dim in [
                ((2, 3, 4), "float64", 3),
                ((2, 3, 4), "float64", -4),
                ((2, 3), "float64", 2),
                ((2, 3), "float64", -3),
                ((3,), "float64", 1),
                ((), "float64", 1),
                ((2, 3), "int64", 0),
                ((2, 3), "bool", 0),
            ]
        ],
        _reduce,
    ),
    "view": (
        [
            ("reshape", (2, 3), (5,)),
            ("reshape", (2, 3), (-1, -1)),
            ("reshape", (2, 3), (4, -1)),
            ("reshape", (0, 3), (-1,)),
            ("view", (2, 3), (4, 2)),
            ("view", (2, 3), (-1, 4)),
            ("view_t", (2, 3), (6,)),
            ("view_t", (2, 3, 4), (12, 2)),
            ("expand", (2, 3), (4, 3)),
            ("expand", (2, 3), (3,)),
            ("expand", (2, 3), (2, -1, 3)),
            ("expand", (3,), (2, 4)),
            ("narrow", (2, 3), (0, 2, 5)),
            ("narrow", (2, 3), (1, -5, 1)),
            ("narrow", (2, 3), (2, 0, 1)),
            ("narrow", (2, 3), (1, 1, -1)),
            ("select", (2, 3), (0, 2)),
            ("select", (2, 3), (2, 0)),
            ("select", (2, 3), (1, -4)),
            ("transpose", (2, 3), (0, 2)),
            ("transpose", (2, 3), (-3, 1)),
            ("permute", (2, 3), ((0,),)),
            ("permute", (2, 3), ((0, 0),)),
            ("permute", (2, 3), ((0, 2),)),
            ("squeeze", (2, 3), (2,)),
            ("unsqueeze", (2, 3), (3,)),
            ("unsqueeze", (2, 3), (-4,)),
            ("flatten", (2, 3, 4), (2, 1)),
            ("flatten", (2, 3), (0, 3)),
            ("movedim", (2, 3), (0, 2)),
            ("unflatten", (2, 6) if False else (2, 3), (1, (2, 2))),
            ("repeat", (2, 3), (2,)),
            ("repeat", (2, 3), (2, -1)),
            ("chunk", (2, 3), (0,)),
            ("chunk", (2, 3), (-1,)),
            ("split", (2, 3), (0,)),
            ("split", (2, 3), ([1, 1], 0)),
            ("split", (2, 3), (1, 2)),
            ("roll", (2, 3), ((1, 2), (0,))),
            ("roll", (2, 3), (1, 2)),
            ("flip", (2, 3), (2,)),
            ("flip", (2, 3), ((0, 0),)),
            ("diagonal", (3,), ()),
            ("diagonal", (2, 3), (0, 0, 0)),
        ],
        _view,
    ),
    "combine": (
        [
            ("cat", [], 0),
            ("cat", [(2, 3), (2, 4)], 0),
            ("cat", [(2, 3), (3,)], 0),
            ("cat", [(2, 3), (2, 3)], 2),
            ("cat", [(2, 3), (2, 3)], -3),
            ("stack", [], 0),
            ("stack", [(2, 3), (3, 2)], 0),
            ("stack", [(2, 3), (2, 3)], 3),
            ("stack", [(2, 3), (2, 3)], -4),
            ("hstack", [], None),
            ("vstack", [(2, 3), (2, 4)], None),
        ],
        lambda lib, op, shapes, dim: (
            getattr(lib, op)([T(lib, s) for s in shapes])
            if dim is None
            else _combine(lib, op, shapes, dim)
        ),
    ),
    "matmul": (
        [
            (op, sa, da, sb, db)
            for op, sa, sb in [
                ("mm", (2, 3), (4, 2)),
                ("mm", (3,), (3, 2)),
                ("bmm", (2, 3), (3, 2)),
                ("bmm", (2, 2, 3), (3, 2, 2)),
                ("dot", (2, 3), (2, 3)),
                ("dot", (3,), (4,)),
                ("mv", (2, 3), (2,)),
                ("matmul", (2, 3), (2, 3)),
                ("@", (), (3,)),
                ("matmul", (3,), (2, 3)),
            ]
            for da, db in [("float64", "float64")]
        ]
        + [
            (op, (2, 3), da, (3, 2), db)
            for op in ("mm", "matmul", "@")
            for da, db in [("int64", "float64"), ("float32", "float64"), ("bool", "bool")]
        ],
        _matmul,
    ),
    "index": (
        [
            (op, (2, 3), dim, index, dtype)
            for op in ("gather", "index_select", "take", "scatter", "index_add", "index_fill")
            for dim, index, dtype in [
                (1, [[0, 3], [1, 0]], "int64"),
                (1, [[0, -1], [1, 0]], "int64"),
                (0, [2], "int64"),
                (0, [0.0], "float64"),
                (2, [0], "int64"),
            ]
        ],
        _index,
    ),
    "subscript": (
        [
            (shape, key)
            for shape in ((2, 3), (3,))
            for key in (
                "float",
                "list_oob",
                "tensor_oob",
                "bool_mask_shape",
                "too_many",
                "ellipsis_oob",
                "int_oob",
                "neg_oob",
                "str",
            )
        ],
        _subscript,
    ),
    "factory": (
        [
            ("zeros", (-1,)),
            ("zeros", (2, -3)),
            ("ones", ((2, -1),)),
            ("empty", (-2,)),
            ("full", ((-1,), 1.0)),
            ("full", ((2,), "a")),
            ("eye", (-1,)),
            ("eye", (2, -1)),
            ("arange", (10, 0, 1)),
            ("arange", (0, 10, -1)),
            ("arange", (0, 10, 0)),
            ("arange", (0, float("inf"))),
            ("linspace", (0, 1, -1)),
            ("logspace", (0, 1, -1)),
            ("tensor", ([[1, 2], [3]],)),
            ("tensor", ("abc",)),
            ("tensor", ([1, "a"],)),
            ("tensor", ([[1], 2],)),
            ("randn", (-1,)),
            ("rand", (2, -2)),
            ("randint", (5, 2, (3,))),
            ("randint", (0, (3,))),
            ("randperm", (-1,)),
            ("zeros_like", (3,)),
            ("ones", ("a",)),
            ("ones", (2.5,)),
        ],
        _factory,
    ),
    "pointwise": (
        [
            (c,)
            for c in (
                "int_floordiv_0",
                "int_rem_0",
                "int_div_tensor_0",
                "int_pow_neg",
                "int_pow_neg_tensor",
                "int64_overflow",
                "uint8_neg",
                "add_shapes",
                "mul_shapes",
                "add_alpha_bool",
                "add_alpha_float_on_int",
                "where_float_cond",
                "where_shapes",
                "bitwise_float",
                "invert_float",
                "shift_float",
                "sub_bool",
                "neg_bool",
                "inplace_int_float",
                "inplace_broadcast",
                "clamp_none",
                "clamp_tensor_mixed",
                "lerp_int",
                "fmod_int_0",
                "gcd_float",
                "sqrt_int",
                "exp_bool",
                "atan2_int",
                "log_neg",
                "maximum_shapes",
                "eq_shapes",
                "item_many",
                "bool_many",
                "int_many",
                "float_empty",
                "len_scalar",
                "iter_scalar",
                "masked_fill_float_mask",
                "masked_fill_tensor_value",
                "to_dtype_str",
                "type_bad",
                "new_ones_neg",
                "fill_tensor_1d",
                "relu_nan",
            )
        ],
        _pointwise,
    ),
    "nn": (
        [
            (c,)
            for c in (
                "mse_avg",
                "l1_bad_reduction",
                "ce_target_oob",
                "ce_target_neg",
                "ce_target_float_shape",
                "ce_target_len",
                "nll_target_oob",
                "nll_int_input",
                "softmax_int",
                "softmax_no_dim_dim_oob",
                "linear_shapes",
                "linear_bias_shape",
                "conv2d_3d_weight",
                "conv2d_channels",
                "conv2d_kernel_big",
                "embedding_oob",
                "embedding_float_idx",
                "dropout_p",
                "layer_norm_shape",
                "batch_norm_running",
                "max_pool_kernel",
                "pad_too_long",
                "one_hot_float",
                "one_hot_oob",
                "bce_range",
                "bce_shape",
                "interpolate_no_size",
                "linear_module_in",
                "conv_module_in",
                "module_missing_key",
            )
        ],
        _nn,
    ),
    "autograd": (
        [
            (c,)
            for c in (
                "backward_nonscalar",
                "grad_no_requires",
                "backward_twice",
                "inplace_leaf",
                "inplace_view_leaf",
                "hook_shape",
                "grad_unused",
                "inplace_saved",
                "grad_shape_mismatch",
                "requires_grad_int",
                "detach_inplace_view",
                "numpy_requires_grad",
            )
        ],
        _autograd,
    ),
}


# -------------------------------------------------------------- constructors, loaders, casts
# wrong arguments to optimizers, DataLoader/samplers/datasets, nn module constructors, shape
# arguments of reshape/view, and dtype casts (each a case name -> call)
# (left out: calls whose PyTorch message is not stable: a bad Conv2d padding_mode lists a set
# in hash-seed order, a doubly inferred unflatten size carries a C++ backtrace)
def _params(lib, n=3):
    return [lib.nn.Parameter(lib.ones(n))]


_OPTIM = {
    "sgd_neg_lr": lambda lib: lib.optim.SGD(_params(lib), lr=-0.1),
    "sgd_neg_momentum": lambda lib: lib.optim.SGD(_params(lib), lr=0.1, momentum=-1),
    "sgd_nesterov_no_momentum": lambda lib: lib.optim.SGD(_params(lib), lr=0.1, nesterov=True),
    "sgd_neg_wd": lambda lib: lib.optim.SGD(_params(lib), lr=0.1, weight_decay=-1),
    "adam_neg_lr": lambda lib: lib.optim.Adam(_params(lib), lr=-1),
    "adam_beta_big": lambda lib: lib.optim.Adam(_params(lib), betas=(1.0, 0.999)),
    "adam_beta2_neg": lambda lib: lib.optim.Adam(_params(lib), betas=(0.9, -0.1)),
    "adam_eps_neg": lambda lib: lib.optim.Adam(_params(lib), eps=-1e-8),
    "adam_wd_neg": lambda lib: lib.optim.Adam(_params(lib), weight_decay=-0.1),
    "adamw_neg_lr": lambda lib: lib.optim.AdamW(_params(lib), lr=-1),
    "rmsprop_alpha_neg": lambda lib: lib.optim.RMSprop(_params(lib), alpha=-1),
    "rmsprop_momentum_neg": lambda lib: lib.optim.RMSprop(_params(lib), momentum=-1),
    "adagrad_neg_lr_decay": lambda lib: lib.optim.Adagrad(_params(lib), lr_decay=-1),
    "empty_params": lambda lib: lib.optim.SGD([], lr=0.1),
    "params_tensor": lambda lib: lib.optim.SGD(lib.ones(3, requires_grad=True), lr=0.1),
    "params_non_leaf": lambda lib: lib.optim.SGD([lib.ones(3, requires_grad=True) * 2], lr=0.1),
    "params_dup": lambda lib: lib.optim.SGD([_params(lib)[0]] * 2, lr=0.1) and None,
    "params_group_dup": lambda lib: (
        lambda p: lib.optim.SGD([{"params": [p]}, {"params": [p]}], lr=0.1)
    )(_params(lib)[0]),
    "zero_grad_ok": lambda lib: lib.optim.SGD(_params(lib), lr=0.1).zero_grad(),
    "step_lr_bad_optimizer": lambda lib: lib.optim.lr_scheduler.StepLR(None, 1),
    "steplr_no_step": lambda lib: lib.optim.lr_scheduler.StepLR(
        lib.optim.SGD(_params(lib), lr=0.1)
    ),
    "load_state_dict_bad": lambda lib: lib.optim.SGD(_params(lib), lr=0.1).load_state_dict(
        {"state": {}, "param_groups": [{}, {}]}
    ),
    "sgd_lr_str": lambda lib: lib.optim.SGD(_params(lib), lr="0.1"),
    "add_param_group_dup": lambda lib: (lambda p, o: o.add_param_group({"params": p}))(
        _params(lib)[0], lib.optim.SGD(_params(lib), lr=0.1)
    ),
}

_DATA = {
    "loader_bs0": lambda lib: lib.utils.data.DataLoader(list(range(4)), batch_size=0),
    "loader_bs_neg": lambda lib: lib.utils.data.DataLoader(list(range(4)), batch_size=-1),
    "loader_bs_float": lambda lib: lib.utils.data.DataLoader(list(range(4)), batch_size=2.5),
    "loader_shuffle_sampler": lambda lib: lib.utils.data.DataLoader(
        list(range(4)), shuffle=True, sampler=[0, 1]
    ),
    "loader_batch_sampler_bs": lambda lib: lib.utils.data.DataLoader(
        list(range(4)), batch_size=2, batch_sampler=[[0, 1]]
    ),
    "loader_drop_last_batch_sampler": lambda lib: lib.utils.data.DataLoader(
        list(range(4)), drop_last=True, batch_sampler=[[0, 1]]
    ),
    "loader_neg_workers": lambda lib: lib.utils.data.DataLoader(list(range(4)), num_workers=-1),
    "loader_timeout_neg": lambda lib: lib.utils.data.DataLoader(list(range(4)), timeout=-1),
    "loader_prefetch_no_workers": lambda lib: lib.utils.data.DataLoader(
        list(range(4)), prefetch_factor=2
    ),
    "loader_persistent_no_workers": lambda lib: lib.utils.data.DataLoader(
        list(range(4)), persistent_workers=True
    ),
    "loader_ok": lambda lib: [
        b.tolist() for b in lib.utils.data.DataLoader(list(range(5)), batch_size=2)
    ],
    "tensor_dataset_sizes": lambda lib: lib.utils.data.TensorDataset(lib.ones(3), lib.ones(4)),
    "random_split_bad": lambda lib: lib.utils.data.random_split(list(range(4)), [3, 3]),
    "random_split_frac": lambda lib: len(lib.utils.data.random_split(list(range(4)), [0.5, 0.6])),
    "subset_oob": lambda lib: lib.utils.data.Subset(list(range(3)), [5])[0],
    "batch_sampler_bs0": lambda lib: lib.utils.data.BatchSampler(range(4), 0, False),
    "batch_sampler_drop_str": lambda lib: lib.utils.data.BatchSampler(range(4), 2, "no"),
    "random_sampler_num_neg": lambda lib: lib.utils.data.RandomSampler(range(4), num_samples=-1),
    "random_sampler_replacement_str": lambda lib: lib.utils.data.RandomSampler(
        range(4), replacement=1
    ),
    "weighted_sampler_neg": lambda lib: lib.utils.data.WeightedRandomSampler([0.1, 0.9], -1),
    "concat_empty": lambda lib: lib.utils.data.ConcatDataset([]),
}

_MODULE = {
    "linear_neg": lambda lib: lib.nn.Linear(-1, 2),
    "linear_float": lambda lib: lib.nn.Linear(2.5, 2),
    "conv_groups": lambda lib: lib.nn.Conv2d(3, 4, 3, groups=2),
    "conv_groups_out": lambda lib: lib.nn.Conv2d(4, 3, 3, groups=2),
    "conv_zero_groups": lambda lib: lib.nn.Conv2d(4, 4, 3, groups=0),
    "conv_bad_padding_str": lambda lib: lib.nn.Conv2d(1, 1, 3, padding="full"),
    "conv_same_stride": lambda lib: lib.nn.Conv2d(1, 1, 3, padding="same", stride=2),
    "dropout_neg": lambda lib: lib.nn.Dropout(-0.1),
    "dropout_big": lambda lib: lib.nn.Dropout(1.1),
    "embedding_padding_oob": lambda lib: lib.nn.Embedding(3, 2, padding_idx=5),
    "embedding_padding_neg_oob": lambda lib: lib.nn.Embedding(3, 2, padding_idx=-5),
    "batchnorm_zero": lambda lib: lib.nn.BatchNorm1d(0),
    "layernorm_ok": lambda lib: tuple(lib.nn.LayerNorm(3).weight.shape),
    "lstm_dropout_1layer": lambda lib: lib.nn.LSTM(2, 3, dropout=0.5) and None,
    "lstm_dropout_big": lambda lib: lib.nn.LSTM(2, 3, num_layers=2, dropout=1.5),
    "rnn_bad_nonlinearity": lambda lib: lib.nn.RNN(2, 3, nonlinearity="sigmoid"),
    "lstm_hidden0": lambda lib: lib.nn.LSTM(2, 0),
    "mha_heads": lambda lib: lib.nn.MultiheadAttention(5, 2),
    "transformer_heads": lambda lib: lib.nn.TransformerEncoderLayer(5, 2),
    "sequential_non_module": lambda lib: lib.nn.Sequential(lib.nn.Linear(2, 2), 3),
    "modulelist_non_module": lambda lib: lib.nn.ModuleList([1]),
    "maxpool_pad_big": lambda lib: lib.nn.MaxPool2d(2, padding=2)(lib.ones(1, 1, 4, 4)),
    "avgpool_pad_big": lambda lib: lib.nn.AvgPool2d(2, padding=2)(lib.ones(1, 1, 4, 4)),
    "register_buffer_dot": lambda lib: lib.nn.Module().register_buffer("a.b", lib.ones(1)),
    "register_param_non_param": lambda lib: lib.nn.Module().register_parameter("w", lib.ones(1)),
    "add_module_non_module": lambda lib: lib.nn.Module().add_module("m", 3),
    "flatten_ok": lambda lib: tuple(lib.nn.Flatten()(lib.ones(2, 3, 4)).shape),
    "softmax_module_int": lambda lib: lib.nn.Softmax(dim=0)(lib.tensor([1, 2])),
    "linear_int_input": lambda lib: lib.nn.Linear(2, 2)(lib.ones(3, 2, dtype=lib.long)),
    "linear_double_input": lambda lib: lib.nn.Linear(2, 2)(lib.ones(3, 2, dtype=lib.float64)),
    "crossentropy_label_smoothing": lambda lib: lib.nn.CrossEntropyLoss(label_smoothing=1.5)(
        lib.ones(2, 3), lib.tensor([0, 1])
    ),
    "mse_shape_broadcast": lambda lib: lib.nn.MSELoss()(lib.ones(3), lib.ones(2)),
}

_RESHAPE = {
    "reshape_bad": lambda lib: lib.ones(2, 3).reshape(4, 2),
    "reshape_two_neg": lambda lib: lib.ones(2, 3).reshape(-1, -1),
    "reshape_neg2": lambda lib: lib.ones(2, 3).reshape(-2, 3),
    "reshape_zero_infer": lambda lib: lib.ones(0, 3).reshape(-1, 0),
    "view_noncontig": lambda lib: lib.ones(2, 3).t().view(6),
    "view_bad": lambda lib: lib.ones(2, 3).view(5),
    "view_float_size": lambda lib: lib.ones(2, 3).view(2.0, 3),
    "view_as_bad": lambda lib: lib.ones(2, 3).view_as(lib.ones(4)),
    "reshape_as_bad": lambda lib: lib.ones(2, 3).reshape_as(lib.ones(4)),
    "flatten_start_gt_end": lambda lib: lib.ones(2, 3, 4).flatten(2, 0),
    "unflatten_bad": lambda lib: lib.ones(2, 6).unflatten(1, (4, 2)),
    "view_ok_infer": lambda lib: tuple(lib.ones(2, 3).view(-1, 2).shape),
    "expand_as_bad": lambda lib: lib.ones(2, 3).expand_as(lib.ones(3, 2)),
    "squeeze_tuple_oob": lambda lib: lib.ones(2, 1).squeeze((0, 5)),
    "t_3d": lambda lib: lib.ones(2, 3, 4).t(),
    "mT_1d": lambda lib: lib.ones(3).mT,
    "T_ok": lambda lib: tuple(lib.ones(2, 3).T.shape),
    "split_sizes_bad": lambda lib: lib.ones(5).split([2, 2]),
    "tensor_split_zero": lambda lib: lib.ones(5).tensor_split(0),
    "unbind_oob": lambda lib: lib.ones(2, 3).unbind(2),
    "resize_neg": lambda lib: lib.ones(2, 3).resize_(-1),
}

_CAST = {
    "to_str_bad": lambda lib: lib.ones(2).to("float32"),
    "to_dtype_str": lambda lib: lib.ones(2).to(dtype="float32"),
    "type_str_ok": lambda lib: lib.ones(2).type("torch.DoubleTensor").dtype,
    "type_bad_dtype_obj": lambda lib: lib.ones(2).type(int),
    "float_to_bool_item": lambda lib: bool(lib.ones(2)),
    "int_of_float_tensor": lambda lib: int(lib.tensor(2.7)),
    "index_of_float": lambda lib: [1, 2, 3][lib.tensor(1.0)],
    "index_of_int_tensor": lambda lib: [1, 2, 3][lib.tensor(1)],
    "complex_of_real": lambda lib: complex(lib.tensor(2.0)),
    "inplace_float_to_int": lambda lib: lib.tensor([1, 2]).mul_(1.5),
    "inplace_int_to_bool": lambda lib: lib.tensor([True]).add_(1),
    "inplace_complex_to_float": lambda lib: lib.ones(2).add_(1j),
    "copy_complex_to_float": lambda lib: lib.ones(2).copy_(lib.ones(2, dtype=lib.complex64)),
    "out_dtype_mismatch": lambda lib: lib.add(
        lib.ones(2), lib.ones(2), out=lib.empty(2, dtype=lib.long)
    ),
    "out_int_from_float": lambda lib: lib.exp(lib.ones(2), out=lib.empty(2, dtype=lib.int64)),
    "numpy_of_grad": lambda lib: lib.ones(2, requires_grad=True).numpy(),
    "tolist_ok": lambda lib: lib.tensor([1.5]).tolist(),
    "requires_grad_int": lambda lib: lib.ones(2, dtype=lib.long, requires_grad=True),
    "bool_of_empty": lambda lib: bool(lib.tensor([])),
    "new_tensor_bad": lambda lib: lib.ones(2).new_tensor("a"),
    "half_ok": lambda lib: str(lib.ones(2).half().dtype),
    "view_dtype_bad_size": lambda lib: lib.ones(3).view(lib.float64),
    "astype_missing": lambda lib: lib.ones(2).astype("float64"),
}


# PyTorch's argument parser: ops with several signatures list them ("invalid combination"),
# single-signature ones name the argument, varargs int lists "failed to unpack"
_ARGS = {
    "sum_float_dim": lambda lib: lib.sum(T(lib, (2, 3)), 1.0),
    "sum_method_str_dim": lambda lib: T(lib, (2, 3)).sum("a"),
    "sum_kw_float_dim": lambda lib: T(lib, (2, 3)).sum(dim=1.0),
    "sum_tuple_float": lambda lib: T(lib, (2, 3)).sum((0, 1.0)),
    "sum_bool_dim": lambda lib: T(lib, (2, 3)).sum(True),
    "sum_keepdim_str": lambda lib: T(lib, (2, 3)).sum(1, "a"),
    "sum_too_many": lambda lib: T(lib, (2, 3)).sum(1, True, lib.float64),
    "sum_tuple_dims_ok": lambda lib: T(lib, (2, 3)).sum(dim=(0, 1)),
    "sum_none_ok": lambda lib: T(lib, (2, 3)).sum(None),
    "mean_float_dim": lambda lib: T(lib, (2, 3)).mean(1.0),
    "std_float_dim": lambda lib: lib.std(T(lib, (2, 3)), 1.0),
    "var_correction_str": lambda lib: T(lib, (2, 3)).var(correction="a"),
    "max_str": lambda lib: T(lib, (2, 3)).max("a"),
    "max_fn_float": lambda lib: lib.max(T(lib, (2, 3)), 1.0),
    "max_kw_float": lambda lib: T(lib, (2, 3)).max(dim=1.0),
    "max_keepdim_int": lambda lib: lib.max(T(lib, (2, 3)), 1, 2.0),
    "min_tuple": lambda lib: T(lib, (2, 3)).min((0, 1)),
    "amax_float": lambda lib: T(lib, (2, 3)).amax(1.0),
    "argmax_float": lambda lib: T(lib, (2, 3)).argmax(1.0),
    "squeeze_float": lambda lib: T(lib, (2, 3)).squeeze(1.0),
    "squeeze_varargs_ok": lambda lib: T(lib, (2, 1, 1)).squeeze(1, 2),
    "unsqueeze_float": lambda lib: T(lib, (2, 3)).unsqueeze(1.0),
    "narrow_float_length": lambda lib: T(lib, (2, 3)).narrow(0, 0, 1.0),
    "narrow_kw_float": lambda lib: T(lib, (2, 3)).narrow(0, 0, length=1.0),
    "movedim_mixed": lambda lib: T(lib, (2, 3)).movedim(0, 1.0),
    "transpose_float": lambda lib: T(lib, (2, 3)).transpose(0, 1.0),
    "flatten_float": lambda lib: T(lib, (2, 3)).flatten(1.0),
    "reshape_float": lambda lib: T(lib, (2, 3)).reshape(2, 3.0),
    "view_str": lambda lib: T(lib, (2, 3)).view("a"),
    "permute_float": lambda lib: T(lib, (2, 3)).permute(0, 1.0),
    "permute_float_first": lambda lib: T(lib, (2, 3)).permute(1.0, 0),
    "repeat_float": lambda lib: T(lib, (2, 3)).repeat(2, 1.0),
    "expand_float": lambda lib: T(lib, (2, 3)).expand(2, 3.0),
    "flip_float": lambda lib: T(lib, (2, 3)).flip(1.0),
    "tile_float": lambda lib: T(lib, (2, 3)).tile(2, 1.0),
    "cumsum_float": lambda lib: T(lib, (2, 3)).cumsum(1.0),
    "softmax_float": lambda lib: T(lib, (2, 3)).softmax(1.0),
    "F_log_softmax_float": lambda lib: _F(lib).log_softmax(T(lib, (2, 3)), 1.0),
    "topk_float": lambda lib: T(lib, (2, 3)).topk(1.0),
    "topk_missing_k": lambda lib: T(lib, (2, 3)).topk(),
    "sort_float": lambda lib: T(lib, (2, 3)).sort(1.0),
    "sort_int_descending": lambda lib: T(lib, (2, 3)).sort(0, 1),
    "gather_float_dim": lambda lib: T(lib, (2, 3)).gather(1.0, lib.zeros(2, 3, dtype=lib.long)),
    "index_select_list": lambda lib: T(lib, (2, 3)).index_select(0, [0]),
    "conv2d_float_out": lambda lib: lib.nn.Conv2d(3, 4.0, 3),
    "linear_float_in": lambda lib: lib.nn.Linear(3.0, 4),
    "embedding_float": lambda lib: lib.nn.Embedding(3.0, 4),
    "batchnorm_float": lambda lib: lib.nn.BatchNorm1d(3.0),
    "gru_float_input": lambda lib: lib.nn.GRU(3.0, 4),
}


def _by_case(cases):
    return lambda lib, case: cases[case](lib)


for _family, _cases in {
    "optim": _OPTIM,
    "data": _DATA,
    "module": _MODULE,
    "reshape": _RESHAPE,
    "cast": _CAST,
    "args": _ARGS,
}.items():
    FAMILIES[_family] = ([(c,) for c in _cases], _by_case(_cases))


def label(family, args):
    return f"{family}{args!r}"


def call(family, args):
    builder = FAMILIES[family][1]
    return lambda lib: builder(lib, *args)


def catalogue():
    """Every (label, fn) of every family, in a stable order."""
    return [(label(f, a), call(f, a)) for f, (space, _) in FAMILIES.items() for a in space]


def random_calls():
    """Argument combinations beyond the enumeration: (family, args) parameter spaces."""
    reduce_ops = ("sum", "mean", "softmax", "cumsum", "argmax", "amax", "logsumexp", "prod")
    view_ops = ("transpose", "squeeze", "unsqueeze", "select", "flatten", "movedim", "narrow")
    return {
        "reduce": [
            (op, shape, dtype, dim)
            for op, shape, dtype, dim in itertools.product(reduce_ops, SHAPES, DTYPES, DIMS)
            if op != "logsumexp"
        ],
        "view": [
            (op, shape, args)
            for op in view_ops
            for shape in SHAPES
            for args in itertools.product(
                DIMS, repeat=2 if op not in ("squeeze", "unsqueeze") else 1
            )
            if not (op == "narrow")
        ],
    }
