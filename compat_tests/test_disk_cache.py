"""JAX's persistent compilation cache, as torchlike sets it up at import (README: "Compilation
cache").  Each case runs a fresh interpreter: JAX reads the cache settings once per process.

The suite itself runs with the cache on, as users do.  Compile counts do not depend on it: JAX
reports a backend compile whether XLA built the executable or the disk cache supplied it, so a
warm cache changes how long a compile takes, never how many there are (checked below).
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.torchlike_only

ROOT = Path(__file__).resolve().parents[1]

PROGRAM = """
import json, jax
compiles, hits = [0], [0]
def on_duration(event, duration, **kw):
    compiles[0] += event == "/jax/core/compile/backend_compile_duration"
def on_event(event, **kw):
    hits[0] += event == "/jax/compilation_cache/cache_hits"
jax.monitoring.register_event_duration_secs_listener(on_duration)
jax.monitoring.register_event_listener(on_event)
import torchlike as torch
x = torch.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
(x * 3 + 1).exp().sum().backward()
print(json.dumps({"dir": jax.config.jax_compilation_cache_dir, "compiles": compiles[0],
                  "hits": hits[0], "engine": torch.compile_count(),
                  "grad": x.grad.tolist()}))
"""


def run(tmp_path, **env):
    full = {
        k: v
        for k, v in os.environ.items()
        if k not in ("TORCHLIKE_NO_DISK_CACHE", "JAX_COMPILATION_CACHE_DIR")
    }
    full.update(
        XDG_CACHE_HOME=str(tmp_path / "xdg"),
        JAX_PLATFORMS="cpu",
        PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    )
    full.update(env)
    # cwd: ``python -c`` puts the working directory first on sys.path
    out = subprocess.run(
        [sys.executable, "-c", PROGRAM],
        env=full,
        capture_output=True,
        text=True,
        check=True,
        cwd=tmp_path,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_second_process_loads_what_the_first_compiled(tmp_path):
    cold = run(tmp_path)
    warm = run(tmp_path)
    assert cold["dir"] == str(tmp_path / "xdg" / "torchlike" / "jax")
    assert any((tmp_path / "xdg" / "torchlike" / "jax").iterdir())
    assert cold["hits"] == 0
    # every executable of the cold run, per-op ones included, comes from disk the second time
    assert warm["hits"] == cold["compiles"] > 0
    # counts are the same, warm or cold: tests that count compiles hold with a warm cache
    assert (warm["compiles"], warm["engine"]) == (cold["compiles"], cold["engine"])
    assert warm["grad"] == cold["grad"]


def test_opt_out(tmp_path):
    result = run(tmp_path, TORCHLIKE_NO_DISK_CACHE="1")
    assert result["dir"] is None and result["hits"] == 0
    assert not (tmp_path / "xdg").exists()


def test_user_directory_is_kept(tmp_path):
    mine = tmp_path / "mine"
    result = run(tmp_path, JAX_COMPILATION_CACHE_DIR=str(mine))
    assert result["dir"] == str(mine) and any(mine.iterdir())
    assert not (tmp_path / "xdg").exists()


def test_directory_is_pruned_least_recently_used_first(tmp_path):
    from torchlike import _disk_cache

    for i in range(6):
        f = tmp_path / f"entry{i}"
        f.write_bytes(b"x" * 100)
        os.utime(f, (1000 + i, 1000 + i))  # entry0 is the least recently used
    removed = _disk_cache.prune(str(tmp_path), max_bytes=350, force=True)
    assert removed == 3
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith(".")) == [
        "entry3",
        "entry4",
        "entry5",
    ]
    # the marker keeps a second prune within the hour from scanning again
    (tmp_path / "entry6").write_bytes(b"x" * 1000)
    assert _disk_cache.prune(str(tmp_path), max_bytes=350) == 0
