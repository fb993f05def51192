"""Accounts are managed on the security administrator's pages, not in the Django admin.

Editing users or groups in the admin would bypass the rules the services keep (one role
per account, 三员分立, audited changes), so neither is registered there. The admin login
itself goes through the application's login (lockout, second factor, audit).
"""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import Group

admin.site.unregister(get_user_model())
admin.site.unregister(Group)
admin.site.login = login_required(admin.site.login)
admin.site.site_header = admin.site.site_title = "科级干部管理系统 · 维护后台"
