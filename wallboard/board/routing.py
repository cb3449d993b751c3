from django.urls import path

from wallboard.board.consumers import BoardConsumer

websocket_urlpatterns = [
    path("ws/boards/<slug:slug>/", BoardConsumer.as_asgi()),
]
