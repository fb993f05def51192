"""Login, logout, password change, the TOTP second factor and the notices shown after login.

The steps an account owes after its password (second factor, notices, new password) are
enforced by ``AccountPolicyMiddleware``; these pages are where it sends the account.
"""

import base64
from base64 import b32encode

import django_otp
import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib import messages as django_messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.auth.password_validation import password_validators_help_texts
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.http import urlencode
from django.views.decorators.debug import sensitive_post_parameters
from django.views.generic import FormView
from django_otp.plugins.otp_totp.models import TOTPDevice

from cadre_office.accounts import messages, services
from cadre_office.accounts.auth_forms import (
    ActivationCodeForm,
    LoginForm,
    NoticesSeenForm,
    OTPTokenForm,
    PasswordChangeForm,
)
from cadre_office.accounts.middleware import OWES_NOTICES, OWES_PASSWORD_CHANGE, OWES_SECOND_FACTOR

# The activation code a person typed in correctly, while they scan the QR code and type a token.
ACTIVATION_SESSION_KEY = "otp_activation"


class LoginView(auth_views.LoginView):
    """Django's login (it cycles the session key); a locked username gets the lockout page (429)."""

    template_name = "registration/login.html"
    authentication_form = LoginForm

    def form_invalid(self, form):
        if form.has_error(NON_FIELD_ERRORS, "locked_out"):
            # django-axes replaces this response with registration/locked_out.html, which shows it.
            django_messages.error(self.request, messages.LOCKED_OUT)
        return super().form_invalid(form)


class LogoutView(auth_views.LogoutView):
    """POST only (as Django 5 does): the session is flushed, so its old cookie opens nothing."""


class _NextStepMixin(LoginRequiredMixin, auth_views.RedirectURLMixin):
    """Carry ``next`` through the login steps, falling back to the home page."""

    next_page = settings.LOGIN_REDIRECT_URL

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context[self.redirect_field_name] = self.get_redirect_url()
        return context

    def done(self):
        return HttpResponseRedirect(self.get_success_url())


@method_decorator(sensitive_post_parameters(), name="dispatch")
class PasswordChangeView(_NextStepMixin, FormView):
    """Change one's own password through ``account_change_password``, staying logged in."""

    template_name = "registration/password_change_form.html"
    form_class = PasswordChangeForm

    def get(self, request, *args, **kwargs):
        if request.session.get(OWES_PASSWORD_CHANGE):
            django_messages.warning(
                request, messages.PASSWORD_CHANGE_REQUIRED.format(days=settings.PASSWORD_MAX_AGE_DAYS)
            )
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["forced"] = bool(self.request.session.get(OWES_PASSWORD_CHANGE))
        context["password_rules"] = password_validators_help_texts()
        return context

    def form_valid(self, form):
        user = self.request.user
        try:
            services.account_change_password(
                user=user,
                old_password=form.cleaned_data["old_password"],
                new_password=form.cleaned_data["new_password1"],
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:  # the password rules, which speak of the new password
                form.add_error("new_password1", exc.messages)
            return self.form_invalid(form)
        # The other sessions of the account end (their auth hash no longer matches); this one
        # is kept under a new key.
        old_key = self.request.session.session_key
        update_session_auth_hash(self.request, user)
        services.login_session_follow(old_key=old_key, new_key=self.request.session.session_key)
        self.request.session.pop(OWES_PASSWORD_CHANGE, None)
        django_messages.success(self.request, messages.PASSWORD_CHANGED)
        return self.done()


class _SecondFactorMixin(_NextStepMixin):
    """Shared by the TOTP pages: who may be here, the token form, the audit of wrong tokens."""

    form_class = OTPTokenForm
    step = ""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if request.user.is_verified():
            return self.done()
        enrolled = TOTPDevice.objects.filter(user=request.user, confirmed=True).exists()
        if not enrolled and not request.session.get(OWES_SECOND_FACTOR):
            return self.done()  # not an administrator: nothing to enrol in
        redirect = self.misplaced(enrolled)
        if redirect:
            return redirect
        return super().dispatch(request, *args, **kwargs)

    def misplaced(self, enrolled: bool):
        """Return a redirect to the other TOTP page when the account belongs there."""
        raise NotImplementedError

    def devices(self):
        raise NotImplementedError

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user, "devices": self.devices()}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "otp_required": messages.OTP_REQUIRED}

    def form_invalid(self, form):
        if form.has_error("otp_token", "invalid"):
            services.account_otp_failed(user=self.request.user, step=self.step)
        return super().form_invalid(form)

    def _step_url(self, name: str) -> str:
        next_url = self.get_redirect_url()
        return f"{reverse(name)}?{urlencode({self.redirect_field_name: next_url})}" if next_url else reverse(name)

    def verified(self, device):
        """Mark the session as having passed the second factor, under a new session key; audit the login."""
        old_key = self.request.session.session_key
        self.request.session.cycle_key()
        services.login_session_follow(old_key=old_key, new_key=self.request.session.session_key)
        django_otp.login(self.request, device)
        services.account_login_verified(user=self.request.user, step=self.step)


class OTPSetupView(_SecondFactorMixin, FormView):
    """Enrol an authenticator app in two steps: the activation code, then the QR code and one token.

    The first step shows nothing secret and writes nothing until the code is right
    (``activation_code_redeem`` starts the enrolment); the second confirms the device and spends
    the code (``account_otp_enrol``). A password alone never adds a device.
    """

    template_name = "registration/otp_setup.html"
    step = "setup"

    def misplaced(self, enrolled):
        # An enrolled account adds no device with its password alone.
        return HttpResponseRedirect(self._step_url("otp_verify")) if enrolled else None

    def activation(self):
        """Return the live activation code this session typed in, or None."""
        if not hasattr(self, "_activation"):
            pk = self.request.session.get(ACTIVATION_SESSION_KEY)
            self._activation = services.activation_live(user=self.request.user, pk=pk) if pk else None
        return self._activation

    def enrolling_device(self):
        """Return the device the activation started (unconfirmed), if the session has a live activation."""
        if not hasattr(self, "_device"):
            self._device = None
            if self.activation() is not None:
                self._device = (TOTPDevice.objects.filter(user=self.request.user, confirmed=False)
                                .order_by("-pk").first())
        return self._device

    def get_form_class(self):
        return OTPTokenForm if self.enrolling_device() is not None else ActivationCodeForm

    def get_form_kwargs(self):
        if self.get_form_class() is ActivationCodeForm:
            return FormView.get_form_kwargs(self)
        return super().get_form_kwargs()

    def devices(self):
        return [self.enrolling_device()]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        device = self.enrolling_device()
        context["activation_step"] = device is None
        context["activation_days"] = settings.ACCOUNT_ACTIVATION_CODE_DAYS
        if device is not None:
            secret = b32encode(device.bin_key).decode()
            context["secret"] = " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))
            context["qr_data_uri"] = _qr_data_uri(device.config_url)
        return context

    def form_valid(self, form):
        if isinstance(form, ActivationCodeForm):
            return self.activation_valid(form)
        try:
            device = services.account_otp_enrol(user=self.request.user, device=form.device,
                                                activation=self.activation())
        except ValidationError as exc:
            self.request.session.pop(ACTIVATION_SESSION_KEY, None)
            django_messages.error(self.request, " ".join(exc.messages))
            return HttpResponseRedirect(self._step_url("otp_setup"))
        self.request.session.pop(ACTIVATION_SESSION_KEY, None)
        self.verified(device)
        django_messages.success(self.request, messages.OTP_ENROLLED)
        return self.done()

    def activation_valid(self, form):
        try:
            activation, _ = services.activation_code_redeem(
                user=self.request.user, code=form.cleaned_data["activation_code"])
        except ValidationError as exc:
            form.add_error("activation_code", exc.messages)
            return self.form_invalid(form)
        self.request.session[ACTIVATION_SESSION_KEY] = activation.pk
        django_messages.info(self.request, messages.ACTIVATION_ACCEPTED)
        return HttpResponseRedirect(self._step_url("otp_setup"))


class OTPVerifyView(_SecondFactorMixin, FormView):
    """Ask an enrolled administrator for the current token of their authenticator app."""

    template_name = "registration/otp_verify.html"
    step = "verify"

    def misplaced(self, enrolled):
        return None if enrolled else HttpResponseRedirect(self._step_url("otp_setup"))

    def devices(self):
        return TOTPDevice.objects.filter(user=self.request.user, confirmed=True).order_by("pk")

    def form_valid(self, form):
        self.verified(form.device)
        return self.done()


def _qr_data_uri(text: str) -> str:
    """Return ``text`` as a QR code in an SVG data URI (drawn here: no script, nothing fetched)."""
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathFillImage, border=2)
    return "data:image/svg+xml;base64," + base64.b64encode(image.to_string()).decode()


class NoticesView(_NextStepMixin, FormView):
    """What other people did to the account since the holder last looked, shown once after login.

    Acknowledging marks exactly the notices shown as seen; the holder then goes on to the page
    they asked for (or to the password change they still owe).
    """

    template_name = "registration/account_notices.html"
    form_class = NoticesSeenForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.notices = list(services.notices_unseen(request.user))
            if not self.notices and request.method == "GET":
                request.session.pop(OWES_NOTICES, None)
                return self.done()
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        return {"ids": ",".join(str(notice.pk) for notice in self.notices)}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "notices": self.notices}

    def form_valid(self, form):
        services.notices_mark_seen(user=self.request.user, ids=form.notice_ids())
        self.request.session.pop(OWES_NOTICES, None)
        return self.done()
