"""A work queue after a bulk action: every remaining row, the actions it now allows and the
panels offering them are rebuilt from the committed state, each row with its outcome."""

from __future__ import annotations

from test_pages_support import Browser

from tdkt.models import db

from factories import nomination_in, step


def panels(page) -> set[str]:
    return {e["attrs"]["id"].removeprefix("bulk-") for e in page.elements if e["attrs"].get("id", "").startswith("bulk-")}


def row_of(page, nomination_id: int) -> dict:
    return next(r for r in page.rows("queue-items") if int(r["data-nomination-id"]) == nomination_id)


def ticked(page) -> set[int]:
    return {int(e["attrs"]["value"]) for e in page.find(name="ids") if "checked" in e["attrs"]}


def test_after_claiming_the_rows_and_panels_are_those_of_the_new_state(app):
    a, b, stale = (nomination_in("submitted") for _ in range(3))
    db.session.commit()
    browser = Browser(app, "vpdp")
    before = browser.get("/queues/appraisal")
    assert "pass_appraisal" not in panels(before)
    versions = {n.id: n.version for n in (a, b, stale)}
    step(stale, "vpdp2", "start_appraisal")  # someone else claims it meanwhile
    db.session.commit()
    data = [("trigger", "start_appraisal"), ("start_appraisal-comment", "Nhận thẩm định")]
    for n in (a, b, stale):
        data += [("ids", str(n.id)), (f"version-{n.id}", str(versions[n.id]))]
    page = browser.post("/queues/appraisal", data)
    assert page.status == 200

    assert {"pass_appraisal", "return_for_revision", "reject"} <= panels(page)
    for n in (a, b):
        row = row_of(page, n.id)
        assert row["data-state"] == "in_appraisal" and row["data-outcome"] == "ok"
        assert "pass_appraisal" in row["data-actions"].split()
        assert "✔ Đã thực hiện" in row["text"]
        assert f'name="version-{n.id}" value="{versions[n.id] + 1}"' in page.html  # the fresh version
    refused = row_of(page, stale.id)  # vpdp2's now: still in the office's queue, with why
    assert refused["data-outcome"] == "failed" and "✘ Hồ sơ đã được người khác thay đổi" in refused["text"]
    assert ticked(page) == {stale.id}  # done items are not ticked again for the next action
    assert page.value("start_appraisal-comment") in (None, "")  # the panels start empty


def test_a_failed_item_stays_ticked_with_its_reason(app):
    ok, stale = nomination_in("in_appraisal"), nomination_in("in_appraisal")
    db.session.commit()
    browser = Browser(app, "vpdp")
    data = [("trigger", "return_for_revision"), ("return_for_revision-comment", "Thiếu xác nhận")]
    data += [("ids", str(ok.id)), (f"version-{ok.id}", str(ok.version))]
    data += [("ids", str(stale.id)), (f"version-{stale.id}", str(stale.version - 1))]
    page = browser.post("/queues/appraisal", data)
    assert page.status == 200
    row = row_of(page, stale.id)
    assert row["data-outcome"] == "failed" and "✘ Hồ sơ đã được người khác thay đổi" in row["text"]
    assert ok.id not in {int(r["data-nomination-id"]) for r in page.rows("queue-items")}  # returned
    assert ticked(page) == {stale.id}
