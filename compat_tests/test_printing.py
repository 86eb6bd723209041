"""Tensor printing: ``repr``/``str`` must match PyTorch character for character.

Every expected string below was produced by running real PyTorch 2.13.0 (CPU) on the same
expression; none is hand-written.  Print options are process-wide, so every test restores the
default profile afterwards, whatever happens.
"""

import pytest

# (print options, tensor builder, expected repr) — expected strings produced by torch 2.13.0.
# fmt: off
CASES = [
    pytest.param(
        {},
        lambda torch: torch.tensor([1.5, 2.25, -3.0]),
        "tensor([ 1.5000,  2.2500, -3.0000])",
        id="float_fixed",
    ),
    pytest.param(
        {},
        lambda torch: torch.tensor([1.0, 2.0, -3.0]),
        "tensor([ 1.,  2., -3.])",
        id="float_integral",
    ),
    pytest.param(
        {},
        lambda torch: torch.tensor([100000.0, -200.0]),
        "tensor([100000.,   -200.])",
        id="float_integral_wide",
    ),
    pytest.param(
        {},
        lambda torch: torch.tensor([0.1, 0.123456789, 2.00005]),
        "tensor([0.1000, 0.1235, 2.0001])",
        id="float_precision_rounding",
    ),
    pytest.param(
        {},
        lambda torch: torch.tensor([0.0, -0.0, 1.5]),
        "tensor([0.0000, -0.0000, 1.5000])",
        id="float_negative_zero",
    ),
    pytest.param(
        {},
        lambda torch: torch.tensor([-0.0, 2.0]),
        "tensor([-0., 2.])",
        id="float_negative_zero_integral",
    ),
    pytest.param(
        {},
        lambda torch: torch.zeros(4),
        "tensor([0., 0., 0., 0.])",
        id="float_all_zero",
    ),
    pytest.param(
        {},
        lambda torch: torch.tensor([1.0, float("nan"), float("inf"), -float("inf")]),
        "tensor([1., nan, inf, -inf])",
        id="float_nan_inf_integral",
    ),
    pytest.param(
        {},
        lambda torch: torch.tensor([1.5, float("nan"), -float("inf")]),
        "tensor([1.5000,    nan,   -inf])",
        id="float_nan_inf_fixed",
    ),
    pytest.param(
        {},
        lambda torch: torch.tensor([float("nan"), float("inf"), -float("inf")]),
        "tensor([nan, inf, -inf])",
        id="float_only_nonfinite",
    ),
    pytest.param(
        {},
        lambda torch: torch.tensor([1e-5, 1.0]),
        "tensor([1.0000e-05, 1.0000e+00])",
        id="float_sci_small",
    ),
    pytest.param(
        {},
        lambda torch: torch.tensor([1.5e8, 1.0]),
        "tensor([1.5000e+08, 1.0000e+00])",
        id="float_sci_large",
    ),
    pytest.param(
        {},
        lambda torch: torch.tensor([0.01, 10.5]),
        "tensor([1.0000e-02, 1.0500e+01])",
        id="float_sci_ratio",
    ),
    pytest.param(
        {},
        lambda torch: torch.tensor([0.1, 100.0]),
        "tensor([  0.1000, 100.0000])",
        id="float_ratio_1000_not_sci",
    ),
    pytest.param(
        {},
        lambda torch: torch.tensor([1.0, 2000.0]),
        "tensor([1.0000e+00, 2.0000e+03])",
        id="float_sci_integral",
    ),
    pytest.param(
        {},
        lambda torch: torch.tensor([1e-10, 1e10, -3.0]),
        "tensor([ 1.0000e-10,  1.0000e+10, -3.0000e+00])",
        id="float_sci_extremes",
    ),
    pytest.param(
        {},
        lambda torch: torch.tensor([1e-8, float("nan"), 0.0]),
        "tensor([1.0000e-08,        nan, 0.0000e+00])",
        id="float_sci_with_nan",
    ),
    pytest.param(
        {},
        lambda torch: torch.tensor([1e8, 2e7]),
        "tensor([100000000.,  20000000.])",
        id="float_1e8_boundary",
    ),
    pytest.param(
        {},
        lambda torch: torch.tensor([[1.0, 2.5], [-3.25, 4.0]]),
        (
            "tensor([[ 1.0000,  2.5000],\n"
            "        [-3.2500,  4.0000]])"
        ),
        id="float_2d",
    ),
    pytest.param(
        {},
        lambda torch: torch.arange(12.0).reshape(2, 3, 2),
        (
            "tensor([[[ 0.,  1.],\n"
            "         [ 2.,  3.],\n"
            "         [ 4.,  5.]],\n"
            "\n"
            "        [[ 6.,  7.],\n"
            "         [ 8.,  9.],\n"
            "         [10., 11.]]])"
        ),
        id="float_3d",
    ),
    pytest.param(
        {},
        lambda torch: torch.arange(16.0).reshape(2, 2, 2, 2) / 4,
        (
            "tensor([[[[0.0000, 0.2500],\n"
            "          [0.5000, 0.7500]],\n"
            "\n"
            "         [[1.0000, 1.2500],\n"
            "          [1.5000, 1.7500]]],\n"
            "\n"
            "\n"
            "        [[[2.0000, 2.2500],\n"
            "          [2.5000, 2.7500]],\n"
            "\n"
            "         [[3.0000, 3.2500],\n"
            "          [3.5000, 3.7500]]]])"
        ),
        id="float_4d",
    ),
    pytest.param(
        {},
        lambda torch: torch.arange(24.0).reshape(2, 12) / 3,
        (
            "tensor([[0.0000, 0.3333, 0.6667, 1.0000, 1.3333, 1.6667, 2.0000, 2.3333, 2.6667,\n"
            "         3.0000, 3.3333, 3.6667],\n"
            "        [4.0000, 4.3333, 4.6667, 5.0000, 5.3333, 5.6667, 6.0000, 6.3333, 6.6667,\n"
            "         7.0000, 7.3333, 7.6667]])"
        ),
        id="float_2d_wrapped_rows",
    ),
    pytest.param(
        {},
        lambda torch: torch.arange(30.0) * 1.5,
        (
            "tensor([ 0.0000,  1.5000,  3.0000,  4.5000,  6.0000,  7.5000,  9.0000, 10.5000,\n"
            "        12.0000, 13.5000, 15.0000, 16.5000, 18.0000, 19.5000, 21.0000, 22.5000,\n"
            "        24.0000, 25.5000, 27.0000, 28.5000, 30.0000, 31.5000, 33.0000, 34.5000,\n"
            "        36.0000, 37.5000, 39.0000, 40.5000, 42.0000, 43.5000])"
        ),
        id="float_wrapped_vector",
    ),
    pytest.param(
        {},
        lambda torch: torch.tensor([1.0, 2.5], dtype=torch.float64),
        "tensor([1.0000, 2.5000], dtype=torch.float64)",
        id="float64_suffix",
    ),
    pytest.param(
        {},
        lambda torch: torch.tensor([1.0 / 3.0, 2.0 / 3.0], dtype=torch.float64),
        "tensor([0.3333, 0.6667], dtype=torch.float64)",
        id="float64_precision",
    ),
    pytest.param(
        {},
        lambda torch: torch.tensor([0.1, 1000.0, -2.5], dtype=torch.float16),
        "tensor([ 9.9976e-02,  1.0000e+03, -2.5000e+00], dtype=torch.float16)",
        id="float16_suffix",
    ),
    pytest.param(
        {},
        lambda torch: torch.tensor([0.1, 3.0, -7.25], dtype=torch.bfloat16),
        "tensor([ 0.1001,  3.0000, -7.2500], dtype=torch.bfloat16)",
        id="bfloat16_suffix",
    ),
    pytest.param(
        {},
        lambda torch: torch.tensor([1.0, 2.0], dtype=torch.float16),
        "tensor([1., 2.], dtype=torch.float16)",
        id="float16_integral",
    ),
    pytest.param(
        {},
        lambda torch: torch.tensor([1, -20, 300]),
        "tensor([  1, -20, 300])",
        id="int64",
    ),
    pytest.param(
        {},
        lambda torch: torch.tensor([[1, 2], [30, -4]]),
        (
            "tensor([[ 1,  2],\n"
            "        [30, -4]])"
        ),
        id="int64_2d",
    ),
    pytest.param(
        {},
        lambda torch: torch.tensor([1, 2, 3], dtype=torch.int32),
        "tensor([1, 2, 3], dtype=torch.int32)",
        id="int32",
    ),
    pytest.param(
        {},
        lambda torch: torch.tensor([-5, 7], dtype=torch.int16),
        "tensor([-5,  7], dtype=torch.int16)",
        id="int16",
    ),
    pytest.param(
        {},
        lambda torch: torch.tensor([-128, 0, 127], dtype=torch.int8),
        "tensor([-128,    0,  127], dtype=torch.int8)",
        id="int8",
    ),
    pytest.param(
        {},
        lambda torch: torch.tensor([0, 7, 255], dtype=torch.uint8),
        "tensor([  0,   7, 255], dtype=torch.uint8)",
        id="uint8",
    ),
    pytest.param(
        {},
        lambda torch: torch.tensor([-9223372036854775808, 9223372036854775807]),
        "tensor([-9223372036854775808,  9223372036854775807])",
        id="int64_extremes",
    ),
    pytest.param(
        {},
        lambda torch: torch.tensor([True, False, True]),
        "tensor([ True, False,  True])",
        id="bool",
    ),
    pytest.param(
        {},
        lambda torch: torch.tensor([True, True]),
        "tensor([True, True])",
        id="bool_all_true",
    ),
    pytest.param(
        {},
        lambda torch: torch.tensor([[True, False], [False, True]]),
        (
            "tensor([[ True, False],\n"
            "        [False,  True]])"
        ),
        id="bool_2d",
    ),
    pytest.param(
        {},
        lambda torch: torch.arange(40) * 1000,
        (
            "tensor([    0,  1000,  2000,  3000,  4000,  5000,  6000,  7000,  8000,  9000,\n"
            "        10000, 11000, 12000, 13000, 14000, 15000, 16000, 17000, 18000, 19000,\n"
            "        20000, 21000, 22000, 23000, 24000, 25000, 26000, 27000, 28000, 29000,\n"
            "        30000, 31000, 32000, 33000, 34000, 35000, 36000, 37000, 38000, 39000])"
        ),
        id="int_wrapped",
    ),
    pytest.param(
        {},
        lambda torch: torch.tensor([1 + 2j, -3.5 - 0.5j], dtype=torch.complex64),
        "tensor([ 1.0000+2.0000j, -3.5000-0.5000j])",
        id="complex64",
    ),
    pytest.param(
        {},
        lambda torch: torch.tensor([1 + 2j, 3 - 4j], dtype=torch.complex64),
        "tensor([1.+2.j, 3.-4.j])",
        id="complex64_integral",
    ),
    pytest.param(
        {},
        lambda torch: torch.tensor([1 + 2j, 0.25 - 1j], dtype=torch.complex128),
        "tensor([1.0000+2.j, 0.2500-1.j], dtype=torch.complex128)",
        id="complex128",
    ),
    pytest.param(
        {},
        lambda torch: torch.tensor([1e-6 + 1j, 2 + 3e5j], dtype=torch.complex64),
        "tensor([1.0000e-06+1.0000e+00j, 2.0000e+00+3.0000e+05j])",
        id="complex_sci",
    ),
    pytest.param(
        {},
        lambda torch: torch.tensor([complex(1.0, -0.0), complex(2.0, 0.0)], dtype=torch.complex64),
        "tensor([1.-0.j, 2.+0.j])",
        id="complex_negative_zero_imag",
    ),
    pytest.param(
        {},
        lambda torch: torch.tensor([complex(float("nan"), 1.0), complex(1.0, float("inf"))], dtype=torch.complex64),
        "tensor([nan+1.j, 1.+infj])",
        id="complex_nonfinite",
    ),
    pytest.param(
        {},
        lambda torch: torch.tensor([[1 + 1j, 2 - 2j], [3.5 + 0j, -1j]], dtype=torch.complex64),
        (
            "tensor([[1.0000+1.j, 2.0000-2.j],\n"
            "        [3.5000+0.j, -0.0000-1.j]])"
        ),
        id="complex_2d",
    ),
    pytest.param(
        {},
        lambda torch: torch.tensor(3.14159),
        "tensor(3.1416)",
        id="scalar_float",
    ),
    pytest.param(
        {},
        lambda torch: torch.tensor(2.0),
        "tensor(2.)",
        id="scalar_float_integral",
    ),
    pytest.param(
        {},
        lambda torch: torch.tensor(0.0),
        "tensor(0.)",
        id="scalar_float_zero",
    ),
    pytest.param(
        {},
        lambda torch: torch.tensor(-0.0),
        "tensor(-0.)",
        id="scalar_float_negative_zero",
    ),
    pytest.param(
        {},
        lambda torch: torch.tensor(float("nan")),
        "tensor(nan)",
        id="scalar_float_nan",
    ),
    pytest.param(
        {},
        lambda torch: torch.tensor(-float("inf")),
        "tensor(-inf)",
        id="scalar_float_neg_inf",
    ),
    pytest.param(
        {},
        lambda torch: torch.tensor(1.5e-7),
        "tensor(1.5000e-07)",
        id="scalar_float_sci",
    ),
    pytest.param(
        {},
        lambda torch: torch.tensor(2.5, dtype=torch.float64),
        "tensor(2.5000, dtype=torch.float64)",
        id="scalar_float64",
    ),
    pytest.param(
        {},
        lambda torch: torch.tensor(2.5, dtype=torch.float16),
        "tensor(2.5000, dtype=torch.float16)",
        id="scalar_float16",
    ),
    pytest.param(
        {},
        lambda torch: torch.tensor(2.5, dtype=torch.bfloat16),
        "tensor(2.5000, dtype=torch.bfloat16)",
        id="scalar_bfloat16",
    ),
    pytest.param(
        {},
        lambda torch: torch.tensor(-7),
        "tensor(-7)",
        id="scalar_int64",
    ),
    pytest.param(
        {},
        lambda torch: torch.tensor(7, dtype=torch.int32),
        "tensor(7, dtype=torch.int32)",
        id="scalar_int32",
    ),
    pytest.param(
        {},
        lambda torch: torch.tensor(7, dtype=torch.uint8),
        "tensor(7, dtype=torch.uint8)",
        id="scalar_uint8",
    ),
    pytest.param(
        {},
        lambda torch: torch.tensor(True),
        "tensor(True)",
        id="scalar_bool",
    ),
    pytest.param(
        {},
        lambda torch: torch.tensor(1.5 - 2j, dtype=torch.complex64),
        "tensor(1.5000-2.j)",
        id="scalar_complex64",
    ),
    pytest.param(
        {},
        lambda torch: torch.tensor([]),
        "tensor([])",
        id="empty_float",
    ),
    pytest.param(
        {},
        lambda torch: torch.zeros(0, 3),
        "tensor([], size=(0, 3))",
        id="empty_float_2d",
    ),
    pytest.param(
        {},
        lambda torch: torch.zeros(3, 0),
        "tensor([], size=(3, 0))",
        id="empty_float_trailing_zero",
    ),
    pytest.param(
        {},
        lambda torch: torch.zeros(2, 0, 4, dtype=torch.int32),
        "tensor([], size=(2, 0, 4), dtype=torch.int32)",
        id="empty_3d_int32",
    ),
    pytest.param(
        {},
        lambda torch: torch.tensor([], dtype=torch.int64),
        "tensor([], dtype=torch.int64)",
        id="empty_int64",
    ),
    pytest.param(
        {},
        lambda torch: torch.zeros(0, dtype=torch.bool),
        "tensor([], dtype=torch.bool)",
        id="empty_bool",
    ),
    pytest.param(
        {},
        lambda torch: torch.zeros(0, dtype=torch.float64),
        "tensor([], dtype=torch.float64)",
        id="empty_float64",
    ),
    pytest.param(
        {},
        lambda torch: torch.zeros(0, dtype=torch.complex64),
        "tensor([], dtype=torch.complex64)",
        id="empty_complex64",
    ),
    pytest.param(
        {},
        lambda torch: torch.arange(2000),
        "tensor([   0,    1,    2,  ..., 1997, 1998, 1999])",
        id="summarized_int",
    ),
    pytest.param(
        {},
        lambda torch: torch.arange(2000.0),
        (
            "tensor([0.0000e+00, 1.0000e+00, 2.0000e+00,  ..., 1.9970e+03, 1.9980e+03,\n"
            "        1.9990e+03])"
        ),
        id="summarized_float",
    ),
    pytest.param(
        {},
        lambda torch: torch.arange(2000.0) / 3,
        (
            "tensor([0.0000e+00, 3.3333e-01, 6.6667e-01,  ..., 6.6567e+02, 6.6600e+02,\n"
            "        6.6633e+02])"
        ),
        id="summarized_float_fraction",
    ),
    pytest.param(
        {},
        lambda torch: torch.arange(3000.0).reshape(30, 100),
        (
            "tensor([[0.0000e+00, 1.0000e+00, 2.0000e+00,  ..., 9.7000e+01, 9.8000e+01,\n"
            "         9.9000e+01],\n"
            "        [1.0000e+02, 1.0100e+02, 1.0200e+02,  ..., 1.9700e+02, 1.9800e+02,\n"
            "         1.9900e+02],\n"
            "        [2.0000e+02, 2.0100e+02, 2.0200e+02,  ..., 2.9700e+02, 2.9800e+02,\n"
            "         2.9900e+02],\n"
            "        ...,\n"
            "        [2.7000e+03, 2.7010e+03, 2.7020e+03,  ..., 2.7970e+03, 2.7980e+03,\n"
            "         2.7990e+03],\n"
            "        [2.8000e+03, 2.8010e+03, 2.8020e+03,  ..., 2.8970e+03, 2.8980e+03,\n"
            "         2.8990e+03],\n"
            "        [2.9000e+03, 2.9010e+03, 2.9020e+03,  ..., 2.9970e+03, 2.9980e+03,\n"
            "         2.9990e+03]])"
        ),
        id="summarized_2d",
    ),
    pytest.param(
        {},
        lambda torch: torch.arange(2000).reshape(1000, 2),
        (
            "tensor([[   0,    1],\n"
            "        [   2,    3],\n"
            "        [   4,    5],\n"
            "        ...,\n"
            "        [1994, 1995],\n"
            "        [1996, 1997],\n"
            "        [1998, 1999]])"
        ),
        id="summarized_2d_short_rows",
    ),
    pytest.param(
        {},
        lambda torch: torch.arange(2400.0).reshape(10, 12, 20),
        (
            "tensor([[[0.0000e+00, 1.0000e+00, 2.0000e+00,  ..., 1.7000e+01,\n"
            "          1.8000e+01, 1.9000e+01],\n"
            "         [2.0000e+01, 2.1000e+01, 2.2000e+01,  ..., 3.7000e+01,\n"
            "          3.8000e+01, 3.9000e+01],\n"
            "         [4.0000e+01, 4.1000e+01, 4.2000e+01,  ..., 5.7000e+01,\n"
            "          5.8000e+01, 5.9000e+01],\n"
            "         ...,\n"
            "         [1.8000e+02, 1.8100e+02, 1.8200e+02,  ..., 1.9700e+02,\n"
            "          1.9800e+02, 1.9900e+02],\n"
            "         [2.0000e+02, 2.0100e+02, 2.0200e+02,  ..., 2.1700e+02,\n"
            "          2.1800e+02, 2.1900e+02],\n"
            "         [2.2000e+02, 2.2100e+02, 2.2200e+02,  ..., 2.3700e+02,\n"
            "          2.3800e+02, 2.3900e+02]],\n"
            "\n"
            "        [[2.4000e+02, 2.4100e+02, 2.4200e+02,  ..., 2.5700e+02,\n"
            "          2.5800e+02, 2.5900e+02],\n"
            "         [2.6000e+02, 2.6100e+02, 2.6200e+02,  ..., 2.7700e+02,\n"
            "          2.7800e+02, 2.7900e+02],\n"
            "         [2.8000e+02, 2.8100e+02, 2.8200e+02,  ..., 2.9700e+02,\n"
            "          2.9800e+02, 2.9900e+02],\n"
            "         ...,\n"
            "         [4.2000e+02, 4.2100e+02, 4.2200e+02,  ..., 4.3700e+02,\n"
            "          4.3800e+02, 4.3900e+02],\n"
            "         [4.4000e+02, 4.4100e+02, 4.4200e+02,  ..., 4.5700e+02,\n"
            "          4.5800e+02, 4.5900e+02],\n"
            "         [4.6000e+02, 4.6100e+02, 4.6200e+02,  ..., 4.7700e+02,\n"
            "          4.7800e+02, 4.7900e+02]],\n"
            "\n"
            "        [[4.8000e+02, 4.8100e+02, 4.8200e+02,  ..., 4.9700e+02,\n"
            "          4.9800e+02, 4.9900e+02],\n"
            "         [5.0000e+02, 5.0100e+02, 5.0200e+02,  ..., 5.1700e+02,\n"
            "          5.1800e+02, 5.1900e+02],\n"
            "         [5.2000e+02, 5.2100e+02, 5.2200e+02,  ..., 5.3700e+02,\n"
            "          5.3800e+02, 5.3900e+02],\n"
            "         ...,\n"
            "         [6.6000e+02, 6.6100e+02, 6.6200e+02,  ..., 6.7700e+02,\n"
            "          6.7800e+02, 6.7900e+02],\n"
            "         [6.8000e+02, 6.8100e+02, 6.8200e+02,  ..., 6.9700e+02,\n"
            "          6.9800e+02, 6.9900e+02],\n"
            "         [7.0000e+02, 7.0100e+02, 7.0200e+02,  ..., 7.1700e+02,\n"
            "          7.1800e+02, 7.1900e+02]],\n"
            "\n"
            "        ...,\n"
            "\n"
            "        [[1.6800e+03, 1.6810e+03, 1.6820e+03,  ..., 1.6970e+03,\n"
            "          1.6980e+03, 1.6990e+03],\n"
            "         [1.7000e+03, 1.7010e+03, 1.7020e+03,  ..., 1.7170e+03,\n"
            "          1.7180e+03, 1.7190e+03],\n"
            "         [1.7200e+03, 1.7210e+03, 1.7220e+03,  ..., 1.7370e+03,\n"
            "          1.7380e+03, 1.7390e+03],\n"
            "         ...,\n"
            "         [1.8600e+03, 1.8610e+03, 1.8620e+03,  ..., 1.8770e+03,\n"
            "          1.8780e+03, 1.8790e+03],\n"
            "         [1.8800e+03, 1.8810e+03, 1.8820e+03,  ..., 1.8970e+03,\n"
            "          1.8980e+03, 1.8990e+03],\n"
            "         [1.9000e+03, 1.9010e+03, 1.9020e+03,  ..., 1.9170e+03,\n"
            "          1.9180e+03, 1.9190e+03]],\n"
            "\n"
            "        [[1.9200e+03, 1.9210e+03, 1.9220e+03,  ..., 1.9370e+03,\n"
            "          1.9380e+03, 1.9390e+03],\n"
            "         [1.9400e+03, 1.9410e+03, 1.9420e+03,  ..., 1.9570e+03,\n"
            "          1.9580e+03, 1.9590e+03],\n"
            "         [1.9600e+03, 1.9610e+03, 1.9620e+03,  ..., 1.9770e+03,\n"
            "          1.9780e+03, 1.9790e+03],\n"
            "         ...,\n"
            "         [2.1000e+03, 2.1010e+03, 2.1020e+03,  ..., 2.1170e+03,\n"
            "          2.1180e+03, 2.1190e+03],\n"
            "         [2.1200e+03, 2.1210e+03, 2.1220e+03,  ..., 2.1370e+03,\n"
            "          2.1380e+03, 2.1390e+03],\n"
            "         [2.1400e+03, 2.1410e+03, 2.1420e+03,  ..., 2.1570e+03,\n"
            "          2.1580e+03, 2.1590e+03]],\n"
            "\n"
            "        [[2.1600e+03, 2.1610e+03, 2.1620e+03,  ..., 2.1770e+03,\n"
            "          2.1780e+03, 2.1790e+03],\n"
            "         [2.1800e+03, 2.1810e+03, 2.1820e+03,  ..., 2.1970e+03,\n"
            "          2.1980e+03, 2.1990e+03],\n"
            "         [2.2000e+03, 2.2010e+03, 2.2020e+03,  ..., 2.2170e+03,\n"
            "          2.2180e+03, 2.2190e+03],\n"
            "         ...,\n"
            "         [2.3400e+03, 2.3410e+03, 2.3420e+03,  ..., 2.3570e+03,\n"
            "          2.3580e+03, 2.3590e+03],\n"
            "         [2.3600e+03, 2.3610e+03, 2.3620e+03,  ..., 2.3770e+03,\n"
            "          2.3780e+03, 2.3790e+03],\n"
            "         [2.3800e+03, 2.3810e+03, 2.3820e+03,  ..., 2.3970e+03,\n"
            "          2.3980e+03, 2.3990e+03]]])"
        ),
        id="summarized_3d",
    ),
    pytest.param(
        {},
        lambda torch: torch.arange(1600).reshape(2, 10, 10, 8),
        (
            "tensor([[[[   0,    1,    2,  ...,    5,    6,    7],\n"
            "          [   8,    9,   10,  ...,   13,   14,   15],\n"
            "          [  16,   17,   18,  ...,   21,   22,   23],\n"
            "          ...,\n"
            "          [  56,   57,   58,  ...,   61,   62,   63],\n"
            "          [  64,   65,   66,  ...,   69,   70,   71],\n"
            "          [  72,   73,   74,  ...,   77,   78,   79]],\n"
            "\n"
            "         [[  80,   81,   82,  ...,   85,   86,   87],\n"
            "          [  88,   89,   90,  ...,   93,   94,   95],\n"
            "          [  96,   97,   98,  ...,  101,  102,  103],\n"
            "          ...,\n"
            "          [ 136,  137,  138,  ...,  141,  142,  143],\n"
            "          [ 144,  145,  146,  ...,  149,  150,  151],\n"
            "          [ 152,  153,  154,  ...,  157,  158,  159]],\n"
            "\n"
            "         [[ 160,  161,  162,  ...,  165,  166,  167],\n"
            "          [ 168,  169,  170,  ...,  173,  174,  175],\n"
            "          [ 176,  177,  178,  ...,  181,  182,  183],\n"
            "          ...,\n"
            "          [ 216,  217,  218,  ...,  221,  222,  223],\n"
            "          [ 224,  225,  226,  ...,  229,  230,  231],\n"
            "          [ 232,  233,  234,  ...,  237,  238,  239]],\n"
            "\n"
            "         ...,\n"
            "\n"
            "         [[ 560,  561,  562,  ...,  565,  566,  567],\n"
            "          [ 568,  569,  570,  ...,  573,  574,  575],\n"
            "          [ 576,  577,  578,  ...,  581,  582,  583],\n"
            "          ...,\n"
            "          [ 616,  617,  618,  ...,  621,  622,  623],\n"
            "          [ 624,  625,  626,  ...,  629,  630,  631],\n"
            "          [ 632,  633,  634,  ...,  637,  638,  639]],\n"
            "\n"
            "         [[ 640,  641,  642,  ...,  645,  646,  647],\n"
            "          [ 648,  649,  650,  ...,  653,  654,  655],\n"
            "          [ 656,  657,  658,  ...,  661,  662,  663],\n"
            "          ...,\n"
            "          [ 696,  697,  698,  ...,  701,  702,  703],\n"
            "          [ 704,  705,  706,  ...,  709,  710,  711],\n"
            "          [ 712,  713,  714,  ...,  717,  718,  719]],\n"
            "\n"
            "         [[ 720,  721,  722,  ...,  725,  726,  727],\n"
            "          [ 728,  729,  730,  ...,  733,  734,  735],\n"
            "          [ 736,  737,  738,  ...,  741,  742,  743],\n"
            "          ...,\n"
            "          [ 776,  777,  778,  ...,  781,  782,  783],\n"
            "          [ 784,  785,  786,  ...,  789,  790,  791],\n"
            "          [ 792,  793,  794,  ...,  797,  798,  799]]],\n"
            "\n"
            "\n"
            "        [[[ 800,  801,  802,  ...,  805,  806,  807],\n"
            "          [ 808,  809,  810,  ...,  813,  814,  815],\n"
            "          [ 816,  817,  818,  ...,  821,  822,  823],\n"
            "          ...,\n"
            "          [ 856,  857,  858,  ...,  861,  862,  863],\n"
            "          [ 864,  865,  866,  ...,  869,  870,  871],\n"
            "          [ 872,  873,  874,  ...,  877,  878,  879]],\n"
            "\n"
            "         [[ 880,  881,  882,  ...,  885,  886,  887],\n"
            "          [ 888,  889,  890,  ...,  893,  894,  895],\n"
            "          [ 896,  897,  898,  ...,  901,  902,  903],\n"
            "          ...,\n"
            "          [ 936,  937,  938,  ...,  941,  942,  943],\n"
            "          [ 944,  945,  946,  ...,  949,  950,  951],\n"
            "          [ 952,  953,  954,  ...,  957,  958,  959]],\n"
            "\n"
            "         [[ 960,  961,  962,  ...,  965,  966,  967],\n"
            "          [ 968,  969,  970,  ...,  973,  974,  975],\n"
            "          [ 976,  977,  978,  ...,  981,  982,  983],\n"
            "          ...,\n"
            "          [1016, 1017, 1018,  ..., 1021, 1022, 1023],\n"
            "          [1024, 1025, 1026,  ..., 1029, 1030, 1031],\n"
            "          [1032, 1033, 1034,  ..., 1037, 1038, 1039]],\n"
            "\n"
            "         ...,\n"
            "\n"
            "         [[1360, 1361, 1362,  ..., 1365, 1366, 1367],\n"
            "          [1368, 1369, 1370,  ..., 1373, 1374, 1375],\n"
            "          [1376, 1377, 1378,  ..., 1381, 1382, 1383],\n"
            "          ...,\n"
            "          [1416, 1417, 1418,  ..., 1421, 1422, 1423],\n"
            "          [1424, 1425, 1426,  ..., 1429, 1430, 1431],\n"
            "          [1432, 1433, 1434,  ..., 1437, 1438, 1439]],\n"
            "\n"
            "         [[1440, 1441, 1442,  ..., 1445, 1446, 1447],\n"
            "          [1448, 1449, 1450,  ..., 1453, 1454, 1455],\n"
            "          [1456, 1457, 1458,  ..., 1461, 1462, 1463],\n"
            "          ...,\n"
            "          [1496, 1497, 1498,  ..., 1501, 1502, 1503],\n"
            "          [1504, 1505, 1506,  ..., 1509, 1510, 1511],\n"
            "          [1512, 1513, 1514,  ..., 1517, 1518, 1519]],\n"
            "\n"
            "         [[1520, 1521, 1522,  ..., 1525, 1526, 1527],\n"
            "          [1528, 1529, 1530,  ..., 1533, 1534, 1535],\n"
            "          [1536, 1537, 1538,  ..., 1541, 1542, 1543],\n"
            "          ...,\n"
            "          [1576, 1577, 1578,  ..., 1581, 1582, 1583],\n"
            "          [1584, 1585, 1586,  ..., 1589, 1590, 1591],\n"
            "          [1592, 1593, 1594,  ..., 1597, 1598, 1599]]]])"
        ),
        id="summarized_4d",
    ),
    pytest.param(
        {},
        lambda torch: torch.cat([torch.tensor([1.5]), torch.zeros(2000), torch.tensor([2.0])]),
        "tensor([1.5000, 0.0000, 0.0000,  ..., 0.0000, 0.0000, 2.0000])",
        id="summarized_width_from_edges_only",
    ),
    pytest.param(
        {"precision": 2},
        lambda torch: torch.tensor([1.12345, -2.5]),
        "tensor([ 1.12, -2.50])",
        id="opt_precision_2",
    ),
    pytest.param(
        {"precision": 0},
        lambda torch: torch.tensor([1.5, 2.25, 1e-5]),
        "tensor([2e+00, 2e+00, 1e-05])",
        id="opt_precision_0",
    ),
    pytest.param(
        {"precision": 8},
        lambda torch: torch.tensor([1.0 / 3.0]),
        "tensor([0.33333334])",
        id="opt_precision_8",
    ),
    pytest.param(
        {"threshold": 5},
        lambda torch: torch.arange(10),
        "tensor([0, 1, 2,  ..., 7, 8, 9])",
        id="opt_threshold_5",
    ),
    pytest.param(
        {"threshold": 5},
        lambda torch: torch.arange(49.0).reshape(7, 7),
        (
            "tensor([[ 0.,  1.,  2.,  ...,  4.,  5.,  6.],\n"
            "        [ 7.,  8.,  9.,  ..., 11., 12., 13.],\n"
            "        [14., 15., 16.,  ..., 18., 19., 20.],\n"
            "        ...,\n"
            "        [28., 29., 30.,  ..., 32., 33., 34.],\n"
            "        [35., 36., 37.,  ..., 39., 40., 41.],\n"
            "        [42., 43., 44.,  ..., 46., 47., 48.]])"
        ),
        id="opt_threshold_5_2d",
    ),
    pytest.param(
        {"threshold": 5, "edgeitems": 1},
        lambda torch: torch.arange(24.0).reshape(2, 3, 4),
        (
            "tensor([[[ 0.,  ...,  3.],\n"
            "         ...,\n"
            "         [ 8.,  ..., 11.]],\n"
            "\n"
            "        [[12.,  ..., 15.],\n"
            "         ...,\n"
            "         [20.,  ..., 23.]]])"
        ),
        id="opt_edgeitems_1",
    ),
    pytest.param(
        {"threshold": 5, "edgeitems": 0},
        lambda torch: torch.arange(10),
        "tensor([...], size=(10,))",
        id="opt_edgeitems_0",
    ),
    pytest.param(
        {"threshold": 5, "edgeitems": 0},
        lambda torch: torch.arange(12.0).reshape(3, 4),
        "tensor([...], size=(3, 4))",
        id="opt_edgeitems_0_2d",
    ),
    pytest.param(
        {"linewidth": 30},
        lambda torch: torch.arange(12.0) / 7,
        (
            "tensor([0.0000, 0.1429,\n"
            "        0.2857, 0.4286,\n"
            "        0.5714, 0.7143,\n"
            "        0.8571, 1.0000,\n"
            "        1.1429, 1.2857,\n"
            "        1.4286, 1.5714])"
        ),
        id="opt_linewidth_30",
    ),
    pytest.param(
        {"linewidth": 30},
        lambda torch: torch.arange(16).reshape(2, 8),
        (
            "tensor([[ 0,  1,  2,  3,  4,\n"
            "          5,  6,  7],\n"
            "        [ 8,  9, 10, 11, 12,\n"
            "         13, 14, 15]])"
        ),
        id="opt_linewidth_30_2d",
    ),
    pytest.param(
        {"sci_mode": True},
        lambda torch: torch.tensor([1.0, 2.5]),
        "tensor([1.0000e+00, 2.5000e+00])",
        id="opt_sci_mode_true",
    ),
    pytest.param(
        {"sci_mode": False},
        lambda torch: torch.tensor([1e-8, 1e9]),
        "tensor([         0.0000, 1000000000.0000])",
        id="opt_sci_mode_false",
    ),
    pytest.param(
        {"profile": "short"},
        lambda torch: torch.arange(10.0) / 3,
        "tensor([0.00, 0.33, 0.67, 1.00, 1.33, 1.67, 2.00, 2.33, 2.67, 3.00])",
        id="opt_profile_short",
    ),
    pytest.param(
        {"profile": "short"},
        lambda torch: torch.arange(2000),
        "tensor([   0,    1,  ..., 1998, 1999])",
        id="opt_profile_short_summarized",
    ),
    pytest.param(
        {"profile": "full"},
        lambda torch: torch.arange(1200).reshape(100, 12)[:3],
        (
            "tensor([[ 0,  1,  2,  3,  4,  5,  6,  7,  8,  9, 10, 11],\n"
            "        [12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23],\n"
            "        [24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35]])"
        ),
        id="opt_profile_full",
    ),
    pytest.param(
        {},
        lambda torch: torch.tensor([1.0, 2.0]).requires_grad_(),
        "tensor([1., 2.], requires_grad=True)",
        id="requires_grad",
    ),
    pytest.param(
        {},
        lambda torch: torch.tensor(1.5).requires_grad_(),
        "tensor(1.5000, requires_grad=True)",
        id="requires_grad_scalar",
    ),
    pytest.param(
        {},
        lambda torch: torch.tensor([1.0, 2.0], dtype=torch.float64).requires_grad_(),
        "tensor([1., 2.], dtype=torch.float64, requires_grad=True)",
        id="requires_grad_float64",
    ),
    pytest.param(
        {},
        lambda torch: torch.tensor([1.0, 2.0]).requires_grad_() * 2,
        "tensor([2., 4.], grad_fn=<MulBackward0>)",
        id="grad_fn_mul",
    ),
    pytest.param(
        {},
        lambda torch: torch.tensor([1.0, 2.0]).requires_grad_().sum(),
        "tensor(3., grad_fn=<SumBackward0>)",
        id="grad_fn_sum",
    ),
    pytest.param(
        {},
        lambda torch: torch.tensor([1.0, 2.0], dtype=torch.float64).requires_grad_() * 2,
        "tensor([2., 4.], dtype=torch.float64, grad_fn=<MulBackward0>)",
        id="grad_fn_float64",
    ),
    pytest.param(
        {},
        lambda torch: torch.arange(8.0).requires_grad_() / 3,
        (
            "tensor([0.0000, 0.3333, 0.6667, 1.0000, 1.3333, 1.6667, 2.0000, 2.3333],\n"
            "       grad_fn=<DivBackward0>)"
        ),
        id="suffix_wraps_to_new_line",
    ),
    pytest.param(
        {},
        lambda torch: torch.arange(11, dtype=torch.int32) * 100000,
        (
            "tensor([      0,  100000,  200000,  300000,  400000,  500000,  600000,  700000,\n"
            "         800000,  900000, 1000000], dtype=torch.int32)"
        ),
        id="dtype_suffix_after_wrapped_rows",
    ),
    pytest.param(
        {},
        lambda torch: torch.arange(8.0, dtype=torch.float64) * 1.5,
        (
            "tensor([ 0.0000,  1.5000,  3.0000,  4.5000,  6.0000,  7.5000,  9.0000, 10.5000],\n"
            "       dtype=torch.float64)"
        ),
        id="dtype_suffix_wraps",
    ),
    pytest.param(
        {},
        lambda torch: torch.arange(16.0).reshape(2, 8).requires_grad_() / 3,
        (
            "tensor([[0.0000, 0.3333, 0.6667, 1.0000, 1.3333, 1.6667, 2.0000, 2.3333],\n"
            "        [2.6667, 3.0000, 3.3333, 3.6667, 4.0000, 4.3333, 4.6667, 5.0000]],\n"
            "       grad_fn=<DivBackward0>)"
        ),
        id="grad_fn_wraps_after_2d",
    ),
    pytest.param(
        {},
        lambda torch: torch.arange(9.0, dtype=torch.float64).requires_grad_() * 1.5,
        (
            "tensor([ 0.0000,  1.5000,  3.0000,  4.5000,  6.0000,  7.5000,  9.0000, 10.5000,\n"
            "        12.0000], dtype=torch.float64, grad_fn=<MulBackward0>)"
        ),
        id="two_suffixes_wrap",
    ),
    pytest.param(
        {},
        lambda torch: torch.arange(6.0, dtype=torch.float64).reshape(2, 3),
        (
            "tensor([[0., 1., 2.],\n"
            "        [3., 4., 5.]], dtype=torch.float64)"
        ),
        id="suffix_after_2d",
    ),
    pytest.param(
        {"threshold": 5, "edgeitems": 0},
        lambda torch: torch.arange(10, dtype=torch.int16),
        "tensor([...], size=(10,), dtype=torch.int16)",
        id="edgeitems_0_size_and_dtype",
    ),
]
# fmt: on


@pytest.fixture(autouse=True)
def default_printoptions(torch):
    # torch has no public get_printoptions(); the default profile plus the implicit
    # sci_mode=None reset of every set_printoptions() call restores everything.
    torch.set_printoptions(profile="default")
    yield
    torch.set_printoptions(profile="default")


@pytest.mark.parametrize("options,build,expected", CASES)
def test_repr_matches_pytorch(torch, options, build, expected):
    torch.set_printoptions(**options)
    t = build(torch)
    assert repr(t) == expected
    assert str(t) == expected


def test_print_writes_the_repr(torch, capsys):
    print(torch.tensor([[1.0, 2.5], [3.0, 4.0]]))
    # Produced by torch 2.13.0.
    assert capsys.readouterr().out == "tensor([[1.0000, 2.5000],\n        [3.0000, 4.0000]])\n"


def test_every_set_printoptions_call_resets_sci_mode(torch):
    torch.set_printoptions(sci_mode=True)
    assert repr(torch.tensor([1.0, 2.5])) == "tensor([1.0000e+00, 2.5000e+00])"
    # sci_mode is not passed, so it goes back to automatic; precision changes.
    torch.set_printoptions(precision=3)
    assert repr(torch.tensor([1.0, 2.5])) == "tensor([1.000, 2.500])"


def test_printoptions_accumulate_across_calls(torch):
    torch.set_printoptions(precision=2)
    torch.set_printoptions(threshold=5)
    # Produced by torch 2.13.0.
    assert repr(torch.arange(10.0) / 3) == "tensor([0.00, 0.33, 0.67,  ..., 2.33, 2.67, 3.00])"


def test_full_profile_never_summarizes(torch):
    torch.set_printoptions(profile="full")
    text = repr(torch.arange(1001))
    # Produced by torch 2.13.0: all 1001 elements, no ellipsis.
    assert "..." not in text
    assert text.count(",") == 1000
    assert len(text) == 6678
    assert text.startswith("tensor([   0,    1,    2,    3,    4,    5,    6,    7,")
    assert text.endswith("  996,  997,  998,  999, 1000])")


def test_dtype_suffix_follows_default_dtype(torch):
    torch.set_default_dtype(torch.float64)
    try:
        # Produced by torch 2.13.0 with the default dtype set to float64.
        assert repr(torch.tensor([1.0, 2.5])) == "tensor([1.0000, 2.5000])"
        assert (
            repr(torch.tensor([1.0, 2.5], dtype=torch.float32))
            == "tensor([1.0000, 2.5000], dtype=torch.float32)"
        )
        assert repr(torch.tensor([1 + 2j])) == "tensor([1.+2.j])"
        assert (
            repr(torch.tensor([1 + 2j], dtype=torch.complex64))
            == "tensor([1.+2.j], dtype=torch.complex64)"
        )
        assert repr(torch.zeros(0)) == "tensor([])"
        assert repr(torch.zeros(0, dtype=torch.float32)) == "tensor([], dtype=torch.float32)"
        assert repr(torch.tensor(1.0 / 3.0)) == "tensor(0.3333)"
    finally:
        torch.set_default_dtype(torch.float32)


def test_class_reprs_are_pytorchs(torch):
    x = torch.ones(2)
    assert repr(type(x)) == "<class 'torch.Tensor'>" == str(torch.Tensor)
    assert repr(type(torch.nn.Parameter(x))) == "<class 'torch.nn.parameter.Parameter'>"
    assert repr(type(x.shape)) == "<class 'torch.Size'>"
    assert repr(type(x.dtype)) == "<class 'torch.dtype'>"
    assert repr(type(x.device)) == "<class 'torch.device'>"

    class Mine(torch.Tensor):
        pass

    assert repr(Mine).endswith(".Mine'>") and "torch.Tensor" not in repr(Mine)
