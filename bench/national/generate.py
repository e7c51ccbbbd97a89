"""National-scale data, generated inside PostgreSQL with ``INSERT … SELECT generate_series``.

Nothing goes through the ORM row by row: each table is one (or a few) set-based
statements, so the whole country takes a couple of minutes on two cores. The shape:

- 30,000 organisations (schools, universities, local government, …) in 77 provinces;
- 5,000 networks of 20 member organisations each; an organisation belongs to about
  3.3 networks, as real schools sit in several networks at once;
- 150,000 people (5 per organisation) and a login for everyone who holds a role;
- per network: 8 roadmap steps, the 14-row obstacle register, 40 activities owned by
  member organisations, 5 progress updates per activity (1,000,000 in all), 3 wins,
  2 health-check rounds with 10 answers each, a confirmed reporting schedule, a past
  period (mostly submitted) and a current period whose 20 reports are all due on the
  same day — 100,000 reports due on one day, which is what the reminder sweep meets;
- the history rows (django-simple-history) the network page reads: one "created"
  row per network, membership and role.

Ids are chosen arithmetically so rows can refer to each other without lookups:
organisation ``o`` has people ``5(o-1)+1 … 5(o-1)+5``; slot 0 is its director, who
represents it (or coordinates, in the network it leads); a person with a role has a
user with the same id. Member ``k`` (0…19, 0 = lead) of network ``n`` is organisation
``((n-1)·6 + k·1501) mod 30000 + 1``, which spreads organisations over ~3.3 networks
and never puts one twice in the same network.

Idempotent: a row in ``bench_national_meta`` records a finished generation; a second
run skips unless asked to regenerate (or the generator's version changed).
"""

# Every value formatted into the SQL below is one of this module's integer constants or
# table names; user-facing text goes in as bound parameters.
# ruff: noqa: S608
from __future__ import annotations

import datetime as dt
import re
import time

from django.db import connection, transaction

from . import names

VERSION = 4
NETWORKS = 5_000
ORGANISATIONS = 30_000
PEOPLE_PER_ORG = 5
MEMBERS = 20
ACTIVITIES_PER_NETWORK = 40
UPDATES_PER_ACTIVITY = 5
ORG_STEP = ORGANISATIONS // NETWORKS  # 6: each network's lead is a different organisation
MEMBER_STRIDE = 1501  # 20 * 1501 > 30000 would wrap; 19 * 1501 < 30000 keeps members distinct
ADMIN_ID = ORGANISATIONS * PEOPLE_PER_ORG + 1
ADMIN_EMAIL = "national-admin@khruakhai.example"

# Tables the generator writes (and truncates to regenerate), in dependency order.
TABLES = [
    "reports_reminder",
    "reports_notification",
    "reports_progressreport",
    "reports_historicalprogressreport",
    "reports_reportingperiod",
    "reports_reportingschedule",
    "reports_historicalreportingschedule",
    "roadmap_healthresponse",
    "roadmap_healthround",
    "roadmap_win_organisations",
    "roadmap_win",
    "roadmap_progressupdate",
    "roadmap_activity_owners",
    "roadmap_activity",
    "roadmap_obstacleentry",
    "roadmap_step",
    "network_historicalrole",
    "network_historicalmembership",
    "network_historicalnetwork",
    "network_role",
    "network_membership",
    "network_network",
    "network_person",
    "network_organisation",
    "django_session",
    "accounts_user",
]
EXPLICIT_ID_TABLES = [
    "network_organisation",
    "network_network",
    "network_person",
    "accounts_user",
    "roadmap_step",
    "roadmap_activity",
    "reports_reportingperiod",
]


def _meta_table() -> None:
    with connection.cursor() as cur:
        cur.execute(
            "CREATE TABLE IF NOT EXISTS bench_national_meta ("
            " version integer NOT NULL, generated_at timestamptz NOT NULL,"
            " generated_on date NOT NULL, due_on date NOT NULL, seconds double precision NOT NULL,"
            " counts jsonb NOT NULL)"
        )


def existing() -> dict | None:
    """The finished generation of this version, if any."""
    _meta_table()
    with connection.cursor() as cur:
        cur.execute(
            "SELECT generated_at, generated_on, due_on, seconds, counts FROM bench_national_meta"
            " WHERE version = %s ORDER BY generated_at DESC LIMIT 1",
            [VERSION],
        )
        row = cur.fetchone()
    if row is None:
        return None
    generated_at, generated_on, due_on, seconds, counts = row
    if isinstance(counts, str):  # stored as a JSON string by generator version 3
        import json

        counts = json.loads(counts)
    return {
        "generated_at": generated_at,
        "generated_on": generated_on,
        "due_on": due_on,
        "seconds": seconds,
        "counts": counts,
        "skipped": True,
    }


def ensure(*, regenerate: bool = False, log=print) -> dict:
    """Generate unless a finished generation of this version is already there."""
    found = None if regenerate else existing()
    if found is not None:
        log(f"   national data already there (generated {found['generated_at']:%Y-%m-%d %H:%M})")
        return found
    return generate(log=log)


def _member_sql(network: str, k: str) -> str:
    return f"((({network}) - 1) * {ORG_STEP} + ({k}) * {MEMBER_STRIDE}) % {ORGANISATIONS} + 1"


def _person_sql(org: str, slot: int) -> str:
    return f"((({org}) - 1) * {PEOPLE_PER_ORG} + {slot + 1})"


def generate(*, log=print) -> dict:
    from network.catalogue import BENEFITS, NETWORK_FORMS
    from network.provinces import PROVINCES
    from roadmap.catalogue import DISADVANTAGES, HEALTH_ITEMS, OBSTACLES, STEPS

    started = time.perf_counter()
    today = dt.date.today()
    due = today + dt.timedelta(days=7)
    p = {
        "today": today,
        "due": due,
        "villages": names.VILLAGES,
        "temples": names.TEMPLES,
        "themes": names.NETWORK_THEMES,
        "first": names.FIRST_NAMES,
        "last": names.SURNAMES,
        "titles": names.ACTIVITY_TITLES,
        "narratives": names.NARRATIVES,
        "wins": names.WIN_TITLES,
        "charter": names.CHARTER,
        "prov_code": [e.code for e in PROVINCES],
        "prov_th": [e.th for e in PROVINCES],
        "prov_en": [e.en for e in PROVINCES],
        "forms": [e.code for e in NETWORK_FORMS],
        "benefits": [e.code for e in BENEFITS],
        "steps": [e.code for e in STEPS],
        "risk_codes": [e.code for e in OBSTACLES] + [e.code for e in DISADVANTAGES],
        "risk_kinds": ["obstacle"] * len(OBSTACLES) + ["disadvantage"] * len(DISADVANTAGES),
        "health": [e.code for e in HEALTH_ITEMS],
    }
    nv, nt, nth = len(names.VILLAGES), len(names.TEMPLES), len(names.NETWORK_THEMES)
    nf, nl = len(names.FIRST_NAMES), len(names.SURNAMES)
    n_risks = len(p["risk_codes"])
    member = _member_sql("n", "k")

    def run(label: str, sql: str) -> None:
        t0 = time.perf_counter()
        # Every % in the SQL is modulo except the %(name)s placeholders: escape it.
        sql = re.sub(r"%(?!\()", "%%", sql)
        with connection.cursor() as cur:
            cur.execute(sql, p)
            count = cur.rowcount
        log(f"   {label}: {count:,} rows in {time.perf_counter() - t0:.1f} s")

    with transaction.atomic():
        with connection.cursor() as cur:
            cur.execute("TRUNCATE " + ", ".join(TABLES) + " RESTART IDENTITY CASCADE")
            cur.execute("DELETE FROM bench_national_meta")
            # One big load: a larger work_mem keeps the sorts behind index builds in memory.
            cur.execute("SET LOCAL work_mem = '256MB'")
            cur.execute("SET LOCAL maintenance_work_mem = '512MB'")
            cur.execute("SET LOCAL synchronous_commit = off")

        run(
            "organisations",
            f"""
            INSERT INTO network_organisation (id, name_th, name_en, kind, province, address,
                phone, email, website, created_at, updated_at, official_code)
            SELECT i, CASE kind
                    WHEN 'school' THEN CASE (i / 7) % 4
                        WHEN 0 THEN 'โรงเรียนบ้าน' || v
                        WHEN 1 THEN 'โรงเรียน' || v || 'วิทยา'
                        WHEN 2 THEN 'โรงเรียนวัด' || (%(temples)s::text[])[1 + (i * 5) % {nt}]
                        ELSE 'โรงเรียนอนุบาล' || v END
                    WHEN 'university' THEN 'มหาวิทยาลัยราชภัฏ' || pth
                    WHEN 'government' THEN 'สำนักงานเขตพื้นที่การศึกษาประถมศึกษา' || pth
                        || ' เขต ' || (1 + i % 3)
                    WHEN 'local_government' THEN CASE i % 2
                        WHEN 0 THEN 'องค์การบริหารส่วนตำบล' || v ELSE 'เทศบาลตำบล' || v END
                    WHEN 'foundation' THEN 'มูลนิธิพัฒนาเด็กและเยาวชน' || pth
                    WHEN 'company' THEN 'บริษัท ' || v || 'พัฒนา จำกัด'
                    WHEN 'community' THEN 'วิสาหกิจชุมชน' || v
                    ELSE 'โรงพยาบาลส่งเสริมสุขภาพตำบล' || v END,
                CASE WHEN kind = 'university' THEN pen || ' Rajabhat University' ELSE '' END,
                kind, pcode,
                'หมู่ ' || (1 + i % 12) || ' ตำบล' || v || ' ' || pth,
                '0' || (2 + i % 6) || '-' || lpad(((i * 7919) % 1000000)::text, 6, '0'),
                'org' || i || '@khruakhai.example', '', now(), now(), ''
            FROM (
                SELECT i, (%(villages)s::text[])[1 + (i * 13) % {nv}] AS v,
                    (%(prov_code)s::text[])[1 + ((i - 1) / {ORG_STEP}) % 77] AS pcode,
                    (%(prov_th)s::text[])[1 + ((i - 1) / {ORG_STEP}) % 77] AS pth,
                    (%(prov_en)s::text[])[1 + ((i - 1) / {ORG_STEP}) % 77] AS pen,
                    CASE WHEN (i - 1) % {ORG_STEP} = 0 OR (i * 7) % 100 < 68 THEN 'school'
                        WHEN (i * 7) % 100 < 71 THEN 'university'
                        WHEN (i * 7) % 100 < 78 THEN 'government'
                        WHEN (i * 7) % 100 < 86 THEN 'local_government'
                        WHEN (i * 7) % 100 < 89 THEN 'foundation'
                        WHEN (i * 7) % 100 < 92 THEN 'company'
                        WHEN (i * 7) % 100 < 97 THEN 'community'
                        ELSE 'other' END AS kind
                FROM generate_series(1, {ORGANISATIONS}) i
            ) o
            """,
        )
        run(
            "networks",
            f"""
            INSERT INTO network_network (id, name_th, name_en, slug, form, status,
                lead_organisation_id, founded_on, benefits, purpose, principle, capability,
                concept, structure, practice, dissolved_on, dissolution_reason,
                created_at, updated_at)
            SELECT n,
                'เครือข่าย' || (%(themes)s::text[])[1 + n % {nth}] || ' อำเภอ'
                    || (%(villages)s::text[])[1 + (n * 7) % {nv}]
                    || CASE WHEN (n - 1) % 77 = 0 THEN ' กรุงเทพมหานคร'
                        ELSE ' จังหวัด' || (%(prov_th)s::text[])[1 + (n - 1) % 77] END,
                '', 'net-' || lpad(n::text, 5, '0'),
                (%(forms)s::text[])[1 + n % 3],
                CASE WHEN n % 100 < 95 THEN 'active' WHEN n % 100 < 99 THEN 'forming'
                    ELSE 'dissolved' END,
                (n - 1) * {ORG_STEP} + 1,
                %(today)s::date - (200 + n % 1200),
                jsonb_build_array((%(benefits)s::text[])[1 + n % 8],
                    (%(benefits)s::text[])[1 + (n + 3) % 8],
                    (%(benefits)s::text[])[1 + (n + 5) % 8]),
                %(charter)s, %(charter)s, %(charter)s, %(charter)s, %(charter)s, %(charter)s,
                CASE WHEN n % 100 = 99 THEN %(today)s::date - 30 END,
                CASE WHEN n % 100 = 99 THEN 'บรรลุวัตถุประสงค์ของเครือข่ายแล้ว' ELSE '' END,
                (%(today)s::date - (200 + n % 1200))::timestamptz + interval '9 hours', now()
            FROM generate_series(1, {NETWORKS}) n
            """,
        )
        run(
            "memberships",
            f"""
            INSERT INTO network_membership (place, joined_on, left_on, network_id,
                organisation_id)
            SELECT CASE WHEN k = 0 THEN 'lead' ELSE 'partner' END,
                %(today)s::date - (200 + n % 1200) + k, NULL, n, {member}
            FROM generate_series(1, {NETWORKS}) n, generate_series(0, {MEMBERS - 1}) k
            """,
        )
        run(
            "people",
            f"""
            INSERT INTO network_person (id, title, full_name, position, category, email, phone,
                created_at, organisation_id, user_id)
            SELECT id,
                CASE WHEN id % 17 = 0 THEN 'ดร.' WHEN fi <= 16 THEN 'นาย'
                    WHEN id % 3 = 0 THEN 'นาง' ELSE 'นางสาว' END,
                (%(first)s::text[])[fi] || ' ' || (%(last)s::text[])[1 + (id * 11 + id / 3) % {nl}],
                CASE slot WHEN 0 THEN 'ผู้อำนวยการ' WHEN 1 THEN 'รองผู้อำนวยการ'
                    WHEN 2 THEN 'ครูชำนาญการพิเศษ' ELSE 'ครู' END,
                CASE slot WHEN 0 THEN 'school_administrator' WHEN 1 THEN 'school_administrator'
                    WHEN 2 THEN 'outstanding_teacher' ELSE '' END,
                CASE WHEN slot < 3 THEN 'kru' || id || '@khruakhai.example' ELSE '' END,
                '08' || (id % 10) || '-' || lpad(((id * 7907) % 10000000)::text, 7, '0'),
                now(), (id - 1) / {PEOPLE_PER_ORG} + 1, NULL
            FROM (SELECT id, (id - 1) % {PEOPLE_PER_ORG} AS slot, 1 + (id * 7 + id / 5) % {nf} AS fi
                  FROM generate_series(1, {ORGANISATIONS * PEOPLE_PER_ORG}) id) x
            """,
        )
        with connection.cursor() as cur:
            cur.execute(
                f"CREATE TEMP TABLE bn_member ON COMMIT DROP AS SELECT n AS network_id, k,"
                f" {member} AS organisation_id"
                f" FROM generate_series(1, {NETWORKS}) n, generate_series(0, {MEMBERS - 1}) k"
            )
        # Lead's director coordinates; every other member's director represents it; the
        # deputies of the first members lead, chair and sit on the committee; half the
        # members also have a teacher in the network as a plain member.
        run(
            "roles",
            f"""
            INSERT INTO network_role (kind, created_at, network_id, person_id)
            SELECT kind, (%(today)s::date - (200 + network_id % 1200) + k)::timestamptz
                    + interval '10 hours', network_id, person_id
            FROM (
                SELECT network_id, k, CASE WHEN k = 0 THEN 'coordinator' ELSE 'partner_rep' END
                    AS kind, {_person_sql("organisation_id", 0)} AS person_id FROM bn_member
                UNION ALL
                SELECT network_id, k, CASE k WHEN 0 THEN 'core_leader' WHEN 1 THEN 'chair'
                    ELSE 'committee' END, {_person_sql("organisation_id", 1)}
                FROM bn_member WHERE k <= 3
                UNION ALL
                SELECT network_id, k, 'member', {_person_sql("organisation_id", 2)}
                FROM bn_member WHERE k % 2 = 0
            ) r
            """,
        )
        run(
            "users (everyone with a role, every director)",
            f"""
            INSERT INTO accounts_user (id, password, last_login, is_superuser, is_staff,
                is_active, date_joined, email, full_name, language)
            SELECT p.id, '!', NULL, false, false, true, now(),
                'kru' || p.id || '@national.khruakhai.example', p.title || p.full_name,
                CASE WHEN p.id % 20 = 0 THEN 'en' ELSE 'th' END
            FROM network_person p
            WHERE (p.id - 1) % {PEOPLE_PER_ORG} = 0
               OR p.id IN (SELECT person_id FROM network_role)
            """,
        )
        with connection.cursor() as cur:
            cur.execute(
                "UPDATE network_person SET user_id = id WHERE id IN (SELECT id FROM accounts_user)"
            )
            cur.execute(
                "INSERT INTO accounts_user (id, password, is_superuser, is_staff, is_active,"
                " date_joined, email, full_name, language)"
                " VALUES (%s, '!', true, true, true, now(), %s, 'ผู้ดูแลระบบระดับประเทศ', 'th')",
                [ADMIN_ID, ADMIN_EMAIL],
            )
        run(
            "roadmap steps",
            f"""
            INSERT INTO roadmap_step (id, number, code, status, target_start, target_end, notes,
                updated_at, network_id)
            SELECT (n - 1) * 8 + s, s, (%(steps)s::text[])[s],
                CASE WHEN s < 2 + n % 6 THEN 'done' WHEN s = 2 + n % 6 THEN 'in_progress'
                    ELSE 'not_started' END,
                %(today)s::date - 180 + (s - 1) * 45, %(today)s::date - 180 + s * 45, '', now(), n
            FROM generate_series(1, {NETWORKS}) n, generate_series(1, 8) s
            """,
        )
        run(
            "obstacle register",
            f"""
            INSERT INTO roadmap_obstacleentry (code, kind, likelihood, impact, mitigation,
                review_on, updated_at, network_id, owner_id)
            SELECT (%(risk_codes)s::text[])[r], (%(risk_kinds)s::text[])[r],
                1 + (n * 3 + r * 7) % 5, 1 + (n * 5 + r * 3) % 5,
                CASE WHEN (n + r) % 3 = 0 THEN 'ประชุมแกนนำทุกเดือนและติดตามผลร่วมกัน' ELSE '' END,
                %(today)s::date + (n + r) % 90, now(), n, NULL
            FROM generate_series(1, {NETWORKS}) n, generate_series(1, {n_risks}) r
            """,
        )
        run(
            "activities",
            f"""
            INSERT INTO roadmap_activity (id, title, description, start_on, due_on, status,
                blocked_reason, percent, version, created_at, updated_at, responsible_id, step_id)
            SELECT id, (%(titles)s::text[])[1 + (j + n) % {len(names.ACTIVITY_TITLES)}],
                'รายละเอียดกิจกรรมตามแผนปฏิบัติการของเครือข่าย', due - 75, due, status,
                CASE WHEN status = 'blocked' THEN 'รองบประมาณจากต้นสังกัด' ELSE '' END,
                CASE status WHEN 'done' THEN 100 WHEN 'in_progress' THEN 10 + h % 80
                    WHEN 'blocked' THEN h % 60 ELSE 0 END,
                {UPDATES_PER_ACTIVITY + 1}, (due - 75)::timestamptz, now(),
                {_person_sql("organisation_id", 0)}, (n - 1) * 8 + j % 8 + 1
            FROM (
                SELECT (n - 1) * {ACTIVITIES_PER_NETWORK} + j + 1 AS id, n, j, h, due,
                    organisation_id,
                    CASE WHEN h < 35 OR due < %(today)s::date - 60 THEN 'done'
                        WHEN h < 75 THEN 'in_progress' WHEN h < 92 THEN 'not_started'
                        ELSE 'blocked' END AS status
                FROM (
                    SELECT n, j, (n * 31 + j * 17) % 100 AS h,
                        %(today)s::date + ((j * 13 + n * 7) % 240 - 120) AS due
                    FROM generate_series(1, {NETWORKS}) n,
                        generate_series(0, {ACTIVITIES_PER_NETWORK - 1}) j
                ) a JOIN bn_member m ON m.network_id = a.n AND m.k = a.j % {MEMBERS}
            ) x
            """,
        )
        run(
            "activity owners",
            f"""
            INSERT INTO roadmap_activity_owners (activity_id, organisation_id)
            SELECT (n - 1) * {ACTIVITIES_PER_NETWORK} + j + 1, m.organisation_id
            FROM generate_series(1, {NETWORKS}) n,
                generate_series(0, {ACTIVITIES_PER_NETWORK - 1}) j
            JOIN bn_member m ON m.k = j % {MEMBERS}
                OR (j % 3 = 0 AND m.k = (j + 7) % {MEMBERS})
            WHERE m.network_id = n
            """,
        )
        run(
            "progress updates",
            f"""
            INSERT INTO roadmap_progressupdate (percent, status, blocked_reason, narrative,
                based_on_version, created_at, activity_id, author_id, organisation_id,
                notified_at)
            SELECT a.percent * u / {UPDATES_PER_ACTIVITY},
                CASE WHEN u = {UPDATES_PER_ACTIVITY} THEN a.status
                    WHEN a.status = 'not_started' THEN 'not_started' ELSE 'in_progress' END,
                CASE WHEN u = {UPDATES_PER_ACTIVITY} THEN a.blocked_reason ELSE '' END,
                (%(narratives)s::text[])[1 + (a.id + u) % {len(names.NARRATIVES)}], u,
                least(now() - interval '1 hour',
                    a.start_on::timestamptz + (u * 12) * interval '1 day'
                    + ((a.id * 37 + u * 101) % 600) * interval '1 minute' + interval '8 hours'),
                a.id, a.responsible_id, (a.responsible_id - 1) / {PEOPLE_PER_ORG} + 1,
                CASE WHEN u = {UPDATES_PER_ACTIVITY} AND a.status = 'blocked' THEN now() END
            FROM roadmap_activity a, generate_series(1, {UPDATES_PER_ACTIVITY}) u
            """,
        )
        run(
            "wins",
            f"""
            INSERT INTO roadmap_win (title, description, happened_on, created_at, network_id,
                recorded_by_id, step_id)
            SELECT (%(wins)s::text[])[w], 'ผลสำเร็จที่เกิดจากความร่วมมือของภาคีเครือข่าย',
                %(today)s::date - (w * 40 + n % 30), now(), n,
                {_person_sql(_member_sql("n", "0"), 0)}, (n - 1) * 8 + 6
            FROM generate_series(1, {NETWORKS}) n, generate_series(1, 3) w
            """,
        )
        run(
            "win credits",
            """
            INSERT INTO roadmap_win_organisations (win_id, organisation_id)
            SELECT w.id, n.lead_organisation_id FROM roadmap_win w
            JOIN network_network n ON n.id = w.network_id
            """,
        )
        run(
            "health rounds",
            f"""
            INSERT INTO roadmap_healthround (label, opened_on, closes_on, created_at, network_id)
            SELECT CASE r WHEN 1 THEN 'ภาคเรียนที่ 2/2568' ELSE 'ภาคเรียนที่ 1/2569' END,
                %(today)s::date - (r = 1)::int * 180 - 20, %(today)s::date
                    - (r = 1)::int * 180 - 6, now(), n
            FROM generate_series(1, {NETWORKS}) n, generate_series(1, 2) r
            """,
        )
        run(
            "health answers",
            f"""
            INSERT INTO roadmap_healthresponse (answers, comment, created_at, updated_at,
                organisation_id, respondent_id, round_id)
            SELECT (SELECT jsonb_object_agg(code, 1 + (hr.id * 7 + m.k * 3 + i * 5) % 5)
                    FROM unnest(%(health)s::text[]) WITH ORDINALITY t(code, i)),
                '', hr.opened_on::timestamptz + interval '10 hours',
                hr.opened_on::timestamptz + interval '10 hours',
                m.organisation_id, {_person_sql("m.organisation_id", 0)}, hr.id
            FROM roadmap_healthround hr JOIN bn_member m ON m.network_id = hr.network_id
            WHERE m.k < 10
            """,
        )
        run(
            "history: networks",
            """
            INSERT INTO network_historicalnetwork (id, name_th, name_en, slug, form, status,
                founded_on, benefits, purpose, principle, capability, concept, structure,
                practice, dissolved_on, dissolution_reason, created_at, updated_at,
                history_date, history_change_reason, history_type, history_user_id,
                lead_organisation_id)
            SELECT id, name_th, name_en, slug, form, status, founded_on, benefits, purpose,
                principle, capability, concept, structure, practice, dissolved_on,
                dissolution_reason, created_at, updated_at, created_at, NULL, '+', NULL,
                lead_organisation_id
            FROM network_network
            """,
        )
        run(
            "history: memberships",
            """
            INSERT INTO network_historicalmembership (id, place, joined_on, left_on,
                history_date, history_change_reason, history_type, history_user_id,
                network_id, organisation_id)
            SELECT id, place, joined_on, left_on, joined_on::timestamptz + interval '9 hours',
                NULL, '+', NULL, network_id, organisation_id
            FROM network_membership
            """,
        )
        run(
            "history: roles",
            """
            INSERT INTO network_historicalrole (id, kind, created_at, history_date,
                history_change_reason, history_type, history_user_id, network_id, person_id)
            SELECT id, kind, created_at, created_at, NULL, '+', NULL, network_id, person_id
            FROM network_role
            """,
        )
        run(
            "reporting schedules",
            """
            INSERT INTO reports_reportingschedule (frequency, due_day, custom_end_dates,
                starts_on, remind_days_before, remind_on_due_day, remind_days_after,
                escalate_after_days, send_time, quiet_start, quiet_end, weekly_cap, status,
                proposed_from, confirmed_at, created_at, updated_at, network_id, custom_names,
                pending_change, semester1_starts, semester1_ends, semester2_starts,
                semester2_ends, escalate_chair_after_days)
            SELECT 'quarterly', 7, '[]', founded_on, '[7, 1]', true, '[3]', 7, '08:00',
                '20:00', '07:00', 5, 'confirmed', '', now(), now(), now(), id, '{}', '{}',
                '05-16', '10-31', '11-01', '03-31', 14
            FROM network_network
            """,
        )
        run(
            "reporting periods",
            f"""
            INSERT INTO reports_reportingperiod (id, starts_on, ends_on, due_on, opened_at,
                network_id, name_th, name_en)
            SELECT (n - 1) * 2 + r,
                CASE r WHEN 1 THEN %(due)s::date - 188 ELSE %(due)s::date - 97 END,
                CASE r WHEN 1 THEN %(due)s::date - 98 ELSE %(due)s::date - 7 END,
                CASE r WHEN 1 THEN %(due)s::date - 91 ELSE %(due)s::date END,
                CASE r WHEN 1 THEN %(due)s::date - 98 ELSE %(due)s::date - 7 END
                    ::timestamptz + interval '1 day', n, '', ''
            FROM generate_series(1, {NETWORKS}) n, generate_series(1, 2) r
            """,
        )
        # The past period: most accepted or submitted (some late), the rest never sent.
        run(
            "progress reports, past period",
            f"""
            INSERT INTO reports_progressreport (status, problems, help_needed, submitted_at,
                review_round, reviewed_at, review_comment, created_at, updated_at,
                organisation_id, reviewed_by_id, submitted_by_id, period_id)
            SELECT status,
                CASE WHEN status <> 'draft' THEN 'ครูติดภารกิจอบรมหลายครั้ง ทำให้กิจกรรมล่าช้า'
                    ELSE '' END,
                CASE WHEN status <> 'draft' AND h % 3 = 0 THEN 'ต้องการวิทยากรด้านการวัดผล'
                    ELSE '' END,
                CASE WHEN status <> 'draft' THEN (%(due)s::date - 91 - 5 + h % 8)::timestamptz
                    + interval '14 hours' END,
                (status = 'accepted')::int,
                CASE WHEN status = 'accepted' THEN (%(due)s::date - 80)::timestamptz END,
                '', now(), now(), organisation_id,
                CASE WHEN status = 'accepted' THEN {_person_sql(_member_sql("network_id", "0"), 0)}
                    END,
                CASE WHEN status <> 'draft' THEN {_person_sql("organisation_id", 0)} END,
                (network_id - 1) * 2 + 1
            FROM (SELECT network_id, organisation_id, (network_id * 7 + k * 11) % 100 AS h,
                    CASE WHEN (network_id * 7 + k * 11) % 100 < 70 THEN 'accepted'
                        WHEN (network_id * 7 + k * 11) % 100 < 85 THEN 'submitted'
                        ELSE 'draft' END AS status
                  FROM bn_member) x
            """,
        )
        run(
            "progress reports due on one day",
            """
            INSERT INTO reports_progressreport (status, problems, help_needed, submitted_at,
                review_round, reviewed_at, review_comment, created_at, updated_at,
                organisation_id, reviewed_by_id, submitted_by_id, period_id)
            SELECT 'draft', '', '', NULL, 0, NULL, '', now(), now(), organisation_id, NULL,
                NULL, (network_id - 1) * 2 + 2
            FROM bn_member
            """,
        )
        with connection.cursor() as cur:
            for table in EXPLICIT_ID_TABLES:
                cur.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"
                    f" (SELECT max(id) FROM {table}))"
                )
        counts = _counts()
        seconds = time.perf_counter() - started
        with connection.cursor() as cur:
            cur.execute(
                "INSERT INTO bench_national_meta VALUES (%s, now(), %s, %s, %s, %s::jsonb)",
                [VERSION, today, due, seconds, _json(counts)],
            )
    t0 = time.perf_counter()
    with connection.cursor() as cur:
        cur.execute("VACUUM ANALYZE")
    log(f"   VACUUM ANALYZE in {time.perf_counter() - t0:.1f} s")
    # The whole cost: the deferred foreign-key checks run at COMMIT, then VACUUM ANALYZE.
    seconds = time.perf_counter() - started
    with connection.cursor() as cur:
        cur.execute(
            "UPDATE bench_national_meta SET seconds = %s WHERE version = %s", [seconds, VERSION]
        )
    log(f"   national data generated in {seconds:.0f} s")
    return {
        "generated_at": dt.datetime.now(),
        "generated_on": today,
        "due_on": due,
        "seconds": seconds,
        "counts": counts,
        "skipped": False,
    }


def _json(value) -> str:
    import json

    return json.dumps(value)


def _counts() -> dict[str, int]:
    tables = {
        "networks": "network_network",
        "organisations": "network_organisation",
        "people": "network_person",
        "users": "accounts_user",
        "memberships": "network_membership",
        "roles": "network_role",
        "activities": "roadmap_activity",
        "progress updates": "roadmap_progressupdate",
        "progress reports": "reports_progressreport",
    }
    out = {}
    with connection.cursor() as cur:
        for label, table in tables.items():
            cur.execute(f"SELECT count(*) FROM {table}")
            out[label] = cur.fetchone()[0]
        cur.execute(
            "SELECT count(*) FROM reports_progressreport r"
            " JOIN reports_reportingperiod p ON p.id = r.period_id"
            " WHERE p.due_on = (SELECT max(due_on) FROM reports_reportingperiod)"
        )
        out["reports due on one day"] = cur.fetchone()[0]
    return out
