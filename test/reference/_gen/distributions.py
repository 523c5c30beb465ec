"""Writes ../distribution_vectors.json: scipy values of the distribution functions cpi implements
(src/domain/stats/distributions.ts). Run: python3 distributions.py (scipy >= 1.10)."""
import json, os
import scipy, numpy as np
from scipy import stats

out = {"source": f"scipy {scipy.__version__}, numpy {np.__version__}; computed by test/reference/_gen/distributions.py",
       "normal_cdf": [], "normal_sf": [], "normal_ppf": [], "t_cdf": [], "t_sf": [], "t_ppf": [], "t_pdf": [], "chi2_sf": []}
for x in [-38, -20, -8.5, -5, -3, -1.96, -1, -0.3, 0, 1e-8, 0.5, 1, 1.6448536269514722, 2.5, 4, 6, 9]:
    out["normal_cdf"].append({"x": x, "p": float(stats.norm.cdf(x))})
    out["normal_sf"].append({"x": x, "p": float(stats.norm.sf(x))})
for p in [1e-300, 1e-100, 1e-20, 1e-10, 1e-6, 0.001, 0.01, 0.02425, 0.025, 0.05, 0.1, 0.2, 0.3, 0.45, 0.5, 0.6, 0.8, 0.9, 0.95, 0.975, 0.99, 0.999, 0.999999]:
    out["normal_ppf"].append({"p": p, "x": float(stats.norm.ppf(p))})
dofs = [1, 1.5, 2, 3, 4.7, 10, 29.5, 100, 1234.5, 6456.3, 1e5, 1e7]
for nu in dofs:
    for t in [-40, -7, -3, -2, -1, -0.25, 0.1, 0.7, 1.5, 2.2, 4, 9, 60]:
        out["t_cdf"].append({"t": t, "df": nu, "p": float(stats.t.cdf(t, nu))})
        out["t_sf"].append({"t": t, "df": nu, "p": float(stats.t.sf(t, nu))})
        out["t_pdf"].append({"t": t, "df": nu, "d": float(stats.t.pdf(t, nu))})
    for p in [1e-12, 1e-6, 0.001, 0.025, 0.05, 0.2, 0.45, 0.55, 0.9, 0.95, 0.975, 0.995, 0.9999]:
        out["t_ppf"].append({"p": p, "df": nu, "t": float(stats.t.ppf(p, nu))})
for k in [1, 2, 3, 5, 10, 30, 100]:
    for x in [0.001, 0.5, 1, 3.841458820694124, 7, 15, 40, 120, 300]:
        out["chi2_sf"].append({"x": x, "df": k, "p": float(stats.chi2.sf(x, k))})
path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "distribution_vectors.json")
with open(path, "w") as f:
    json.dump(out, f, indent=1)
print("wrote", path)
