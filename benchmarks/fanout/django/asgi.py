"""Run with: DJANGO_SETTINGS_MODULE=settings daphne -b 127.0.0.1 -p PORT asgi:application
(Debian's python3-daphne has no `daphne` script: `python3 -m daphne ...` is the same program)."""
import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "settings")

import django  # noqa: E402

django.setup()

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from django.urls import path  # noqa: E402

from consumers import ClientConsumer, PublishConsumer  # noqa: E402

application = ProtocolTypeRouter(
    {
        "websocket": URLRouter(
            [
                path("ws/bench/", ClientConsumer.as_asgi()),
                path("ws/publish/", PublishConsumer.as_asgi()),
            ]
        ),
    }
)
