"""Writes of the privacy app, by sub-domain:

- ``signins``: record a sign-in (the ``user_logged_in`` receiver calls it).
- ``erasure``: file a request to erase one's data; a site admin accepts (the registry
  anonymises the person everywhere) or declines it.
- ``notices``: the two emails, each claimed once (to the site admins when a request is
  filed; to the person when it is decided).
- ``retention``: the sweep that thins what is older than PERSONAL_DATA_RETENTION_DAYS.
"""
