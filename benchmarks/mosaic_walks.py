"""The prior-only mosaic's walks over decoding seeds: how much of a benchmark row is the decoder's own noise?

The mosaic decoder at temperature inf reads no tokens (`02_embedding`): its samples depend on the training panel, the
blocks, the switch rate, the walk and the seed alone, so they can be scored without a trained model. This script
takes a phased panel and its test individuals (the field's chr15 split by default), holds out a random 10% of the
training individuals as validation (as `16_benchmark` does), and prints the field's benchmark row (`07a_benchmark`)
against the validation and the test haplotypes for each walk, switch rate and seed, then the mean and range over
seeds. A difference between walks smaller than the range over seeds is noise.

    .venv/bin/python benchmarks/mosaic_walks.py --seeds 0 1 2       # the chr15 10K panel in ../shared/data; ~2 min on 2 cores
"""
import argparse, time
from pathlib import Path

SHARED = Path(__file__).resolve().parents[2]/'shared'/'data'


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0], formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    ap.add_argument('--vcf', default=str(SHARED/'1kg_chr15_10k'/'1000G_10K_SNP_chr15.vcf.gz'), help='a phased VCF')
    ap.add_argument('--test-ids', default=str(SHARED/'1kg_chr15_10k'/'gpc_8020_test_samples.txt'), help='test sample ids, one per line')
    ap.add_argument('--labels', default=str(SHARED/'1kg_labels'/'1kg_2504_sample_population.tsv'), help='label table (the k-NN walk stays in a class)')
    ap.add_argument('--label-col', default='population')
    ap.add_argument('--walks', nargs='*', default=['pbwt:2:0.05', 'knn:10:0.05', 'jump:0:0.05'],
                    help="WALK:K:SWITCH[:CROSS] settings, WALK one of pbwt, knn or jump (any row of the class; K ignored), CROSS the "
                         "share of copying from other classes (default 0; pbwt and jump)")
    ap.add_argument('--seeds', nargs='*', type=int, default=[0, 1, 2], help='decoding seeds')
    a = ap.parse_args(argv)
    import numpy as np, pandas as pd
    from genediff_nb.cohorts import read_vcf, attach_labels
    from genediff_nb.embedding import fit_embedding, MosaicDecoder
    from genediff_nb.training import haplotype_cohort, haplotype_split
    from genediff_nb.benchmark import benchmark_row
    for f in (a.vcf, a.test_ids, a.labels):
        if not Path(f).exists(): raise SystemExit(f"mosaic_walks: error: {f} does not exist")
    c = attach_labels(read_vcf(a.vcf, max_sample_missing=1.0, max_missing=1.0), a.labels, columns=[a.label_col])
    if c.haps is None: raise SystemExit(f"mosaic_walks: error: {a.vcf} is not fully phased")
    test = np.isin(c.samples, [l.strip() for l in open(a.test_ids) if l.strip()])
    te, tr_all = np.flatnonzero(test), np.flatnonzero(~test)
    rng = np.random.default_rng(0); va = np.sort(rng.choice(tr_all, max(2, len(tr_all) // 10), replace=False))
    hs = haplotype_split(dict(train=np.setdiff1d(tr_all, va), val=va, test=te)); hc = haplotype_cohort(c)
    emb = fit_embedding(hc, hs['train'], ploidy=1); y, _ = hc.y(); P, yP = hc.G[hs['train']], y[hs['train']]
    print(f"{a.vcf}: {len(P)} training, {len(hs['val'])} validation, {len(hs['test'])} test haplotypes; {emb.n_genes} blocks", flush=True)
    keys = ['W1_within', 'W1_between', 'W1_PC1', 'AA_truth', 'AA_syn', 'identical', 'DCR_ratio', 'MIA_AUC']
    rows = []
    for spec in a.walks:
        walk, k, sw, *cross = spec.split(':')
        dec = MosaicDecoder(emb, P, switch=float(sw), temperature=np.inf, labels=yP, cross=float(cross[0]) if cross else 0.,
                            neighbours=None if walk == 'jump' else int(k), walk='knn' if walk == 'jump' else walk)
        for s in a.seeds:
            t0 = time.time(); H = dec.decode(np.zeros((len(P), 1, 1)), s, yP); dt = time.time() - t0
            for ref in ('val', 'test'):
                r = benchmark_row(H, hc.G[hs[ref]], None, train=P, seed=0, ld=False)
                rows.append(dict(setting=spec, seed=s, against=ref, decode_s=round(dt, 1), **{k_: round(float(r[k_]), 4) for k_ in keys}))
                print(' '.join(f'{k_}={v}' for k_, v in rows[-1].items()), flush=True)
    df = pd.DataFrame(rows)
    summary = df.groupby(['setting', 'against'], sort=False)[keys].agg(['mean', 'min', 'max']).round(3)
    with pd.option_context('display.width', 250, 'display.max_columns', 40): print(summary)


if __name__ == '__main__':
    main()
