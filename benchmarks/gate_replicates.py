"""Replicates of the conditioning gate with guidance calibration: how often does it pass with other sampling seeds?

`11_diffusion` calibrates each denoiser's guidance weight (`calibrate_guidance`, never on the test split) and gates it
once on the test split. One gate is one noisy measurement; this script repeats the whole calibration and the test gate
with other seeds for the sampling noise, keeping the split and the trained checkpoints
of a paper run fixed, and prints one row per (seed, denoiser). It needs the checkpoints of a paper run
(`genediff-paper --preset paper ...`, in `_runs/models/paper` unless `--run-dir` says otherwise); it trains nothing.

    .venv/bin/python benchmarks/gate_replicates.py --cohort ../shared/data/1kg_805/805_SNP_1000G_real.hapt.zip \\
        --labels ../shared/data/1kg_labels/1kg_2504_sample_population.tsv --seeds 1 2      # ~12 min on 2 cores
"""
import argparse, json, sys, time
from pathlib import Path

DENOISERS = ['mlp', 'unet_mlp', 'unet_cnn', 'mlp_cnn', 'transformer']


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0], formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    ap.add_argument('--cohort', default='sim-pop', help="'sim-pop', 'sim-disease' or the VCF / PLINK / .hapt file the paper run used")
    ap.add_argument('--labels', default=None, help='label table of a file cohort')
    ap.add_argument('--label-col', default=None, help='label column (default: the first)')
    ap.add_argument('--run-dir', default='_runs/models/paper', help="the paper run's checkpoint folder")
    ap.add_argument('--models', nargs='*', default=DENOISERS, help='denoisers to replicate')
    ap.add_argument('--seeds', nargs='*', type=int, default=[1, 2], help='seeds of the sampling noise (the run itself used 0)')
    ap.add_argument('--draws', type=int, default=1000, help="synthetic individuals per weight tried by the calibration, as in 11_diffusion's paper preset")
    ap.add_argument('--gate-draws', type=int, default=1000, help='synthetic individuals the test gate scores, rounded up to whole copies of the test labels')
    ap.add_argument('--out', default=None, help='also write the rows to this CSV (never replaced)')
    a = ap.parse_args(argv)
    import numpy as np, pandas as pd
    from genediff_nb.core import check_writable
    from genediff_nb.experiments import prepare_task, train_config, model_dir
    from genediff_nb.sampling import SamplingConfig, generate
    from genediff_nb.guidance import calibrate_guidance, label_fidelity, model_seed
    if a.out: check_writable(Path(a.out), False)
    task = prepare_task(a.cohort, a.labels, a.label_col, False, 0)     # the paper run's split (seed 0) and embedding
    c, sp, emb = task.cohort, task.split, task.emb
    y_test = task.y[sp['test']]; y_gate = np.tile(y_test, -(-a.gate_draws // len(y_test)))
    rows = []
    for s in a.seeds:
        for m in a.models:
            d = model_dir(a.run_dir, task, train_config(m))
            if not (d/'model.pt').exists():
                sys.exit(f'no checkpoint of {m} for {task.name} in {d}: run the paper preset on this cohort first')
            t0 = time.time()
            cal = calibrate_guidance(d, c, SamplingConfig('ddim', 50, decoder='round', seed=s), draws=a.draws, save=False)
            sc = SamplingConfig('ddim', 50, guidance=cal['w'], seed=model_seed(s, m) + 1, decoder='round')   # the route every sample takes
            syn = generate(d, len(y_gate), mix=[task.classes[i] for i in y_gate], sc=sc, progress=False)
            g = label_fidelity(emb, c.G[sp['val']], task.y[sp['val']], c.G[sp['test']], y_test, syn.G, y_gate)
            rows.append(dict(task=task.name, seed=s, model=m, w_cal=cal['w'], w_se=cal.get('w_se'), acc_real_train=round(cal['acc_real'], 4),
                             ratio_train=round(cal['ratio'], 3), acc_real_test=round(g['acc_real_test'], 4), ratio_test=round(g['ratio'], 3),
                             ratio_se=round(g['ratio_se'], 3), passed=g['passed'], seconds=round(time.time() - t0)))
            print(json.dumps(rows[-1]), flush=True)
    t = pd.DataFrame(rows)
    print(f"\npassed {int(t.passed.sum())} of {len(t)}; test ratios {t.ratio_test.min():.3f}-{t.ratio_test.max():.3f} "
          f"(mean {t.ratio_test.mean():.3f}, sd {t.ratio_test.std():.3f})")
    if a.out: t.to_csv(a.out, index=False)
    return t


if __name__ == '__main__':
    main()
