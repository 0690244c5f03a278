"""What copying other classes' segments costs a case-control cohort: class contrasts, privacy, W1 and TSTR (prints figures; not a test).

For one built-in cohort at paper size (the split and embedding `prepare_task` makes), the run's mosaic panel
(`mosaic_panel`, with its fitted cross-class share) is decoded by the copying prior alone, walking in PBWT order to
the 2 nearest rows, at cross-class shares 0, half the fitted one and the fitted one, and at switch rates 0.05-0.5,
as many samples as training individuals (the training class mix). Per setting it prints the calibration's privacy
test against the validation split (DCR ratio, MIA AUC), the W1s by class pair to the validation rows, how much of
the training rows' class contrasts the samples keep (`class_contrast`), and the logistic regression's TSTR accuracy
on the test split over its TRTR accuracy (`fit_classifier('linear')`, as `12_tstr` fits it).

    .venv/bin/python benchmarks/class_contrast.py --cohort sim-disease     # about 2 min on 2 cores
"""
import argparse, time, numpy as np
from genediff_nb.experiments import prepare_task
from genediff_nb.training import mosaic_panel
from genediff_nb.metrics import privacy_report
from genediff_nb.benchmark import hamming_w1_by_class, class_contrast
from genediff_nb.classifiers import fit_classifier, accuracy

ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
ap.add_argument('--cohort', default='sim-disease', choices=['sim-disease', 'sim-pop'])
ap.add_argument('--switches', type=float, nargs='+', default=[0.05, 0.1, 0.2, 0.5])
ap.add_argument('--seed', type=int, default=0)
a = ap.parse_args()

t0 = time.time()
t = prepare_task(a.cohort, quick=False, seed=a.seed); c, sp = t.cohort, t.split
tr, va, te = sp['train'], sp['val'], sp['test']
p = mosaic_panel(t.emb, c, t.y, sp, seed=a.seed)
trtr = accuracy(fit_classifier('linear', t.X[tr], t.y[tr], t.X[va], t.y[va]), t.X[te], t.y[te])
print(f'{t}\nfitted cross-class share {p.cross:.3f}; logistic TRTR accuracy {trtr:.3f} ({time.time() - t0:.0f} s)', flush=True)
ys = np.random.default_rng(a.seed).permutation(t.y[tr])        # the training class mix
none = np.empty((len(ys), 0, 0), np.float32)                   # the prior alone reads no tokens
print('cross  switch  DCR    MIA    W1 within/between  contrast  TSTR   recovery')
for cross in (0., round(p.cross / 2, 4), round(p.cross, 4)):
    for s in a.switches:
        d = p.subset(switch=s, temperature=np.inf, neighbours=2, walk='pbwt'); d.cross = cross
        S = d.decode(none, a.seed, ys)
        r, w = privacy_report(S, p.panel, c.G[va]), hamming_w1_by_class(S, ys, c.G[va], t.y[va])
        acc = accuracy(fit_classifier('linear', t.emb.encode(S), ys, t.X[va], t.y[va]), t.X[te], t.y[te])
        print(f"{cross:<6} {s:<7} {r['dcr_ratio']:.3f}  {r['mia_auc']:.3f}  {w['W1_within']:6.2f} / {w['W1_between']:<6.2f}     "
              f"{class_contrast(S, ys, p.panel, p.labels):.3f}     {acc:.3f}  {acc / trtr:.1%}", flush=True)
print(f'{time.time() - t0:.0f} s')
