"""The model description (docs/ODD.md) stays true to the code.

Checked: every configuration key is documented, with the schema's default in the
configuration tables and wherever the text gives a default as "`key` = value"; the
form and policy tables match the code and conf/; the seven ODD elements are there in
order; every ``imssim.*`` reference names something that exists; every scenario and
policy file and every output column is described; the README links the document.
"""

from __future__ import annotations

import dataclasses
import importlib
import math
import re
import typing
from pathlib import Path
from typing import Any

import pytest
import yaml

from imssim.config import Config, PolicyConfig, group_options

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "ODD.md"
README = ROOT / "README.md"
CONF = ROOT / "conf"
NAME = "docs/ODD.md"

ODD_ELEMENTS = (
    "Purpose and patterns",
    "Entities, state variables and scales",
    "Process overview and scheduling",
    "Design concepts",
    "Initialization",
    "Input data",
    "Submodels",
)
DESIGN_CONCEPTS = (
    "Basic principles",
    "Emergence",
    "Adaptation",
    "Objectives",
    "Learning",
    "Prediction",
    "Sensing",
    "Interaction",
    "Stochasticity",
    "Collectives",
    "Observation",
)
MISSING = object()


# --- reading the schema and the document ------------------------------------------


def schema_defaults(cls: type, prefix: str = "", instance: Any = None) -> dict[str, Any]:
    """Every configuration key (dotted, list entries as ``[]``) with its default.

    Keys of nested sections (``params``, ``scenario`` ...) map to MISSING: they are
    documented but have no scalar default of their own.
    """
    instance = cls() if instance is None else instance
    hints = typing.get_type_hints(cls)
    out: dict[str, Any] = {}
    for field in dataclasses.fields(cls):
        hint = hints[field.name]
        key = f"{prefix}{field.name}"
        value = getattr(instance, field.name)
        if dataclasses.is_dataclass(hint):
            out[key] = MISSING
            out.update(schema_defaults(hint, f"{key}.", value))
            continue
        args = typing.get_args(hint)
        if typing.get_origin(hint) is list and args and dataclasses.is_dataclass(args[0]):
            out[key] = value
            out.update(schema_defaults(args[0], f"{key}[]."))
            continue
        out[key] = value
    return out


@pytest.fixture(scope="module")
def text() -> str:
    assert DOC.is_file(), f"{NAME} is missing"
    return DOC.read_text(encoding="utf-8")


def split_row(line: str) -> list[str]:
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


def tables(text: str) -> list[tuple[list[str], list[list[str]]]]:
    """Every Markdown table of the text as (header cells, body rows)."""
    found = []
    lines = text.splitlines()
    k = 0
    while k < len(lines) - 1:
        if lines[k].lstrip().startswith("|") and re.match(r"^\s*\|[\s:|-]+\|\s*$", lines[k + 1]):
            header = split_row(lines[k])
            rows = []
            k += 2
            while k < len(lines) and lines[k].lstrip().startswith("|"):
                rows.append(split_row(lines[k]))
                k += 1
            found.append((header, rows))
        else:
            k += 1
    return found


def parse_value(cell: str) -> Any:
    """A default as written in the document: 0.5, true, null, `NLD`, (empty), [a, b],
    `[all]`, or a form vector written 0, .03, .08, ..."""
    cell = cell.strip()
    if cell in ("(empty)", "``"):
        return ""
    if cell == "(empty list)":
        return []
    plain = cell.strip("`").strip()
    if plain in ("null", "None"):
        return None
    if plain in ("true", "false"):
        return plain == "true"
    if plain.startswith("[") and plain.endswith("]"):
        items = [p.strip() for p in plain[1:-1].split(",") if p.strip()]
        return [parse_scalar(p) for p in items]
    if "," in plain:
        return [parse_scalar(p.strip()) for p in plain.split(",")]
    return parse_scalar(plain)


def parse_scalar(word: str) -> Any:
    word = word.strip().strip("`")
    try:
        return float(word)
    except ValueError:
        return word


def same(documented: Any, default: Any) -> bool:
    if isinstance(default, bool) or isinstance(documented, bool):
        return documented is default
    if isinstance(default, int | float) and isinstance(documented, int | float):
        return math.isclose(float(documented), float(default), rel_tol=1e-9, abs_tol=1e-12)
    if isinstance(default, list) and isinstance(documented, list):
        return len(default) == len(documented) and all(
            same(d, v) for d, v in zip(documented, default, strict=True)
        )
    return documented == default


def config_rows(text: str) -> dict[str, list[str]]:
    """Key -> default cell of every row of the configuration tables (Appendix A)."""
    rows: dict[str, list[str]] = {}
    for header, body in tables(text):
        if [h.lower() for h in header[:2]] != ["parameter", "default"]:
            continue
        for row in body:
            m = re.fullmatch(r"`([^`]+)`", row[0])
            if m:
                rows.setdefault(m.group(1), []).append(row[1])
    return rows


# --- the tests ----------------------------------------------------------------------


def test_every_config_key_is_documented_in_backticks(text):
    missing = [key for key in schema_defaults(Config) if f"`{key}`" not in text]
    assert not missing, f"config keys not documented (in backticks) in {NAME}: {missing}"


def test_every_config_key_has_one_row_in_the_configuration_tables(text):
    rows = config_rows(text)
    missing = [key for key in schema_defaults(Config) if key not in rows]
    assert not missing, f"config keys without a row in {NAME}'s configuration tables: {missing}"
    repeated = [key for key, cells in rows.items() if len(cells) > 1]
    assert not repeated, f"config keys with more than one row in {NAME}: {repeated}"
    unknown = sorted(set(rows) - set(schema_defaults(Config)))
    assert not unknown, f"rows in {NAME}'s configuration tables name no config key: {unknown}"


def test_documented_defaults_equal_the_schema_defaults(text):
    rows = config_rows(text)
    wrong = []
    for key, default in schema_defaults(Config).items():
        if default is MISSING or key not in rows:
            continue
        documented = parse_value(rows[key][0])
        if not same(documented, default):
            wrong.append(f"{key}: documented {rows[key][0]!r}, code {default!r}")
    assert not wrong, f"defaults in {NAME} differ from src/imssim/config/schema.py: {wrong}"


def test_defaults_quoted_in_the_text_equal_the_schema_defaults(text):
    """Wherever the text writes "`key` = value" for a config key, value is the default."""
    defaults = schema_defaults(Config)
    wrong = []
    pattern = r"`([A-Za-z_][\w.\[\]]*)`\s*=\s*(\[[^\]]*\]|`[^`]*`|[-\w.]+)"
    for key, value in re.findall(pattern, text):
        if key not in defaults or defaults[key] is MISSING:
            continue
        if not same(parse_value(value.rstrip(".")), defaults[key]):
            wrong.append(f"`{key}` = {value} (code: {defaults[key]!r})")
    assert not wrong, f"defaults quoted in {NAME} differ from the code: {wrong}"


def test_the_form_table_matches_the_form_vectors(text):
    params = Config().params
    checked = 0
    for header, body in tables(text):
        columns = {
            k: m.group(1)
            for k, h in enumerate(header)
            if (m := re.fullmatch(r"`(form_\w+)`", h)) and hasattr(params, m.group(1))
        }
        if not columns or header[0].lower() != "form":
            continue
        assert [row[0] for row in body] == [str(f) for f in range(7)], (
            f"the form table in {NAME} must have one row per form 0-6"
        )
        for col, name in columns.items():
            documented = [float(row[col]) for row in body]
            assert same(documented, getattr(params, name)), (
                f"form table in {NAME}, column {name}: {documented} != {getattr(params, name)}"
            )
            checked += 1
    assert checked == 6, f"{NAME} needs one form table with the six form vectors"


def test_seven_odd_elements_in_order(text):
    headings = re.findall(r"^## (\d+)\.? (.+?)\s*$", text, flags=re.MULTILINE)
    expected = [(str(n), title) for n, title in enumerate(ODD_ELEMENTS, start=1)]
    missing = [f"{n} {t}" for n, t in expected if (n, t) not in headings]
    assert not missing, f"ODD headings missing from {NAME}: {missing}"
    found = [h for h in headings if h in expected]
    assert found == expected, f"ODD headings out of order in {NAME}: {found}"


def test_every_design_concept_is_addressed(text):
    section = text.split("## 4. Design concepts", 1)[-1].split("\n## 5", 1)[0]
    missing = [c for c in DESIGN_CONCEPTS if f"**{c}.**" not in section]
    assert not missing, f"design concepts not addressed in {NAME}, element 4: {missing}"


def test_every_submodel_names_its_parts(text):
    section = text.split("## 7. Submodels", 1)[-1].split("\n## Appendix", 1)[0]
    submodels = re.split(r"^### ", section, flags=re.MULTILINE)[1:]
    assert submodels, f"{NAME} element 7 has no submodels"
    parts = ("**What it does.**", "**Parameters.**", "**The note.**", "**Implemented by.**")
    incomplete = {
        sub.splitlines()[0]: [p for p in parts if p not in sub]
        for sub in submodels
        if any(p not in sub for p in parts)
    }
    assert not incomplete, f"submodels in {NAME} lacking parts: {incomplete}"
    unreferenced = [
        sub.splitlines()[0]
        for sub in submodels
        if not re.search(r"\*\*Implemented by\.\*\*[^*]*`imssim\.", sub)
    ]
    assert not unreferenced, f"submodels in {NAME} naming no function: {unreferenced}"


def resolve(dotted: str) -> bool:
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            obj: Any = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for name in parts[cut:]:
            if not hasattr(obj, name):
                return False
            obj = getattr(obj, name)
        return True
    return False


def test_every_code_reference_resolves(text):
    refs = sorted(set(re.findall(r"`(imssim(?:\.\w+)+)`", text)))
    assert refs, f"{NAME} names no function"
    broken = [ref for ref in refs if not resolve(ref)]
    assert not broken, f"references in {NAME} to nothing in the code: {broken}"


@pytest.mark.parametrize("group", ["scenario", "policy"])
def test_every_scenario_and_policy_file_is_described(text, group):
    names = group_options(group)
    assert names, f"no files in conf/{group}/"
    described = {
        row[0].strip("`")
        for header, body in tables(text)
        if header and header[0].lower() == group
        for row in body
    }
    missing = [n for n in names if n not in described]
    assert not missing, f"conf/{group}/ files without a row in {NAME}'s {group} table: {missing}"


def test_the_scenario_table_gives_each_file_s_gdp_growth(text):
    wrong = []
    checked = 0
    for header, body in tables(text):
        if not header or header[0].lower() != "scenario" or "GDP growth" not in header:
            continue
        col = header.index("GDP growth")
        for row in body:
            name = row[0].strip("`")
            path = CONF / "scenario" / f"{name}.yaml"
            assert path.is_file(), f"{NAME} describes a scenario without a file: {name}"
            growth = yaml.safe_load(path.read_text()).get("gdp_growth")
            documented = float(row[col].rstrip("% ").strip()) / 100
            if not same(documented, growth):
                wrong.append(f"{name}: documented {row[col]!r}, file {growth!r}")
            checked += 1
    assert checked, f"{NAME} has no scenario table with a GDP growth column"
    assert not wrong, f"scenario table in {NAME} differs from conf/scenario/: {wrong}"


def test_the_scenario_table_names_each_file_s_budget_changes(text):
    """Each budget change's size (-8 %, +20 %) and every state it names by ISO3 code
    appear in the scenario's row."""
    rows = {
        row[0].strip("`"): " | ".join(row[1:])
        for header, body in tables(text)
        if header and header[0].lower() == "scenario"
        for row in body
    }
    missing = []
    for path in (CONF / "scenario" / f"{name}.yaml" for name in group_options("scenario")):
        row = rows.get(path.stem, "")
        for change in yaml.safe_load(path.read_text()).get("budget_changes") or []:
            sizes = [f"-{100 * change.get('cut', 0):g} %", f"+{100 * change.get('rise', 0):g} %"]
            sizes = [s for s, v in zip(sizes, ("cut", "rise"), strict=True) if change.get(v)]
            codes = [w for w in change.get("who", []) if re.fullmatch(r"[A-Z]{3}", w)]
            missing += [f"{path.stem}: {item}" for item in sizes + codes if item not in row]
    assert not missing, (
        f"budget changes of conf/scenario/ not in {NAME}'s scenario table: {missing}"
    )


def test_the_policy_table_matches_the_policy_files(text):
    fields = {f.name for f in dataclasses.fields(PolicyConfig)}
    checked = 0
    wrong = []
    for header, body in tables(text):
        if not header or header[0].lower() != "policy":
            continue
        columns = {
            k: h.strip("`")
            for k, h in enumerate(header)
            if h.startswith("`") and h.strip("`") in fields
        }
        for row in body:
            name = row[0].strip("`")
            path = CONF / "policy" / f"{name}.yaml"
            assert path.is_file(), f"{NAME} describes a policy without a file: {name}"
            values = yaml.safe_load(path.read_text())
            for col, key in columns.items():
                code = values.get(key, getattr(PolicyConfig(), key))
                documented = parse_scalar(row[col].split()[0])
                if not same(documented, code):
                    wrong.append(f"{name}.{key}: documented {row[col]!r}, file {code!r}")
                checked += 1
    assert checked, f"{NAME} has no policy table with policy keys as columns"
    assert not wrong, f"policy table in {NAME} differs from conf/policy/: {wrong}"


def test_every_output_column_is_described(text):
    from imssim import run
    from imssim.world import load_world

    areas = load_world().areas
    tables_ = run({"end_year": 2013}).tables
    missing = []
    for name, frame in tables_.items():
        section = text.split(f"**{name}** (", 1)
        assert len(section) == 2, f"{NAME} does not describe the {name} table"
        body = section[1].split("\n\n**", 1)[0].split("\n## ", 1)[0]
        for column in frame.columns:
            generic = re.sub(rf"_({'|'.join(areas)})$", "_<area>", column)
            generic = re.sub(r"_\d$", "_<f>", generic)
            if f"`{column}`" not in body and f"`{generic}`" not in body:
                missing.append(f"{name}.{column}")
    assert not missing, f"output columns not described in {NAME}: {missing}"


def test_readme_links_the_model_description():
    readme = README.read_text(encoding="utf-8")
    assert "](docs/ODD.md)" in readme, "README.md does not link docs/ODD.md"
    assert "docs/model.md" not in readme, "README.md still names docs/model.md"


def test_the_counts_of_states_say_what_they_count():
    """Wherever the README or the model description counts the world's states as NATO and
    EU members and partners, the numbers are the shipped world's."""
    from imssim.world import load_world

    world = load_world()
    members = int((world.nato | world.eu).sum())
    found = 0
    for path in (README, DOC):
        text = " ".join(path.read_text(encoding="utf-8").split())
        for n, m, p in re.findall(
            r"(\d+) states[^.]*?(\d+) NATO and EU members[^.]*? (\d+) (?:thematic )?partners",
            text,
        ):
            found += 1
            assert (int(n), int(m), int(p)) == (world.n_states, members, world.n_states - members)
    assert found >= 3
