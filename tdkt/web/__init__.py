"""The Flask application factory."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine
from werkzeug.routing import IntegerConverter

from .. import config
from ..models import User, db
from ..workflow import auth
from ..workflow import deadlines as _deadlines  # noqa: F401  (connects the deadline receiver)
from ..workflow import decision_basis as _decision_basis  # noqa: F401  (records a signed decision's legal basis)
from ..workflow import jobs as _jobs  # noqa: F401  (connects the notification receiver and after-commit hook)
from ..workflow.payload import ascii_int, fits_integer
from .extensions import csrf, limiter, login_manager, migrate

MIGRATIONS = str(Path(__file__).resolve().parents[2] / "migrations")


@event.listens_for(Engine, "connect")
def _sqlite_on_connect(dbapi_connection, _record):
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    # Let SQLAlchemy issue BEGIN itself: pysqlite's own handling breaks SAVEPOINT.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


@event.listens_for(Engine, "begin")
def _sqlite_on_begin(connection):
    if connection.dialect.name == "sqlite":
        # Take the write lock up front: two deferred transactions that both upgrade to
        # writing would fail with SQLITE_BUSY instead of waiting their turn.
        connection.exec_driver_sql("BEGIN IMMEDIATE")


class DatabaseIntegerConverter(IntegerConverter):
    """0 … 2147483647, the range of an INTEGER column, refused by the pattern itself: werkzeug
    checks a rule's methods before its converter, so a `max` would turn GET on a POST-only twin
    route into a 405 instead of a 404."""

    regex = (
        r"(?:\d{1,9}|1\d{9}|20\d{8}|21[0-3]\d{7}|214[0-6]\d{6}|2147[0-3]\d{5}|21474[0-7]\d{4}"
        r"|214748[0-2]\d{3}|2147483[0-5]\d{2}|21474836[0-3]\d|214748364[0-7])"
    )


def create_app(test_config: dict | None = None) -> Flask:
    instance_path = os.environ.get("INSTANCE_PATH")
    app = Flask(__name__, instance_path=instance_path, instance_relative_config=True)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config.from_mapping(config.from_env(app.instance_path))
    if test_config:
        app.config.from_mapping(test_config)

    app.json.sort_keys = False  # keep the contract's field order
    # Before any route is added: an id beyond the INTEGER columns is a 404 of the router, on every
    # page and API route, rather than a driver error in whichever view forgot to check it.
    app.url_map.converters["int"] = DatabaseIntegerConverter
    db.init_app(app)
    migrate.init_app(app, db, directory=MIGRATIONS, render_as_batch=True, compare_type=True)
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.session_protection = "strong"
    login_manager.login_view = "pages.login"
    login_manager.login_message = "Vui lòng đăng nhập để tiếp tục."
    auth.configure(app.config["ARGON2_TIME_COST"], app.config["ARGON2_MEMORY_COST"])

    from . import cli, errors
    from .api import bp as api_bp
    from .pages import bp as pages_bp

    app.register_blueprint(api_bp)
    csrf.exempt(api_bp)  # bearer tokens only, never cookies
    app.register_blueprint(pages_bp)
    errors.register(app)
    cli.register(app)
    return app


@login_manager.user_loader
def _load_user(session_id: str) -> User | None:
    user_id, _, stamp = session_id.partition(":")
    number = ascii_int(user_id)
    if number is None or not fits_integer(number):
        return None
    user = db.session.get(User, number)
    if user is None or not user.active or user.get_id() != session_id:
        return None
    return user
