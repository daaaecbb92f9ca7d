"""Automatic evaluations no longer store their note ("Not evaluated in time"): it is
rendered in the reader's language by `Evaluation.comment_text`. Clear the note that older
rows stored already rendered, in English or in Chinese."""

from django.db import migrations

RENDERED = ["Not evaluated in time", "逾期未评价"]


def clear_notes(apps, schema_editor):
    Evaluation = apps.get_model("cases", "Evaluation")
    Evaluation.objects.filter(automatic=True, comment__in=RENDERED).update(comment="")


class Migration(migrations.Migration):

    dependencies = [("cases", "0002_case_event_triggers")]

    operations = [migrations.RunPython(clear_notes, migrations.RunPython.noop)]
