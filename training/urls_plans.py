"""URLs of 个人培养计划 (included by ``training.urls``)."""

urlpatterns = []
