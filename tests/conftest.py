"""Shared settings for the qlcore unit tests."""

import os

# No progress bars in test logs (the trainers and the CLI honour TQDM_DISABLE).
os.environ.setdefault("TQDM_DISABLE", "1")
# The problems here are tiny: one intra-op thread is fastest, and on a busy machine more threads
# make torch spin (the quick CLI run takes ~7 s with one thread, ~70 s with two on 2 busy cores).
# Set before torch is imported; subprocesses (the CLI tests) inherit it.
os.environ.setdefault("OMP_NUM_THREADS", "1")
