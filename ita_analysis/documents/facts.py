"""What every document's context answers the same way, mixed into ``ReportContext`` and
``PortfolioContext`` (dataclasses that hold ``params`` and ``dataset``)."""

from __future__ import annotations

from typing import Any

from ..rules.framework import framework_origin
from ..thai import Digits


class ContextFacts:
    params: Any
    dataset: Any

    @property
    def digits(self) -> Digits:
        return self.params.digits

    @property
    def framework_origin(self) -> str:
        """``package`` or ``data folder``: whose file holds this year's rules."""
        return framework_origin(self.params.fiscal_year, self.dataset.rules_dir)
