"""Weights-only ``torch.load`` cannot change the process: crafted pickles, damaged files, fuzzing.

The crafted pickles are written opcode by opcode (protocol 2, the subset ``torch.save`` writes
and PyTorch's weights-only unpickler reads), zipped as a checkpoint, and loaded by both backends:
PyTorch's own loader is the oracle for which files are refused and with what text.  The fuzz
tests at the end are torchlike's own (PyTorch's loader itself raises ``IndexError``/``KeyError``
on some damaged files, which is what torchlike must not do).
"""

import collections
import io
import pickle
import pickletools
import struct
import warnings
import zipfile

import pytest
from _helpers import assert_equal
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

P = pickle


def _g(module, name):
    return P.GLOBAL + f"{module}\n{name}\n".encode()


def _s(text):
    raw = text.encode()
    return P.BINUNICODE + struct.pack("<I", len(raw)) + raw


def _pkl(*parts):
    return P.PROTO + b"\x02" + b"".join(parts) + P.STOP


def _checkpoint(pkl, storages=None, name="archive"):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as z:
        z.writestr(f"{name}/data.pkl", pkl)
        z.writestr(f"{name}/byteorder", b"little")
        for key, raw in (storages or {}).items():
            z.writestr(f"{name}/data/{key}", raw)
        z.writestr(f"{name}/version", b"3\n")
    buf.seek(0)
    return buf


def _storage_ref(key="0", kind="FloatStorage", numel=2):
    return (
        P.MARK
        + _s("storage")
        + _g("torch", kind)
        + _s(key)
        + _s("cpu")
        + P.BININT1
        + bytes([numel])
        + P.TUPLE
        + P.BINPERSID
    )


def _tensor_pickle(key="0"):
    """``_rebuild_tensor_v2(storage, 0, (2,), (1,), False, OrderedDict())``."""
    return _pkl(
        _g("torch._utils", "_rebuild_tensor_v2"),
        P.MARK,
        _storage_ref(key),
        P.BININT1 + b"\x00",
        P.BININT1 + b"\x02" + P.TUPLE1,
        P.BININT1 + b"\x01" + P.TUPLE1,
        P.NEWFALSE,
        _g("collections", "OrderedDict") + P.EMPTY_TUPLE + P.REDUCE,
        P.TUPLE,
        P.REDUCE,
    )


_REFUSED_BUILD = (
    "Can only build Tensor, Parameter, OrderedDict or types allowlisted via `add_safe_globals`, "
    "but got <class '"
)
_ADVICE = "weights_only` set to `False` will likely succeed"


def _load_error(torch, pkl, **storages):
    with pytest.raises(pickle.UnpicklingError) as info:
        torch.load(_checkpoint(pkl, storages))
    return str(info.value)


# ------------------------------------------------------------------- the two exploits
def test_dtype_build_is_refused_and_dtypes_unchanged(torch):
    # GLOBAL torch.float32, then BUILD with a (dict, slots) state naming float16's innards
    pkl = _pkl(
        _g("torch", "float32"),
        P.NONE,
        P.EMPTY_DICT,
        _s("_np"),
        _g("torch", "float16"),
        P.SETITEM,
        P.TUPLE2,
        P.BUILD,
    )
    message = _load_error(torch, pkl)
    assert message.startswith("Weights only load failed.")
    assert _REFUSED_BUILD in message
    z = torch.zeros(2)
    assert z.dtype == torch.float32 and z.element_size() == 4
    assert_equal(z + 1, [1.0, 1.0])


def test_tensor_class_build_is_refused_and_repr_unchanged(torch):
    before = torch.Tensor.__repr__
    pkl = _pkl(
        _g("torch", "Tensor"),
        P.EMPTY_DICT,
        _s("__repr__"),
        _g("builtins", "set"),
        P.SETITEM,
        P.BUILD,
    )
    message = _load_error(torch, pkl)
    assert _REFUSED_BUILD in message
    assert torch.Tensor.__repr__ is before
    assert repr(torch.tensor([1.0])) == "tensor([1.])"


@pytest.mark.parametrize(
    "body, text",
    [
        (
            _g("collections", "OrderedDict") + _s("a") + P.NONE + P.SETITEM,
            "Can only SETITEM for dict, collections.OrderedDict, collections.Counter, "
            "but got <class 'type'>",
        ),
        (
            _g("collections", "OrderedDict") + P.MARK + _s("a") + P.NONE + P.SETITEMS,
            "Can only SETITEMS for dict, collections.OrderedDict, collections.Counter, "
            "but got <class 'type'>",
        ),
        (_g("torch", "float32") + P.NONE + P.APPEND, "Can only append to lists, but got <class '"),
        (
            _g("torch", "float32") + P.MARK + P.NONE + P.APPENDS,
            "Can only extend lists, but got <class '",
        ),
        (_g("torch", "Size") + P.EMPTY_DICT + P.BUILD, _REFUSED_BUILD),
        (P.EXT1 + b"\x01", "Unsupported operand 130"),
        (b"(ibuiltins\nset\n", "Unsupported operand 105"),
        (P.EMPTY_TUPLE + P.SHORT_BINUNICODE + b"\x01a", "Unsupported operand 140"),
    ],
    ids=["setitem", "setitems", "append", "appends", "build-size", "ext1", "inst", "binunicode8"],
)
def test_mutating_opcodes_on_globals_are_refused(torch, body, text):
    message = _load_error(torch, _pkl(body))
    assert message.startswith("Weights only load failed.")
    assert text in message


def test_blocked_and_unknown_globals(torch):
    message = _load_error(torch, _pkl(_g("os", "system"), _s("echo hi"), P.TUPLE1, P.REDUCE))
    assert "Trying to load unsupported GLOBAL os.system whose module os is blocked." in message
    message = _load_error(torch, _pkl(_g("builtins", "eval")))
    assert (
        "WeightsUnpickler error: Unsupported global: GLOBAL eval was not an allowed global by "
        "default. Please use `torch.serialization.add_safe_globals([eval])` or the "
        "`torch.serialization.safe_globals([eval])` context manager to allowlist this global "
        "if you trust this class/function." in message
    )


def test_building_what_the_load_made_is_allowed(torch):
    # an OrderedDict the pickle itself made may get attributes (a state dict's _metadata)
    pkl = _pkl(
        _g("collections", "OrderedDict"),
        P.EMPTY_TUPLE,
        P.REDUCE,
        P.EMPTY_DICT,
        _s("_metadata"),
        P.BININT1 + b"\x07",
        P.SETITEM,
        P.BUILD,
        _s("w"),
        P.EMPTY_LIST,
        P.BININT1 + b"\x01",
        P.APPEND,
        P.SETITEM,
    )
    loaded = torch.load(_checkpoint(pkl))
    assert type(loaded) is collections.OrderedDict
    assert loaded == {"w": [1]} and loaded._metadata == 7
    assert not hasattr(collections.OrderedDict, "_metadata")


def test_tensor_from_hand_written_pickle(torch):
    loaded = torch.load(_checkpoint(_tensor_pickle(), {"0": struct.pack("<2f", 1.5, -2.0)}))
    assert loaded.dtype == torch.float32
    assert_equal(loaded, [1.5, -2.0])


# ------------------------------------------------------------------------ damaged files
def _saved(torch):
    buf = io.BytesIO()
    torch.save({"w": torch.arange(6.0).reshape(2, 3), "n": 3}, buf)
    return buf.getvalue()


@pytest.mark.parametrize("keep", [0.3, 0.6, 0.95])
def test_truncated_file_is_called_corrupt_without_advice(torch, keep):
    data = _saved(torch)
    with pytest.raises(RuntimeError) as info:
        torch.load(io.BytesIO(data[: int(len(data) * keep)]))
    message = str(info.value)
    assert message.startswith(
        "PytorchStreamReader failed reading zip archive: failed finding central directory."
    )
    assert "checkpoint file is corrupted" in message and "weights_only" not in message


def test_tiny_zip_prefix(torch):
    with pytest.raises(RuntimeError, match="failed reading zip archive: not a ZIP archive"):
        torch.load(io.BytesIO(_saved(torch)[:10]))


def test_truncated_data_pkl_in_a_whole_zip(torch):
    whole = _tensor_pickle()
    with pytest.raises(EOFError) as info:
        torch.load(_checkpoint(whole[:-2], {"0": bytes(8)}))  # no final REDUCE, no STOP
    assert "weights_only" not in str(info.value)


def test_missing_storage_record(torch):
    with pytest.raises(RuntimeError) as info:
        torch.load(_checkpoint(_tensor_pickle("7"), {"0": bytes(8)}))
    assert str(info.value).startswith(
        "PytorchStreamReader failed locating file data/7: file not found."
    )


def test_missing_data_pkl(torch):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("archive/version", b"3\n")
    buf.seek(0)
    with pytest.raises(RuntimeError, match="failed locating file data.pkl: file not found"):
        torch.load(buf)


# --------------------------------------------------------------------- user safe globals
class Point:
    def __init__(self, x, y):
        self.x, self.y = x, y


def test_safe_globals_allow_a_class(torch):
    buf = io.BytesIO()
    torch.save({"p": Point(1, 2)}, buf)
    data = buf.getvalue()
    torch.serialization.clear_safe_globals()
    with pytest.raises(pickle.UnpicklingError, match="Unsupported global: GLOBAL .*Point"):
        torch.load(io.BytesIO(data))
    with torch.serialization.safe_globals([Point]):
        assert Point in torch.serialization.get_safe_globals()
        p = torch.load(io.BytesIO(data))["p"]
    assert type(p) is Point and (p.x, p.y) == (1, 2)
    assert Point not in torch.serialization.get_safe_globals()
    torch.serialization.add_safe_globals([Point])
    try:
        assert torch.load(io.BytesIO(data))["p"].y == 2
        # the allowed class itself is still no BUILD target
        pkl = _pkl(_g(Point.__module__, "Point"), P.EMPTY_DICT, _s("x"), P.NONE, P.SETITEM)
        message = _load_error(torch, pkl[:-1] + P.BUILD + P.STOP)
        assert "but got <class 'type'>" in message
        assert not hasattr(Point, "x")
    finally:
        torch.serialization.clear_safe_globals()
    assert torch.serialization.get_safe_globals() == []


# ----------------------------------------------------------------------------- fuzzing
_ALLOWED_ERRORS = (RuntimeError, pickle.UnpicklingError, EOFError)


def _snapshot(torch):
    """What a load must leave alone: the Tensor/Parameter classes, every dtype's fields, the
    namespace and the loader's own allow-lists."""
    ser = torch.serialization
    dtypes = [v for v in vars(torch).values() if isinstance(v, torch.dtype)]
    return {
        "tensor": dict(vars(torch.Tensor)),
        "parameter": dict(vars(torch.nn.Parameter)),
        "size": dict(vars(torch.Size)),
        "ordered_dict": dict(vars(collections.OrderedDict)),
        "dtypes": [(d, tuple(getattr(d, k) for k in type(d).__slots__)) for d in dtypes],
        "namespace": dict(vars(torch)),
        "allowed": dict(ser._ALLOWED),
        "user": list(ser.get_safe_globals()),
    }


def _plain(torch, obj, seen=None):
    """Every object in the result is an allow-listed global or of a type the allow-list makes."""
    seen = set() if seen is None else seen
    if id(obj) in seen or any(obj is v for v in torch.serialization._ALLOWED.values()):
        return
    seen.add(id(obj))
    ok = (
        type(obj) in (dict, collections.OrderedDict, collections.Counter, list, tuple, set)
        or type(obj) in (str, bytes, bytearray, int, float, complex, bool, type(None))
        or type(obj) in (torch.Tensor, torch.nn.Parameter, torch.Size, torch.device, torch.dtype)
        or type(obj).__module__ == "torchlike.serialization"
    )
    assert ok, type(obj)
    if isinstance(obj, dict):
        for k, v in obj.items():
            _plain(torch, k, seen)
            _plain(torch, v, seen)
    elif isinstance(obj, (list, tuple, set)):
        for v in obj:
            _plain(torch, v, seen)
    if isinstance(obj, (torch.Tensor, collections.OrderedDict)) and hasattr(obj, "__dict__"):
        for v in vars(obj).values():
            _plain(torch, v, seen)


def _fuzz_load(torch, data):
    before = _snapshot(torch)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            result = torch.load(io.BytesIO(data))
    except _ALLOWED_ERRORS as e:
        assert type(e) in _ALLOWED_ERRORS, f"{type(e).__name__}: {e}"
        assert "Traceback" not in str(e)
        if "corrupt" in str(e):  # a damaged file never gets the advice to drop the safety
            assert _ADVICE not in str(e), str(e)
    else:
        _plain(torch, result)
    after = _snapshot(torch)
    assert after == before
    z = torch.zeros(2)
    assert z.dtype == torch.float32 and z.element_size() == 4


_FUZZ = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None
)


@pytest.mark.torchlike_only
@_FUZZ
@given(flips=st.lists(st.tuples(st.floats(0, 1), st.integers(0, 7)), min_size=1, max_size=4))
def test_fuzz_byte_flips(torch, flips):
    data = bytearray(_saved(torch))
    for where, bit in flips:
        data[min(int(where * len(data)), len(data) - 1)] ^= 1 << bit
    _fuzz_load(torch, bytes(data))


@pytest.mark.torchlike_only
@_FUZZ
@given(keep=st.floats(0, 1))
def test_fuzz_truncations(torch, keep):
    data = _saved(torch)
    _fuzz_load(torch, data[: int(keep * len(data))])


_NAMES = [
    ("torch", "float32"),
    ("torch", "float16"),
    ("torch", "Tensor"),
    ("torch", "Size"),
    ("torch", "device"),
    ("torch", "FloatStorage"),
    ("torch", "LongStorage"),
    ("torch._utils", "_rebuild_tensor_v2"),
    ("torch._utils", "_rebuild_parameter"),
    ("torch._tensor", "_rebuild_from_type_v2"),
    ("torch.nn.parameter", "Parameter"),
    ("torch.serialization", "_get_layout"),
    ("collections", "OrderedDict"),
    ("collections", "Counter"),
    ("builtins", "set"),
    ("builtins", "bytearray"),
    ("builtins", "complex"),
    ("_codecs", "encode"),
    ("builtins", "getattr"),
    ("os", "system"),
    ("torch", "zeros"),
]
_SIMPLE = [
    P.NONE,
    P.NEWTRUE,
    P.NEWFALSE,
    P.EMPTY_TUPLE,
    P.EMPTY_LIST,
    P.EMPTY_DICT,
    P.EMPTY_SET,
    P.MARK,
    P.TUPLE,
    P.TUPLE1,
    P.TUPLE2,
    P.TUPLE3,
    P.REDUCE,
    P.NEWOBJ,
    P.BUILD,
    P.APPEND,
    P.APPENDS,
    P.SETITEM,
    P.SETITEMS,
    P.BINPERSID,
    P.STOP,
]
_op = st.one_of(
    st.sampled_from(_SIMPLE),
    st.sampled_from(_NAMES).map(lambda mn: _g(*mn)),
    st.integers(0, 255).map(lambda i: P.BININT1 + bytes([i])),
    st.integers(-(2**31), 2**31 - 1).map(lambda i: P.BININT + struct.pack("<i", i)),
    st.integers(0, 3).map(lambda i: P.BINPUT + bytes([i])),
    st.integers(0, 3).map(lambda i: P.BINGET + bytes([i])),
    st.floats(allow_nan=True).map(lambda f: P.BINFLOAT + struct.pack(">d", f)),
    st.sampled_from(["storage", "0", "cpu", "__repr__", "_np", "a", "latin1"]).map(_s),
    st.just(_storage_ref()),
    st.binary(min_size=1, max_size=3),
)


@pytest.mark.torchlike_only
@_FUZZ
@given(ops=st.lists(_op, max_size=40))
def test_fuzz_opcode_streams(torch, ops):
    pkl = P.PROTO + b"\x02" + b"".join(ops) + P.STOP
    _fuzz_load(torch, _checkpoint(pkl, {"0": bytes(8)}).getvalue())


def _saved_pickle_ops(torch):
    """The opcodes (as byte strings) of a real checkpoint's data.pkl, and its storages."""
    with zipfile.ZipFile(io.BytesIO(_saved(torch))) as z:
        prefix = z.namelist()[0].split("/")[0]
        pkl = z.read(f"{prefix}/data.pkl")
        storages = {n.split("/data/")[1]: z.read(n) for n in z.namelist() if "/data/" in n}
    starts = [pos for _, _, pos in pickletools.genops(pkl)] + [len(pkl)]
    return [pkl[a:b] for a, b in zip(starts, starts[1:])], storages


@pytest.mark.torchlike_only
@_FUZZ
@given(
    edits=st.lists(
        st.tuples(st.sampled_from(["delete", "duplicate", "swap", "insert"]), st.floats(0, 1), _op),
        min_size=1,
        max_size=4,
    )
)
def test_fuzz_edited_real_pickles(torch, edits):
    # a real torch.save pickle with opcodes deleted, repeated, swapped or inserted: close to
    # valid, so the rebuild functions and BUILD/SETITEM paths get malformed arguments
    ops, storages = _saved_pickle_ops(torch)
    for kind, where, new in edits:
        i = min(int(where * len(ops)), len(ops) - 1)
        if kind == "delete" and len(ops) > 1:
            del ops[i]
        elif kind == "duplicate":
            ops.insert(i, ops[i])
        elif kind == "swap" and i + 1 < len(ops):
            ops[i], ops[i + 1] = ops[i + 1], ops[i]
        elif kind == "insert":
            ops.insert(i, new)
    _fuzz_load(torch, _checkpoint(b"".join(ops), storages).getvalue())
