"""``torch.distributed`` in one process: what scripts do before, without and inside a process
group of world size 1 (nanoGPT's train.py imports ``init_process_group`` whether or not it runs
distributed; ``torchrun --nproc_per_node=1`` runs the distributed path with one rank)."""

import importlib

import pytest

NOT_INITIALIZED = (
    "^Default process group has not been initialized, please make sure to call init_process_group.$"
)


@pytest.fixture
def dist(torch, tmp_path):
    d = importlib.import_module(torch.__name__ + ".distributed")
    yield d
    if d.is_initialized():
        d.destroy_process_group()


def _init(dist, tmp_path, backend="gloo"):
    # (a file rendezvous: no port to collide with another test worker)
    dist.init_process_group(
        backend, init_method=f"file://{tmp_path}/rendezvous", rank=0, world_size=1
    )


def test_before_init_process_group(torch, dist):
    assert dist.is_available() and dist.is_gloo_available() and not dist.is_mpi_available()
    assert not dist.is_initialized() and dist.group.WORLD is None
    for call in (
        dist.get_rank,
        dist.get_world_size,
        dist.get_backend,
        dist.barrier,
        lambda: dist.all_reduce(torch.ones(2)),
        lambda: torch.nn.parallel.DistributedDataParallel(torch.nn.Linear(2, 2)),
        lambda: torch.utils.data.DistributedSampler(list(range(4))),
    ):
        with pytest.raises(ValueError, match=NOT_INITIALIZED):
            call()
    with pytest.raises(AssertionError, match="^Process group cannot be None$"):
        dist.destroy_process_group()


def test_rendezvous_errors(torch, dist, monkeypatch, tmp_path):
    for var in ("RANK", "WORLD_SIZE", "MASTER_ADDR", "MASTER_PORT"):
        monkeypatch.delenv(var, raising=False)
    env = "^Error initializing torch.distributed using env:// rendezvous: environment variable "
    with pytest.raises(ValueError, match=env + "RANK expected, but not set$"):
        dist.init_process_group("gloo")
    monkeypatch.setenv("RANK", "0")
    with pytest.raises(ValueError, match=env + "WORLD_SIZE expected, but not set$"):
        dist.init_process_group("gloo")
    monkeypatch.setenv("WORLD_SIZE", "1")
    with pytest.raises(ValueError, match=env + "MASTER_ADDR expected, but not set$"):
        dist.init_process_group("gloo")
    tcp = "^Error initializing torch.distributed using tcp:// rendezvous: "
    with pytest.raises(ValueError, match=tcp + "rank parameter missing$"):
        dist.init_process_group("gloo", init_method="tcp://127.0.0.1:29500")
    with pytest.raises(ValueError, match=tcp + "world size parameter missing$"):
        dist.init_process_group("gloo", init_method="tcp://127.0.0.1:29500", rank=0)
    with pytest.raises(RuntimeError, match="^No rendezvous handler for foo://$"):
        dist.init_process_group("gloo", init_method="foo://x", rank=0, world_size=1)
    with pytest.raises(AssertionError, match="^Unknown backend type bogus$"):
        dist.init_process_group("bogus", init_method=f"file://{tmp_path}/r", rank=0, world_size=1)
    assert not dist.is_initialized()


def test_group_of_one(torch, dist, tmp_path):
    _init(dist, tmp_path)
    assert dist.is_initialized() and dist.get_rank() == 0 and dist.get_world_size() == 1
    assert dist.get_backend() == "gloo" and dist.Backend("GLOO") == dist.Backend.GLOO == "gloo"
    world = dist.group.WORLD
    assert world is dist.GroupMember.WORLD and world.rank() == 0 and world.size() == 1
    assert dist.get_process_group_ranks(world) == [0] and dist.get_global_rank(world, 0) == 0
    with pytest.raises(ValueError, match="^trying to initialize the default process group twice!$"):
        _init(dist, tmp_path)
    sub = dist.new_group([0])
    assert dist.get_rank(sub) == 0 and dist.get_world_size(group=sub) == 1
    with pytest.raises(ValueError, match="^the new group's world size should be less or equal"):
        dist.new_group([0, 1])
    with pytest.raises(ValueError, match=r"^Rank 1 is out of range. Valid ranks are 0 to 0 \("):
        dist.new_group([1])
    dist.destroy_process_group()
    assert not dist.is_initialized() and dist.group.WORLD is None


def test_collectives_of_one_rank(torch, dist, tmp_path):
    _init(dist, tmp_path)
    t = torch.tensor([1.0, 2.0])
    for op in (dist.ReduceOp.SUM, dist.ReduceOp.AVG, dist.ReduceOp.MAX, dist.ReduceOp.PRODUCT):
        assert dist.all_reduce(t, op=op) is None
    assert t.tolist() == [1.0, 2.0]
    assert str(dist.ReduceOp.SUM) == "RedOpType.SUM" and repr(dist.ReduceOp.AVG).endswith(": 1>")
    work = dist.all_reduce(t, async_op=True)
    assert work.wait() is True and work.is_completed()
    assert dist.broadcast(t, src=0) is None and dist.reduce(t, dst=0) is None
    assert dist.barrier() is None and dist.barrier(async_op=True).wait()
    out = [torch.zeros(2)]
    dist.all_gather(out, t)
    assert out[0].tolist() == [1.0, 2.0]
    flat = torch.zeros(2)
    dist.all_gather_into_tensor(flat, torch.tensor([5.0, 6.0]))
    assert flat.tolist() == [5.0, 6.0]
    dist.reduce_scatter_tensor(flat, torch.tensor([3.0, 4.0]))
    assert flat.tolist() == [3.0, 4.0]
    got = [torch.zeros(2)]
    dist.gather(torch.ones(2), got, dst=0)
    assert got[0].tolist() == [1.0, 1.0]
    x = torch.zeros(2)
    dist.scatter(x, [torch.full((2,), 7.0)], src=0)
    assert x.tolist() == [7.0, 7.0]
    objs = [None]
    dist.all_gather_object(objs, {"loss": 1.5})
    assert objs == [{"loss": 1.5}]
    objs = [{"seed": 3}]
    dist.broadcast_object_list(objs, src=0)
    assert objs == [{"seed": 3}]


def test_collective_errors_are_gloos(torch, dist, tmp_path):
    _init(dist, tmp_path)
    with pytest.raises(RuntimeError, match="^ProcessGroupGloo::broadcast: invalid root rank: 1$"):
        dist.broadcast(torch.ones(2), src=1)
    with pytest.raises(RuntimeError, match="^ProcessGroupGloo::reduce: invalid root rank: 1$"):
        dist.reduce(torch.ones(2), dst=1)
    with pytest.raises(TypeError, match="^Invalid function argument. Expected parameter `tensor` "):
        dist.all_reduce([torch.ones(2)])
    with pytest.raises(TypeError, match="Expected parameter `tensor_list` of type List"):
        dist.all_gather(torch.ones(2), torch.ones(2))
    with pytest.raises(
        RuntimeError,
        match=r"^ProcessGroupGloo::allgather: invalid output tensor list at index 0 \(expected "
        r"length 1, got 2\)$",
    ):
        dist.all_gather([torch.zeros(2), torch.zeros(2)], torch.ones(2))
    with pytest.raises(
        RuntimeError,
        match=r"^ProcessGroupGloo::allgather: invalid tensor size at index 0 \(expected \(2\), "
        r"got \(3\)\)$",
    ):
        dist.all_gather([torch.zeros(3)], torch.ones(2))
    with pytest.raises(RuntimeError, match=r"invalid tensor size at index 0 \(expected \(2\), "):
        dist.all_gather_into_tensor(torch.zeros(1, 2), torch.ones(2))
    with pytest.raises(
        RuntimeError, match=r"Check failed: outputShape\[0\] \* worldSize == inputShape\[0\] "
    ):
        dist.reduce_scatter_tensor(torch.zeros(3), torch.ones(2))
    with pytest.raises(ValueError, match="^Argument ``gather_list`` must be specified on dest"):
        dist.gather(torch.ones(2), None, dst=0)
    with pytest.raises(RuntimeError, match="^ProcessGroupGloo::scatter: Incorrect input list"):
        dist.scatter(torch.ones(2), [torch.zeros(2), torch.zeros(2)], src=0)


def test_ddp_and_sampler_in_a_group_of_one(torch, dist, tmp_path):
    _init(dist, tmp_path)
    torch.manual_seed(0)
    inner = torch.nn.Linear(3, 2)
    model = torch.nn.parallel.DistributedDataParallel(inner)
    assert model.module is inner and model.require_backward_grad_sync is True
    assert list(model.state_dict()) == ["module.weight", "module.bias"]
    assert repr(model).startswith("DistributedDataParallel(\n  (module): Linear(")
    x = torch.ones(4, 3)
    loss = model(x).sum()
    assert loss.grad_fn.name() == "SumBackward0"
    loss.backward()
    assert torch.allclose(inner.weight.grad, torch.full((2, 3), 4.0))
    with model.no_sync():
        assert model.require_backward_grad_sync is False
        model(x).sum().backward()
    assert model.require_backward_grad_sync is True
    assert torch.allclose(inner.weight.grad, torch.full((2, 3), 8.0))
    frozen = torch.nn.Linear(2, 2).requires_grad_(False)
    with pytest.raises(RuntimeError, match="is not needed when a module doesn't have any param"):
        torch.nn.parallel.DistributedDataParallel(frozen)
    with pytest.raises(ValueError, match="device_ids and output_device arguments only work with"):
        torch.nn.parallel.DistributedDataParallel(torch.nn.Linear(2, 2), device_ids=[0])
    sampler = torch.utils.data.DistributedSampler(list(range(5)), shuffle=False)
    assert sampler.num_replicas == 1 and sampler.rank == 0 and list(sampler) == [0, 1, 2, 3, 4]


def test_environment_rendezvous(torch, dist, monkeypatch):
    monkeypatch.setenv("RANK", "0")
    monkeypatch.setenv("WORLD_SIZE", "1")
    monkeypatch.setenv("MASTER_ADDR", "127.0.0.1")
    monkeypatch.setenv("MASTER_PORT", "0")  # (torch: any free port)
    dist.init_process_group(backend="gloo")
    assert dist.get_rank() == 0 and dist.get_world_size() == 1 and dist.get_backend() == "gloo"


@pytest.mark.torchlike_only
def test_more_than_one_process_is_refused(torch, dist, tmp_path):
    # (PyTorch waits for the other ranks to join; torchlike serves one process and says so)
    with pytest.raises(NotImplementedError, match="world_size=1.*a group of 2 processes"):
        dist.init_process_group("gloo", init_method=f"file://{tmp_path}/r", rank=0, world_size=2)
    assert not dist.is_initialized()
