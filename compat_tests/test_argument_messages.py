"""PyTorch's argument-parser messages for ops with several signatures (and the single-signature
ones beside them): the full "invalid combination" listing with its "didn't match" lines, the
named-argument errors, varargs "failed to unpack", the nn layers' size checks (torch.empty's
messages); and the wrong-looking calls PyTorch accepts keep working.  Each expected text was
PyTorch 2.13's for the same call."""

import numpy as np
import pytest

WRONG_CALLS = [
    (
        "torch.sum(x, 1.0)",
        TypeError,
        "sum() received an invalid combination of arguments - got (Tensor, float), but expected one of:\n * (Tensor input, *, torch.dtype dtype = None)\n * (Tensor input, tuple of ints dim, bool keepdim = False, *, torch.dtype dtype = None, Tensor out = None)\n",
    ),
    (
        "x.sum(1.0)",
        TypeError,
        "sum() received an invalid combination of arguments - got (float), but expected one of:\n * (*, torch.dtype dtype = None)\n * (tuple of ints dim, bool keepdim = False, *, torch.dtype dtype = None)\n",
    ),
    (
        "x.sum('a')",
        TypeError,
        "sum() received an invalid combination of arguments - got (str), but expected one of:\n * (*, torch.dtype dtype = None)\n * (tuple of ints dim, bool keepdim = False, *, torch.dtype dtype = None)\n",
    ),
    (
        "x.sum(dim=1.0)",
        TypeError,
        "sum() received an invalid combination of arguments - got (dim=float, ), but expected one of:\n * (*, torch.dtype dtype = None)\n * (tuple of ints dim, bool keepdim = False, *, torch.dtype dtype = None)\n",
    ),
    (
        "torch.sum(x, dim=1.0)",
        TypeError,
        "sum() received an invalid combination of arguments - got (Tensor, dim=float), but expected one of:\n * (Tensor input, *, torch.dtype dtype = None)\n * (Tensor input, tuple of ints dim, bool keepdim = False, *, torch.dtype dtype = None, Tensor out = None)\n",
    ),
    (
        "torch.sum(input=x, dim=1.0)",
        TypeError,
        "sum() received an invalid combination of arguments - got (dim=float, input=Tensor, ), but expected one of:\n * (Tensor input, *, torch.dtype dtype = None)\n * (Tensor input, tuple of ints dim, bool keepdim = False, *, torch.dtype dtype = None, Tensor out = None)\n",
    ),
    ("x.sum(1, 2, 3)", TypeError, "sum() takes from 1 to 2 positional arguments but 3 were given"),
    ("x.sum(1, 'a')", TypeError, "sum(): argument 'keepdim' (position 2) must be bool, not str"),
    (
        "x.sum(foo=1)",
        TypeError,
        "sum() received an invalid combination of arguments - got (foo=int, ), but expected one of:\n * (*, torch.dtype dtype = None)\n * (tuple of ints dim, bool keepdim = False, *, torch.dtype dtype = None)\n",
    ),
    ("x.sum(1, dim=1)", TypeError, "sum() got multiple values for argument 'dim'"),
    (
        "x.sum((0, 1.0))",
        TypeError,
        "sum(): argument 'dim' failed to unpack the object at pos 2 with error \"type must be tuple of ints,but got float\"",
    ),
    (
        "x.sum([0, 1.0])",
        TypeError,
        "sum(): argument 'dim' failed to unpack the object at pos 2 with error \"type must be tuple of ints,but got float\"",
    ),
    (
        "x.sum(True)",
        TypeError,
        "sum() received an invalid combination of arguments - got (bool), but expected one of:\n * (*, torch.dtype dtype = None)\n * (tuple of ints dim, bool keepdim = False, *, torch.dtype dtype = None)\n",
    ),
    (
        "x.sum(x[0])",
        TypeError,
        "sum() received an invalid combination of arguments - got (Tensor), but expected one of:\n * (*, torch.dtype dtype = None)\n * (tuple of ints dim, bool keepdim = False, *, torch.dtype dtype = None)\n",
    ),
    ("x.sum(1, keepdim=1)", TypeError, "sum(): argument 'keepdim' must be bool, not int"),
    (
        "x.sum(dtype=1)",
        TypeError,
        "sum() received an invalid combination of arguments - got (dtype=int, ), but expected one of:\n * (*, torch.dtype dtype = None)\n * (tuple of ints dim, bool keepdim = False, *, torch.dtype dtype = None)\n",
    ),
    ("x.sum(dim=1, axis=1)", TypeError, "sum() got an unexpected keyword argument 'axis'"),
    (
        "torch.sum(x, 1, 'a')",
        TypeError,
        "sum(): argument 'keepdim' (position 3) must be bool, not str",
    ),
    ("torch.sum(1.0)", TypeError, "sum(): argument 'input' (position 1) must be Tensor, not float"),
    ("torch.sum(x, 1, out=2)", TypeError, "sum(): argument 'out' must be Tensor, not int"),
    (
        "x.mean(1.0)",
        TypeError,
        "mean() received an invalid combination of arguments - got (float), but expected one of:\n * (*, torch.dtype dtype = None)\n * (tuple of ints dim, bool keepdim = False, *, torch.dtype dtype = None)\n",
    ),
    (
        "torch.mean(x, 'a')",
        TypeError,
        "mean() received an invalid combination of arguments - got (Tensor, str), but expected one of:\n * (Tensor input, *, torch.dtype dtype = None, Tensor out = None)\n * (Tensor input, tuple of ints dim, bool keepdim = False, *, torch.dtype dtype = None, Tensor out = None)\n",
    ),
    (
        "x.std(1.0)",
        TypeError,
        "std() received an invalid combination of arguments - got (float), but expected one of:\n * (tuple of ints dim, bool unbiased = True, bool keepdim = False)\n * (tuple of ints dim = None, *, Number correction = None, bool keepdim = False)\n * (bool unbiased = True)\n      didn't match because some of the arguments have invalid types: (!float!)\n",
    ),
    (
        "torch.std(x, 1.0)",
        TypeError,
        "std() received an invalid combination of arguments - got (Tensor, float), but expected one of:\n * (Tensor input, tuple of ints dim, bool unbiased = True, bool keepdim = False, *, Tensor out = None)\n * (Tensor input, tuple of ints dim = None, *, Number correction = None, bool keepdim = False, Tensor out = None)\n * (Tensor input, bool unbiased = True)\n      didn't match because some of the arguments have invalid types: (Tensor, !float!)\n",
    ),
    (
        "x.var('a')",
        TypeError,
        "var() received an invalid combination of arguments - got (str), but expected one of:\n * (tuple of ints dim, bool unbiased = True, bool keepdim = False)\n * (tuple of ints dim = None, *, Number correction = None, bool keepdim = False)\n * (bool unbiased = True)\n      didn't match because some of the arguments have invalid types: (!str!)\n",
    ),
    (
        "x.std(correction='a')",
        TypeError,
        "std() received an invalid combination of arguments - got (correction=str, ), but expected one of:\n * (tuple of ints dim, bool unbiased = True, bool keepdim = False)\n * (tuple of ints dim = None, *, Number correction = None, bool keepdim = False)\n * (bool unbiased = True)\n      didn't match because some of the keywords were incorrect: correction\n",
    ),
    (
        "x.std(0, True, 'a')",
        TypeError,
        "std() received an invalid combination of arguments - got (int, bool, str), but expected one of:\n * (tuple of ints dim, bool unbiased = True, bool keepdim = False)\n      didn't match because some of the arguments have invalid types: (!int!, !bool!, !str!)\n * (tuple of ints dim = None, *, Number correction = None, bool keepdim = False)\n * (bool unbiased = True)\n",
    ),
    (
        "x.max('a')",
        TypeError,
        "max() received an invalid combination of arguments - got (str), but expected one of:\n * ()\n      didn't match because some of the arguments have invalid types: (!str!)\n * (Tensor other)\n      didn't match because some of the arguments have invalid types: (!str!)\n * (int dim, bool keepdim = False)\n",
    ),
    (
        "torch.max(x, 'a')",
        TypeError,
        "max() received an invalid combination of arguments - got (Tensor, str), but expected one of:\n * (Tensor input, *, Tensor out = None)\n * (Tensor input, Tensor other, *, Tensor out = None)\n * (Tensor input, int dim, bool keepdim = False, *, tuple of Tensors out = None)\n",
    ),
    (
        "x.max(1.0)",
        TypeError,
        "max() received an invalid combination of arguments - got (float), but expected one of:\n * ()\n      didn't match because some of the arguments have invalid types: (!float!)\n * (Tensor other)\n      didn't match because some of the arguments have invalid types: (!float!)\n * (int dim, bool keepdim = False)\n",
    ),
    (
        "x.max(dim=1.0)",
        TypeError,
        "max() received an invalid combination of arguments - got (dim=float, ), but expected one of:\n * ()\n      didn't match because some of the keywords were incorrect: dim\n * (Tensor other)\n      didn't match because some of the keywords were incorrect: dim\n * (int dim, bool keepdim = False)\n",
    ),
    (
        "x.max(1.0, keepdim=True)",
        TypeError,
        "max(): argument 'dim' (position 1) must be int, not float",
    ),
    ("x.max(1, keepdim=2.0)", TypeError, "max(): argument 'keepdim' must be bool, not float"),
    (
        "x.max((0, 1))",
        TypeError,
        "max() received an invalid combination of arguments - got (tuple), but expected one of:\n * ()\n      didn't match because some of the arguments have invalid types: (!tuple of (int, int)!)\n * (Tensor other)\n      didn't match because some of the arguments have invalid types: (!tuple of (int, int)!)\n * (int dim, bool keepdim = False)\n",
    ),
    (
        "x.max([0, 1.0])",
        TypeError,
        "max() received an invalid combination of arguments - got (list), but expected one of:\n * ()\n      didn't match because some of the arguments have invalid types: (!list of [int, float]!)\n * (Tensor other)\n      didn't match because some of the arguments have invalid types: (!list of [int, float]!)\n * (int dim, bool keepdim = False)\n",
    ),
    (
        "x.max(None)",
        TypeError,
        "max() received an invalid combination of arguments - got (NoneType), but expected one of:\n * ()\n      didn't match because some of the arguments have invalid types: (!NoneType!)\n * (Tensor other)\n      didn't match because some of the arguments have invalid types: (!NoneType!)\n * (int dim, bool keepdim = False)\n",
    ),
    (
        "x.max(np.float64(1))",
        TypeError,
        "max() received an invalid combination of arguments - got (numpy.float64), but expected one of:\n * ()\n      didn't match because some of the arguments have invalid types: (!numpy.float64!)\n * (Tensor other)\n      didn't match because some of the arguments have invalid types: (!numpy.float64!)\n * (int dim, bool keepdim = False)\n",
    ),
    (
        "torch.max(x, 1, 2.0)",
        TypeError,
        "max() received an invalid combination of arguments - got (Tensor, int, float), but expected one of:\n * (Tensor input, *, Tensor out = None)\n      didn't match because some of the arguments have invalid types: (Tensor, !int!, !float!)\n * (Tensor input, Tensor other, *, Tensor out = None)\n * (Tensor input, int dim, bool keepdim = False, *, tuple of Tensors out = None)\n",
    ),
    (
        "torch.max(x, 1, True, 3)",
        TypeError,
        "max() takes from 2 to 3 positional arguments but 4 were given",
    ),
    (
        "x.min(1.0)",
        TypeError,
        "min() received an invalid combination of arguments - got (float), but expected one of:\n * ()\n      didn't match because some of the arguments have invalid types: (!float!)\n * (Tensor other)\n      didn't match because some of the arguments have invalid types: (!float!)\n * (int dim, bool keepdim = False)\n",
    ),
    (
        "torch.min(x, dim='a')",
        TypeError,
        "min() received an invalid combination of arguments - got (Tensor, dim=str), but expected one of:\n * (Tensor input, *, Tensor out = None)\n * (Tensor input, Tensor other, *, Tensor out = None)\n * (Tensor input, int dim, bool keepdim = False, *, tuple of Tensors out = None)\n",
    ),
    (
        "x.amax(1.0)",
        TypeError,
        "amax(): argument 'dim' (position 1) must be tuple of ints, not float",
    ),
    (
        "x.amax((0, 1.0))",
        TypeError,
        "amax(): argument 'dim' failed to unpack the object at pos 2 with error \"type must be tuple of ints,but got float\"",
    ),
    ("x.argmax(1.0)", TypeError, "argmax(): argument 'dim' (position 1) must be int, not float"),
    (
        "x.argmax(dim=None, keepdim=1)",
        TypeError,
        "argmax(): argument 'keepdim' must be bool, not int",
    ),
    (
        "x.squeeze(1.0)",
        TypeError,
        "squeeze() received an invalid combination of arguments - got (float), but expected one of:\n * ()\n      didn't match because some of the arguments have invalid types: (!float!)\n * (int dim)\n      didn't match because some of the arguments have invalid types: (!float!)\n * (tuple of ints dim)\n      didn't match because some of the arguments have invalid types: (!float!)\n",
    ),
    (
        "x.squeeze((0, 1.0))",
        TypeError,
        "squeeze(): argument 'dim' failed to unpack the object at pos 2 with error \"type must be tuple of ints,but got float\"",
    ),
    (
        "x.squeeze((1.0,))",
        TypeError,
        "squeeze() received an invalid combination of arguments - got (tuple), but expected one of:\n * ()\n      didn't match because some of the arguments have invalid types: (!tuple of (float,)!)\n * (int dim)\n      didn't match because some of the arguments have invalid types: (!tuple of (float,)!)\n * (tuple of ints dim)\n      didn't match because some of the arguments have invalid types: (!tuple of (float,)!)\n",
    ),
    (
        "x.squeeze(dim=1.0)",
        TypeError,
        "squeeze() received an invalid combination of arguments - got (dim=float, ), but expected one of:\n * ()\n      didn't match because some of the keywords were incorrect: dim\n * (int dim)\n      didn't match because some of the arguments have invalid types: (!dim=float!, )\n * (tuple of ints dim)\n      didn't match because some of the arguments have invalid types: (!dim=float!, )\n",
    ),
    (
        "x.squeeze(None)",
        TypeError,
        "squeeze() received an invalid combination of arguments - got (NoneType), but expected one of:\n * ()\n      didn't match because some of the arguments have invalid types: (!NoneType!)\n * (int dim)\n      didn't match because some of the arguments have invalid types: (!NoneType!)\n * (tuple of ints dim)\n      didn't match because some of the arguments have invalid types: (!NoneType!)\n",
    ),
    (
        "torch.squeeze(x, 'a')",
        TypeError,
        "squeeze() received an invalid combination of arguments - got (Tensor, str), but expected one of:\n * (Tensor input)\n * (Tensor input, int dim)\n      didn't match because some of the arguments have invalid types: (Tensor, !str!)\n * (Tensor input, tuple of ints dim)\n      didn't match because some of the arguments have invalid types: (Tensor, !str!)\n",
    ),
    (
        "x.unsqueeze(1.0)",
        TypeError,
        "unsqueeze(): argument 'dim' (position 1) must be int, not float",
    ),
    (
        "x.unsqueeze(x[0, :1].long())",
        TypeError,
        "unsqueeze(): argument 'dim' (position 1) must be int, not Tensor",
    ),
    (
        "x.narrow(0, 0, 1.0)",
        TypeError,
        "narrow() received an invalid combination of arguments - got (int, int, float), but expected one of:\n * (int dim, Tensor start, int length)\n      didn't match because some of the arguments have invalid types: (int, !int!, !float!)\n * (int dim, int start, int length)\n      didn't match because some of the arguments have invalid types: (int, int, !float!)\n",
    ),
    (
        "x.narrow(0, 0.0, 1)",
        TypeError,
        "narrow() received an invalid combination of arguments - got (int, float, int), but expected one of:\n * (int dim, Tensor start, int length)\n      didn't match because some of the arguments have invalid types: (int, !float!, int)\n * (int dim, int start, int length)\n      didn't match because some of the arguments have invalid types: (int, !float!, int)\n",
    ),
    (
        "x.narrow(0.0, 0, 1)",
        TypeError,
        "narrow() received an invalid combination of arguments - got (float, int, int), but expected one of:\n * (int dim, Tensor start, int length)\n      didn't match because some of the arguments have invalid types: (!float!, !int!, int)\n * (int dim, int start, int length)\n      didn't match because some of the arguments have invalid types: (!float!, int, int)\n",
    ),
    (
        "x.narrow(0, 0)",
        TypeError,
        "narrow() received an invalid combination of arguments - got (int, int), but expected one of:\n * (int dim, Tensor start, int length)\n * (int dim, int start, int length)\n",
    ),
    (
        "x.narrow(0, 0, length=1.0)",
        TypeError,
        "narrow() received an invalid combination of arguments - got (int, int, length=float), but expected one of:\n * (int dim, Tensor start, int length)\n      didn't match because some of the arguments have invalid types: (int, !int!, !length=float!)\n * (int dim, int start, int length)\n      didn't match because some of the arguments have invalid types: (int, int, !length=float!)\n",
    ),
    (
        "x.narrow(dim=0, start=0.0, length=1)",
        TypeError,
        "narrow() received an invalid combination of arguments - got (length=int, start=float, dim=int, ), but expected one of:\n * (int dim, Tensor start, int length)\n      didn't match because some of the arguments have invalid types: (dim=int, !start=float!, length=int, )\n * (int dim, int start, int length)\n      didn't match because some of the arguments have invalid types: (dim=int, !start=float!, length=int, )\n",
    ),
    (
        "torch.narrow(x, 0, 0, 1.0)",
        TypeError,
        "narrow() received an invalid combination of arguments - got (Tensor, int, int, float), but expected one of:\n * (Tensor input, int dim, Tensor start, int length)\n      didn't match because some of the arguments have invalid types: (Tensor, int, !int!, !float!)\n * (Tensor input, int dim, int start, int length)\n      didn't match because some of the arguments have invalid types: (Tensor, int, int, !float!)\n",
    ),
    (
        "x.movedim(0, 1.0)",
        TypeError,
        "movedim() received an invalid combination of arguments - got (int, float), but expected one of:\n * (int source, int destination)\n      didn't match because some of the arguments have invalid types: (int, !float!)\n * (tuple of ints source, tuple of ints destination)\n      didn't match because some of the arguments have invalid types: (!int!, !float!)\n",
    ),
    (
        "x.movedim((0, 1), (1.0, 0))",
        TypeError,
        "movedim() received an invalid combination of arguments - got (tuple, tuple), but expected one of:\n * (int source, int destination)\n      didn't match because some of the arguments have invalid types: (!tuple of (int, int)!, !tuple of (float, int)!)\n * (tuple of ints source, tuple of ints destination)\n      didn't match because some of the arguments have invalid types: (!tuple of (int, int)!, !tuple of (float, int)!)\n",
    ),
    (
        "x.movedim((0, 1.0), (1, 0))",
        TypeError,
        "movedim(): argument 'source' failed to unpack the object at pos 2 with error \"type must be tuple of ints,but got float\"",
    ),
    (
        "x.movedim(0)",
        TypeError,
        "movedim() received an invalid combination of arguments - got (int), but expected one of:\n * (int source, int destination)\n * (tuple of ints source, tuple of ints destination)\n",
    ),
    (
        "x.movedim(0, destination=1.0)",
        TypeError,
        "movedim() received an invalid combination of arguments - got (int, destination=float), but expected one of:\n * (int source, int destination)\n      didn't match because some of the arguments have invalid types: (int, !destination=float!)\n * (tuple of ints source, tuple of ints destination)\n      didn't match because some of the arguments have invalid types: (!int!, !destination=float!)\n",
    ),
    (
        "x.transpose(0, 1.0)",
        TypeError,
        "transpose(): argument 'dim1' (position 2) must be int, not float",
    ),
    ("x.transpose(0)", TypeError, 'transpose() missing 1 required positional arguments: "dim1"'),
    (
        "x.flatten(1.0)",
        TypeError,
        "flatten(): argument 'start_dim' (position 1) must be int, not float",
    ),
    (
        "x.flatten(0, end_dim=1.0)",
        TypeError,
        "flatten(): argument 'end_dim' must be int, not float",
    ),
    (
        "torch.flatten(x, 1.0)",
        TypeError,
        "flatten(): argument 'start_dim' (position 2) must be int, not float",
    ),
    (
        "x.reshape(2, 3.0)",
        TypeError,
        "reshape(): argument 'shape' failed to unpack the object at pos 2 with error \"type must be tuple of ints,but got float\"",
    ),
    ("x.reshape(2.0, 3)", TypeError, "reshape() takes 1 positional argument but 2 were given"),
    (
        "x.reshape((2, 3.0))",
        TypeError,
        "reshape(): argument 'shape' failed to unpack the object at pos 2 with error \"type must be tuple of ints,but got float\"",
    ),
    (
        "torch.reshape(x, 6)",
        TypeError,
        "reshape(): argument 'shape' (position 2) must be tuple of ints, not int",
    ),
    (
        "torch.reshape(x, (6.0,))",
        TypeError,
        "reshape(): argument 'shape' (position 2) must be tuple of ints, but found element of type float at pos 0",
    ),
    (
        "x.view(2, 3.0)",
        TypeError,
        "view(): argument 'size' failed to unpack the object at pos 2 with error \"type must be tuple of ints,but got float\"",
    ),
    (
        "x.view(2.0, 3)",
        TypeError,
        "view() received an invalid combination of arguments - got (float, int), but expected one of:\n * (torch.dtype dtype)\n * (tuple of ints size)\n",
    ),
    (
        "x.view('a')",
        TypeError,
        "view() received an invalid combination of arguments - got (str), but expected one of:\n * (torch.dtype dtype)\n      didn't match because some of the arguments have invalid types: (!str!)\n * (tuple of ints size)\n      didn't match because some of the arguments have invalid types: (!str!)\n",
    ),
    (
        "x.view((2, 3.0))",
        TypeError,
        "view(): argument 'size' failed to unpack the object at pos 2 with error \"type must be tuple of ints,but got float\"",
    ),
    (
        "x.view([2.0, 3])",
        TypeError,
        "view() received an invalid combination of arguments - got (list), but expected one of:\n * (torch.dtype dtype)\n      didn't match because some of the arguments have invalid types: (!list of [float, int]!)\n * (tuple of ints size)\n      didn't match because some of the arguments have invalid types: (!list of [float, int]!)\n",
    ),
    (
        "x.permute(0, 1.0)",
        TypeError,
        "permute(): argument 'dims' failed to unpack the object at pos 2 with error \"type must be tuple of ints,but got float\"",
    ),
    ("x.permute(1.0, 0)", TypeError, "permute() takes 1 positional argument but 2 were given"),
    (
        "x.permute((1.0, 0))",
        TypeError,
        "permute(): argument 'dims' (position 1) must be tuple of ints, but found element of type float at pos 0",
    ),
    (
        "x.permute(dims=1.0)",
        TypeError,
        "permute(): argument 'dims' must be tuple of ints, not float",
    ),
    (
        "torch.permute(x, 1, 0)",
        TypeError,
        "permute() takes 2 positional arguments but 3 were given",
    ),
    (
        "x.repeat(2, 1.0)",
        TypeError,
        "repeat(): argument 'repeats' failed to unpack the object at pos 2 with error \"type must be tuple of ints,but got float\"",
    ),
    ("x.repeat(2.0, 1)", TypeError, "repeat() takes 1 positional argument but 2 were given"),
    (
        "x.expand(2, 3.0)",
        TypeError,
        "expand(): argument 'size' failed to unpack the object at pos 2 with error \"type must be tuple of ints,but got float\"",
    ),
    ("x.expand(2.0, 3)", TypeError, "expand() takes 1 positional argument but 2 were given"),
    (
        "x.flip(0, 1.0)",
        TypeError,
        "flip(): argument 'dims' failed to unpack the object at pos 2 with error \"type must be tuple of ints,but got float\"",
    ),
    (
        "x.flip(1.0)",
        TypeError,
        "flip(): argument 'dims' (position 1) must be tuple of ints, not float",
    ),
    (
        "torch.flip(x, 0)",
        TypeError,
        "flip(): argument 'dims' (position 2) must be tuple of ints, not int",
    ),
    (
        "x.tile(2, 1.0)",
        TypeError,
        "tile(): argument 'dims' failed to unpack the object at pos 2 with error \"type must be tuple of ints,but got float\"",
    ),
    ("x.tile(2.0, 1)", TypeError, "tile() takes 1 positional argument but 2 were given"),
    (
        "torch.tile(x, 2)",
        TypeError,
        "tile(): argument 'dims' (position 2) must be tuple of ints, not int",
    ),
    ("x.cumsum(1.0)", TypeError, "cumsum(): argument 'dim' (position 1) must be int, not float"),
    ("x.cumsum()", TypeError, 'cumsum() missing 1 required positional arguments: "dim"'),
    ("x.cumsum(dim=1.0)", TypeError, "cumsum(): argument 'dim' must be int, not float"),
    (
        "torch.cumsum(x, 1.0)",
        TypeError,
        "cumsum(): argument 'dim' (position 2) must be int, not float",
    ),
    ("x.softmax(1.0)", TypeError, "softmax(): argument 'dim' (position 1) must be int, not float"),
    (
        "x.softmax(0, 1)",
        TypeError,
        "softmax(): argument 'dtype' (position 2) must be torch.dtype, not int",
    ),
    (
        "x.softmax(None)",
        TypeError,
        "softmax(): argument 'dim' (position 1) must be int, not NoneType",
    ),
    (
        "torch.softmax(x, 1.0)",
        TypeError,
        "softmax(): argument 'dim' (position 2) must be int, not float",
    ),
    (
        "x.log_softmax('a')",
        TypeError,
        "log_softmax(): argument 'dim' (position 1) must be int, not str",
    ),
    (
        "F.softmax(x, 1.0)",
        TypeError,
        "softmax(): argument 'dim' (position 1) must be int, not float",
    ),
    (
        "F.log_softmax(x, 1.0)",
        TypeError,
        "log_softmax(): argument 'dim' (position 1) must be int, not float",
    ),
    (
        "F.softmax(x, 1, dtype=1)",
        TypeError,
        "softmax(): argument 'dtype' must be torch.dtype, not int",
    ),
    ("x.topk(1.0)", TypeError, "topk(): argument 'k' (position 1) must be int, not float"),
    ("x.topk()", TypeError, 'topk() missing 1 required positional arguments: "k"'),
    (
        "x.topk(1, 2, 3, 4, 5, 6)",
        TypeError,
        "topk() takes from 1 to 4 positional arguments but 6 were given",
    ),
    ("x.topk(k=1, zz=2)", TypeError, "topk() got an unexpected keyword argument 'zz'"),
    ("x.topk(1, largest=1)", TypeError, "topk(): argument 'largest' must be bool, not int"),
    (
        "x.sort(1.0)",
        TypeError,
        "sort() received an invalid combination of arguments - got (float), but expected one of:\n * (*, bool stable, int dim = -1, bool descending = False)\n * (int dim = -1, bool descending = False)\n",
    ),
    (
        "x.sort(dim=1.0)",
        TypeError,
        "sort() received an invalid combination of arguments - got (dim=float, ), but expected one of:\n * (*, bool stable, int dim = -1, bool descending = False)\n * (int dim = -1, bool descending = False)\n",
    ),
    (
        "x.sort(0, 1)",
        TypeError,
        "sort() received an invalid combination of arguments - got (int, int), but expected one of:\n * (*, bool stable, int dim = -1, bool descending = False)\n * (int dim = -1, bool descending = False)\n      didn't match because some of the arguments have invalid types: (!int!, !int!)\n",
    ),
    (
        "torch.sort(x, 'a')",
        TypeError,
        "sort() received an invalid combination of arguments - got (Tensor, str), but expected one of:\n * (Tensor input, *, bool stable, int dim = -1, bool descending = False, tuple of Tensors out = None)\n * (Tensor input, int dim = -1, bool descending = False, *, tuple of Tensors out = None)\n",
    ),
    (
        "x.sort(0, stable=True)",
        TypeError,
        "sort() received an invalid combination of arguments - got (int, stable=bool), but expected one of:\n * (*, bool stable, int dim = -1, bool descending = False)\n * (int dim = -1, bool descending = False)\n      didn't match because some of the keywords were incorrect: stable\n",
    ),
    (
        "x.sort(dim=0, descending='a')",
        TypeError,
        "sort() received an invalid combination of arguments - got (descending=str, dim=int, ), but expected one of:\n * (*, bool stable, int dim = -1, bool descending = False)\n * (int dim = -1, bool descending = False)\n      didn't match because some of the keywords were incorrect: descending, dim\n",
    ),
    ("x.gather(1.0, i)", TypeError, "gather(): argument 'dim' (position 1) must be int, not float"),
    ("x.gather(1)", TypeError, 'gather() missing 1 required positional arguments: "index"'),
    (
        "x.gather(0, [[0]])",
        TypeError,
        "gather(): argument 'index' (position 2) must be Tensor, not list",
    ),
    (
        "x.index_select(1.0, i[0])",
        TypeError,
        "index_select(): argument 'dim' (position 1) must be int, not float",
    ),
    (
        "x.index_select(0, [0])",
        TypeError,
        "index_select(): argument 'index' (position 2) must be Tensor, not list",
    ),
    (
        "nn.Conv2d(3, 4.0, 3)",
        TypeError,
        "empty(): argument 'size' (position 1) must be tuple of ints, but found element of type float at pos 0",
    ),
    (
        "nn.Conv2d(3.0, 4, 3)",
        TypeError,
        "empty(): argument 'size' failed to unpack the object at pos 2 with error \"type must be tuple of ints,but got float\"",
    ),
    (
        "nn.Conv2d(3, 4, 3.0)",
        TypeError,
        "empty(): argument 'size' failed to unpack the object at pos 3 with error \"type must be tuple of ints,but got float\"",
    ),
    (
        "nn.Conv1d(3, 4.0, 3)",
        TypeError,
        "empty(): argument 'size' (position 1) must be tuple of ints, but found element of type float at pos 0",
    ),
    (
        "nn.Conv3d(3, 4.0, 3)",
        TypeError,
        "empty(): argument 'size' (position 1) must be tuple of ints, but found element of type float at pos 0",
    ),
    (
        "nn.ConvTranspose2d(3.0, 4, 3)",
        TypeError,
        "empty(): argument 'size' (position 1) must be tuple of ints, but found element of type float at pos 0",
    ),
    (
        "nn.Linear(3, 4.0)",
        TypeError,
        "empty(): argument 'size' (position 1) must be tuple of ints, but found element of type float at pos 0",
    ),
    (
        "nn.Linear(3.0, 4)",
        TypeError,
        "empty(): argument 'size' failed to unpack the object at pos 2 with error \"type must be tuple of ints,but got float\"",
    ),
    (
        "nn.Bilinear(3, 4, 5.0)",
        TypeError,
        "empty(): argument 'size' (position 1) must be tuple of ints, but found element of type float at pos 0",
    ),
    (
        "nn.Embedding(3.0, 4)",
        TypeError,
        "empty(): argument 'size' (position 1) must be tuple of ints, but found element of type float at pos 0",
    ),
    (
        "nn.Embedding(3, 4.0)",
        TypeError,
        "empty(): argument 'size' failed to unpack the object at pos 2 with error \"type must be tuple of ints,but got float\"",
    ),
    (
        "nn.BatchNorm1d(3.0)",
        TypeError,
        "empty(): argument 'size' (position 1) must be tuple of ints, not float",
    ),
    ("nn.LayerNorm(3.0)", TypeError, "'float' object is not iterable"),
    ("nn.GRU(3.0, 4)", TypeError, "input_size should be of type int, got: float"),
    (
        "nn.LSTMCell(3.0, 4)",
        TypeError,
        "empty(): argument 'size' failed to unpack the object at pos 2 with error \"type must be tuple of ints,but got float\"",
    ),
    (
        "x.to('cpu', True)",
        TypeError,
        "to() received an invalid combination of arguments - got (str, bool), but expected one of:\n * (torch.device device = None, torch.dtype dtype = None, bool non_blocking = False, bool copy = False, *, torch.memory_format memory_format = None)\n * (torch.dtype dtype, bool non_blocking = False, bool copy = False, *, torch.memory_format memory_format = None)\n * (Tensor tensor, bool non_blocking = False, bool copy = False, *, torch.memory_format memory_format = None)\n",
    ),
    (
        "x.to(dtype='a')",
        TypeError,
        "to() received an invalid combination of arguments - got (dtype=str, ), but expected one of:\n * (torch.device device = None, torch.dtype dtype = None, bool non_blocking = False, bool copy = False, *, torch.memory_format memory_format = None)\n * (torch.dtype dtype, bool non_blocking = False, bool copy = False, *, torch.memory_format memory_format = None)\n * (Tensor tensor, bool non_blocking = False, bool copy = False, *, torch.memory_format memory_format = None)\n",
    ),
    (
        "x.to(device=1.0)",
        TypeError,
        "to() received an invalid combination of arguments - got (device=float, ), but expected one of:\n * (torch.device device = None, torch.dtype dtype = None, bool non_blocking = False, bool copy = False, *, torch.memory_format memory_format = None)\n * (torch.dtype dtype, bool non_blocking = False, bool copy = False, *, torch.memory_format memory_format = None)\n * (Tensor tensor, bool non_blocking = False, bool copy = False, *, torch.memory_format memory_format = None)\n",
    ),
    (
        "x.to(torch.float64, copy=1)",
        TypeError,
        "to() received an invalid combination of arguments - got (torch.dtype, copy=int), but expected one of:\n * (torch.device device = None, torch.dtype dtype = None, bool non_blocking = False, bool copy = False, *, torch.memory_format memory_format = None)\n * (torch.dtype dtype, bool non_blocking = False, bool copy = False, *, torch.memory_format memory_format = None)\n * (Tensor tensor, bool non_blocking = False, bool copy = False, *, torch.memory_format memory_format = None)\n",
    ),
    (
        "x.to(foo=1)",
        TypeError,
        "to() received an invalid combination of arguments - got (foo=int, ), but expected one of:\n * (torch.device device = None, torch.dtype dtype = None, bool non_blocking = False, bool copy = False, *, torch.memory_format memory_format = None)\n * (torch.dtype dtype, bool non_blocking = False, bool copy = False, *, torch.memory_format memory_format = None)\n * (Tensor tensor, bool non_blocking = False, bool copy = False, *, torch.memory_format memory_format = None)\n",
    ),
    (
        "x.to(torch.float64, True, True, True)",
        TypeError,
        "to() received an invalid combination of arguments - got (torch.dtype, bool, bool, bool), but expected one of:\n * (torch.device device = None, torch.dtype dtype = None, bool non_blocking = False, bool copy = False, *, torch.memory_format memory_format = None)\n * (torch.dtype dtype, bool non_blocking = False, bool copy = False, *, torch.memory_format memory_format = None)\n * (Tensor tensor, bool non_blocking = False, bool copy = False, *, torch.memory_format memory_format = None)\n",
    ),
    (
        "x.to(memory_format=1)",
        TypeError,
        "to() received an invalid combination of arguments - got (memory_format=int, ), but expected one of:\n * (torch.device device = None, torch.dtype dtype = None, bool non_blocking = False, bool copy = False, *, torch.memory_format memory_format = None)\n * (torch.dtype dtype, bool non_blocking = False, bool copy = False, *, torch.memory_format memory_format = None)\n * (Tensor tensor, bool non_blocking = False, bool copy = False, *, torch.memory_format memory_format = None)\n",
    ),
    (
        "nn.Linear(2, 2).to('cpu', True)",
        TypeError,
        "to() received an invalid combination of arguments - got (str, bool), but expected one of:\n * (torch.device device = None, torch.dtype dtype = None, bool non_blocking = False, bool copy = False, *, torch.memory_format memory_format = None)\n * (torch.dtype dtype, bool non_blocking = False, bool copy = False, *, torch.memory_format memory_format = None)\n * (Tensor tensor, bool non_blocking = False, bool copy = False, *, torch.memory_format memory_format = None)\n",
    ),
    (
        "torch.randint(0, 5.0, (3,))",
        TypeError,
        "randint() received an invalid combination of arguments - got (int, float, tuple), but expected one of:\n * (int high, tuple of ints size, *, torch.Generator generator, Tensor out = None, torch.dtype dtype = None, torch.layout layout = None, torch.device device = None, bool pin_memory = False, bool requires_grad = False)\n * (int high, tuple of ints size, *, Tensor out = None, torch.dtype dtype = None, torch.layout layout = None, torch.device device = None, bool pin_memory = False, bool requires_grad = False)\n * (int low, int high, tuple of ints size, *, torch.Generator generator, Tensor out = None, torch.dtype dtype = None, torch.layout layout = None, torch.device device = None, bool pin_memory = False, bool requires_grad = False)\n * (int low, int high, tuple of ints size, *, Tensor out = None, torch.dtype dtype = None, torch.layout layout = None, torch.device device = None, bool pin_memory = False, bool requires_grad = False)\n",
    ),
    (
        "torch.randint(0, 10, 3)",
        TypeError,
        "randint() received an invalid combination of arguments - got (int, int, int), but expected one of:\n * (int high, tuple of ints size, *, torch.Generator generator, Tensor out = None, torch.dtype dtype = None, torch.layout layout = None, torch.device device = None, bool pin_memory = False, bool requires_grad = False)\n * (int high, tuple of ints size, *, Tensor out = None, torch.dtype dtype = None, torch.layout layout = None, torch.device device = None, bool pin_memory = False, bool requires_grad = False)\n * (int low, int high, tuple of ints size, *, torch.Generator generator, Tensor out = None, torch.dtype dtype = None, torch.layout layout = None, torch.device device = None, bool pin_memory = False, bool requires_grad = False)\n * (int low, int high, tuple of ints size, *, Tensor out = None, torch.dtype dtype = None, torch.layout layout = None, torch.device device = None, bool pin_memory = False, bool requires_grad = False)\n",
    ),
    (
        "torch.randint(5)",
        TypeError,
        "randint() received an invalid combination of arguments - got (int), but expected one of:\n * (int high, tuple of ints size, *, torch.Generator generator, Tensor out = None, torch.dtype dtype = None, torch.layout layout = None, torch.device device = None, bool pin_memory = False, bool requires_grad = False)\n * (int high, tuple of ints size, *, Tensor out = None, torch.dtype dtype = None, torch.layout layout = None, torch.device device = None, bool pin_memory = False, bool requires_grad = False)\n * (int low, int high, tuple of ints size, *, torch.Generator generator, Tensor out = None, torch.dtype dtype = None, torch.layout layout = None, torch.device device = None, bool pin_memory = False, bool requires_grad = False)\n * (int low, int high, tuple of ints size, *, Tensor out = None, torch.dtype dtype = None, torch.layout layout = None, torch.device device = None, bool pin_memory = False, bool requires_grad = False)\n",
    ),
    (
        "torch.randint(10, (3,), dtype=1)",
        TypeError,
        "randint() received an invalid combination of arguments - got (int, tuple, dtype=int), but expected one of:\n * (int high, tuple of ints size, *, torch.Generator generator, Tensor out = None, torch.dtype dtype = None, torch.layout layout = None, torch.device device = None, bool pin_memory = False, bool requires_grad = False)\n * (int high, tuple of ints size, *, Tensor out = None, torch.dtype dtype = None, torch.layout layout = None, torch.device device = None, bool pin_memory = False, bool requires_grad = False)\n * (int low, int high, tuple of ints size, *, torch.Generator generator, Tensor out = None, torch.dtype dtype = None, torch.layout layout = None, torch.device device = None, bool pin_memory = False, bool requires_grad = False)\n * (int low, int high, tuple of ints size, *, Tensor out = None, torch.dtype dtype = None, torch.layout layout = None, torch.device device = None, bool pin_memory = False, bool requires_grad = False)\n",
    ),
]

# calls PyTorch takes (with the result's shape), next to the wrong ones
RIGHT_CALLS = [
    ("x.sum(dim=(0, 1))", []),
    ("x.sum((0,))", [3]),
    ("x.sum(())", []),
    ("x.sum(None)", []),
    ("x.sum(np.int64(1))", [2]),
    ("x.sum(torch.tensor(1))", [2]),
    ("x.sum((np.int64(0),))", [3]),
    ("x.sum(dtype=float)", []),
    ("x.sum(1, keepdims=True)", [2, 1]),
    ("x.sum(axis=1)", [2]),
    ("x.sum(1, True, dtype=torch.float64)", [2, 1]),
    ("x.max(np.int64(1)).values", [2]),
    ("x.max(torch.tensor(1))", [2, 3]),
    ("x.max(0, True).indices", [1, 3]),
    ("x.std(0, True)", [3]),
    ("x.std(correction=1)", []),
    ("x.std(None, unbiased=False)", []),
    ("x.squeeze(0, 1)", [2, 3]),
    ("x.squeeze(dim=(0,))", [2, 3]),
    ("x.unsqueeze(torch.tensor(1))", [2, 1, 3]),
    ("x.unsqueeze(np.int32(1))", [2, 1, 3]),
    ("x.narrow(0, torch.tensor(0), 1)", [1, 3]),
    ("x.movedim([0, 1], [1, 0])", [3, 2]),
    ("x.permute(dims=(1, 0))", [3, 2]),
    ("x.view(-1)", [6]),
    ("x.view(torch.Size([6]))", [6]),
    ("x.view(torch.float32)", [2, 3]),
    ("x.view(size=(6,))", [6]),
    ("x.view(dtype=torch.float32)", [2, 3]),
    ("x.reshape(shape=(6,))", [6]),
    ("x.expand(-1, 3)", [2, 3]),
    ("x.expand((2, 3))", [2, 3]),
    ("x.expand(size=(2, 3))", [2, 3]),
    ("x.repeat((2, 1))", [4, 3]),
    ("x.repeat(repeats=(2, 1))", [4, 3]),
    ("x.sort(stable=True).values", [2, 3]),
    ("x.sort(stable=None).values", [2, 3]),
    ("x.argmax(None)", []),
    ("x.softmax(0, torch.float64)", [2, 3]),
    ("x.softmax(dim=0)", [2, 3]),
    ("torch.max(x, x, out=torch.empty(2, 3))", [2, 3]),
    ("nn.Linear(np.int64(3), 4).weight", [4, 3]),
    ("x.to(True)", [2, 3]),
    ("x.to(None)", [2, 3]),
    ("x.to(float)", [2, 3]),
    ("x.to('cpu', torch.float64)", [2, 3]),
    ("x.to(x.long())", [2, 3]),
    ("torch.randint(0, 5, torch.Size([3]), dtype=torch.int32)", [3]),
    ("torch.randint(high=5, size=(2,))", [2]),
]


def _context(torch):
    x = torch.arange(6.0).reshape(2, 3)
    return {
        "torch": torch,
        "np": np,
        "nn": torch.nn,
        "F": torch.nn.functional,
        "x": x,
        "i": torch.zeros(2, 3, dtype=torch.long),
    }


@pytest.mark.parametrize("call, exc, message", WRONG_CALLS, ids=[c[0] for c in WRONG_CALLS])
def test_wrong_call_message(torch, call, exc, message):
    with pytest.raises(exc) as info:
        eval(call, _context(torch))
    assert str(info.value) == message


@pytest.mark.parametrize("call, shape", RIGHT_CALLS, ids=[c[0] for c in RIGHT_CALLS])
def test_accepted_call(torch, call, shape):
    assert list(eval(call, _context(torch)).shape) == shape


def test_accepted_call_after_a_wrong_one(torch):
    """A type pattern is remembered only once accepted: the same types with other values are
    checked again (a tuple's later elements, a tensor's dtype)."""
    x = torch.ones(2, 3)
    assert x.sum((0, 1)).shape == ()
    with pytest.raises(TypeError, match="failed to unpack the object at pos 2"):
        x.sum((0, 1.0))
    assert x.sum(torch.tensor(1)).shape == (2,)
    with pytest.raises(TypeError, match="invalid combination"):
        x.sum(torch.tensor(1.0))
    assert x.permute(1, 0).shape == (3, 2)
    with pytest.raises(TypeError, match="failed to unpack"):
        x.permute(1, 0.0)


def test_reductions_take_what_pytorch_takes(torch):
    x = torch.arange(6.0).reshape(2, 3)
    assert x.mean(None, True).shape == (1, 1) and x.sum(None, True).tolist() == [[15.0]]
    assert x.mean(None, keepdim=True).shape == (1, 1)
    r = x.max(dim=torch.tensor(1))  # by keyword a 0-d integer tensor is the dim
    assert r.values.tolist() == [2.0, 5.0] and r.indices.tolist() == [2, 2]
    assert x.min(dim=torch.tensor(0)).indices.tolist() == [0, 0, 0]
    assert torch.equal(x.max(torch.tensor(1.0)), torch.clamp(x, min=1.0))  # by position: other
    assert torch.equal(x.max(other=x + 1), x + 1)
    assert torch.allclose(x.std(0, correction=torch.tensor(1)), x.std(0))
    assert x.amax(None).item() == 5.0 and x.amin(None).item() == 0.0


def test_a_passed_dim_of_none_or_empty_names_the_dim_overload(torch):
    # ``x.sum()`` is the all-reduce overload; ``x.sum(None)`` / ``x.sum(())`` the dim overload,
    # which reduces every dim too and saves the dim as passed
    x = torch.arange(6.0).reshape(2, 3).requires_grad_()
    assert x.sum().grad_fn.name() == "SumBackward0" and x.mean().grad_fn.name() == "MeanBackward0"
    for dim in (None, (), []):
        s, m = x.sum(dim), x.mean(dim)
        assert s.grad_fn.name() == "SumBackward1" and m.grad_fn.name() == "MeanBackward1"
        assert s.shape == () and m.shape == () and s.item() == 15.0 and m.item() == 2.5
        assert s.grad_fn._saved_dim == (None if dim is None else ())
        assert x.nansum(dim).grad_fn._saved_dim == (None if dim is None else ())
        assert x.nanmean(dim).item() == 2.5
        assert x.amax(dim).grad_fn._saved_dim == () and x.amin(dim).item() == 0.0
    assert torch.sum(x, None, dtype=torch.float64).dtype == torch.float64
    assert x.nansum().grad_fn._saved_dim is None and x.nansum(1).grad_fn._saved_dim == (1,)
    assert x.nansum(1, keepdim=True).grad_fn._saved_keepdim is True
    assert torch.tensor(3.0).sum(()).shape == () and torch.tensor(3.0).mean(()).item() == 3.0
    x.mean(()).backward()
    assert torch.allclose(x.grad, torch.full((2, 3), 1 / 6))


def test_reductions_refuse_what_pytorch_refuses(torch):
    x = torch.ones(2, 3)
    with pytest.raises(TypeError) as e:
        x.prod(None)
    assert str(e.value) == (
        "prod() received an invalid combination of arguments - got (NoneType), but expected "
        "one of:\n * (*, torch.dtype dtype = None)\n * (int dim, bool keepdim = False, *, "
        "torch.dtype dtype = None)\n"
    )
    with pytest.raises(TypeError) as e:
        torch.logsumexp(x, None)
    assert str(e.value) == (
        "logsumexp(): argument 'dim' (position 2) must be tuple of ints, not NoneType"
    )


# PyTorch's deprecated scalar-first spellings (old tutorials: ``p.data.add_(-lr, p.grad.data)``)
# and the modern call each stands for
SCALAR_FIRST = [
    ("torch.add(x, 2, g)", "torch.add(x, g, alpha=2)"),
    ("x.add(-0.5, g)", "x.add(g, alpha=-0.5)"),
    ("x.clone().add_(-0.5, g)", "x.add(g, alpha=-0.5)"),
    ("torch.sub(x, 2, g, out=torch.empty(3))", "x.sub(g, alpha=2)"),
    ("x.clone().sub_(0.5, g)", "x.sub(g, alpha=0.5)"),
    ("torch.addcmul(x, 0.5, g, g)", "x.addcmul(g, g, value=0.5)"),
    ("x.clone().addcmul_(0.5, g, g)", "x.addcmul(g, g, value=0.5)"),
    ("x.addcdiv(0.5, g, g)", "x.addcdiv(g, g, value=0.5)"),
    ("torch.addmm(3, m, 2, m, m)", "torch.addmm(m, m, m, beta=3, alpha=2)"),
    ("torch.addmm(3, m, m, m)", "torch.addmm(m, m, m, beta=3)"),
    ("m.clone().addmm_(3, 2, m, m)", "m.addmm(m, m, beta=3, alpha=2)"),
    ("m.addmm(3, m, m)", "m.addmm(m, m, beta=3)"),
    ("v.addmv(3, 2, m, v)", "v.addmv(m, v, beta=3, alpha=2)"),
    ("torch.addr(3, m, v, v)", "m.addr(v, v, beta=3)"),
    ("m.clone().addbmm_(3, 2, b, b)", "m.addbmm(b, b, beta=3, alpha=2)"),
    ("torch.baddbmm(3, b, b, b)", "b.baddbmm(b, b, beta=3)"),
]


@pytest.mark.filterwarnings("ignore:This overload of")
@pytest.mark.parametrize("old, new", SCALAR_FIRST, ids=[c[0] for c in SCALAR_FIRST])
def test_deprecated_scalar_first_forms(torch, old, new):
    env = {
        "torch": torch,
        "x": torch.arange(3.0),
        "g": torch.full((3,), 2.0),
        "m": torch.arange(4.0).reshape(2, 2),
        "v": torch.tensor([1.0, -1.0]),
        "b": torch.arange(8.0).reshape(2, 2, 2),
    }
    assert eval(old, env).tolist() == eval(new, env).tolist()


def test_deprecated_scalar_first_warns_once_naming_the_overload(torch):
    import subprocess
    import sys

    code = (
        f"import {torch.__name__} as torch; m = torch.ones(2, 2); x = torch.ones(3)\n"
        "torch.addmm(3, m, m, m)\n"
        "x.add_(2, x)\n"
    )
    err = subprocess.run(
        [sys.executable, "-W", "always", "-c", code], capture_output=True, text=True, check=True
    ).stderr
    assert err.count("UserWarning") == 1  # TORCH_WARN_ONCE: the first such call, whichever
    assert err.startswith("<string>:2: UserWarning: This overload of addmm is deprecated:\n")
    assert (
        "\taddmm(Number beta, Tensor input, Tensor mat1, Tensor mat2, *, Tensor out = None)\n"
        "Consider using one of the following signatures instead:\n"
        "\taddmm(Tensor input, Tensor mat1, Tensor mat2, *, Number beta = 1, Number alpha = 1, "
        "Tensor out = None)\n"
        "\taddmm(Tensor input, Tensor mat1, Tensor mat2, torch.dtype out_dtype, *, Number beta "
        "= 1, Number alpha = 1, Tensor out = None) (Triggered internally at "
    ) in err
