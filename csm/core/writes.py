"""Helpers every service uses to validate, save and audit a model in one step.

They guarantee: a model is fully validated before it is saved (Django ValidationError becomes
InvalidInput naming each field, and a per-organisation unique constraint names its own field),
a save that still trips a database constraint is a Conflict rather than a crash, and one audit
event records exactly what changed. `update_in_bulk` writes some fields of many rows at once, for
sweeps that must not cost a query per row; `insert_rows` writes rows in one INSERT for the hot
paths where the ORM's per-save work costs more than the database (see decision 0010).
"""

from __future__ import annotations

import datetime as dt
import decimal
import functools
import json
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, TypeVar

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, connection, models, transaction
from django.db.models import ProtectedError, RestrictedError
from django.utils.translation import gettext_lazy as _

from csm.core import clock
from csm.core.audit import diff, record_event, snapshot
from csm.core.errors import Conflict, InvalidInput, NotFound
from csm.core.lookups import loaded

M = TypeVar("M", bound=models.Model)
T = TypeVar("T")

# The tenant key is implied by every scoped constraint, so it never names the bad field.
_TENANT_FIELD = "organization"


def validation_errors(exc: ValidationError) -> list[dict[str, str]]:
    errors: list[dict[str, str]] = []
    if hasattr(exc, "error_dict"):
        for field, field_errors in exc.error_dict.items():
            for error in field_errors:
                errors.extend({"field": field, "message": str(m)} for m in error.messages)
    else:
        errors.extend({"field": NON_FIELD_ERRORS, "message": str(m)} for m in exc.messages)
    return errors


def _constraint_field(constraint: Any) -> str:
    fields = [f for f in getattr(constraint, "fields", ()) if f != _TENANT_FIELD]
    return fields[0] if len(fields) == 1 else NON_FIELD_ERRORS


def _constraint_errors(instance: models.Model, exclude: set[str]) -> list[dict[str, str]]:
    """Like Model.validate_constraints, but `unique_together`-style constraints led by the tenant
    key name their other field, e.g. a duplicate service name is an error on `name`."""
    errors: list[dict[str, str]] = []
    for model_class, constraints in instance.get_constraints():
        for constraint in constraints:
            try:
                constraint.validate(model_class, instance, exclude=exclude)
            except ValidationError as exc:
                field = _constraint_field(constraint)
                if exc.code in {"unique", "unique_together"} and field != NON_FIELD_ERRORS:
                    errors.append({"field": field, "message": str(_("This value is already in use."))})
                else:
                    errors.extend({"field": field, "message": str(m)} for m in exc.messages)
    return errors


def validate(instance: models.Model, *, exclude: Iterable[str] = ()) -> None:
    excluded = set(exclude)
    errors: list[dict[str, str]] = []
    try:
        instance.full_clean(exclude=excluded, validate_unique=True, validate_constraints=False)
    except ValidationError as exc:
        errors = validation_errors(exc)
    errors += _constraint_errors(instance, excluded | {e["field"] for e in errors})
    if errors:
        raise InvalidInput(errors=errors)


def resolve_reference(field: str, lookup: Callable[[], T]) -> T:
    """Run an access_* lookup for a referenced object; a miss is a 422 on that field, not a 404."""
    try:
        return lookup()
    except NotFound:
        raise InvalidInput(field, str(_("No such object in this organisation."))) from None


def _save(instance: models.Model) -> None:
    """Save inside a savepoint: a constraint that a concurrent write made fail is a 409."""
    try:
        with transaction.atomic():
            instance.save()
    except IntegrityError:
        raise Conflict(str(_("This conflicts with a change made at the same time; try again."))) from None


def create_audited(
    instance: M,
    *,
    actor: Any,
    fields: Iterable[str],
    organization_id: int | None,
    extra_changes: Mapping[str, Any] | None = None,
) -> M:
    """Validate, save and record one "created" event with every non-empty field (plus
    `extra_changes`, e.g. the members a service will attach right after)."""
    fields = list(fields)
    validate(instance)
    _save(instance)
    after = {**snapshot(instance, fields), **(extra_changes or {})}
    record_event(
        organization_id=organization_id,
        actor=actor,
        action="created",
        obj=instance,
        changes={k: [None, v] for k, v in after.items() if v not in (None, "", [])},
    )
    return instance


def update_audited(
    instance: M,
    *,
    actor: Any,
    data: Mapping[str, Any],
    fields: Iterable[str],
    organization_id: int | None,
    extra_changes: Mapping[str, list[Any]] | None = None,
) -> dict[str, list[Any]]:
    """Apply `data`, validate, save and record one "updated" event with the fields that really
    changed plus `extra_changes` ({name: [old, new]}); no event when nothing changed."""
    fields = list(fields)
    unknown = set(data) - set(fields)
    if unknown:
        raise InvalidInput(errors=[{"field": f, "message": str(_("This field cannot be changed."))} for f in sorted(unknown)])
    before = snapshot(instance, fields)
    for name, value in data.items():
        setattr(instance, name, value)
    validate(instance)
    _save(instance)
    changes = {**diff(before, snapshot(instance, fields)), **(extra_changes or {})}
    if changes:
        record_event(organization_id=organization_id, actor=actor, action="updated", obj=instance, changes=changes)
    return changes


def delete_audited(instance: models.Model, *, actor: Any, organization_id: int | None) -> None:
    """Delete and record one "deleted" event; rows that still refer to it make it a 409."""
    label, pk, text = instance._meta.label_lower, str(instance.pk), str(instance)[:255]
    try:
        with transaction.atomic():
            instance.delete()
    except (ProtectedError, RestrictedError):
        raise Conflict(str(_("Other records still refer to this one; remove or change them first."))) from None
    record_event(
        organization_id=organization_id,
        actor=actor,
        action="deleted",
        object_type=label,
        object_id=pk,
        object_repr=text,
    )


def update_in_bulk(instances: Sequence[models.Model], fields: Sequence[str]) -> None:
    """Write `fields` of many saved instances of one model, as `bulk_update` does (no save(), no
    signals). On PostgreSQL in one `UPDATE ... FROM jsonb_to_recordset(%s)`, the rows as one JSON
    parameter: `bulk_update` builds a CASE per field and row, and a statement with a parameter per
    value costs psycopg more to parse than the database needs to run it."""
    if not instances:
        return
    model = type(instances[0])
    if connection.vendor != "postgresql":
        model._default_manager.bulk_update(instances, fields)
        return
    meta, quote = model._meta, connection.ops.quote_name
    pk, *changed = columns = [_column(model, name) for name in ("pk", *fields)]
    assignments = ", ".join(f"{quote(name)} = v.{quote(name)}" for _, name in changed)
    types = ", ".join(f"{quote(name)} {field.db_type(connection)}" for field, name in columns)
    rows = [{name: _json_value(field, getattr(instance, field.attname)) for field, name in columns}
            for instance in instances]
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {quote(meta.db_table)} AS t SET {assignments} "  # noqa: S608 - names come from the model
            f"FROM jsonb_to_recordset(%s::jsonb) AS v ({types}) WHERE t.{quote(pk[1])} = v.{quote(pk[1])}",
            [json.dumps(rows)])


def _column(model: type[models.Model], name: str) -> tuple[models.Field[Any, Any], str]:
    field = model._meta.pk if name == "pk" else model._meta.get_field(name)
    if not isinstance(field, models.Field) or not field.column:
        raise ValueError(f"{model._meta.label}.{name} is not a column.")
    return field, field.column


def insert_rows(model: type[models.Model], rows: Sequence[Mapping[str, Any]]) -> list[Any]:
    """INSERT `rows` of `model` in one statement and return their primary keys, in order.

    Each row maps attribute names (`organization_id`, not `organization`) to values; every other
    concrete field takes its default, `auto_now`/`auto_now_add` fields the current time, and an
    auto-incremented primary key is left to the database. No validation, save() or signals: the
    caller has validated the values (see `check_fields`). Unknown names are a programming error.
    On PostgreSQL the rows are one JSON parameter (`json_record`, `jsonb_populate_recordset`)."""
    if not rows:
        return []
    now = clock.now()
    quote, pk, table = connection.ops.quote_name, model._meta.pk, connection.ops.quote_name(model._meta.db_table)
    fields, _auto_pk = insert_fields(model)
    columns = ", ".join(quote(str(field.column)) for field in fields)
    if connection.vendor == "postgresql":
        sql = (f"INSERT INTO {table} ({columns}) SELECT {columns} "  # noqa: S608 - names come from the model
               f"FROM jsonb_populate_recordset(NULL::{table}, %s::jsonb) WITH ORDINALITY AS r "
               f"ORDER BY r.ordinality RETURNING {quote(str(pk.column))}")
        params = [json.dumps([json_record(model, row, now) for row in rows])]
    else:
        prepared = [insert_values(model, row, now) for row in rows]
        placeholders = "(" + ", ".join(["%s"] * len(fields)) + ")"
        sql = (f"INSERT INTO {table} ({columns}) "  # noqa: S608 - names come from the model
               f"VALUES {', '.join([placeholders] * len(rows))} RETURNING {quote(str(pk.column))}")
        params = [value for row in prepared for _field, value in row]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [pk.to_python(value) for (value,) in cursor.fetchall()]


def insert_instances(instances: Sequence[models.Model]) -> None:
    """Save new instances of one model with `insert_rows` (one INSERT, as `bulk_create` but cheaper
    in Python; no save() or signals) and give them their primary keys."""
    if not instances:
        return
    model = type(instances[0])
    fields, _auto_pk = insert_fields(model)
    pks = insert_rows(model, [{field.attname: getattr(instance, field.attname) for field in fields}
                              for instance in instances])
    for instance, pk in zip(instances, pks, strict=True):
        instance.pk = pk
        instance._state.adding = False
        instance._state.db = connection.alias


def inserted_instance(model: type[M], row: Mapping[str, Any], now: Any) -> M:
    """The saved instance an INSERT of `row` (with its primary key) made, every field set as
    `insert_rows` filled it, built without Model.__init__ (which walks every field of a wide model
    with the cost of a keyword call each; the public intake builds one per request)."""
    fields, _constant = _json_fields(model)
    defaults = _python_defaults(model)
    values = dict(defaults)
    for field in fields:
        if field.attname in row:
            values[field.attname] = row[field.attname]
        elif field.attname not in defaults:
            values[field.attname] = _insert_value(field, row, now)
    values[model._meta.pk.attname] = row[model._meta.pk.attname]
    return loaded(model, list(values), [list(values.values())], using=connection.alias)[0]


@functools.cache
def _python_defaults(model: type[models.Model]) -> dict[str, Any]:
    """The attribute values of the fields whose default is a constant (see `_json_fields`)."""
    fields, _auto_pk = insert_fields(model)
    return {field.attname: field.get_default() for field in fields if _constant_default(field)}


def _constant_default(field: models.Field[Any, Any]) -> bool:
    """Whether the value an INSERT gives the field when the row has none is always the same."""
    return (not (field.has_default() and callable(field.default)) and not getattr(field, "auto_now", False)
            and not getattr(field, "auto_now_add", False))


def insert_values(model: type[models.Model], row: Mapping[str, Any], now: Any,
                  ) -> list[tuple[models.Field[Any, Any], Any]]:
    """The (field, database value) pairs an INSERT of `row` writes, in column order: as
    `insert_rows` fills them, for a caller that builds its own statement."""
    fields, _auto_pk = insert_fields(model)
    _check_columns(model, row)
    return [(field, field.get_db_prep_save(_insert_value(field, row, now), connection)) for field in fields]


def _check_columns(model: type[models.Model], row: Mapping[str, Any]) -> None:
    """ValueError for a name that is not an insert's column (a programming error)."""
    fields, auto_pk = insert_fields(model)
    unknown = set(row) - {field.attname for field in fields} - ({model._meta.pk.attname} if auto_pk else set())
    if unknown:
        raise ValueError(f"{model._meta.label} has no column {sorted(unknown)}.")


def json_record(model: type[models.Model], row: Mapping[str, Any], now: Any) -> dict[str, Any]:
    """The row an INSERT of `row` writes (as `insert_rows` fills it) as a JSON object keyed by
    column, for `jsonb_populate_record(NULL::<table>, %s::jsonb)` on PostgreSQL: a whole row in one
    parameter, so a statement that writes several rows stays short and its parameters few (psycopg
    caches the parsing of such a statement, not of one with fifty parameters or more)."""
    fields, constant = _json_fields(model)
    _check_columns(model, row)
    record = dict(constant)
    for field in fields:
        if field.attname in row or field.column not in constant:
            record[str(field.column)] = _json_value(field, _insert_value(field, row, now))
    return record


@functools.cache
def _json_fields(model: type[models.Model]) -> tuple[tuple[models.Field[Any, Any], ...], dict[str, Any]]:
    """The insert's fields and, computed once, the JSON values of those whose default is a constant
    (none, or one that is not a callable; not auto_now)."""
    fields, _auto_pk = insert_fields(model)
    constant = {str(field.column): _json_value(field, field.get_default()) for field in fields
                if _constant_default(field)}
    return fields, constant


def _json_value(field: models.Field[Any, Any], value: Any) -> Any:
    """`value` as PostgreSQL reads it from JSON into the field's column type."""
    if value is None or isinstance(field, models.JSONField):
        return value  # a JSON column takes the value itself, nested
    # What get_db_prep_save would give, at a fraction of the cost, for the commonest values.
    kind = type(value)
    if kind is str and isinstance(field, models.CharField | models.TextField):
        return value
    if (kind is int and isinstance(field, models.IntegerField | models.ForeignKey)) or (
            kind is bool and isinstance(field, models.BooleanField)):
        return value
    if kind is dt.datetime and value.tzinfo is not None and isinstance(field, models.DateTimeField):
        return value.isoformat()
    value = field.get_db_prep_save(value, connection)
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    raise TypeError(f"{field} has no JSON form for {type(value).__name__}.")


@functools.cache
def insert_fields(model: type[models.Model]) -> tuple[tuple[models.Field[Any, Any], ...], bool]:
    """The columns an INSERT writes (all concrete fields but an auto-incremented key), and whether
    the key is auto-incremented."""
    pk = model._meta.pk
    auto_pk = isinstance(pk, models.AutoField)  # BigAutoField and SmallAutoField are subclasses
    fields = tuple(f for f in model._meta.concrete_fields if not (auto_pk and f is pk))
    return fields, auto_pk


def _insert_value(field: models.Field[Any, Any], row: Mapping[str, Any], now: Any) -> Any:
    if field.attname in row:
        return row[field.attname]
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return now
    return field.get_default()


def check_fields(model: type[models.Model], data: Mapping[str, Any], *, fields: Iterable[str]) -> None:
    """Validate `fields` of `model` as `full_clean` would (required, blank, choices, length,
    format), each from `data` or else its default, without building an instance or querying;
    InvalidInput names every bad field. For the hot paths that insert with `insert_rows`: related
    fields are skipped, they are the caller's to check."""
    errors: list[dict[str, str]] = []
    for name in fields:
        field = model._meta.get_field(name)
        if field.is_relation or not isinstance(field, models.Field):
            continue
        value = data[name] if name in data else field.get_default()
        if (value == "" and field.blank) or (value is None and field.null and field.blank):
            continue  # what clean() accepts without a look: no validator runs on an empty value
        try:
            # None for the instance: no field checked here validates against it.
            field.clean(value, None)  # type: ignore[arg-type]
        except ValidationError as exc:
            errors.extend({"field": name, "message": str(message)} for message in exc.messages)
    if errors:
        raise InvalidInput(errors=errors)
