"""``torch._dynamo.config``: the knobs torchlike's ``torch.compile`` reads."""

# How many programs one compiled function keeps (one per guard set: shapes, dtypes, flags …);
# a call that would need more runs eagerly, with a one-time warning, as PyTorch's does.
recompile_limit = 8
cache_size_limit = recompile_limit  # PyTorch's older name
# Make every graph break an error, as ``fullgraph=True`` does for one function.
error_on_graph_break = False
# Print nothing on a graph break (the one-time warning is still a warning, filterable).
suppress_errors = False
# Compile each new program in a background thread: the call that traced it, and the calls
# after it until XLA is done, run eagerly (eager's numbers, so nothing changes but the time
# the first call takes).  Off by default, as in PyTorch, whose first call waits for the
# compiler; programs whose backward calls hooks, and compiled forwards whose results need a
# graph, always compile at once.
compile_in_background = False
