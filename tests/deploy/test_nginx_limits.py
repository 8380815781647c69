"""The nginx site refuses request bodies at the same size as Django's upload handler."""

import re
from pathlib import Path

from django.conf import settings

SITE = Path(settings.BASE_DIR) / "deploy" / "nginx" / "smeportal.conf"


def test_nginx_body_limit_matches_the_django_cap():
    limit = re.search(r"^\s*client_max_body_size\s+(\d+)m;", SITE.read_text(), flags=re.M)
    assert limit, "deploy/nginx/smeportal.conf sets no client_max_body_size"
    assert int(limit.group(1)) * 1024 * 1024 == settings.REQUEST_BODY_MAX_BYTES
