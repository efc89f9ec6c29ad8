"""Provider staff memberships move to core.Membership (the one membership mechanism); every row is kept."""

from django.db import migrations

KIND = "services.provider"


def forward(apps, schema_editor):
    Old = apps.get_model("services", "ProviderMembership")
    Membership = apps.get_model("core", "Membership")
    Membership.objects.bulk_create(
        [
            Membership(user_id=user_id, organisation_type=KIND, organisation_id=provider_id)
            for user_id, provider_id in Old.objects.values_list("user_id", "provider_id").order_by("pk")
        ],
        ignore_conflicts=True,
    )


def backward(apps, schema_editor):
    Old = apps.get_model("services", "ProviderMembership")
    Membership = apps.get_model("core", "Membership")
    rows = Membership.objects.filter(organisation_type=KIND).values_list("user_id", "organisation_id")
    Old.objects.bulk_create([Old(user_id=u, provider_id=p) for u, p in rows], ignore_conflicts=True)
    Membership.objects.filter(organisation_type=KIND).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_membership"),
        ("services", "0003_settlement_line_lighter_keys_visit_verified_date"),
    ]

    operations = [
        migrations.RunPython(forward, backward),
        migrations.DeleteModel(name="ProviderMembership"),
    ]
