"""Benchmark of the five denoisers on the default simulated population cohort (prints figures; not a test).

Per architecture, each in its own process (so peak memory is its own): parameters, seconds per training epoch,
peak resident memory, time to the best validation loss, sampling throughput (decoded individuals/s) with DDPM over all
T=500 steps and with DDIM and DPM-Solver++(2M) at a few step counts, each with the quality gate of 05b_guidance (a logistic regression fitted on the real validation split
labels synthetic individuals as often correctly as real test individuals, within 10% relative).

    .venv/bin/python benchmarks/bench_diffusion.py                 # all five, default sizes (~15 min on 2 busy cores)
    .venv/bin/python benchmarks/bench_diffusion.py --models unet_mlp --threads 2
    .venv/bin/python benchmarks/bench_diffusion.py --quick         # small cohort, seconds

Every model trains with the paper preset's settings (`genediff_nb.experiments.train_config`: batch 64, lr 1e-3 with
warm-up and cosine decay, EMA, epochs sized to about two minutes per denoiser on 2 cores: PAPER_EPOCHS), the same
models the experiment notebooks report.
"""
import argparse, json, os, resource, subprocess, sys, time, tracemalloc
from pathlib import Path

DENOISERS = ['mlp', 'unet_mlp', 'unet_cnn', 'mlp_cnn', 'transformer']
FAST = [('ddim', 50), ('ddim', 20), ('ddim', 10), ('dpm2', 20), ('dpm2', 15), ('dpm2', 10)]   # few-step samplers timed and gated


def one(name, quick, threads, seed=0):
    import numpy as np, torch
    torch.set_num_threads(threads)
    from genediff_nb.cohorts import population_cohort
    from genediff_nb.models import n_params
    from genediff_nb.training import train_cohort
    from genediff_nb.sampling import generate
    from genediff_nb.guidance import label_fidelity
    from genediff_nb.experiments import train_config
    c = population_cohort(60, n_regions=2, region_len=300_000, seed=1) if quick else population_cohort(seed=seed)
    cfg = train_config(name, quick=quick, seed=seed); ep = cfg.epochs
    tracemalloc.start()
    t0 = time.perf_counter(); r = train_cohort(c, cfg, None, progress=False); t_train = time.perf_counter() - t0
    py_peak = tracemalloc.get_traced_memory()[1]; tracemalloc.stop()
    h = r.history; best = int(np.argmin(h['val_loss']))
    ck = (r.model, r.emb, r.config)
    out = dict(model=name, params=n_params(r.model), cohort=repr(c), shape=list(r.emb.shape), epochs=ep,
               lr=cfg.lr, batch_size=cfg.batch_size, s_per_epoch=float(np.mean(h['seconds'])), train_s=t_train,
               best_epoch=best + 1, s_to_best=float(np.sum(h['seconds'][:best + 1])), best_val_loss=h['val_loss'][best],
               val_recon=h['val_recon'][best])
    # sampling throughput: decoded individuals per second, including decoding to 0/1/2 genotypes
    n_ddpm = 4 if quick else (64 if name in ('mlp', 'unet_mlp') else 8)
    n_fast = 50 if quick else (1000 if name in ('mlp', 'unet_mlp') else 200)
    generate(ck, 4, sampler='ddim', steps=2, progress=False)                            # warm-up
    t0 = time.perf_counter(); generate(ck, n_ddpm, sampler='ddpm', progress=False); t = time.perf_counter() - t0
    out.update(ddpm500_ind_per_s=n_ddpm / t)
    lc = r.config['label_col']; y, classes = c.y(lc); sp = r.split
    for smp, steps in FAST:
        t0 = time.perf_counter(); syn = generate(ck, n_fast, sampler=smp, steps=steps, seed=seed + 1, progress=False)
        t = time.perf_counter() - t0; key = f'{smp}{steps}'
        # quality gate on the test split (touched only here), on these very samples (training label mix)
        g = label_fidelity(r.emb, c.G[sp['val']], y[sp['val']], c.G[sp['test']], y[sp['test']], syn.G,
                           np.searchsorted(classes, syn.labels[lc].values))
        out.update({f'{key}_ind_per_s': n_fast / t, f'{key}_speedup': n_fast / t / out['ddpm500_ind_per_s'],
                    f'{key}_gate_ratio': g['ratio'], f'{key}_gate_passed': g['passed']})
        out.setdefault('acc_real_test', g['acc_real_test'])
    out['peak_rss_mb'] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    out['peak_python_heap_mb'] = py_peak / 2**20
    out['threads'] = threads
    return out


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--models', nargs='*', default=DENOISERS, help='architectures to benchmark')
    p.add_argument('--quick', action='store_true', help='small cohort and 3 epochs (a smoke test of this script)')
    p.add_argument('--threads', type=int, default=2, help='torch threads (the target machine has 2 cores)')
    p.add_argument('--json', help='also write the results to this JSON file')
    p.add_argument('--one', help=argparse.SUPPRESS)
    a = p.parse_args()
    if a.one:
        print('RESULT ' + json.dumps(one(a.one, a.quick, a.threads))); return
    rows = []
    print(f'load average at start: {os.getloadavg()}', flush=True)
    for m in a.models:
        cmd = [sys.executable, __file__, '--one', m, '--threads', str(a.threads)] + (['--quick'] if a.quick else [])
        res = subprocess.run(cmd, capture_output=True, text=True)
        line = [l for l in res.stdout.splitlines() if l.startswith('RESULT ')]
        if not line: print(f'{m}: failed\n{res.stderr[-3000:]}', flush=True); continue
        r = json.loads(line[0][7:]); rows.append(r)
        print(json.dumps(r), flush=True)
    print(f'load average at end: {os.getloadavg()}')
    cols = [('model', '{}'), ('params', '{:,}'), ('epochs', '{}'), ('s_per_epoch', '{:.1f}'), ('s_to_best', '{:.0f}'),
            ('best_val_loss', '{:.4f}'), ('peak_rss_mb', '{:.0f}'), ('ddpm500_ind_per_s', '{:.2f}'), ('acc_real_test', '{:.3f}')]
    print('\n| ' + ' | '.join(c for c, _ in cols) + ' |\n|' + '---|' * len(cols))
    for r in rows: print('| ' + ' | '.join(f.format(r[c]) for c, f in cols) + ' |')
    print('\nfew-step samplers: decoded individuals/s, speed-up over DDPM-500, gate ratio (pass: 0.9-1.1)')
    print('| model | ' + ' | '.join(f'{s}{k}' for s, k in FAST) + ' |\n|' + '---|' * (len(FAST) + 1))
    for r in rows:
        cell = lambda k: f"{r[k + '_ind_per_s']:.0f}/s, {r[k + '_speedup']:.0f}x, {r[k + '_gate_ratio']:.2f}{'' if r[k + '_gate_passed'] else ' FAIL'}"
        print(f"| {r['model']} | " + ' | '.join(cell(f'{s}{k}') for s, k in FAST) + ' |')
    if a.json: Path(a.json).write_text(json.dumps(rows, indent=1))


if __name__ == '__main__': main()
