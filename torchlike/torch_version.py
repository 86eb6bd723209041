"""``torch.__version__``: a string that compares as a version (``torch.__version__ >= "2.0"``,
``>= (2, 0)``), as PyTorch's ``TorchVersion`` does, so version gates in user code take the path
written for the PyTorch release torchlike follows."""

from __future__ import annotations

import re

__all__ = ["TorchVersion"]

_PATTERN = re.compile(
    r"^\s*v?(\d+(?:\.\d+)*)"  # release
    r"(?:[-_.]?(a|b|rc|alpha|beta|c|pre|preview)[-_.]?(\d*))?"  # pre-release
    r"(?:(?:-|[-_.]?(?:post|rev|r))[-_.]?(\d*))?"  # post-release
    r"(?:[-_.]?dev[-_.]?(\d*))?"  # development release
    r"(?:\+([a-z0-9]+(?:[-_.][a-z0-9]+)*))?\s*$",  # local label
    re.IGNORECASE,
)
_PRE = {"a": "a", "alpha": "a", "b": "b", "beta": "b", "c": "rc", "rc": "rc", "pre": "rc"}
_PRE["preview"] = "rc"


class InvalidVersion(ValueError):
    """Raised for a string that is not a PEP 440 version (as ``packaging``'s)."""


def _key(text):
    """A sort key with PEP 440's order (dev < pre < final < post; local labels after)."""
    m = _PATTERN.match(str(text))
    if m is None:
        raise InvalidVersion(f"Invalid version: '{text}'")
    release_s, pre_l, pre_n, post_n, dev_n, local = m.groups()
    release = [int(p) for p in release_s.split(".")]
    while len(release) > 1 and release[-1] == 0:
        release.pop()
    inf = float("inf")
    pre = (0, _PRE[pre_l.lower()], int(pre_n or 0)) if pre_l else (1, "", 0)
    if pre_l is None and post_n is None and dev_n is not None:
        pre = (-1, "", 0)  # 1.0.dev0 sorts before 1.0a0
    post = -1 if post_n is None else int(post_n or 0)
    dev = inf if dev_n is None else int(dev_n or 0)
    parts = () if local is None else tuple(re.split(r"[-_.]", local.lower()))
    local_key = tuple((1, int(p), "") if p.isdigit() else (0, 0, p) for p in parts)
    return (tuple(release), pre, post, dev, local_key)


class TorchVersion(str):
    """A version string comparable with strings and tuples of ints."""

    def _other(self, other):
        if isinstance(other, tuple):
            other = ".".join(str(p) for p in other)
        elif not isinstance(other, str):
            raise InvalidVersion(f"{other!r} is not a valid version")
        return _key(other)

    def __gt__(self, other):
        return _key(self) > self._other(other)

    def __ge__(self, other):
        return _key(self) >= self._other(other)

    def __lt__(self, other):
        return _key(self) < self._other(other)

    def __le__(self, other):
        return _key(self) <= self._other(other)

    def __eq__(self, other):
        try:
            return _key(self) == self._other(other)
        except InvalidVersion:
            return str.__eq__(self, other)

    def __ne__(self, other):
        return not self.__eq__(other)

    __hash__ = str.__hash__
