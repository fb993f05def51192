"""URLs of the young-cadre round and the reserve pool (included by ``training.urls``)."""

urlpatterns = []
