"""The sections of an evidence pack, one module each, in pack order.

Each builder takes the area's `PackContext` and returns a `SectionResult`: the section to show,
the statements it adds to the summary and the figures it adds to the index of packs. The
notebook calls one builder per section; `carerlib.pack.evidence.build_evidence` calls them all.
"""

from carerlib.pack.sections.base import Part, SectionResult, assemble, part
from carerlib.pack.sections.breaks import breaks
from carerlib.pack.sections.carers import carers
from carerlib.pack.sections.context import PackContext, load_context
from carerlib.pack.sections.future import future
from carerlib.pack.sections.health import health
from carerlib.pack.sections.methods import methods
from carerlib.pack.sections.priorities import priorities
from carerlib.pack.sections.reach import reach
from carerlib.pack.sections.summary import summary, with_headlines
from carerlib.pack.sections.value import value

#: The builders in pack order (the notebook shows them in this order too).
BUILDERS = (summary, carers, future, health, reach, value, breaks, priorities, methods)

__all__ = ["BUILDERS", "PackContext", "Part", "SectionResult", "assemble", "breaks", "carers",
           "future", "health", "load_context", "methods", "part", "priorities", "reach",
           "summary", "value", "with_headlines"]
