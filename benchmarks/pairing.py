"""What pairing haplotypes at random costs a case-control cohort's TSTR, against draws of the same size (prints figures; not a test).

A haplotype-mode generator makes a person of two haplotypes of one class drawn apart. Where the label is a diploid
trait (sim-disease: a liability threshold on both haplotypes' sum), a real case's two haplotypes are not independent
of each other. This measures what that costs at best: the real training haplotypes themselves, re-paired at random
within each class (the ideal haplotype generator), and, for the draw-to-draw noise of any synthetic set of the same
size, bootstrap resamples of the real training individuals. For each it trains the logistic regression `12_tstr`
fits on every draw and prints its test accuracy over the one trained on the real training set (TSTR recovery), mean
and sd over the draws.

    .venv/bin/python benchmarks/pairing.py --cohort sim-disease --draws 10     # about 1 min on 2 cores
"""
import argparse, time, numpy as np
from genediff_nb.experiments import prepare_task
from genediff_nb.classifiers import fit_classifier, accuracy

ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
ap.add_argument('--cohort', default='sim-disease', choices=['sim-disease', 'sim-pop'])
ap.add_argument('--draws', type=int, default=10)
ap.add_argument('--seed', type=int, default=0)
a = ap.parse_args()
if a.draws < 2: ap.error('--draws: at least 2, for a spread')

t0 = time.time()
t = prepare_task(a.cohort, quick=False, seed=a.seed); c, sp, y = t.cohort, t.split, t.y
tr, va, te = sp['train'], sp['val'], sp['test']
H = c.haps.reshape(-1, c.m)                                   # haplotype 2i and 2i+1 are individual i's
def acc(G, yy): return accuracy(fit_classifier('linear', t.emb.encode(G), yy, t.X[va], y[va]), t.X[te], y[te])
trtr = accuracy(fit_classifier('linear', t.X[tr], y[tr], t.X[va], y[va]), t.X[te], y[te])
print(f'{t}\nTRTR accuracy {trtr:.3f} (always the commonest class: {np.bincount(y[te]).max() / len(te):.3f})', flush=True)
rec = {'re-paired real haplotypes': [], 'bootstrap of real individuals': []}
for k in range(a.draws):
    rng = np.random.default_rng(a.seed + 100 + k); G = np.empty((len(tr), c.m), np.int8)
    for cl in np.unique(y[tr]):
        ids = tr[y[tr] == cl]; h = rng.permutation(np.r_[2 * ids, 2 * ids + 1])
        G[y[tr] == cl] = H[h[0::2]] + H[h[1::2]]
    rec['re-paired real haplotypes'].append(100 * acc(G, y[tr]) / trtr)
    b = rng.choice(tr, len(tr)); rec['bootstrap of real individuals'].append(100 * acc(c.G[b], y[b]) / trtr)
for name, v in rec.items():
    print(f'{name}: TSTR recovery {np.mean(v):.1f} +- {np.std(v, ddof=1):.1f} % over {a.draws} draws (range {min(v):.1f}-{max(v):.1f})')
print(f'{time.time() - t0:.0f} s')
