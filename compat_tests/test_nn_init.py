"""nn.init: gains, fans, deterministic fills, and PyTorch's random recipes bit for bit.

The expected numbers of the random initializers are what PyTorch 2.13 draws after
``manual_seed(0)`` (written down once; the RNG issue makes torchlike's stream identical).
"""

import math
import warnings

import numpy as np
import pytest
from _helpers import assert_close, values


def test_calculate_gain(torch):
    g = torch.nn.init.calculate_gain
    assert g("linear") == 1 and g("conv2d") == 1 and g("sigmoid") == 1
    assert g("tanh") == 5.0 / 3
    assert g("relu") == math.sqrt(2.0)
    assert g("leaky_relu") == math.sqrt(2.0 / (1 + 0.01**2))
    assert g("leaky_relu", 0.2) == math.sqrt(2.0 / 1.04)
    assert g("selu") == 0.75
    with pytest.raises(ValueError, match="Unsupported nonlinearity foo"):
        g("foo")
    with pytest.raises(ValueError, match="negative_slope x not a valid number"):
        g("leaky_relu", "x")


def test_fan_errors(torch):
    init = torch.nn.init
    with pytest.raises(
        ValueError,
        match="Fan in and fan out can not be computed for tensor with fewer than 2 dimensions",
    ):
        init.kaiming_uniform_(torch.empty(3))
    with pytest.raises(ValueError, match="Fan in and fan out can not be computed"):
        init.xavier_uniform_(torch.empty(3))
    with pytest.raises(ValueError) as e:
        init.kaiming_uniform_(torch.empty(3, 3), mode="fan")
    assert str(e.value) == "Mode fan not supported, please use one of ['fan_in', 'fan_out']"


def test_fan_computation(torch):
    fans = torch.nn.init._calculate_fan_in_and_fan_out
    assert fans(torch.empty(4, 3)) == (3, 4)
    assert fans(torch.empty(8, 2, 3, 5)) == (30, 120)


def test_constant_fills(torch):
    init = torch.nn.init
    w = torch.nn.Parameter(torch.empty(2, 3))
    assert init.constant_(w, 0.5) is w
    assert_close(w, np.full((2, 3), 0.5))
    assert w.requires_grad and w.is_leaf
    init.zeros_(w)
    assert_close(w, np.zeros((2, 3)))
    init.ones_(w)
    assert_close(w, np.ones((2, 3)))
    assert_close(init.eye_(torch.empty(2, 3)), np.eye(2, 3))
    with pytest.raises(ValueError, match="Only tensors with 2 dimensions are supported"):
        init.eye_(torch.empty(3))


def test_dirac(torch):
    w = torch.nn.init.dirac_(torch.empty(2, 3, 3))
    expected = np.zeros((2, 3, 3))
    expected[0, 0, 1] = expected[1, 1, 1] = 1
    assert_close(w, expected)
    w = torch.nn.init.dirac_(torch.empty(4, 2, 3, 3), groups=2)
    assert values(w).sum() == 4
    with pytest.raises(ValueError, match="Only tensors with 3, 4, or 5 dimensions are supported"):
        torch.nn.init.dirac_(torch.empty(3, 3))


def test_kaiming_uniform_stream(torch):
    torch.manual_seed(0)
    w = torch.nn.init.kaiming_uniform_(torch.empty(2, 3))
    assert_close(
        w,
        [
            [-0.010587962344288826, 0.75864577293396, -1.1639615297317505],
            [-1.040774941444397, -0.5446904897689819, 0.3792317807674408],
        ],
    )
    bound = math.sqrt(3.0) * math.sqrt(2.0 / (1 + 0.01**2)) / math.sqrt(3)
    assert np.all(np.abs(values(w)) <= bound)


def test_kaiming_normal_stream(torch):
    torch.manual_seed(0)
    w = torch.nn.init.kaiming_normal_(torch.empty(2, 3), mode="fan_out", nonlinearity="relu")
    assert_close(
        w,
        [
            [1.5409960746765137, -0.293428897857666, -2.1787893772125244],
            [0.5684312582015991, -1.0845223665237427, -1.3985954523086548],
        ],
    )


def test_xavier_streams(torch):
    torch.manual_seed(0)
    w = torch.nn.init.xavier_uniform_(torch.empty(2, 3), gain=2.0)
    assert_close(
        w,
        [
            [-0.016402801498770714, 1.1752890348434448, -1.8032015562057495],
            [-1.6123616695404053, -0.843830943107605, 0.5875033736228943],
        ],
    )
    torch.manual_seed(0)
    w = torch.nn.init.xavier_normal_(torch.empty(2, 3))
    assert_close(
        w,
        [
            [0.9746115207672119, -0.18558073043823242, -1.3779873847961426],
            [0.3595075011253357, -0.6859121322631836, -0.8845493793487549],
        ],
    )


def test_uniform_normal_and_generator(torch):
    torch.manual_seed(0)
    assert_close(
        torch.nn.init.uniform_(torch.empty(3), -1, 1),
        [-0.007486820220947266, 0.5364435911178589, -0.8230451345443726],
    )
    assert_close(
        torch.nn.init.normal_(torch.empty(3), 2, 0.5),
        [2.182169198989868, 2.0671982765197754, 2.0821080207824707],
    )
    g = torch.Generator().manual_seed(3)
    assert_close(
        torch.nn.init.uniform_(torch.empty(3), generator=g),
        [0.004263520240783691, 0.10556936264038086, 0.2858424782752991],
    )


def test_trunc_normal_rejection_streams(torch):
    torch.manual_seed(0)
    w = torch.nn.init.trunc_normal_(torch.empty(2, 3))
    # normal draws, with the one outside [-2, 2] redrawn
    assert_close(
        w,
        [
            [1.5409960746765137, -0.293428897857666, -0.7192575931549072],
            [0.5684312582015991, -1.0845223665237427, -1.3985954523086548],
        ],
    )
    torch.manual_seed(0)
    w = torch.nn.init.trunc_normal_(torch.empty(4), mean=0.5, a=2.0, b=3.0)
    assert_close(w, [2.4962565898895264, 2.6323063373565674, 2.088477373123169, 2.0361647605895996])


def test_trunc_normal_stays_in_bounds(torch):
    torch.manual_seed(1)
    w = values(torch.nn.init.trunc_normal_(torch.empty(2000), std=0.02, a=-0.03, b=0.03))
    assert w.min() >= -0.03 and w.max() <= 0.03
    assert abs(w.mean()) < 2e-3


def test_orthogonal(torch):
    torch.manual_seed(0)
    w = torch.nn.init.orthogonal_(torch.empty(2, 3))
    assert_close(
        w,
        [
            [0.5739809274673462, -0.10929460823535919, -0.8115421533584595],
            [-0.3454151153564453, -0.9308826923370361, -0.11893554031848907],
        ],
        atol=1e-5,
    )
    q = values(torch.nn.init.orthogonal_(torch.empty(5, 3), gain=2.0))
    assert_close(q.T @ q, 4 * np.eye(3), atol=1e-5)
    with pytest.raises(ValueError, match="Only tensors with 2 or more dimensions are supported"):
        torch.nn.init.orthogonal_(torch.empty(3))


def test_sparse(torch):
    torch.manual_seed(0)
    w = torch.nn.init.sparse_(torch.empty(4, 2), 0.5)
    assert_close(
        w,
        [
            [0.0, -0.002934289164841175],
            [0.0, 0.0],
            [-0.010845223441720009, -0.013985954225063324],
            [0.004033468663692474, 0.0],
        ],
    )


def test_zero_element_warning(torch):
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        t = torch.nn.init.kaiming_uniform_(torch.empty(0, 3))
    assert tuple(t.shape) == (0, 3)
    assert any("Initializing zero-element tensors is a no-op" in str(x.message) for x in w)


def test_init_on_parameter_outside_no_grad(torch):
    # the initializers run under no_grad themselves: no leaf-in-place error
    p = torch.nn.Parameter(torch.empty(3, 4))
    torch.nn.init.xavier_uniform_(p)
    torch.nn.init.normal_(p)
    assert p.requires_grad and p.grad_fn is None


@pytest.mark.parametrize(
    "ctor,expected",
    [
        (
            "nn.Conv2d(1, 2, 2)",
            {
                "weight": [
                    [
                        [
                            [-0.003743410110473633, 0.26822179555892944],
                            [-0.4115225672721863, -0.3679695129394531],
                        ]
                    ],
                    [
                        [
                            [-0.19257718324661255, 0.13407868146896362],
                            [-0.009906589984893799, 0.39644473791122437],
                        ]
                    ],
                ],
                "bias": [-0.04437202215194702, 0.1323062777519226],
            },
        ),
        (
            "nn.Embedding(4, 2, padding_idx=1)",
            {
                "weight": [
                    [1.5409960746765137, -0.293428897857666],
                    [0.0, 0.0],
                    [-1.0845223665237427, -1.3985954523086548],
                    [0.40334683656692505, 0.8380263447761536],
                ]
            },
        ),
        (
            "nn.GRU(1, 1)",
            {
                "weight_ih_l0": [
                    [-0.007486820220947266],
                    [0.5364435911178589],
                    [-0.8230451345443726],
                ],
                "weight_hh_l0": [
                    [-0.7359390258789062],
                    [-0.3851543664932251],
                    [0.26815736293792725],
                ],
                "bias_ih_l0": [-0.019813179969787598, 0.7928894758224487, -0.08874404430389404],
                "bias_hh_l0": [0.2646125555038452, -0.30221307277679443, -0.1965653896331787],
            },
        ),
    ],
)
def test_default_layer_init_matches_pytorch(torch, ctor, expected):
    torch.manual_seed(0)
    m = eval(ctor, {"nn": torch.nn})
    for name, value in expected.items():
        assert_close(getattr(m, name), value)


def test_default_inits_follow_pytorch_recipes(torch):
    nn = torch.nn
    torch.manual_seed(0)
    lin = nn.Linear(50, 40)
    w = values(lin.weight)
    assert np.abs(w).max() <= 1 / math.sqrt(50) and np.abs(w).max() > 0.9 / math.sqrt(50)
    bn = nn.BatchNorm1d(3)
    assert_close(bn.weight, np.ones(3))
    assert_close(bn.bias, np.zeros(3))
    ln = nn.LayerNorm(4)
    assert_close(ln.weight, np.ones(4))
    mha = nn.MultiheadAttention(4, 2)
    assert_close(mha.in_proj_bias, np.zeros(12))
    assert_close(mha.out_proj.bias, np.zeros(4))
    rnn = nn.LSTM(3, 4)
    assert all(np.abs(values(p)).max() <= 0.5 for p in rnn.parameters())
