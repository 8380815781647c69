"""The service review queue in Django admin, and the category admin."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from notifications.models import Notification
from services.models import Service, ServiceCategory, ServiceLog, ServiceStatus
from tests.factories import (
    HubAdminFactory,
    institution_with,
    make_window_admin,
    png_upload,
    service_in_state,
)

pytestmark = pytest.mark.django_db

S = ServiceStatus
CHANGELIST = "admin:services_service_changelist"
CATEGORIES = "admin:services_servicecategory_changelist"


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


def change_url(service):
    return reverse("admin:services_service_change", args=[service.pk])


def transition_url(service, name):
    return reverse("admin:services_service_transition", args=[service.pk, name])


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def titles_listed(response):
    assert response.status_code == 200
    titles = [service.title for service in response.context["cl"].result_list]
    assert len(titles) == len(set(titles))  # a service in two windows is listed once
    return set(titles)


@pytest.fixture
def queue():
    owner = institution_with("xingqing", "jinfeng", "goji", name="三窗口服务机构")
    return {
        "owner": owner,
        "xingqing": service_in_state(owner, S.PENDING, windows=("xingqing",), title="兴庆待审核服务"),
        "jinfeng": service_in_state(owner, S.PENDING, windows=("jinfeng",), title="金凤待审核服务"),
        "both": service_in_state(owner, S.PENDING, windows=("xingqing", "goji"), title="两窗口待审核服务"),
        "listed": service_in_state(owner, S.LISTED, windows=("xingqing",), title="兴庆已上架服务"),
    }


ALL_TITLES = {"兴庆待审核服务", "金凤待审核服务", "两窗口待审核服务", "兴庆已上架服务"}


# Scope --------------------------------------------------------------------------------------------


def test_hub_admin_lists_every_service(client, queue):
    client.force_login(HubAdminFactory())
    response = client.get(reverse(CHANGELIST))
    assert titles_listed(response) == ALL_TITLES
    content = response.content.decode()
    assert "待审核" in content and "已上架" in content


@pytest.mark.parametrize(
    ("windows", "expected"),
    [
        (["xingqing"], {"兴庆待审核服务", "两窗口待审核服务", "兴庆已上架服务"}),
        (["jinfeng"], {"金凤待审核服务"}),
        (["goji"], {"两窗口待审核服务"}),
        (["jinfeng", "goji"], {"金凤待审核服务", "两窗口待审核服务"}),
        (["wine"], set()),
    ],
)
def test_window_admin_lists_only_the_services_of_its_windows(client, queue, windows, expected):
    client.force_login(make_window_admin(*windows))
    assert titles_listed(client.get(reverse(CHANGELIST))) == expected


def test_the_queue_filters_by_status(client, queue):
    client.force_login(make_window_admin("xingqing"))
    response = client.get(reverse(CHANGELIST), {"status__exact": "pending"})
    assert titles_listed(response) == {"兴庆待审核服务", "两窗口待审核服务"}


def test_window_admin_cannot_open_or_act_on_another_windows_service(client, queue):
    client.force_login(make_window_admin("xingqing"))
    service = queue["jinfeng"]

    assert client.get(change_url(service)).status_code == 302  # admin's "does not exist" redirect
    assert client.get(transition_url(service, "approve")).status_code == 404
    assert client.post(transition_url(service, "approve")).status_code == 404
    assert client.post(transition_url(service, "reject"), {"reason": "越权驳回"}).status_code == 404

    service.refresh_from_db()
    assert service.status == S.PENDING
    assert not ServiceLog.objects.exists()


def test_nobody_adds_or_deletes_services_in_admin(client, queue):
    client.force_login(HubAdminFactory())
    assert client.get(reverse("admin:services_service_add")).status_code == 403
    assert client.post(reverse("admin:services_service_delete", args=[queue["listed"].pk])).status_code == 403
    actions = [name for name, _ in client.get(reverse(CHANGELIST)).context["action_form"].fields["action"].choices]
    assert "delete_selected" not in actions
    assert {"transition_approve", "transition_reject", "transition_delist"} <= set(actions)
    assert Service.objects.count() == 4


# Buttons ------------------------------------------------------------------------------------------


def test_a_pending_service_offers_approve_and_reject(client, queue):
    client.force_login(make_window_admin("xingqing"))
    response = client.get(change_url(queue["xingqing"]))
    assert response.status_code == 200
    assert [str(b["label"]) for b in response.context["transition_buttons"]] == ["审核通过", "驳回"]
    content = response.content.decode()
    assert f'href="{transition_url(queue["xingqing"], "approve")}"' in content
    assert f'href="{transition_url(queue["xingqing"], "reject")}"' in content
    assert f'href="{transition_url(queue["xingqing"], "delist")}"' not in content
    assert "兴庆待审核服务" in content and "三窗口服务机构" in content


def test_a_listed_service_offers_delist(client, queue):
    client.force_login(make_window_admin("xingqing"))
    response = client.get(change_url(queue["listed"]))
    assert [str(b["label"]) for b in response.context["transition_buttons"]] == ["下架"]


def test_the_change_page_links_the_images_and_shows_the_log(client, queue):
    service = queue["xingqing"]
    image = service.images.create(file=png_upload())
    ServiceLog.objects.create(service=service, actor=queue["owner"], from_status=S.DRAFT, to_status=S.PENDING)
    client.force_login(make_window_admin("xingqing"))

    content = client.get(change_url(service)).content.decode()

    assert reverse("services:image", args=[image.pk]) in content
    assert "兴庆区中小企业服务窗口" in content
    assert client.get(reverse("services:image", args=[image.pk])).status_code == 200


# Transitions ----------------------------------------------------------------------------------------


def test_approve_lists_the_service_logs_and_notifies(client, queue):
    admin = make_window_admin("xingqing")
    client.force_login(admin)
    service = queue["both"]

    confirm = client.get(transition_url(service, "approve"))
    assert confirm.status_code == 200
    assert "确认对以下对象执行“审核通过”：" in confirm.content.decode()
    response = client.post(transition_url(service, "approve"))

    assert response.status_code == 302
    assert response.url == change_url(service)
    assert "“两窗口待审核服务”：审核通过 已完成。" in messages_of(response)
    service.refresh_from_db()
    assert service.status == S.LISTED
    log = service.logs.get()
    assert (log.actor, log.from_status, log.to_status) == (admin, S.PENDING, S.LISTED)
    note = Notification.objects.filter(recipient=queue["owner"]).latest("pk")
    assert note.title == "您的服务“两窗口待审核服务”已上架"


def test_reject_without_a_reason_shows_the_error_and_changes_nothing(client, queue):
    client.force_login(make_window_admin("xingqing"))
    service = queue["xingqing"]
    notes = Notification.objects.count()

    response = client.post(transition_url(service, "reject"), {"reason": ""})

    assert response.status_code == 200
    assert response.context["form"].errors["reason"] == ["此项为必填项。"]
    assert "此项为必填项。" in response.content.decode()
    service.refresh_from_db()
    assert service.status == S.PENDING
    assert not ServiceLog.objects.exists()
    assert Notification.objects.count() == notes


def test_reject_with_a_reason(client, queue):
    admin = make_window_admin("xingqing")
    client.force_login(admin)
    service = queue["xingqing"]

    assert 'name="reason"' in client.get(transition_url(service, "reject")).content.decode()
    response = client.post(transition_url(service, "reject"), {"reason": "请补充服务流程。"})

    assert response.status_code == 302
    assert "“兴庆待审核服务”：驳回 已完成。" in messages_of(response)
    service.refresh_from_db()
    assert (service.status, service.rejection_reason) == (S.REJECTED, "请补充服务流程。")
    log = service.logs.get()
    assert (log.actor, log.to_status, log.reason) == (admin, S.REJECTED, "请补充服务流程。")
    note = Notification.objects.filter(recipient=queue["owner"]).latest("pk")
    assert (note.title, note.body) == ("您的服务“兴庆待审核服务”已被驳回", "原因：请补充服务流程。")


def test_delist_needs_a_reason(client, queue):
    admin = make_window_admin("xingqing")
    client.force_login(admin)
    service = queue["listed"]

    response = client.post(transition_url(service, "delist"), {"reason": "  "})
    assert response.status_code == 200
    service.refresh_from_db()
    assert service.status == S.LISTED

    response = client.post(transition_url(service, "delist"), {"reason": "服务内容与实际不符。"})
    assert response.status_code == 302
    service.refresh_from_db()
    assert (service.status, service.rejection_reason) == (S.DELISTED, "服务内容与实际不符。")
    assert service.logs.get().actor == admin
    note = Notification.objects.filter(recipient=queue["owner"]).latest("pk")
    assert note.title == "您的服务“兴庆已上架服务”已被管理员下架"


def test_a_transition_the_state_does_not_allow_is_refused_with_a_message(client, queue):
    client.force_login(HubAdminFactory())
    service = queue["listed"]

    response = client.post(transition_url(service, "approve"))

    assert response.status_code == 302
    assert "只有待审核的服务可以审核通过。" in messages_of(response)
    service.refresh_from_db()
    assert service.status == S.LISTED
    assert not ServiceLog.objects.exists()


# Bulk actions -------------------------------------------------------------------------------------------


def test_bulk_approve_approves_the_selected_and_reports_the_refused(client, queue):
    client.force_login(HubAdminFactory())
    selected = [queue["xingqing"], queue["jinfeng"], queue["listed"]]

    response = client.post(
        reverse(CHANGELIST), {"action": "transition_approve", "_selected_action": [s.pk for s in selected]}
    )

    assert response.status_code == 302
    messages = messages_of(response)
    assert "审核通过：已完成 2 项。" in messages
    assert "“兴庆已上架服务”：只有待审核的服务可以审核通过。" in messages
    statuses = dict(Service.objects.values_list("title", "status"))
    assert statuses == {
        "兴庆待审核服务": S.LISTED,
        "金凤待审核服务": S.LISTED,
        "两窗口待审核服务": S.PENDING,
        "兴庆已上架服务": S.LISTED,
    }
    assert ServiceLog.objects.filter(to_status=S.LISTED).count() == 2


def test_bulk_reject_asks_for_a_reason_first(client, queue):
    client.force_login(make_window_admin("xingqing"))
    selected = [queue["xingqing"].pk, queue["both"].pk]

    response = client.post(reverse(CHANGELIST), {"action": "transition_reject", "_selected_action": selected})
    assert response.status_code == 200
    assert 'name="reason"' in response.content.decode()
    assert not ServiceLog.objects.exists()

    response = client.post(
        reverse(CHANGELIST),
        {"action": "transition_reject", "_selected_action": selected, "apply": "1", "reason": "信息不全"},
    )
    assert response.status_code == 302
    assert "驳回：已完成 2 项。" in messages_of(response)
    for service in Service.objects.filter(pk__in=selected):
        assert (service.status, service.rejection_reason) == (S.REJECTED, "信息不全")


def test_window_admin_bulk_action_reaches_only_its_services(client, queue):
    client.force_login(make_window_admin("xingqing"))

    client.post(
        reverse(CHANGELIST),
        {"action": "transition_approve", "_selected_action": [queue["xingqing"].pk, queue["jinfeng"].pk]},
    )

    queue["xingqing"].refresh_from_db()
    queue["jinfeng"].refresh_from_db()
    assert (queue["xingqing"].status, queue["jinfeng"].status) == (S.LISTED, S.PENDING)


# Categories -------------------------------------------------------------------------------------------


def _post_category_changes(client, changes: dict) -> None:
    """Save the category change list's editable columns with `changes` ({code: {field: value}})."""
    page = client.get(reverse(CATEGORIES))
    assert page.status_code == 200
    formset = page.context["cl"].formset
    data = {"_save": "保存"}
    management = formset.management_form
    for name in ("TOTAL_FORMS", "INITIAL_FORMS", "MIN_NUM_FORMS", "MAX_NUM_FORMS"):
        data[f"{formset.prefix}-{name}"] = management.initial.get(name, management[name].value())
    seen = set()
    for form in formset.forms:
        category = form.instance
        values = {"sort_order": category.sort_order, "is_visible": category.is_visible}
        values.update(changes.get(category.code, {}))
        data[f"{form.prefix}-id"] = category.pk
        data[f"{form.prefix}-sort_order"] = values["sort_order"]
        if values["is_visible"]:
            data[f"{form.prefix}-is_visible"] = "on"
        seen.add(category.code)
    assert set(changes) <= seen
    response = client.post(reverse(CATEGORIES), data)
    assert response.status_code == 302, response.context and response.context["cl"].formset.errors


def test_hub_admin_orders_and_hides_categories(client, db):
    client.force_login(HubAdminFactory())
    before_codes = [code for code, _ in client.get(reverse("services:list")).context["form"].fields["category"].choices]
    assert "financing" in before_codes and "legal-contract" in before_codes
    assert before_codes.index("information") < before_codes.index("legal")

    _post_category_changes(
        client,
        {
            "legal": {"sort_order": 1},
            "financing": {"is_visible": False},
            "legal-contract": {"is_visible": False},
        },
    )

    assert ServiceCategory.objects.get(code="legal").sort_order == 1
    assert ServiceCategory.objects.get(code="financing").is_visible is False
    codes = [code for code, _ in client.get(reverse("services:list")).context["form"].fields["category"].choices]
    assert "financing" not in codes
    assert "financing-guarantee" not in codes  # the children of a hidden category go with it
    assert "legal-contract" not in codes
    assert "legal-counsel" in codes
    assert codes.index("legal") < codes.index("information")

    home = client.get(reverse("home")).content.decode()
    assert "融资服务" not in home
    assert "?category=financing" not in home
    assert "?category=legal-contract" not in home
    assert "常年法律顾问" in home
    assert home.index("?category=legal") < home.index("?category=information")


def test_a_hidden_sub_category_is_not_offered_to_institutions(client, db):
    ServiceCategory.objects.filter(code="legal-contract").update(is_visible=False)
    user = institution_with("xingqing")
    client.force_login(user)
    form = client.get(reverse("services:create")).context["form"]
    offered = [pk for _, group in form.fields["category"].choices if isinstance(group, list) for pk, _ in group]
    assert ServiceCategory.objects.get(code="legal-contract").pk not in offered
    assert ServiceCategory.objects.get(code="legal-counsel").pk in offered


def test_window_admins_do_not_edit_categories(client, db):
    client.force_login(make_window_admin("xingqing"))
    assert client.get(reverse(CATEGORIES)).status_code == 403
