"""The analysis options are declared once (``wijkkracht.core.options``): the command line and a
batch configuration offer each with the declared default and bounds, refuse a value just outside
a bound in the declaration's words, and the README's table is made from the declarations (issue
16). The QGIS side: ``tests/qgis/test_options_qgis.py``."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest

from wijkkracht import batch, cli
from wijkkracht.batch import load_config
from wijkkracht.core.errors import InputError
from wijkkracht.core.options import OPTIONS, Option
from wijkkracht.demo import demo_data_path

REPO = Path(__file__).resolve().parents[1]
CBS = Path(__file__).parent / "data" / "wijkbuurtkaart_cbs_synthetic.gpkg"


def outside(opt: Option) -> list[Any]:
    """Values just outside each of the option's bounds (None: it has no bounds to leave)."""
    if opt.kind == "int":
        return [v for v in (opt.minimum if opt.exclusive_minimum else
                            None if opt.minimum is None else opt.minimum - 1,
                            None if opt.maximum is None else opt.maximum + 1) if v is not None]
    if opt.kind == "float":
        return [v for v in (opt.minimum if opt.exclusive_minimum else
                            None if opt.minimum is None else math.nextafter(opt.minimum, -math.inf),
                            None if opt.maximum is None else math.nextafter(opt.maximum, math.inf),
                            math.nan) if v is not None]
    if opt.kind == "k_range":
        low, high = int(opt.minimum), int(opt.maximum)
        return [[low - 1, high], [low, high + 1], [high, low]]
    if opt.kind == "choice":
        return ["not-a-choice"]
    if opt.kind == "choices":
        return [[*opt.choices[:1], "not-a-choice"]]
    if opt.kind == "date":
        return ["01-02-2026", "2026-13-01"]
    return []


def cli_text(value: Any) -> str:
    if isinstance(value, list):
        return "-".join(map(str, value)) if all(isinstance(v, int) for v in value) \
            else ",".join(value)
    return repr(value) if isinstance(value, float) else str(value)


def toml(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return "nan" if math.isnan(value) else repr(value)
    if isinstance(value, (tuple, list)):
        return json.dumps(list(value))
    return json.dumps(value)


# --- the command line --------------------------------------------------------------------------

def _subparser(command: str) -> Any:
    return cli.build_parser()._subparsers._group_actions[0].choices[command]  # noqa: SLF001


def _actions(parser: Any) -> dict[str, Any]:
    return {s: a for a in parser._actions for s in a.option_strings}  # noqa: SLF001


@pytest.mark.parametrize("command", ["run", "demo"])
@pytest.mark.parametrize("opt", OPTIONS.values(), ids=list(OPTIONS))
def test_cli_offers_the_option_with_its_declared_default(command: str, opt: Option) -> None:
    if opt.flag is None:
        assert "cli" in opt.not_in, f"{opt.name}: no flag, and not_in does not say why"
        return
    action = _actions(_subparser(command))[opt.flag]
    assert action.dest == opt.name
    # the one command-line default that is not the declaration's (--spending: on in the demo,
    # the declaration's off in run) is declared in the CLI and said in the help
    assert action.default == cli.CLI_DEFAULTS.get(opt.name, opt.default)
    if opt.name in cli.CLI_DEFAULTS:
        assert "default:" in action.help
    assert opt.help.en in action.help
    if opt.kind in ("int", "float", "k_range", "date"):
        assert opt.bounds_text() in action.help


def test_run_without_options_gets_the_declared_defaults() -> None:
    """What ``run`` passes to the analysis when no option is given: the declared defaults (an
    option not passed gets the analysis's default, which is the declaration's)."""
    args = cli.build_parser().parse_args(["run", "--out", "x"])
    given = cli._analysis_options(args)
    for name, opt in OPTIONS.items():
        if name in given:
            assert given[name] == opt.default, name
    huff = given["huff"]
    assert (huff.decay, huff.beta, huff.lam, huff.cutoff) == tuple(
        OPTIONS[n].default for n in ("huff_decay", "huff_beta", "huff_lambda", "huff_cutoff"))


@pytest.mark.parametrize(("opt", "value"), [(o, v) for o in OPTIONS.values() if o.flag
                                            for v in outside(o)],
                         ids=lambda x: x.name if isinstance(x, Option) else cli_text(x))
def test_cli_refuses_a_value_just_outside_a_bound(opt: Option, value: Any,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        cli.main(["run", "--out", "never", opt.flag, cli_text(value)])
    assert exc.value.code == 2
    err = capsys.readouterr().err.strip().splitlines()[-1]
    assert opt.flag in err, err
    if opt.kind == "choice":  # argparse's own refusal, from the declared choices
        assert "invalid choice" in err and all(c in err for c in opt.choices), err
    else:
        assert f"expected {opt.bounds_text()}" in err, err
    assert not Path("never").exists()


def test_cli_refuses_options_that_cannot_go_together(capsys: pytest.CaptureFixture[str]) -> None:
    for argv, said in ((["-k", "4", "--k-range", "3-5"], "give k or k_range, not both"),
                       (["--rasters", "--cell-size", "100", "--bandwidth", "50"],
                        "must be at least the cell size (100 m)")):
        with pytest.raises(SystemExit) as exc:
            cli.main(["run", "--out", "never", *argv])
        assert exc.value.code == 2 and said in capsys.readouterr().err


def test_typology_fit_offers_the_typology_options() -> None:
    fit = _subparser("typology")._subparsers._group_actions[0].choices["fit"]  # noqa: SLF001
    actions = _actions(fit)
    for name in ("k", "k_range", "contiguous", "random_state", "typology_segments"):
        opt = OPTIONS[name]
        assert actions[opt.flag].dest == name and actions[opt.flag].default == opt.default
    assert "--typology-model" not in actions  # it fits a model


# --- batch ---------------------------------------------------------------------------------------

#: What a key needs besides itself to be accepted ([analysis] lines; data.bag and
#: data.establishments are always given).
CONTEXT = {"huff_lambda": {"spending": True, "huff_decay": "exponential"},
           **{k: {"spending": True} for k in ("huff_decay", "huff_beta", "huff_cutoff",
                                               "spending_measure", "spending_per_dwelling",
                                               "scenario_floor_area")}}


def _config(folder: Path, analysis: dict[str, Any]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    demo = demo_data_path().as_posix()
    lines = "\n".join(f"{k} = {toml(v)}" for k, v in analysis.items())
    # load_config only checks that the BAG and the export exist: any files do
    path = folder / "run.toml"
    path.write_text(f'out = "out"\n[areas]\nfile = "{CBS.as_posix()}"\n'
                    f'[data]\nstreets = "{demo}"\npois = "{demo}"\nbag = "{demo}"\n'
                    f'establishments = "{path.as_posix()}"\n[analysis]\n{lines}\n',
                    encoding="utf-8")
    return path


def _batch_options() -> list[Option]:
    return [o for o in OPTIONS.values() if o.batch is not None]


def test_batch_keys_are_the_declared_options() -> None:
    assert set(batch.analysis_options()) == {o.batch for o in _batch_options()}
    for opt in OPTIONS.values():
        if opt.batch is None:
            assert "batch" in opt.not_in, f"{opt.name}: no batch key, and not_in does not say why"


@pytest.mark.parametrize("opt", _batch_options(), ids=lambda o: o.name)
def test_batch_accepts_the_declared_default(tmp_path: Path, opt: Option) -> None:
    if opt.default is None:  # "not set": nothing to write
        cfg = load_config(_config(tmp_path, CONTEXT.get(opt.batch, {})))
        assert opt.batch not in cfg.analysis
        assert opt.name not in batch._analysis_kwargs(cfg.analysis)  # the analysis's default
        return
    cfg = load_config(_config(tmp_path, {**CONTEXT.get(opt.batch, {}), opt.batch: opt.default}))
    assert cfg.analysis[opt.batch] == (list(opt.default) if isinstance(opt.default, tuple)
                                       else opt.default)
    if not opt.name.startswith("huff_"):  # those go to the analysis as one HuffParameters
        assert batch._analysis_kwargs(cfg.analysis)[opt.name] == opt.default


@pytest.mark.parametrize(("opt", "value"), [(o, v) for o in _batch_options()
                                            for v in outside(o)],
                         ids=lambda x: x.name if isinstance(x, Option) else toml(x))
def test_batch_refuses_a_value_just_outside_a_bound(tmp_path: Path, opt: Option,
                                                    value: Any) -> None:
    with pytest.raises(InputError) as info:
        load_config(_config(tmp_path, {**CONTEXT.get(opt.batch, {}), opt.batch: value}))
    message = str(info.value)
    assert "\n" not in message
    assert f"analysis.{opt.batch}: expected {opt.bounds_text()}, got " in message, message


def test_batch_huff_parameters_are_the_declared_defaults(tmp_path: Path) -> None:
    cfg = load_config(_config(tmp_path, {"spending": True}))
    huff = batch._analysis_kwargs(cfg.analysis)["huff"]
    assert (huff.decay, huff.beta, huff.lam, huff.cutoff) == tuple(
        OPTIONS[n].default for n in ("huff_decay", "huff_beta", "huff_lambda", "huff_cutoff"))


# --- the declarations and the library ----------------------------------------------------------

def test_declared_choices_are_the_librarys() -> None:
    from wijkkracht.core.huff import DECAYS
    from wijkkracht.core.rasters import DEFAULT_BANDWIDTH, DEFAULT_CELL_SIZE
    from wijkkracht.core.streets import TYPOLOGY_SEGMENTS
    from wijkkracht.core.typology_features import EXTRA_TYPOLOGY

    assert OPTIONS["huff_decay"].choices == tuple(DECAYS)
    assert OPTIONS["typology_segments"].choices == tuple(TYPOLOGY_SEGMENTS)
    assert OPTIONS["typology_extra"].choices == tuple(EXTRA_TYPOLOGY)
    assert (OPTIONS["cell_size"].default, OPTIONS["bandwidth"].default) == (
        DEFAULT_CELL_SIZE, DEFAULT_BANDWIDTH)


def test_every_option_is_in_every_front_end_or_says_why_not() -> None:
    fronts = {"cli": "flag", "batch": "batch", "qgis": "qgis"}
    for opt in OPTIONS.values():
        assert set(opt.not_in) <= set(fronts), opt.name
        for front, attr in fronts.items():
            assert (getattr(opt, attr) is None) == (front in opt.not_in), (opt.name, front)


# --- the README ----------------------------------------------------------------------------------

def test_readme_option_table_is_made_from_the_declarations() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert cli.readme_with_options_table(readme) == readme, \
        "the README's option table is out of date: run python scripts/options_table.py"
    table = cli.options_table()
    for opt in OPTIONS.values():
        assert f"| `{opt.name}` |" in table and opt.help.en in table
