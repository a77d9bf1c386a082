"""Write the SYNTHETIC province data set as UTF-8 CSV files, with a README.

    python scripts/make_synthetic_data.py [--out data/synthetic] [--seed 2565]

The files are organisations.csv, scores.csv, items.csv, published.csv and measures.csv, made
by ``ita_analysis.data.synthetic.make_province``. The output depends only on the seed: rerunning
gives byte-identical files (no dates or paths are written into them).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:  # run from a source tree without installing the package
    sys.path.insert(0, str(REPO))

from ita_analysis.data.synthetic import DEFAULT_SEED, SyntheticData, make_province  # noqa: E402

DEFAULT_OUT = REPO / "data" / "synthetic"
FILES = ("organisations", "scores", "items", "published", "measures")


def write_csv(frame, path: Path) -> None:
    frame.to_csv(path, index=False, encoding="utf-8", lineterminator="\n", float_format="%.2f")


def readme(data: SyntheticData, seed: int) -> str:
    lines = [
        "# Synthetic ITA data / ข้อมูลสังเคราะห์",
        "",
        "**These data are synthetic.** Every organisation, place, district and province name,",
        "every score, item, published result and measure in this folder was invented by a",
        "seeded random generator. None of it describes a real agency; any likeness to a real",
        "place name is coincidental. Never mix these files with real ITA data, and never cite",
        "them as results.",
        "",
        "**ข้อมูลชุดนี้เป็นข้อมูลสังเคราะห์** ชื่อหน่วยงาน ตำบล อำเภอ จังหวัด คะแนน ผลการตรวจรายข้อ",
        "ผลที่ประกาศ และมาตรการทุกรายการในโฟลเดอร์นี้สร้างขึ้นด้วยโปรแกรมสุ่มแบบกำหนดค่าเริ่มต้น (seed)",
        "ไม่ใช่ข้อมูลของหน่วยงานจริง หากชื่อใดตรงกับสถานที่จริงถือเป็นความบังเอิญ",
        "ห้ามนำไปปะปนกับข้อมูลผลการประเมิน ITA จริง และห้ามอ้างอิงเป็นผลการประเมิน",
        "",
        "## How it was made / วิธีสร้าง",
        "",
        f"Made by `scripts/make_synthetic_data.py --seed {seed}` with",
        f"`ita_analysis.data.synthetic.make_province(seed={seed})`. Rerunning the script with the",
        "same seed rewrites these files byte for byte.",
        "",
        f"สร้างโดย `scripts/make_synthetic_data.py --seed {seed}` เมื่อสั่งซ้ำด้วย seed เดิม",
        "จะได้ไฟล์เหมือนเดิมทุกไบต์",
        "",
        "## Files / ไฟล์",
        "",
        "| file | rows | columns |",
        "|---|---|---|",
    ]
    for name in FILES:
        frame = getattr(data, name)
        lines.append(f"| {name}.csv | {len(frame)} | {', '.join(frame.columns)} |")
    lines += [
        "",
        "Fiscal years are Buddhist Era. `items.csv` holds the indicator-10 items O34–O43 of",
        "fiscal year 2565, each scored 0 or 100; indicator 10 is the mean of its sub-indicators",
        "10.1 (O34–O41) and 10.2 (O42–O43), each the share of its items passed (NACC's roll-up).",
        "`published.csv` holds results for some organisations (letter grades up to 2565,",
        "pass labels such as ผ่าน from 2566, every band of the framework files, as NACC would",
        "publish them), computed from",
        "`scores.csv` with the 30/30/40 weights and half-up rounding, except these deliberate",
        "contradictions (mistyped figures) for reconciliation to find:",
        "",
        "| org_id | fiscal_year | column | published | correct |",
        "|---|---|---|---|---|",
    ]
    for row in data.contradictions.itertuples(index=False):
        lines.append(
            f"| {row.org_id} | {row.fiscal_year} | {row.column} "
            f"| {row.published:.2f} | {row.correct:.2f} |"
        )
    return "\n".join(lines) + "\n"


def write(out: Path, seed: int) -> SyntheticData:
    data = make_province(seed=seed)
    out.mkdir(parents=True, exist_ok=True)
    for name in FILES:
        write_csv(getattr(data, name), out / f"{name}.csv")
    (out / "README.md").write_text(readme(data, seed), encoding="utf-8", newline="\n")
    return data


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="folder to write into")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="random seed")
    args = parser.parse_args(argv)
    data = write(args.out, args.seed)
    for name in FILES:
        print(f"{args.out / (name + '.csv')}: {len(getattr(data, name))} rows")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
