"""Child processes under a memory limit, for hostile-input tests: a regression fails the test
(MemoryError in the child) instead of taking the machine down."""

from __future__ import annotations

import contextlib
import multiprocessing
import resource
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor

CHILD_ADDRESS_SPACE = 1 << 30  # a worker that decoded a bomb or parsed a capture whole would hit this at once


def limit_memory(address_space: int = CHILD_ADDRESS_SPACE) -> None:
    """Cap this process's address space (RLIMIT_AS)."""
    resource.setrlimit(resource.RLIMIT_AS, (address_space, address_space))


@contextlib.contextmanager
def bounded_worker(address_space: int = CHILD_ADDRESS_SPACE) -> Iterator[ProcessPoolExecutor]:
    """One spawned worker process under `address_space`."""
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(1, mp_context=context, initializer=limit_memory, initargs=(address_space,)) as pool:
        yield pool
