import datetime

import pytest
from django.core.management import call_command

from tests import builders


@pytest.fixture
def wtsa20(db):
    # The import's contract is with the shipped bodies: every code the parser
    # emits must exist there, so import tests load that fixture on purpose.
    call_command("loaddata", "bodies", verbosity=0)
    return builders.assembly("WTSA-20")


@pytest.fixture
def wtsa24(wtsa20):
    """WTSA-24 (New Delhi), the assembly after WTSA-20, as the shipped fixture has it."""
    return builders.assembly("WTSA-24", start=datetime.date(2024, 10, 15))
