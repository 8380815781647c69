"""Every free-text field of every form has a length limit, stated on the page, refused in Chinese."""

import importlib
import inspect
from pathlib import Path

import pytest
from django import forms
from django.conf import settings
from django.urls import reverse

from orders.models import Order
from tests.factories import certified_enterprise, certified_institution, published_service, window

pytestmark = pytest.mark.django_db


def form_classes():
    for path in sorted(Path(settings.BASE_DIR).glob("*/forms.py")) + [
        Path(settings.BASE_DIR) / "smeportal/admin_transitions.py"
    ]:
        module = importlib.import_module(".".join(path.relative_to(settings.BASE_DIR).with_suffix("").parts))
        for _name, value in inspect.getmembers(module, inspect.isclass):
            if issubclass(value, forms.BaseForm) and value.__module__ == module.__name__:
                yield value


def test_every_text_field_of_every_form_has_a_max_length():
    missing = []
    for form_class in form_classes():
        try:
            # Some forms (allauth's) set their limits when they are made.
            fields = form_class().fields
        except Exception:  # noqa: BLE001 - forms that need arguments: their class fields are what they get
            fields = form_class.base_fields
        for name, field in fields.items():
            is_text = type(field) is forms.CharField or isinstance(field.widget, forms.Textarea)
            if is_text and not field.max_length:
                missing.append(f"{form_class.__module__}.{form_class.__name__}.{name}")
    assert not missing


def test_a_textarea_states_its_limit_and_carries_maxlength(client):
    client.force_login(certified_enterprise())
    content = client.get(reverse("demands:publish")).content.decode()
    assert 'maxlength="5000"' in content
    assert "最多 5000 字" in content


def test_1_mb_of_requirements_is_refused_with_a_message_and_the_input_kept(client):
    service = published_service(certified_institution("yinchuan"), "yinchuan")
    client.force_login(certified_enterprise())
    url = reverse("orders:place", args=[service.pk])
    response = client.post(
        url, {"window": window("yinchuan").pk, "quantity": "3", "requirements": "要" * (1024 * 1024 // 3)}
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["requirements"] == [f"确保该变量包含不超过 2000 字符 (目前字符数 {1024 * 1024 // 3})。"]
    assert form["quantity"].value() == "3"
    assert not Order.objects.exists()
