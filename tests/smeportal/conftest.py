import pytest


@pytest.fixture
def page_cache_on(settings, tmp_path):
    """The page caches on (the test settings turn them off so views render every time)."""
    settings.PAGE_CACHE_SECONDS = 300
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


def get_page(client, url, **extra):
    response = client.get(url, **extra)
    assert response.status_code == 200
    return response, response.content.decode()
