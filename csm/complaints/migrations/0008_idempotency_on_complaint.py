"""The Idempotency-Key moves onto the complaint's row (three columns and a partial unique index
instead of a table of its own): the public intake writes one row fewer. The complaint loses its
plain organization_id index, which complaint_org_id (organization_id, id) already serves."""

import django.db.models.deletion
from django.db import migrations, models


def copy_keys(apps, schema_editor):
    Complaint = apps.get_model("complaints", "Complaint")
    IdempotencyKey = apps.get_model("complaints", "IdempotencyKey")
    keys = IdempotencyKey.objects.order_by("id").values_list("complaint_id", "scope", "key", "request_digest")
    batch = []
    for complaint_id, scope, key, digest in keys.iterator(chunk_size=2000):
        batch.append(Complaint(pk=complaint_id, idempotency_scope=scope, idempotency_key=key, request_digest=digest))
        if len(batch) == 2000:
            Complaint.objects.bulk_update(batch, ["idempotency_scope", "idempotency_key", "request_digest"])
            batch = []
    Complaint.objects.bulk_update(batch, ["idempotency_scope", "idempotency_key", "request_digest"])


def copy_keys_back(apps, schema_editor):
    Complaint = apps.get_model("complaints", "Complaint")
    IdempotencyKey = apps.get_model("complaints", "IdempotencyKey")
    rows = Complaint.objects.exclude(idempotency_key="").values_list(
        "id", "organization_id", "idempotency_scope", "idempotency_key", "request_digest")
    IdempotencyKey.objects.bulk_create(
        [IdempotencyKey(complaint_id=pk, organization_id=org, scope=scope, key=key, request_digest=digest)
         for pk, org, scope, key, digest in rows.iterator(chunk_size=2000)], batch_size=2000)


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0001_initial'),
        ('complaints', '0007_intake_pending'),
    ]

    operations = [
        migrations.AddField(
            model_name='complaint',
            name='idempotency_key',
            field=models.CharField(blank=True, editable=False, max_length=200),
        ),
        migrations.AddField(
            model_name='complaint',
            name='idempotency_scope',
            field=models.CharField(blank=True, editable=False, max_length=40),
        ),
        migrations.AddField(
            model_name='complaint',
            name='request_digest',
            field=models.CharField(blank=True, editable=False, max_length=64),
        ),
        migrations.RunPython(copy_keys, copy_keys_back),
        migrations.AddConstraint(
            model_name='complaint',
            constraint=models.UniqueConstraint(condition=models.Q(('idempotency_key', ''), _negated=True), fields=('organization', 'idempotency_scope', 'idempotency_key'), name='complaint_idempotency_key'),
        ),
        migrations.AlterField(
            model_name='complaint',
            name='organization',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='accounts.organization'),
        ),
        migrations.DeleteModel(
            name='IdempotencyKey',
        ),
    ]
