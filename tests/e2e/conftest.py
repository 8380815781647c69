import pytest

from tests.reference_data import reseed


@pytest.fixture(autouse=True)
def reference_data(transactional_db):
    """Browser tests run on a flushed database (live_server needs real
    transactions), which loses the rows of the data migrations: put them back."""
    reseed()
