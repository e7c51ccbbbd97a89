"""Reports' pages, one module per page group (reports/urls.py imports the modules).

- ``overview``: the dashboard and the trend (coordinators, the chair and the committee)
- ``progress_reports``: the list of reports, one report (write, submit), review, remind now
- ``schedule``: the reporting schedule, the preview of a waiting change, confirm, propose
- ``committee``: committee report jobs and their PDFs
- ``exports``: CSV and Excel exports; the close-out reports of a dissolved network
- ``notices``: one's notifications, reminder settings and calendar address
- ``duties``: the signed agreement's duties turned into roadmap activities

Each view parses its input, asks ``reports.permissions`` for what it may touch, calls
one service or selector, and redirects or renders (form pages through
``core.responses.render_form``: an invalid form or a service's refusal answers 422).
"""
