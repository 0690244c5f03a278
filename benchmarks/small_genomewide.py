"""A new user's run on a small genome-wide phased cohort, scored at the SNP level (prints figures; not a test).

Small cohorts are where memorisation shows first. This simulates one like a genotyping-array subset: 4 populations
(stdpopsim OutOfAfrica_4J17), 22 unlinked 2 Mb regions thinned at random to 14,000 SNPs, 1,100 people. It splits
them 80/20 by individual (stratified), runs the default `genediff train` on the 80% and `genediff sample` for as many
individuals, and scores the synthetic cohort against the held-out 20% with the field's benchmark (`07a_benchmark`:
Hamming W1s, PC1, AA, LD, allele frequencies, copies, DCR, MIA), at the haplotype and genotype levels. The
`real_train` row (the training people scored as a generator, without privacy) is the reference: what a real
sample of the same size reaches.

    .venv/bin/python benchmarks/small_genomewide.py --out /tmp/gw     # about 6 min on 2 cores
"""
import argparse, sys, time, numpy as np
from pathlib import Path
from sklearn.model_selection import train_test_split
from genediff_nb.cohorts import simulate_cohort, Cohort
from new_user import train_sample_score   # the run and its scoring, as for any cohort

ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
ap.add_argument('--out', type=Path, required=True, help='a new folder for the cohort, checkpoint and synthetic VCF')
ap.add_argument('--per-pop', type=int, default=275); ap.add_argument('--snps', type=int, default=14_000)
ap.add_argument('--seed', type=int, default=7)
a = ap.parse_args()
if a.out.exists() and any(a.out.iterdir()): sys.exit(f"small_genomewide: error: {a.out} is not empty: give a new folder")
a.out.mkdir(parents=True, exist_ok=True)

t0 = time.time()
c = simulate_cohort({p: a.per_pop for p in ['YRI', 'CEU', 'CHB', 'JPT']}, n_regions=22, region_len=2_000_000, seed=a.seed)
keep = np.sort(np.random.default_rng(a.seed).choice(c.m, min(c.m, a.snps), replace=False))
H = c.haps[:, :, keep]; c = Cohort(H.sum(1), c.snps.iloc[keep].reset_index(drop=True), c.samples, c.labels, H)
pops = c.labels.population.values
te = np.isin(np.arange(c.n), train_test_split(np.arange(c.n), test_size=0.2, stratify=pops, random_state=0)[1])
print(f'{c.subset(~te)} (+ {te.sum()} held out), simulated in {time.time() - t0:.0f} s', flush=True)
t = train_sample_score(c, te, a.out, tag='small_genomewide')
print(t.to_string()); t.to_csv(a.out/'scores.csv')
