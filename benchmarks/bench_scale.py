"""Biobank-scale benchmark (issue 16): peak memory and time of conversion, QC + embedding fit and one training epoch
against cohort size, the chunked path (VCF Zarr + Dask + a token store) beside the in-memory path, each stage in its own
process under a fixed address-space cap (RLIMIT_AS); and one epoch on 1 vs 2 processes (torchrun, gloo). The stages run
with MALLOC_ARENA_MAX=2: glibc gives every thread that allocates (torch's, Dask's, zarr's I/O threads) its own arena,
64 MB of address space each, which an address-space cap counts although little of it is ever used (resident).

The cohorts are simulated with msprime (one population, Ne 10,000; haplotypes paired into people) and written as PLINK
1 filesets, the input a biobank ships. Nothing here is timed by a test; the figures go to the JSON file named by --out.

    python benchmarks/bench_scale.py --sizes 5000x5000 20000x20000 50000x50000 --cap-gb 4 --out figures/bench_scale.json
    python benchmarks/bench_scale.py --sizes 20000x20000 --stages new_convert cli_train cli_sample   # the commands, end to end
"""
import argparse, json, os, resource, subprocess, sys, time
from pathlib import Path
import numpy as np

HERE = Path(__file__).resolve()


def simulate_plink(n:int, m:int, prefix:Path, seed:int=1):
    "n people x m biallelic SNPs from msprime, written variant by variant as a PLINK 1 .bed/.bim/.fam (A1 = the derived allele)"
    import msprime
    L = 1_000_000
    while True:                                                   # grow the region until it holds m sites
        ts = msprime.sim_ancestry(samples=n, population_size=10_000, sequence_length=L, recombination_rate=1e-8, random_seed=seed)
        ts = msprime.sim_mutations(ts, rate=1.25e-8, random_seed=seed, model=msprime.BinaryMutationModel())
        if ts.num_sites >= m: break
        L = int(L * 1.3 * m / max(ts.num_sites, 1))
    code = np.array([3, 2, 0], np.uint8)                          # PLINK: 0 A1 copies -> 11, 1 -> 10, 2 -> 00
    nb = (n + 3) // 4
    with open(f'{prefix}.bed.part', 'wb') as bed, open(f'{prefix}.bim', 'w') as bim:
        bed.write(bytes([0x6c, 0x1b, 0x01]))
        for j, v in enumerate(ts.variants()):
            if j == m: break
            g = v.genotypes[0::2] + v.genotypes[1::2]
            c = np.zeros(nb * 4, np.uint8); c[:n] = code[g]; c = c.reshape(nb, 4)
            bed.write((c[:, 0] | c[:, 1] << 2 | c[:, 2] << 4 | c[:, 3] << 6).astype(np.uint8).tobytes())
            bim.write(f'1\tsnp{j}\t0\t{int(v.site.position) + 1}\tG\tA\n')
    with open(f'{prefix}.fam', 'w') as fam:
        for i in range(n): fam.write(f'fam{i}\tind{i}\t0\t0\t0\t-9\n')
    os.replace(f'{prefix}.bed.part', f'{prefix}.bed')            # complete, or absent


def stage(name:str, work:Path)->dict:
    "Run one stage in this process; its own figures"
    import torch
    torch.set_num_threads(int(os.environ.get('BENCH_THREADS', 2)))
    from genediff_nb.cohorts import read_plink, split_cohort
    from genediff_nb.embedding import fit_embedding
    from genediff_nb.training import TrainConfig, train_cohort
    from genediff_nb.store import to_zarr, ZarrCohort
    bed, vcz, r = work/'c.bed', work/'c.vcz', {}
    cfg = TrainConfig(epochs=1, conditional=False)
    t0 = time.perf_counter()
    path, _, what = name.partition('_')
    read = {'new': lambda: ZarrCohort(vcz), 'old': lambda: read_plink(bed)}.get(path)   # the chunked path, and the in-memory one
    if name == 'new_convert': to_zarr(bed, vcz, overwrite=True)
    elif what == 'fit' and read:
        c = read(); r['read_s'] = time.perf_counter() - t0                              # reading: QC included
        fit_embedding(c, split_cohort(c)['train']); r['fit_s'] = time.perf_counter() - t0 - r['read_s']
    elif what == 'epoch' and read:
        res = train_cohort(read(), cfg, work/f'ck-{path}', overwrite=True, stop_after=1, progress=False)
        r['epoch_s'] = res.history['seconds'][0]
    elif name == 'cli_train':                                     # the command a user runs, to the end: fit, tokens, one epoch,
        from genediff_nb.cli import main                          # mosaic calibration, privacy check
        argv = ['train', str(vcz), '--out', str(work/'ck-cli'), '--unconditional', '--epochs', '1', '--overwrite', '--no-progress']
        if main(argv): raise RuntimeError('genediff train failed')
        r.update(privacy=json.loads((work/'ck-cli'/'privacy.json').read_text()).get('passed'))
    elif name == 'cli_sample':
        from genediff_nb.cli import main
        if main(['sample', '--checkpoint', str(work/'ck-cli'), '-n', '2000', '--out', str(work/'syn.vcf.gz'), '--overwrite', '--no-progress']):
            raise RuntimeError('genediff sample failed')
    elif name == 'ddp_epoch':                                     # under torchrun: one epoch, each rank its share of every batch
        from genediff_nb.training import init_distributed
        rank, world = init_distributed()
        res = train_cohort(ZarrCohort(vcz), cfg, work/f'ck-ddp{world}', overwrite=True, stop_after=1, progress=False)
        if rank: sys.exit(0)
        r.update(processes=world, epoch_s=res.history['seconds'][0])
    else: raise ValueError(f'unknown stage {name}')
    return dict(r, seconds=time.perf_counter() - t0)


def run_stage(name:str, work:Path, cap_gb:float, timeout:int=7200)->dict:
    "A stage in a child process under the address-space cap: its figures, peak resident memory, or how it failed"
    cap = int(cap_gb * 2**30)
    def limit(): resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    t0 = time.perf_counter()
    p = subprocess.run([sys.executable, str(HERE), '--stage', name, '--work', str(work)], capture_output=True, text=True,
                       preexec_fn=limit, timeout=timeout, env=dict(os.environ, MALLOC_ARENA_MAX=os.environ.get('MALLOC_ARENA_MAX', '2')))
    line = [l for l in p.stdout.splitlines() if l.startswith('{')]
    if p.returncode == 0 and line: return json.loads(line[-1])
    err = [l for l in p.stderr.splitlines() if l.strip()]
    err = [l for l in err if l.startswith('genediff ') and ': error:' in l] or err   # the command's own error line, when it has one
    return dict(ok=False, seconds=time.perf_counter() - t0, error=(err[-1] if err else f'exit {p.returncode}')[:300])


def scaling(work:Path, procs:int)->dict:
    "One epoch of `train_cohort` on the store with `procs` torchrun processes (gloo; torch threads split between them)"
    cmd = ([sys.executable, '-m', 'torch.distributed.run', '--standalone', '--nproc_per_node', str(procs)] if procs > 1 else [sys.executable])
    env = dict(os.environ, BENCH_THREADS=str(max(1, (os.cpu_count() or 1) // procs)))
    t0 = time.perf_counter()
    p = subprocess.run(cmd + [str(HERE), '--stage', 'ddp_epoch', '--work', str(work)], capture_output=True, text=True, env=env)
    line = [l for l in p.stdout.splitlines() if l.startswith('{')]
    if p.returncode or not line: return dict(ok=False, error=(p.stderr.strip().splitlines() or ['?'])[-1][:300])
    return dict(json.loads(line[-1]), wall_s=round(time.perf_counter() - t0, 1))


def _cell(r:dict, key:str='seconds', parts=())->tuple:
    "(time, peak memory) cells of one stage's result"
    if not r.get('ok'): return (f"fails under the cap ({r.get('error', '?').split(':')[0].split('.')[-1].lstrip('_')})", '')
    extra = ' + '.join(f"{k.split('_')[0]} {r[k]:.0f} s" for k in parts if k in r)
    return (f"{r[key]:.0f} s" + (f" ({extra})" if extra else ''), f"{r['peak_rss_gb']:.2f} GB")

def markdown(res:dict)->str:
    "The results as the table of SCALE.md"
    rows = ['| people x SNPs (dense int8) | stage | chunked: time | chunked: peak RSS | in memory: time | in memory: peak RSS |',
            '| --- | --- | --- | --- | --- | --- |']
    for r in res['rows']:
        size = f"{r['people']:,} x {r['snps']:,} ({r['dense_int8_gb']:.2f} GB)"
        stages = [('convert to VCF Zarr', _cell(r['new_convert']), ('not needed', '')),
                  ('read (with QC) + embedding fit', _cell(r['new_fit'], parts=('qc_s', 'read_s', 'fit_s')), _cell(r['old_fit'], parts=('read_s', 'fit_s'))),
                  ('`train_cohort` to the end of epoch 1 (the epoch)', _cell(r['new_epoch'], parts=('epoch_s',)), _cell(r['old_epoch'], parts=('epoch_s',)))]
        for k, (name, a, b) in enumerate(stages): rows.append(f"| {size if k == 0 else ''} | {name} | {a[0]} | {a[1]} | {b[0]} | {b[1]} |")
    out = '\n'.join(rows) + (f"\n\nEvery stage ran in its own process under a {res['rows'][0]['cap_gb']:g} GB address-space cap (RLIMIT_AS)"
                             f"{', with MALLOC_ARENA_MAX=2 for ' + res['arena_since'] if res.get('arena_since') else ''}.")
    cli = [r for r in res['rows'] if r.get('cli_train')]
    if cli:
        out += ("\n\nThe commands end to end under the same cap, `genediff train STORE --unconditional --epochs 1` (QC, fit, "
                "fingerprints, tokens, one epoch, mosaic calibration and the privacy check) then `genediff sample -n 2000` "
                "(to .vcf.gz): " +
                '; '.join(f"{r['people']:,} x {r['snps']:,}: train {_cell(r['cli_train'])[0]} (peak {_cell(r['cli_train'])[1]}"
                          f"{', privacy check passed' if r['cli_train'].get('privacy') else ''}), sample "
                          f"{_cell(r.get('cli_sample', {}))[0]} (peak {_cell(r.get('cli_sample', {}))[1]})" for r in cli) + '.')
    for r in res['rows']:
        if r.get('scaling'):
            out += (f" One epoch on the {r['people']:,} x {r['snps']:,} store: " +
                    ', '.join(f"{s['processes']} process{'es' if s['processes'] > 1 else ''} {s['epoch_s']:.0f} s" for s in r['scaling'] if s.get('processes')) +
                    f" ({res['cpu_count']} cores in all).")
    return out

def update_readme(res:dict, path:Path):
    "Replace the block of SCALE.md (or another file) between <!-- scale:start --> and <!-- scale:end --> by the table"
    t = path.read_text(); a, b = t.index('<!-- scale:start -->'), t.index('<!-- scale:end -->')
    path.write_text(t[:a] + '<!-- scale:start -->\n' + markdown(res) + '\n' + t[b:])

def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--sizes', nargs='+', default=['5000x5000', '20000x20000', '50000x50000'], help='people x SNPs')
    ap.add_argument('--cap-gb', type=float, default=4.0, help='address-space cap of every stage (RLIMIT_AS)')
    ap.add_argument('--work', default='/tmp/genediff-bench-scale', help='scratch folder (large: the stores and token stores)')
    ap.add_argument('--out', default='figures/bench_scale.json')
    ap.add_argument('--scaling-size', default='20000x20000', help='the size of the 1 vs 2 process comparison (one of --sizes)')
    ap.add_argument('--readme', help='only rewrite the scale table of this file (SCALE.md) from --out, then stop')
    ap.add_argument('--scaling-only', action='store_true', help='only (re)run the 1 vs 2 process comparison, into --out')
    ap.add_argument('--stages', nargs='*', help='only (re)run these stages of --sizes, into --out')
    ap.add_argument('--stage'); a = ap.parse_args()
    if a.readme: update_readme(json.loads(Path(a.out).read_text()), Path(a.readme)); return
    if a.stage:
        r = stage(a.stage, Path(a.work))
        print(json.dumps(dict(r, ok=True, peak_rss_gb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20))); return
    rows, out = [], Path(a.out)
    if a.stages:
        res = json.loads(out.read_text()) if out.exists() else dict(rows=[], cpu_count=os.cpu_count())
        for size in a.sizes:
            n, m = map(int, size.split('x')); work = Path(a.work)/size; work.mkdir(parents=True, exist_ok=True)
            if not (work/'c.bed').exists(): simulate_plink(n, m, work/'c')
            row = next((r for r in res['rows'] if (r['people'], r['snps']) == (n, m)), None)
            if row is None: row = dict(people=n, snps=m, dense_int8_gb=n * m / 2**30, cap_gb=a.cap_gb); res['rows'].append(row)
            for name in a.stages: row[name] = run_stage(name, work, a.cap_gb); print(size, name, row[name], flush=True)
        res['rows'].sort(key=lambda r: r['people']); out.write_text(json.dumps(res, indent=1)); return
    if a.scaling_only:
        res = json.loads(out.read_text())
        for r in res['rows']:
            if f"{r['people']}x{r['snps']}" == a.scaling_size:
                r['scaling'] = [scaling(Path(a.work)/a.scaling_size, k) for k in (1, 2)]; print(r['scaling'])
        out.write_text(json.dumps(res, indent=1)); return
    for size in a.sizes:
        n, m = map(int, size.split('x')); work = Path(a.work)/size; work.mkdir(parents=True, exist_ok=True)
        t0 = time.perf_counter()
        if not (work/'c.bed').exists(): simulate_plink(n, m, work/'c')
        row = dict(people=n, snps=m, dense_int8_gb=n * m / 2**30, simulate_s=round(time.perf_counter() - t0, 1), cap_gb=a.cap_gb)
        for name in ('new_convert', 'new_fit', 'new_epoch', 'old_fit', 'old_epoch'):
            row[name] = run_stage(name, work, a.cap_gb); print(size, name, row[name], flush=True)
        if size == a.scaling_size: row['scaling'] = [scaling(work, k) for k in (1, 2)]; print(size, row['scaling'], flush=True)
        rows.append(row)
        out.parent.mkdir(parents=True, exist_ok=True); out.write_text(json.dumps(dict(rows=rows, cpu_count=os.cpu_count()), indent=1))
    print(json.dumps(rows, indent=1))


if __name__ == '__main__': main()
