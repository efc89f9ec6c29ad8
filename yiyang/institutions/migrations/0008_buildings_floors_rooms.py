"""Buildings, floors and rooms as their own records: a bed belongs to a room, a room to a floor, a
floor to a building. The beds' text columns (楼栋, 楼层, 房间) become those records, set-based (one
INSERT … SELECT per level and one UPDATE), and come back the same way if the migration is reversed."""

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models

FORWARD = [
    # Buildings, floors and rooms from the distinct places the beds name.
    """INSERT INTO institutions_building (institution_id, name, created_at, updated_at)
       SELECT DISTINCT institution_id, building, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP FROM institutions_bed""",
    """INSERT INTO institutions_floor (building_id, level)
       SELECT DISTINCT b.id, bed.floor FROM institutions_bed bed
       JOIN institutions_building b ON b.institution_id = bed.institution_id AND b.name = bed.building""",
    """INSERT INTO institutions_room (floor_id, number)
       SELECT DISTINCT f.id, bed.room FROM institutions_bed bed
       JOIN institutions_building b ON b.institution_id = bed.institution_id AND b.name = bed.building
       JOIN institutions_floor f ON f.building_id = b.id AND f.level = bed.floor""",
    """UPDATE institutions_bed SET place_id = (
           SELECT r.id FROM institutions_room r
           JOIN institutions_floor f ON f.id = r.floor_id
           JOIN institutions_building b ON b.id = f.building_id
           WHERE b.institution_id = institutions_bed.institution_id AND b.name = institutions_bed.building
             AND f.level = institutions_bed.floor AND r.number = institutions_bed.room)""",
]
BACKWARD = [
    """UPDATE institutions_bed SET
           building = (SELECT b.name FROM institutions_room r JOIN institutions_floor f ON f.id = r.floor_id
                       JOIN institutions_building b ON b.id = f.building_id WHERE r.id = institutions_bed.place_id),
           floor = (SELECT f.level FROM institutions_room r JOIN institutions_floor f ON f.id = r.floor_id
                    WHERE r.id = institutions_bed.place_id),
           room = (SELECT r.number FROM institutions_room r WHERE r.id = institutions_bed.place_id)""",
]


class Migration(migrations.Migration):
    dependencies = [
        ("institutions", "0007_resident_centralised_support"),
    ]

    operations = [
        migrations.CreateModel(
            name="Building",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now, editable=False, verbose_name="创建时间")),
                ("updated_at", models.DateTimeField(auto_now=True, verbose_name="更新时间")),
                ("name", models.CharField(max_length=30, verbose_name="楼栋")),
                ("institution", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="buildings", to="institutions.institution", verbose_name="养老机构")),
            ],
            options={"verbose_name": "楼栋", "verbose_name_plural": "楼栋", "ordering": ["institution", "name"]},
        ),
        migrations.AddConstraint(
            model_name="building",
            constraint=models.UniqueConstraint(fields=("institution", "name"), name="unique_building_name"),
        ),
        migrations.CreateModel(
            name="Floor",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("level", models.SmallIntegerField(verbose_name="楼层")),
                ("building", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="floors", to="institutions.building", verbose_name="楼栋")),
            ],
            options={"verbose_name": "楼层", "verbose_name_plural": "楼层", "ordering": ["building", "level"]},
        ),
        migrations.AddConstraint(
            model_name="floor",
            constraint=models.UniqueConstraint(fields=("building", "level"), name="unique_floor_level"),
        ),
        migrations.CreateModel(
            name="Room",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("number", models.CharField(max_length=20, verbose_name="房间")),
                ("floor", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="rooms", to="institutions.floor", verbose_name="楼层")),
            ],
            options={"verbose_name": "房间", "verbose_name_plural": "房间", "ordering": ["floor", "number"]},
        ),
        migrations.AddConstraint(
            model_name="room",
            constraint=models.UniqueConstraint(fields=("floor", "number"), name="unique_room_number"),
        ),
        migrations.AddField(
            model_name="bed",
            name="place",
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+", to="institutions.room"),
        ),
        migrations.RemoveConstraint(model_name="bed", name="unique_bed_place"),
        migrations.RunSQL(FORWARD, BACKWARD),
        # A default, so that reversing can add the column back before the beds fill it again.
        migrations.AlterField(
            model_name="bed", name="room", field=models.CharField(default="", max_length=20, verbose_name="房间")
        ),
        migrations.RemoveField(model_name="bed", name="building"),
        migrations.RemoveField(model_name="bed", name="floor"),
        migrations.RemoveField(model_name="bed", name="room"),
        migrations.RenameField(model_name="bed", old_name="place", new_name="room"),
        migrations.AlterField(
            model_name="bed",
            name="room",
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="beds", to="institutions.room", verbose_name="房间"),
        ),
        migrations.AlterModelOptions(
            name="bed",
            options={
                "ordering": ["institution", "room__floor__building__name", "room__floor__level", "room__number", "number"],
                "permissions": [("export_bed", "导出床位"), ("import_bed", "导入床位")],
                "verbose_name": "床位",
                "verbose_name_plural": "床位",
            },
        ),
        migrations.AddConstraint(
            model_name="bed",
            constraint=models.UniqueConstraint(fields=("room", "number"), name="unique_bed_in_room"),
        ),
    ]
