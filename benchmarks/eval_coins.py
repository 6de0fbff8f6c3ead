"""Evaluate momepy's COINS strokes against streets joined by name (issue 14, part 4).

    pip install momepy   # evaluation only; wijkkracht does not depend on it
    python benchmarks/eval_coins.py [--json PATH]

On the street segments (``is_street``) of the demo's study area, builds COINS strokes
(``momepy.COINS``, deflection angle 45°, its default) and wijkkracht's named streets
(:func:`wijkkracht.core.streets.named_streets`), and measures how well either matches the
street names a planner reads:

* strokes that carry more than one street name (a stroke runs through a junction into
  another street), share of stroke length in them;
* named streets split over more than one stroke (a street cut at a bend);
* the same for the named streets (by construction one name each; split only where the
  name's segments lie more than 30 m apart).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    try:
        import momepy
    except ImportError:
        sys.exit("eval_coins.py needs momepy (pip install momepy): an evaluation only")
    from wijkkracht.demo import analyse_demo

    result = analyse_demo(synthetic_bag=False, synthetic_hours=False)
    streets = result.streets[result.streets["is_street"]].reset_index(drop=True)
    name = streets["street_name"].str.split(" / ").str[0].fillna("")
    coins = momepy.COINS(streets[["geometry"]].copy(), angle_threshold=45)
    stroke = coins.stroke_attribute().to_numpy()
    frame = pd.DataFrame({"stroke": stroke, "name": name, "len": streets["length_m"],
                          "street_id": streets["street_id"]})
    named = frame[frame["name"] != ""]
    names_per_stroke = named.groupby("stroke")["name"].nunique()
    stroke_len = frame.groupby("stroke")["len"].sum()
    mixed = names_per_stroke[names_per_stroke > 1].index
    strokes_per_name = named.groupby("name")["stroke"].nunique()
    parts_per_name = named.groupby("name")["street_id"].nunique()
    out = {
        "segments": int(len(streets)),
        "named_segments": int(len(named)),
        "street_names": int(named["name"].nunique()),
        "coins": {
            "momepy": momepy.__version__,
            "angle_threshold_deg": 45,
            "strokes": int(frame["stroke"].nunique()),
            "strokes_with_several_names": int(len(mixed)),
            "share_of_length_in_mixed_strokes": round(
                float(stroke_len.loc[mixed].sum() / stroke_len.sum()), 3),
            "names_split_over_several_strokes": int((strokes_per_name > 1).sum()),
            "mean_strokes_per_name": round(float(strokes_per_name.mean()), 2),
        },
        "named_streets": {
            "streets": int(named["street_id"].nunique()),
            "names_in_several_parts": int((parts_per_name > 1).sum()),
            "parts": {n: int(c) for n, c in parts_per_name[parts_per_name > 1].items()},
        },
    }
    text = json.dumps(out, indent=2, ensure_ascii=False)
    if args.json:
        args.json.write_text(text + "\n", encoding="utf-8")
    print(text)


if __name__ == "__main__":
    np.seterr(all="ignore")
    main()
