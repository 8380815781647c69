"""预测: the next months of a monthly series, by the method that did best in a backtest.

Candidates: Holt-Winters (additive trend and season, statsmodels) where the
history allows it, the seasonal naive forecast (same month last year) and, for
short histories, the naive forecast (last value). Each is fitted on the history
without its last HOLDOUT months and scored by MAPE on them; the winner is refitted
on the whole history. The interval is ±1.96 times the standard deviation of the
winner's one-step errors, widened with the horizon (√h).
"""

import math
import warnings
from dataclasses import dataclass

import numpy as np
from django.utils.translation import gettext_lazy as _

SEASON = 12
HOLDOUT = 3
HORIZON = 3
Z95 = 1.96

METHOD_NAMES = {
    "holt_winters": _("Holt-Winters (additive trend and seasonality)"),
    "seasonal_naive": _("Seasonal naive (same month last year)"),
    "naive": _("Naive (last value)"),
}


@dataclass
class Forecast:
    method: str
    mape: float | None  # backtest error in percent; None when the history is too short to test
    values: list[float]
    lower: list[float]
    upper: list[float]
    candidates: dict[str, float]

    @property
    def method_name(self):
        return METHOD_NAMES[self.method]


def _naive(history: np.ndarray, horizon: int) -> tuple[np.ndarray, np.ndarray]:
    errors = np.diff(history) if len(history) > 1 else np.zeros(1)
    return np.repeat(history[-1], horizon), errors


def _seasonal_naive(history: np.ndarray, horizon: int) -> tuple[np.ndarray, np.ndarray]:
    last_season = history[-SEASON:]
    values = np.array([last_season[i % SEASON] for i in range(horizon)])
    errors = history[SEASON:] - history[:-SEASON]
    return values, errors


def _holt_winters(history: np.ndarray, horizon: int) -> tuple[np.ndarray, np.ndarray]:
    from statsmodels.tsa.holtwinters import ExponentialSmoothing

    kwargs = {"trend": "add", "seasonal": "add", "seasonal_periods": SEASON}
    if len(history) >= 2 * SEASON:
        kwargs["initialization_method"] = "estimated"
    else:
        # Fewer than two seasons: start from the first season and the mean slope after it.
        level = float(history[:SEASON].mean())
        rest = history[SEASON:]
        trend = float((rest.mean() - history[: len(rest)].mean()) / SEASON) if len(rest) else 0.0
        kwargs.update(
            initialization_method="known",
            initial_level=level,
            initial_trend=trend,
            initial_seasonal=history[:SEASON] - level,
        )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fitted = ExponentialSmoothing(history, **kwargs).fit()
        return np.asarray(fitted.forecast(horizon)), history - np.asarray(fitted.fittedvalues)


METHODS = {"holt_winters": _holt_winters, "seasonal_naive": _seasonal_naive, "naive": _naive}


def _usable(method: str, length: int) -> bool:
    if method == "holt_winters":
        return length >= SEASON + 4
    if method == "seasonal_naive":
        return length >= SEASON + 1
    return length >= 1


def mape(actual, predicted) -> float | None:
    pairs = [(a, p) for a, p in zip(actual, predicted, strict=True) if a]
    if not pairs:
        return None
    return float(100 * sum(abs((a - p) / a) for a, p in pairs) / len(pairs))


def backtest(series: list[float], method: str, holdout: int = HOLDOUT) -> float | None:
    """MAPE of `method` fitted without the last `holdout` points and scored on them."""
    history = np.asarray(series, dtype=float)
    train = history[:-holdout]
    if not _usable(method, len(train)):
        return None
    try:
        predicted, _errors = METHODS[method](train, holdout)
    except (ValueError, np.linalg.LinAlgError):
        return None
    if not np.all(np.isfinite(predicted)):
        return None
    return mape(history[-holdout:], predicted)


def forecast(series: list[float], horizon: int = HORIZON) -> Forecast | None:
    """Forecast `horizon` months after `series` (monthly, oldest first); None for an empty series."""
    history = np.asarray(series, dtype=float)
    if len(history) == 0:
        return None
    scores = {}
    for method in METHODS:
        score = backtest(series, method) if len(history) > HOLDOUT else None
        if score is not None and math.isfinite(score):
            scores[method] = round(score, 2)
    if scores:
        chosen = min(scores, key=lambda m: (scores[m], list(METHODS).index(m)))
    else:
        chosen = next(m for m in ("seasonal_naive", "naive") if _usable(m, len(history)))
    try:
        values, errors = METHODS[chosen](history, horizon)
    except (ValueError, np.linalg.LinAlgError):
        chosen = "seasonal_naive" if _usable("seasonal_naive", len(history)) else "naive"
        values, errors = METHODS[chosen](history, horizon)
    sigma = float(np.std(errors)) if len(errors) > 1 else 0.0
    spread = [Z95 * sigma * math.sqrt(h) for h in range(1, horizon + 1)]
    values = [float(v) for v in values]
    return Forecast(
        method=chosen,
        mape=scores.get(chosen),
        values=values,
        lower=[v - s for v, s in zip(values, spread, strict=True)],
        upper=[v + s for v, s in zip(values, spread, strict=True)],
        candidates=scores,
    )
