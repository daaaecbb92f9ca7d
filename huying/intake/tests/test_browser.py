"""The import pages in a real chromium: upload, the columns, start; and a running import's
progress bar following the job until it is done."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from huying.intake import services
from huying.intake.models import ImportJob, JobStatus
from huying.intake.tests.conftest import CALLS, many_calls, xlsx_bytes
from tests.factories import PASSWORD, build_world

# Playwright's sync API runs an event loop in the test thread, which shares the ORM with it.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="module")
def browser() -> Iterator:
    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    if executable is None:
        pytest.skip("Debian's chromium is not installed (make setup installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable, headless=True,
            args=["--no-sandbox", "--disable-gpu", "--no-first-run", "--lang=zh-CN"])
        yield browser
        browser.close()


@pytest.fixture
def huey_immediate():
    from huey.contrib.djhuey import HUEY

    before = HUEY.immediate
    HUEY.immediate = True
    yield
    HUEY.immediate = before


def admin_page(browser, base_url: str):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN",
                                  base_url=base_url)
    context.set_default_timeout(15000)
    page = context.new_page()
    page.js_errors = []
    page.on("pageerror", lambda error: page.js_errors.append(str(error)))
    page.goto("/admin/login/")
    page.fill("#id_username", "admin")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(f"{base_url}/admin/")
    return page


def shot(page, name: str) -> None:
    folder = Path(settings.VAR_DIR) / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)


def test_upload_map_and_start_in_the_browser(browser, live_server, tmp_path, huey_immediate):
    build_world(timezone.now())
    export = tmp_path / "12345工单导出.xlsx"
    export.write_bytes(xlsx_bytes(CALLS))
    page = admin_page(browser, live_server.url)
    page.goto("/admin/intake/importjob/add/")
    page.set_input_files("#id_file", str(export))
    page.click("input[type=submit]")
    page.wait_for_selector("text=文件各列及其导入方式")
    assert page.input_value("#map-3") == "reporter_phone"
    shot(page, "intake-mapping")
    page.select_option("#map-3", "")
    page.click("input[type=submit]")
    page.wait_for_selector("text=下载逐行问题清单")
    assert page.inner_text("#intake-created") == "6"
    shot(page, "intake-done")
    assert ImportJob.objects.get().status == JobStatus.DONE
    assert page.js_errors == []


def test_the_progress_bar_follows_a_running_import(browser, live_server):
    world = build_world(timezone.now())
    job = services.import_job_create(actor=None, file_name="大文件.xlsx",
                                     content=xlsx_bytes(many_calls(40)), now=timezone.now(),
                                     county=world.county)
    ImportJob.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, rows_processed=10,
                                               created_count=10)
    page = admin_page(browser, live_server.url)
    page.goto(f"/admin/intake/importjob/{job.pk}/change/")
    assert page.inner_text("#intake-percent") == "25"
    ImportJob.objects.filter(pk=job.pk).update(rows_processed=30, created_count=29,
                                               error_count=1)
    page.wait_for_function("document.getElementById('intake-percent').textContent === '75'")
    assert page.inner_text("#intake-error") == "1"
    shot(page, "intake-running")
    ImportJob.objects.filter(pk=job.pk).update(status=JobStatus.DONE, rows_processed=40,
                                               created_count=39)
    # Finished: the page reloads itself and shows the final state.
    page.wait_for_function("document.getElementById('intake-status').textContent === '已完成'")
    page.wait_for_selector("text=下载逐行问题清单")
    assert page.inner_text("#intake-percent") == "100"
    assert page.js_errors == []
