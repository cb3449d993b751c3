from django.db import migrations


def create_default_board(apps, schema_editor):
    Board = apps.get_model("wallboard", "Board")
    Board.objects.get_or_create(slug="floor", defaults={"name": "Call centre floor"})


class Migration(migrations.Migration):
    dependencies = [("wallboard", "0001_initial")]

    operations = [migrations.RunPython(create_default_board, migrations.RunPython.noop)]
