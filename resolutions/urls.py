"""Staff web pages: resolutions and their text."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.resolution_list, name="resolution_list"),
    path("<slug:assembly>/<int:number>/", views.resolution_detail, name="resolution_detail"),
]
