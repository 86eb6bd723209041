"""JAX's persistent compilation cache, switched on for torchlike at import.

A torchlike script compiles many small executables (one per op signature, one per backward
structure); in a fresh process they are most of a short script's wall time.  With the cache on
disk, the second run of the same script loads them instead of compiling them again.

Where: ``$XDG_CACHE_HOME/torchlike/jax``, else ``~/.cache/torchlike/jax``.  A directory the user
already gave JAX (``JAX_COMPILATION_CACHE_DIR`` or ``jax.config.update`` before the import) is
kept as it is.  ``TORCHLIKE_NO_DISK_CACHE=1`` leaves JAX's cache settings untouched.

JAX's defaults write only executables that took over a second to compile, which would skip
nearly all of torchlike's (a per-op executable compiles in 10-40 ms), so the time and size
thresholds are lowered to zero unless their ``JAX_PERSISTENT_CACHE_*`` variables are set.
Compile counting is unaffected: JAX reports a backend compile (and torchlike counts it) whether
the executable came from XLA or from the disk cache.

The directory is bounded (JAX's own size limit needs the ``filelock`` package): at import, at
most once an hour, torchlike's directory is pruned to ``TORCHLIKE_DISK_CACHE_MAX_BYTES``
(default 1 GiB) by deleting the least recently used entries.  A user-given directory is left
to the user.
"""

from __future__ import annotations

import os
import time

import jax

_THRESHOLDS = {
    # config name: the environment variable through which a user sets it
    "jax_persistent_cache_min_compile_time_secs": "JAX_PERSISTENT_CACHE_MIN_COMPILE_TIME_SECS",
    "jax_persistent_cache_min_entry_size_bytes": "JAX_PERSISTENT_CACHE_MIN_ENTRY_SIZE_BYTES",
}


def default_cache_dir() -> str:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "torchlike", "jax")


def enable_persistent_cache() -> str | None:
    """Point JAX's persistent compilation cache at torchlike's directory; return the directory
    in use, or None when the cache stays off (opted out, or no writable directory).

    Must run before the process's first compilation: JAX reads the settings once, then.
    """
    if os.environ.get("TORCHLIKE_NO_DISK_CACHE", "").strip() not in ("", "0"):
        return None
    path = jax.config.jax_compilation_cache_dir
    if not path:
        path = default_cache_dir()
        try:
            os.makedirs(path, exist_ok=True)
        except OSError:  # read-only home, sandbox: run uncached rather than warn per compile
            return None
        if not os.access(path, os.W_OK):
            return None
        jax.config.update("jax_compilation_cache_dir", path)
        prune(path)
    for name, env in _THRESHOLDS.items():
        if env not in os.environ:
            jax.config.update(name, 0)
    return path


DEFAULT_MAX_BYTES = 1 << 30
PRUNE_INTERVAL_S = 3600


def prune(path: str, max_bytes: int | None = None, force: bool = False) -> int:
    """Delete the least recently used cache files until ``path`` holds at most ``max_bytes``;
    return how many were deleted.  Without ``force``, runs at most once per PRUNE_INTERVAL_S."""
    if max_bytes is None:
        max_bytes = int(os.environ.get("TORCHLIKE_DISK_CACHE_MAX_BYTES", DEFAULT_MAX_BYTES))
    marker = os.path.join(path, ".torchlike-pruned")
    now = time.time()
    try:
        if not force and now - os.path.getmtime(marker) < PRUNE_INTERVAL_S:
            return 0
    except OSError:
        pass
    entries, total = [], 0
    with os.scandir(path) as it:
        for e in it:
            if e.is_file() and e.name != ".torchlike-pruned":
                st = e.stat()
                entries.append((max(st.st_atime, st.st_mtime), st.st_size, e.path))
                total += st.st_size
    removed = 0
    for _, size, file in sorted(entries):
        if total <= max_bytes:
            break
        try:
            os.remove(file)
        except OSError:  # another process removed or holds it
            continue
        total -= size
        removed += 1
    try:
        with open(marker, "w"):
            pass
    except OSError:
        pass
    return removed
