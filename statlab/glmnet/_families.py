"""GLM families with a link, as R's family objects (``binomial(link = "probit")``,
``Gamma(link = "log")``, ``quasipoisson()``), for glmnet's general path (R's ``glmnet.path``).

``family=`` takes a statsmodels family instance with its link (``sm.families.Binomial(link=
sm.families.links.Probit())``) or the string ``"quasipoisson"`` (statsmodels has no quasi
family; R's ``quasipoisson()`` has Poisson's mean, variance and deviance, its own name, which
changes glmnet's early stop, and a free dispersion that glmnet never uses). The link, its
inverse and derivative and the variance function are statsmodels'; the deviance residuals are
written here, as R's ``dev.resids``, because statsmodels keeps its per-observation unit
deviance private and returns signed square roots publicly (NaN where rounding makes a unit
deviance of a near-perfect fit negative).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

import numpy as np

from statlab import _validation as check

# R's family name -> (statsmodels family class name, links R allows)
_FAMILIES = {
    "binomial": ("Binomial", ("logit", "probit", "cloglog", "cauchit", "log")),
    "poisson": ("Poisson", ("log", "identity", "sqrt")),
    "quasipoisson": ("Poisson", ("log", "identity", "sqrt")),
    "Gamma": ("Gamma", ("inverse", "identity", "log")),
    "gaussian": ("Gaussian", ("identity", "log", "inverse")),
}
# statsmodels link class name -> R's link name
_LINKS = {
    "Logit": "logit",
    "Probit": "probit",
    "CLogLog": "cloglog",
    "Cauchy": "cauchit",
    "Log": "log",
    "Identity": "identity",
    "InversePower": "inverse",
    "Sqrt": "sqrt",
}
# statsmodels family class name -> R's family name
_FROM_STATSMODELS = {"Binomial": "binomial", "Poisson": "poisson", "Gamma": "Gamma",
                     "Gaussian": "gaussian"}  # fmt: skip


@dataclass(frozen=True)
class GlmFamily:
    """A GLM family and link by R's names (``name`` as R's ``family$family``, ``link`` as
    ``family$link``), with the functions glmnet's general path needs.

    >>> fam = GlmFamily("binomial", "probit")
    >>> str(fam), round(float(fam.linkinv(np.array([0.0]))[0]), 3)
    ("binomial(link = 'probit')", 0.5)
    """

    name: str
    link: str

    def __str__(self) -> str:
        return f"{self.name}(link = {self.link!r})"

    @property
    def _statsmodels(self) -> Any:
        return _statsmodels_family(self.name, self.link)

    def linkfun(self, mu: np.ndarray) -> np.ndarray:
        return self._statsmodels.link(mu)

    def linkinv(self, eta: np.ndarray) -> np.ndarray:
        return self._statsmodels.link.inverse(eta)

    def mu_eta(self, eta: np.ndarray) -> np.ndarray:
        return self._statsmodels.link.inverse_deriv(eta)

    def variance(self, mu: np.ndarray) -> np.ndarray:
        return self._statsmodels.variance(mu)

    def dev_resids(self, y: np.ndarray, mu: np.ndarray, weights: np.ndarray) -> np.ndarray:
        """R's ``family$dev.resids``: each observation's weighted unit deviance."""
        if self.name == "gaussian":
            return weights * (y - mu) ** 2
        if self.name == "binomial":
            return 2 * weights * (_y_log_y(y, mu) + _y_log_y(1 - y, 1 - mu))
        if self.name == "Gamma":
            ratio = np.where(y == 0, 1.0, y / mu)
            return -2 * weights * (np.log(ratio) - (y - mu) / mu)
        # poisson, quasipoisson
        return 2 * weights * np.where(y > 0, _y_log_y(y, mu) - (y - mu), mu)

    def valid(self, eta: np.ndarray, mu: np.ndarray) -> bool:
        """R's ``validmu(mu) && valideta(eta)``."""
        if self.link == "inverse" and not (np.isfinite(eta).all() and (eta != 0).all()):
            return False
        if self.name == "binomial":
            return bool(np.isfinite(mu).all() and ((mu > 0) & (mu < 1)).all())
        if self.name in ("poisson", "quasipoisson", "Gamma"):
            return bool(np.isfinite(mu).all() and (mu > 0).all())
        return True

    def check_response(self, y: np.ndarray) -> None:
        """y in the family's domain, as R's ``family$initialize`` demands."""
        if self.name == "binomial" and ((y < 0) | (y > 1)).any():
            raise check.InvalidArgumentError(
                f"y must lie in [0, 1] for family={self} (R: 'y values must be 0 <= y <= 1')"
            )
        if self.name in ("poisson", "quasipoisson") and (y < 0).any():
            raise check.InvalidArgumentError(
                f"y has negative values: not permitted for family={self} (counts)"
            )
        if self.name == "Gamma" and (y <= 0).any():
            raise check.InvalidArgumentError(
                f"y must be positive for family={self} (R: 'non-positive values not allowed "
                "for the 'Gamma' family')"
            )
        if self.name == "gaussian" and self.link == "log" and (y <= 0).any():
            raise check.InvalidArgumentError(
                f"y must be positive for family={self} (R: 'cannot find valid starting values')"
            )
        if self.name == "gaussian" and self.link == "inverse" and (y == 0).any():
            raise check.InvalidArgumentError(
                f"y must not be 0 for family={self} (R: 'cannot find valid starting values')"
            )


@functools.cache
def _statsmodels_family(name: str, link: str) -> Any:
    import statsmodels.api as sm

    link_class = {value: key for key, value in _LINKS.items()}[link]
    family_class = getattr(sm.families, _FAMILIES[name][0])
    return family_class(link=getattr(sm.families.links, link_class)())


def _y_log_y(y: np.ndarray, mu: np.ndarray) -> np.ndarray:
    """y log(y / mu), 0 at y = 0 (R's ``y_log_y``)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(y > 0, y * np.log(np.where(y > 0, y, 1.0) / mu), 0.0)


def glm_family(family: Any) -> GlmFamily | None:
    """The :class:`GlmFamily` a ``family`` argument names (a statsmodels family instance or
    ``"quasipoisson"``); None for glmnet's built-in families (strings), checked elsewhere.

    >>> import statsmodels.api as sm
    >>> str(glm_family(sm.families.Gamma(link=sm.families.links.Log())))
    "Gamma(link = 'log')"
    >>> glm_family("quasipoisson"), glm_family("binomial")
    (GlmFamily(name='quasipoisson', link='log'), None)
    """
    if isinstance(family, GlmFamily):
        return family
    if isinstance(family, str):
        return GlmFamily("quasipoisson", "log") if family == "quasipoisson" else None
    family_class = type(family).__name__
    module = type(family).__module__ or ""
    if not module.startswith("statsmodels.genmod.families"):
        raise check.ArgumentTypeError(
            "family must be a family name (a string), 'quasipoisson' or a statsmodels family "
            f"instance such as sm.families.Binomial(link=sm.families.links.Probit()), got "
            f"{type(family).__name__}"
        )
    name = _FROM_STATSMODELS.get(family_class)
    if name is None:
        raise check.InvalidArgumentError(
            f"family: statlab's glmnet solves statsmodels' {sorted(_FROM_STATSMODELS)} families, "
            f"not {family_class}"
        )
    link = _LINKS.get(type(family.link).__name__)
    if link is None or link not in _FAMILIES[name][1]:
        raise check.InvalidArgumentError(
            f"family: the {type(family.link).__name__} link is not one R's {name}() takes "
            f"({', '.join(_FAMILIES[name][1])})"
        )
    return GlmFamily(name, link)


def glm_family_options(family: GlmFamily, options: dict[str, Any]) -> None:
    """Refuse what glmnet's general path has no use for: R's ``glmnet.path`` ignores ``dfmax`` and
    ``pmax``; the relaxed fit and the multinomial and mgaussian options are not for one family
    object."""
    for name in ("dfmax", "pmax"):
        if options.get(name) is not None:
            raise check.InvalidArgumentError(
                f"{name}: not used with family={family} (R's glmnet.path ignores it)"
            )
    if options.get("relax"):
        raise check.InvalidArgumentError(f"relax: not available with family={family}")
    if options.get("type_multinomial", "ungrouped") != "ungrouped":
        raise check.InvalidArgumentError(f"type_multinomial: not used with family={family}")
