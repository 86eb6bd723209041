"""torch.nn.functional, written on top of the op table like PyTorch's own.

Each function parses PyTorch's arguments, checks what PyTorch checks (with PyTorch's messages)
and calls one table op (``_ops/table.py``, ``_ops/nn_table.py``) or a few Tensor operations,
so the grad_fn a user sees is the one PyTorch shows.
"""

from __future__ import annotations

import math
import warnings

import jax
import jax.numpy as jnp
import numpy as np

from .. import _autocast, _factories, _layout
from .. import _dtype as D
from .. import _random_methods as _sample
from .._ops import OPS, apply
from .._ops import frontend as _f
from .._ops import nn_names_table as _nn_names_table  # noqa: F401  (fractional max pooling)
from .._ops import nn_table as _nn_table  # noqa: F401  (registers the nn ops)
from .._ops.indexing import first_out_of_range
from .._ops.variants import int_checked
from .._tensor import _TYPE_NAMES, Tensor
from ..autograd import grad_mode
from ..autograd import graph as _graph
from ..sparse import _coo as _sparse_coo

# ---------------------------------------------------------------------------------- helpers


def _ntuple(x, n, name=None):
    if isinstance(x, (tuple, list)):
        if len(x) == 1 and n > 1:
            return tuple(x) * n
        return tuple(int(v) for v in x)
    return (int(x),) * n


def _reduction(size_average, reduce, reduction):
    """The ``reduction`` string from PyTorch's legacy ``size_average``/``reduce`` flags."""
    if size_average is not None or reduce is not None:
        warnings.warn(
            "size_average and reduce args will be deprecated, please use "
            f"reduction='{_legacy_reduction(size_average, reduce)}' instead.",
            stacklevel=3,
        )
        return _legacy_reduction(size_average, reduce)
    _check_reduction(reduction)
    return reduction


def _legacy_reduction(size_average, reduce):
    size_average = True if size_average is None else size_average
    reduce = True if reduce is None else reduce
    return "none" if not reduce else ("mean" if size_average else "sum")


def _check_reduction(reduction):
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(f"{reduction} is not a valid value for reduction")


def _reduce(loss, reduction):
    if reduction == "mean":
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    return loss


def _type_name(dtype):
    return _f._CAST_NAMES.get(dtype, str(dtype))


def _host(t):
    """The values of a (small) tensor on the host, for PyTorch's data-dependent checks."""
    return np.asarray(t._value)


def _inplace(input, result, inplace):
    return _f.inplace_update(input, result) if inplace else result


def _size_str(shape):
    return "x".join(str(s) for s in shape)


# ---------------------------------------------------------------------------------- activations
def relu(input, inplace=False):
    return _inplace(input, apply(OPS["relu"], (input,)), inplace)


def relu_(input):
    return relu(input, inplace=True)


def relu6(input, inplace=False):
    return hardtanh(input, 0.0, 6.0, inplace)


def leaky_relu(input, negative_slope=0.01, inplace=False):
    out = apply(OPS["leaky_relu"], (input,), (("negative_slope", negative_slope),))
    return _inplace(input, out, inplace)


def leaky_relu_(input, negative_slope=0.01):
    return leaky_relu(input, negative_slope, True)


def elu(input, alpha=1.0, inplace=False):
    out = apply(OPS["elu_full"], (input,), (("alpha", alpha), ("scale", 1.0), ("input_scale", 1.0)))
    return _inplace(input, out, inplace)


def elu_(input, alpha=1.0):
    return elu(input, alpha, True)


_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


def selu(input, inplace=False):
    out = apply(
        OPS["elu_full"],
        (input,),
        (("alpha", _SELU_ALPHA), ("scale", _SELU_SCALE), ("input_scale", 1.0)),
    )
    return _inplace(input, out, inplace)


def celu(input, alpha=1.0, inplace=False):
    out = apply(
        OPS["celu"], (input,), (("alpha", alpha), ("scale", 1.0), ("input_scale", 1.0 / alpha))
    )
    return _inplace(input, out, inplace)


def gelu(input, approximate="none"):
    if approximate not in ("none", "tanh"):
        raise RuntimeError("approximate argument must be either none or tanh.")
    return apply(OPS["gelu"], (input,), (("approximate", approximate),))


def silu(input, inplace=False):
    return _inplace(input, apply(OPS["silu"], (input,)), inplace)


def mish(input, inplace=False):
    return _inplace(input, apply(OPS["mish"], (input,)), inplace)


def hardtanh(input, min_val=-1.0, max_val=1.0, inplace=False):
    if min_val > max_val:
        raise ValueError("min_val cannot be greater than max_val")
    out = apply(OPS["hardtanh"], (input,), (("min_val", min_val), ("max_val", max_val)))
    return _inplace(input, out, inplace)


def hardtanh_(input, min_val=-1.0, max_val=1.0):
    return hardtanh(input, min_val, max_val, True)


def hardsigmoid(input, inplace=False):
    return _inplace(input, apply(OPS["hardsigmoid"], (input,)), inplace)


def hardswish(input, inplace=False):
    return _inplace(input, apply(OPS["hardswish"], (input,)), inplace)


def sigmoid(input):
    return apply(OPS["sigmoid"], (input,))


def tanh(input):
    return apply(OPS["tanh"], (input,))


@_autocast.region("softplus")
def softplus(input, beta=1.0, threshold=20.0):
    return apply(OPS["softplus"], (input,), (("beta", beta), ("threshold", threshold)))


def softsign(input):
    return input / (input.abs() + 1)


def softshrink(input, lambd=0.5):
    if lambd < 0:
        raise RuntimeError(f"lambda must be greater or equal to 0, but found to be {lambd}.")
    return apply(OPS["softshrink"], (input,), (("lambd", lambd),))


def hardshrink(input, lambd=0.5):
    return apply(OPS["hardshrink"], (input,), (("lambd", lambd),))


def tanhshrink(input):
    return input - input.tanh()


def threshold(input, threshold, value, inplace=False):
    out = apply(OPS["threshold"], (input,), (("threshold", threshold), ("value", value)))
    return _inplace(input, out, inplace)


def threshold_(input, threshold, value):
    return globals()["threshold"](input, threshold, value, True)


def logsigmoid(input):
    return apply(OPS["log_sigmoid"], (input,))


def _softmax_dim(name, ndim, stacklevel):
    warnings.warn(
        f"Implicit dimension choice for {name} has been deprecated. Change the call "
        "to include dim=X as an argument.",
        stacklevel=stacklevel,
    )
    return 0 if ndim in (0, 1, 3) else 1


def softmax(input, dim=None, _stacklevel=3, dtype=None):
    if dim is None:
        dim = _softmax_dim("softmax", input.ndim, _stacklevel)
    # the method, as PyTorch's: its argument check counts positions from dim
    return input.softmax(dim) if dtype is None else input.softmax(dim, dtype=dtype)


def softmin(input, dim=None, _stacklevel=3, dtype=None):
    if dim is None:
        dim = _softmax_dim("softmin", input.ndim, _stacklevel)
    return _f.softmax(-input, dim, dtype)


def log_softmax(input, dim=None, _stacklevel=3, dtype=None):
    if dim is None:
        dim = _softmax_dim("log_softmax", input.ndim, _stacklevel)
    # the method, as PyTorch's: its argument check counts positions from dim
    return input.log_softmax(dim) if dtype is None else input.log_softmax(dim, dtype=dtype)


def glu(input, dim=-1):
    if input.ndim == 0:
        raise RuntimeError("glu does not support scalars because halving size must be even")
    d = dim % input.ndim
    if input.shape[d] % 2:
        raise RuntimeError(
            f"Halving dimension must be even, but dimension {d} is size {input.shape[d]}"
        )
    return apply(OPS["glu"], (input,), (("dim", d),))


@_autocast.region("prelu")
def prelu(input, weight):
    if input.dtype is not weight.dtype:
        raise RuntimeError(
            f"prelu: Type promoting not supported. Got {_type_name(input.dtype)} "
            f"and {_type_name(weight.dtype)}"
        )
    return apply(OPS["prelu"], (input, weight))


def celu_(input, alpha=1.0):
    return celu(input, alpha, inplace=True)


def selu_(input):
    return selu(input, inplace=True)


def rrelu_(input, lower=1.0 / 8, upper=1.0 / 3, training=False):
    return rrelu(input, lower, upper, training, inplace=True)


def rrelu(input, lower=1.0 / 8, upper=1.0 / 3, training=False, inplace=False):
    if not training:
        out = apply(OPS["rrelu_eval"], (input,), (("lower", lower), ("upper", upper)))
        return _inplace(input, out, inplace)
    # PyTorch draws one double U(lower, upper) per non-positive element, in element order
    negative = _host(input) <= 0
    with grad_mode.no_grad():
        slopes = _factories.empty(int(negative.sum()), dtype=D.float64)
        slopes = _sample.uniform_(slopes, lower, upper)
        noise = np.ones(negative.shape)
        noise[negative] = _host(slopes)
        noise = Tensor._make(jnp.asarray(noise, input.dtype._np), input.dtype)
    return _inplace(input, apply(OPS["rrelu_train"], (input, noise)), inplace)


def gumbel_softmax(logits, tau=1, hard=False, eps=1e-10, dim=-1):
    with grad_mode.no_grad():
        gumbels = _exponential_like(logits).log().neg()
    y_soft = softmax((logits + gumbels) / tau, dim)
    if hard:
        with grad_mode.no_grad():
            y_hard = (y_soft == y_soft.amax(dim, keepdim=True)).to(logits.dtype)
        return y_hard - y_soft.detach() + y_soft
    return y_soft


# ---------------------------------------------------------------------------------- linear
@_autocast.region("linear")
def linear(input, weight, bias=None):
    in_features = weight.shape[-1] if weight.ndim else 1
    if input.ndim >= 1 and weight.ndim == 2 and input.shape[-1] != in_features:
        rows = math.prod(input.shape[:-1]) if input.ndim > 1 else 1
        raise RuntimeError(
            f"mat1 and mat2 shapes cannot be multiplied ({rows}x{input.shape[-1]} and "
            f"{weight.shape[1]}x{weight.shape[0]})"
        )
    if input.dtype is not weight.dtype:
        raise RuntimeError(
            f"mat1 and mat2 must have the same dtype, but got "
            f"{_type_name(input.dtype)} and {_type_name(weight.dtype)}"
        )
    wt = weight.t()
    if bias is None:
        return _f.matmul(input, wt)
    if input.ndim == 2:
        return _f.addmm(bias, input, wt)
    # PyTorch folds the leading dims into one matrix and views the result back
    lead = tuple(input.shape[:-1])
    out = _f.addmm(bias, input.reshape(-1, in_features), wt)
    return out.view(*lead, weight.shape[0])


@_autocast.region("bilinear", native=True)
def bilinear(input1, input2, weight, bias=None):
    out = _f.einsum("...i,oij,...j->...o", input1, weight, input2)
    if bias is not None:
        out = out + bias
    return out


# ---------------------------------------------------------------------------------- convolution
def _conv_padding(padding, nd, kernel, dilation, stride):
    if isinstance(padding, str):
        if padding == "valid":
            return ((0, 0),) * nd
        if padding == "same":
            if any(s != 1 for s in stride):
                raise RuntimeError("padding='same' is not supported for strided convolutions")
            pads = []
            for k, d in zip(kernel, dilation):
                total = d * (k - 1)
                pads.append((total // 2, total - total // 2))
            return tuple(pads)
        raise RuntimeError(f"Invalid padding string: '{padding}'")
    return tuple((p, p) for p in _ntuple(padding, nd))


def _wrong_weight_rank(nd, input, weight, stride, padding, dilation):
    # PyTorch's convolution takes its rank from the weight: the conv*d defaults (stride=[1, 1]
    # for conv2d …) then fail its per-argument length checks, in this order
    w = weight.ndim
    if isinstance(padding, str):
        raise RuntimeError(
            f"Expected {w}-dimensional input for {w}-dimensional weight{list(weight.shape)}, "
            f"but got {input.ndim}-dimensional input of size {list(input.shape)} instead"
        )
    for what, value in (("stride", stride), ("padding", padding), ("dilation", dilation)):
        values = list(_ntuple(value, nd))
        if len(values) not in (1, w - 2):
            raise RuntimeError(
                f"expected {what} to be a single integer value or a list of {w - 2} values to "
                f"match the convolution dimensions, but got {what}={values}"
            )
    raise RuntimeError(
        f"Expected {w}-dimensional input for {w}-dimensional weight {list(weight.shape)}, but "
        f"got {input.ndim}-dimensional input of size {list(input.shape)} instead"
    )


def _check_conv_params(pads, stride, dilation, output_padding=()):
    """PyTorch's checks of a convolution's parameters, before its shape checks."""
    if any(p < 0 for pair in pads for p in pair):
        raise RuntimeError("negative padding is not supported")
    if any(p < 0 for p in output_padding):
        raise RuntimeError("negative output_padding is not supported")
    if any(s <= 0 for s in stride):
        raise RuntimeError("non-positive stride is not supported")
    if any(d < 0 for d in dilation):
        raise RuntimeError("dilation should be greater than zero")


def _named_dims(kind, values, nd, lead):
    """``values`` as PyTorch's convolution kernels name them per dimension ("dilation_height:
    1", ...); a 1-d convolution runs as a 2-d one, with ``lead`` as its height."""
    shown = ((lead,) if nd == 1 else ()) + tuple(values)
    names = ("depth", "height", "width")[3 - len(shown) :]
    return [f"{kind}_{n}: {v}" for n, v in zip(names, shown)]


def _zero_dilation(nd, dilation, named):
    """PyTorch's kernel-level refusal of a zero dilation (after the channel checks); a 1-d
    convolution runs as a 2-d one of height 1, and shows that dimension too."""
    if all(d > 0 for d in dilation):
        return
    if named:
        got = ", ".join(_named_dims("dilation", dilation, nd, 1))
    else:
        got = str(list(((1,) if nd == 1 else ()) + tuple(dilation)))
    raise RuntimeError(f"dilation should be greater than zero, but got {got}")


def _conv(nd, name, input, weight, bias, stride, padding, dilation, groups):
    if input.ndim not in (nd + 1, nd + 2):
        raise RuntimeError(
            f"Expected {nd + 1}D (unbatched) or {nd + 2}D (batched) input to "
            f"{name}, but got input of size: {list(input.shape)}"
        )
    if weight.ndim != nd + 2:
        _wrong_weight_rank(nd, input, weight, stride, padding, dilation)
    stride = _ntuple(stride, nd)
    dilation = _ntuple(dilation, nd)
    kernel = tuple(weight.shape[2:])
    pads = _conv_padding(padding, nd, kernel, dilation, stride)
    _check_conv_params(pads, stride, dilation)
    batched = input.ndim == nd + 2
    channels = input.shape[1 if batched else 0]
    if channels != weight.shape[1] * groups:
        shown = list(input.shape) if batched else [1] + list(input.shape)
        raise RuntimeError(
            f"Given groups={groups}, weight of size {list(weight.shape)}, expected "
            f"input{shown} to have {weight.shape[1] * groups} channels, but got {channels} "
            "channels instead"
        )
    spatial = input.shape[-nd:]
    padded = tuple(n + lo + hi for n, (lo, hi) in zip(spatial, pads))
    effective = tuple(d * (k - 1) + 1 for k, d in zip(kernel, dilation))
    if any(p < e for p, e in zip(padded, effective)):
        raise RuntimeError(
            f"Calculated padded input size per channel: ({' x '.join(map(str, padded))}). "
            f"Kernel size: ({' x '.join(map(str, effective))}). Kernel size can't be greater "
            "than actual input size"
        )
    _zero_dilation(nd, dilation, named=False)
    if input.dtype is not weight.dtype:
        raise RuntimeError(
            f"Input type ({_tensor_type(input)}) and weight type "
            f"({_tensor_type(weight)}) should be the same"
        )
    static = (
        ("stride", stride),
        ("padding", pads),
        ("dilation", dilation),
        ("groups", groups),
        ("transposed", False),
        ("output_padding", (0,) * nd),
    )
    if not batched:  # PyTorch convolves a batch of one and squeezes it away
        return apply(OPS["convolution"], (input.unsqueeze(0), weight, bias), static).squeeze(0)
    return apply(OPS["convolution"], (input, weight, bias), static)


def _tensor_type(t):
    return _TYPE_NAMES.get(t.dtype, "torch.Tensor")


@_autocast.region("convolution")
def conv1d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    return _conv(1, "conv1d", input, weight, bias, stride, padding, dilation, groups)


@_autocast.region("convolution")
def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    return _conv(2, "conv2d", input, weight, bias, stride, padding, dilation, groups)


@_autocast.region("convolution")
def conv3d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    return _conv(3, "conv3d", input, weight, bias, stride, padding, dilation, groups)


def _conv_transpose(
    nd, name, input, weight, bias, stride, padding, output_padding, groups, dilation
):
    if input.ndim not in (nd + 1, nd + 2):
        raise RuntimeError(
            f"Expected {nd + 1}D (unbatched) or {nd + 2}D (batched) input to "
            f"{name}, but got input of size: {list(input.shape)}"
        )
    stride = _ntuple(stride, nd)
    dilation = _ntuple(dilation, nd)
    output_padding = _ntuple(output_padding, nd)
    pads = tuple((p, p) for p in _ntuple(padding, nd))
    _check_conv_params(pads, stride, dilation, output_padding)
    channels = input.shape[1 if input.ndim == nd + 2 else 0]
    if channels != weight.shape[0]:
        raise RuntimeError(
            f"Given transposed=1, weight of size {list(weight.shape)}, expected input"
            f"{list(input.shape)} to have {weight.shape[0]} channels, but got {channels} "
            "channels instead"
        )
    _zero_dilation(nd, dilation, named=True)
    for op, s, d in zip(output_padding, stride, dilation):
        if op >= s and op >= d:
            shown = " ".join(
                _named_dims("output_padding", output_padding, nd, 0)
                + _named_dims("stride", stride, nd, 1)
                + _named_dims("dilation", dilation, nd, 1)
            )
            raise RuntimeError(
                f"output padding must be smaller than either stride or dilation, but got {shown}"
            )
    static = (
        ("stride", stride),
        ("padding", pads),
        ("dilation", dilation),
        ("groups", groups),
        ("transposed", True),
        ("output_padding", output_padding),
    )
    if input.ndim == nd + 1:
        return apply(OPS["convolution"], (input.unsqueeze(0), weight, bias), static).squeeze(0)
    return apply(OPS["convolution"], (input, weight, bias), static)


@_autocast.region("convolution")
def conv_transpose1d(
    input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1
):
    return _conv_transpose(
        1,
        "conv_transpose1d",
        input,
        weight,
        bias,
        stride,
        padding,
        output_padding,
        groups,
        dilation,
    )


@_autocast.region("convolution")
def conv_transpose2d(
    input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1
):
    return _conv_transpose(
        2,
        "conv_transpose2d",
        input,
        weight,
        bias,
        stride,
        padding,
        output_padding,
        groups,
        dilation,
    )


@_autocast.region("convolution")
def conv_transpose3d(
    input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1
):
    return _conv_transpose(
        3,
        "conv_transpose3d",
        input,
        weight,
        bias,
        stride,
        padding,
        output_padding,
        groups,
        dilation,
    )


def unfold(input, kernel_size, dilation=1, padding=0, stride=1):
    """im2col: (N, C, H, W) -> (N, C*kh*kw, L); an unbatched (C, H, W) input stays unbatched."""
    shape = tuple(input.shape)
    if input.ndim not in (3, 4) or any(n == 0 for n in shape[-3:]):
        raise RuntimeError(
            "Expected 3D or 4D (batch mode) tensor with possibly 0 batch size and other "
            f"non-zero dimensions for input, but got: [{', '.join(map(str, shape))}]"
        )
    if isinstance(kernel_size, (tuple, list)) and len(kernel_size) != 2:
        raise RuntimeError(
            f"It is expected kernel_size equals to 2, but got size {len(kernel_size)}"
        )
    kernel, dil = _ntuple(kernel_size, 2), _ntuple(dilation, 2)
    pad, st = _ntuple(padding, 2), _ntuple(stride, 2)
    _check_window(kernel, dil, pad, st)
    blocks = [
        (n + 2 * p - d * (k - 1) - 1) // s + 1
        for n, k, d, p, s in zip(shape[-2:], kernel, dil, pad, st)
    ]
    if min(blocks) < 1:
        raise RuntimeError(
            f"Given input with spatial size {shape[-2:]}, kernel_size={kernel}, "
            f"dilation={dil}, padding={pad}, calculated shape of the array of sliding blocks "
            f"as {tuple(blocks)}, but its components must be at least one."
        )
    if not (input.dtype.is_floating_point or input.dtype is D.bool_):
        raise NotImplementedError(
            f"\"im2col_out_cpu\" not implemented for '{_type_name(input.dtype)}'"
        )
    return apply(
        OPS["im2col"],
        (input,),
        (("kernel", kernel), ("dilation", dil), ("padding", pad), ("stride", st)),
    )


def _check_window(kernel, dilation, padding, stride):
    """PyTorch's im2col/col2im argument checks, in its order and words."""
    for what, label, (h, w) in (
        ("kernel size", "kernel", kernel),
        ("stride", "stride", stride),
        ("dilation", "dilation", dilation),
    ):
        if h <= 0 or w <= 0:
            raise RuntimeError(
                f"{what} should be greater than zero, but got {label}_height: {h} "
                f"{label}_width: {w}"
            )
    if padding[0] < 0 or padding[1] < 0:
        raise RuntimeError(
            f"padding should be non-negative, but got pad_height: {padding[0]} "
            f"pad_width: {padding[1]}"
        )


def fold(input, output_size, kernel_size, dilation=1, padding=0, stride=1):
    """col2im: (N, C*kh*kw, L) -> (N, C, H, W), summing overlapping blocks."""
    shape = tuple(input.shape)
    if input.ndim not in (2, 3) or any(n == 0 for n in shape[-2:]):
        raise RuntimeError(
            "Expected 2D or 3D (batch mode) tensor for input with possibly 0 batch size and "
            f"non-zero dimensions for input, but got: [{', '.join(map(str, shape))}]"
        )
    size = _ntuple(output_size, 2)
    if isinstance(output_size, (tuple, list)) and len(output_size) != 2:
        raise RuntimeError(
            f"It is expected output_size equals to 2, but got size {len(output_size)}"
        )
    kernel, dil = _ntuple(kernel_size, 2), _ntuple(dilation, 2)
    pad, st = _ntuple(padding, 2), _ntuple(stride, 2)
    _check_window(kernel, dil, pad, st)
    if shape[-2] % (kernel[0] * kernel[1]):
        raise RuntimeError(
            "Expected size of input's dimension 1 to be divisible by the product of "
            f"kernel_size, but got input.size(1)={shape[-2]} and kernel_size={kernel}."
        )
    blocks = [
        (n + 2 * p - d * (k - 1) - 1) // s + 1 for n, k, d, p, s in zip(size, kernel, dil, pad, st)
    ]
    if blocks[0] * blocks[1] != shape[-1]:
        raise RuntimeError(
            f"Given output_size={size}, kernel_size={kernel}, dilation={dil}, padding={pad}, "
            f"stride={st}, expected size of input's dimension 2 to match the calculated number "
            f"of sliding blocks {blocks[0]} * {blocks[1]} = {blocks[0] * blocks[1]}, but got "
            f"input.size(2)={shape[-1]}."
        )
    if not input.dtype.is_floating_point:
        raise NotImplementedError(
            f"\"col2im_out_cpu\" not implemented for '{_type_name(input.dtype)}'"
        )
    return apply(
        OPS["col2im"],
        (input,),
        (
            ("output_size", size),
            ("kernel", kernel),
            ("dilation", dil),
            ("padding", pad),
            ("stride", st),
        ),
    )


# ---------------------------------------------------------------------------------- pooling
_COUNT = {2: "two", 3: "three"}


def _size_of(v):
    return len(v) if isinstance(v, (tuple, list)) else 1


def _check_pool_arity(name, nd, kernel_size, stride, padding, dilation):
    """PyTorch's wording for a window argument with the wrong number of entries."""
    n = _COUNT[nd]
    avg3 = name == "avg_pool3d"  # avg_pool3d words it without "either"
    either = "" if avg3 else "either "
    for what, v in (("kernel_size", kernel_size), ("padding", padding)):
        if _size_of(v) not in (1, nd):
            raise RuntimeError(
                f"{name}: {what} must {either}be a single int, or a tuple of {n} ints"
            )
    if stride is not None and _size_of(stride) not in (0, 1, nd):
        raise RuntimeError(
            f"{name}: stride must {either}be omitted, a single int, or a tuple of {n} ints"
        )
    if dilation is not None and _size_of(dilation) not in (1, nd):
        raise RuntimeError(f"{name}: dilation must be either a single int, or a tuple of {n} ints")


def _check_pool1d_arity(name, **args):
    """1-d pools: the Python argument parser's wording (PyTorch's avg_pool1d and the indices
    form of max_pool1d)."""
    for what, v in args.items():
        if v is not None and _size_of(v) != 1 and not (what == "stride" and _size_of(v) == 0):
            raise RuntimeError(
                f"{name}() argument '{what}' should contain one int (got {_size_of(v)})"
            )


def _pool_geometry(name, input, nd, kernel_size, stride, padding, dilation, ceil_mode):
    _check_pool_arity(name, nd, kernel_size, stride, padding, dilation)
    kernel = _ntuple(kernel_size, nd)
    stride = (
        kernel
        if stride is None or (isinstance(stride, (list, tuple)) and not stride)
        else _ntuple(stride, nd)
    )
    padding = _ntuple(padding, nd)
    dilation = _ntuple(dilation, nd)
    if input.ndim not in (nd + 1, nd + 2):
        raise RuntimeError(
            f"non-empty {nd + 1}D or {nd + 2}D (batch mode) tensor expected for input"
        )
    # PyTorch computes the output shape (checking stride and padding) before the window checks
    for p, k, s, d in zip(padding, kernel, stride, dilation):
        if s == 0:
            raise RuntimeError("stride should not be zero")
        if p < 0:
            raise RuntimeError(f"pad must be non-negative, but got pad: {p}")
        if p > ((k - 1) * d + 1) // 2:
            raise RuntimeError(
                f"pad should be at most half of effective kernel size, but got "
                f"pad={p}, kernel_size={k} and dilation={d}"
            )
    axes = "THW"[-nd:]
    for what, vals in (("kernel size", kernel), ("dilation", dilation)):
        if min(vals) <= 0:
            label = "k" if what == "kernel size" else "dilation"
            got = " ".join(f"{label}{a}: {v}" for a, v in zip(axes, vals))
            raise RuntimeError(f"{what} should be greater than zero, but got {got}")
    spatial = input.shape[-nd:]
    outs, pads = [], []
    for n, k, s, p, d in zip(spatial, kernel, stride, padding, dilation):
        eff = d * (k - 1) + 1
        out = (n + 2 * p - eff + ((s - 1) if ceil_mode else 0)) // s + 1
        if ceil_mode and (out - 1) * s >= n + p:
            out -= 1
        outs.append(out)
        pads.append((p, (out - 1) * s + eff - n - p))
    if any(o <= 0 for o in outs):
        lead = input.shape[-nd - 1] if input.ndim == nd + 2 else input.shape[0]
        raise RuntimeError(
            f"Given input size: ({_size_str((lead,) + tuple(spatial))}). Calculated output size:"
            f" ({_size_str((lead,) + tuple(max(o, 0) for o in outs))}). Output size is too small"
        )
    return kernel, stride, tuple(pads), dilation


def _max_pool(nd, input, kernel_size, stride, padding, dilation, ceil_mode, return_indices):
    kernel, stride, pads, dilation = _pool_geometry(
        f"max_pool{nd}d", input, nd, kernel_size, stride, padding, dilation, ceil_mode
    )
    static = (("kernel", kernel), ("stride", stride), ("pads", pads), ("dilation", dilation))
    if return_indices:
        return apply(OPS[f"max_pool{nd}d_with_indices"], (input,), static)
    return apply(OPS[f"max_pool{nd}d"], (input,), static)


def _check_max_pool1d(input, kernel_size, stride, padding, dilation, ceil_mode):
    """The checks of PyTorch's own max_pool1d kernel (the one without indices)."""
    if input.ndim not in (2, 3):
        raise RuntimeError(
            "max_pool1d: Expected 2D or 3D (batch mode) tensor with optional 0 dim batch size "
            f"for input, but got:[{', '.join(map(str, input.shape))}]"
        )
    for what, v, forms in (
        ("kernel_size", kernel_size, "an int, list of ints or tuple of ints"),
        ("stride", stride, "None, an int, list of ints, or tuple of ints"),
        ("padding", padding, "an int, list of ints, or tuple of ints"),
        ("dilation", dilation, "an int, list of ints or tuple of ints"),
    ):
        size = 0 if v is None else _size_of(v)
        if size > 1 or (size == 0 and what != "stride"):
            raise RuntimeError(f"max_pool1d() {what} must be {forms} of size 1 but got size {size}")
    (k,) = _ntuple(kernel_size, 1)
    (s,) = (k,) if stride is None or stride == [] or stride == () else _ntuple(stride, 1)
    (p,), (d,) = _ntuple(padding, 1), _ntuple(dilation, 1)
    for name, v, ok in (
        ("kernel_size", k, k > 0),
        ("stride", s, s > 0),
        ("padding", p, p >= 0),
    ):
        if not ok:
            must = "be non-negative" if name == "padding" else "be greater than zero"
            raise RuntimeError(f"max_pool1d() {name} must {must}, but got {v}")
    if p > k // 2:
        raise RuntimeError(
            "max_pool1d() padding should be at most half of kernel size, but got "
            f"padding={p} and kernel_size={k}"
        )
    if d <= 0:
        raise RuntimeError(f"max_pool1d() dilation must be greater than zero, but got {d}")
    n = input.shape[-1]
    out = (n + 2 * p - d * (k - 1) - 1 + ((s - 1) if ceil_mode else 0)) // s + 1
    if ceil_mode and (out - 1) * s >= n + p:
        out -= 1
    if out <= 0:
        raise RuntimeError(f"max_pool1d() Invalid computed output size: {out}")


def max_pool1d(
    input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False
):
    if return_indices:
        _check_pool1d_arity(
            "max_pool1d", kernel_size=kernel_size, stride=stride, padding=padding, dilation=dilation
        )
        if input.ndim not in (2, 3):
            raise RuntimeError(
                f"Expected 2 to 3 dimensions, but got {input.ndim}-dimensional tensor for "
                "argument #1 'self' (while checking arguments for max_pool1d)"
            )
    else:
        _check_max_pool1d(input, kernel_size, stride, padding, dilation, ceil_mode)
    # PyTorch pools 1-d signals as 2-d ones of height 1
    x = input.unsqueeze(-2)
    out = max_pool2d(
        x,
        (1,) + _ntuple(kernel_size, 1),
        None if stride is None or _size_of(stride) == 0 else (1,) + _ntuple(stride, 1),
        (0,) + _ntuple(padding, 1),
        (1,) + _ntuple(dilation, 1),
        ceil_mode,
        return_indices,
    )
    if return_indices:
        return out[0].squeeze(-2), out[1].squeeze(-2)
    return out.squeeze(-2)


def max_pool2d(
    input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False
):
    return _max_pool(2, input, kernel_size, stride, padding, dilation, ceil_mode, return_indices)


def max_pool3d(
    input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False
):
    return _max_pool(3, input, kernel_size, stride, padding, dilation, ceil_mode, return_indices)


max_pool1d_with_indices = max_pool1d
max_pool2d_with_indices = max_pool2d
max_pool3d_with_indices = max_pool3d


def _unpool_output_size(input, kernel, stride, padding, output_size):
    nd = len(kernel)
    default = [
        (input.shape[-nd + d] - 1) * stride[d] + kernel[d] - 2 * padding[d] for d in range(nd)
    ]
    if output_size is None:
        return tuple(default)
    if len(output_size) == nd + 2:
        output_size = output_size[2:]
    if len(output_size) != nd:
        raise ValueError(
            f"output_size should be a sequence containing {nd} or {nd + 2} elements, but it "
            f"has a length of '{len(output_size)}'"
        )
    for d in range(nd):
        lo, hi = default[d] - stride[d], default[d] + stride[d]
        if not lo < output_size[d] < hi:
            raise ValueError(
                f'invalid output_size "{output_size}" (dim {d} must be between {lo} and {hi})'
            )
    return tuple(int(n) for n in output_size)


def _max_unpool(nd, input, indices, kernel_size, stride, padding, output_size):
    kernel = _ntuple(kernel_size, nd)
    stride = kernel if stride is None else _ntuple(stride, nd)
    size = _unpool_output_size(input, kernel, stride, _ntuple(padding, nd), output_size)
    if indices.dtype is not D.int64:
        raise RuntimeError(
            f"elements in indices should be type int64 but got: {_type_name(indices.dtype)}"
        )
    if tuple(indices.shape) != tuple(input.shape):
        raise RuntimeError(
            "Expected shape of indices to be same as that of the input tensor "
            f"([{', '.join(map(str, input.shape))}]) but got indices tensor with shape: "
            f"[{', '.join(map(str, indices.shape))}]"
        )
    if input.ndim not in (nd + 1, nd + 2):
        raise RuntimeError(
            f"Input to max_unpooling{nd}d should be a {nd + 1}d or {nd + 2}d Tensor, but got a "
            f"tensor with {input.ndim} dimensions."
        )
    if not input.dtype.is_floating_point:
        raise NotImplementedError(
            f"\"max_unpool{nd}d\" not implemented for '{_type_name(input.dtype)}'"
        )
    # PyTorch checks every index against the output plane: a data-dependent check, so the
    # indices are read on the host.  Its serial kernel reports the last bad one.
    idx = _host(indices)
    bad = idx[(idx < 0) | (idx >= math.prod(size))]
    if bad.size:
        raise RuntimeError(
            f"Found an invalid max index: {int(bad.flat[-1])} (output volumes are of size "
            f"{'x'.join(map(str, size))})"
        )
    return apply(OPS[f"max_unpool{nd}d"], (input, indices), (("output_size", size),))


def max_unpool1d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    # PyTorch unpools a 1-d signal as a 2-d one of width 1
    kernel = _ntuple(kernel_size, 1)
    stride = kernel if stride is None else _ntuple(stride, 1)
    padding = _ntuple(padding, 1)
    size = _unpool_output_size(input, kernel, stride, padding, output_size)
    out = _max_unpool(
        2,
        input.unsqueeze(-1),
        indices.unsqueeze(-1),
        kernel + (1,),
        stride + (1,),
        padding + (0,),
        size + (1,),
    )
    return out.squeeze(-1)


def max_unpool2d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    return _max_unpool(2, input, indices, kernel_size, stride, padding, output_size)


def max_unpool3d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    return _max_unpool(3, input, indices, kernel_size, stride, padding, output_size)


def _avg_pool(
    nd, input, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override
):
    kernel, stride, pads, _ = _pool_geometry(
        f"avg_pool{nd}d", input, nd, kernel_size, stride, padding, 1, ceil_mode
    )
    if divisor_override is not None and divisor_override == 0:
        raise RuntimeError("divisor must be not zero")
    return apply(
        OPS[f"avg_pool{nd}d"],
        (input,),
        (
            ("kernel", kernel),
            ("stride", stride),
            ("pads", pads),
            ("count_include_pad", bool(count_include_pad)),
            ("divisor_override", divisor_override),
        ),
    )


def avg_pool1d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True):
    _check_pool1d_arity("avg_pool1d", kernel_size=kernel_size, stride=stride, padding=padding)
    x = input.unsqueeze(-2)
    out = avg_pool2d(
        x,
        (1,) + _ntuple(kernel_size, 1),
        None if stride is None or _size_of(stride) == 0 else (1,) + _ntuple(stride, 1),
        (0,) + _ntuple(padding, 1),
        ceil_mode,
        count_include_pad,
    )
    return out.squeeze(-2)


def avg_pool2d(
    input,
    kernel_size,
    stride=None,
    padding=0,
    ceil_mode=False,
    count_include_pad=True,
    divisor_override=None,
):
    return _avg_pool(
        2, input, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override
    )


def avg_pool3d(
    input,
    kernel_size,
    stride=None,
    padding=0,
    ceil_mode=False,
    count_include_pad=True,
    divisor_override=None,
):
    return _avg_pool(
        3, input, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override
    )


def _adaptive_size(input, nd, output_size):
    size = (
        _ntuple(output_size, nd)
        if not isinstance(output_size, (tuple, list))
        else tuple(output_size) * (nd if len(output_size) == 1 and nd > 1 else 1)
    )
    spatial = input.shape[-nd:]
    return tuple(s if o is None else int(o) for o, s in zip(size, spatial))


def adaptive_avg_pool1d(input, output_size):
    return adaptive_avg_pool2d(input.unsqueeze(-2), (1,) + _ntuple(output_size, 1)).squeeze(-2)


def _check_adaptive_avg_dtype(input, kernel):
    if not input.dtype.is_floating_point:
        raise NotImplementedError(f"\"{kernel}\" not implemented for '{_type_name(input.dtype)}'")


def adaptive_avg_pool2d(input, output_size):
    size = _adaptive_size(input, 2, output_size)
    if size == (1, 1):
        return input.mean((-1, -2), keepdim=True)
    _check_adaptive_avg_dtype(input, "adaptive_avg_pool2d")
    return apply(OPS["adaptive_avg_pool2d"], (input,), (("output_size", size),))


def adaptive_avg_pool3d(input, output_size):
    size = _adaptive_size(input, 3, output_size)
    if size == (1, 1, 1):
        return input.mean((-1, -2, -3), keepdim=True)
    _check_adaptive_avg_dtype(input, "adaptive_avg_pool3d_cpu")
    return apply(OPS["adaptive_avg_pool3d"], (input,), (("output_size", size),))


def _adaptive_bounds(n, m):
    return tuple(((i * n) // m, -(-((i + 1) * n) // m)) for i in range(m))


def _adaptive_max(nd, input, output_size, return_indices):
    if nd == 1:
        # PyTorch pools a 1-D signal as a 2-D one of height 1 (its grad_fn is SqueezeBackward1)
        size = _adaptive_size(input, 1, output_size)
        values, indices = _adaptive_max(2, input.unsqueeze(-2), (1,) + size, True)
        values, indices = values.squeeze(-2), indices.squeeze(-2)
        return (values, indices) if return_indices else values
    size = _adaptive_size(input, nd, output_size)
    bounds = tuple(_adaptive_bounds(n, m) for n, m in zip(input.shape[-nd:], size))
    values, indices = apply(OPS[f"adaptive_max_pool{nd}d"], (input,), (("bounds", bounds),))
    return (values, indices) if return_indices else values


def adaptive_max_pool1d_with_indices(input, output_size, return_indices=False):
    return _adaptive_max(1, input, output_size, True)


def adaptive_max_pool2d_with_indices(input, output_size, return_indices=False):
    return _adaptive_max(2, input, output_size, True)


def adaptive_max_pool3d_with_indices(input, output_size, return_indices=False):
    return _adaptive_max(3, input, output_size, True)


def adaptive_max_pool1d(input, output_size, return_indices=False):
    return _adaptive_max(1, input, output_size, return_indices)


def adaptive_max_pool2d(input, output_size, return_indices=False):
    return _adaptive_max(2, input, output_size, return_indices)


def adaptive_max_pool3d(input, output_size, return_indices=False):
    return _adaptive_max(3, input, output_size, return_indices)


def lp_pool2d(input, norm_type, kernel_size, stride=None, ceil_mode=False):
    kw, kh = _ntuple(kernel_size, 2)
    out = avg_pool2d(input.pow(norm_type), kernel_size, stride, 0, ceil_mode)
    return (out.sign() * relu(out.abs())).mul(kw * kh).pow(1.0 / norm_type)


def lp_pool3d(input, norm_type, kernel_size, stride=None, ceil_mode=False):
    kd, kw, kh = _ntuple(kernel_size, 3)
    out = avg_pool3d(input.pow(norm_type), kernel_size, stride, 0, ceil_mode)
    return (out.sign() * relu(out.abs())).mul(kd * kw * kh).pow(1.0 / norm_type)


def lp_pool1d(input, norm_type, kernel_size, stride=None, ceil_mode=False):
    out = avg_pool1d(input.pow(norm_type), kernel_size, stride, 0, ceil_mode)
    return (out.sign() * relu(out.abs())).mul(kernel_size).pow(1.0 / norm_type)


def _fractional_max_pool(
    nd, input, kernel_size, output_size, output_ratio, return_indices, _random_samples
):
    name = f"fractional_max_pool{nd}d"
    if output_size is None and output_ratio is None:
        raise ValueError(f"{name} requires specifying either an output_size or an output_ratio")
    if output_size is None:
        # PyTorch's 2-D form takes len() of the ratio: a bare float is a TypeError there
        if nd == 2 and len(output_ratio) > 2:
            raise ValueError(
                f"{name} requires output_ratio to either be a single Int or tuple of Ints."
            )
        ratio = (
            tuple(output_ratio) if isinstance(output_ratio, (tuple, list)) else (output_ratio,) * nd
        )
        output_size = [int(input.shape[-nd + i] * ratio[i]) for i in range(nd)]
    kernel = _ntuple(kernel_size, nd)
    out_size = _ntuple(output_size, nd)
    if input.ndim not in (nd + 1, nd + 2):
        raise RuntimeError(
            f"{name}(): Expected {nd + 1}D or {nd + 2}D tensor, but got: {list(input.shape)}"
        )
    dims = ("time", "height", "width")[3 - nd :]
    for d in range(nd):
        n_in = input.shape[input.ndim - nd + d]
        # PyTorch's 3-D check is strict (the windows may not reach the last element)
        if out_size[d] + kernel[d] - 1 > n_in - (nd == 3):
            raise RuntimeError(
                f"{name}{'_out' if nd == 3 else ''}(): pool {dims[d]} {kernel[d]} too large "
                f"relative to input {dims[d]} {n_in}"
            )
    if _random_samples is None:
        # PyTorch's draw: one uniform per (sample, plane, dim) from the default generator
        n_batch = 1 if input.ndim == nd + 1 else input.shape[0]
        _random_samples = _sample.rand(n_batch, input.shape[-nd - 1], nd, dtype=input.dtype)
    out, indices = apply(
        OPS[name],
        (input, _random_samples),
        (("kernel", tuple(kernel)), ("output_size", tuple(out_size))),
    )
    return (out, indices) if return_indices else out


def fractional_max_pool2d_with_indices(
    input,
    kernel_size,
    output_size=None,
    output_ratio=None,
    return_indices=False,
    _random_samples=None,
):
    return _fractional_max_pool(
        2, input, kernel_size, output_size, output_ratio, True, _random_samples
    )


def fractional_max_pool2d(
    input,
    kernel_size,
    output_size=None,
    output_ratio=None,
    return_indices=False,
    _random_samples=None,
):
    return _fractional_max_pool(
        2, input, kernel_size, output_size, output_ratio, return_indices, _random_samples
    )


def fractional_max_pool3d_with_indices(
    input,
    kernel_size,
    output_size=None,
    output_ratio=None,
    return_indices=False,
    _random_samples=None,
):
    return _fractional_max_pool(
        3, input, kernel_size, output_size, output_ratio, True, _random_samples
    )


def fractional_max_pool3d(
    input,
    kernel_size,
    output_size=None,
    output_ratio=None,
    return_indices=False,
    _random_samples=None,
):
    return _fractional_max_pool(
        3, input, kernel_size, output_size, output_ratio, return_indices, _random_samples
    )


# ---------------------------------------------------------------------------------- normalization
def _check_per_channel(input):
    size = math.prod(input.shape[2:]) * input.shape[0] if input.ndim >= 2 else input.numel()
    if size == 1:
        raise ValueError(
            f"Expected more than 1 value per channel when training, got input size {input.shape}"
        )


def _batch_norm(
    input,
    running_mean,
    running_var,
    weight,
    bias,
    training,
    momentum,
    eps,
    num_batches_tracked=None,
):
    """F.batch_norm plus the module's ``num_batches_tracked`` bookkeeping, in one op call.

    The op returns the normalized input and, when running statistics are updated, their new
    values, which are written into the buffers here (they never carry gradient)."""
    if training:
        _check_per_channel(input)
    if input.ndim >= 2:
        features = input.shape[1]
        for what, t in (
            ("running_mean", running_mean),
            ("running_var", running_var),
            ("weight", weight),
            ("bias", bias),
        ):
            if t is not None and t.numel() != features:
                raise RuntimeError(f"{what} should contain {features} elements not {t.numel()}")
    update_stats = training and running_mean is not None
    track_count = training and num_batches_tracked is not None
    cumulative = momentum is None
    static = (
        ("training", bool(training)),
        ("eps", float(eps)),
        ("update", update_stats),
        ("count", track_count),
        ("cumulative", cumulative),
    )
    operands = (
        input,
        weight,
        bias,
        running_mean,
        running_var,
        num_batches_tracked if track_count else None,
        0.0 if cumulative else float(momentum),
    )
    out = apply(OPS["batch_norm"], operands, static)
    if not isinstance(out, tuple):
        return out
    result = out[0]
    if update_stats:
        _set_buffer(running_mean, out[1])
        _set_buffer(running_var, out[2])
    if track_count:
        _set_buffer(num_batches_tracked, out[-1])
    return result


def _set_buffer(buf, new):
    buf._write_data(new._value)


def batch_norm(
    input,
    running_mean,
    running_var,
    weight=None,
    bias=None,
    training=False,
    momentum=0.1,
    eps=1e-05,
):
    return _batch_norm(input, running_mean, running_var, weight, bias, training, momentum, eps)


def instance_norm(
    input,
    running_mean=None,
    running_var=None,
    weight=None,
    bias=None,
    use_input_stats=True,
    momentum=0.1,
    eps=1e-05,
):
    """Batch norm of the (1, N*C, ...) reshaped input, as PyTorch computes it."""
    n, c = input.shape[0], input.shape[1]
    x = input.reshape(1, n * c, *input.shape[2:])
    rm = None if running_mean is None else running_mean.repeat(n)
    rv = None if running_var is None else running_var.repeat(n)
    w = None if weight is None else weight.repeat(n)
    b = None if bias is None else bias.repeat(n)
    out = _batch_norm(x, rm, rv, w, b, use_input_stats, momentum, eps)
    if rm is not None and use_input_stats:
        with grad_mode.no_grad():
            _set_buffer(running_mean, rm.view(n, c).mean(0))
            _set_buffer(running_var, rv.view(n, c).mean(0))
    return out.view(*input.shape)


@_autocast.region("layer_norm")
def layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-05):
    shape = (
        _ntuple(normalized_shape, 1)
        if isinstance(normalized_shape, int)
        else tuple(normalized_shape)
    )
    n = len(shape)
    if tuple(input.shape[input.ndim - n :]) != shape or input.ndim < n:
        raise RuntimeError(
            f"Given normalized_shape={list(shape)}, expected input with shape "
            f"[*, {', '.join(map(str, shape))}], but got input of size{list(input.shape)}"
        )
    return apply(OPS["layer_norm"], (input, weight, bias), (("n_axes", n), ("eps", float(eps))))


def rms_norm(input, normalized_shape, weight=None, eps=None):
    shape = (
        _ntuple(normalized_shape, 1)
        if isinstance(normalized_shape, int)
        else tuple(normalized_shape)
    )
    return apply(OPS["rms_norm"], (input, weight), (("n_axes", len(shape)), ("eps", eps)))


@_autocast.region("group_norm")
def group_norm(input, num_groups, weight=None, bias=None, eps=1e-05):
    if input.ndim < 2:
        raise RuntimeError(
            f"Expected at least 2 dimensions for input tensor but received {input.ndim}"
        )
    if input.shape[1] % num_groups:
        raise RuntimeError(
            "Expected number of channels in input to be divisible by num_groups, but got input "
            f"of shape {list(input.shape)} and num_groups={num_groups}"
        )
    channels = input.shape[1]
    if weight is not None and (weight.ndim != 1 or weight.numel() != channels):
        raise RuntimeError(
            "Expected weight to be a vector of size equal to the number of channels in input, "
            f"but got weight of shape {list(weight.shape)} and input of shape {list(input.shape)}"
        )
    if bias is not None and (bias.ndim != 1 or bias.numel() != channels):
        # PyTorch's check prints the weight's sizes here ([0] without a weight)
        shown = list(weight.shape) if weight is not None else [0]
        raise RuntimeError(
            "Expected bias to be a vector of size equal to the number of channels in input, "
            f"but got bias of shape {shown} and input of shape {list(input.shape)}"
        )
    return apply(
        OPS["group_norm"], (input, weight, bias), (("groups", num_groups), ("eps", float(eps)))
    )


def local_response_norm(input, size, alpha=1e-4, beta=0.75, k=1.0):
    return apply(
        OPS["local_response_norm"],
        (input,),
        (("size", size), ("alpha", alpha), ("beta", beta), ("k", k)),
    )


def normalize(input, p=2.0, dim=1, eps=1e-12, out=None):
    denom = input.norm(p, dim, keepdim=True).clamp_min(eps).expand_as(input)
    return input / denom


# ---------------------------------------------------------------------------------- dropout
def _bernoulli_like(shape_src, shape, p, scale=None):
    """``empty(shape).bernoulli_(p)`` as PyTorch draws it for ``shape_src``, then divided by
    ``scale`` (dropout's ``div_(1 - p)``) if given."""
    order = _memory_order(shape_src) if tuple(shape) == tuple(shape_src.shape) else None
    if order is not None:
        # PyTorch's mask is empty_like(input), which keeps a permuted input's layout, and the
        # generator fills it in memory order: a batch_first attention's transposed output
        # gets its mask drawn along its storage, not along its logical index
        shape = tuple(shape[d] for d in order)
    noise, scaled = _sample.bernoulli_mask(shape, shape_src.dtype, p, scale)
    if scale is not None and not scaled:
        noise = noise.div_(scale)
    if order is not None:
        noise = noise.permute(*sorted(range(len(order)), key=order.__getitem__))
    return noise


def _memory_order(t):
    return _layout.memory_order(tuple(t.shape), t.stride())


def _uniform_like(input, low, high):
    noise = _factories.empty(*input.shape, dtype=input.dtype)
    return _sample.uniform_(noise, low, high)


def _exponential_like(input):
    noise = _factories.empty(*input.shape, dtype=input.dtype)
    return _sample.exponential_(noise)


def _check_p(p):
    if p < 0.0 or p > 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")


def _dropout(input, p, training, inplace, noise_shape):
    _check_p(p)
    if p == 0 or not training or input.numel() == 0:
        return input
    if p == 1:
        zero = _factories.zeros((), dtype=input.dtype)
        return input.mul_(zero) if inplace else input * zero
    if input.is_meta:  # no mask to draw: the result's shape only
        noise = _factories.empty(*input.shape, dtype=input.dtype, device=input.device)
        return input.mul_(noise) if inplace else input * noise
    if noise_shape is None:  # (PyTorch checks this only where it draws the noise)
        raise RuntimeError("Feature dropout requires at least 2 dimensions in the input")
    with grad_mode.no_grad():
        noise = _bernoulli_like(input, noise_shape, 1 - p, scale=1 - p)
    return input.mul_(noise) if inplace else input * noise


def dropout(input, p=0.5, training=True, inplace=False):
    return _dropout(input, p, training, inplace, tuple(input.shape))


def _feature_dropout(input, p, training, inplace, unbatched=False):
    """PyTorch's feature dropout: one draw per (sample, channel), the noise of shape
    ``(N, C, 1, ...)``; ``unbatched``: the input is one sample (PyTorch unsqueezes it), so one
    draw per channel, the first dim."""
    d = input.ndim + unbatched
    shape = None if d < 2 else tuple(input.shape[: 2 - unbatched]) + (1,) * (d - 2)
    return _dropout(input, p, training, inplace, shape)


def _feature_note(name, dims):
    return (
        f"Note that {name} exists to provide channel-wise dropout on inputs with {dims} spatial "
        f"dimension{'s' if dims > 1 else ''}, a channel dimension, and an optional batch "
        f"dimension (i.e. {dims + 1}D or {dims + 2}D inputs)."
    )


def _feature_warning(name, dims, ndim):
    warnings.warn(
        f"{name}: Received a {ndim}-D input to {name}, which is deprecated and will result in "
        "an error in a future release. To retain the behavior and silence this warning, please "
        f"use dropout instead. {_feature_note(name, dims)}",
        stacklevel=3,
    )


def dropout1d(input, p=0.5, training=True, inplace=False):
    _check_p(p)
    if input.ndim not in (2, 3):
        raise RuntimeError(
            f"dropout1d: Expected 2D or 3D input, but received a {input.ndim}D input. "
            + _feature_note("dropout1d", 1)
        )
    return _feature_dropout(input, p, training, inplace, unbatched=input.ndim == 2)


def dropout2d(input, p=0.5, training=True, inplace=False):
    # PyTorch's rules: other ranks warn and run; a 3-D input is taken as (N, C, L), not as
    # one unbatched (C, H, W) sample, with a warning saying so
    _check_p(p)
    if input.ndim not in (3, 4):
        _feature_warning("dropout2d", 2, input.ndim)
    if input.ndim == 3:
        warnings.warn(
            "dropout2d: Received a 3D input to dropout2d and assuming that channel-wise 1D "
            "dropout behavior is desired - input is interpreted as shape (N, C, L), where C is "
            "the channel dim. This behavior will change in a future release to interpret the "
            "input as one without a batch dimension, i.e. shape (C, H, W). To maintain the 1D "
            "channel-wise dropout behavior, please switch to using dropout1d instead.",
            stacklevel=2,
        )
    return _feature_dropout(input, p, training, inplace)


def dropout3d(input, p=0.5, training=True, inplace=False):
    _check_p(p)
    if input.ndim not in (4, 5):
        _feature_warning("dropout3d", 3, input.ndim)
    return _feature_dropout(input, p, training, inplace, unbatched=input.ndim != 5)


def alpha_dropout(input, p=0.5, training=False, inplace=False):
    return _alpha_dropout(input, p, training, tuple(input.shape))


def _alpha_dropout(input, p, training, noise_shape):
    _check_p(p)
    if p == 0 or not training or input.numel() == 0:
        return input
    alpha_prime = -_SELU_ALPHA * _SELU_SCALE
    a = ((1 - p) * (1 + p * alpha_prime**2)) ** -0.5
    b = -a * alpha_prime * p
    with grad_mode.no_grad():
        keep = _bernoulli_like(input, noise_shape, 1 - p)
        fill = (1 - keep) * (a * alpha_prime)
    return input * (keep * a) + (fill + b)


def feature_alpha_dropout(input, p=0.5, training=False, inplace=False):
    # whole channels are dropped: one draw per (sample, channel)
    if training and p != 0 and input.ndim < 2:
        raise RuntimeError("Feature dropout requires at least 2 dimensions in the input")
    shape = tuple(input.shape[:2]) + (1,) * (input.ndim - 2)
    return _alpha_dropout(input, p, training, shape)


# ---------------------------------------------------------------------------------- embedding
def _check_indices(input, n, what="embedding", bag_kernel=None):
    if input.dtype not in (D.int64, D.int32):
        raise RuntimeError(
            "Expected tensor for argument #1 'indices' to have one of the following scalar "
            f"types: Long, Int; but got {_tensor_type(input)} instead (while checking arguments "
            f"for {what})"
        )
    bad = first_out_of_range(input, 0, n)  # one fused check (torchlike.set_checks)
    if bad is None:
        return
    if bag_kernel is None:
        raise IndexError("index out of range in self")
    # EmbeddingBag: each of PyTorch's CPU kernels words it its own way
    if bag_kernel == "index_select_add":
        flat = np.asarray(input._value).reshape(-1)
        at = int(np.flatnonzero((flat < 0) | (flat >= n))[0])
        raise RuntimeError(
            f"Index {at} of input takes value {bad} which is not in the valid range [0, {n})"
        )
    raise RuntimeError(
        f"embedding_bag: Expected idx >= 0 && idx < num_embeddings but found idx to be {bad}"
    )


def embedding(
    input,
    weight,
    padding_idx=None,
    max_norm=None,
    norm_type=2.0,
    scale_grad_by_freq=False,
    sparse=False,
):
    n = weight.shape[0]
    if padding_idx is not None:
        if padding_idx > 0:
            if padding_idx >= n:
                raise AssertionError("Padding_idx must be within num_embeddings")
        elif padding_idx < 0:
            if padding_idx < -n:
                raise AssertionError("Padding_idx must be within num_embeddings")
            padding_idx = n + padding_idx
    _check_indices(input, n)
    if max_norm is not None:
        _embedding_renorm_(weight, input, max_norm, norm_type)
    static = (
        ("padding_idx", -1 if padding_idx is None else padding_idx),
        ("scale_grad_by_freq", bool(scale_grad_by_freq)),
    )
    if sparse:
        static += _sparse_grad_static()
    return apply(OPS["embedding"], (weight, input), static)


def _sparse_grad_static():
    """The static argument marking an embedding whose weight gets a sparse gradient; the
    engine is told how to make one the first time."""
    _graph.SPARSE_GRAD[0] = _sparse_weight_grad
    return (("sparse", True),)


def _sparse_weight_grad(grad, nodes):
    """An embedding weight's gradient as PyTorch gives it with ``sparse=True``: a sparse COO
    tensor over the rows the inputs looked up (``padding_idx`` left out).  Each row appears
    once, with its summed gradient: PyTorch lists every lookup uncoalesced, the same tensor
    after ``coalesce()``."""
    rows = []
    for node in nodes:
        if node._op.name == "embedding_bag":
            idx = np.asarray(node._saved[2].value).reshape(-1)
            idx = idx[: int(node._saved[4].value)]  # (its padding to a bucket length)
        else:
            idx = np.asarray(node._saved[1].value).reshape(-1)
        pad = dict(node._static[1]).get("padding_idx")
        if pad is not None and pad >= 0:
            idx = idx[idx != pad]
        rows.append(idx)
    unique = np.unique(np.concatenate(rows)).astype(np.int64)
    indices = Tensor._make(jnp.asarray(unique[None, :]))
    values = Tensor._make(jnp.take(grad._value, jnp.asarray(unique), axis=0))
    return _sparse_coo.SparseCOOTensor._new(indices, values, tuple(grad.shape), coalesced=False)


def _embedding_renorm_(weight, input, max_norm, norm_type):
    """Rescale, in place and without gradient, the rows ``input`` uses to norm <= max_norm."""
    rows = np.unique(_host(input).reshape(-1))
    w = weight._value
    sel = w[rows]
    norms = jnp.sum(jnp.abs(sel) ** norm_type, axis=1) ** (1.0 / norm_type)
    scale = jnp.where(norms > max_norm, max_norm / (norms + 1e-7), 1.0).astype(w.dtype)
    weight._write_data(w.at[rows].set(sel * scale[:, None]))


def embedding_bag(
    input,
    weight,
    offsets=None,
    max_norm=None,
    norm_type=2,
    scale_grad_by_freq=False,
    mode="mean",
    sparse=False,
    per_sample_weights=None,
    include_last_offset=False,
    padding_idx=None,
):
    if mode not in ("sum", "mean", "max"):
        raise ValueError(f"mode has to be one of sum, mean or max, but got {mode}")
    if per_sample_weights is not None and mode != "sum":
        raise NotImplementedError(
            "embedding_bag: per_sample_weights was not None. "
            "per_sample_weights is only supported for mode='sum' (got "
            f"mode='{mode}'). Please open a feature request on GitHub."
        )
    if per_sample_weights is not None and tuple(input.shape) != tuple(per_sample_weights.shape):
        raise ValueError(
            f"embedding_bag: If per_sample_weights ({per_sample_weights.shape}) is not None, "
            f"then it must have the same shape as the input ({input.shape})"
        )
    if input.ndim not in (1, 2):
        raise ValueError(
            f"input has to be 1D or 2D Tensor, but got Tensor of dimension {input.ndim}"
        )
    if input.ndim == 2:
        if offsets is not None:
            kind = "<class 'torch.Tensor'>" if isinstance(offsets, Tensor) else str(type(offsets))
            raise ValueError(
                "if input is 2D, then offsets has to be None, as input is treated is a mini-batch "
                f"of fixed length sequences. However, found offsets of type {kind}"
            )
        b, length = input.shape
        n_used = None
        offsets_np = np.arange(0, b * length, length)
        flat = input.reshape(-1)
        psw = None if per_sample_weights is None else per_sample_weights.reshape(-1)
    else:
        if offsets is None:
            raise ValueError("offsets has to be a 1D Tensor but got None")
        if offsets.ndim != 1:
            raise ValueError("offsets has to be a 1D Tensor")
        n_used = None
        offsets_np = _host(offsets).astype(np.int64)
        if offsets_np.size and offsets_np[0] != 0:
            raise RuntimeError(
                "offsets[0] has to be 0, i.e., the first sequence in the mini-batch has to "
                f"start from position 0. However, got {offsets_np[0]}\n[ torch.LongTensor{{}} ]"
            )
        if offsets_np.size and offsets_np[-1] > input.shape[0]:
            raise RuntimeError(
                f"offsets[-1] can not be greater than input's length {input.shape[0]} but got "
                f"offsets[-1] of {offsets_np[-1]}"
            )
        if include_last_offset:
            # PyTorch's CPU sum/mean kernel ends the last bag at offsets[-1]; its max kernel
            # and its padding_idx path run the last bag to the end of the input
            if offsets_np.size and mode != "max" and padding_idx is None:
                n_used = int(offsets_np[-1])
            offsets_np = offsets_np[:-1]
        flat = input
        psw = per_sample_weights
    fast = mode != "max" and padding_idx is None  # PyTorch's index_select_add kernel
    _check_indices(
        input, weight.shape[0], "embedding_bag", "index_select_add" if fast else "generic"
    )
    if padding_idx is not None and padding_idx < 0:
        padding_idx = weight.shape[0] + padding_idx
    if max_norm is not None:
        _embedding_renorm_(weight, flat, max_norm, norm_type)
    offs = Tensor._make(jnp.asarray(offsets_np, jnp.int64))
    static = (("mode", mode), ("n_bags", len(offsets_np)), ("padding_idx", padding_idx))
    if sparse:
        static += _sparse_grad_static()
    flat, psw, n_valid = _bucketed(flat, psw, n_used)
    return apply(OPS["embedding_bag"], (weight, psw, flat, offs, n_valid), static)


def _bucketed(flat, psw, n_used=None):
    """The bag input padded on the host to the next power of two (at least 16) and its true
    length: text batches give every step a new total length, and each would otherwise compile
    the bag's forward and backward anew.  The padding takes part in no bag (exact), nor do the
    entries from ``n_used`` on (those after the last offset with ``include_last_offset``)."""
    n = flat.shape[0]
    size = max(16, 1 << max(n - 1, 0).bit_length())
    used = n if n_used is None else n_used
    n_valid = _N_VALID.get(used)
    if n_valid is None:
        n_valid = Tensor._make(jax.device_put(np.int32(used)))
        if len(_N_VALID) < 4096:
            _N_VALID[used] = n_valid
    if size == n:
        return flat, psw, n_valid
    idx = np.zeros(size, np.asarray(flat._value).dtype)
    idx[:n] = np.asarray(flat._value)
    flat = Tensor._make(jax.device_put(idx), flat._dtype)
    if psw is not None:
        if psw.requires_grad and grad_mode.is_grad_enabled():
            pass  # the op pads it, so the node's edge is psw's own (PyTorch's graph)
        else:
            w = np.zeros(size, np.asarray(psw._value).dtype)
            w[:n] = np.asarray(psw._value)
            psw = Tensor._make(jax.device_put(w), psw._dtype)
    return flat, psw, n_valid


_N_VALID: dict = {}  # the 0-d length operands, made once per length


def _one_hot(tensor, num_classes=-1):
    if tensor.dtype is not D.int64:
        raise RuntimeError("one_hot is only applicable to index tensor of type LongTensor.")
    values = _host(tensor)
    if values.size and values.min() < 0:
        raise RuntimeError("Class values must be non-negative.")
    if num_classes == -1:
        if values.size == 0:
            raise RuntimeError("Can not infer total number of classes from empty tensor.")
        num_classes = int(values.max()) + 1
    elif values.size and values.max() >= num_classes:
        raise RuntimeError("Class values must be smaller than num_classes.")
    return apply(OPS["one_hot"], (tensor,), (("num_classes", int(num_classes)),))


one_hot = int_checked(_one_hot, "one_hot", ("num_classes",))
one_hot.__name__ = one_hot.__qualname__ = "one_hot"


# ---------------------------------------------------------------------------------- padding
_PAD_COMBOS = (
    "Supported combinations for non-constant padding:\n"
    "  - 2D or 3D input: padding size = 2 (pads last dimension)\n"
    "  - 3D or 4D input: padding size = 4 (pads last 2 dimensions)\n"
    "  - 4D or 5D input: padding size = 6 (pads last 3 dimensions)"
)


def _pad(input, pad, mode="constant", value=None):
    pad = tuple(int(p) for p in pad)
    if len(pad) % 2:
        raise RuntimeError("Padding length must be divisible by 2")
    k = len(pad) // 2
    if k > input.ndim:
        raise RuntimeError(
            "Padding length should be less than or equal to two times the input "
            f"dimension but got padding length {len(pad)} and input of dimension "
            f"{input.ndim}"
        )
    # pad lists (left, right) pairs from the last dimension backwards
    pairs = tuple((pad[2 * i], pad[2 * i + 1]) for i in reversed(range(k)))
    if mode == "constant":
        return apply(
            OPS["constant_pad_nd"],
            (input,),
            (("pads", pairs), ("value", 0 if value is None else value)),
        )
    if value is not None and value != 0:
        raise RuntimeError(f'Padding mode "{mode}" doesn\'t take in value argument')
    if mode not in ("reflect", "replicate", "circular"):
        raise NotImplementedError(f"Unrecognised padding mode {mode}")
    if input.ndim not in (k + 1, k + 2):
        raise NotImplementedError(
            f"Padding size {len(pad)} is not supported for {input.ndim}D "
            f"input tensor.\n{_PAD_COMBOS}"
        )
    for i, (lo, hi) in enumerate(pairs):
        d = input.ndim - k + i
        n = input.shape[d]
        if mode == "reflect" and (lo >= n or hi >= n):
            raise RuntimeError(
                f"Argument #4: Padding size should be less than the corresponding input "
                f"dimension, but got: padding ({lo}, {hi}) at dimension {d} of input "
                f"{list(input.shape)}"
            )
        if mode == "circular":
            if lo > n or hi > n:
                raise RuntimeError("Padding value causes wrapping around more than once.")
            # PyTorch copies the wrapped part out of the cropped middle in place; when the
            # middle is shorter than a pad the copy overlaps itself and it refuses
            kept = n - max(-lo, 0) - max(-hi, 0)
            if 0 < kept < max(lo, hi) and min(lo, hi) < 0:
                raise RuntimeError(
                    "unsupported operation: some elements of the input tensor and the "
                    "written-to tensor refer to a single memory location. Please clone() the "
                    "tensor before performing the operation."
                )
    if mode != "circular":
        sizes = input.shape[input.ndim - k :]
        outs = [n + lo + hi for n, (lo, hi) in zip(sizes, pairs)]
        # PyTorch refuses only when every padded dimension comes out empty
        if all(o < 1 for o in outs):
            names = "DHW"[3 - k :]
            given = " ".join(f"{a}: {n}" for a, n in zip(names, sizes))
            if k > 1:
                given = given[: given.rfind(" W")] + ", " + given[given.rfind("W") :]
            if mode == "replicate" and k == 2:
                given += " "
            raise RuntimeError(
                f"input ({given}) is too small. Calculated output "
                f"{' '.join(f'{a}: {o}' for a, o in zip(names, outs))}"
            )
    name = {
        "reflect": f"reflection_pad{k}d",
        "replicate": f"replication_pad{k}d",
        "circular": "circular_pad",
    }[mode]
    return apply(OPS[name], (input,), (("pads", pairs), ("mode", mode)))


pad = int_checked(_pad, "pad", (), int_lists=("pad",), positional_only=True)
pad.__name__ = pad.__qualname__ = "pad"


# ---------------------------------------------------------------------------------- resampling
_INTERP_DIMS = {"linear": 1, "bilinear": 2, "bicubic": 2, "trilinear": 3}


def _check_interpolate_dtype(input, mode, dim):
    """PyTorch's CPU resampling kernels take floats, and uint8 only for nearest, bilinear and
    bicubic; the others fail naming the kernel that refused."""
    dtype = input.dtype
    if dtype.is_floating_point or (dtype is D.uint8 and mode in _UINT8_MODES):
        return
    if mode == "area":
        return  # adaptive_avg_pool raises its own error
    if mode in ("nearest", "nearest-exact"):
        kernel = (
            "upsample_nearest2d_channels_last" if dim == 2 else "compute_indices_weights_nearest"
        )
    elif mode == "bilinear":
        kernel = "upsample_bilinear2d_channels_last"
    elif mode == "bicubic":
        kernel = "compute_indices_weights_cubic"
    elif mode in ("linear", "trilinear"):
        kernel = "compute_indices_weights_linear"
    else:
        return
    raise NotImplementedError(f"\"{kernel}\" not implemented for '{_type_name(dtype)}'")


_UINT8_MODES = ("nearest", "nearest-exact", "bilinear", "bicubic")


def interpolate(
    input,
    size=None,
    scale_factor=None,
    mode="nearest",
    align_corners=None,
    recompute_scale_factor=None,
    antialias=False,
):
    if mode in ("nearest", "area", "nearest-exact"):
        if align_corners is not None:
            raise ValueError(
                "align_corners option can only be set with the interpolating "
                "modes: linear | bilinear | bicubic | trilinear"
            )
    elif align_corners is None:
        align_corners = False
    dim = input.ndim - 2
    if size is not None and scale_factor is not None:
        raise ValueError("only one of size or scale_factor should be defined")
    if size is not None:
        sizes = tuple(size) if isinstance(size, (list, tuple)) else (size,) * dim
        if len(sizes) != dim:
            raise ValueError(
                "Input and output must have the same number of spatial dimensions, but got "
                f"input with spatial dimensions of {list(input.shape[2:])} and output size of "
                f"{sizes}. Please provide input tensor in (N, C, d1, d2, ...,dK) format and "
                "output size in (o1, o2, ...,oK) format."
            )
        scales = (None,) * dim
    elif scale_factor is not None:
        scales = (
            tuple(float(s) for s in scale_factor)
            if isinstance(scale_factor, (list, tuple))
            else (float(scale_factor),) * dim
        )
        if len(scales) != dim:
            raise ValueError(
                "Input and scale_factor must have the same number of spatial dimensions, but "
                f"got input with spatial dimensions of {list(input.shape[2:])} and scale_factor "
                f"of shape {list(scale_factor)}. Please provide input tensor in (N, C, d1, d2, "
                "...,dK) format and scale_factor in (s1, s2, ...,sK) format."
            )
        sizes = tuple(int(math.floor(float(n) * s)) for n, s in zip(input.shape[2:], scales))
        if recompute_scale_factor:
            scales = (None,) * dim
    else:
        raise ValueError("either size or scale_factor should be defined")
    sizes = tuple(int(s) for s in sizes)
    if antialias and not (mode in ("bilinear", "bicubic", "lanczos") and input.ndim == 4):
        raise ValueError(
            "Anti-alias option is restricted to bilinear, bicubic, and lanczos modes and "
            "requires a 4-D tensor as input"
        )
    if mode == "lanczos" and input.ndim == 4:
        if align_corners:
            raise ValueError("Lanczos mode does not support align_corners=True")
        if not antialias:
            raise ValueError("Lanczos mode requires antialias=True")
    if antialias:
        # the antialiased kernels take float32/float64 and uint8 only
        if input.dtype not in (D.float32, D.float64, D.uint8):
            raise NotImplementedError(
                f"\"compute_index_ranges_weights\" not implemented for '{_type_name(input.dtype)}'"
            )
        return apply(
            OPS[f"_upsample_{mode}2d_aa"],
            (input,),
            (
                ("sizes", sizes),
                ("scales", scales),
                ("align_corners", bool(align_corners)),
                ("kind", mode),
            ),
        )
    _check_interpolate_dtype(input, mode, dim)
    if mode in ("nearest", "nearest-exact"):
        if dim not in (1, 2, 3):
            raise NotImplementedError(
                f"Input Error: Only 3D, 4D and 5D input Tensors supported (got {input.ndim}D) "
                f"for the modes: nearest | linear | bilinear | bicubic | trilinear | lanczos | "
                f"area | nearest-exact (got {mode})"
            )
        exact = mode == "nearest-exact"
        key = f"upsample_nearest_exact{dim}d" if exact else f"upsample_nearest{dim}d"
        return apply(OPS[key], (input,), (("sizes", sizes), ("scales", scales), ("exact", exact)))
    if mode == "area":
        return {1: adaptive_avg_pool1d, 2: adaptive_avg_pool2d, 3: adaptive_avg_pool3d}[dim](
            input, sizes
        )
    need = _INTERP_DIMS.get(mode)
    if need is None:
        raise NotImplementedError(
            f"Input Error: Only 3D, 4D and 5D input Tensors supported (got {input.ndim}D) for "
            f"the modes: nearest | linear | bilinear | bicubic | trilinear | lanczos | area | "
            f"nearest-exact (got {mode})"
        )
    if dim != need:
        raise NotImplementedError(
            f"Got {input.ndim}D input, but {mode} mode needs {need + 2}D input"
        )
    key = {
        "linear": "upsample_linear1d",
        "bilinear": "upsample_bilinear2d",
        "bicubic": "upsample_bicubic2d",
        "trilinear": "upsample_trilinear3d",
    }[mode]
    return apply(
        OPS[key],
        (input,),
        (
            ("sizes", sizes),
            ("scales", scales),
            ("align_corners", bool(align_corners)),
            ("cubic", mode == "bicubic"),
        ),
    )


def upsample(input, size=None, scale_factor=None, mode="nearest", align_corners=None):
    warnings.warn(
        "`nn.functional.upsample` is deprecated. Use `nn.functional.interpolate` instead.",
        stacklevel=2,
    )
    return interpolate(input, size, scale_factor, mode, align_corners)


def upsample_nearest(input, size=None, scale_factor=None):
    warnings.warn(
        "`nn.functional.upsample_nearest` is deprecated. Use `nn.functional.interpolate` instead.",
        stacklevel=2,
    )
    return interpolate(input, size, scale_factor, mode="nearest")


def upsample_bilinear(input, size=None, scale_factor=None):
    warnings.warn(
        "`nn.functional.upsample_bilinear` is deprecated. Use `nn.functional.interpolate` instead.",
        stacklevel=2,
    )
    return interpolate(input, size, scale_factor, mode="bilinear", align_corners=True)


def _check_pixel_shuffle(name, input, factor, what):
    if input.ndim < 3:
        raise RuntimeError(
            f"{name} expects input to have at least 3 dimensions, but got input with "
            f"{input.ndim} dimension(s)"
        )
    if factor <= 0:
        raise RuntimeError(f"{name} expects a positive {what}, but got {factor}")


def pixel_shuffle(input, upscale_factor):
    r = int(upscale_factor)
    _check_pixel_shuffle("pixel_shuffle", input, r, "upscale_factor")
    c = input.shape[-3]
    if c % (r * r):
        raise RuntimeError(
            "pixel_shuffle expects its input's 'channel' dimension to be divisible by the "
            f"square of upscale_factor, but input.size(-3)={c} is not divisible by {r * r}"
        )
    return apply(OPS["pixel_shuffle"], (input,), (("r", r),))


def pixel_unshuffle(input, downscale_factor):
    r = int(downscale_factor)
    _check_pixel_shuffle("pixel_unshuffle", input, r, "downscale_factor")
    for dim, side in ((-2, "height"), (-1, "width")):
        if input.shape[dim] % r:
            raise RuntimeError(
                f"pixel_unshuffle expects {side} to be divisible by downscale_factor, but "
                f"input.size({dim})={input.shape[dim]} is not divisible by {r}"
            )
    return apply(OPS["pixel_unshuffle"], (input,), (("r", r),))


def _check_channel_shuffle(input, groups):
    if input.ndim <= 2:
        raise RuntimeError(
            "channel_shuffle expects input with > 2 dims, but got input with sizes "
            f"[{', '.join(map(str, input.shape))}]"
        )
    if groups <= 0:
        raise RuntimeError(
            f"Number of groups to divide channels in must be positive. Value of groups:{groups}"
        )
    if input.shape[1] % groups:
        raise RuntimeError(
            f"Number of channels must be divisible by groups. Got {input.shape[1]} channels "
            f"and {groups} groups."
        )


def channel_shuffle(input, groups):
    groups = int(groups)
    _check_channel_shuffle(input, groups)
    return apply(OPS["channel_shuffle"], (input,), (("groups", groups),))


def native_channel_shuffle(input, groups):
    groups = int(groups)
    _check_channel_shuffle(input, groups)
    return apply(OPS["native_channel_shuffle"], (input,), (("groups", groups),))


def affine_grid(theta, size, align_corners=None):
    if align_corners is None:
        warnings.warn(
            "Default grid_sample and affine_grid behavior has changed to align_corners=False "
            "since 1.3.0. Please specify align_corners=True if the old behavior is desired. See "
            "the documentation of grid_sample for details.",
            stacklevel=2,
        )
        align_corners = False
    if not theta.dtype.is_floating_point:
        raise ValueError(f"Expected theta to have floating point type, but got {theta.dtype}")
    given, size = size, tuple(int(n) for n in size)
    if len(size) == 4:
        if theta.ndim != 3 or tuple(theta.shape[-2:]) != (2, 3):
            raise ValueError(
                "Expected a batch of 2D affine matrices of shape Nx2x3 for size "
                f"{given}. Got {theta.shape}."
            )
    elif len(size) == 5:
        if theta.ndim != 3 or tuple(theta.shape[-2:]) != (3, 4):
            raise ValueError(
                "Expected a batch of 3D affine matrices of shape Nx3x4 for size "
                f"{given}. Got {theta.shape}."
            )
    else:
        raise NotImplementedError(
            "affine_grid only supports 4D and 5D sizes, for 2D and 3D affine transforms, "
            f"respectively. Got size {given}."
        )
    if align_corners and min(size[2:]) == 1:
        warnings.warn(
            "Since version 1.3.0, affine_grid behavior has changed for unit-size grids when "
            "align_corners=True. This is not an intended use case of affine_grid. See the "
            "documentation of affine_grid for details.",
            stacklevel=2,
        )
    elif min(size) <= 0:
        raise ValueError(f"Expected non-zero, positive output size. Got {given}")
    align_corners = bool(align_corners)
    axes = tuple(_affine_grid_axis(n, align_corners, theta.dtype) for n in reversed(size[2:]))
    return apply(
        OPS["affine_grid"],
        (theta,),
        (("size", size), ("align_corners", align_corners), ("axes", axes)),
    )


def _affine_grid_axis(n, align_corners, dtype):
    """Normalized [-1, 1] coordinates of n pixel corners (or centers) as PyTorch computes them:
    a linspace in ``dtype``, scaled by (n - 1) and divided by n, each step rounded there. The
    exact centers differ in the last bit, which moves a bilinear sample at a pixel center (an
    identity transform) to the other side of it and changes the gradient of theta."""
    if n == 1:
        return (0.0,)
    values = _factories._linspace_float(-1.0, 1.0, n, dtype._np.type).astype(dtype._np)
    if not align_corners:
        values = (values * np.asarray(n - 1, dtype._np)).astype(dtype._np)
        values = (values / np.asarray(n, dtype._np)).astype(dtype._np)
    return tuple(float(v) for v in values)


def grid_sample(input, grid, mode="bilinear", padding_mode="zeros", align_corners=None):
    if mode not in ("bilinear", "nearest", "bicubic"):
        raise ValueError(
            "nn.functional.grid_sample(): expected mode to be 'bilinear', 'nearest' or "
            f"'bicubic', but got: '{mode}'"
        )
    if padding_mode not in ("zeros", "border", "reflection"):
        raise ValueError(
            "nn.functional.grid_sample(): expected padding_mode to be 'zeros', 'border', or "
            f"'reflection', but got: '{padding_mode}'"
        )
    if align_corners is None:
        warnings.warn(
            "Default grid_sample and affine_grid behavior has changed to align_corners=False "
            "since 1.3.0. Please specify align_corners=True if the old behavior is desired. See "
            "the documentation of grid_sample for details.",
            stacklevel=2,
        )
        align_corners = False
    if input.shape[0] != grid.shape[0]:
        raise RuntimeError(
            "grid_sampler(): expected grid and input to have same batch size, but got input "
            f"with sizes {list(input.shape)} and grid with sizes {list(grid.shape)}"
        )
    if input.ndim != grid.ndim:
        raise RuntimeError(
            f"grid_sampler(): expected {input.ndim}D input and grid with same number of "
            f"dimensions, but got input with sizes {list(input.shape)} and grid with sizes "
            f"{list(grid.shape)}"
        )
    nd = input.ndim - 2
    if grid.shape[-1] != nd:
        raise RuntimeError(
            f"grid_sampler(): expected grid to have size {nd} in last dimension, but got grid "
            f"with sizes {list(grid.shape)}"
        )
    if mode == "bicubic" and nd != 2:
        raise RuntimeError("grid_sampler(): bicubic interpolation only supports 4D input")
    if input.dtype is not grid.dtype:
        raise RuntimeError(
            f"expected scalar type {_type_name(input.dtype)} but found {_type_name(grid.dtype)}"
        )
    return apply(
        OPS[f"grid_sampler_{nd}d"],
        (input, grid),
        (("mode", mode), ("padding_mode", padding_mode), ("align_corners", bool(align_corners))),
    )


# ---------------------------------------------------------------------------------- distances
@_autocast.region("cosine_similarity")
def cosine_similarity(x1, x2, dim=1, eps=1e-8):
    # each side is normalized first (PyTorch's numerically careful order), then the dot product
    n1 = x1.norm(2, dim, keepdim=True).clamp_min(eps)
    n2 = x2.norm(2, dim, keepdim=True).clamp_min(eps)
    return ((x1 / n1) * (x2 / n2)).sum(dim)


def pairwise_distance(x1, x2, p=2.0, eps=1e-6, keepdim=False):
    diff = x1 - x2 + eps
    dim = max(diff.ndim - 1, 0)
    return apply(
        OPS["norm_dim"],
        (diff,),
        (("p", float(p)), ("dim", (dim,) if diff.ndim else ()), ("keepdim", keepdim)),
    )


@_autocast.region("pdist")
def pdist(input, p=2):
    n = input.shape[0]
    i, j = np.triu_indices(n, 1)
    return (input[i.tolist()] - input[j.tolist()]).norm(p, 1)


# ---------------------------------------------------------------------------------- losses
def _check_same_size(name, input, target):
    if tuple(input.shape) != tuple(target.shape):
        warnings.warn(
            f"Using a target size ({target.shape}) that is different to the input size "
            f"({input.shape}). This will likely lead to incorrect results due to broadcasting. "
            "Please ensure they have the same size.",
            stacklevel=4,  # the loss's caller: past the loss and its autocast region's wrapper
        )


@_autocast.region("mse_loss")
def mse_loss(input, target, size_average=None, reduce=None, reduction="mean", weight=None):
    _check_same_size("mse_loss", input, target)
    reduction = _reduction(size_average, reduce, reduction)
    if weight is not None:
        return _reduce(weight * (input - target) ** 2, reduction)
    return apply(OPS["mse_loss"], (input, target), (("reduction", reduction),))


@_autocast.region("l1_loss")
def l1_loss(input, target, size_average=None, reduce=None, reduction="mean", weight=None):
    _check_same_size("l1_loss", input, target)
    reduction = _reduction(size_average, reduce, reduction)
    loss = (input - target).abs()
    if weight is not None:
        loss = loss * weight
    return _reduce(loss, reduction)


@_autocast.region("smooth_l1_loss")
def smooth_l1_loss(input, target, size_average=None, reduce=None, reduction="mean", beta=1.0):
    _check_same_size("smooth_l1_loss", input, target)
    reduction = _reduction(size_average, reduce, reduction)
    if beta < 0:
        raise RuntimeError("smooth_l1_loss does not support negative values for beta.")
    return apply(
        OPS["smooth_l1_loss"], (input, target), (("reduction", reduction), ("beta", float(beta)))
    )


@_autocast.region("huber_loss")
def huber_loss(input, target, reduction="mean", delta=1.0, weight=None):
    _check_same_size("huber_loss", input, target)
    _check_reduction(reduction)
    if delta <= 0:
        raise RuntimeError("huber_loss does not support non-positive values for delta.")
    if weight is not None:
        loss = apply(
            OPS["huber_loss"], (input, target), (("reduction", "none"), ("delta", float(delta)))
        )
        return _reduce(loss * weight, reduction)
    return apply(
        OPS["huber_loss"], (input, target), (("reduction", reduction), ("delta", float(delta)))
    )


@_autocast.region("nll_loss")
def nll_loss(
    input, target, weight=None, size_average=None, ignore_index=-100, reduce=None, reduction="mean"
):
    reduction = _reduction(size_average, reduce, reduction)
    # PyTorch's order: the shapes, the target's dtype, then the kernel's (no integer input)
    if input.ndim < 1:
        raise ValueError(f"Expected 1 or more dimensions (got {input.ndim})")
    if input.ndim >= 2 and input.shape[0] != target.shape[0]:
        raise ValueError(
            f"Expected input batch_size ({input.shape[0]}) to match target "
            f"batch_size ({target.shape[0]})."
        )
    if input.ndim == 2 and target.ndim != 1:
        raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
    # (N, C, d1, ...): PyTorch's 4-d kernel checks the target's rank before its dtype and the
    # sizes after; the other ranks compare the whole expected size first
    if input.ndim == 4 and target.ndim != 3:
        raise RuntimeError(
            "only batches of spatial targets supported (3D tensors) but got targets of "
            f"dimension: {target.ndim}"
        )
    expected = [input.shape[0], *input.shape[2:]]
    if input.ndim >= 3 and input.ndim != 4 and list(target.shape) != expected:
        raise RuntimeError(f"Expected target size {expected}, got {list(target.shape)}")
    if target.dtype not in (D.int64, D.uint8):
        raise RuntimeError(
            f"expected target dtype to be Long or Byte, but got {_type_name(target.dtype)}"
        )
    if input.ndim == 4 and list(target.shape) != expected:
        raise RuntimeError(
            f"size mismatch (got input: {list(input.shape)} , target: {list(target.shape)}"
        )
    if not (input.dtype.is_floating_point or input.dtype.is_complex):
        kernel = "nll_loss2d_forward_out_frame" if input.ndim >= 3 else "nll_loss_out_frame"
        raise NotImplementedError(f"\"{kernel}\" not implemented for '{_type_name(input.dtype)}'")
    n_classes = input.shape[1] if input.ndim >= 2 else input.shape[0]
    bad = first_out_of_range(target, 0, n_classes, ignore=ignore_index)
    if bad is not None:
        raise IndexError(f"Target {bad} is out of bounds.")
    if weight is not None and tuple(weight.shape) != (n_classes,):
        raise RuntimeError(
            f"weight tensor should be defined either for all {n_classes} classes "
            f"or no classes but got weight tensor of shape: {list(weight.shape)}"
        )
    key = "nll_loss2d" if input.ndim >= 3 else "nll_loss"
    return apply(
        OPS[key],
        (input, target, weight),
        (("reduction", reduction), ("ignore_index", ignore_index)),
    )


@_autocast.region("cross_entropy_loss")
def cross_entropy(
    input,
    target,
    weight=None,
    size_average=None,
    ignore_index=-100,
    reduce=None,
    reduction="mean",
    label_smoothing=0.0,
):
    reduction = _reduction(size_average, reduce, reduction)
    if label_smoothing < 0.0 or label_smoothing > 1.0:
        raise RuntimeError(f"label_smoothing must be between 0.0 and 1.0. Got: {label_smoothing}")
    class_dim = 0 if input.ndim == 1 else 1
    n_classes = input.shape[class_dim]
    logp = log_softmax(input, class_dim)
    # class probabilities only when the target has the input's shape, as PyTorch decides;
    # otherwise the target is class indices and nll_loss words what is wrong with it
    if target.dtype.is_floating_point and tuple(target.shape) == tuple(input.shape):
        return _cross_entropy_probs(
            input,
            logp,
            target,
            weight,
            ignore_index,
            reduction,
            label_smoothing,
            class_dim,
            n_classes,
        )
    loss = nll_loss(logp, target, weight, None, ignore_index, None, reduction)
    if label_smoothing <= 0:
        return loss
    # PyTorch: (1 - eps) * nll + eps / C * (sum over classes of -logp, weighted, masked)
    if weight is not None:
        shape = [1] * input.ndim
        shape[class_dim] = n_classes
        smooth = -(logp * weight.view(*shape)).sum(class_dim)
    else:
        smooth = -logp.sum(class_dim)
    mask = target == ignore_index
    smooth = smooth.masked_fill(mask, 0.0)
    if reduction == "mean":
        if weight is not None:
            wsum = (
                weight.gather(0, target.masked_fill(mask, 0).reshape(-1))
                .masked_fill(mask.reshape(-1), 0.0)
                .sum()
            )
            smooth = smooth.sum() / wsum
        else:
            smooth = smooth.sum() / (~mask).sum()
    elif reduction == "sum":
        smooth = smooth.sum()
    return loss * (1 - label_smoothing) + smooth * (label_smoothing / n_classes)


def _cross_entropy_probs(
    input, logp, target, weight, ignore_index, reduction, label_smoothing, class_dim, n_classes
):
    if ignore_index != -100:
        raise RuntimeError("ignore_index is not supported for floating point target")
    if tuple(target.shape) != tuple(input.shape):
        raise RuntimeError(f"Expected target size {list(input.shape)}, got {list(target.shape)}")
    if label_smoothing > 0:
        target = target * (1 - label_smoothing) + label_smoothing / n_classes
    prod = logp * target
    if weight is not None:
        shape = [1] * input.ndim
        shape[class_dim] = n_classes
        prod = prod * weight.view(*shape)
    # PyTorch sums over everything before negating when it reduces (NegBackward0 on top)
    if reduction == "mean":
        n = input.numel() // n_classes if input.ndim > 1 else 1
        return apply(OPS["div_scalar"], (-prod.sum(), n))
    if reduction == "sum":
        return -prod.sum()
    return -prod.sum(class_dim)


@_autocast.region("binary_cross_entropy")
def binary_cross_entropy(
    input, target, weight=None, size_average=None, reduce=None, reduction="mean"
):
    reduction = _reduction(size_average, reduce, reduction)
    if tuple(target.shape) != tuple(input.shape):
        raise ValueError(
            f"Using a target size ({target.shape}) that is different to the input size "
            f"({input.shape}) is deprecated. Please ensure they have the same size."
        )
    if target.dtype is not input.dtype:  # PyTorch's kernel takes one dtype (a Long label too)
        raise RuntimeError(
            f"Found dtype {D.CAST_NAMES[target.dtype]} but expected {D.CAST_NAMES[input.dtype]}"
        )
    v = _host(input)
    if v.size and ((v < 0) | (v > 1)).any():
        raise RuntimeError("all elements of input should be between 0 and 1")
    if weight is not None and weight.requires_grad and grad_mode.is_grad_enabled():
        raise RuntimeError(
            "The function 'binary_cross_entropy' is not differentiable with respect to argument "
            "'weight'. This input cannot have requires_grad True."
        )
    if weight is not None and weight.dtype is not input.dtype:
        weight = weight.to(input.dtype)  # (PyTorch's kernel reads it in the input's dtype)
    if weight is not None and tuple(weight.shape) != tuple(input.shape):
        weight = weight.expand(*input.shape)
    return apply(OPS["binary_cross_entropy"], (input, target, weight), (("reduction", reduction),))


@_autocast.region("binary_cross_entropy_with_logits")
def binary_cross_entropy_with_logits(
    input, target, weight=None, size_average=None, reduce=None, reduction="mean", pos_weight=None
):
    reduction = _reduction(size_average, reduce, reduction)
    _check_reduction(reduction)
    if tuple(target.shape) != tuple(input.shape):
        raise ValueError(
            f"Target size ({target.shape}) must be the same as input size ({input.shape})"
        )
    _check_bce_logits_dtypes(input, target)
    if pos_weight is not None and pos_weight.dtype.is_floating_point:
        if pos_weight.dtype is not input.dtype:
            pos_weight = pos_weight.to(input.dtype)  # (it scales log_sigmoid(input) in place)
    return apply(
        OPS["binary_cross_entropy_with_logits"],
        (input, target, weight, pos_weight),
        (("reduction", reduction),),
    )


def _check_bce_logits_dtypes(input, target):
    """PyTorch computes ``(1 - target).mul_(input)``: an integer or bool target is refused
    there (a Long label is a common slip: it must be float), an integer input by log_sigmoid."""
    if not (input.dtype.is_floating_point or input.dtype.is_complex):
        raise NotImplementedError(
            f"\"log_sigmoid_cpu\" not implemented for '{_type_name(input.dtype)}'"
        )
    if target.dtype is D.bool_:
        raise RuntimeError(
            "Subtraction, the `-` operator, with two bool tensors is not supported. Use the `^` "
            "or `logical_xor()` operator instead."
        )
    result = D.promote_types(target.dtype, input.dtype)
    if not D.can_cast(result, target.dtype):
        raise RuntimeError(
            f"result type {D.CAST_NAMES[result]} can't be cast to the desired output type "
            f"{D.CAST_NAMES[target.dtype]}"
        )


@_autocast.region("kl_div")
def kl_div(input, target, size_average=None, reduce=None, reduction="mean", log_target=False):
    if size_average is not None or reduce is not None:
        reduction = _reduction(size_average, reduce, reduction)
    elif reduction == "batchmean":
        pass
    elif reduction == "mean":
        warnings.warn(
            "reduction: 'mean' divides the total loss by both the batch size and the support "
            "size.'batchmean' divides only by the batch size, and aligns with the KL div math "
            "definition.'mean' will be changed to behave the same as 'batchmean' in the next "
            "major release.",
            stacklevel=3,  # the caller's line: past the autocast region's wrapper
        )
    else:
        _check_reduction(reduction)
    if not (input.dtype.is_floating_point or input.dtype.is_complex) or not (
        target.dtype.is_floating_point or target.dtype.is_complex
    ):
        raise RuntimeError("kl_div: Integral inputs not supported.")
    if log_target:
        loss = target.exp() * (target - input)
    else:
        loss = (
            _f.FUNCTIONS["xlogy"](target, target) - target * input
            if "xlogy" in _f.FUNCTIONS
            else _xlogx(target) - target * input
        )
    if reduction == "batchmean":
        if input.ndim == 0:
            return loss.sum()
        return loss.sum() / input.shape[0]
    return _reduce(loss, reduction)


def _xlogx(t):
    return _f.where(t == 0, 0.0, t * t.log())


@_autocast.region("margin_ranking_loss")
def margin_ranking_loss(
    input1, input2, target, margin=0, size_average=None, reduce=None, reduction="mean"
):
    reduction = _reduction(size_average, reduce, reduction)
    if input1.ndim != input2.ndim or input1.ndim != target.ndim:
        raise RuntimeError(
            f"margin_ranking_loss : All input tensors should have same dimension but got sizes: "
            f"input1: {input1.shape}, input2: {input2.shape}, target: {target.shape} "
        )
    return _reduce((-target * (input1 - input2) + margin).clamp_min(0), reduction)


@_autocast.region("hinge_embedding_loss")
def hinge_embedding_loss(
    input, target, margin=1.0, size_average=None, reduce=None, reduction="mean"
):
    reduction = _reduction(size_average, reduce, reduction)
    margin_clamp = (margin - input).clamp_min(0)
    output_margin = _f.where(target != 1, margin_clamp, 0.0)
    output_self = _f.where(target != -1, input, 0.0)
    return _reduce(output_margin + output_self, reduction)


@_autocast.region("cosine_embedding_loss")
def cosine_embedding_loss(
    input1, input2, target, margin=0, size_average=None, reduce=None, reduction="mean"
):
    reduction = _reduction(size_average, reduce, reduction)
    eps = 1e-12
    prod = (input1 * input2).sum(-1)
    mag1 = (input1 * input1).sum(-1) + eps
    mag2 = (input2 * input2).sum(-1) + eps
    cos = prod / (mag1 * mag2).sqrt()
    pos = 1 - cos
    neg = (cos - margin).clamp_min(0)
    out = _f.where(target == 1, pos, 0.0) + _f.where(target == -1, neg, 0.0)
    return _reduce(out, reduction)


@_autocast.region("soft_margin_loss")
def soft_margin_loss(input, target, size_average=None, reduce=None, reduction="mean"):
    reduction = _reduction(size_average, reduce, reduction)
    return apply(OPS["soft_margin_loss"], (input, target), (("reduction", reduction),))


@_autocast.region("multi_margin_loss")
def multi_margin_loss(
    input, target, p=1, margin=1.0, weight=None, size_average=None, reduce=None, reduction="mean"
):
    reduction = _reduction(size_average, reduce, reduction)
    if p not in (1, 2):
        raise ValueError("only p == 1 and p == 2 supported")
    return apply(
        OPS["multi_margin_loss"],
        (input, target, weight),
        (("p", p), ("margin", float(margin)), ("reduction", reduction)),
    )


@_autocast.region("multilabel_margin_loss")
def multilabel_margin_loss(input, target, size_average=None, reduce=None, reduction="mean"):
    reduction = _reduction(size_average, reduce, reduction)
    return apply(OPS["multilabel_margin_loss"], (input, target), (("reduction", reduction),))


def multilabel_soft_margin_loss(
    input, target, weight=None, size_average=None, reduce=None, reduction="mean"
):
    if size_average is not None or reduce is not None:
        reduction = _reduction(size_average, reduce, reduction)
    loss = -(target * logsigmoid(input) + (1 - target) * logsigmoid(-input))
    if weight is not None:
        loss = loss * weight
    loss = loss.sum(dim=input.ndim - 1) / input.shape[-1]
    if reduction not in ("none", "mean", "sum"):
        # this loss is written in Python in PyTorch, with its own wording
        raise ValueError(f"{reduction} is not valid")
    return _reduce(loss, reduction)


@_autocast.region("triplet_margin_loss")
def triplet_margin_loss(
    anchor,
    positive,
    negative,
    margin=1.0,
    p=2,
    eps=1e-6,
    swap=False,
    size_average=None,
    reduce=None,
    reduction="mean",
):
    reduction = _reduction(size_average, reduce, reduction)
    _check_triplet_dims(anchor, positive, negative)
    d_pos = pairwise_distance(anchor, positive, p, eps)
    d_neg = pairwise_distance(anchor, negative, p, eps)
    if swap:
        d_swap = pairwise_distance(positive, negative, p, eps)
        d_neg = _f.minimum(d_neg, d_swap)
    return _reduce((margin + d_pos - d_neg).clamp_min(0), reduction)


def _check_triplet_dims(anchor, positive, negative):
    if not anchor.ndim == positive.ndim == negative.ndim:
        raise RuntimeError(
            "The anchor, positive, and negative tensors are expected to have the same number "
            f"of dimensions, but got: anchor {anchor.ndim}D, positive {positive.ndim}D, and "
            f"negative {negative.ndim}D inputs"
        )


def triplet_margin_with_distance_loss(
    anchor, positive, negative, *, distance_function=None, margin=1.0, swap=False, reduction="mean"
):
    _check_reduction(reduction)
    if margin <= 0:
        raise ValueError(f"margin must be greater than 0, got {margin}")
    _check_triplet_dims(anchor, positive, negative)
    dist = pairwise_distance if distance_function is None else distance_function
    d_pos = dist(anchor, positive)
    d_neg = dist(anchor, negative)
    if swap:
        d_neg = _f.minimum(d_neg, dist(positive, negative))
    return _reduce((margin + d_pos - d_neg).clamp_min(0), reduction)


@_autocast.region("poisson_nll_loss")
def poisson_nll_loss(
    input,
    target,
    log_input=True,
    full=False,
    size_average=None,
    eps=1e-8,
    reduce=None,
    reduction="mean",
):
    reduction = _reduction(size_average, reduce, reduction)
    if log_input:
        loss = input.exp() - target * input
    else:
        loss = input - target * (input + eps).log()
    if full:
        stirling = target * target.log() - target + (2 * math.pi * target).log() * 0.5
        loss = loss + stirling.masked_fill(target <= 1, 0.0)
    return _reduce(loss, reduction)


def gaussian_nll_loss(input, target, var, full=False, eps=1e-6, reduction="mean"):
    if not isinstance(var, Tensor):
        var = _factories.full(tuple(input.shape), float(var), dtype=input.dtype)
    if var.ndim != input.ndim and tuple(var.shape) == tuple(input.shape[:-1]):
        var = var.unsqueeze(-1)
    if (_host(var) < 0).any():
        raise ValueError("var has negative entry/entries")
    with grad_mode.no_grad():
        clamped = var.clamp_min(eps)
    var = var + (clamped - var).detach() if var.requires_grad else clamped
    loss = 0.5 * (var.log() + (input - target) ** 2 / var)
    if full:
        loss = loss + 0.5 * math.log(2 * math.pi)
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(f"{reduction} is not valid")
    return _reduce(loss, reduction)


def _lengths(x):
    return tuple(int(v) for v in (_host(x).reshape(-1) if isinstance(x, Tensor) else x))


def ctc_loss(
    log_probs,
    targets,
    input_lengths,
    target_lengths,
    blank=0,
    reduction="mean",
    zero_infinity=False,
):
    _check_reduction(reduction)
    batched = log_probs.ndim == 3
    if not batched:
        log_probs = log_probs.unsqueeze(1)
        targets = targets.unsqueeze(0)
    t_max, n, classes = log_probs.shape
    # the lengths are read on the host, as PyTorch's CPU kernel does (they size its loops)
    il, tl = _lengths(input_lengths), _lengths(target_lengths)
    if not 0 <= blank < classes:
        raise RuntimeError("blank must be in label range")
    if len(il) != n:
        raise RuntimeError("input_lengths must be of size batch_size")
    if len(tl) != n:
        raise RuntimeError("target_lengths must be of size batch_size")
    where = "(while checking arguments for ctc_loss_allocate_outputs)"
    for v in il:
        if v > t_max:
            raise RuntimeError(
                f"Expected input_lengths to have value at most {t_max}, but got value {v} {where}"
            )
    flat = targets.ndim == 1
    if not flat and max(tl, default=0) > targets.shape[1]:
        raise RuntimeError(
            f"Expected tensor to have size at least {max(tl)} at dimension 1, but got size "
            f"{targets.shape[1]} for argument #2 'targets' {where}"
        )
    if flat and sum(tl) > targets.shape[0]:
        raise RuntimeError(
            f"Expected tensor to have size at least {sum(tl)} at dimension 0, but got size "
            f"{targets.shape[0]} for argument #2 'targets' {where}"
        )
    lengths = (
        _factories.tensor(il, dtype=D.int64),
        _factories.tensor(tl, dtype=D.int64),
    )
    loss = apply(
        OPS["ctc_loss"],
        (log_probs, targets) + lengths,
        (("blank", int(blank)), ("zero_infinity", bool(zero_infinity)), ("flat", flat)),
    )
    if zero_infinity:
        loss = _f.where(loss == float("inf"), _factories.zeros((), dtype=loss.dtype), loss)
    if reduction == "mean":
        loss = (loss / lengths[1].to(loss.dtype).clamp_min(1)).mean()
    elif reduction == "sum":
        loss = loss.sum()
    return loss if batched or reduction != "none" else loss.squeeze(0)


# ---------------------------------------------------------------------------------- attention
_SDPA_C_NAMES = {D.float16: "c10::Half", D.bfloat16: "c10::BFloat16"}
_LOW_NAMES = {D.float16: "float16", D.bfloat16: "bfloat16"}


def _c_name(dtype):
    return D.C_NAMES.get(dtype) or _SDPA_C_NAMES.get(dtype, str(dtype))


def _check_sdpa(query, key, value, attn_mask):
    if not query.dtype == key.dtype == value.dtype:
        raise RuntimeError(
            "Expected query, key, and value to have the same dtype, but got query.dtype: "
            f"{_c_name(query.dtype)} key.dtype: {_c_name(key.dtype)} and value.dtype: "
            f"{_c_name(value.dtype)} instead."
        )
    if min(query.ndim, key.ndim, value.ndim) < 2:
        raise RuntimeError(
            "Expected query, key, and value to all be  at least 2 dimensional, but got "
            f"query.dim: {query.ndim} key.dim: {key.ndim} and value.dim: {value.ndim} instead."
        )
    if attn_mask is not None and attn_mask.dtype not in (D.bool_, D.float32, query.dtype):
        raise RuntimeError(
            "Expected attn_mask dtype to be bool or float or to match query dtype, but got "
            f"attn_mask.dtype: {_c_name(attn_mask.dtype)} and  query.dtype: "
            f"{_c_name(query.dtype)} instead."
        )


def _sdpa_fused(query, key, value, attn_mask, dropout_p, enable_gqa):
    """Whether PyTorch's CPU dispatcher picks its fused (flash) kernel, one node, over the
    composite math path: 4-d inputs, no dropout, one head size, compatible batch and heads,
    non-empty sequences, and a mask that needs no gradient."""
    if not (query.ndim == key.ndim == value.ndim == 4) or dropout_p != 0.0:
        return False
    if attn_mask is not None and attn_mask.requires_grad and grad_mode.is_grad_enabled():
        return False
    if not query.shape[-1] == key.shape[-1] == value.shape[-1]:
        return False
    if not query.shape[0] == key.shape[0] == value.shape[0]:
        return False
    qh, kh, vh = query.shape[1], key.shape[1], value.shape[1]
    heads_ok = (kh == vh and qh % kh == 0) if enable_gqa else (qh == kh == vh)
    return heads_ok and min(query.shape[-2], key.shape[-2]) > 0


@_autocast.region("scaled_dot_product_attention")
def scaled_dot_product_attention(
    query, key, value, attn_mask=None, dropout_p=0.0, is_causal=False, scale=None, enable_gqa=False
):
    _check_sdpa(query, key, value, attn_mask)
    scale_factor = 1 / math.sqrt(query.shape[-1]) if scale is None else scale
    if _sdpa_fused(query, key, value, attn_mask, dropout_p, enable_gqa):
        return apply(
            OPS["scaled_dot_product_attention"],
            (query, key, value, attn_mask),
            (
                ("scale", float(scale_factor)),
                ("is_causal", bool(is_causal)),
                ("gqa", bool(enable_gqa) and query.shape[1] != key.shape[1]),
                # half/bfloat16: the flash kernel's roundings to that dtype (see _sdpa_reduced)
                ("low", _LOW_NAMES.get(query.dtype)),
            ),
        )
    # PyTorch's math path, op for op (so its node names and its mask gradient come through)
    if is_causal and attn_mask is not None:
        raise RuntimeError(
            "_scaled_dot_product_attention: Explicit attn_mask should not be set when "
            "is_causal=True"
        )
    # q and k are each scaled by sqrt(scale), for stability, as PyTorch does
    root = math.sqrt(abs(scale_factor))
    origin = query.dtype
    if origin in (D.float16, D.bfloat16):
        # PyTorch keeps the math path's products and softmax in float32 for half types
        query, key, value = query.float(), key.float(), value.float()
    query = apply(OPS["mul_scalar"], (query, -root if scale_factor < 0 else root))
    L, S = query.shape[-2], key.shape[-2]
    if is_causal:
        attn_mask = _factories.ones(L, S, dtype=D.bool_).tril()
    if attn_mask is not None and attn_mask.dtype is D.bool_:
        attn_mask = _factories.zeros(*attn_mask.shape, dtype=query.dtype).masked_fill(
            attn_mask.logical_not(), float("-inf")
        )
    if enable_gqa:
        qh, kh, vh = query.shape[-3], key.shape[-3], value.shape[-3]
        if not (qh == kh == vh or (qh % kh == 0 and qh % vh == 0)):
            # (PyTorch's message ends mid-sentence)
            raise RuntimeError(
                "Number of heads in key and value must divide the number of heads in "
            )
        if not qh == kh == vh:
            key = key.repeat_interleave(qh // kh, -3)
            value = value.repeat_interleave(qh // vh, -3)
    attn = query.matmul(apply(OPS["mul_scalar"], (key.transpose(-2, -1), root)))
    if attn_mask is not None:
        attn = attn + attn_mask
    attn = apply(OPS["_safe_softmax"], (attn,), (("dim", -1),))
    if dropout_p > 0.0:
        attn = dropout(attn, dropout_p, True)
    out = attn.matmul(value)
    return out if out.dtype is origin else out.to(origin)


# Multi-head attention with ordinary tensor ops (so autograd and PyTorch's grad_fn names come
# for free).  Layout: (L, N, E), sequence first, as PyTorch's functional form.
def _canonical_mask(mask, mask_name, other_type, other_name, target_type, check_other=True):
    """Boolean masks become additive ones: -inf where True.

    Code written against PyTorch's modules calls this private helper by name (copied encoder
    layers do), so it keeps PyTorch's signature.  A bool padding mask next to a float attention
    mask still works but draws PyTorch's deprecation warning, attributed to the caller.
    """
    if mask is None:
        return None
    if mask.dtype is not D.bool_ and not mask.dtype.is_floating_point:
        raise AssertionError(f"only bool and floating types of {mask_name} are supported")
    if check_other and other_type is not None and mask.dtype is not other_type:
        warnings.warn(
            f"Support for mismatched {mask_name} and {other_name} is deprecated. "
            "Use same type for both instead.",
            stacklevel=2,
        )
    if mask.dtype is D.bool_:
        zeros = _factories.zeros(*mask.shape, dtype=target_type, device=mask.device)
        return zeros.masked_fill(mask, float("-inf"))
    return mask


def _none_or_dtype(input):
    if input is None:
        return None
    if isinstance(input, Tensor):
        return input.dtype
    raise RuntimeError("input to _none_or_dtype() must be None or torch.Tensor")


def _mha_shape_check(query, key, value, key_padding_mask, attn_mask, num_heads):
    """PyTorch's rank checks of the attention inputs; True for a batched (3-d) query."""
    if query.dim() not in (2, 3):
        raise AssertionError(
            "query should be unbatched 2D or batched 3D tensor but received "
            f"{query.dim()}-D query tensor"
        )
    batched = query.dim() == 3
    kind, rank = ("batched (3-D)", 3) if batched else ("unbatched (2-D)", 2)
    if key.dim() != rank or value.dim() != rank:
        raise AssertionError(
            f"For {kind} `query`, expected `key` and `value` to be {rank}-D but found "
            f"{key.dim()}-D and {value.dim()}-D tensors respectively"
        )
    if key_padding_mask is not None and key_padding_mask.dim() != rank - 1:
        raise AssertionError(
            f"For {kind} `query`, expected `key_padding_mask` to be `None` or {rank - 1}-D but "
            f"found {key_padding_mask.dim()}-D tensor instead"
        )
    if attn_mask is not None:
        if attn_mask.dim() not in (2, 3):
            raise AssertionError(
                f"For {kind} `query`, expected `attn_mask` to be `None`, 2-D or 3-D but found "
                f"{attn_mask.dim()}-D tensor instead"
            )
        expected = (num_heads, query.shape[0], key.shape[0])
        if not batched and attn_mask.dim() == 3 and tuple(attn_mask.shape) != expected:
            raise AssertionError(
                f"Expected `attn_mask` shape to be {expected} but got {attn_mask.shape}"
            )
    return batched


def _in_projection_packed(q, k, v, w, b):
    e = q.shape[-1]
    if k is v:
        if q is k:
            proj = linear(q, w, b)
            proj = proj.reshape(*proj.shape[:-1], 3, e).unsqueeze(0).transpose(0, -2).squeeze(-2)
            return proj[0], proj[1], proj[2]
        w_q, w_kv = w.split([e, e * 2])
        b_q, b_kv = (None, None) if b is None else b.split([e, e * 2])
        q_proj = linear(q, w_q, b_q)
        kv = linear(k, w_kv, b_kv)
        kv = kv.reshape(*kv.shape[:-1], 2, e).unsqueeze(0).transpose(0, -2).squeeze(-2)
        return q_proj, kv[0], kv[1]
    w_q, w_k, w_v = w.chunk(3)
    b_q, b_k, b_v = (None, None, None) if b is None else b.chunk(3)
    return linear(q, w_q, b_q), linear(k, w_k, b_k), linear(v, w_v, b_v)


def multi_head_attention_forward(
    query,
    key,
    value,
    embed_dim_to_check,
    num_heads,
    in_proj_weight,
    in_proj_bias,
    bias_k,
    bias_v,
    add_zero_attn,
    dropout_p,
    out_proj_weight,
    out_proj_bias,
    training=True,
    key_padding_mask=None,
    need_weights=True,
    attn_mask=None,
    use_separate_proj_weight=False,
    q_proj_weight=None,
    k_proj_weight=None,
    v_proj_weight=None,
    static_k=None,
    static_v=None,
    average_attn_weights=True,
    is_causal=False,
):
    batched = _mha_shape_check(query, key, value, key_padding_mask, attn_mask, num_heads)
    if not batched:
        query, key, value = query.unsqueeze(1), key.unsqueeze(1), value.unsqueeze(1)
        if key_padding_mask is not None:
            key_padding_mask = key_padding_mask.unsqueeze(0)
    tgt_len, bsz, embed_dim = query.shape
    if embed_dim != embed_dim_to_check:
        raise AssertionError(
            f"was expecting embedding dimension of {embed_dim_to_check}, but got {embed_dim}"
        )
    head_dim = embed_dim // num_heads
    dtype = query.dtype
    key_padding_mask = _canonical_mask(
        key_padding_mask, "key_padding_mask", _none_or_dtype(attn_mask), "attn_mask", dtype
    )
    if is_causal and attn_mask is None:
        raise RuntimeError(
            "Need attn_mask if specifying the is_causal hint. You may use the "
            "Transformer module method `generate_square_subsequent_mask` to "
            "create this mask."
        )
    attn_mask = _canonical_mask(attn_mask, "attn_mask", None, "", dtype, check_other=False)
    if not use_separate_proj_weight:
        q, k, v = _in_projection_packed(query, key, value, in_proj_weight, in_proj_bias)
    else:
        b_q, b_k, b_v = (None, None, None) if in_proj_bias is None else in_proj_bias.chunk(3)
        q = linear(query, q_proj_weight, b_q)
        k = linear(key, k_proj_weight, b_k)
        v = linear(value, v_proj_weight, b_v)
    if attn_mask is not None:
        src_len = key.shape[0]
        if attn_mask.dim() == 2:
            if tuple(attn_mask.shape) != (tgt_len, src_len):
                raise RuntimeError(
                    f"The shape of the 2D attn_mask is {attn_mask.shape}, but should be "
                    f"{(tgt_len, src_len)}."
                )
            attn_mask = attn_mask.unsqueeze(0)
        elif attn_mask.dim() == 3:
            if tuple(attn_mask.shape) != (bsz * num_heads, tgt_len, src_len):
                raise RuntimeError(
                    f"The shape of the 3D attn_mask is {attn_mask.shape}, but should be "
                    f"{(bsz * num_heads, tgt_len, src_len)}."
                )
        else:
            raise RuntimeError(f"attn_mask's dimension {attn_mask.dim()} is not supported")
    if bias_k is not None and bias_v is not None:
        k = _f.cat([k, bias_k.repeat(1, bsz, 1)])
        v = _f.cat([v, bias_v.repeat(1, bsz, 1)])
        if attn_mask is not None:
            attn_mask = pad(attn_mask, (0, 1))
        if key_padding_mask is not None:
            key_padding_mask = pad(key_padding_mask, (0, 1))
    q = q.reshape(tgt_len, bsz * num_heads, head_dim).transpose(0, 1)
    k = (
        k.reshape(k.shape[0], bsz * num_heads, head_dim).transpose(0, 1)
        if static_k is None
        else static_k
    )
    v = (
        v.reshape(v.shape[0], bsz * num_heads, head_dim).transpose(0, 1)
        if static_v is None
        else static_v
    )
    if add_zero_attn:
        k = _f.cat([k, _factories.zeros(bsz * num_heads, 1, head_dim, dtype=dtype)], dim=1)
        v = _f.cat([v, _factories.zeros(bsz * num_heads, 1, head_dim, dtype=dtype)], dim=1)
        if attn_mask is not None:
            attn_mask = pad(attn_mask, (0, 1))
        if key_padding_mask is not None:
            key_padding_mask = pad(key_padding_mask, (0, 1))
    src_len = k.shape[1]
    if key_padding_mask is not None:
        # a (src_len, batch) mask would otherwise broadcast into a silently wrong answer
        for i, want in enumerate((bsz, src_len)):
            if key_padding_mask.shape[i] != want:
                raise AssertionError(
                    f"Expected key_padded_mask.shape[{i}] to be {want}, but got "
                    f"{key_padding_mask.shape[i]}"
                )
        kpm = key_padding_mask.reshape(bsz, 1, 1, src_len).expand(-1, num_heads, -1, -1)
        kpm = kpm.reshape(bsz * num_heads, 1, src_len)
        attn_mask = kpm if attn_mask is None else attn_mask + kpm
    if not training:
        dropout_p = 0.0
    if need_weights:
        q_scaled = q * math.sqrt(1.0 / float(head_dim))
        # PyTorch's baddbmm: under autocast the mask joins the product in lower precision
        if attn_mask is not None:
            scores = attn_mask.baddbmm(q_scaled, k.transpose(-2, -1))
        else:
            scores = q_scaled.bmm(k.transpose(-2, -1))
        weights = softmax(scores, -1)
        if dropout_p > 0.0:
            weights = dropout(weights, dropout_p)
        out = weights.bmm(v)
        out = out.transpose(0, 1).reshape(tgt_len * bsz, embed_dim)
        out = linear(out, out_proj_weight, out_proj_bias)
        out = out.view(tgt_len, bsz, out.shape[1])
        weights = weights.view(bsz, num_heads, tgt_len, src_len)
        if average_attn_weights:
            weights = weights.mean(1)
        if not batched:
            out, weights = out.squeeze(1), weights.squeeze(0)
        return out, weights
    if attn_mask is not None:
        if attn_mask.shape[0] == 1 and attn_mask.dim() == 3:
            attn_mask = attn_mask.unsqueeze(0)
        else:
            attn_mask = attn_mask.reshape(bsz, num_heads, -1, src_len)
    q = q.reshape(bsz, num_heads, tgt_len, head_dim)
    k = k.reshape(bsz, num_heads, src_len, head_dim)
    v = v.reshape(bsz, num_heads, src_len, head_dim)
    out = scaled_dot_product_attention(q, k, v, attn_mask, dropout_p, is_causal=False)
    out = out.permute(2, 0, 1, 3).reshape(bsz * tgt_len, embed_dim)
    out = linear(out, out_proj_weight, out_proj_bias)
    out = out.view(tgt_len, bsz, out.shape[1])
    if not batched:
        out = out.squeeze(1)
    return out, None


__all__ = [
    n
    for n in dir()
    if not n.startswith("_")
    and n not in ("annotations", "math", "jnp", "np", "warnings", "D", "OPS", "apply", "grad_mode")
]


# A torch name torchlike lacks: an AttributeError naming it and the nearest supported name.
from torchlike._missing import module_getattr as _module_getattr  # noqa: E402

__getattr__ = _module_getattr(__name__)
