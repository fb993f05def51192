"""Forms of the login steps: password, new password, activation code, TOTP token, notices seen."""

import django_otp
from django import forms
from django.contrib.auth.forms import AuthenticationForm, SetPasswordMixin
from django.core.exceptions import ValidationError

from cadre_office.accounts import messages


class LoginForm(AuthenticationForm):
    """Django's login form, saying plainly when the username is locked (docs/security.md item 6)."""

    def clean(self):
        try:
            return super().clean()
        except ValidationError:
            # django-axes marks the request when it refuses a locked username, or locks it now.
            if getattr(self.request, "axes_locked_out", False):
                raise ValidationError(messages.LOCKED_OUT, code="locked_out") from None
            raise


class PasswordChangeForm(forms.Form):
    """Old password and the new one twice; the rules are checked by ``account_change_password``."""

    old_password = forms.CharField(
        label="原密码", strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "autofocus": True}),
    )
    new_password1 = forms.CharField(
        label="新密码", strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    new_password2 = forms.CharField(
        label="确认新密码", strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self):
        cleaned = super().clean()
        new1, new2 = cleaned.get("new_password1"), cleaned.get("new_password2")
        if new1 and new2 and new1 != new2:
            self.add_error(
                "new_password2",
                ValidationError(SetPasswordMixin.error_messages["password_mismatch"], code="password_mismatch"),
            )
        return cleaned


class OTPTokenForm(forms.Form):
    """A six-digit TOTP token, checked against ``devices`` (django-otp throttles repeated failures)."""

    otp_token = forms.CharField(
        label="动态口令", max_length=10,
        widget=forms.TextInput(attrs={
            "autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True, "pattern": "[0-9 ]*",
        }),
    )

    def __init__(self, *args, user, devices, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.devices = list(devices)
        self.device = None

    def clean_otp_token(self):
        token = self.cleaned_data["otp_token"].replace(" ", "")
        if token.isdigit():
            for device in self.devices:
                # Locks the device row, so one token cannot pass twice at the same moment.
                self.device = django_otp.verify_token(self.user, device.persistent_id, token)
                if self.device is not None:
                    return token
        raise ValidationError(messages.OTP_INVALID, code="invalid")


class ActivationCodeForm(forms.Form):
    """The one-time activation code that opens the enrolment of an authenticator (checked by the service)."""

    activation_code = forms.CharField(
        label="激活码", max_length=40,
        help_text="由确认人当面交给您的 12 位激活码（如 ABCD-EFGH-JKMN），不区分大小写。",
        widget=forms.TextInput(attrs={"autocomplete": "off", "autofocus": True, "spellcheck": "false",
                                      "autocapitalize": "characters"}),
        error_messages={"required": messages.ACTIVATION_REQUIRED},
    )


class NoticesSeenForm(forms.Form):
    """The notices the holder was shown and acknowledges (their ids, so a newer one is not marked unread)."""

    ids = forms.CharField(widget=forms.HiddenInput, required=False)

    def notice_ids(self) -> list[int]:
        return [int(part) for part in self.cleaned_data.get("ids", "").split(",") if part.strip().isdigit()]
