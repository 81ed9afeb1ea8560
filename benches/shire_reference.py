#!/usr/bin/env python3
"""Independent reference for the "Shire RAS 2025" computation (rules/shire-2025.ras).

Written straight from the scenario text with Python's `decimal` module, sharing nothing with
benches/shire_handwritten.rs, so that agreement between the two is evidence about both. It is
meant for small fixture files, not speed.

    python3 benches/shire_reference.py INPUT.csv [OUTPUT.csv]    (OUTPUT defaults to stdout)

Rejected rows are reported on stderr and left out of the output, as the Rust program does;
the exit status is then 1.
"""

import csv
import sys
from decimal import ROUND_HALF_UP, Decimal, getcontext

# Wide enough that no intermediate product is ever rounded by the context: the only rounding
# is the explicit quantize-to-the-penny the scenario asks for.
getcontext().prec = 50

D = Decimal
PENNY = D("0.01")

# question -> (domain, points by option code 1..k), as the Shire reference scenario tables them.
QUESTIONS = {
    "q01": ("personal_care", [0, 4, 10, 18, 26]),
    "q02": ("personal_care", [0, 3, 8, 14]),
    "q03": ("nutrition", [0, 3, 7, 12]),
    "q04": ("nutrition", [0, 2, 5]),
    "q05": ("toileting", [0, 4, 9, 16]),
    "q06": ("clothing", [0, 2, 5, 8]),
    "q07": ("home_safety", [0, 3, 8, 15, 22]),
    "q08": ("home_safety", [0, 5, 12]),
    "q09": ("habitable_home", [0, 2, 4, 7]),
    "q10": ("relationships", [0, 2, 5, 9]),
    "q11": ("community", [0, 3, 6, 10]),
    "q12": ("community", [0, 2, 4]),
    "q13": ("work_education", [0, 2, 5, 8]),
    "q14": ("caring_child", [0, 4, 9]),
    "q15": ("night", [0, 6, 14, 24]),
    "q16": ("night", [0, 5, 11]),
    "q17": ("behaviour", [0, 4, 10, 18, 30]),
    "q18": ("behaviour", [0, 3, 8]),
    "q19": ("health", [0, 2, 6, 12]),
    "q20": ("health", [0, 3, 7]),
    "q21": ("mobility", [0, 2, 6, 11]),
    "q22": ("mobility", [0, 3, 8]),
    "q23": ("communication", [0, 2, 5, 9]),
    "q24": ("medication", [0, 2, 4, 7]),
}
WEIGHTS = {"personal_care": D("1.5"), "night": D("1.25"), "behaviour": D("1.2")}
DAILY_LIVING = {"personal_care", "nutrition", "toileting", "clothing"}
CARER_RATE = {
    "none": D(0),
    "some_willing": D("0.15"),
    "some_unwilling": D(0),
    "most_willing": D("0.30"),
    "most_unwilling": D(0),
}
PRICE = {"older_people": D("4.88"), "working_age": D("5.20")}
THRESHOLD = {"older_people": D("650.00"), "working_age": D("1100.00")}

HEADER = [
    "case_id", "points", "net_points", "gross", "contingency", "indicative", "annual",
    "reasonable_offer_review", "route",
]


def round_penny(x):
    # Python's ROUND_HALF_UP rounds ties away from zero, which is what the scenario specifies.
    return x.quantize(PENNY, rounding=ROUND_HALF_UP)


def contingency_rate(gross):
    if gross < D("100.00"):
        return D("0.26")
    if gross < D("300.00"):
        return D("0.15")
    if gross < D("600.00"):
        return D("0.10")
    return D("0.05")


def fmt_points(x):
    # "up to 4 decimals, trailing zeros trimmed"; net points are exact at 4 decimals at most.
    assert x == x.quantize(D("0.0001")), x
    return format(x.normalize(), "f")


def fmt_money(x):
    return format(x.quantize(PENNY), "f")


def compute(row):
    cohort = row["cohort"]
    if cohort not in PRICE:
        raise ValueError(f"bad cohort {cohort!r}")
    carer = row["carer"]
    if carer not in CARER_RATE:
        raise ValueError(f"bad carer {carer!r}")

    domain_points = {}
    for q, (domain, options) in QUESTIONS.items():
        code = row[q]
        if not code.isdigit() or not 1 <= int(code) <= len(options):
            raise ValueError(f"bad {q} {code!r}")
        domain_points[domain] = domain_points.get(domain, 0) + options[int(code) - 1]
    weighted = {d: WEIGHTS.get(d, D(1)) * p for d, p in domain_points.items()}
    points = sum(weighted.values(), D(0))
    deduction = CARER_RATE[carer] * sum((weighted[d] for d in DAILY_LIVING), D(0))
    net_points = points - deduction

    gross = round_penny(net_points * PRICE[cohort])
    contingency = round_penny(gross * contingency_rate(gross))
    indicative = gross - contingency
    annual = indicative * 52
    review = indicative > THRESHOLD[cohort]

    plan = row["plan_cost"]
    if plan == "":
        route = ""
    else:
        plan_cost = D(plan)
        if indicative >= D("1000.00") or plan_cost >= D("1000.00"):
            route = "panel"
        elif abs(plan_cost - indicative) <= D("0.10") * indicative:
            route = "care_manager"
        else:
            route = "team_manager"

    return [
        row["case_id"], fmt_points(points), fmt_points(net_points), fmt_money(gross),
        fmt_money(contingency), fmt_money(indicative), fmt_money(annual),
        "true" if review else "false", route,
    ]


def main(argv):
    if len(argv) not in (2, 3):
        sys.exit(__doc__)
    out = open(argv[2], "w", newline="") if len(argv) == 3 else sys.stdout
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    rejected = 0
    with open(argv[1], newline="") as f:
        reader = csv.DictReader(f)
        for row in reader:
            try:
                writer.writerow(compute(row))
            except (ValueError, ArithmeticError) as e:
                rejected += 1
                print(f"{argv[1]}: line {reader.line_num} (case_id {row.get('case_id')!r}): {e}",
                      file=sys.stderr)
    out.flush()
    return 1 if rejected else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
