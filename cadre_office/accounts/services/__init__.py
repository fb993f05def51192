"""Every write to accounts (docs/architecture.md): import from here, not from the submodules.

``accounts``: create, role, scope, disable, passwords; ``second_factor``: activation codes and
the authenticator; ``changes``: the two-person requests; ``notices``: what the holder is told.
"""

from cadre_office.accounts.services.accounts import (  # noqa: F401
    SCOPE_PERMISSION,
    TEMPORARY_PASSWORD_LENGTH,
    account_change_password,
    account_change_role,
    account_create,
    account_disable,
    account_enable,
    account_reset_password,
    account_reset_temporary_password,
    account_role,
    account_scope,
    account_set_role,
    account_set_scope,
    account_unlock,
    account_update,
    describe_actor,
    end_sessions,
    grant_needs_confirmation,
    is_operator,
    is_service_account,
    login_session_end,
    login_session_follow,
    login_session_record,
    temporary_password,
)
from cadre_office.accounts.services.changes import (  # noqa: F401
    ChangeRequestError,
    Confirmation,
    change_request_cancel,
    change_request_confirm,
    change_request_grant,
    change_request_move,
    change_request_reject,
    change_request_second_factor_reset,
)
from cadre_office.accounts.services.notices import (  # noqa: F401
    has_unseen_notices,
    notice_add,
    notices_mark_seen,
    notices_unseen,
)
from cadre_office.accounts.services.second_factor import (  # noqa: F401
    account_login_verified,
    account_otp_enrol,
    account_otp_failed,
    activation_code_issue,
    activation_code_redeem,
    activation_codes_revoke,
    activation_live,
    has_second_factor,
    second_factor_reset,
)
