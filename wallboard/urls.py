from django.contrib import admin
from django.urls import path

from wallboard.board import views

urlpatterns = [
    path("", views.board_index, name="board-index"),
    path("boards/<slug:slug>/", views.board_page, name="board"),
    path("admin/", admin.site.urls),
]
