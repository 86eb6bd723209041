"""``torch.jit.annotations``: the typing names TorchScript code imports from here."""

from typing import Any, Dict, List, Optional, Tuple  # noqa: F401,UP035 - the names TorchScript uses
