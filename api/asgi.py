"""What the service's ASGI middlewares share: seeing a response's start on its way out."""

from __future__ import annotations

from collections.abc import Callable

from starlette.types import Message, Send


def on_response_start(send: Send, hook: Callable[[Message], None]) -> Send:
    """`send`, calling `hook` with the response's start (its status and headers, which the
    hook may change) before that goes out; the body passes untouched, so a streamed answer
    stays streamed."""

    async def sending(message: Message) -> None:
        if message["type"] == "http.response.start":
            hook(message)
        await send(message)

    return sending
