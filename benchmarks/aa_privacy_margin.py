"""Why AA_truth stays above 0.5 where the mosaic is private: nearest-neighbour distances and the DCR test's own noise (prints figures; not a test).

For one built-in cohort of a finished paper run (`make paper`, checkpoints in `_runs/models/paper`):
1. the DCR ratio of fresh real people: the held-out rows (validation + test) split in random halves, the median
   distance to the nearest training row of one half over the other's. Its spread is the noise of the calibration's
   privacy test (DCR >= 1), which a perfect generator fails about half the time;
2. for the denoiser's own mosaic and for every walk's private setting in its calibration record: AA_truth / AA_syn
   against the test split and the median nearest-training distance of synthetic people over that of test people
   (cityblock on genotypes, as many synthetic people as test people, with the test labels).

    .venv/bin/python benchmarks/aa_privacy_margin.py --cohort sim-disease     # about 7 min on 2 cores
"""
import argparse, sys, numpy as np
from pathlib import Path
from scipy.spatial.distance import cdist
from genediff_nb.core import project_root
from genediff_nb.experiments import setup_experiment, train_config, trained_generator, model_dir
from genediff_nb.sampling import no_tokens

ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
ap.add_argument('--cohort', default='sim-disease', help='a built-in cohort of the run (sim-pop, sim-disease)')
ap.add_argument('--model', default='mlp'); ap.add_argument('--seed', type=int, default=0)
ap.add_argument('--run-dir', type=Path, default=project_root()/'_runs'/'models'/'paper', help='checkpoints of a paper run')
ap.add_argument('--halves', type=int, default=200, help='random half splits for the DCR noise')
a = ap.parse_args()
t = setup_experiment(False, a.run_dir, None, [a.cohort], seed=a.seed).tasks[0]; G, sp = t.cohort.G, t.split
cfg = train_config(a.model, False, a.seed)
if not (model_dir(a.run_dir, t, cfg)/'panel.npz').exists():
    sys.exit(f"aa_privacy_margin: error: no calibrated {a.model} checkpoint of {a.cohort} in {a.run_dir}: run `make paper` first (or give --run-dir)")

def nn(A, B=None):
    "Distance from each row of A to its nearest row of B (of A itself, leaving the row out, without B)"
    D = cdist(A, A if B is None else B, 'cityblock')
    if B is None: np.fill_diagonal(D, np.inf)
    return D.min(1)

f32 = lambda i: G[i].astype(np.float32)
ho = np.r_[sp['val'], sp['test']]; d_ho = nn(f32(ho), f32(sp['train'])); rng = np.random.default_rng(a.seed); r = []
for _ in range(a.halves):
    p = rng.permutation(len(ho)); h = len(p) // 2; r.append(np.median(d_ho[p[:h]]) / np.median(d_ho[p[h:]]))
r = np.array(r)
print(f"{a.cohort}: DCR ratio of real vs real ({len(ho) // 2} vs {len(ho) // 2} held-out people, {a.halves} random halves): "
      f"5-95% {np.percentile(r, 5):.4f}-{np.percentile(r, 95):.4f}, below 1 in {np.mean(r < 1):.0%}")

g = trained_generator(t, cfg, a.run_dir); P = g.panel
te, yt = f32(sp['test']), t.y[sp['test']]; n = len(te)
tr = f32(np.random.default_rng(a.seed).choice(sp['train'], n, replace=False))
d_tt, d_te_tr = nn(te), nn(te, tr)
print(f"{P}\nmedian nearest distance: test->test {np.median(d_tt):.0f}, test->train {np.median(d_te_tr):.0f} ({n} each)")
chosen = (P.walk if P.neighbours else None, P.neighbours, round(P.cross, 4), P.switch)
for rec in P.calibration['tried']:
    if not rec.get('chosen_for_t') or rec['temperature'] is not None and np.isfinite(rec['temperature']): continue   # the prior's settings
    d = P.subset(switch=rec['switch'], temperature=np.inf, neighbours=rec['neighbours'], walk=rec.get('walk')); d.cross = rec['cross']
    S = d.decode(no_tokens(n, t.emb), a.seed + 1, yt).astype(np.float32)
    mark = ' (chosen)' if (rec.get('walk'), rec['neighbours'], round(rec['cross'], 4), rec['switch']) == chosen else ''
    print(f"{str(rec.get('walk') or 'jumps'):6s} k={rec['neighbours']} cross={rec['cross']:.2f} switch={rec['switch']}{mark}: "
          f"validation W1 {rec['W1_within']} / {rec['W1_between']}; test->syn {np.median(nn(te, S)):.0f}; "
          f"AA {np.mean(nn(te, S) > d_tt):.3f} / {np.mean(nn(S, te) > nn(S)):.3f}; "
          f"syn->train over test->train {np.median(nn(S, tr)) / np.median(d_te_tr):.4f}", flush=True)
