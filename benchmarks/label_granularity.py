"""Generate with fine labels, classify on coarse ones: what the labels a generator is conditioned on do to realism and TSTR (prints figures; not a test).

The mosaic decoder copies segments within a class. Conditioned on coarse labels (continents), a synthetic person
mixes the groups inside a class; conditioned on fine ones (populations), it stays within one. This takes the
haplotype-mode denoiser `12_tstr` trains on a cohort split by its fine label (`haplotype_generators`, found in or
trained into the run folder), draws as many people as the training split has, with its fine labels, maps each to its
coarse label (the label table's own pairs), and reports, against the real test split: diploid AA on Hamming distances
(`aats`), and TSTR recovery on the coarse label for each classifier (trained on the synthetic people, early stopping
on the real validation split, over `--seeds`, each its own synthetic draw; TRTR on the real training split with the same labels).

    .venv/bin/python benchmarks/label_granularity.py --cohort 805_SNP_1000G_real.hapt.zip --labels 1kg_2504_sample_population.tsv \\
        --fine population --coarse superpopulation --run-dir _runs/models/paper     # minutes on 2 cores once the denoiser exists
"""
import argparse, time, numpy as np
from genediff_nb.experiments import prepare_task, haplotype_generators
from genediff_nb.classifiers import fit_classifier, accuracy
from genediff_nb.benchmark import aats
from genediff_nb.cohorts import read_labels

ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
ap.add_argument('--cohort', required=True); ap.add_argument('--labels', required=True)
ap.add_argument('--fine', default='population'); ap.add_argument('--coarse', default='superpopulation')
ap.add_argument('--run-dir', required=True, help='checkpoint folder of the paper run (the denoiser is trained there if missing)')
ap.add_argument('--classifiers', nargs='+', default=['mlp', 'cnn', 'transformer', 'linear'])
ap.add_argument('--seeds', type=int, default=2); ap.add_argument('--seed', type=int, default=0)
a = ap.parse_args()

t0 = time.time()
t = prepare_task(a.cohort, labels=a.labels, label_col=a.fine, seed=a.seed)      # the split and embedding of a run on the fine label
c, sp = t.cohort, t.split; tr, va, te = sp['train'], sp['val'], sp['test']
tab = read_labels(a.labels).astype(str)
if tab.groupby(a.fine)[a.coarse].nunique().max() > 1: raise SystemExit(f'{a.fine} is not nested in {a.coarse}: some {a.fine} has two')
pairs = tab.drop_duplicates(a.fine).set_index(a.fine, drop=False)[a.coarse]   # (fine may be coarse: the labels as they are)
coarse = np.array(sorted(pairs.unique())); code = {k: i for i, k in enumerate(coarse)}
yc = np.array([code[pairs[v]] for v in c.labels[a.fine].values])              # each person's coarse label
g = haplotype_generators(t, ['mlp'], a.run_dir, seed=a.seed)['mlp (haplotypes)']
draws = [g.sample_genotypes(len(tr), t.y[tr], rng=a.seed + s) for s in range(a.seeds)]   # one per classifier seed
to_coarse = lambda yf: np.array([code[pairs[t.classes[k]]] for k in yf])
aa = aats(c.G[te], draws[0][0], a.seed)
print(f'{t}\nconditioned on {a.fine} ({len(t.classes)} classes), scored on {a.coarse} ({len(coarse)}); {time.time() - t0:.0f} s')
print(f"diploid AA against the test split: {aa['AA_truth']:.3f} / {aa['AA_syn']:.3f}")
syn_sets = [(t.emb.encode(G), to_coarse(yf)) for G, yf in draws]
for clf in a.classifiers:
    real = [accuracy(fit_classifier(clf, t.X[tr], yc[tr], t.X[va], yc[va], seed=s, n_classes=len(coarse)), t.X[te], yc[te]) for s in range(a.seeds)]
    syn = [accuracy(fit_classifier(clf, *syn_sets[s], t.X[va], yc[va], seed=s, n_classes=len(coarse)), t.X[te], yc[te]) for s in range(a.seeds)]
    rec = 100 * np.array(syn) / np.array(real)
    print(f'{clf}: TRTR {np.mean(real):.3f}, TSTR {np.mean(syn):.3f}, recovery {rec.mean():.1f} +- {rec.std(ddof=1) if len(rec) > 1 else 0:.1f} %  ({time.time() - t0:.0f} s)', flush=True)
