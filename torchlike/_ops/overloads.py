"""PyTorch's argument parser for functions with declared overload lists.

A function's overloads are declared as PyTorch prints them in its "invalid combination" message
(``OVERLOADS`` below: the function form's list; the method form's list drops ``Tensor input``
and ``out``, as PyTorch's does, unless the method has its own).  ``Overloads.check`` runs
PyTorch's rules on a call that no cached type pattern vouches for:

* the first signature that takes the arguments wins (an ``int[]`` parameter alone takes a
  varargs call, ``x.permute(1, 0)``; of a sequence only the first element is checked then);
* a single signature, or a single one whose argument count fits, names the bad argument
  (``argument 'dim' (position 1) must be int, not float``, ``missing 1 required positional
  arguments``, ``takes from 1 to 2 positional arguments``, ``unexpected keyword argument``);
* otherwise ``X() received an invalid combination of arguments - got (...)`` lists every
  signature, annotating those whose item count (PyTorch counts the printed items, ``*`` and
  ``out`` included, ``()`` as one) equals the number of arguments given;
* after the match an ``int[]`` argument's later elements are unpacked: ``failed to unpack the
  object at pos 2``.

A valid call pays one ``tuple(map(type, args))`` and a dict lookup: the argument types a
check accepted by type alone are remembered (``checked``).
"""

from __future__ import annotations

import functools

import numpy as np

from .. import _dtype as D
from .. import _warnings
from .._layout import layout, memory_format
from .._size import Size
from .._size import device as _device
from .._tensor import Tensor, tp_name
from ..random import Generator

# PyTorch's parser also takes NumPy's names for these parameters
_NUMPY_NAMES = {"dim": ("axis",), "keepdim": ("keepdims",), "input": ("x", "a", "x1")}
_SEQUENCES = (tuple, list)
_SEQUENCE_TYPES = {tuple, list, Size}


# ---------------------------------------------------------------------------------- value checks
def _is_int(v):
    """PyTorch's ``int``: a Python or NumPy integer (not a bool), or a 0-d integer tensor."""
    if type(v) is int:
        return True
    if isinstance(v, Tensor):
        return (
            v.ndim == 0
            and not (v.is_floating_point() or v.is_complex())
            and (v.dtype is not D.bool_)
        )
    return isinstance(v, (int, np.integer)) and not isinstance(v, (bool, np.bool_))


def _is_bool(v):
    return isinstance(v, (bool, np.bool_))


def _is_dtype(v):
    # Python's scalar types stand for dtypes too (``x.sum(dtype=float)``)
    return isinstance(v, D.dtype) or (isinstance(v, type) and v in (float, int, bool, complex))


def _is_device(v):
    if isinstance(v, (str, _device)):
        return True
    return isinstance(v, (int, np.integer)) and not isinstance(v, (bool, np.bool_))


def _is_number(v):
    if isinstance(v, Tensor):
        return v.ndim == 0
    return isinstance(v, (int, float, complex, np.number, np.bool_))


def _is_float(v):
    """PyTorch's ``float`` (C++ double): a real Python or NumPy number (a bool too), or a 0-d
    tensor that does not require grad."""
    if isinstance(v, Tensor):
        return v.ndim == 0 and not v.requires_grad
    return isinstance(v, (int, float, np.integer, np.floating, np.bool_))


def _is_tensors(v):
    return isinstance(v, _SEQUENCES) and all(isinstance(t, Tensor) for t in v)


def _int_list_head(v):
    """``int[]``'s check of a sequence: empty, or its first element an int (the rest are checked
    when unpacked).  Returns (ok, index of the failing element or None)."""
    if not v or _is_int(v[0]):
        return True, None
    return False, 0


class Param:
    __slots__ = (
        "text",
        "type",
        "name",
        "optional",
        "allow_none",
        "keyword_only",
        "scalar_ok",
        "numbers_ok",
    )

    def __init__(self, text, keyword_only):
        self.text = text
        spec, _, default = text.partition(" = ")
        self.type, _, self.name = spec.rpartition(" ")
        self.optional = bool(default)
        self.allow_none = default == "None"
        # declared here only (not printed): ``?`` takes None though there is no default;
        # ``[1]``: PyTorch's ``int[1]``, which takes one int too (``int[]`` does not)
        if self.type.endswith("?"):
            self.type = self.type[:-1]
            self.allow_none = True
        self.scalar_ok = self.type.endswith("[1]")
        if self.scalar_ok:
            self.type = self.type[:-3]
        # ``Tensor#``: a Python number is taken as a tensor too (PyTorch's parser does that for
        # the Tensor parameters of a few arithmetic ops only, ``should_allow_numbers_as_tensors``:
        # ``torch.add(t, 2)``, ``torch.multiply(2, t)``, while ``torch.maximum(t, 2)`` is refused)
        self.numbers_ok = self.type.endswith("#")
        if self.numbers_ok:
            self.type = self.type[:-1]
        self.keyword_only = keyword_only

    def check(self, v):
        """(ok, failing element index for a sequence or None)."""
        t = self.type
        if t == "int":
            return _is_int(v), None
        if t == "tuple of ints":
            if isinstance(v, _SEQUENCES):
                return _int_list_head(v)
            return self.scalar_ok and _is_int(v), None
        if t == "Tensor":
            return isinstance(v, Tensor) or (self.numbers_ok and _is_number(v)), None
        if t == "str":
            return isinstance(v, str), None
        if t == "bool":
            return _is_bool(v), None
        if t == "torch.dtype":
            return _is_dtype(v), None
        if t == "Number":
            return _is_number(v), None
        if t == "float":
            return _is_float(v), None
        if t == "tuple of Tensors":
            return _is_tensors(v), None
        if t == "torch.device":
            return _is_device(v), None
        if t == "torch.memory_format":
            return isinstance(v, memory_format), None
        if t == "torch.Generator":
            return isinstance(v, Generator), None
        if t == "torch.layout":
            return isinstance(v, layout), None
        raise AssertionError(f"undeclared parameter type {t!r}")

    def by_type(self, v):
        """Whether ``check`` of ``v`` depends on nothing but ``type(v)`` (to remember it)."""
        if isinstance(v, Tensor):
            return self.type == "Tensor"
        return not isinstance(v, _SEQUENCES)


class Signature:
    """One overload, parsed from PyTorch's printed form ``(int dim, bool keepdim = False)``."""

    def __init__(self, name, text):
        self.name = name
        self.text = text.replace("?", "").replace("[1]", "").replace("#", "")
        # PyTorch's message counts the printed items: ``*`` is one, and ``()`` is one (empty)
        self.items = self.text[1:-1].split(", ")
        self.params = []
        keyword_only = False
        for item in text[1:-1].split(", "):
            if item == "*":
                keyword_only = True
            elif item:
                self.params.append(Param(item, keyword_only))
        positional = [p for p in self.params if not p.keyword_only]
        self.max_pos = len(positional)
        self.min_args = sum(not p.optional for p in self.params)
        self.max_args = len(self.params)
        self.varargs = self.max_pos == 1 and positional[0].type == "tuple of ints"

    # ------------------------------------------------------------------ parse
    def parse(self, args, kwargs, raise_error):
        """Whether the call matches; with ``raise_error``, PyTorch's TypeError where it doesn't.
        Returns (packed, by_type): ``packed`` when a varargs call fills the ``int[]`` parameter,
        ``by_type`` when every check depended on the arguments' types only."""
        nargs = len(args)
        if nargs > self.max_pos and not self.varargs:
            return self._fail(raise_error, self._extra_args, nargs)
        remaining = len(kwargs)
        pos = 0
        packed = False
        by_type = True
        for i, p in enumerate(self.params):
            keyword = False
            if pos < nargs:
                if p.keyword_only:
                    return self._fail(raise_error, self._extra_args, nargs)
                v, given = args[pos], True
            else:
                keyword = True
                given = p.name in kwargs
                v = kwargs.get(p.name)
                for alias in _NUMPY_NAMES.get(p.name, ()):
                    if given:
                        break
                    given = alias in kwargs
                    v = kwargs.get(alias)
            if (not given and p.optional) or (given and v is None and p.allow_none):
                pass
            elif not given:
                return self._fail(raise_error, self._missing, i)
            else:
                ok, failed = p.check(v)
                if ok:
                    by_type = by_type and p.by_type(v)
                elif self.varargs and pos == 0 and not keyword and _int_list_head(args)[0]:
                    packed, pos = True, nargs  # ``x.permute(1, 0)``: every positional is dims
                    by_type = by_type and not any(isinstance(a, Tensor) for a in args)
                    continue
                elif not raise_error:
                    return None
                else:
                    self._bad_type(p, v, failed, None if keyword else pos + 1, args)
            if not keyword:
                pos += 1
            elif given:
                remaining -= 1
        if pos < nargs:
            return self._fail(raise_error, self._extra_args, nargs)
        if remaining > 0:
            return self._fail(raise_error, self._extra_kwargs, args, kwargs)
        return packed, by_type

    def _fail(self, raise_error, why, *a):
        if raise_error:
            raise why(*a)
        return None

    def _bad_type(self, p, v, failed, position, args):
        if position is None:
            raise TypeError(
                f"{self.name}(): argument '{p.name}' must be {p.type}, not {tp_name(v)}"
            )
        if self.varargs and position == 1 and len(args) > 1:
            raise self._extra_args(len(args))
        if failed is not None:
            raise TypeError(
                f"{self.name}(): argument '{p.name}' (position {position}) must be {p.type}, "
                f"but found element of type {tp_name(v[failed])} at pos {failed}"
            )
        raise TypeError(
            f"{self.name}(): argument '{p.name}' (position {position}) must be {p.type}, "
            f"not {tp_name(v)}"
        )

    def _extra_args(self, nargs):
        n = self.max_pos
        if self.min_args != n:
            return TypeError(
                f"{self.name}() takes from {self.min_args} to {n} positional arguments but "
                f"{nargs} were given"
            )
        return TypeError(
            f"{self.name}() takes {n} positional argument{'' if n == 1 else 's'} but {nargs} "
            f"{'was' if nargs == 1 else 'were'} given"
        )

    def _missing(self, index):
        names = [f'"{p.name}"' for p in self.params[index:] if not p.optional]
        # PyTorch's plural is the other way round ("missing 1 required positional arguments")
        return TypeError(
            f"{self.name}() missing {len(names)} required positional argument"
            f"{'s' if len(names) == 1 else ''}: {', '.join(names)}"
        )

    def _extra_kwargs(self, args, kwargs):
        consumed = set()
        for i, p in enumerate(self.params):
            for key in (p.name, *_NUMPY_NAMES.get(p.name, ())):
                if key in kwargs:
                    if i < len(args):
                        return TypeError(
                            f"{self.name}() got multiple values for argument '{p.name}'"
                        )
                    consumed.add(key)
                    break
        key = next(k for k in kwargs if k not in consumed)
        return TypeError(f"{self.name}() got an unexpected keyword argument '{key}'")

    def unpack(self, args, kwargs, packed):
        """The element checks PyTorch makes when it converts the chosen signature's ``int[]``
        arguments: 'failed to unpack the object at pos N'."""
        for i, p in enumerate(self.params):
            if p.type != "tuple of ints":
                continue
            if packed and i == 0:
                v = args
            elif i < len(args) and not p.keyword_only:
                v = args[i]
            else:
                v = kwargs.get(p.name)
            if isinstance(v, _SEQUENCES):
                for k, e in enumerate(v):
                    if not _is_int(e):
                        raise TypeError(
                            f"{self.name}(): argument '{p.name}' failed to unpack the object at "
                            f'pos {k + 1} with error "type must be tuple of ints,but got '
                            f'{tp_name(e)}"'
                        )

    # ------------------------------------------------------------------ the listing's annotation
    def annotation(self, args, kwargs):
        """The line PyTorch adds under this signature in the listing, or None."""
        if len(self.items) != len(args) + len(kwargs):
            return None
        # PyTorch's reading of the printed items only knows those without a default: an item
        # with one matches no argument, by position or by name
        names = {}
        for item in self.items:
            if " = " not in item and item not in ("", "*"):
                names[item.rpartition(" ")[2]] = _listed_type(item)
        wrong = [k for k, _ in _map_order(kwargs) if k not in names]
        if wrong:
            return "      didn't match because some of the keywords were incorrect: " + ", ".join(
                wrong
            )
        shown = []
        for item, v in zip(self.items, args):
            shown.append(_marked(_described(v), _listed_type(item) == tp_name(v)))
        order = list(names)  # here the keywords come in the signature's order
        for k in sorted(kwargs, key=order.index):
            v = kwargs[k]
            shown.append(_marked(f"{k}={_described(v)}", names[k] == tp_name(v)))
        return "      didn't match because some of the arguments have invalid types: " + _joined(
            shown, bool(args)
        )


def _listed_type(item):
    return None if " = " in item else item.rpartition(" ")[0]


def _marked(text, ok):
    return text if ok else f"!{text}!"


def _described(v):
    """How the listing's annotation describes an argument: a sequence shows its elements."""
    if isinstance(v, _SEQUENCES):
        inner = ", ".join(tp_name(e) for e in v)
        if isinstance(v, list):
            return f"{tp_name(v)} of [{inner}]"
        return f"{tp_name(v)} of ({inner}{',' if len(v) == 1 else ''})"
    return tp_name(v)


def _map_order(kwargs):
    # PyTorch copies the keywords into a std::unordered_map, whose few-element iteration order
    # is the reverse of insertion
    return reversed(list(kwargs.items()))


def _joined(items, positional):
    # PyTorch appends ", " after every item and takes the last one back only if there were
    # positional arguments: "(dim=float, )"
    text = "".join(f"{s}, " for s in items)
    return f"({text[:-2] if positional else text})"


class Overloads:
    """One form's overload list (function or method) and its parser."""

    def __init__(self, name, texts, hidden=()):
        self.name = name
        self.signatures = [Signature(name, t) for t in texts]
        # PyTorch's deprecated signatures: they take calls, but are never listed or counted
        self.hidden = [Signature(name, t) for t in hidden]

    def match(self, args, kwargs):
        """(packed, by_type) of the first signature that takes the call; PyTorch's TypeError if
        none does."""
        sigs = self.signatures
        for sig in (*sigs, *self.hidden):
            m = sig.parse(args, kwargs, False)
            if m is not None:
                sig.unpack(args, kwargs, m[0])
                return m
        n = len(args) + len(kwargs)
        plausible = [s for s in sigs if s.min_args <= n <= s.max_args]
        if len(sigs) + len(self.hidden) == 1 or len(plausible) == 1:
            (sigs[0] if len(sigs) == 1 and not plausible else plausible[0]).parse(
                args, kwargs, True
            )
        raise TypeError(self.invalid_combination(args, kwargs))

    def invalid_combination(self, args, kwargs):
        got = [tp_name(a) for a in args] + [f"{k}={tp_name(v)}" for k, v in _map_order(kwargs)]
        head = (
            f"{self.name}() received an invalid combination of arguments - got "
            f"{_joined(got, bool(args))}, but expected"
        )
        if len(self.signatures) == 1:  # (a hidden deprecated signature beside it)
            return f"{head} {self.signatures[0].text}"
        lines = [f"{head} one of:"]
        for sig in self.signatures:
            lines.append(f" * {sig.text}")
            note = sig.annotation(args, kwargs)
            if note is not None:
                lines.append(note)
        return "\n".join(lines) + "\n"


def _method_text(text):
    """The method form of a function signature: no ``Tensor input``, no ``out``."""
    items = [
        i for i in text[1:-1].split(", ") if i and i.partition(" = ")[0].split()[-1] != "input"
    ]
    items = [i for i in items if " out" not in i.partition(" = ")[0]]
    if items and items[-1] == "*":
        items.pop()
    return "(" + ", ".join(items) + ")"


# ---------------------------------------------------------------------------------- the wrapper
_PATTERNS = 256  # argument-type patterns remembered per form and kind


def checked(fn, overloads, method):
    """``fn`` behind ``overloads``' parser.  A call whose argument types were accepted before by
    type alone goes straight through; any other is matched (and PyTorch's error raised) first.
    ``method``: ``fn`` takes ``self`` first, which the signatures leave out."""
    by_type = set()  # argument-type patterns that pass whatever their values
    packed = set()  # ... that pass as a varargs int list (``x.squeeze(0, 1)`` is dim=(0, 1))
    int_sequences = set()  # ... that pass while their sequences hold Python ints only

    def slow(head, args, kwargs, key):
        # (a function form never packs: its first parameter is the input tensor)
        if key not in int_sequences or not _int_sequences(args, kwargs):
            is_packed, is_by_type = overloads.match(args, kwargs)
            dim = kwargs.get("dim")
            if isinstance(dim, Tensor) and not dim.shape and not dim.dtype.is_floating_point:
                # ``dim=`` by keyword can only be the ``int dim`` signature's (a 0-d integer
                # tensor is an int there); by position a Tensor is ``max(other)``'s
                kwargs = dict(kwargs, dim=int(dim))
            remembered = None
            if is_by_type:
                remembered = packed if is_packed else by_type
            elif not is_packed and _int_sequences_only(args, kwargs):
                remembered = int_sequences
            if remembered is not None:
                if len(remembered) >= _PATTERNS:  # bounded, as every cache (types can be made)
                    remembered.clear()
                remembered.add(key)
            if is_packed:
                return fn(*head, args, **kwargs)
        return fn(*head, *args, **kwargs)

    if method:

        @functools.wraps(fn)
        def wrapper(self, *args, **kwargs):
            if kwargs:
                key = tuple(map(type, args)) + tuple(kwargs) + tuple(map(type, kwargs.values()))
            elif len(args) == 1:
                key = type(args[0])
            else:
                key = tuple(map(type, args))
            if key in by_type:
                return fn(self, *args, **kwargs)
            if key in packed:
                return fn(self, args, **kwargs)
            return slow((self,), args, kwargs, key)

        return wrapper

    @functools.wraps(fn)
    def function(*args, **kwargs):
        if kwargs:
            key = tuple(map(type, args)) + tuple(kwargs) + tuple(map(type, kwargs.values()))
        elif len(args) == 1:
            key = type(args[0])
        else:
            key = tuple(map(type, args))
        if key in by_type:
            return fn(*args, **kwargs)
        return slow((), args, kwargs, key)

    return function


def _int_sequences(args, kwargs):
    """Every sequence argument holds Python ints only (then a remembered pattern holds)."""
    for values in (args, kwargs.values()):
        for v in values:
            if type(v) in _SEQUENCE_TYPES:
                for e in v:
                    if type(e) is not int:
                        return False
    return True


def _int_sequences_only(args, kwargs):
    """The call's pattern can be remembered with an element check: it has sequences of ints,
    and nothing else whose check depends on its value (a tensor)."""
    values = (*args, *kwargs.values())
    return _int_sequences(args, kwargs) and not any(isinstance(v, Tensor) for v in values)


# ---------------------------------------------------------------------------------- the table
# name -> the function form's overloads as PyTorch prints them (a method-only op: the method's).
# ``bool? stable``: a parameter that takes None though it has no default (printed without ?).
_REDUCE_DTYPE = (
    "(Tensor input, *, torch.dtype dtype = None)",
    "(Tensor input, tuple of ints[1]? dim, bool keepdim = False, *, torch.dtype dtype = None, "
    "Tensor out = None)",
)
_VAR_STD = (
    "(Tensor input, tuple of ints[1]? dim, bool unbiased = True, bool keepdim = False, *, "
    "Tensor out = None)",
    "(Tensor input, tuple of ints[1] dim = None, *, Number correction = None, bool keepdim = False, "
    "Tensor out = None)",
    "(Tensor input, bool unbiased = True)",
)
_MAX_MIN = (
    "(Tensor input, *, Tensor out = None)",
    "(Tensor input, Tensor other, *, Tensor out = None)",
    "(Tensor input, int dim, bool keepdim = False, *, tuple of Tensors out = None)",
)
_SOFTMAX = ("(Tensor input, int dim, torch.dtype dtype = None, *, Tensor out = None)",)
_ADD_SUB = ("(Tensor# input, Tensor# other, *, Number alpha = 1, Tensor out = None)",)
_TENSOR_OTHER = (
    *("atan2", "arctan2", "hypot", "igamma", "igammac", "ldexp", "logaddexp", "logaddexp2"),
    *("logical_and", "logical_or", "logical_xor", "maximum", "minimum", "fmax", "fmin"),
    *("nextafter", "gcd", "lcm"),
)
_COMPARE = (
    *("eq", "ne", "not_equal", "ge", "greater_equal", "gt", "greater"),
    *("le", "less_equal", "lt", "less"),
)
_TENSOR_OR_NUMBER = (
    "(Tensor input, Tensor other, *, Tensor out = None)",
    "(Tensor input, Number other, *, Tensor out = None)",
)
_NUMBER_WITHOUT_OUT = (
    "(Tensor# input, Tensor# other, *, Tensor out = None)",
    "(Tensor input, Number other)",
)
_POW = (
    "(Tensor input, Tensor exponent, *, Tensor out = None)",
    "(Number self, Tensor exponent, *, Tensor out = None)",
    "(Tensor input, Number exponent, *, Tensor out = None)",
)
_BITWISE = (
    *("bitwise_and", "bitwise_or", "bitwise_xor", "bitwise_left_shift", "bitwise_right_shift"),
)
_NUMBER_SELF = (
    "(Tensor input, Tensor other, *, Tensor out = None)",
    "(Number self, Tensor other)",
    "(Tensor input, Number other, *, Tensor out = None)",
)
_SORT = (
    "(Tensor input, *, bool? stable, int dim = -1, bool descending = False, "
    "tuple of Tensors out = None)",
    "(Tensor input, int dim = -1, bool descending = False, *, tuple of Tensors out = None)",
)

OVERLOADS = {
    "sum": _REDUCE_DTYPE,
    "mean": (
        "(Tensor input, *, torch.dtype dtype = None, Tensor out = None)",
        _REDUCE_DTYPE[1],
    ),
    "std": _VAR_STD,
    "var": _VAR_STD,
    "max": _MAX_MIN,
    "min": _MAX_MIN,
    # (PyTorch takes None for amax's / amin's dim, though it prints no "?")
    "amax": (
        "(Tensor input, tuple of ints[1]? dim = [], bool keepdim = False, *, Tensor out = None)",
    ),
    "amin": (
        "(Tensor input, tuple of ints[1]? dim = [], bool keepdim = False, *, Tensor out = None)",
    ),
    "prod": (
        "(Tensor input, *, torch.dtype dtype = None)",
        "(Tensor input, int dim, bool keepdim = False, *, torch.dtype dtype = None, "
        "Tensor out = None)",
    ),
    "logsumexp": (
        "(Tensor input, tuple of ints[1] dim, bool keepdim = False, *, Tensor out = None)",
    ),
    "argmax": ("(Tensor input, int dim = None, bool keepdim = False, *, Tensor out = None)",),
    "argmin": ("(Tensor input, int dim = None, bool keepdim = False, *, Tensor out = None)",),
    "squeeze": (
        "(Tensor input)",
        "(Tensor input, int dim)",
        "(Tensor input, tuple of ints dim)",
    ),
    "unsqueeze": ("(Tensor input, int dim)",),
    "narrow": (
        "(Tensor input, int dim, Tensor start, int length)",
        "(Tensor input, int dim, int start, int length)",
    ),
    "movedim": (
        "(Tensor input, int source, int destination)",
        "(Tensor input, tuple of ints source, tuple of ints destination)",
    ),
    "transpose": ("(Tensor input, int dim0, int dim1)",),
    "flatten": ("(Tensor input, int start_dim = 0, int end_dim = -1)",),
    "cumsum": ("(Tensor input, int dim, *, torch.dtype dtype = None, Tensor out = None)",),
    "softmax": _SOFTMAX,
    "log_softmax": _SOFTMAX,
    "topk": (
        "(Tensor input, int k, int dim = -1, bool largest = True, bool sorted = True, *, "
        "tuple of Tensors out = None)",
    ),
    "sort": _SORT,
    "gather": (
        "(Tensor input, int dim, Tensor index, *, bool sparse_grad = False, Tensor out = None)",
    ),
    "index_select": ("(Tensor input, int dim, Tensor index, *, Tensor out = None)",),
    # binary pointwise ops: what a Tensor parameter takes (``torch.add(t, ndarray)``,
    # ``torch.maximum(t, 2)``, ``t.eq([1, 2])`` raise as in PyTorch; the operators ``t + a``
    # keep NumPy's fallback, operators.py)
    **dict.fromkeys(("add", "sub"), _ADD_SUB),
    "mul": ("(Tensor# input, Tensor# other, *, Tensor out = None)",),
    "div": (
        "(Tensor# input, Tensor# other, *, Tensor out = None)",
        "(Tensor# input, Tensor# other, *, str? rounding_mode, Tensor out = None)",
        "(Tensor input, Number other, *, str? rounding_mode)",
    ),
    **dict.fromkeys(_TENSOR_OTHER, ("(Tensor input, Tensor other, *, Tensor out = None)",)),
    "heaviside": ("(Tensor input, Tensor values, *, Tensor out = None)",),
    **dict.fromkeys(_COMPARE, _TENSOR_OR_NUMBER),
    **dict.fromkeys(("copysign", "fmod"), _TENSOR_OR_NUMBER),
    **dict.fromkeys(("floor_divide", "multiply", "true_divide"), _NUMBER_WITHOUT_OUT),
    "subtract": (
        "(Tensor# input, Tensor# other, *, Number alpha = 1, Tensor out = None)",
        "(Tensor input, Number other, Number alpha = 1)",
    ),
    "divide": (
        "(Tensor# input, Tensor# other, *, Tensor out = None)",
        "(Tensor# input, Tensor# other, *, str? rounding_mode, Tensor out = None)",
        "(Tensor input, Number other)",
        "(Tensor input, Number other, *, str? rounding_mode)",
    ),
    **dict.fromkeys(("pow", "float_power"), _POW),
    "xlogy": (
        "(Tensor input, Tensor other, *, Tensor out = None)",
        "(Number self, Tensor other, *, Tensor out = None)",
        "(Tensor input, Number other, *, Tensor out = None)",
    ),
    **dict.fromkeys(("remainder", *_BITWISE), _NUMBER_SELF),
    "rsub": (
        "(Tensor input, Tensor other, *, Number alpha = 1)",
        "(Tensor input, Number other, Number alpha = 1)",
    ),
    "dist": ("(Tensor input, Tensor other, Number p = 2)",),
    "polar": ("(Tensor abs, Tensor angle, *, Tensor out = None)",),
    "complex": ("(Tensor real, Tensor imag, *, Tensor out = None)",),
    **dict.fromkeys(
        ("clamp", "clip"),
        (
            "(Tensor input, Tensor min = None, Tensor max = None, *, Tensor out = None)",
            "(Tensor input, Number min = None, Number max = None, *, Tensor out = None)",
        ),
    ),
    "where": (
        "(Tensor condition)",
        "(Tensor condition, Tensor input, Tensor other, *, Tensor out = None)",
        "(Tensor condition, Number self, Tensor other)",
        "(Tensor condition, Tensor input, Number other)",
        "(Tensor condition, Number self, Number other)",
    ),
    "lerp": (
        "(Tensor input, Tensor end, Tensor weight, *, Tensor out = None)",
        "(Tensor input, Tensor end, Number weight, *, Tensor out = None)",
    ),
    "masked_fill": (
        "(Tensor input, Tensor mask, Tensor value)",
        "(Tensor input, Tensor mask, Number value)",
    ),
    "matmul": ("(Tensor input, Tensor other, *, Tensor out = None)",),
    "dot": ("(Tensor input, Tensor tensor, *, Tensor out = None)",),
    "mm": (
        "(Tensor input, Tensor mat2, *, Tensor out = None)",
        "(Tensor input, Tensor mat2, torch.dtype out_dtype, *, Tensor out = None)",
    ),
    **dict.fromkeys(
        ("addcmul", "addcdiv"),
        ("(Tensor input, Tensor tensor1, Tensor tensor2, *, Number value = 1, Tensor out = None)",),
    ),
    "isclose": (
        "(Tensor input, Tensor other, float rtol = 1e-05, float atol = 1e-08, "
        "bool equal_nan = False)",
    ),
}
METHOD_OVERLOADS = {
    "view": ("(torch.dtype dtype)", "(tuple of ints size)"),
    "permute": ("(tuple of ints dims)",),
    "repeat": ("(tuple of ints repeats)",),
    "expand": ("(tuple of ints size, *, bool implicit = False)",),
    "flip": ("(tuple of ints dims)",),
    "tile": ("(tuple of ints dims)",),
    "reshape": ("(tuple of ints shape)",),
    # (a binary op's ``Number self`` form is the function's only)
    **dict.fromkeys(("pow", "float_power"), ("(Tensor exponent)", "(Number exponent)")),
    **dict.fromkeys(("remainder", "xlogy", *_BITWISE), ("(Tensor other)", "(Number other)")),
    "expand_as": ("(Tensor other)",),
}
# PyTorch's deprecated signatures (deprecated.yaml; the calls are ``scalar_first``'s): never
# listed, but counted, so a call that fits no listed one gets the one-signature message
HIDDEN = {
    **dict.fromkeys(
        ("add", "sub"),
        (
            ("(Tensor input, Number alpha, Tensor other, *, Tensor out = None)",),
            ("(Number alpha, Tensor other)",),
        ),
    ),
    **dict.fromkeys(
        ("addcmul", "addcdiv"),
        (
            ("(Tensor input, Number value, Tensor tensor1, Tensor tensor2, *, Tensor out = None)",),
            ("(Number value, Tensor tensor1, Tensor tensor2)",),
        ),
    ),
}
# function forms of the varargs ops take the sequence as one argument (``torch.permute(x, 1, 0)``
# is refused)
FUNCTION_OVERLOADS = {
    "permute": ("(Tensor input, tuple of ints dims)",),
    "flip": ("(Tensor input, tuple of ints dims)",),
    "tile": ("(Tensor input, tuple of ints dims)",),
    "reshape": ("(Tensor input, tuple of ints shape)",),
}


# ------------------------------------------------------------------ deprecated scalar-first forms
# PyTorch's parser still takes the old scalar-first spellings (deprecated.yaml), which old
# tutorials and optimizers use: ``p.data.add_(-lr, p.grad.data)``, ``torch.addmm(beta, x, m1,
# m2)``.  Per name: its deprecated function-form parameters (``#`` marks a Number) and the
# keywords of the form they stand for.  They are rewritten to that form; the first such call
# in a process warns (PyTorch's TORCH_WARN_ONCE), naming the overload the way PyTorch does.
_PRODUCTS = {"addmm": ("mat1", "mat2"), "addmv": ("mat", "vec"), "addr": ("vec1", "vec2")}
_PRODUCTS.update(addbmm=("batch1", "batch2"), baddbmm=("batch1", "batch2"))
SCALAR_FIRST = {
    "add": ((("input", "#alpha", "other"),), ("alpha",)),
    "sub": ((("input", "#alpha", "other"),), ("alpha",)),
    "addcmul": ((("input", "#value", "tensor1", "tensor2"),), ("value",)),
    "addcdiv": ((("input", "#value", "tensor1", "tensor2"),), ("value",)),
    **{
        name: ((("#beta", "input", "#alpha", *ts), ("#beta", "input", *ts)), ("beta", "alpha"))
        for name, ts in _PRODUCTS.items()
    },
}
_OUT_DTYPE_FORM = frozenset(("addmm", "baddbmm"))  # (their modern form has a second overload)
_SCALAR_FIRST_WARNED = [False]


def _scalar_first_texts(name, params, keywords, method):
    """(deprecated signature, modern signatures) as PyTorch's warning prints them."""
    kept = [p for p in params if not (method and p == "input")]
    old = ", ".join(f"Number {p[1:]}" if p[0] == "#" else f"Tensor {p}" for p in kept)
    tensors = [f"Tensor {p}" for p in kept if p[0] != "#"]
    numbers = ", ".join(f"Number {k} = 1" for k in keywords)
    if method:
        return f"{name}({old})", [f"{name}({', '.join(tensors)}, *, {numbers})"]
    new = [f"{name}({', '.join(tensors)}, *, {numbers}, Tensor out = None)"]
    if name in _OUT_DTYPE_FORM:
        new.append(
            f"{name}({', '.join(tensors)}, torch.dtype out_dtype, *, {numbers}, Tensor out = None)"
        )
    return f"{name}({old}, *, Tensor out = None)", new


def scalar_first(fn, name, form):
    """``fn`` (``form``: "function", "method" or "inplace") taking PyTorch's deprecated
    scalar-first calls too.  A call with no more positional arguments than the modern form
    takes goes straight through."""
    params, keywords = SCALAR_FIRST[name]
    method = form != "function"
    shown = name + "_" if form == "inplace" else name
    # positional parameters of each deprecated form, without ``input`` for the methods
    patterns = [tuple(p for p in ps if not (method and p == "input")) for ps in params]
    modern = max(len(ps) for ps in patterns) - len(keywords)  # (the modern form's positionals)
    texts = {
        ps: _scalar_first_texts(shown, full, keywords, method) for ps, full in zip(patterns, params)
    }

    def rewritten(args, kwargs):
        for ps in patterns:
            if len(ps) != len(args):
                continue
            head, numbers = [], {}
            for p, a in zip(ps, args):
                if p[0] == "#":
                    if isinstance(a, Tensor) or not _is_number(a):
                        break
                    numbers[p[1:]] = a
                elif isinstance(a, Tensor):
                    head.append(a)
                else:
                    break
            else:
                if any(k in kwargs for k in numbers):
                    return None
                if not _SCALAR_FIRST_WARNED[0]:
                    _SCALAR_FIRST_WARNED[0] = True
                    old, new = texts[ps]
                    _warnings.warn(
                        f"This overload of {shown} is deprecated:\n\t{old}\nConsider using one "
                        "of the following signatures instead:\n\t" + "\n\t".join(new),
                        "torch/csrc/utils/python_arg_parser.cpp:1841",
                        stacklevel=3,
                    )
                return head, {**kwargs, **numbers}
        return None

    skip = 1 if method else 0  # (a method's ``self``, which the patterns leave out)

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        if len(args) - skip > modern:
            call = rewritten(args[skip:], kwargs)
            if call is not None:
                return fn(*args[:skip], *call[0], **call[1])
        return fn(*args, **kwargs)

    return wrapper


def forms(name):
    """(function, method, in-place method) overloads declared for ``name``, each may be None
    (the in-place method ``X_`` takes what the method takes, under its own name)."""
    function = FUNCTION_OVERLOADS.get(name) or OVERLOADS.get(name)
    method = METHOD_OVERLOADS.get(name)
    if method is None and name in OVERLOADS:
        method = tuple(_method_text(t) for t in OVERLOADS[name])
    hidden_function, hidden_method = HIDDEN.get(name, ((), ()))
    return (
        None if function is None else Overloads(name, function, hidden_function),
        None if method is None else Overloads(name, method, hidden_method),
        None if method is None else Overloads(name + "_", method, hidden_method),
    )


def check_tensor_list(tensors, argument):
    """PyTorch's parser on a ``tuple of Tensors`` argument (cat's list, einsum's operands):
    every element a Tensor (a NumPy array or a number is refused too)."""
    for k, t in enumerate(tensors):
        if not isinstance(t, Tensor):
            raise TypeError(
                f"expected Tensor as element {k} in argument {argument}, but got {tp_name(t)}"
            )


__all__ = [
    "OVERLOADS",
    "SCALAR_FIRST",
    "Overloads",
    "Signature",
    "check_tensor_list",
    "checked",
    "forms",
    "scalar_first",
    "tp_name",
]
