"""Everyday torch modules real scripts import at their first line: ``torch.multiprocessing``,
``torch.hub``, ``torch.utils.tensorboard``, ``torch.nn.utils.stateless``,
``torch.backends.cuda.sdp_kernel``, ``torch.cuda.nvtx`` and
``torch.compiler.cudagraph_mark_step_begin``; each as PyTorch 2.13's CPU build behaves.

Scripts that start processes run as real programs (``python -m torchlike`` on the torchlike
backend, plain ``python`` on the torch one), since a spawned child re-imports the main script.
"""

import importlib
import os
import pickle
import subprocess
import sys
import textwrap
import warnings
import zipfile
from multiprocessing.reduction import ForkingPickler
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def run_script(backend_name, directory, source):
    path = Path(directory) / "script.py"
    path.write_text(textwrap.dedent(source))
    runner = ["-m", "torchlike"] if backend_name == "torchlike" else []
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    env["PYTHONWARNINGS"] = "ignore::DeprecationWarning"
    return subprocess.run(
        [sys.executable, *runner, str(path)],
        cwd=directory,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


# --- torch.multiprocessing ------------------------------------------------------------------


def test_multiprocessing_reexports_the_standard_library(torch):
    import multiprocessing

    mp = torch.multiprocessing
    for name in (
        "Process",
        "Queue",
        "SimpleQueue",
        "Pool",
        "get_context",
        "set_start_method",
        "get_start_method",
        "cpu_count",
        "Manager",
        "Event",
    ):
        assert getattr(mp, name) == getattr(multiprocessing, name), name
    assert set(multiprocessing.__all__) <= set(mp.__all__)
    assert {"set_sharing_strategy", "get_sharing_strategy"} <= set(mp.__all__)
    assert type(mp.get_context("spawn")) is type(multiprocessing.get_context("spawn"))


def test_sharing_strategies(torch):
    mp = torch.multiprocessing
    assert mp.get_all_sharing_strategies() == {"file_descriptor", "file_system"}
    assert mp.get_sharing_strategy() == "file_descriptor"
    try:
        mp.set_sharing_strategy("file_system")
        assert mp.get_sharing_strategy() == "file_system"
        with pytest.raises(AssertionError) as info:
            mp.set_sharing_strategy("shared_memory")
        assert str(info.value) == (
            "invalid sharing strategy 'shared_memory', expected one of "
            f"{mp.get_all_sharing_strategies()}"
        )
        assert mp.get_sharing_strategy() == "file_system"
    finally:
        mp.set_sharing_strategy("file_descriptor")


def test_process_exceptions(torch):
    mp = torch.multiprocessing
    raised = mp.ProcessRaisedException("boom", 1, 1234)
    exited = mp.ProcessExitedException("gone", 0, 99, exit_code=-9, signal_name="SIGKILL")
    assert isinstance(raised, Exception) and raised.msg == "boom" and str(raised) == "boom"
    assert (raised.error_index, raised.error_pid) == (1, 1234)
    back = pickle.loads(pickle.dumps(exited))
    assert type(back) is mp.ProcessExitedException
    assert (back.msg, back.error_index, back.error_pid, back.exit_code, back.signal_name) == (
        "gone",
        0,
        99,
        -9,
        "SIGKILL",
    )
    base = mp.ProcessRaisedException.__mro__[1]
    assert base.__name__ == "ProcessException" and issubclass(mp.ProcessExitedException, base)


def test_queue_pickler_sends_leaves_and_refuses_non_leaves_requiring_grad(torch):
    torch.multiprocessing  # noqa: B018 - importing it registers the tensor reducers
    leaf = torch.arange(4.0).requires_grad_()
    back = pickle.loads(ForkingPickler.dumps(leaf))
    assert back.tolist() == [0.0, 1.0, 2.0, 3.0] and back.requires_grad
    param = torch.nn.Parameter(torch.ones(2))
    assert isinstance(pickle.loads(ForkingPickler.dumps(param)), torch.nn.Parameter)
    assert pickle.loads(ForkingPickler.dumps(leaf.detach() * 2)).tolist() == [0.0, 2.0, 4.0, 6.0]
    with pytest.raises(RuntimeError) as info:
        ForkingPickler.dumps(leaf * 2)
    assert str(info.value) == (
        "Cowardly refusing to serialize non-leaf tensor which requires_grad, since autograd "
        "does not support crossing process boundaries.  If you just want to transfer the "
        "data, call detach() on the tensor before serializing (e.g., putting it on the queue)."
    )


SPAWN_SCRIPT = """\
    import torch
    import torch.multiprocessing as mp
    import warnings

    def worker(rank, queue, done, base):
        # a tensor out through the queue; the sender stays alive until it is received
        queue.put((rank, base * (rank + 1)))
        done.wait()

    def failing(rank):
        if rank == 1:
            raise ValueError(f"rank {rank} failed")

    if __name__ == "__main__":
        ctx = mp.get_context("spawn")
        queue, done = ctx.Queue(), ctx.Event()
        context = mp.spawn(worker, args=(queue, done, torch.arange(3.0)), nprocs=2, join=False)
        print(type(context).__name__, len(context.pids()))
        got = sorted((queue.get() for _ in range(2)), key=lambda item: item[0])
        done.set()
        while not context.join():
            pass
        for rank, tensor in got:
            print(rank, tensor)
        try:
            mp.spawn(failing, nprocs=2)
        except mp.ProcessRaisedException as error:
            text = str(error)
            print(error.error_index, text.splitlines()[2])
            print(text.strip().splitlines()[-1])
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            mp.spawn(failing, args=(), nprocs=1, start_method="fork")
        print(caught[0].category.__name__, caught[0].message.args[0].splitlines()[0])
"""


def test_spawn_runs_fn_in_child_processes_and_reports_a_childs_error(backend_name, tmp_path):
    result = run_script(backend_name, tmp_path, SPAWN_SCRIPT)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "ProcessContext 2",
        "0 tensor([0., 1., 2.])",
        "1 tensor([0., 2., 4.])",
        "1 -- Process 1 terminated with the following error:",
        "ValueError: rank 1 failed",
        "FutureWarning This method only supports start_method=spawn (got: fork).",
    ]


EXIT_SCRIPT = """\
    import os
    import torch.multiprocessing as mp

    def exits(rank):
        os._exit(3)

    if __name__ == "__main__":
        try:
            mp.start_processes(exits, nprocs=1, start_method="fork")
        except mp.ProcessExitedException as error:
            print(type(error).__name__, error, error.exit_code, error.signal_name)
"""


def test_start_processes_reports_an_exit_code(backend_name, tmp_path):
    result = run_script(backend_name, tmp_path, EXIT_SCRIPT)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "ProcessExitedException process 0 terminated with exit code 3 3 None\n"


# --- torch.hub ------------------------------------------------------------------------------


@pytest.fixture
def hub_dir(torch, tmp_path):
    previous = torch.hub.get_dir()
    torch.hub.set_dir(str(tmp_path / "hub"))
    yield tmp_path / "hub"
    torch.hub.set_dir(previous)


def test_hub_dir_follows_torch_home_and_set_dir(torch, tmp_path, monkeypatch):
    hub = torch.hub
    monkeypatch.setattr(hub, "_hub_dir", None)
    monkeypatch.delenv("TORCH_HOME", raising=False)
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    assert hub.get_dir() == os.path.expanduser("~/.cache/torch/hub")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert hub.get_dir() == str(tmp_path / "xdg" / "torch" / "hub")
    monkeypatch.setenv("TORCH_HOME", str(tmp_path / "th"))
    assert hub.get_dir() == str(tmp_path / "th" / "hub")
    hub.set_dir("~/elsewhere")
    assert hub.get_dir() == os.path.expanduser("~/elsewhere")


def test_download_url_to_file(torch, tmp_path, capfd):
    import hashlib

    source = tmp_path / "weights.bin"
    source.write_bytes(b"0123456789" * 1000)
    target = tmp_path / "copy.bin"
    torch.hub.download_url_to_file(source.as_uri(), str(target))
    assert target.read_bytes() == source.read_bytes()
    assert capfd.readouterr().err == "\r100.0%\n"
    digest = hashlib.sha256(source.read_bytes()).hexdigest()
    quiet = tmp_path / "quiet.bin"
    torch.hub.download_url_to_file(
        source.as_uri(), str(quiet), hash_prefix=digest[:10], progress=False
    )
    assert quiet.read_bytes() == source.read_bytes() and capfd.readouterr().err == ""
    with pytest.raises(RuntimeError) as info:
        torch.hub.download_url_to_file(
            source.as_uri(), str(tmp_path / "bad.bin"), hash_prefix="abc", progress=False
        )
    assert str(info.value) == f'invalid hash value (expected "abc", got "{digest}")'
    leftovers = sorted(p.name for p in tmp_path.iterdir())
    assert leftovers == ["copy.bin", "quiet.bin", "weights.bin"]


def test_load_state_dict_from_url(torch, hub_dir, tmp_path, capsys):
    state = {"weight": torch.arange(6.0).reshape(2, 3), "bias": torch.zeros(2)}
    torch.save(state, tmp_path / "net.pth")
    url = (tmp_path / "net.pth").as_uri()
    loaded = torch.hub.load_state_dict_from_url(url, progress=False)
    cached = hub_dir / "checkpoints" / "net.pth"
    assert capsys.readouterr().out == f'Downloading: "{url}" to {cached}\n'
    assert cached.exists() and sorted(loaded) == ["bias", "weight"]
    assert torch.equal(loaded["weight"], state["weight"])
    # cached: no second download, even after the source is gone
    (tmp_path / "net.pth").unlink()
    again = torch.hub.load_state_dict_from_url(
        url, progress=False, map_location="cpu", weights_only=True
    )
    assert capsys.readouterr().out == "" and torch.equal(again["bias"], state["bias"])


def test_load_state_dict_from_url_file_name_check_hash_and_legacy_zip(torch, tmp_path, capsys):
    import hashlib

    torch.save({"w": torch.ones(3)}, tmp_path / "src.pth")
    digest = hashlib.sha256((tmp_path / "src.pth").read_bytes()).hexdigest()
    named = tmp_path / f"model-{digest[:8]}.pth"
    named.write_bytes((tmp_path / "src.pth").read_bytes())
    out = torch.hub.load_state_dict_from_url(
        named.as_uri(),
        model_dir=str(tmp_path / "m"),
        progress=False,
        check_hash=True,
        file_name="x.pt",
    )
    assert (tmp_path / "m" / "x.pt").exists() and out["w"].tolist() == [1.0, 1.0, 1.0]
    wrong = tmp_path / "model-deadbeef.pth"
    wrong.write_bytes(named.read_bytes())
    with pytest.raises(RuntimeError, match='invalid hash value \\(expected "deadbeef"'):
        torch.hub.load_state_dict_from_url(
            wrong.as_uri(), model_dir=str(tmp_path / "m"), progress=False, check_hash=True
        )
    # a zip holding one torch.save file: the pre-1.6 hub layout, extracted next to it
    with zipfile.ZipFile(tmp_path / "old.zip", "w") as archive:
        archive.write(tmp_path / "src.pth", "inner.pth")
    with pytest.warns(FutureWarning, match="Falling back to the old format < 1.6"):
        old = torch.hub.load_state_dict_from_url(
            (tmp_path / "old.zip").as_uri(), model_dir=str(tmp_path / "z"), progress=False
        )
    assert (tmp_path / "z" / "inner.pth").exists() and old["w"].tolist() == [1.0, 1.0, 1.0]
    capsys.readouterr()


HUBCONF = """\
    dependencies = ["os"]
    import helper

    answer = 42

    def tiny(torch, width, bias=True):
        \"\"\"A tiny linear model (the module under test comes in as an argument).\"\"\"
        return torch.nn.Linear(width, 1, bias=bias)

    def scale(x, factor=2):
        return helper.twice(x) * factor
"""


def test_hub_load_local(torch, tmp_path):
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "hubconf.py").write_text(textwrap.dedent(HUBCONF))
    (repo / "helper.py").write_text("def twice(x):\n    return 2 * x\n")
    sys.modules.pop("helper", None)
    try:
        model = torch.hub.load(str(repo), "tiny", torch, 3, source="local", bias=False)
        assert isinstance(model, torch.nn.Linear) and model.bias is None
        assert model.weight.shape == (1, 3)
        assert torch.hub.load(str(repo), "scale", 5, source="LOCAL", factor=3) == 30
        assert str(repo) not in sys.path
        for name in ("missing", "answer"):
            with pytest.raises(RuntimeError, match=f"^Cannot find callable {name} in hubconf$"):
                torch.hub.load(str(repo), name, source="local")
        with pytest.raises(ValueError, match="^Invalid input: model should be a string of "):
            torch.hub.load(str(repo), 3, source="local")
        with pytest.raises(ValueError) as info:
            torch.hub.load(str(repo), "tiny", source="svn")
        assert str(info.value) == 'Unknown source: "svn". Allowed values: "github" | "local".'
        (repo / "hubconf.py").write_text("dependencies = ['os', 'no_such_pkg_zz']\n")
        with pytest.raises(RuntimeError, match="^Missing dependencies: no_such_pkg_zz$"):
            torch.hub.load(str(repo), "tiny", source="local")
        with pytest.raises(FileNotFoundError):
            torch.hub.load(str(tmp_path / "nowhere"), "tiny", source="local")
    finally:
        sys.modules.pop("helper", None)


def test_hub_github_source_uses_the_cached_repository(torch, hub_dir, monkeypatch, capsys):
    # a repository already in the cache (<hub_dir>/<owner>_<name>_<ref>) needs no network
    repo = hub_dir / "someone_tiny_main"
    repo.mkdir(parents=True)
    (repo / "hubconf.py").write_text(textwrap.dedent(HUBCONF))
    (repo / "helper.py").write_text("def twice(x):\n    return 2 * x\n")
    sys.modules.pop("helper", None)
    try:
        got = torch.hub.load("someone/tiny:main", "scale", 4, trust_repo=True, factor=1)
        assert got == 8
        assert capsys.readouterr().err == f"Using cache found in {repo}\n"
        # a repository already downloaded counts as trusted: the list stays empty
        assert (hub_dir / "trusted_list").read_text() == ""
        assert torch.hub.list("someone/tiny:main", verbose=False) == ["scale", "tiny"]
        doc = torch.hub.help("someone/tiny:main", "tiny")
        assert doc.startswith("A tiny linear model") and str(repo) not in sys.path
        capsys.readouterr()
        # trust_repo=False always asks
        for answer, error, text in [
            ("n", Exception, "Untrusted repository."),
            ("maybe", ValueError, "Unrecognized response maybe."),
        ]:
            monkeypatch.setattr("builtins.input", lambda prompt, answer=answer: answer)
            with pytest.raises(error) as info:
                torch.hub.load("someone/tiny:main", "scale", 1, trust_repo=False, verbose=False)
            assert type(info.value) is error and str(info.value) == text
        prompts = []
        monkeypatch.setattr("builtins.input", lambda prompt: prompts.append(prompt) or "Y")
        assert torch.hub.load("someone/tiny:main", "scale", 1, trust_repo=False, verbose=False) == 4
        assert prompts == [
            "The repository someone_tiny does not belong to the list of trusted repositories and "
            "as such cannot be downloaded. Do you trust this repository and wish to add it to the "
            "trusted list of repositories (y/N)?"
        ]
        assert capsys.readouterr().out == "The repository is already trusted.\n"
    finally:
        sys.modules.pop("helper", None)


# --- torch.utils.tensorboard ----------------------------------------------------------------


@pytest.mark.skipif(
    importlib.util.find_spec("tensorboard") is not None, reason="tensorboard is installed"
)
def test_tensorboard_needs_the_tensorboard_package(torch):
    with pytest.raises(ModuleNotFoundError) as info:
        importlib.import_module(f"{torch.__name__}.utils.tensorboard")
    assert str(info.value) == "No module named 'tensorboard'" and info.value.name == "tensorboard"


# --- deprecated spellings and CUDA-only helpers ---------------------------------------------


def test_stateless_functional_call_warns_and_delegates(torch):
    from_stateless = importlib.import_module(f"{torch.__name__}.nn.utils.stateless")
    assert torch.nn.utils.stateless is from_stateless
    model = torch.nn.Linear(2, 1)
    params = {"weight": torch.ones(1, 2), "bias": torch.full((1,), 0.5)}
    with pytest.warns(FutureWarning) as caught:
        out = torch.nn.utils.stateless.functional_call(model, params, (torch.ones(1, 2),))
    assert str(caught[0].message) == (
        "`torch.nn.utils.stateless.functional_call` is deprecated as of PyTorch 2.0 and will be "
        "removed in a future version of PyTorch. Please use `torch.func.functional_call` instead "
        "which is a drop-in replacement."
    )
    assert caught[0].filename == __file__
    assert out.tolist() == [[2.5]] and not torch.equal(model.weight, params["weight"])
    with pytest.warns(FutureWarning):
        kw = torch.nn.utils.stateless.functional_call(
            model, params, kwargs={"input": torch.ones(2)}
        )
    assert kw.tolist() == [2.5]


def test_sdp_kernel_warns_and_switches_the_sdpa_flags(torch):
    cuda = torch.backends.cuda
    flags = (
        cuda.flash_sdp_enabled,
        cuda.mem_efficient_sdp_enabled,
        cuda.math_sdp_enabled,
        cuda.cudnn_sdp_enabled,
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        manager = cuda.sdp_kernel(enable_flash=False, enable_mem_efficient=False)
    assert [w.category for w in caught] == [FutureWarning]
    assert str(caught[0].message) == (
        "`torch.backends.cuda.sdp_kernel()` is deprecated. In the future, this context manager "
        "will be removed. Please see `torch.nn.attention.sdpa_kernel()` for the new context "
        "manager, with updated signature."
    )
    with manager as context:
        assert context == {} and [f() for f in flags] == [False, False, True, True]
        q = torch.ones(1, 2, 3, 4)
        assert torch.nn.functional.scaled_dot_product_attention(q, q, q).shape == (1, 2, 3, 4)
    assert [f() for f in flags] == [True, True, True, True]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        with cuda.sdp_kernel(enable_math=False, enable_cudnn=False):
            assert [f() for f in flags] == [True, True, False, False]
            from_attention = importlib.import_module(f"{torch.__name__}.nn.attention")
            backends = from_attention._cur_sdpa_kernel_backends()
            assert from_attention.SDPBackend.MATH not in backends
    assert [f() for f in flags] == [True, True, True, True]


def test_nvtx_on_a_cpu_build(torch):
    nvtx = torch.cuda.nvtx
    assert importlib.import_module(f"{torch.__name__}.cuda.nvtx") is nvtx
    message = "NVTX functions not installed. Are you sure you have a CUDA build?"
    for call in (lambda: nvtx.range_push("step"), nvtx.range_pop, lambda: nvtx.mark("here")):
        with pytest.raises(RuntimeError) as info:
            call()
        assert str(info.value) == message
    manager = nvtx.range("epoch {}", 3)  # made fine; entering pushes
    with pytest.raises(RuntimeError, match="^NVTX functions not installed"):
        with manager:
            pass
    with pytest.raises(AttributeError, match="^'_NVTXStub' object has no attribute 'rangeStartA'$"):
        nvtx.range_start("x")
    with pytest.raises(AttributeError, match="^'_NVTXStub' object has no attribute 'rangeEnd'$"):
        nvtx.range_end(1)


def test_cudagraph_mark_step_begin(torch):
    step = torch.compile(lambda x: x * 2)
    first = step(torch.ones(2))
    assert torch.compiler.cudagraph_mark_step_begin() is None
    second = step(torch.full((2,), 3.0))
    assert first.tolist() == [2.0, 2.0] and second.tolist() == [6.0, 6.0]


IMPORTS_SCRIPT = """\
    import torch.multiprocessing as mp
    import torch.hub
    import torch.cuda.nvtx as nvtx
    import torch.nn.utils.stateless
    from torch.hub import load_state_dict_from_url, download_url_to_file
    from torch.multiprocessing import spawn, Queue
    from torch.backends.cuda import sdp_kernel
    from torch.compiler import cudagraph_mark_step_begin
    import torch
    print(mp is torch.multiprocessing, torch.hub.get_dir is torch.hub.get_dir, nvtx is torch.cuda.nvtx)
    print(mp.get_sharing_strategy(), callable(spawn), callable(sdp_kernel))
    try:
        from torch.utils.tensorboard import SummaryWriter
    except ModuleNotFoundError as error:
        print(error)
"""


@pytest.mark.skipif(
    importlib.util.find_spec("tensorboard") is not None, reason="tensorboard is installed"
)
def test_scripts_import_the_modules(backend_name, tmp_path):
    result = run_script(backend_name, tmp_path, IMPORTS_SCRIPT)
    assert result.returncode == 0, result.stderr
    assert (
        result.stdout
        == "True True True\nfile_descriptor True True\nNo module named 'tensorboard'\n"
    )
