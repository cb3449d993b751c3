from django.contrib import admin
from django.urls import path

from wallboard.actions import views as action_views
from wallboard.board import views

urlpatterns = [
    path("", views.board_index, name="board-index"),
    path("boards/<slug:slug>/", views.board_page, name="board"),
    path("api/actions/<slug:name>/", action_views.action, name="action"),
    path("admin/", admin.site.urls),
]
