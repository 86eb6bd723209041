"""``torch.hub``: the hub cache directory, downloads, checkpoints by URL, and ``hub.load`` of a
local directory's ``hubconf.py``.

Downloads use the standard library's ``urllib`` (so ``file://`` URLs work too) and land in a
temporary ``.partial`` file that replaces the destination only once complete and verified.
A GitHub repository (``source='github'``, ``hub.list``, ``hub.help``) is cached as
``<hub_dir>/<owner>_<name>_<ref>`` after the trust check (``<hub_dir>/trusted_list``); a cached
one is used without touching the network, as in PyTorch.
"""

from __future__ import annotations

import errno
import hashlib
import importlib.util
import json
import os
import re
import shutil
import sys
import tempfile
import uuid
import warnings
import zipfile
from pathlib import Path
from urllib.error import HTTPError, URLError
from urllib.parse import urlparse
from urllib.request import Request, urlopen

from torchlike._missing import module_getattr as _module_getattr

from .serialization import load as _load

__all__ = [
    "download_url_to_file",
    "get_dir",
    "help",
    "list",
    "load",
    "load_state_dict_from_url",
    "set_dir",
]

# a checkpoint named like resnet18-bfd8deac.pth carries a SHA-256 prefix of its contents
HASH_REGEX = re.compile(r"-([a-f0-9]*)\.")
ENV_GITHUB_TOKEN = "GITHUB_TOKEN"
ENV_TORCH_HOME = "TORCH_HOME"
ENV_XDG_CACHE_HOME = "XDG_CACHE_HOME"
DEFAULT_CACHE_DIR = "~/.cache"
VAR_DEPENDENCY = "dependencies"
MODULE_HUBCONF = "hubconf.py"
READ_DATA_CHUNK = 128 * 1024
_hub_dir: str | None = None

# repositories of these owners load without asking
_TRUSTED_REPO_OWNERS = ("facebookresearch", "facebookincubator", "pytorch", "fairinternal")


def _get_torch_home() -> str:
    cache = os.getenv(ENV_XDG_CACHE_HOME, DEFAULT_CACHE_DIR)
    return os.path.expanduser(os.getenv(ENV_TORCH_HOME, os.path.join(cache, "torch")))


def get_dir() -> str:
    """The hub cache directory: the one given to ``set_dir``, else ``$TORCH_HOME/hub`` (with
    ``$TORCH_HOME`` defaulting to ``$XDG_CACHE_HOME/torch``, ``~/.cache/torch``)."""
    if os.getenv("TORCH_HUB"):
        warnings.warn("TORCH_HUB is deprecated, please use env TORCH_HOME instead", stacklevel=2)
    if _hub_dir is not None:
        return _hub_dir
    return os.path.join(_get_torch_home(), "hub")


def set_dir(d: str | os.PathLike) -> None:
    """Use ``d`` as the hub cache directory from now on."""
    global _hub_dir
    _hub_dir = os.path.expanduser(d)


class _Progress:
    """The percentage (or byte count, without a Content-Length) on stderr, as PyTorch prints
    it when tqdm is not installed."""

    def __init__(self, total, enabled):
        self.total = total
        self.enabled = enabled
        self.done = 0

    def update(self, count):
        if not self.enabled:
            return
        self.done += count
        if self.total is None:
            sys.stderr.write(f"\r{self.done:.1f} bytes")
        else:
            sys.stderr.write(f"\r{100 * self.done / float(self.total):.1f}%")
        sys.stderr.flush()

    def finish(self):
        if self.enabled:
            sys.stderr.write("\n")


def _partial_file(dst):
    # opened by us (not NamedTemporaryFile) so the result gets the usual file permissions
    for _ in range(tempfile.TMP_MAX):
        name = f"{dst}.{uuid.uuid4().hex}.partial"
        try:
            return open(name, "w+b")  # noqa: SIM115 - closed by the caller
        except FileExistsError:
            continue
    raise FileExistsError(errno.EEXIST, "No usable temporary file name found")


def download_url_to_file(
    url: str, dst: str, hash_prefix: str | None = None, progress: bool = True
) -> None:
    """Download ``url`` to the path ``dst``; with ``hash_prefix``, the file's SHA-256 must start
    with it (else ``RuntimeError`` and ``dst`` is left alone).  ``progress`` shows a progress
    indicator on stderr."""
    dst = os.path.expanduser(dst)
    partial = _partial_file(dst)
    try:
        with urlopen(Request(url, headers={"User-Agent": "torch.hub"})) as response:
            lengths = response.info().get_all("Content-Length")
            total = int(lengths[0]) if lengths else None
            digest = hashlib.sha256() if hash_prefix is not None else None
            bar = _Progress(total, progress)
            while chunk := response.read(READ_DATA_CHUNK):
                partial.write(chunk)
                if digest is not None:
                    digest.update(chunk)
                bar.update(len(chunk))
            bar.finish()
        partial.close()
        if digest is not None and hash_prefix is not None:
            got = digest.hexdigest()
            if got[: len(hash_prefix)] != hash_prefix:
                raise RuntimeError(f'invalid hash value (expected "{hash_prefix}", got "{got}")')
        os.replace(partial.name, dst)
    finally:
        partial.close()
        if os.path.exists(partial.name):
            os.remove(partial.name)


def _is_legacy_zip_format(filename: str) -> bool:
    # before PyTorch 1.6, hub checkpoints were sometimes a zip holding one torch.save file
    if not zipfile.is_zipfile(filename):
        return False
    with zipfile.ZipFile(filename) as archive:
        entries = archive.infolist()
    return len(entries) == 1 and not entries[0].is_dir()


def _safe_extract(archive: zipfile.ZipFile, directory) -> None:
    """Extract every entry, refusing absolute paths and entries that climb out of directory."""
    root = Path(directory).resolve(strict=False)
    for member in archive.infolist():
        name = os.path.normpath(member.filename)
        if name.startswith(("/", "\\")) or (
            len(name) >= 2 and name[1] == ":" and name[0].isalpha()
        ):
            raise ValueError(f"Archive entry has absolute path: {member.filename}")
        if ".." in re.split(r"[/\\]", name):
            raise ValueError(f"Archive entry contains directory traversal: {member.filename}")
        if not (root / name).resolve(strict=False).is_relative_to(root):
            raise ValueError(f"Archive entry escapes target directory: {member.filename}")
        archive.extract(member, root)


def _legacy_zip_load(filename, model_dir, map_location, weights_only):
    warnings.warn(
        "Falling back to the old format < 1.6. This support will be deprecated in favor of "
        "default zipfile format introduced in 1.6. Please redo torch.save() to save it in the "
        "new zipfile format.",
        FutureWarning,
        stacklevel=3,
    )
    with zipfile.ZipFile(filename) as archive:
        if len(archive.infolist()) != 1:
            raise RuntimeError("Only one file(not dir) is allowed in the zipfile")
        _safe_extract(archive, model_dir)
        extracted = os.path.join(model_dir, archive.infolist()[0].filename)
    return _load(extracted, map_location=map_location, weights_only=weights_only)


def load_state_dict_from_url(
    url: str,
    model_dir: str | None = None,
    map_location=None,
    progress: bool = True,
    check_hash: bool = False,
    file_name: str | None = None,
    weights_only: bool = False,
):
    """``torch.load`` the file at ``url``, downloading it first into ``model_dir`` (default
    ``<hub_dir>/checkpoints``) unless a file of that name is already there.

    ``check_hash``: the file name's ``-<hex>.`` part must prefix the SHA-256 of the download.
    ``file_name`` names the cached file instead of the URL's last path component."""
    if os.getenv("TORCH_MODEL_ZOO"):
        warnings.warn(
            "TORCH_MODEL_ZOO is deprecated, please use env TORCH_HOME instead", stacklevel=2
        )
    if model_dir is None:
        model_dir = os.path.join(get_dir(), "checkpoints")
    os.makedirs(model_dir, exist_ok=True)
    filename = file_name if file_name is not None else os.path.basename(urlparse(url).path)
    cached_file = os.path.join(model_dir, filename)
    if not os.path.exists(cached_file):
        sys.stdout.write(f'Downloading: "{url}" to {cached_file}\n')
        hash_prefix = None
        if check_hash:
            match = HASH_REGEX.search(filename)
            hash_prefix = match.group(1) if match else None
        download_url_to_file(url, cached_file, hash_prefix, progress=progress)
    if _is_legacy_zip_format(cached_file):
        return _legacy_zip_load(cached_file, model_dir, map_location, weights_only)
    return _load(cached_file, map_location=map_location, weights_only=weights_only)


def _import_hubconf(directory):
    path = os.path.join(directory, MODULE_HUBCONF)
    spec = importlib.util.spec_from_file_location(MODULE_HUBCONF, path)
    if spec is None or spec.loader is None:
        raise AssertionError(f"failed to load spec from {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _entrypoint(hubconf, model):
    if not isinstance(model, str):
        raise ValueError("Invalid input: model should be a string of function name")
    # a hubconf lists the packages its entrypoints need in `dependencies`
    needed = getattr(hubconf, VAR_DEPENDENCY, None)
    if needed is not None:
        missing = [name for name in needed if importlib.util.find_spec(name) is None]
        if missing:
            raise RuntimeError(f"Missing dependencies: {', '.join(missing)}")
    entry = getattr(hubconf, model) if model in dir(hubconf) else None
    if entry is None or not callable(entry):
        raise RuntimeError(f"Cannot find callable {model} in hubconf")
    return entry


def _load_local(hubconf_dir, model, *args, **kwargs):
    # the hubconf imports its repository's own modules: the directory leads sys.path meanwhile
    sys.path.insert(0, hubconf_dir)
    try:
        entry = _entrypoint(_import_hubconf(hubconf_dir), model)
        return entry(*args, **kwargs)
    finally:
        sys.path.remove(hubconf_dir)


def _parse_repo_info(github):
    repo_info, ref = github.split(":") if ":" in github else (github, None)
    owner, name = repo_info.split("/")
    if ref is not None:
        return owner, name, ref
    # no ref given: the default branch is main if the repository has one, else master
    try:
        with urlopen(f"https://github.com/{owner}/{name}/tree/main/"):
            return owner, name, "main"
    except HTTPError as error:
        if error.code == 404:
            return owner, name, "master"
        raise
    except URLError as error:
        # offline: a cached copy of either branch will do
        for candidate in ("main", "master"):
            if os.path.exists(f"{get_dir()}/{owner}_{name}_{candidate}"):
                return owner, name, candidate
        raise RuntimeError(
            "It looks like there is no internet connection and the "
            f"repo could not be found in the cache ({get_dir()})"
        ) from error


def _check_repo_is_trusted(owner, name, owner_name_branch, trust_repo):
    hub_dir = get_dir()
    trusted_file = os.path.join(hub_dir, "trusted_list")
    Path(trusted_file).touch()
    with open(trusted_file) as file:
        trusted = {line.strip() for line in file}
    owner_name = f"{owner}_{name}"
    # a repository downloaded before the trusted list existed counts as trusted
    downloaded = next(os.walk(hub_dir))[1]
    is_trusted = (
        owner_name in trusted or owner_name_branch in downloaded or owner in _TRUSTED_REPO_OWNERS
    )
    if trust_repo is False or (trust_repo == "check" and not is_trusted):
        response = input(
            f"The repository {owner_name} does not belong to the list of trusted repositories "
            "and as such cannot be downloaded. Do you trust this repository and wish to add it "
            "to the trusted list of repositories (y/N)?"
        ).lower()
        if response in ("y", "yes"):
            if is_trusted:
                print("The repository is already trusted.")
        elif response in ("n", "no", ""):
            raise Exception("Untrusted repository.")  # noqa: TRY002 - PyTorch's type
        else:
            raise ValueError(f"Unrecognized response {response}.")
    if not is_trusted:
        with open(trusted_file, "a") as file:
            file.write(owner_name + "\n")


def _github_json(url):
    headers = {"Accept": "application/vnd.github.v3+json"}
    token = os.environ.get(ENV_GITHUB_TOKEN)
    if token is not None:
        headers["Authorization"] = f"token {token}"
    try:
        response = urlopen(Request(url, headers=headers))
    except HTTPError:
        if token is None:
            raise
        # the token may lack the permission: try once more without it
        del headers["Authorization"]
        response = urlopen(Request(url, headers=headers))
    with response:
        return json.loads(response.read().decode(response.headers.get_content_charset("utf-8")))


def _validate_not_a_forked_repo(owner, name, ref):
    # ref must be a branch, a tag or a commit of this repository, not one only a fork has
    for kind in ("branches", "tags"):
        page = 1
        while entries := _github_json(
            f"https://api.github.com/repos/{owner}/{name}/{kind}?per_page=100&page={page}"
        ):
            for entry in entries:
                if entry["name"] == ref or entry["commit"]["sha"].startswith(ref):
                    return
            page += 1
    raise ValueError(
        f"Cannot find {ref} in https://github.com/{owner}/{name}. "
        "If it's a commit from a forked repo, please call hub.load() with forked repo directly."
    )


def _download_repo(owner, name, ref, hub_dir, repo_dir, archive_path):
    url = f"https://github.com/{owner}/{name}/zipball/{ref}"
    sys.stdout.write(f'Downloading: "{url}" to {archive_path}\n')
    try:
        download_url_to_file(url, archive_path, progress=False)
    except HTTPError as error:
        if error.code != 300:
            raise
        # 300 Multiple Choices: ref names both a tag and a branch; take the branch, as git does
        warnings.warn(
            f"The ref {ref} is ambiguous. Perhaps it is both a tag and a branch in the repo? "
            "Torchhub will now assume that it's a branch. You can disambiguate tags and "
            "branches by explicitly passing refs/heads/branch_name or refs/tags/tag_name as the "
            "ref. That might require using skip_validation=True.",
            stacklevel=4,
        )
        url = f"https://github.com/{owner}/{name}/zipball/refs/heads/{ref}"
        download_url_to_file(url, archive_path, progress=False)
    with zipfile.ZipFile(archive_path) as archive:
        # GitHub names the top folder itself (owner-name-sha): rename it to the cache's name
        extracted = os.path.join(hub_dir, archive.infolist()[0].filename)
        _remove_if_exists(extracted)
        _safe_extract(archive, hub_dir)
    _remove_if_exists(archive_path)
    _remove_if_exists(repo_dir)
    shutil.move(extracted, repo_dir)


def _remove_if_exists(path):
    if os.path.isfile(path):
        os.remove(path)
    elif os.path.exists(path):
        shutil.rmtree(path)


def _get_cache_or_reload(github, force_reload, trust_repo, verbose=True, skip_validation=False):
    hub_dir = get_dir()
    os.makedirs(hub_dir, exist_ok=True)
    owner, name, ref = _parse_repo_info(github)
    # a branch may contain '/', which must not become a path separator
    branch = ref.replace("/", "_")
    owner_name_branch = f"{owner}_{name}_{branch}"
    repo_dir = os.path.join(hub_dir, owner_name_branch)
    _check_repo_is_trusted(owner, name, owner_name_branch, trust_repo)
    if not force_reload and os.path.exists(repo_dir):
        if verbose:
            sys.stderr.write(f"Using cache found in {repo_dir}\n")
        return repo_dir
    if not skip_validation:
        _validate_not_a_forked_repo(owner, name, ref)
    archive_path = os.path.join(hub_dir, branch + ".zip")
    _remove_if_exists(archive_path)
    _download_repo(owner, name, ref, hub_dir, repo_dir, archive_path)
    return repo_dir


def _hubconf_of(repo_dir):
    sys.path.insert(0, repo_dir)
    try:
        return _import_hubconf(repo_dir)
    finally:
        sys.path.remove(repo_dir)


def list(github, force_reload=False, skip_validation=False, trust_repo="check", verbose=True):  # noqa: A001
    """The names of the public callables (entrypoints) in a GitHub repository's hubconf.py."""
    repo_dir = _get_cache_or_reload(github, force_reload, trust_repo, verbose, skip_validation)
    hubconf = _hubconf_of(repo_dir)
    return [n for n in dir(hubconf) if callable(getattr(hubconf, n)) and not n.startswith("_")]


def help(github, model, force_reload=False, skip_validation=False, trust_repo="check"):  # noqa: A001
    """The docstring of entrypoint ``model`` of a GitHub repository's hubconf.py."""
    repo_dir = _get_cache_or_reload(github, force_reload, trust_repo, True, skip_validation)
    return _entrypoint(_hubconf_of(repo_dir), model).__doc__


def load(
    repo_or_dir,
    model,
    *args,
    source="github",
    trust_repo="check",
    force_reload=False,
    verbose=True,
    skip_validation=False,
    **kwargs,
):
    """Call the entrypoint ``model`` of ``repo_or_dir``'s ``hubconf.py`` with ``*args`` and
    ``**kwargs`` and return what it returns.

    ``source='github'``: ``repo_or_dir`` is ``owner/name[:ref]``, fetched into the hub cache
    (``trust_repo``, ``force_reload``, ``verbose`` and ``skip_validation`` govern that);
    ``source='local'``: a directory, and those four have no effect, as in PyTorch."""
    source = source.lower()
    if source not in ("github", "local"):
        raise ValueError(f'Unknown source: "{source}". Allowed values: "github" | "local".')
    if source == "github":
        repo_or_dir = _get_cache_or_reload(
            repo_or_dir, force_reload, trust_repo, verbose=verbose, skip_validation=skip_validation
        )
    return _load_local(repo_or_dir, model, *args, **kwargs)


__getattr__ = _module_getattr(__name__)
