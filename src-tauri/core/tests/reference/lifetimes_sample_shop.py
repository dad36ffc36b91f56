"""Expected values for tests/predictions.rs: lifetimes 0.11.3 fitted on the Small sample shop as
of 2026-06-30, in days, read from Flywheel's own customer report:

    flywheel --db s.db seed --as-of 2026-06-30
    flywheel --db s.db report customers --as-of 2026-06-30 --csv > s.csv
    python3 src-tauri/core/tests/reference/lifetimes_sample_shop.py s.csv

The report's monetary values are rounded to cents, so the spend model is compared to 1e-4.
"""
import sys
import pandas as pd
from lifetimes import BetaGeoFitter, GammaGammaFitter

d = pd.read_csv(sys.argv[1])
bgf = BetaGeoFitter(penalizer_coef=0.0).fit(d["frequency"], d["recency_days"], d["t_days"])
print("BG/NBD", {k: float(v) for k, v in bgf.params_.items()})
rep = d[(d["frequency"] > 0) & (d["monetary_value"] > 0)]
ggf = GammaGammaFitter(penalizer_coef=0.0).fit(rep["frequency"], rep["monetary_value"])
# In cents, as Flywheel keeps money: gamma scales with the money, p and q do not.
print("Gamma-Gamma", {k: float(v) * (100 if k == "v" else 1) for k, v in ggf.params_.items()})
