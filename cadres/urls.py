from django.urls import path

app_name = "cadres"
urlpatterns = []
