"""POST data for the forms that submit once (smeportal/idempotency.py): each call
carries a fresh token, as a freshly shown form would."""

from smeportal.idempotency import FIELD, new_token


def with_token(data: dict | None = None, **fields) -> dict:
    return {**(data or {}), **fields, FIELD: new_token()}
