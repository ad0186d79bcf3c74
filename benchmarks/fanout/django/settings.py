"""The smallest Django project that runs a Channels consumer under Daphne, for the fan-out benchmark.

The channel layer is channels_redis' RedisChannelLayer (the spec's original stack) on the Redis at
BENCH_REDIS_URL, or Channels' InMemoryChannelLayer with BENCH_CHANNEL_LAYER=memory.
"""
import os

SECRET_KEY = "fanout-bench-not-a-secret"
DEBUG = False
ALLOWED_HOSTS = ["*"]
INSTALLED_APPS = []
DATABASES = {}
USE_TZ = True
ASGI_APPLICATION = "asgi.application"

if os.environ.get("BENCH_CHANNEL_LAYER", "redis") == "memory":
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
else:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {
                "hosts": [os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")],
                # One prefix per server start, so no group member of an earlier run is sent to.
                "prefix": os.environ.get("BENCH_REDIS_PREFIX", "fanoutbench:"),
                # Leftovers of a killed run disappear within minutes, not a day.
                "group_expiry": 600,
            },
        }
    }
