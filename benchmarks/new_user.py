"""A new user's run on any phased cohort, scored at the SNP level as an independent evaluator would (prints figures; not a test).

The cohort is split 80/20 by individual (the test individuals from `--test-samples`, or a random 20%, stratified by the
label when there is one). The default `genediff train` learns the 80% (with `--labels`, conditioned on them; without,
unconditional: what a user with no population labels gets), `genediff sample` draws as many individuals, and the
synthetic cohort is scored against the held-out 20% with the field's benchmark (`07a_benchmark`: Hamming W1s, PC1, AA,
LD, allele frequencies, copies, DCR, MIA) at the haplotype and genotype levels. The `real_train` row (the training
people scored as a generator, without privacy) is the reference: what a real sample of the same size reaches.

    .venv/bin/python benchmarks/new_user.py --cohort ../shared/data/1kg_chr15_10k/1000G_10K_SNP_chr15.vcf.gz \
        --test-samples ../shared/data/1kg_chr15_10k/gpc_8020_test_samples.txt --out /tmp/chr15_unlabelled
"""
import argparse, json, subprocess, sys, time, numpy as np, pandas as pd
from pathlib import Path
from sklearn.model_selection import train_test_split
from genediff_nb.cohorts import Cohort, load_cohort, attach_labels, write_vcf, write_labels, read_vcf
from genediff_nb.benchmark import benchmark_row, hamming_w1, coupled_pca_w1

COLS = ['W1_within', 'W1_between', 'W1_PC1', 'AA_truth', 'AA_syn', 'LD_r_le100000', 'AF_r', 'identical', 'DCR_ratio', 'MIA_AUC']

def _genediff(*args, tag='new_user')->tuple:
    "(the JSON summary, seconds) of one `genediff` command; exits naming the command when it fails"
    t = time.time()
    p = subprocess.run([str(Path(sys.executable).parent/'genediff'), *map(str, args)], capture_output=True, text=True)
    if p.returncode: sys.exit(f"{tag}: error: genediff {args[0]} failed:\n{p.stderr[-2000:]}")
    return json.loads(p.stdout), time.time() - t

def train_sample_score(c:Cohort,          # a phased cohort
                       te:np.ndarray,     # (n,) bool: the held-out individuals
                       d:Path,            # an empty folder for the training VCF, checkpoint and synthetic VCF
                       labels:bool=True,  # train on the cohort's first label column (False: unconditional)
                       tag:str='new_user')->pd.DataFrame:
    "Default `genediff train` on the individuals not in `te`, `genediff sample` as many, scored against `te` (haplotypes, genotypes)"
    tr = c.subset(~te); write_vcf(tr, d/'train.vcf.gz')
    lab = ['--unconditional']
    if labels: write_labels(tr, d/'train.tsv'); lab = ['--labels', d/'train.tsv']
    s_tr, t_train = _genediff('train', d/'train.vcf.gz', *lab, '--out', d/'ck', '--no-progress', tag=tag)
    s_sa, t_sample = _genediff('sample', '--checkpoint', d/'ck', '--n', tr.n, '--no-progress', '--out', d/'syn.vcf.gz', tag=tag)
    print(f"genediff train: {t_train:.0f} s ({s_tr['model']}, best epoch {s_tr['best_epoch']} of {s_tr['epochs']}), "
          f"mosaic {s_tr.get('mosaic')}; its privacy check on the held-out split: "
          f"{({k: s_tr['privacy'][k] for k in ('mia_auc', 'dcr_ratio', 'passed')})}")
    print(f"genediff sample: {t_sample:.0f} s for {tr.n} individuals", flush=True)
    syn = read_vcf(d/'syn.vcf.gz'); pos, chrom = c.snps.pos.values, c.snps.chrom.values
    H = c.haps; rows = []
    for level, S, T, R in (('haplotype', syn.haps.reshape(-1, c.m), H[te].reshape(-1, c.m), H[~te].reshape(-1, c.m)),
                           ('genotype', syn.G, H[te].sum(1), H[~te].sum(1))):
        for name, A in (('ours (defaults)', S), ('real_train', R)):
            r = benchmark_row(A, T, pos, chrom, train=R if name.startswith('ours') else None, seed=0)
            rows.append(dict(level=level, generator=name, **{k: r.get(k) for k in COLS}))
    t = pd.DataFrame(rows).set_index(['level', 'generator']).astype(float).round(3)
    t.attrs.update(train_s=round(t_train, 1), sample_s=round(t_sample, 1), mosaic=s_tr.get('mosaic'))
    return t

def draw_spread(c:Cohort, te:np.ndarray, d:Path, draws:int, tag:str='new_user')->pd.DataFrame:
    "Haplotype-level Hamming and PC1-PC6 W1s of `draws` synthetic draws (`genediff sample --seed s`) from the checkpoint in `d`, as 16_benchmark's spread"
    T, out = c.haps[te].reshape(-1, c.m), []
    for s in range(draws):
        f = d/('syn.vcf.gz' if s == 0 else f'syn_seed{s}.vcf.gz')
        if s: _genediff('sample', '--checkpoint', d/'ck', '--n', int((~te).sum()), '--seed', s, '--no-progress', '--out', f, tag=tag)
        S = read_vcf(f).haps.reshape(-1, c.m)
        out.append(dict(seed=s, **hamming_w1(S, T), **{f'W1_PC{k + 1}': v for k, v in enumerate(coupled_pca_w1(S, T, seed=0))}))
    return pd.DataFrame(out)[['seed', 'W1_within', 'W1_between'] + [f'W1_PC{k}' for k in range(1, 7)]].round(3)

def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--cohort', required=True, help='a phased VCF/BCF or .hapt(.zip) file')
    ap.add_argument('--labels', help='label table (TSV/CSV with a sample column); omitted: unconditional, as a user without labels runs it')
    ap.add_argument('--label-col', help='its column to condition on (default: the first)')
    ap.add_argument('--test-samples', help='file of held-out sample ids, one per line (default: a random stratified 20%%)')
    ap.add_argument('--out', type=Path, required=True, help='a new folder for the cohort, checkpoint and synthetic VCF')
    ap.add_argument('--draws', type=int, default=1, help='synthetic draws (sampling seeds) whose haplotype-level W1s are reported')
    a = ap.parse_args(argv)
    if a.out.exists() and any(a.out.iterdir()): sys.exit(f"new_user: error: {a.out} is not empty: give a new folder")
    c = load_cohort(a.cohort, max_sample_missing=1.0, max_missing=1.0)
    if c.haps is None: sys.exit(f"new_user: error: {a.cohort} is not phased: this benchmark scores haplotypes")
    if a.labels: c = attach_labels(c, a.labels, columns=[a.label_col] if a.label_col else None)
    if a.test_samples: te = np.isin(c.samples, [l.strip() for l in open(a.test_samples) if l.strip()])
    else:
        y = c.y()[0] if a.labels else None
        te = np.isin(np.arange(c.n), train_test_split(np.arange(c.n), test_size=0.2, stratify=y, random_state=0)[1])
    if not 0 < te.sum() < c.n: sys.exit(f"new_user: error: {te.sum()} of {c.n} individuals held out: need some on each side")
    a.out.mkdir(parents=True, exist_ok=True)
    print(f"{c.subset(~te)} (+ {te.sum()} held out){'' if a.labels else ', unconditional (no labels)'}", flush=True)
    t = train_sample_score(c, te, a.out, labels=bool(a.labels))
    print(t.to_string()); t.to_csv(a.out/'scores.csv')
    if a.draws > 1:
        sp = draw_spread(c, te, a.out, a.draws); sp.to_csv(a.out/'draws.csv', index=False)
        print(sp.to_string(index=False)); print('mean', sp.drop(columns='seed').mean().round(3).to_dict())

if __name__ == '__main__': main()
