"""Top-level URLs: the staff pages, the REST API and the admin back office."""

from django.contrib import admin
from django.urls import path

urlpatterns = [
    path("admin/", admin.site.urls),
]
