from django.db import migrations

from huying.sensitive.lexicon import lexicon_seed


def seed(apps, schema_editor):
    lexicon_seed(rule_model=apps.get_model("sensitive", "SensitiveRule"),
                 using=schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [("sensitive", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
