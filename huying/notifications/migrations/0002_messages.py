"""Stored texts become message keys with parameters (common/messages.py), rendered when
read. Existing rows keep their already-rendered text as a literal message: {"text": ...}.
"""

import huying.common.messages
from django.db import migrations


FIELDS = {'notification': ['title', 'body']}


def to_literals(apps, schema_editor):
    for model_name, names in FIELDS.items():
        model = apps.get_model("notifications", model_name)
        for row in model.objects.all().iterator(chunk_size=500):
            for name in names:
                setattr(row, f"{name}_msg", {"text": getattr(row, name) or ""})
            model.objects.filter(pk=row.pk).update(
                **{f"{name}_msg": getattr(row, f"{name}_msg") for name in names})


def to_text(apps, schema_editor):
    for model_name, names in FIELDS.items():
        model = apps.get_model("notifications", model_name)
        for row in model.objects.all().iterator(chunk_size=500):
            model.objects.filter(pk=row.pk).update(**{
                name: huying.common.messages.render(getattr(row, f"{name}_msg"))
                for name in names})


class Migration(migrations.Migration):

    dependencies = [("notifications", "0001_initial")]

    operations = [
        migrations.AddField("notification", "title_msg", huying.common.messages.MessageField(default=huying.common.messages.empty, verbose_name="title")),
        migrations.AddField("notification", "body_msg", huying.common.messages.MessageField(blank=True, default=huying.common.messages.empty, verbose_name="body")),
        migrations.RunPython(to_literals, to_text),
        migrations.RemoveField("notification", "title"),
        migrations.RemoveField("notification", "body"),
        migrations.RenameField("notification", "title_msg", "title"),
        migrations.RenameField("notification", "body_msg", "body"),
    ]
