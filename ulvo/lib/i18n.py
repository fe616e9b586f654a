"""Texts of Django and django-allauth that ULVO's own catalogue translates.

Nothing imports these lists: they are here so that ``makemessages`` puts the msgids in
``locale/nl``, whose translations come before those of Django and allauth. That fills
what their Dutch catalogues lack, and words what they say in ULVO's voice and glossary
(``ulvo/lib/glossary.py``): *je* instead of *u* and *alstublieft*, *inloggen* and
*uitloggen* instead of *aanmelden* and *afmelden*, *tweestapsverificatie* instead of
*twee-factor-authenticatie*. Each msgid must be the library's own, character for
character (allauth's are in its ``locale/nl/LC_MESSAGES/django.po``);
``tests/test_glossary.py`` renders the account pages to see that they arrive.
"""

from django.utils.translation import gettext_noop, ngettext_lazy

MISSING_FROM_DJANGO = [
    gettext_noop("- Select an option -"),
    # Django 6.1 changed the msgid (%d); its Dutch catalogue still has the old one.
    ngettext_lazy(
        "This password is too short. It must contain at least %d character.",
        "This password is too short. It must contain at least %d characters.",
        0,
    ),
]

# django.contrib.auth's password validators speak with "u" in Dutch.
DJANGO_WORDING = [
    gettext_noop("Your password can’t be too similar to your other personal information."),
    ngettext_lazy(
        "Your password must contain at least %(min_length)d character.",
        "Your password must contain at least %(min_length)d characters.",
        0,
    ),
    gettext_noop("Your password can’t be a commonly used password."),
    gettext_noop("Your password can’t be entirely numeric."),
    gettext_noop("The password is too similar to the %(verbose_name)s."),
]

# django-allauth: the pages, messages and e-mails that ULVO's users reach (logging in
# and out, the password, e-mail addresses, two-factor authentication).
ALLAUTH_WORDING = [
    # Logging in and out
    gettext_noop("Sign In"),
    gettext_noop("Sign Out"),
    gettext_noop("Are you sure you want to sign out?"),
    gettext_noop("You have signed out."),
    gettext_noop("Successfully signed in as %(name)s."),
    gettext_noop("Email"),
    # Password
    gettext_noop("Forgot your password?"),
    gettext_noop("Forgot Password?"),
    gettext_noop("Please type your current password."),
    gettext_noop("You must type the same password each time."),
    gettext_noop("Current Password"),
    gettext_noop("New Password"),
    gettext_noop("New Password (again)"),
    gettext_noop("Change Password"),
    gettext_noop("Password successfully changed."),
    gettext_noop("Password successfully set."),
    gettext_noop("Your password is now changed."),
    gettext_noop("Incorrect password."),
    gettext_noop("Password Reset"),
    gettext_noop(
        "Forgotten your password? Enter your email address below, and we'll send you an "
        "email allowing you to reset it."
    ),
    gettext_noop("Reset My Password"),
    gettext_noop("Please contact us if you have any trouble resetting your password."),
    gettext_noop(
        "We have sent you an email. If you have not received it please check your spam "
        "folder. Otherwise contact us if you do not receive it in a few minutes."
    ),
    gettext_noop("Bad Token"),
    gettext_noop(
        "The password reset link was invalid, possibly because it has already been used.  "
        'Please request a <a href="%(passwd_reset_url)s">new password reset</a>.'
    ),
    gettext_noop("The password reset token was invalid."),
    gettext_noop("Password Reset Email"),
    gettext_noop("Thank you for using %(site_name)s!\n%(site_domain)s"),
    gettext_noop(
        "You're receiving this email because you or someone else has requested a password "
        "reset for your user account.\nIt can be safely ignored if you did not request a "
        "password reset. Click the link below to reset your password."
    ),
    # Confirming it is you
    gettext_noop("Confirm Access"),
    gettext_noop("Please reauthenticate to safeguard your account."),
    gettext_noop("Enter your password:"),
    gettext_noop("Enter an authenticator code:"),
    gettext_noop("Alternative options"),
    gettext_noop("Use your password"),
    gettext_noop("Use authenticator app or code"),
    # E-mail addresses
    gettext_noop("Email Addresses"),
    gettext_noop("The following email addresses are associated with your account:"),
    gettext_noop("Verified"),
    gettext_noop("Unverified"),
    gettext_noop("Primary"),
    gettext_noop("Make Primary"),
    gettext_noop("Re-send Verification"),
    gettext_noop("Add Email Address"),
    gettext_noop("Add Email"),
    gettext_noop("Primary email address set."),
    gettext_noop("You cannot remove your primary email address."),
    gettext_noop("You cannot remove your primary email address (%(email)s)."),
    gettext_noop("Your primary email address must be verified."),
    gettext_noop("Confirmation email sent to %(email)s."),
    gettext_noop("You have confirmed %(email)s."),
    gettext_noop(
        "Unable to confirm %(email)s because it is already confirmed by a different account."
    ),
    gettext_noop(
        "You cannot add an email address to an account protected by two-factor authentication."
    ),
    # Two-factor authentication
    gettext_noop("Two-Factor Authentication"),
    gettext_noop("Authenticator App"),
    gettext_noop("Authentication using an authenticator app is active."),
    gettext_noop("An authenticator app is not active."),
    gettext_noop("Activate"),
    gettext_noop("Deactivate"),
    gettext_noop("Activate Authenticator App"),
    gettext_noop("Deactivate Authenticator App"),
    gettext_noop(
        "To protect your account with two-factor authentication, scan the QR code below "
        "with your authenticator app. Then, input the verification code generated by the "
        "app below."
    ),
    gettext_noop("Authenticator secret"),
    gettext_noop(
        "You can store this secret and use it to reinstall your authenticator app at a later time."
    ),
    gettext_noop("Authenticator code"),
    gettext_noop(
        "You are about to deactivate authenticator app based authentication. Are you sure?"
    ),
    gettext_noop("Authenticator app activated."),
    gettext_noop("Authenticator app deactivated."),
    gettext_noop("You cannot deactivate two-factor authentication."),
    gettext_noop(
        "You cannot activate two-factor authentication until you have verified your email address."
    ),
    gettext_noop(
        "You cannot generate recovery codes without having two-factor authentication enabled."
    ),
    ngettext_lazy(
        "There is %(unused_count)s out of %(total_count)s recovery codes available.",
        "There are %(unused_count)s out of %(total_count)s recovery codes available.",
        0,
    ),
    gettext_noop("No recovery codes set up."),
    gettext_noop("View"),
    gettext_noop("Generate"),
    gettext_noop("You are about to generate a new set of recovery codes for your account."),
    gettext_noop("This action will invalidate your existing codes."),
    gettext_noop("Are you sure?"),
    gettext_noop("Generate new codes"),
    gettext_noop("A new set of recovery codes has been generated."),
]
