from typing import Any

import pytest

from tests.supervision.steps import submit_week


@pytest.fixture
def submitted_week(cast: Any) -> Any:
    return submit_week(cast)
