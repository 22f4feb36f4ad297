"""Priming the parsed store when a batch starts on a cold cache.

On a cold cache the first pack in every worker needs the same national frames and tables, about
seven seconds of building in all. The store's build locks make one process build each frame
while the others wait for it; `prime_store`, run in a second worker's kernel before its first
pack, builds them in the reverse of the order a pack reaches them. The pack running in the
first worker and the primer then build different frames at once and meet in the middle, rather
than one waiting on the other. On a warm store it only reads what is there and runs each
section once (a few tenths of a second of one kernel).
"""

from __future__ import annotations

from carerlib.data import parsed
from carerlib.pack.sections import BUILDERS
from carerlib.pack.sections.context import load_context
from carerlib.pack.sections.future import NATIONAL_FRAMES, prime_tables
from carerlib.params import load_params


def pack_order_frames(data) -> list[str]:  # noqa: ANN001 - OfficialData
    """The national frames a pack builds before its future-demand tables, in the order it
    reaches them: the summary's coverage check reads the secondary datasets first, then the
    future-demand tables read the rest of theirs."""
    first = data.secondary_frames()
    return first + [name for name in NATIONAL_FRAMES if name not in first]


def prime_store(area_code: str, params_file: str | None = None) -> bool:
    """Build the stored frames and tables a pack of `area_code` reads, last-reached first: the
    national frames, the future-demand tables, then every section (for the tables the others
    store). Returns whether there was official data to prime from."""
    ctx = load_context(area_code, load_params(area_code, params_file))
    if ctx.mode != "official":
        return False
    for name in reversed(pack_order_frames(ctx.data)):
        if not parsed.stored_without_gaps(ctx.data, name):  # stored: not loaded for nothing
            getattr(ctx.data, name)
    prime_tables(ctx)
    for build in reversed(BUILDERS):  # the rest (peer ranks, ASCOF comparators...): quick
        build(ctx)
    return True
