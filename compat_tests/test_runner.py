"""The drop-in runner: ``python -m torchlike script.py`` runs unmodified PyTorch code.

Each test runs a real program in a subprocess: ``python -m torchlike …`` on the torchlike
backend, plain ``python …`` (with the real torch) on the torch backend, and checks what it
prints against the same expected text, which is what PyTorch 2.13 prints.  Tests of
torchlike's own machinery (the finder, ``install()``, the IPython extension) are
``torchlike_only``.
"""

import importlib.util
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def python(backend_name, args, cwd, stdin=None):
    """Run ``python args`` as the backend would: through the runner for torchlike."""
    runner = ["-m", "torchlike"] if backend_name == "torchlike" else []
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    return subprocess.run(
        [sys.executable, *runner, *args],
        cwd=cwd,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=300,
    )


def write(directory, name, source):
    path = Path(directory) / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(source))
    return path


def traceback_text(stderr):
    """The traceback from its header on, without caret lines (their layout varies by Python)."""
    text = stderr[stderr.index("Traceback (most recent call last):") :]
    return [line for line in text.splitlines() if line.strip(" ^~")]


PYTORCH_SCRIPT = """\
    import torch
    from torch import nn
    import torch.nn.functional as F
    import torch.optim as optim
    from torch.utils.data import DataLoader, TensorDataset

    torch.manual_seed(0)
    x = torch.rand(2, 3, requires_grad=True)
    layer = nn.Linear(3, 2)
    out = F.mse_loss(F.relu(layer(x) + 1), torch.zeros(2, 2))
    print(x)
    print(out)
    print(out.grad_fn.name(), [type(n).__name__ for n, _ in out.grad_fn.next_functions])
    out.backward()
    print(x.grad)
    opt = optim.SGD(layer.parameters(), lr=0.1)
    opt.step()
    print(layer.weight)
    loader = DataLoader(TensorDataset(torch.arange(4.0)), batch_size=2)
    print([batch for batch in loader])
    print(isinstance(layer, torch.nn.Module), nn.functional is F)
"""

# What `python script.py` prints with PyTorch 2.13.0.
PYTORCH_OUTPUT = """\
tensor([[0.4963, 0.7682, 0.0885],
        [0.1320, 0.3074, 0.6341]], requires_grad=True)
tensor(0.3741, grad_fn=<MseLossBackward0>)
MseLossBackward0 ['ReluBackward0', 'NoneType']
tensor([[ 0.0374,  0.1329, -0.0514],
        [ 0.0360,  0.0824, -0.0433]])
Parameter containing:
tensor([[-0.0347,  0.4189, -0.0723],
        [ 0.1358, -0.2035, -0.1322]], requires_grad=True)
[[tensor([0., 1.])], [tensor([2., 3.])]]
True True
"""


def test_unmodified_pytorch_script_prints_what_pytorch_prints(backend_name, tmp_path):
    script = write(tmp_path, "train.py", PYTORCH_SCRIPT)
    result = python(backend_name, [str(script)], cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout == PYTORCH_OUTPUT


def test_script_sees_argv_main_and_file_as_under_python(backend_name, tmp_path):
    write(
        tmp_path,
        "main.py",
        """\
        import argparse, json, pickle, sys
        import torch

        class Point:  # pickled by reference to __main__, as torch.save does with a model
            pass

        parser = argparse.ArgumentParser()
        parser.add_argument("--lr", type=float)
        args = parser.parse_args()
        print(json.dumps({
            "argv": sys.argv, "name": __name__, "file": __file__, "path0": sys.path[0],
            "main_file": sys.modules["__main__"].__file__, "prog": parser.prog, "lr": args.lr,
            "pickled": type(pickle.loads(pickle.dumps(Point()))).__name__,
            "tensor": repr(torch.tensor([args.lr])),
        }))
    """,
    )
    result = python(backend_name, ["main.py", "--lr", "0.5"], cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout)
    assert seen == {
        "argv": ["main.py", "--lr", "0.5"],
        "name": "__main__",
        "file": str(tmp_path / "main.py"),
        "path0": os.path.realpath(tmp_path),
        "main_file": str(tmp_path / "main.py"),
        "prog": "main.py",
        "lr": 0.5,
        "pickled": "Point",
        "tensor": "tensor([0.5000])",
    }


def test_dash_c(backend_name, tmp_path):
    code = (
        "import sys, json, torch; from torch import nn; "
        "print(json.dumps([sys.argv, __name__, sys.path[0], repr(nn.Linear(2, 1))]))"
    )
    result = python(backend_name, ["-c", code, "first", "--second"], cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [
        ["-c", "first", "--second"],
        "__main__",
        "",
        "Linear(in_features=2, out_features=1, bias=True)",
    ]


def test_dash_m_runs_a_module_as_main(backend_name, tmp_path):
    write(tmp_path, "pkg/__init__.py", "")
    module = write(
        tmp_path,
        "pkg/train.py",
        """\
        import json, sys
        import torch.nn.functional as F
        import torch

        print(json.dumps([sys.argv, __name__, __spec__.name, repr(F.relu(torch.tensor([-1., 2.])))]))
    """,
    )
    result = python(backend_name, ["-m", "pkg.train", "--epochs", "3"], cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [
        [str(module), "--epochs", "3"],
        "__main__",
        "pkg.train",
        "tensor([0., 2.])",
    ]


def test_stdin_program(backend_name, tmp_path):
    result = python(
        backend_name,
        ["-", "x"],
        cwd=tmp_path,
        stdin="import sys, torch\nprint(sys.argv, torch.ones(2).sum())\n",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == "['-', 'x'] tensor(2.)\n"


def test_traceback_points_at_the_scripts_lines(backend_name, tmp_path):
    script = write(
        tmp_path,
        "fails.py",
        """\
        import torch


        def check(t):
            raise ValueError(f"bad shape {t.shape}")


        check(torch.zeros(2, 3))
    """,
    )
    result = python(backend_name, [str(script)], cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout == ""
    assert traceback_text(result.stderr) == [
        "Traceback (most recent call last):",
        f'  File "{script}", line 8, in <module>',
        "    check(torch.zeros(2, 3))",
        f'  File "{script}", line 5, in check',
        '    raise ValueError(f"bad shape {t.shape}")',
        "ValueError: bad shape torch.Size([2, 3])",
    ]


def test_dash_c_traceback_and_exit_status(backend_name, tmp_path):
    result = python(backend_name, ["-c", "import torch\ntorch.ones(1)\n1 / 0"], cwd=tmp_path)
    assert result.returncode == 1
    assert traceback_text(result.stderr) == [
        "Traceback (most recent call last):",
        '  File "<string>", line 3, in <module>',
        "ZeroDivisionError: division by zero",
    ]
    result = python(backend_name, ["-c", "import sys, torch; sys.exit(3)"], cwd=tmp_path)
    assert result.returncode == 3
    assert "Traceback" not in result.stderr


def test_syntax_error_and_missing_script(backend_name, tmp_path):
    script = write(tmp_path, "broken.py", "import torch\ndef (:\n")
    result = python(backend_name, [str(script)], cwd=tmp_path)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr  # python prints no header for a script's SyntaxError
    assert f'File "{script}", line 2' in result.stderr
    assert result.stderr.rstrip().endswith("SyntaxError: invalid syntax")

    result = python(backend_name, ["no_such_script.py"], cwd=tmp_path)
    assert result.returncode == 2
    assert (
        f"can't open file {str(tmp_path / 'no_such_script.py')!r}: "
        "[Errno 2] No such file or directory"
    ) in result.stderr


def _real_torch_dir():
    spec = importlib.util.find_spec("torch")  # locates without importing
    return list(spec.submodule_search_locations) if spec is not None else []


@pytest.mark.torchlike_only
def test_torch_names_are_torchlike_modules_and_real_torch_is_never_imported(tmp_path):
    code = textwrap.dedent("""\
        import json, sys
        import torch
        import torch.nn.functional as F
        from torch import nn, optim
        from torch.utils.data import DataLoader
        from torch.autograd.gradcheck import GradcheckError
        import torchlike, torchlike.nn.functional, torchlike.utils.data

        files = [getattr(m, "__file__", None) or "" for m in list(sys.modules.values())]
        print(json.dumps({
            "same": [torch is torchlike, nn is torchlike.nn, F is torchlike.nn.functional,
                     optim is torchlike.optim, sys.modules["torch.utils.data"] is torchlike.utils.data,
                     DataLoader is torchlike.utils.data.DataLoader,
                     GradcheckError is sys.modules["torchlike.autograd.gradcheck"].GradcheckError],
            # `from torch.autograd.gradcheck import …` must not turn the function into the module
            "gradcheck_is_function": callable(torch.autograd.gradcheck),
            "spec": torch.nn.__spec__.name,
            "files": files,
        }))
    """)
    result = python("torchlike", ["-c", code], cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout)
    assert seen["same"] == [True] * 7
    assert seen["gradcheck_is_function"] is True
    assert seen["spec"] == "torchlike.nn"  # the module keeps its own identity
    for real in _real_torch_dir():
        assert not [f for f in seen["files"] if f.startswith(real + os.sep)]


@pytest.mark.torchlike_only
def test_torchlike_module_not_yet_imported_loads_once_under_both_names(tmp_path):
    extra = tmp_path / "extra"
    write(extra, "lazy_part.py", "import sys\nprint('executed', __name__)\nvalue = 42\n")
    code = textwrap.dedent(f"""\
        import sys
        import torchlike
        torchlike.__path__.append({str(extra)!r})  # a torchlike submodule nothing imported yet
        import torch.lazy_part
        from torch.lazy_part import value
        import torchlike.lazy_part
        module = sys.modules["torch.lazy_part"]
        print(module is torchlike.lazy_part, torch.lazy_part is module, value,
              module.__spec__.name, module.__name__)
    """)
    result = python("torchlike", ["-c", code], cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "executed torchlike.lazy_part",
        "True True 42 torchlike.lazy_part torchlike.lazy_part",
    ]


@pytest.mark.torchlike_only
def test_missing_submodule_fails_naming_it(tmp_path):
    code = textwrap.dedent("""\
        import torch
        try:
            import torch.not_a_torchlike_module.deeper
        except ModuleNotFoundError as error:
            print(type(error).__name__, error.name)
            print(error)
        import sys
        print([m for m in sys.modules if m.startswith("torch.not_a")])
    """)
    result = python("torchlike", ["-c", code], cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "ModuleNotFoundError torch.not_a_torchlike_module",
        "No module named 'torch.not_a_torchlike_module' "
        "(torchlike does not provide torch.not_a_torchlike_module yet)",
        "[]",
    ]


@pytest.mark.torchlike_only
def test_missing_submodule_traceback_shows_only_the_users_line(tmp_path):
    script = write(tmp_path, "needs_missing.py", "import torch\nimport torch.not_provided_xyz\n")
    result = python("torchlike", [str(script)], cwd=tmp_path)
    assert result.returncode == 1
    assert traceback_text(result.stderr) == [
        "Traceback (most recent call last):",
        f'  File "{script}", line 2, in <module>',
        "    import torch.not_provided_xyz",
        "ModuleNotFoundError: No module named 'torch.not_provided_xyz' "
        "(torchlike does not provide torch.not_provided_xyz yet)",
    ]


@pytest.mark.torchlike_only
def test_install_is_idempotent_and_refuses_after_real_torch(tmp_path):
    code = textwrap.dedent("""\
        import sys
        import torchlike
        torchlike.install()
        torchlike.install()
        import torch
        from torch import nn
        print(torch is torchlike, nn is torchlike.nn,
              sum("torchlike alias finder" in repr(f) for f in sys.meta_path))
    """)
    result = python("torch", ["-c", code], cwd=tmp_path)  # plain python: install() does it all
    assert result.returncode == 0, result.stderr
    assert result.stdout == "True True 1\n"

    if not _real_torch_dir():
        pytest.skip("needs the real torch installed")
    code = textwrap.dedent("""\
        import torch
        import torchlike
        try:
            torchlike.install()
        except RuntimeError as error:
            print(str(error).split(";")[1].strip())
    """)
    result = python("torch", ["-c", code], cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "call install() before anything imports torch\n"


@pytest.mark.torchlike_only
def test_ipython_extension(tmp_path):
    pytest.importorskip("IPython")
    code = textwrap.dedent("""\
        from IPython.core.interactiveshell import InteractiveShell
        import torchlike

        shell = InteractiveShell.instance()
        shell.run_line_magic("load_ext", "torchlike")
        result = shell.run_cell("import torch\\nfrom torch import nn\\nt = torch.ones(2) * 3\\nt")
        result.raise_error()
        ns = shell.user_ns
        print(ns["torch"] is torchlike, ns["nn"] is torchlike.nn, repr(result.result))
    """)
    result = python("torch", ["-c", code], cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "True True tensor([3., 3.])"


@pytest.mark.torchlike_only
def test_check_dispatches_to_the_porting_report(tmp_path):
    script = write(tmp_path, "uses.py", "import torch\ntorch.not_an_api_anywhere_xyz()\n")
    result = python("torchlike", ["--check", str(script)], cwd=tmp_path)
    if importlib.util.find_spec("torchlike._porting") is None:
        assert result.returncode == 2
        assert "porting report" in result.stderr
    else:
        assert result.returncode == 1, result.stdout + result.stderr
        assert "not_an_api_anywhere_xyz" in result.stdout
    result = python("torchlike", ["--check"], cwd=tmp_path)
    assert result.returncode == 2
    assert "usage: python -m torchlike" in result.stderr
