"""Group segments into batches by a token budget, sorted by length to minimise padding."""

from __future__ import annotations


def batches_by_tokens(lengths: list[int], max_batch_tokens: int) -> list[list[int]]:
    """Index batches: similar lengths together, each batch's padded size within the budget.

    A padded batch costs `len(batch) * longest`; one segment longer than the budget
    still gets a batch of its own. Callers restore document order by index.
    """
    order = sorted(range(len(lengths)), key=lambda i: (lengths[i], i))
    batches: list[list[int]] = []
    current: list[int] = []
    for index in order:
        longest = lengths[index]  # ascending order: the newest is the longest
        if current and (len(current) + 1) * longest > max_batch_tokens:
            batches.append(current)
            current = []
        current.append(index)
    if current:
        batches.append(current)
    return batches
