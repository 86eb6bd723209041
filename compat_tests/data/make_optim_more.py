"""Regenerate ``optim_more.npz``: reference trajectories of real PyTorch 2.13.0 CPU for
``test_optim_more.py``.  It runs the test module's own loops with real torch::

    python compat_tests/data/make_optim_more.py
"""

import pathlib
import sys
import warnings

import numpy as np
import torch

HERE = pathlib.Path(__file__).parent
sys.path.insert(0, str(HERE.parent))

import test_optim_more as T  # noqa: E402


def main():
    out = {}
    for case, (name, kwargs) in T.OPTIM_CASES.items():
        for dtype in ("float64", "float32"):
            out[f"optim/{case}/{dtype}"], _ = T.optim_trajectory(torch, name, kwargs, dtype)
    for name in T.COMPLEX_OPTIMIZERS:
        out[f"complex/{name}"] = T.complex_trajectory(torch, name)
    for case, (kwargs, dtype, outer) in T.LBFGS_CASES.items():
        out[f"lbfgs/{case}"], out[f"lbfgs/{case}/counters"] = T.lbfgs_trajectory(
            torch, kwargs, dtype, outer
        )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for case, (opt_name, make) in T.SCHED_CASES.items():
            out[f"sched/{case}"] = T.sched_trajectory(
                torch, opt_name, make, metric=case.startswith("plateau")
            )
    out.update(swa_references())
    np.savez_compressed(HERE / "optim_more.npz", **out)
    print(f"wrote {len(out)} arrays to optim_more.npz (torch {torch.__version__})")


def swa_references():
    out = {}
    su = torch.optim.swa_utils
    for kind, kwargs in {
        "swa": {},
        "ema_avg_fn": dict(avg_fn=su.get_ema_avg_fn(0.9)),
        "ema_multi": dict(multi_avg_fn=su.get_ema_multi_avg_fn(0.8)),
        "swa_multi": dict(multi_avg_fn=su.get_swa_multi_avg_fn()),
        "buffers": dict(use_buffers=True),
    }.items():
        model = T._small_model(torch)
        averaged = su.AveragedModel(model, **kwargs)
        opt = torch.optim.SGD(model.parameters(), lr=0.1)
        x = torch.tensor(np.random.default_rng(2).standard_normal((8, 3)), dtype=torch.float32)
        for _ in range(4):
            opt.zero_grad()
            model(x).pow(2).sum().backward()
            opt.step()
            averaged.update_parameters(model)
        out[f"swa/{kind}"] = np.concatenate(
            [t.detach().numpy().ravel().astype(np.float64) for t in averaged.state_dict().values()]
        )
    model = T._small_model(torch)
    rng = np.random.default_rng(3)
    loader = [(torch.tensor(rng.standard_normal((5, 3)), dtype=torch.float32), 0) for _ in range(3)]
    model.eval()
    su.update_bn(loader, model)
    out["swa/update_bn"] = np.concatenate(
        [model[1].running_mean.numpy(), model[1].running_var.numpy()]
    )
    return out


if __name__ == "__main__":
    main()
