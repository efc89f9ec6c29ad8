from django.db import migrations, models


class Migration(migrations.Migration):
    """One name for validity dates across the project: valid_from / valid_to (docs/glossary.md).

    The database renames the columns in place; its constraint and indexes follow the columns, so
    the state-only operations below just tell Django's model state what the database already has.
    The assessment index is named from its fields, so it is renamed to the name Django now expects.
    """

    dependencies = [("assessments", "0001_initial")]

    operations = [
        migrations.RenameIndex(
            "assessment", new_name="assessments_status_f0c2be_idx", old_name="assessments_status_58b42e_idx"
        ),
        migrations.RenameField("scoringconfig", "effective_from", "valid_from"),
        migrations.RenameField("assessment", "valid_until", "valid_to"),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterModelOptions(
                    name="scoringconfig",
                    options={
                        "ordering": ["area_path", "-valid_from"],
                        "verbose_name": "评估规则配置",
                        "verbose_name_plural": "评估规则配置",
                    },
                ),
                migrations.RemoveConstraint(model_name="scoringconfig", name="unique_scoring_config_date"),
                migrations.AddConstraint(
                    model_name="scoringconfig",
                    constraint=models.UniqueConstraint(fields=("area", "valid_from"), name="unique_scoring_config_date"),
                ),
                migrations.RemoveIndex(model_name="assessment", name="assessments_status_f0c2be_idx"),
                migrations.AddIndex(
                    model_name="assessment",
                    index=models.Index(fields=["status", "valid_to"], name="assessments_status_f0c2be_idx"),
                ),
            ]
        ),
    ]
