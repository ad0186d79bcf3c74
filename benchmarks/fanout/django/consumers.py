from channels.generic.websocket import AsyncWebsocketConsumer

GROUP = "bench"


class ClientConsumer(AsyncWebsocketConsumer):
    """A client socket; with ?join=1 it joins the broadcast group (as the spec's driver sockets did)."""

    async def connect(self):
        self.joined = b"join=1" in self.scope.get("query_string", b"")
        if self.joined:
            await self.channel_layer.group_add(GROUP, self.channel_name)
        await self.accept()

    async def disconnect(self, code):
        if self.joined:
            await self.channel_layer.group_discard(GROUP, self.channel_name)

    async def bench_message(self, event):
        await self.send(text_data=event["text"])


class PublishConsumer(AsyncWebsocketConsumer):
    """The publish path: every text frame received is sent to the group with group_send."""

    async def receive(self, text_data=None, bytes_data=None):
        await self.channel_layer.group_send(GROUP, {"type": "bench.message", "text": text_data})
