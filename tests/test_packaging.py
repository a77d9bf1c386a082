"""environment.yml (conda) and pyproject.toml (pip) must name the same dependencies.

Both the runtime dependencies and the ``dev`` extra of pyproject.toml must appear in
environment.yml with the same lower bound, and environment.yml must name nothing else (apart
from python, pip and the editable install of the package itself). Conda names may differ from
pip names only by case and by ``-``/``_``/``.``; packages that conda-forge does not carry may
sit under the ``pip:`` sub-list.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parent.parent
PYPROJECT = REPO / "pyproject.toml"
ENVIRONMENT = REPO / "environment.yml"

# name, optional [extras], then the version constraints (conda allows a space before them)
SPEC = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(\[[^\]]*\])?\s*([^;#]*)")
LOWER = re.compile(r">=\s*([0-9][0-9A-Za-z.*+!-]*)")
NOT_DEPENDENCIES = {"python", "pip"}


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def parse(spec: str) -> tuple[str, str | None]:
    """(normalised name, lower bound or None) of a pip or conda requirement."""
    match = SPEC.match(spec)
    assert match, f"cannot read the requirement {spec!r}"
    lower = LOWER.search(match.group(3))
    return normalise(match.group(1)), lower.group(1) if lower else None


def by_name(specs: list[str], where: str) -> dict[str, str | None]:
    parsed = [parse(spec) for spec in specs]
    names = [name for name, _ in parsed]
    repeated = sorted({n for n in names if names.count(n) > 1})
    assert not repeated, f"{where} names {', '.join(repeated)} more than once"
    return dict(parsed)


def pyproject() -> dict:
    return tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))


def pyproject_requirements() -> dict[str, str | None]:
    project = pyproject()["project"]
    specs = [*project["dependencies"], *project.get("optional-dependencies", {}).get("dev", [])]
    return by_name(specs, "pyproject.toml")


def environment() -> dict:
    if not ENVIRONMENT.is_file():
        pytest.skip("environment.yml is not at the repository root yet (the lead writes it)")
    return yaml.safe_load(ENVIRONMENT.read_text(encoding="utf-8"))


def environment_specs() -> tuple[list[str], list[str]]:
    """(conda specs, pip specs) of environment.yml, without pip options and local paths."""
    conda: list[str] = []
    pip: list[str] = []
    for entry in environment().get("dependencies") or []:
        if isinstance(entry, dict):
            assert set(entry) == {"pip"}, f"unexpected mapping in dependencies: {entry}"
            pip.extend(spec for spec in entry["pip"]
                       if not spec.lstrip().startswith(("-", ".", "/", "git+", "file:")))
        else:
            conda.append(str(entry))
    return conda, pip


def environment_requirements() -> dict[str, str | None]:
    conda, pip = environment_specs()
    requirements = by_name([*conda, *pip], "environment.yml")
    return {n: v for n, v in requirements.items() if n not in NOT_DEPENDENCIES}


def test_the_parser_reads_pip_and_conda_forms():
    assert parse("pandas>=2.2") == ("pandas", "2.2")
    assert parse("pandas >=2.2,<4") == ("pandas", "2.2")
    assert parse("fontpkg-sarabun>=1.0") == ("fontpkg-sarabun", "1.0")
    assert parse("Beautifulsoup4[lxml] >= 4.12 ; python_version>'3'") == ("beautifulsoup4", "4.12")
    assert parse("ruamel.yaml") == ("ruamel-yaml", None)
    assert normalise("PyYAML") == normalise("pyyaml") == "pyyaml"
    assert normalise("typing_extensions") == "typing-extensions"


def test_environment_names_every_dependency_of_pyproject():
    env = environment_requirements()
    missing = sorted(set(pyproject_requirements()) - set(env))
    assert not missing, f"environment.yml lacks {', '.join(missing)} (named in pyproject.toml)"


def test_environment_names_nothing_that_pyproject_does_not():
    extra = sorted(set(environment_requirements()) - set(pyproject_requirements()))
    assert not extra, f"environment.yml names {', '.join(extra)}, which pyproject.toml does not"


def test_lower_bounds_agree():
    env = environment_requirements()
    differ = {name: (bound, env[name]) for name, bound in pyproject_requirements().items()
              if name in env and env[name] != bound}
    assert not differ, f"lower bounds differ (pyproject, environment): {differ}"


def test_python_versions_agree():
    conda, _ = environment_specs()
    pythons = [spec for spec in conda if parse(spec)[0] == "python"]
    assert len(pythons) == 1, "environment.yml should name python once"
    requires = pyproject()["project"]["requires-python"]
    assert parse(pythons[0])[1] == LOWER.search(requires).group(1)


def test_environment_installs_the_package_itself():
    entries = [spec for entry in environment()["dependencies"] if isinstance(entry, dict)
               for spec in entry["pip"]]
    assert any(re.fullmatch(r"-e\s+\.(\[dev\])?", e.strip()) or e.strip() in {".", ".[dev]"}
               for e in entries), "environment.yml should install the package (pip: -e .)"
