"""Generates test/reference/reach-curves-vectors.json with scipy (computed-trusted) plus values copied
verbatim from the sources named in ../README.md. Run: python3 reach_curves_vectors.py > ../reach-curves-vectors.json"""
import json
import math
import numpy as np
import scipy
from scipy import stats

out = {"_provenance": {
    "scipy": scipy.__version__, "numpy": np.__version__,
    "note": "nbd/poisson/student_t/hill rows computed with scipy on the generator's machine; 'verbatim' blocks copied from the named source",
}}

# NBD (Gamma-Poisson): exposures ~ NegBin(n = k, p = k/(k+m)), m = I/N  (math.md §5.3)
nbd = []
for N, I, k in [(1000, 1000, 1.0), (1_000_000, 2_500_000, 0.5), (1_000_000, 2_500_000, 2.0), (50_000, 10_000, 0.8), (200_000, 900_000, 25.0)]:
    m = I / N
    d = stats.nbinom(k, k / (k + m))
    nbd.append({"audience": N, "impressions": I, "shape": k,
                "reach": float(N * d.sf(0)),
                "exact_1_to_10": [float(N * d.pmf(j)) for j in range(1, 11)],
                "kplus_3": float(N * d.sf(2)), "kplus_10": float(N * d.sf(9))})
out["nbd"] = nbd

poisson = []
for N, I in [(1000, 1000), (1_000_000, 2_500_000), (50_000, 10_000)]:
    m = I / N
    d = stats.poisson(m)
    poisson.append({"audience": N, "impressions": I, "reach": float(N * d.sf(0)),
                    "exact_1_to_10": [float(N * d.pmf(j)) for j in range(1, 11)], "kplus_3": float(N * d.sf(2))})
out["poisson"] = poisson

out["student_t_quantiles"] = [{"p": p, "dof": v, "q": float(stats.t.ppf(p, v))}
                              for p in (0.95, 0.975, 0.995, 0.8) for v in (1, 2, 3, 5, 10, 30, 57, 200)]
out["normal_quantiles"] = [{"p": p, "q": float(stats.norm.ppf(p))} for p in (0.5, 0.8, 0.95, 0.975, 0.995, 0.999, 1e-6)]

def hill(x, top, k, s):
    return top * x**s / (k**s + x**s)
out["hill"] = [{"x": x, "top": t, "k": k, "s": s, "y": hill(x, t, k, s),
                "inflection": (k * ((s - 1) / (s + 1)) ** (1 / s)) if s > 1 else 0.0}
               for (x, t, k, s) in [(5, 100, 5, 2), (2, 100, 5, 3), (50, 1e6, 20, 0.7), (1234.5, 5e5, 800, 2.5)]]

out["verbatim"] = {
    "sainsbury_400_spots_rating_0_1": {"spots": 400, "rating_share": 0.001, "combined_reach_share_rounded": 0.33,
                                        "exact_from_math_md": 0.3298,
                                        "source": "https://latinbusinesstoday.com/engage-customers-aligned-media-strategy/4/ via math.md 5.2"},
    "goerg": {"source": "world-federation-of-advertisers/planning-evaluation-framework src/models/tests/goerg_model_test.py",
              "fit": [200, 100], "reach_at_200": 100, "reach_at_100": 200 / 3, "kplus_at_200": [100, 50, 25],
              "max_reach": 200, "max_reach_fit_300_100": 150,
              "impressions_at_reach_quantile": [[1 / 3, 100], [0.5, 200]]},
    "pymc_michaelis_menten": {"source": "pymc-labs/pymc-marketing tests/mmm/test_transformers.py via math.md 4.2",
                              "cases": [{"x": 10, "alpha": 100, "lam": 5, "y_rounded_2dp": 66.67}, {"x": 20, "alpha": 100, "lam": 5, "y": 80}]},
    "hill_half_at_kappa": {"source": "pymc-marketing hill_function / Meridian hill via math.md 4.2-4.3", "note": "x^s/(x^s+k^s) = 0.5 at x = k"},
    "hll": {"source": "math.md 5.4: 1.04/sqrt(m) (Flajolet et al. 2007); BigQuery HLL_COUNT p=15 published CI table",
            "bigquery_p15_ci_percent": {"65": 0.29, "95": 0.57, "99": 0.86},
            "greptime_16384_registers_rse": 0.008125},
}
print(json.dumps(out, indent=1))
