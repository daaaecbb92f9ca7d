"""Stored texts become message keys with parameters (common/messages.py), rendered when
read. Existing rows keep their already-rendered text as a literal message: {"text": ...},
except texts known to come from a msgid (in English or in Chinese), which become that key.
"""

import huying.common.messages
from django.db import migrations


FIELDS = {'listversion': ['title', 'note']}


# field -> {rendered text: msgid}
KNOWN = {'title': {'Matter catalogue (reference)': 'Matter catalogue (reference)', 'Town duty list (reference)': 'Town duty list (reference)', 'Call-matter list (reference)': 'Call-matter list (reference)', 'Grid admission list (reference)': 'Grid admission list (reference)', '属地管理事项清单（参考版）': 'Matter catalogue (reference)', '镇街职责清单（参考版）': 'Town duty list (reference)', '呼应事项清单（参考版）': 'Call-matter list (reference)', '网格准入清单（参考版）': 'Grid admission list (reference)'}, 'note': {'Loaded from the reference lists bundled with huying.': 'Loaded from the reference lists bundled with huying.', '由系统内置参考清单导入。': 'Loaded from the reference lists bundled with huying.'}}


def to_literals(apps, schema_editor):
    for model_name, names in FIELDS.items():
        model = apps.get_model("catalog", model_name)
        for row in model.objects.all().iterator(chunk_size=500):
            for name in names:
                text = getattr(row, name) or ""
                key = KNOWN.get(name, {}).get(text)
                setattr(row, f"{name}_msg", {"key": key} if key else {"text": text})
            model.objects.filter(pk=row.pk).update(
                **{f"{name}_msg": getattr(row, f"{name}_msg") for name in names})


def to_text(apps, schema_editor):
    for model_name, names in FIELDS.items():
        model = apps.get_model("catalog", model_name)
        for row in model.objects.all().iterator(chunk_size=500):
            model.objects.filter(pk=row.pk).update(**{
                name: huying.common.messages.render(getattr(row, f"{name}_msg"))
                for name in names})


class Migration(migrations.Migration):

    dependencies = [("catalog", "0003_item_position_and_in_force_index")]

    operations = [
        migrations.AddField("listversion", "title_msg", huying.common.messages.MessageField(default=huying.common.messages.empty, verbose_name="title")),
        migrations.AddField("listversion", "note_msg", huying.common.messages.MessageField(blank=True, default=huying.common.messages.empty, verbose_name="note")),
        migrations.RunPython(to_literals, to_text),
        migrations.RemoveField("listversion", "title"),
        migrations.RemoveField("listversion", "note"),
        migrations.RenameField("listversion", "title_msg", "title"),
        migrations.RenameField("listversion", "note_msg", "note"),
        migrations.AlterField("listversion", "title", huying.common.messages.MessageField(verbose_name="title")),
    ]
