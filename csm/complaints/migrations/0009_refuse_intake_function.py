"""PostgreSQL only: csm_refuse_intake(), which the public intake's one statement calls when a
rate limit is exceeded, so that the statement fails and undoes itself (intake_limits)."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION csm_refuse_intake() RETURNS integer LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    RAISE EXCEPTION 'intake rate limit exceeded' USING ERRCODE = 'CS429';
END
$$
"""
DROP = "DROP FUNCTION IF EXISTS csm_refuse_intake()"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):

    dependencies = [("complaints", "0008_idempotency_on_complaint")]

    operations = [migrations.RunPython(create, drop)]
