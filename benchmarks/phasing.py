"""How well `phase_cohort` (Beagle 5) recovers the phase of a phased cohort given only its genotypes (prints figures; not a test).

The cohort's haplotypes are forgotten, its individuals phased by Beagle in the groups `genediff train` uses
(training + validation together, test apart: the 70/10/20 split of `split_cohort`, or for the chr15 panel its
published 80/20 split with a tenth of the training individuals as validation, as `16_benchmark` makes it), and the
result compared with the true phase: the switch error (share of consecutive heterozygous sites of an individual whose
phase relation differs; a random phase scores 0.5) and Beagle's wall time.

    .venv/bin/python benchmarks/phasing.py --cohort ../shared/data/1kg_chr15_10k/1000G_10K_SNP_chr15.vcf.gz   # about 3 min
    .venv/bin/python benchmarks/phasing.py --cohort sim-disease
"""
import argparse, time, numpy as np
from pathlib import Path
from genediff_nb.cohorts import Cohort, load_cohort, phase_cohort, split_cohort, read_vcf, switch_error


ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
ap.add_argument('--cohort', default='sim-disease', help="'sim-pop', 'sim-disease' or a phased VCF")
ap.add_argument('--test-ids', help='file of test sample ids (default: the published split beside a chr15 VCF, else split_cohort)')
ap.add_argument('--seed', type=int, default=0)
a = ap.parse_args()
c = load_cohort(a.cohort, seed=a.seed) if a.cohort.startswith('sim-') else read_vcf(a.cohort, max_sample_missing=1.0, max_missing=1.0)
if c.haps is None: raise SystemExit(f"{a.cohort} is not phased: nothing to compare Beagle's phase with")
ids = a.test_ids or (Path(a.cohort).parent/'gpc_8020_test_samples.txt' if (Path(a.cohort).parent/'gpc_8020_test_samples.txt').exists() else None)
if ids:
    te = np.flatnonzero(np.isin(c.samples, [l.strip() for l in open(ids) if l.strip()])); tr_all = np.setdiff1d(np.arange(c.n), te)
else:
    sp = split_cohort(c, c.labels.columns[0] if len(c.labels.columns) else None, seed=a.seed); te, tr_all = sp['test'], np.r_[sp['train'], sp['val']]
u = Cohort(c.G, c.snps, c.samples, c.labels)
t0 = time.time(); p = phase_cohort(u, [tr_all, te], seed=a.seed); dt = time.time() - t0
rnd = np.where(np.random.default_rng(a.seed).integers(0, 2, (c.n, 1, c.m)).astype(bool), c.haps[:, ::-1], c.haps)
print(f"{a.cohort}: {c.n} individuals x {c.m} SNPs, phased in groups of {len(tr_all)} and {len(te)} by Beagle "
      f"{p.meta['phased_by']['version']} in {dt:.0f} s")
print(f"switch error: training+validation {switch_error(c.haps[tr_all], p.haps[tr_all]):.4f}, test {switch_error(c.haps[te], p.haps[te]):.4f} "
      f"(a random phase: {switch_error(c.haps, rnd):.3f})")
