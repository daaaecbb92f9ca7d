from __future__ import annotations

from huying.catalog.models import ListKind, VersionStatus


def test_published_version_is_read_only_in_admin(loaded, client, admin_user):
    client.force_login(admin_user)
    version = loaded["versions"][ListKind.CALL]
    url = f"/admin/catalog/listversion/{version.pk}/change/"
    assert client.get(url).status_code == 200  # viewable
    response = client.post(url, {"title": "改过的标题"})
    assert response.status_code == 403
    version.refresh_from_db()
    assert str(version.title) != "改过的标题"
    matter = loaded["versions"][ListKind.CATALOGUE].matter_types.get(code="M001")
    assert client.post(f"/admin/catalog/mattertype/{matter.pk}/delete/",
                       {"post": "yes"}).status_code == 403


def test_admin_pages_load(loaded, client, admin_user):
    client.force_login(admin_user)
    for url in ("/admin/catalog/listversion/", "/admin/catalog/mattertype/",
                "/admin/catalog/domain/", "/admin/catalog/gridcategory/",
                "/admin/catalog/listversion/add/", "/admin/catalog/mattertype/add/"):
        assert client.get(url).status_code == 200, url


def test_admin_publish_action_publishes_a_draft(loaded, client, admin_user, county, now):
    from huying.catalog import services

    draft = services.list_version_create(
        actor=admin_user, county=county, kind=ListKind.CALL, title="t", now=now,
        effective_from=loaded["versions"][ListKind.CALL].effective_from,
        copy_from=loaded["versions"][ListKind.CALL])
    client.force_login(admin_user)
    client.post("/admin/catalog/listversion/", {
        "action": "publish_selected", "_selected_action": [draft.pk]})
    draft.refresh_from_db()
    assert draft.status == VersionStatus.PUBLISHED


def test_admin_export_action_returns_an_xlsx(loaded, client, admin_user):
    client.force_login(admin_user)
    version = loaded["versions"][ListKind.TOWN_DUTY]
    response = client.post("/admin/catalog/listversion/", {
        "action": "export_excel", "_selected_action": [version.pk]})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxml")


def test_admin_creates_a_draft_with_items_through_the_services(loaded, client, admin_user,
                                                                county):
    from huying.catalog.models import ListVersion

    client.force_login(admin_user)
    response = client.post("/admin/catalog/listversion/add/", {
        "county": county.pk, "kind": "town_duty", "title": "镇街职责清单 2026",
        "effective_from": "2026-01-01", "note": "",
        "items-TOTAL_FORMS": "1", "items-INITIAL_FORMS": "0",
        "items-MIN_NUM_FORMS": "0", "items-MAX_NUM_FORMS": "1000",
        "items-0-position": "1", "items-0-matter_code": "M071", "items-0-title": "",
        "items-0-note": ""})
    assert response.status_code == 302
    draft = ListVersion.objects.get(kind="town_duty", number=2)
    assert draft.status == VersionStatus.DRAFT
    assert list(draft.items.values_list("matter_code", "title")) == [("M071", "邻里纠纷")]


def test_admin_shows_an_unknown_matter_code_on_the_form_and_saves_nothing(
        loaded, client, admin_user, county):
    from huying.catalog.models import ListVersion

    client.force_login(admin_user)
    response = client.post("/admin/catalog/listversion/add/", {
        "county": county.pk, "kind": "call", "title": "呼应事项清单 2026",
        "effective_from": "2026-01-01", "note": "",
        "items-TOTAL_FORMS": "1", "items-INITIAL_FORMS": "0",
        "items-MIN_NUM_FORMS": "0", "items-MAX_NUM_FORMS": "1000",
        "items-0-position": "", "items-0-matter_code": "M999", "items-0-title": "",
        "items-0-note": ""})
    assert response.status_code == 200
    assert "M999" in response.content.decode()
    assert not ListVersion.objects.filter(kind="call", number=2).exists()
