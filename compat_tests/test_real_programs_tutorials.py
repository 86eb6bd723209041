"""Blockers found by running the official PyTorch tutorials and recipes (Learning PyTorch with
Examples, the autograd tutorials and notes, What is torch.nn really?, Extending PyTorch, the
torch.func tutorials, hooks, saving and loading, profiler, parametrizations) under
``python -m torchlike``, each reduced to the few lines that reproduce it."""

import warnings


# ------------------------------------------------- Extending PyTorch / Double Backward tutorial
# gradgradcheck draws its random grad_outputs from the global generator (make_tensor in
# [-1, 1)), so a seeded script's later random numbers depend on it.
def test_gradgradcheck_draws_grad_outputs_from_the_global_generator(torch):
    x = torch.tensor([0.5, -0.3, 1.2], dtype=torch.float64, requires_grad=True)
    torch.manual_seed(0)
    assert torch.autograd.gradgradcheck(lambda t: (t**3, t.detach().sum()), (x,))
    after = torch.rand(2)
    torch.manual_seed(0)
    torch.empty(3, dtype=torch.float64).uniform_(-1, 1)  # one per differentiable output
    assert torch.equal(after, torch.rand(2))


# --------------------------------------------- torch.autograd.functional (the old API)
def test_jacobian_forward_mode_nests_in_lists(torch):
    from_f = torch.autograd.functional
    x, y = torch.rand(2), torch.rand(3)
    two = from_f.jacobian(
        lambda a, b: (a * 2, b.sum()), (x, y), vectorize=True, strategy="forward-mode"
    )
    assert type(two) is list and all(type(r) is list for r in two)
    assert [[tuple(j.shape) for j in r] for r in two] == [[(2, 2), (2, 3)], [(2,), (3,)]]
    assert torch.equal(two[0][0], 2 * torch.eye(2))
    # one input: no input level; a tuple of outputs stays a tuple
    outs = from_f.jacobian(lambda a: (a.exp(), a.sum()), x, vectorize=True, strategy="forward-mode")
    assert type(outs) is tuple and torch.allclose(outs[0], torch.diag(x.exp()))
    rev = from_f.jacobian(lambda a, b: (a * 2, b.sum()), (x, y), vectorize=True)
    assert type(rev) is tuple and type(rev[0]) is tuple
    hess = from_f.hessian(
        lambda a, b: (a.pow(2) * b.sum()).sum(),
        (x, y),
        vectorize=True,
        outer_jacobian_strategy="forward-mode",
    )
    assert type(hess) is list and type(hess[0]) is list
    assert torch.allclose(hess[0][0], 2 * y.sum() * torch.eye(2))


# ----------------------------------- torch.func tutorials: functional_call with a params dict
def test_func_transforms_keep_dict_key_order(torch):
    fn = torch.func
    functional_call, grad, hessian, jacfwd, jacrev, vmap = (
        fn.functional_call,
        fn.grad,
        fn.hessian,
        fn.jacfwd,
        fn.jacrev,
        fn.vmap,
    )
    torch.manual_seed(0)
    model = torch.nn.Linear(3, 2)
    params = {k: v.detach() for k, v in model.named_parameters()}
    assert list(params) == ["weight", "bias"]
    x = torch.randn(4, 3)
    seen = []

    def f(p):
        seen.append(list(p))
        return functional_call(model, p, (x,))

    jac = jacrev(f)(params)
    assert list(jac) == ["weight", "bias"] and seen == [["weight", "bias"]]
    assert jac["weight"].shape == (4, 2, 2, 3)
    out = jacfwd(lambda p: {"z": f(p).sum(), "a": x.sum()})(params)
    assert list(out) == ["z", "a"] and list(out["z"]) == ["weight", "bias"]
    h = hessian(lambda p: f(p).pow(2).sum())(params)
    assert list(h) == ["weight", "bias"] and list(h["bias"]) == ["weight", "bias"]
    assert h["bias"]["bias"].shape == (2, 2)
    assert list(grad(lambda p: f(p).sum())(params)) == ["weight", "bias"]
    assert list(vmap(lambda t: {"w": t, "b": t.sum()})(torch.randn(2, 3))) == ["w", "b"]


# ------------------------------------------------------------------------- hooks recipes
# A full backward pre-hook's result replaces the gradient flowing into the module even when no
# input needs one (the parameters' gradients scale), and the "no inputs require gradients"
# warning points at the user's backward() line.
def test_full_backward_pre_hook_result_reaches_module_without_input_grad(torch):
    torch.manual_seed(0)
    lin = torch.nn.Linear(3, 2)
    x = torch.randn(4, 3)
    lin.register_full_backward_pre_hook(lambda m, go: (go[0] * 10,))
    seen = []
    lin.register_full_backward_hook(lambda m, gi, go: seen.append((gi, go[0].clone())))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        lin(x).sum().backward()
    assert torch.allclose(lin.bias.grad, torch.full((2,), 40.0))
    assert torch.allclose(lin.weight.grad, 10 * x.sum(0).expand(2, 3))
    assert seen[0][0] == (None,) and torch.equal(seen[0][1], torch.full((4, 2), 10.0))
    msgs = [w for w in caught if "Full backward hook is firing" in str(w.message)]
    assert len(msgs) == 1 and msgs[0].filename == __file__


# ---------------------------------------------------------------- saving and loading recipes
# Tensors sharing a storage are saved with it once and load back aliased (a write through one
# shows in the other), with PyTorch's offsets and strides.
def test_save_load_keeps_storage_sharing(torch, tmp_path):
    t = torch.arange(10.0)
    p = torch.nn.Parameter(torch.arange(6.0).view(2, 3))
    path = tmp_path / "shared.pt"
    torch.save({"t": t, "mid": t[2:5], "p": p, "pt": p.detach().t(), "row": p.detach()[1]}, path)
    d = torch.load(path, weights_only=True)
    assert d["mid"].storage_offset() == 2 and d["pt"].stride() == (1, 3)
    assert d["row"].storage_offset() == 3
    d["mid"][0] = 100.0
    assert d["t"][2].item() == 100.0
    d["row"][0] = -1.0
    assert d["p"][1, 0].item() == -1.0 and d["pt"][0, 1].item() == -1.0
    assert isinstance(d["p"], torch.nn.Parameter) and d["p"].requires_grad
    # a view saved first, its base after: still one storage
    torch.save([t[::2], t], path)
    a, b = torch.load(path, weights_only=True)
    assert a.stride() == (2,) and torch.equal(a, torch.arange(0.0, 10.0, 2.0))
    b[4] = 7.0
    assert a[2].item() == 7.0


# ----------------------------------------------------------------------- profiler recipe
def test_profiler_memory_columns(torch):
    prof_mod = torch.profiler
    with prof_mod.profile(activities=[prof_mod.ProfilerActivity.CPU], profile_memory=True) as p:
        torch.ones(4, 4) + 1
    table = p.key_averages().table(sort_by="self_cpu_memory_usage", row_limit=10)
    header = " ".join(table.splitlines()[1].split())
    assert header.endswith("CPU time avg CPU Mem Self CPU Mem # of Calls")
    add = [e for e in p.key_averages() if e.key == "aten::add"]
    assert add and add[0].cpu_memory_usage == 64 and add[0].self_cpu_memory_usage > 0
    with prof_mod.profile(activities=[prof_mod.ProfilerActivity.CPU]) as p:
        torch.ones(2) + 1
    assert "Mem" not in p.key_averages().table().splitlines()[1]


# on_trace_ready runs after each RECORD_AND_SAVE step with step_num already advanced, and a
# scheduled profile labels its steps ProfilerStep*.
def test_profiler_schedule_trace_ready_steps(torch):
    prof_mod = torch.profiler
    lin = torch.nn.Linear(3, 3)
    seen = []

    def ready(p):
        keys = {e.key: e.count for e in p.key_averages()}
        seen.append((p.step_num, keys.get("ProfilerStep*"), keys.get("aten::addmm")))

    sched = prof_mod.schedule(wait=1, warmup=1, active=2)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with prof_mod.profile(schedule=sched, on_trace_ready=ready) as p:
            for _ in range(8):
                lin(torch.ones(3))
                p.step()
    assert seen == [(4, 2, 2), (8, 2, 2)]
    assert p.step_num == 8
    assert any("Profiler clears events at the end of each cycle" in str(w.message) for w in caught)
    seen.clear()
    with prof_mod.profile(
        schedule=prof_mod.schedule(wait=1, warmup=1, active=1, repeat=1), on_trace_ready=ready
    ) as p:
        for _ in range(5):
            lin(torch.ones(3))
            p.step()
    assert seen == [(3, 1, 1)]


# ------------------------------------------------------------- model ensembling tutorial
# vmap over stacked parameters that require grad gives an output in the autograd graph:
# training the ensemble with loss.backward() reaches each model's slice of the stack.
def test_vmap_output_backprops_to_stacked_params(torch):
    import copy

    torch.manual_seed(0)
    models = [torch.nn.Linear(3, 2) for _ in range(3)]
    params, buffers = torch.func.stack_module_state(models)
    base = copy.deepcopy(models[0])

    def fmodel(p, b, x):
        return torch.func.functional_call(base, (p, b), (x,))

    x = torch.randn(3, 4, 3)
    out = torch.func.vmap(fmodel)(params, buffers, x)
    assert out.requires_grad and out.grad_fn is not None
    out.pow(2).sum().backward()
    sum(m(x[i]).pow(2).sum() for i, m in enumerate(models)).backward()
    for i, m in enumerate(models):
        assert torch.allclose(params["weight"].grad[i], m.weight.grad, atol=1e-6)
        assert torch.allclose(params["bias"].grad[i], m.bias.grad, atol=1e-6)
    ints = torch.func.vmap(lambda a: (a * 2, (a > 0).long()))(torch.randn(2, 3, requires_grad=True))
    assert ints[0].requires_grad and not ints[1].requires_grad
    with torch.no_grad():
        assert not torch.func.vmap(fmodel)(params, buffers, x).requires_grad


# ------------------------------------------- Fusing Convolution and Batch Norm (nn.grad)
def test_nn_grad_conv_input_and_weight(torch):
    G = torch.nn.grad
    F = torch.nn.functional
    torch.manual_seed(0)
    x = torch.randn(2, 3, 7, 7, requires_grad=True)
    w = torch.randn(4, 3, 3, 3, requires_grad=True)
    out = F.conv2d(x, w, stride=2, padding=1)
    go = torch.randn_like(out)
    gx, gw = torch.autograd.grad(out, (x, w), go)
    gi = G.conv2d_input(x.shape, w, go, stride=2, padding=1)
    assert gi.shape == x.shape and torch.allclose(gi, gx, atol=1e-5)
    assert torch.allclose(G.conv2d_weight(x, w.shape, go, stride=2, padding=1), gw, atol=1e-5)
    gi.sum().backward()  # differentiable w.r.t. the weight, as PyTorch's
    assert w.grad is not None and w.grad.shape == w.shape
    x1, w1 = torch.randn(2, 4, 9), torch.randn(6, 2, 3)
    g1 = torch.randn_like(F.conv1d(x1, w1, groups=2))
    assert G.conv1d_input(list(x1.shape), w1, g1, groups=2).shape == (2, 4, 9)
    assert G.conv1d_weight(x1, w1.shape, g1, groups=2).shape == (6, 2, 3)
    x3, w3 = torch.randn(1, 2, 4, 4, 4), torch.randn(3, 2, 2, 2, 2)
    g3 = torch.randn_like(F.conv3d(x3, w3))
    assert G.conv3d_weight(x3, w3.shape, g3).shape == w3.shape


# ----------------------------------------------- per-sample gradients: models with batch norm
def test_replace_all_batch_norm_modules_and_strict_key_order(torch):
    nn = torch.nn
    model = nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4), nn.Sequential(nn.BatchNorm1d(4)))
    assert torch.func.replace_all_batch_norm_modules_(model) is model
    for bn in (model[1], model[2][0]):
        assert bn.running_mean is None and bn.running_var is None
        assert bn.num_batches_tracked is None and bn.track_running_stats is False
    assert "1.running_mean" not in dict(model.named_buffers())
    out = torch.func.vmap(model, in_dims=0)(torch.randn(2, 5, 3))
    assert out.shape == (2, 5, 4)
    lin = nn.Linear(2, 2)
    try:
        torch.func.functional_call(
            lin, {"z": torch.ones(1), "a": torch.ones(1)}, (torch.ones(2),), strict=True
        )
    except RuntimeError as e:
        assert str(e) == (
            "Error(s) in reparametrizing for Linear:\n\tUnexpected key(s): 'a', 'z'.\n\t"
            "Missing key(s): 'bias', 'weight'."
        )
    else:
        raise AssertionError("strict functional_call accepted unknown keys")


def test_functionalize_keeps_semantics_and_input_writes(torch):
    fz = torch.func.functionalize

    def f(a):
        b = a + 1
        b.view(-1).add_(1)
        return b

    x = torch.tensor([0.5, -1.0])
    assert torch.equal(fz(f)(x), x + 2)
    assert fz(f).__name__ == "f"

    def g(t):
        t.mul_(2)
        return t.sum()

    y = torch.ones(3)
    assert fz(g)(y).item() == 6.0 and torch.equal(y, torch.full((3,), 2.0))
    assert torch.equal(torch.func.vmap(fz(f))(torch.zeros(3, 2)), torch.full((3, 2), 2.0))
    try:
        fz(f, remove="views")
    except RuntimeError as e:
        assert str(e).startswith(
            "functionalize(f, remove='mutations'): received invalid argument for remove=views."
        )
    else:
        raise AssertionError("functionalize accepted remove='views'")
