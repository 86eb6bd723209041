"""``torch._dynamo.config``: the knobs torchlike's ``torch.compile`` reads."""

# How many programs one compiled function keeps (one per guard set: shapes, dtypes, flags …);
# a call that would need more runs eagerly, with a one-time warning, as PyTorch's does.
recompile_limit = 8
cache_size_limit = recompile_limit  # PyTorch's older name
# Make every graph break an error, as ``fullgraph=True`` does for one function.
error_on_graph_break = False
# Print nothing on a graph break (the one-time warning is still a warning, filterable).
suppress_errors = False
