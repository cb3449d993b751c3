from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import path

from wallboard import audit_views
from wallboard.actions import views as action_views
from wallboard.board import recordings, views
from wallboard.health import views as health_views
from wallboard.hooks import views as hook_views

urlpatterns = [
    path("", views.board_index, name="board-index"),
    path("boards/<slug:slug>/", views.board_page, name="board"),
    path("api/actions/<slug:name>/", action_views.action, name="action"),
    path("recordings/<slug:source>/<str:file_id>/", recordings.recording, name="recording"),
    path("hooks/virtualats/", hook_views.virtualats, name="hook-virtualats"),
    path("audit/", audit_views.audit_log, name="audit-log"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("healthz", health_views.healthz, name="healthz"),
    path("metrics", health_views.prometheus, name="metrics"),
]
