"""Session intelligence: pure functions over the session model (scope plan, rate-limit forecast)."""

from pinscope.intel.cover import minimum_covers, satisfies
from pinscope.intel.forecast import Forecast, forecast, forecast_state, pace_text, session_forecasts
from pinscope.intel.scope_plan import (
    CalledOperation, ScopePlan, TokenFit, authorization_url, plan_operations, plan_scopes,
)

__all__ = ["CalledOperation", "Forecast", "ScopePlan", "TokenFit", "authorization_url", "forecast",
           "forecast_state", "minimum_covers", "pace_text", "plan_operations", "plan_scopes",
           "satisfies", "session_forecasts"]
