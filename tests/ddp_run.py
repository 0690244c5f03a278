"""Run `train_cohort` on a cohort file as one process of a torchrun job (or alone): the part of a run `--resume` must
continue exactly. Used by test_scale.py: python ddp_run.py COHORT LABELS OUT EPOCHS [STOP_AFTER] [resume]"""
import sys
from genediff_nb.cohorts import load_cohort
from genediff_nb.training import TrainConfig, train_cohort, init_distributed

if __name__ == '__main__':
    cohort, labels, out, epochs = sys.argv[1:5]
    stop = int(sys.argv[5]) if len(sys.argv) > 5 and sys.argv[5] != '-' else None
    init_distributed()
    cfg = TrainConfig(model='mlp', model_cfg=dict(hidden=16), T=20, epochs=int(epochs), batch_size=15)
    train_cohort(load_cohort(cohort, labels=labels), cfg, out, stop_after=stop, resume='resume' in sys.argv[5:], progress=False,
                 mode='haplotype')
