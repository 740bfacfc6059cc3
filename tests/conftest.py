"""Shared settings for the qlcore unit tests."""

import os

import torch

# No progress bars in test logs (the trainers and the CLI honour TQDM_DISABLE).
os.environ.setdefault("TQDM_DISABLE", "1")

# The test machines are small and shared: a couple of threads is enough for the tiny problems
# here and keeps the float64 results independent of the thread count.
torch.set_num_threads(min(2, torch.get_num_threads()))
