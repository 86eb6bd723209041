"""Missing-API errors, the porting report (``python -m torchlike --check``) and the API table.

The first tests hold on both backends (what PyTorch does for a name it lacks, torchlike must
do too); the rest check torchlike's own tools and are marked ``torchlike_only``.
"""

import importlib
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from torchlike import _porting

REPO = Path(__file__).resolve().parents[1]

SUBMODULES = [
    "",
    "nn",
    "nn.functional",
    "nn.init",
    "nn.utils",
    "optim",
    "optim.lr_scheduler",
    "autograd",
    "autograd.profiler",
    "utils.data",
    "utils.benchmark",
    "functional",
    "backends",
    "backends.cudnn",
    "backends.mps",
    "backends.cuda",
    "jit",
    "testing",
    "profiler",
    "cuda",
    "linalg",
    "fft",
    "special",
    "distributions",
    "signal.windows",
    "amp",
    "cuda.amp",
]


def _module(torch, path):
    # imported, as `import torch.utils.benchmark` would (plain `import torch` leaves some out)
    return importlib.import_module(f"{torch.__name__}.{path}" if path else torch.__name__)


@pytest.mark.parametrize("path", SUBMODULES)
def test_missing_name_is_attribute_error_with_torch_text(torch, path):
    where = "torch" + (f".{path}" if path else "")
    with pytest.raises(AttributeError, match=rf"^module '{where}' has no attribute 'Linearr'"):
        _module(torch, path).Linearr  # noqa: B018


@pytest.mark.parametrize("path", SUBMODULES)
def test_hasattr_is_false_for_missing_names(torch, path):
    mod = _module(torch, path)
    assert not hasattr(mod, "Linearr")
    assert getattr(mod, "Linearr", "default") == "default"
    assert not hasattr(mod, "_no_such_private_name")


def test_from_import_of_missing_name_is_import_error(torch):
    with pytest.raises(ImportError, match="cannot import name 'Linearr'"):
        exec(f"from {torch.__name__}.nn import Linearr", {})


def test_every_name_the_table_claims_exists(torch):
    # On torch this proves the table lists only real PyTorch names; on torchlike that it is true.
    claimed = _claimed_names(_porting.API_TABLE.read_text())
    assert len(claimed) > 500
    absent = [n for n in claimed if not _porting.resolves(torch.__name__, n)]
    assert absent == []


def _claimed_names(markdown):
    names, module, in_have = [], None, False
    for line in markdown.splitlines():
        if line.startswith("## `"):
            module = line.strip("#` ")
        elif line.startswith("**"):
            in_have = line.startswith("**Have")
        elif in_have and line.startswith("`"):
            names += [f"{module}.{n.strip(' `')}" for n in line.rstrip(",").split(",") if n.strip()]
    return names


# -- torchlike's error text ------------------------------------------------------------------


@pytest.mark.torchlike_only
@pytest.mark.parametrize(
    "expr, message",
    [
        (
            "torch.nn.Linearr",
            "module 'torch.nn' has no attribute 'Linearr'; torchlike does not "
            "provide torch.nn.Linearr yet (nearest supported: torch.nn.Linear)",
        ),
        (
            "torch.zeross",
            "module 'torch' has no attribute 'zeross'; torchlike does not provide "
            "torch.zeross yet (nearest supported: torch.zeros)",
        ),
        (
            "torch.nn.functional.rellu",
            "module 'torch.nn.functional' has no attribute 'rellu'; "
            "torchlike does not provide torch.nn.functional.rellu yet (nearest supported: "
            "torch.nn.functional.relu)",
        ),
        (
            "torch.nn.tanh",
            "module 'torch.nn' has no attribute 'tanh'; torchlike does not provide "
            "torch.nn.tanh yet (nearest supported: torch.nn.Tanh)",
        ),
        (
            "torch.optim.Qzxwv",
            "module 'torch.optim' has no attribute 'Qzxwv'; torchlike does not "
            "provide torch.optim.Qzxwv yet",
        ),
        ("torch._qzxwv", "module 'torch' has no attribute '_qzxwv'"),
        # the very name in another module beats a look-alike here; a near-identical one does not
        (
            "torch.optim.StepLR",
            "module 'torch.optim' has no attribute 'StepLR'; torchlike does not "
            "provide torch.optim.StepLR yet (nearest supported: torch.optim.lr_scheduler.StepLR)",
        ),
        (
            "torch.Linear",
            "module 'torch' has no attribute 'Linear'; torchlike does not provide "
            "torch.Linear yet (nearest supported: torch.nn.Linear)",
        ),
        (
            "torch.nn.init.zeros",
            "module 'torch.nn.init' has no attribute 'zeros'; torchlike does not "
            "provide torch.nn.init.zeros yet (nearest supported: torch.nn.init.zeros_)",
        ),
        # a flag that is a property of the module's class is a name it supports
        (
            "torch.backends.cudnn.benchmrk",
            "module 'torch.backends.cudnn' has no attribute "
            "'benchmrk'; torchlike does not provide torch.backends.cudnn.benchmrk yet (nearest "
            "supported: torch.backends.cudnn.benchmark)",
        ),
    ],
)
def test_missing_name_message_names_the_api_and_the_nearest(torch, expr, message):
    with pytest.raises(AttributeError) as info:
        eval(expr, {"torch": torch})
    assert str(info.value) == message
    assert info.value.name == expr.rpartition(".")[2]


@pytest.mark.torchlike_only
def test_every_public_package_has_the_missing_name_error(torch):
    import pkgutil

    lacking = []
    for info in pkgutil.walk_packages(torch.__path__, "torchlike."):
        if info.ispkg and not any(p.startswith("_") for p in info.name.split(".")):
            if "__getattr__" not in vars(importlib.import_module(info.name)):
                lacking.append(info.name)
    assert lacking == [], (
        "end the package with `__getattr__ = "
        "_missing.module_getattr(__name__)` (torchlike/_missing.py)"
    )


@pytest.mark.torchlike_only
def test_suggestions_skip_helper_imports(torch):
    # torchlike.nn.functional imports `math`; it is not a torch.nn.functional name to suggest
    with pytest.raises(AttributeError) as info:
        torch.nn.functional.mathh  # noqa: B018
    assert "nearest supported: torch.nn.functional.math)" not in str(info.value)


# -- the static report -----------------------------------------------------------------------

SCRIPT = """\
import torch
import torch as T
import torch.nn as nn
import torch.nn.functional as F
from torch.nn import functional as F2
from torch import optim
from torch.utils.data import DataLoader
from torch.utils.qzx_board import SummaryWriter

x = T.zeros(3)
y = F.relu(x) + F2.gelu(x) + F.qzx_relu(x)
with torch.qzx_amp.autocast():
    pass
model = nn.QzxLinear(3)
opt = optim.QzxLBFGS(model.parameters())
x.qzx_method()
f = getattr(torch, "qzx_compile")
print(torch.qzx_amp.autocast, torch.Tensor.add_, torch.Tensor.qzx_method)
"""


def _rows(text):
    """The report's API lines as {api: "where [note]"}, whatever the column padding."""
    return {
        line.split()[0]: " ".join(line.split()[1:])
        for line in text.splitlines()
        if line.startswith("  ")
    }


def _report(tmp_path, files, *paths):
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        return _porting.report(list(paths) or ["."])
    finally:
        os.chdir(cwd)


@pytest.mark.torchlike_only
def test_check_lists_each_missing_api_with_file_and_line(tmp_path):
    text, status = _report(tmp_path, {"train.py": SCRIPT}, "train.py")
    assert status == 1
    either = "(not in PyTorch 2.13 either)"
    assert _rows(text) == {
        "torch.utils.qzx_board.SummaryWriter": "train.py:8",
        "torch.nn.functional.qzx_relu": f"train.py:11 {either}",
        "torch.qzx_amp.autocast": "train.py:12, train.py:18",
        # a typo-like name gets the missing-name error's hint
        "torch.nn.QzxLinear": "train.py:14 (not in PyTorch 2.13 either; nearest supported: "
        "torch.nn.Linear)",
        "torch.optim.QzxLBFGS": f"train.py:15 {either}",
        "torch.qzx_compile": f"train.py:17 {either}",
        "torch.Tensor.qzx_method": f"train.py:18 {either}",
    }
    # grouped by module, and a method called on a tensor is not guessed at
    assert "\ntorch.nn.functional\n" in text and "x.qzx_method" not in text
    assert text.splitlines()[-1] == (
        "8 uses of 7 missing torch APIs in 1 of 1 file (19 torch API uses checked)"
    )


@pytest.mark.torchlike_only
def test_check_reports_a_real_torch_api_torchlike_lacks_without_the_either_note(tmp_path):
    # torch.distributions is PyTorch 2.13's; torchlike has not got it (yet)
    name = next(
        n for n in _porting.torch_api_names()["torch.nn"] if not _porting.has(f"torch.nn.{n}")
    )
    text, status = _report(tmp_path, {"m.py": f"from torch import nn\nnn.{name}\n"})
    assert status == 1
    assert _rows(text) == {f"torch.nn.{name}": "m.py:2"}


@pytest.mark.torchlike_only
def test_check_exits_0_when_nothing_is_missing(tmp_path):
    # torch.autograd.gradcheck is a function and, imported as a module, has GradcheckError
    script = (
        "import torch\nfrom torch import nn\nnn.Linear(2, 3)(torch.ones(2)).sum()\n"
        "from torch.autograd.gradcheck import GradcheckError\n"
    )
    text, status = _report(tmp_path, {"ok.py": script})
    assert status == 0
    assert text == "no missing torch APIs: torchlike provides all 5 torch API uses in 1 file"


@pytest.mark.torchlike_only
def test_check_reads_notebook_code_cells_and_skips_magics(tmp_path):
    cells = [
        {"cell_type": "markdown", "source": ["torch.qzx_in_markdown\n"]},
        {
            "cell_type": "code",
            "source": [
                "%load_ext torchlike\n",
                "!pip install qzx\n",
                "import torch\n",
                "torch.qzx_one(1)\n",
            ],
        },
        {"cell_type": "code", "source": "%%bash\necho torch.qzx_in_bash\n"},
        {
            "cell_type": "code",
            "source": ["%%time\n", "y = torch.nn.Linear(2, 2)\n", "torch.nn.qzx_two"],
        },
    ]
    notebook = json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5})
    text, status = _report(tmp_path, {"tour.ipynb": notebook})
    assert status == 1
    # the import in cell 2 is in effect in cell 4
    assert _rows(text) == {
        "torch.qzx_one": "tour.ipynb:cell 2:4 (not in PyTorch 2.13 either)",
        "torch.nn.qzx_two": "tour.ipynb:cell 4:3 (not in PyTorch 2.13 either)",
    }
    assert "markdown" not in text and "bash" not in text and "warning" not in text


@pytest.mark.torchlike_only
def test_check_walks_directories_and_warns_on_unparsable_files(tmp_path):
    files = {
        "a/one.py": "import torch\ntorch.qzx_a\n",
        "a/b/two.py": "import torch.nn as nn\nnn.qzx_b\n",
        "a/.hidden/three.py": "import torch\ntorch.qzx_hidden\n",
        "a/broken.py": "def (:\n",
        "a/notes.txt": "import torch\ntorch.qzx_txt\n",
    }
    text, status = _report(tmp_path, files, "a")
    assert status == 1
    assert _rows(text) == {
        "torch.qzx_a": "a/one.py:2 (not in PyTorch 2.13 either)",
        "torch.nn.qzx_b": "a/b/two.py:2 (not in PyTorch 2.13 either)",
    }
    assert "warning: a/broken.py:1: syntax error, skipped" in text
    assert "in 2 of 3 files" in text


@pytest.mark.torchlike_only
def test_python_m_torchlike_check_runs_nothing_and_sets_the_exit_status(tmp_path):
    script = tmp_path / "s.py"
    script.write_text("import torch\nprint('RAN')\ntorch.qzx_missing()\n")
    result = _python(["-m", "torchlike", "--check", str(script)], cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    assert "RAN" not in result.stdout
    assert _rows(result.stdout) == {"torch.qzx_missing": "s.py:3 (not in PyTorch 2.13 either)"}


# -- the run-time record ---------------------------------------------------------------------


def _python(args, cwd=None, **env):
    full = dict(os.environ, PYTHONPATH=str(REPO), **env)
    return subprocess.run(
        [sys.executable, *args],
        capture_output=True,
        text=True,
        env=full,
        cwd=cwd or REPO,
        timeout=300,
    )


@pytest.mark.torchlike_only
def test_torchlike_check_records_missing_apis_hit_at_run_time():
    program = textwrap.dedent("""\
        import torchlike as torch
        print(hasattr(torch, "qzx_probe"))
        for _ in range(3):
            try:
                torch.optim.QzxOptimizer
            except AttributeError:
                pass
        torch.zeros(2).sum()
        """)
    result = _python(["-c", program], TORCHLIKE_CHECK="1")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "False\n"
    assert result.stderr.splitlines() == [
        "torchlike --check-run: unsupported torch APIs this run used:",
        "  <string>:5: torch.optim.QzxOptimizer (3x)",
        "torchlike --check-run: probed with hasattr/getattr and absent "
        "(the program may cope without them):",
        "  <string>:2: torch.qzx_probe (1x)",
        "torchlike --check-run: 1 unsupported torch API used, 1 probed",
    ]


@pytest.mark.torchlike_only
def test_check_run_records_what_an_unmodified_script_hit(tmp_path):
    script = tmp_path / "train.py"
    script.write_text(
        "import torch\nfrom torch import nn\n"
        "device = 'cuda' if hasattr(torch, 'qzx_cuda') else 'cpu'\n"
        "print(device, nn.Linear(2, 1)(torch.ones(2)).shape)\n"
        "nn.QzxLazyLinear(3)\n"
    )
    result = _python(["-m", "torchlike", "--check-run", str(script)], cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout == "cpu torch.Size([1])\n"
    report = result.stderr.splitlines()[-5:]
    assert report == [
        "torchlike --check-run: unsupported torch APIs this run used:",
        f"  {script}:5: torch.nn.QzxLazyLinear (1x)",
        "torchlike --check-run: probed with hasattr/getattr and absent "
        "(the program may cope without them):",
        f"  {script}:3: torch.qzx_cuda (1x)",
        "torchlike --check-run: 1 unsupported torch API used, 1 probed",
    ]
    assert "AttributeError: module 'torch.nn' has no attribute 'QzxLazyLinear'" in result.stderr


@pytest.mark.torchlike_only
def test_without_torchlike_check_nothing_is_recorded():
    result = _python(
        ["-c", "import torchlike as torch\nhasattr(torch, 'qzx')\n"], TORCHLIKE_CHECK="0"
    )
    assert result.returncode == 0 and result.stderr == ""


# -- the API table ---------------------------------------------------------------------------


@pytest.mark.torchlike_only
def test_api_table_is_current():
    assert _porting.API_TABLE.read_text() == _porting.api_table(), (
        f"torchlike/SUPPORTED_APIS.md is out of date: run `{_porting.REGENERATE}`"
    )


@pytest.mark.torchlike_only
def test_api_list_covers_the_modules_and_the_tools_never_import_torch():
    modules = _porting.torch_api_names()
    for name in [
        "torch",
        "torch.nn",
        "torch.nn.functional",
        "torch.nn.init",
        "torch.optim",
        "torch.optim.lr_scheduler",
        "torch.autograd",
        "torch.utils.data",
        "torch.linalg",
        "torch.fft",
        "torch.special",
        "torch.distributions",
        "torch.func",
        "torch.cuda",
        "torch.backends",
        "torch.jit",
        "torch.testing",
        "torch.Tensor",
    ]:
        assert modules[name], name
    assert "relu" in modules["torch.nn.functional"] and "math" not in modules["torch.nn.init"]
    program = (
        "import sys, torchlike._porting as p; p.api_table(); "
        "print(sorted(m for m in sys.modules if m == 'torch' or m.startswith('torch.')))"
    )
    result = _python(["-c", program])
    assert result.returncode == 0, result.stderr
    assert result.stdout == "[]\n"
