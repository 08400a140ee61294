"""The WebService component and the builders it composes, one per concern."""

from components.web.component import WebService

__all__ = ["WebService"]
