"""Factories of the whole suite: `from tests.factories import PartnerFactory`.

Each app keeps its factories in its own module here; this package re-exports them all.
"""

from tests.factories.companies import *  # noqa: F403
from tests.factories.followup import *  # noqa: F403
from tests.factories.partners import *  # noqa: F403
from tests.factories.portal import *  # noqa: F403
from tests.factories.referents import *  # noqa: F403
from tests.factories.roadmaps import *  # noqa: F403
