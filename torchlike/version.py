"""``torch.version``: the PyTorch release whose API torchlike follows, and build facts.

``__version__`` is that PyTorch release with torchlike's own version as the local label
(``2.13.0+torchlike.0.1.0``), so ``torch.__version__ >= "2.0"`` gates take PyTorch 2.13's path
and the label says what actually runs.  No CUDA/ROCm build is involved: ``cuda`` and ``hip`` are
None, as in PyTorch's CPU wheels, whatever accelerator JAX drives.
"""

__all__ = ["__version__", "cuda", "debug", "git_version", "hip", "rocm", "xpu", "torchlike"]

torchlike = "0.1.0"  # torchlike's own release (pyproject.toml's version)
pytorch = "2.13.0"  # the PyTorch API it follows
__version__ = f"{pytorch}+torchlike.{torchlike}"
cuda = None
hip = None
rocm = None
xpu = None
debug = False
git_version = "Unknown"
