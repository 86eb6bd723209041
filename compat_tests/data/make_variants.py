"""Record which forms of every public op PyTorch 2.13 has: ``torch.X``, ``Tensor.X``,
``Tensor.X_`` and ``torch.X(..., out=)``.  Writes ``torch_variants.json`` beside this file;
``compat_tests/test_variants.py`` checks torchlike's generated variants against it.

Run with real torch installed: ``python compat_tests/data/make_variants.py``.
Whether a builtin accepts ``out=`` is probed by calling it with an invalid ``out`` object and
reading which complaint PyTorch's argument parser makes (its signatures are not introspectable).
"""

import inspect
import json
import re
import warnings
from pathlib import Path

import torch

warnings.filterwarnings("ignore")


def probe_out(fn):
    """Whether ``fn`` accepts ``out=`` (in at least one overload)."""
    try:
        return "out" in inspect.signature(fn).parameters
    except (TypeError, ValueError):
        pass
    t = torch.ones(2)
    for args in [(t,), (t, t), (t, 0), (t, 0, t), ([t],), (t, t, t), (t, 1, 1), ()]:
        try:
            fn(*args, out=object())
        except TypeError as exc:
            msg = str(exc)
            if "unexpected keyword argument 'out'" in msg:
                return False
            if "argument 'out'" in msg or re.search(r"\bout = None", msg):
                return True
            if "expected one of" in msg:  # the parser listed every overload: none has out
                return False
        except Exception:  # noqa: BLE001 - any other complaint says nothing about out=
            pass
    head = (getattr(fn, "__doc__", None) or "").strip().split("\n\n")[0]
    return bool(re.search(r"\bout=None", head))


def main():
    names = {
        n
        for n in dir(torch)
        if not n.startswith("_")
        and callable(getattr(torch, n))
        and not isinstance(getattr(torch, n), type)
    }
    names |= {n for n in dir(torch.Tensor) if not n.startswith("_") and not n.endswith("_")}
    names |= {n[:-1] for n in dir(torch.Tensor) if n.endswith("_") and not n.startswith("_")}
    table = {}
    for n in sorted(names):
        fn = getattr(torch, n, None)
        is_function = fn is not None and callable(fn) and not isinstance(fn, type)
        table[n] = {
            "function": is_function,
            "method": callable(getattr(torch.Tensor, n, None)),
            "inplace": callable(getattr(torch.Tensor, n + "_", None)),
            "out": bool(is_function and probe_out(fn)),
        }
    out = Path(__file__).with_name("torch_variants.json")
    out.write_text(
        json.dumps({"torch": torch.__version__, "ops": table}, indent=0, sort_keys=True) + "\n"
    )
    print(f"wrote {out} ({len(table)} names)")


if __name__ == "__main__":
    main()
