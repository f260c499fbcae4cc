"""The HTTP service of the in-day world: ``optimizer serve --plan DIR`` (FastAPI on
uvicorn). See :mod:`optimizer.service.app` for the requests."""

from optimizer.service.app import create_app
from optimizer.service.guard import TOKEN_ENV, read_token
from optimizer.service.state import STATE_FILE, PlanState

__all__ = ["STATE_FILE", "TOKEN_ENV", "PlanState", "create_app", "read_token"]
