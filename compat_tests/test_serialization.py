"""torch.save / torch.load: PyTorch's zip checkpoint format, both ways, and safe loading.

``data/torch_checkpoint.pt`` was written by real torch 2.13.0 and ``data/torchlike_checkpoint.pt``
by torchlike (``data/make_checkpoints.py`` writes both from the same recipe).  Every test here
runs on both backends, so each file is read by torchlike (without torch) *and* by PyTorch in
the reference session: the cross-compatibility check in both directions.
"""

import collections
import importlib.util
import io
import os
import pathlib
import pickle
import pickletools
import struct
import zipfile

import numpy as np
import pytest
from _helpers import assert_close, assert_equal, values

_DATA = pathlib.Path(__file__).parent / "data"
_spec = importlib.util.spec_from_file_location("make_checkpoints", _DATA / "make_checkpoints.py")
_recipe = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_recipe)

_FILES = ["torch_checkpoint.pt", "torchlike_checkpoint.pt"]


def _assert_same_tensor(torch, actual, expected):
    assert torch.is_tensor(actual)
    assert actual.dtype == expected.dtype, (actual.dtype, expected.dtype)
    assert tuple(actual.shape) == tuple(expected.shape)
    assert actual.requires_grad == expected.requires_grad
    if expected.dtype in (torch.complex64, torch.complex128):
        a, e = values(actual), values(expected)
        np.testing.assert_array_equal(a, e)
    elif expected.dtype.is_floating_point:
        assert_close(
            actual.float() if expected.dtype == torch.bfloat16 else actual,
            values(expected.float() if expected.dtype == torch.bfloat16 else expected),
            rtol=1e-6,
            atol=1e-7,
        )
    else:
        assert_equal(actual, values(expected))


def _assert_same(torch, actual, expected):
    if torch.is_tensor(expected):
        _assert_same_tensor(torch, actual, expected)
    elif isinstance(expected, dict):
        assert type(actual) is type(expected)
        assert list(actual) == list(expected)
        for key in expected:
            _assert_same(torch, actual[key], expected[key])
    elif isinstance(expected, (list, tuple)) and not isinstance(expected, torch.Size):
        assert type(actual) is type(expected) and len(actual) == len(expected)
        for a, e in zip(actual, expected):
            _assert_same(torch, a, e)
    else:
        assert actual == expected and type(actual) is type(expected)


# ------------------------------------------------------------------ the committed checkpoints
@pytest.mark.parametrize("name", _FILES)
def test_load_committed_checkpoint(torch, name):
    loaded = torch.load(_DATA / name)
    expected = _recipe.checkpoint(torch)
    assert list(loaded) == list(expected)
    for key in expected:
        if key in ("param", "frozen_param"):
            continue
        _assert_same(torch, loaded[key], expected[key])
    assert isinstance(loaded["model"], collections.OrderedDict)
    assert loaded["shared_a"] is loaded["shared_b"]
    assert type(loaded["param"]) is torch.nn.Parameter and loaded["param"].requires_grad
    assert_equal(loaded["param"], [1.0, -1.0])
    assert type(loaded["frozen_param"]) is torch.nn.Parameter
    assert not loaded["frozen_param"].requires_grad
    assert isinstance(loaded["size"], torch.Size) and loaded["size"] == torch.Size([2, 3])
    assert loaded["dtype"] is torch.float16
    assert loaded["requires_grad"].is_leaf


@pytest.mark.parametrize("name", _FILES)
def test_load_checkpoint_into_training(torch, name):
    # the optimizer state of the file resumes a run: load it and take the same second step
    loaded = torch.load(_DATA / name)
    weight = loaded["model"]["weight"].clone().requires_grad_(True)
    bias = loaded["model"]["bias"].clone().requires_grad_(True)
    opt = torch.optim.Adam([weight, bias], lr=123.0, amsgrad=True)
    opt.load_state_dict(loaded["optim"])
    assert opt.param_groups[0]["lr"] == 0.01
    assert opt.state[weight]["step"].item() == 1.0
    (weight.sum() * 2 + (bias**2).sum()).backward()
    opt.step()
    # the Adam step's size is ~lr where the gradient sign is steady
    assert_close(weight, values(loaded["model"]["weight"]) - 0.01, rtol=1e-4, atol=1e-4)


# ------------------------------------------------------------------------------ round trips
def test_round_trip_state_dict(torch, tmp_path):
    obj = _recipe.checkpoint(torch)
    path = tmp_path / "ckpt.pt"
    torch.save(obj, path)
    loaded = torch.load(path)
    for key in obj:
        if key not in ("param", "frozen_param"):
            _assert_same(torch, loaded[key], obj[key])
    assert loaded["shared_a"] is loaded["shared_b"]


def test_round_trip_buffer_and_str_path(torch, tmp_path):
    buf = io.BytesIO()
    torch.save({"x": torch.arange(5)}, buf)
    buf.seek(0)
    assert_equal(torch.load(buf)["x"], [0, 1, 2, 3, 4])
    path = os.path.join(str(tmp_path), "t.pth")
    t = torch.tensor([[1.0, 2.0]], dtype=torch.float64)
    torch.save(t, path)
    back = torch.load(path)
    assert back.dtype == torch.float64 and back.tolist() == [[1.0, 2.0]]
    with open(path, "rb") as fh:
        assert torch.load(fh).tolist() == [[1.0, 2.0]]


def test_loaded_tensors_are_independent(torch, tmp_path):
    t = torch.tensor([1.0, 2.0])
    torch.save(t, tmp_path / "t.pt")
    back = torch.load(tmp_path / "t.pt")
    back.add_(1)
    assert t.tolist() == [1.0, 2.0] and back.tolist() == [2.0, 3.0]


def test_weights_only_false_round_trip(torch, tmp_path):
    Point = collections.namedtuple("Point", "x y")  # noqa: PYI024
    globals()["Point"] = Point
    Point.__module__ = __name__
    Point.__qualname__ = "Point"
    torch.save({"p": Point(1, torch.tensor([2.0]))}, tmp_path / "p.pt")
    with pytest.raises(
        pickle.UnpicklingError,
        match="Unsupported global: GLOBAL "
        "test_serialization.Point was not an "
        "allowed global by default",
    ):
        torch.load(tmp_path / "p.pt")
    back = torch.load(tmp_path / "p.pt", weights_only=False)
    assert back["p"].x == 1 and back["p"].y.tolist() == [2.0]
    with torch.serialization.safe_globals([Point]):
        assert torch.load(tmp_path / "p.pt")["p"].x == 1


# ------------------------------------------------------------------- the format, inspected
def _records(path):
    with zipfile.ZipFile(path) as z:
        infos = z.infolist()
        raw = pathlib.Path(path).read_bytes()
        out = {}
        for info in infos:
            n, m = struct.unpack("<HH", raw[info.header_offset + 26 : info.header_offset + 30])
            offset = info.header_offset + 30 + n + m
            out[info.filename] = (offset, z.read(info), info.compress_type)
        return [i.filename for i in infos], out


def test_written_file_layout(torch, tmp_path):
    """What torch's reader relies on, checked without unpickling anything."""
    path = tmp_path / "layout.pt"
    w = torch.tensor([[1.0, 2.0], [3.0, 4.0]])
    torch.save(collections.OrderedDict(w=w, n=torch.tensor([1, 2])), path)
    names, records = _records(path)
    assert names[0] == "layout/data.pkl"
    assert names[-2:] == ["layout/version", "layout/.data/serialization_id"]
    assert set(names) == {
        "layout/data.pkl",
        "layout/.format_version",
        "layout/.storage_alignment",
        "layout/byteorder",
        "layout/data/0",
        "layout/data/1",
        "layout/version",
        "layout/.data/serialization_id",
    }
    assert records["layout/version"][1] == b"3\n"
    assert records["layout/byteorder"][1] == b"little"
    assert records["layout/.format_version"][1] == b"1"
    assert records["layout/.storage_alignment"][1] == b"64"
    assert all(kind == zipfile.ZIP_STORED for _, _, kind in records.values())
    for key in ("layout/data/0", "layout/data/1"):
        assert records[key][0] % 64 == 0
    storages = {records[k][1] for k in ("layout/data/0", "layout/data/1")}
    assert storages == {np.array([1, 2, 3, 4], "<f4").tobytes(), np.array([1, 2], "<i8").tobytes()}

    globals_used = set()
    ops = list(pickletools.genops(records["layout/data.pkl"][1]))
    assert ops[0][0].name == "PROTO" and ops[0][1] == 2
    for op, arg, _ in ops:
        if op.name == "GLOBAL":
            globals_used.add(arg)
    assert globals_used == {
        "collections OrderedDict",
        "torch._utils _rebuild_tensor_v2",
        "torch FloatStorage",
        "torch LongStorage",
    }
    assert sum(op.name == "BINPERSID" for op, _, _ in ops) == 2


def test_parameter_pickled_as_torch_does(torch, tmp_path):
    torch.save({"p": torch.nn.Parameter(torch.ones(2))}, tmp_path / "p.pt")
    _, records = _records(tmp_path / "p.pt")
    pkl = records["p/data.pkl"][1]
    names = {arg for op, arg, _ in pickletools.genops(pkl) if op.name == "GLOBAL"}
    assert "torch._utils _rebuild_parameter" in names


# ------------------------------------------------------------------------------- security
def _zip_with_pickle(path, payload: bytes):
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("archive/data.pkl", payload)
        z.writestr("archive/version", b"3\n")
        z.writestr("archive/byteorder", b"little")


def _system_call(module, marker):
    # GLOBAL <module> system; ('touch <marker>',); REDUCE
    return (
        b"\x80\x02c"
        + module
        + b"\nsystem\nq\x00X"
        + struct.pack("<I", len(marker) + 6)
        + b"touch "
        + marker.encode()
        + b"q\x01\x85q\x02Rq\x03."
    )


@pytest.mark.parametrize("module", [b"os", b"posix"])
def test_malicious_pickle_never_runs(torch, tmp_path, module):
    marker = tmp_path / "pwned"
    evil = tmp_path / "evil.pt"
    _zip_with_pickle(evil, _system_call(module, str(marker)))
    with pytest.raises(pickle.UnpicklingError) as info:
        torch.load(evil)
    assert not marker.exists()
    message = str(info.value)
    assert message.startswith(
        "Weights only load failed. In PyTorch 2.6, we changed the "
        "default value of the `weights_only` argument"
    )
    name = module.decode()
    assert (
        f"Trying to load unsupported GLOBAL {name}.system whose module {name} is blocked."
        in message
    )
    assert message.endswith("https://pytorch.org/docs/stable/generated/torch.load.html.")
    # also as a bare pickle (PyTorch's legacy path), still blocked before anything runs
    bare = tmp_path / "evil.pkl"
    bare.write_bytes(_system_call(module, str(marker)))
    with pytest.raises(pickle.UnpicklingError, match="whose module .* is blocked"):
        torch.load(bare)
    assert not marker.exists()


def test_unsupported_global_message(torch, tmp_path):
    payload = b"\x80\x02c__builtin__\neval\nX\x04\x00\x00\x001+1\x85R."
    evil = tmp_path / "eval.pt"
    _zip_with_pickle(evil, payload)
    with pytest.raises(pickle.UnpicklingError) as info:
        torch.load(evil)
    message = str(info.value)
    assert message.startswith(
        "Weights only load failed. This file can still be loaded, to do so you have two options"
    )
    assert (
        "WeightsUnpickler error: Unsupported global: GLOBAL eval was not an allowed global "
        "by default. Please use `torch.serialization.add_safe_globals([eval])` or the "
        "`torch.serialization.safe_globals([eval])` context manager to allowlist this "
        "global if you trust this class/function."
    ) in message


def test_plain_pickle_is_not_a_checkpoint(torch, tmp_path):
    path = tmp_path / "plain.pkl"
    path.write_bytes(pickle.dumps({"a": 1}, protocol=2))
    with pytest.raises(RuntimeError, match="Invalid magic number; corrupt file\\?"):
        torch.load(path)


def test_weights_only_with_pickle_module_conflict(torch, tmp_path):
    torch.save(torch.ones(1), tmp_path / "x.pt")
    with pytest.raises(
        RuntimeError, match="Can not safely load weights when explicit pickle_module is specified"
    ):
        torch.load(tmp_path / "x.pt", pickle_module=pickle, weights_only=True)
    assert torch.load(tmp_path / "x.pt", pickle_module=pickle).tolist() == [1.0]
