"""URLs of 理论培训 (programmes, enrolments, hours) (included by ``training.urls``)."""

urlpatterns = []
