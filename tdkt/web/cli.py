"""Flask CLI commands: `flask --app wsgi seed-demo`."""

from __future__ import annotations

import os
import time

import click
from flask import Flask, current_app
from flask_migrate import upgrade

from .. import demo
from ..models import db
from ..workflow import attachment_gc, audit, jobs, reminders
from ..workflow.audit_verify import verify


def register(app: Flask) -> None:
    jobs.register_cli(app)
    attachment_gc.register_cli(app)

    @app.cli.command("seed-demo")
    def seed_demo():
        """Apply the migrations, then load the demo units, campaigns and users (idempotent)."""
        upgrade()
        demo.seed(current_app.config["DEMO_PASSWORD"])
        db.session.commit()
        # A password chosen through the environment is a secret; the built-in one is public.
        if "DEMO_PASSWORD" in os.environ:
            click.echo("Đã nạp dữ liệu mẫu (mật khẩu mọi tài khoản: giá trị của DEMO_PASSWORD).")
        else:
            click.echo(f"Đã nạp dữ liệu mẫu (mật khẩu mọi tài khoản: {current_app.config['DEMO_PASSWORD']}).")

    @app.cli.group("audit")
    def audit_group():
        """The tamper-evident audit trail."""

    @audit_group.command("verify")
    def audit_verify():
        """Walk the hash chain and the checkpoints; exit 1 at the first bad event."""
        verdict = verify()
        if verdict.ok:
            click.echo(f"Nhật ký toàn vẹn: {verdict.events} sự kiện.")
            return
        click.echo(
            f"Nhật ký KHÔNG toàn vẹn sau {verdict.events} sự kiện hợp lệ: {verdict.problem} "
            f"(sự kiện id={verdict.first_bad_event_id}).",
            err=True,
        )
        raise SystemExit(1)

    @audit_group.command("checkpoint")
    def audit_checkpoint():
        """Record the chain's head, so that a cut tail is detected later."""
        point = audit.checkpoint()
        db.session.commit()
        click.echo(f"Mốc kiểm tra: {point.seq} sự kiện." if point else "Nhật ký trống.")

    @app.cli.group("deadlines")
    def deadlines_group():
        """Stage deadlines: reminders and escalations."""

    @deadlines_group.command("sweep")
    @click.option("--every", type=float, default=0, help="Chạy lặp lại mỗi N giây (thay cho cron).")
    def deadlines_sweep(every):
        """Remind holders the working day before a deadline; escalate overdue nominations."""
        while True:
            report = reminders.sweep()
            db.session.commit()
            click.echo(f"Đã nhắc {report.reminders} hồ sơ, báo quá hạn {report.escalations} hồ sơ.")
            if not every:
                return
            time.sleep(every)

    @deadlines_group.command("schedule")
    def deadlines_schedule():
        """Book the hourly sweep on the RQ scheduler (needs REDIS_URL and `flask worker`)."""
        if not current_app.config.get("REDIS_URL"):
            raise click.UsageError("Chưa cấu hình REDIS_URL: dùng cron với `flask deadlines sweep`.")
        click.echo(f"Đã hẹn lần quét tới: {reminders.schedule_next()}.")
