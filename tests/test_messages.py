"""Messages: stored as msgid + parameters, rendered in the active language when read."""

from __future__ import annotations

import ast
import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import translation
from django.utils.translation import gettext_lazy, gettext_noop

from huying.common.messages import (
    Message,
    MessageField,
    as_message,
    join,
    literal,
    message,
    render,
)
from huying.supervision.models import Metric

ZH = "zh-hans"


def test_a_message_renders_in_the_language_active_when_read():
    title = message(gettext_noop("Case %(number)s is under listed supervision"), number="A1")
    with translation.override("en"):
        assert str(title) == "Case A1 is under listed supervision"
    with translation.override(ZH):
        assert str(title) == "事项 A1 已被挂牌督办"


def test_the_stored_form_is_json_and_round_trips():
    title = message(gettext_noop("%(points)s points deducted: case %(number)s"),
                    points=Decimal("0.40"), number="A1")
    data = json.loads(json.dumps(title.data))
    assert data == {"key": "%(points)s points deducted: case %(number)s",
                    "params": {"points": "0.40", "number": "A1"}}
    assert Message(data) == title and hash(Message(data)) == hash(title)


def test_translatable_parameters_are_stored_as_keys_and_translated_when_read():
    title = message(gettext_noop("%(metric)s overdue"), metric=Metric.SIGN.label)
    assert title.data["params"]["metric"] == {"key": "Signing"}
    with translation.override("en"):
        assert str(title) == "Signing overdue"
    with translation.override(ZH):
        assert str(title) == "签收超期"


def test_a_lazy_label_alone_becomes_its_key():
    assert as_message(gettext_lazy("Signing")).data == {"key": "Signing"}


def test_literals_and_joins():
    assert str(literal("答复质量不高")) == "答复质量不高"
    assert as_message("typed") == literal("typed")
    assert not literal("") and literal("x") and message(gettext_noop("Signing"))
    lines = join([message(gettext_noop("Signing")), "A1 路灯不亮"], "\n")
    with translation.override(ZH):
        assert str(lines) == "签收\nA1 路灯不亮"


def test_a_translation_that_does_not_fit_its_parameters_falls_back_to_english():
    broken = Message({"key": "%(number)s is overdue", "params": {"other": 1}})
    assert render(broken) == "%(number)s is overdue"
    assert render(None) == "" and render("old row text") == "old row text"


def test_parameters_must_be_plain_values_or_messages():
    with pytest.raises(TypeError):
        message(gettext_noop("Signing"), when=object())
    with pytest.raises(ValueError):
        Message({"nothing": 1})


def test_the_field_reads_messages_and_accepts_plain_text():
    field = MessageField()
    assert field.to_python({"key": "Signing"}) == message("Signing")
    assert field.to_python("typed") == literal("typed")
    assert field.get_prep_value(literal("typed")) == {"text": "typed"}
    assert field.get_prep_value("typed") == {"text": "typed"}


@pytest.mark.django_db(transaction=True)
def test_rows_stored_before_messages_stay_readable_after_the_migration():
    executor = MigrationExecutor(connection)
    before = [("notifications", "0001_initial"), ("assessment", "0001_initial")]
    executor.migrate(before)
    apps = executor.loader.project_state(before).apps
    User = apps.get_model("org", "User")
    user = User.objects.create(username="old_reader", password="-")
    apps.get_model("notifications", "Notification").objects.create(
        user_id=user.pk, kind="system", title="旧通知", body="旧正文",
        created_at="2026-01-05T09:00:00+08:00")
    apps.get_model("assessment", "Scheme").objects.create(name="Three dimensions, 14 points")
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    from huying.assessment.models import Scheme
    from huying.notifications.models import Notification

    row = Notification.objects.get(user__username="old_reader")
    assert row.title == literal("旧通知") and str(row.body) == "旧正文"
    # A text known to come from a msgid (the default scheme's name, stored in English by a
    # process without catalogues) becomes that key and reads in the reader's language.
    assert Scheme.objects.get().name == message("Three dimensions, 14 points")
    with translation.override(ZH):
        assert str(Scheme.objects.get().name) == "三维度考核（14分）"


def test_the_admin_form_field_edits_plain_text_and_requires_some():
    from django import forms

    form_field = MessageField().formfield()
    assert form_field.prepare_value(message("Signing")) in {"签收", "Signing"}
    assert form_field.clean(" 新标题 ") == literal("新标题")
    with pytest.raises(forms.ValidationError):
        form_field.clean("")


# Issued documents: a report is assembled once, in the county's official language
# (`reports.data.REPORT_LANGUAGE`, under `translation.override`), and kept as that issue's
# file, as a printed report would be; it is not a record read back in each reader's language.
ISSUED_IN_ONE_LANGUAGE = {"huying/analytics/reports/assembly.py"}

STORED_KEYWORDS = {"title", "body", "reason", "name", "number", "recipients", "copied_to",
                   "note", "comment"}


def _rendered_now(node: ast.expr) -> bool:
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod):
        node = node.left
    return (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
            and node.func.id in {"_", "gettext", "pgettext", "ngettext"})


def test_no_writer_passes_text_rendered_at_write_time():
    """`title=_("…") % {…}` into a notice, a slip or a record freezes the writer's language;
    pass `message(gettext_noop("…"), …)` instead."""
    root = Path(__file__).resolve().parents[1] / "huying"
    found = []
    for path in sorted(root.rglob("*.py")):
        relative = path.relative_to(root.parent).as_posix()
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        if relative in ISSUED_IN_ONE_LANGUAGE:
            assert "translation.override(REPORT_LANGUAGE)" in path.read_text(encoding="utf-8")
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                found += [f"{relative}:{node.lineno} {k.arg}=" for k in node.keywords
                          if k.arg in STORED_KEYWORDS and _rendered_now(k.value)]
    assert not found, found
