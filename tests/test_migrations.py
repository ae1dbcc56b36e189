"""The migrations build exactly the models' schema, on SQLite and on PostgreSQL."""

from alembic.util import CommandError
from flask_migrate import check


def test_models_and_migrations_agree(backend_app):
    with backend_app.app_context():
        try:
            check()
        except CommandError as exc:  # pragma: no cover - the failure message is the point
            raise AssertionError(f"models differ from the migrations: {exc}") from exc
