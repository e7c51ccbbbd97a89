from __future__ import annotations

from icalendar import Calendar

from reports import services


def test_ics_feed_parses_and_lists_the_users_due_dates(cast, reporting):
    _s, period, reports = reporting
    token = services.calendar_token_for(user=cast.partner).token
    response = cast.client("anonymous").get(f"/calendar/{token}.ics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    cal = Calendar.from_ical(response.content)
    events = [c for c in cal.walk("VEVENT")]
    uids = {str(e["UID"]) for e in events}
    assert f"report-{reports[cast.partner_org.pk].pk}@khruakhai" in uids
    # only the partner's own organisation's report, not the others'
    assert len(uids) == 1
    assert events[0].decoded("DTSTART") == period.due_on


def test_coordinator_feed_has_the_period_due_date(cast, reporting):
    _s, period, _r = reporting
    token = services.calendar_token_for(user=cast.coordinator).token
    cal = Calendar.from_ical(cast.client("anonymous").get(f"/calendar/{token}.ics").content)
    assert f"period-{period.pk}@khruakhai" in {str(e["UID"]) for e in cal.walk("VEVENT")}


def test_rotating_the_token_kills_the_old_address(cast, reporting):
    old = services.calendar_token_for(user=cast.partner).token
    assert cast.client("partner").post("/calendar/rotate/").status_code == 302
    new = services.calendar_token_for(user=cast.partner).token
    assert new != old
    assert cast.client("anonymous").get(f"/calendar/{old}.ics").status_code == 404
    assert cast.client("anonymous").get(f"/calendar/{new}.ics").status_code == 200
    assert cast.client("anonymous").get("/calendar/guess.ics").status_code == 404
