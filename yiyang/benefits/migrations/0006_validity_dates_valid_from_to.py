from django.db import migrations, models


class Migration(migrations.Migration):
    """One name for validity dates across the project: valid_from / valid_to (docs/glossary.md).

    The database renames the columns in place; its constraint and index follow the columns, so the
    state-only operations below just tell Django's model state what the database already has.
    """

    dependencies = [("benefits", "0005_rollline_partitioned")]

    operations = [
        migrations.RenameField("raterule", "effective_from", "valid_from"),
        migrations.RenameField("raterule", "effective_to", "valid_to"),
        migrations.RenameField("qualificationcheck", "valid_until", "valid_to"),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterModelOptions(
                    name="raterule",
                    options={
                        "ordering": ["programme", "age_from", "category", "level", "-valid_from"],
                        "verbose_name": "发放标准",
                        "verbose_name_plural": "发放标准",
                    },
                ),
                migrations.RemoveConstraint(model_name="raterule", name="raterule_dates_ordered"),
                migrations.AddConstraint(
                    model_name="raterule",
                    constraint=models.CheckConstraint(
                        condition=models.Q(("valid_to__isnull", True), ("valid_to__gte", models.F("valid_from")), _connector="OR"),
                        name="raterule_dates_ordered",
                    ),
                ),
                migrations.RemoveIndex(model_name="qualificationcheck", name="qualcheck_elder_valid_idx"),
                migrations.AddIndex(
                    model_name="qualificationcheck",
                    index=models.Index(fields=["elder", "valid_to"], name="qualcheck_elder_valid_idx"),
                ),
            ]
        ),
    ]
