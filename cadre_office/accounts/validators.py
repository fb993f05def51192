"""Password rules beyond Django's own (docs/security.md item 5)."""

import string

from django.core.exceptions import ValidationError

from cadre_office.accounts import messages

_CLASSES = (
    lambda ch: ch in string.ascii_uppercase,
    lambda ch: ch in string.ascii_lowercase,
    lambda ch: ch in string.digits,
    lambda ch: not ch.isalnum(),
)


class CharacterClassesValidator:
    """Require characters from at least ``min_classes`` of: upper case, lower case, digits, symbols."""

    def __init__(self, min_classes: int = 3):
        self.min_classes = min_classes

    def validate(self, password, user=None):
        present = sum(any(test(ch) for ch in password) for test in _CLASSES)
        if present < self.min_classes:
            raise ValidationError(
                messages.PASSWORD_CLASSES.format(min_classes=self.min_classes), code="password_too_simple"
            )

    def get_help_text(self):
        return messages.PASSWORD_CLASSES.format(min_classes=self.min_classes)
