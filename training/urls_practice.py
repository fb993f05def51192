"""URLs of 实践锻炼 and 岗位交流 (included by ``training.urls``)."""

urlpatterns = []
