from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import User


class DeleteAccountForm(forms.Form):
    """Typing one's own e-mail address confirms that the account must go."""

    confirm_email = forms.CharField(
        label=_("Type your e-mail address to confirm"),
        max_length=254,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_confirm_email(self) -> str:
        typed = self.cleaned_data["confirm_email"].strip()
        if typed.lower() != self.user.email.lower():
            raise forms.ValidationError(_("This is not the e-mail address of your account."))
        return typed
