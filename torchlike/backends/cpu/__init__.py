"""``torch.backends.cpu``."""


def get_cpu_capability() -> str:
    # XLA:CPU picks its vector ISA itself; report the baseline every x86-64 build of it targets
    import platform

    return "AVX2" if platform.machine().lower() in ("x86_64", "amd64") else "DEFAULT"
