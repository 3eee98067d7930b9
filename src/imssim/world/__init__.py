"""The default world: states, capability areas, equipment, the 2012 cooperation record.

The data files live in ``imssim/world/data`` with a README of their sources;
:func:`load_world` reads and validates them into a :class:`World` of numpy arrays.
"""

from imssim.world.loader import DATA_DIR, load_world
from imssim.world.world import Framework, World

__all__ = ["DATA_DIR", "Framework", "World", "load_world"]
