"""Stored texts become message keys with parameters (common/messages.py), rendered when
read. Existing rows keep their already-rendered text as a literal message: {"text": ...},
except texts known to come from a msgid (in English or in Chinese), which become that key.
"""

import huying.common.messages
from django.db import migrations


FIELDS = {'scheme': ['name'], 'deduction': ['reason']}


# field -> {rendered text: msgid}
KNOWN = {'name': {'Three dimensions, 14 points': 'Three dimensions, 14 points', '三维度考核（14分）': 'Three dimensions, 14 points'}}


def to_literals(apps, schema_editor):
    for model_name, names in FIELDS.items():
        model = apps.get_model("assessment", model_name)
        for row in model.objects.all().iterator(chunk_size=500):
            for name in names:
                text = getattr(row, name) or ""
                key = KNOWN.get(name, {}).get(text)
                setattr(row, f"{name}_msg", {"key": key} if key else {"text": text})
            model.objects.filter(pk=row.pk).update(
                **{f"{name}_msg": getattr(row, f"{name}_msg") for name in names})


def to_text(apps, schema_editor):
    for model_name, names in FIELDS.items():
        model = apps.get_model("assessment", model_name)
        for row in model.objects.all().iterator(chunk_size=500):
            model.objects.filter(pk=row.pk).update(**{
                name: huying.common.messages.render(getattr(row, f"{name}_msg"))
                for name in names})


class Migration(migrations.Migration):

    dependencies = [("assessment", "0001_initial")]

    operations = [
        migrations.AddField("scheme", "name_msg", huying.common.messages.MessageField(default=huying.common.messages.empty, verbose_name="name")),
        migrations.AddField("deduction", "reason_msg", huying.common.messages.MessageField(default=huying.common.messages.empty, verbose_name="reason")),
        migrations.RunPython(to_literals, to_text),
        migrations.RemoveField("scheme", "name"),
        migrations.RemoveField("deduction", "reason"),
        migrations.RenameField("scheme", "name_msg", "name"),
        migrations.RenameField("deduction", "reason_msg", "reason"),
        migrations.AlterField(
            model_name='deduction',
            name='reason',
            field=huying.common.messages.MessageField(verbose_name='reason'),
        ),
        migrations.AlterField(
            model_name='scheme',
            name='name',
            field=huying.common.messages.MessageField(verbose_name='name'),
        ),
    ]
