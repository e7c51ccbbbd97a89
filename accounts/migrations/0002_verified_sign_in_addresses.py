"""Every existing account's sign-in address becomes its verified, primary address.

Accounts were made from invitations that reached these addresses (or by a site
admin). From now on a new address replaces the old one only once verified
(ACCOUNT_CHANGE_EMAIL), and allauth refuses to make an unverified address primary
only when a verified one exists: so each account needs its verified one. Other
verified addresses of the account are removed (one sign-in address per account);
an address another account has already verified is skipped (it cannot be verified
twice).
"""

from __future__ import annotations

from django.db import migrations


def forwards(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    EmailAddress = apps.get_model("account", "EmailAddress")
    for user in User.objects.exclude(email="").iterator():
        email = user.email.lower()
        if (
            EmailAddress.objects.filter(email__iexact=email, verified=True)
            .exclude(user=user)
            .exists()
        ):
            continue
        # One sign-in address per account from now on (ACCOUNT_CHANGE_EMAIL): other
        # verified addresses stop logging in; a pending unverified one stays pending.
        EmailAddress.objects.filter(user=user, verified=True).exclude(email__iexact=email).delete()
        EmailAddress.objects.filter(user=user, primary=True).exclude(
            email__iexact=email
        ).update(primary=False)
        row = EmailAddress.objects.filter(user=user, email__iexact=email).first()
        if row is None:
            EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
        elif not (row.verified and row.primary):
            row.verified = True
            row.primary = True
            row.save(update_fields=["verified", "primary"])


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("account", "0009_emailaddress_unique_primary_email"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
