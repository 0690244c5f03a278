"""A new user's run on a small genome-wide phased cohort, scored at the SNP level (prints figures; not a test).

Small cohorts are where memorisation shows first. This simulates one like a genotyping-array subset: 4 populations
(stdpopsim OutOfAfrica_4J17), 22 unlinked 2 Mb regions thinned at random to 14,000 SNPs, 1,100 people. It splits
them 80/20 by individual (stratified), runs the default `genediff train` on the 80% and `genediff sample` for as many
individuals, and scores the synthetic cohort against the held-out 20% with the field's benchmark (`07a_benchmark`:
Hamming W1s, PC1, AA, LD, allele frequencies, copies, DCR, MIA), at the haplotype and genotype levels. The
`real_train` row (the training people scored as a generator, without privacy) is the reference: what a real
sample of the same size reaches.

    .venv/bin/python benchmarks/small_genomewide.py --out /tmp/gw     # about 4 min on 2 cores
"""
import argparse, json, subprocess, sys, time, numpy as np, pandas as pd
from pathlib import Path
from sklearn.model_selection import train_test_split
from genediff_nb.cohorts import simulate_cohort, Cohort, write_vcf, write_labels, read_vcf
from genediff_nb.benchmark import benchmark_row

ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
ap.add_argument('--out', type=Path, required=True, help='a new folder for the cohort, checkpoint and synthetic VCF')
ap.add_argument('--per-pop', type=int, default=275); ap.add_argument('--snps', type=int, default=14_000)
ap.add_argument('--seed', type=int, default=7)
a = ap.parse_args()
if a.out.exists() and any(a.out.iterdir()): sys.exit(f"small_genomewide: error: {a.out} is not empty: give a new folder")
a.out.mkdir(parents=True, exist_ok=True); d = a.out

t0 = time.time()
c = simulate_cohort({p: a.per_pop for p in ['YRI', 'CEU', 'CHB', 'JPT']}, n_regions=22, region_len=2_000_000, seed=a.seed)
keep = np.sort(np.random.default_rng(a.seed).choice(c.m, min(c.m, a.snps), replace=False))
H, snps = c.haps[:, :, keep], c.snps.iloc[keep].reset_index(drop=True)
pops = c.labels.population.values
tr, te = (np.sort(i) for i in train_test_split(np.arange(c.n), test_size=0.2, stratify=pops, random_state=0))
train = Cohort(H[tr].sum(1), snps, c.samples[tr], c.labels.iloc[tr], H[tr])
write_vcf(train, d/'train.vcf.gz'); write_labels(train, d/'train.tsv')
print(f'{train} (+ {len(te)} held out), simulated in {time.time() - t0:.0f} s', flush=True)

gd = lambda *x: subprocess.run([str(Path(sys.executable).parent/'genediff'), *map(str, x)], capture_output=True, text=True)
def run(*x):
    t = time.time(); p = gd(*x)
    if p.returncode: sys.exit(f"small_genomewide: error: genediff {x[0]} failed:\n{p.stderr[-2000:]}")
    return json.loads(p.stdout), time.time() - t
tr_sum, t_train = run('train', d/'train.vcf.gz', '--labels', d/'train.tsv', '--out', d/'ck', '--no-progress')
sa_sum, t_sample = run('sample', '--checkpoint', d/'ck', '--n', len(tr), '--no-progress', '--out', d/'syn.vcf.gz')
print(f"genediff train: {t_train:.0f} s ({tr_sum['model']}, best epoch {tr_sum['best_epoch']} of {tr_sum['epochs']}), "
      f"mosaic {tr_sum.get('mosaic')}; its privacy check on the held-out split: {({k: tr_sum['privacy'][k] for k in ('mia_auc', 'dcr_ratio', 'passed')})}")
print(f"genediff sample: {t_sample:.0f} s for {len(tr)} individuals", flush=True)

syn = read_vcf(d/'syn.vcf.gz'); pos, chrom = snps.pos.values, snps.chrom.values
cols = ['W1_within', 'W1_between', 'W1_PC1', 'AA_truth', 'AA_syn', 'LD_r_le100000', 'AF_r', 'identical', 'DCR_ratio', 'MIA_AUC']
rows = []
for level, S, T, R in (('haplotype', syn.haps.reshape(-1, len(keep)), H[te].reshape(-1, len(keep)), H[tr].reshape(-1, len(keep))),
                       ('genotype', syn.G, H[te].sum(1), H[tr].sum(1))):
    for name, A in (('ours (defaults)', S), ('real_train', R)):
        r = benchmark_row(A, T, pos, chrom, train=R if name.startswith('ours') else None, seed=0)
        rows.append(dict(level=level, generator=name, **{k: r.get(k) for k in cols}))
t = pd.DataFrame(rows).set_index(['level', 'generator']).astype(float).round(3)
print(t.to_string()); t.to_csv(d/'scores.csv')
