"""What the mosaic's copying panel and its draws do to the field's benchmark, on a `new_user.py` run (prints figures; not a test).

`genediff train` calibrates the mosaic decoder on its own split (70% of the individuals it is given copied from, 10%
validation, 20% test) and keeps the 70% as the panel it copies. This re-decodes a finished `benchmarks/new_user.py`
run's checkpoint, at its calibrated setting, from three panels: the calibration panel (what `genediff sample` uses),
training + validation individuals, and every individual `genediff train` was given; each at `--draws` sampling seeds,
scored against the run's held-out individuals (haplotype Hamming W1s, PC1-PC6, AA; genotype AA; DCR and MIA against
every individual given to `genediff train`). It also prints the mean pairwise Hamming distance (twice the summed
heterozygosity) of the held-out set, of the training set and of each draw: the within-set W1 is mostly the gap
between those means, so a generator that reproduces its training allele frequencies exactly scores about that gap.

    .venv/bin/python benchmarks/new_user.py --cohort C.vcf.gz --test-samples T.txt --out DIR    # first: the run
    .venv/bin/python benchmarks/panel_size.py --cohort C.vcf.gz --run DIR                       # about 5 min on chr15
"""
import argparse, sys, numpy as np, pandas as pd
from pathlib import Path
from genediff_nb.cohorts import load_cohort, read_vcf, attach_labels
from genediff_nb.sampling import load_panel
from genediff_nb.training import haplotype_cohort, mosaic_panel, read_split, load_checkpoint
from genediff_nb.benchmark import aats, hamming_w1, coupled_pca_w1
from genediff_nb.metrics import privacy_report

def mean_distance(H)->float:
    "Mean Hamming distance between two distinct rows of the 0/1 haplotypes `H`: sum over SNPs of 2p(1 - p), for pairs"
    p = H.mean(0); return float((2 * p * (1 - p)).sum() * len(H) / (len(H) - 1))

def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--cohort', required=True, help='the phased cohort given to new_user.py')
    ap.add_argument('--run', type=Path, required=True, help="new_user.py's --out folder (train.vcf.gz, ck/)")
    ap.add_argument('--draws', type=int, default=4, help='sampling seeds per panel')
    a = ap.parse_args(argv)
    ck = a.run/'ck'
    if not (ck/'panel.npz').exists(): sys.exit(f"panel_size: error: no checkpoint with a mosaic panel in {ck}: run benchmarks/new_user.py first")
    c = load_cohort(a.cohort, max_sample_missing=1.0, max_missing=1.0); tr = read_vcf(a.run/'train.vcf.gz')
    if c.haps is None or tr.haps is None: sys.exit("panel_size: error: the cohort must be phased")
    te = ~np.isin(c.samples, tr.samples)
    _, emb, cfg = load_checkpoint(ck)
    if cfg.get('mode') != 'haplotype': sys.exit(f"panel_size: error: {ck} is not a haplotype-mode checkpoint")
    if emb.m != c.m: sys.exit(f"panel_size: error: the checkpoint has {emb.m} SNPs, the cohort {c.m} (genediff train's QC dropped some): not comparable")
    if cfg['n_classes']:
        tr = attach_labels(tr, a.run/'train.tsv', columns=[cfg['label_col']])
    h = haplotype_cohort(tr); sp = read_split(ck)
    y = None
    if cfg['n_classes']:
        classes = list(cfg['classes']); y = np.array([classes.index(str(v)) for v in h.labels[cfg['label_col']].values])
    P = load_panel(ck, emb)
    T, R = c.haps[te].reshape(-1, c.m), h.G                    # held out; every haplotype given to genediff train
    print(f"{P}\nmean pairwise distance: held out {mean_distance(T):.1f}, every training haplotype {mean_distance(R):.1f}, "
          f"calibration panel {mean_distance(P.panel):.1f}", flush=True)
    def widened(idx):                                          # the same calibrated setting, copying rows `idx`
        d = mosaic_panel(emb, h, y, dict(train=np.sort(idx), val=sp['val']))
        w = d.subset(switch=P.switch, temperature=P.temperature, neighbours=P.neighbours, walk=P.walk, by_group=P.by_group)
        w.cross = P.cross; return w
    panels = [('calibration panel', P), ('train + validation', widened(np.r_[sp['train'], sp['val']])), ('every individual', widened(np.arange(len(R))))]
    ys, n, out = y, len(R), []                               # as many synthetic people as were given, in their class mix
    for name, D in panels:
        for s in range(a.draws):
            S = D.decode(np.zeros((n, 0, 0)), s, ys); w = hamming_w1(S, T); aa = aats(T, S)
            ag = aats(T[0::2] + T[1::2], S[0::2] + S[1::2]); pr = privacy_report(S[0::2] + S[1::2], R[0::2] + R[1::2], T[0::2] + T[1::2])
            out.append(dict(panel=name, rows=len(D.panel), seed=s, mean_distance=round(mean_distance(S), 1), **w,
                            **{f'W1_PC{k + 1}': v for k, v in enumerate(coupled_pca_w1(S, T, seed=0))},
                            AA_truth=aa['AA_truth'], AA_syn=aa['AA_syn'], geno_AA_truth=ag['AA_truth'], geno_AA_syn=ag['AA_syn'],
                            DCR_ratio=pr['dcr_ratio'], MIA_AUC=pr['mia_auc']))
            print({k: (round(v, 3) if isinstance(v, float) else v) for k, v in out[-1].items()}, flush=True)
    t = pd.DataFrame(out)
    print(t.drop(columns='seed').groupby(['panel', 'rows'], sort=False).agg(['mean', 'min', 'max']).round(3).T.to_string())

if __name__ == '__main__': main()
