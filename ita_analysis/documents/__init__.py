"""What the notebooks call: parameters -> context -> sections, for each document (the
report, the portfolio) and the index of an output folder."""

from pathlib import Path

# The one root of every template: nbconvert's page (ita_report/), the report's and the
# portfolio's sections (sections/, portfolio/) and the index (index.html.j2).
TEMPLATES = Path(__file__).resolve().parents[1] / "templates"
