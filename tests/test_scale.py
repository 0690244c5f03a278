"""Cohorts larger than memory and more than one process: a VCF -> VCF Zarr -> cohort round trip is lossless (missing
calls included), the chunked embedding fitted by a 2-worker Dask LocalCluster equals the in-memory fit, and a
`torchrun --standalone --nproc_per_node 2` run (gloo on CPU) gives the weights of the single-process run, on an
in-memory cohort and on a chunked one, and draws one valid VCF across its processes; `--dask-scheduler tcp://...` sends
the store's chunked work to that cluster and changes nothing in the result."""
import json, subprocess, sys
from pathlib import Path
import numpy as np, pytest, torch
from genediff_nb.cohorts import population_cohort, write_vcf, write_labels, read_vcf
from genediff_nb.store import to_zarr, ZarrCohort

TRAIN = ['--model', 'mlp', '--model-cfg', 'hidden=16', '--T', '20', '--epochs', '2', '--batch-size', '15', '--no-progress', '--no-privacy-check']


def genediff(*args, procs:int=1, timeout=300):
    "`genediff` in this interpreter, under torchrun with `procs` processes when more than 1"
    run = [sys.executable, '-m', 'torch.distributed.run', '--standalone', '--nproc_per_node', str(procs)] if procs > 1 else [sys.executable]
    p = subprocess.run([*run, '-m', 'genediff_nb.cli', *map(str, args)], capture_output=True, text=True, timeout=timeout)
    assert p.returncode == 0, p.stderr[-3000:]
    return json.loads(p.stdout)


def weights(folder): return torch.load(Path(folder)/'model.pt', weights_only=True)['state_dict']


def max_diff(a, b): return max(float((a[k] - b[k]).abs().max()) for k in a)


@pytest.fixture(scope='module')
def files(tmp_path_factory):
    d = tmp_path_factory.mktemp('scale')
    c = population_cohort(20, n_regions=2, region_len=150_000, seed=3, cache=False)     # 80 people, phased
    write_vcf(c, d/'c.vcf.gz'); write_labels(c, d/'c.tsv')
    to_zarr(d/'c.vcf.gz', d/'c.vcz', variants_chunk=100, samples_chunk=32)
    return d, c


def test_store_phase_told_without_reading_it(files, tmp_path):
    "`cohort_phased` reads a store's phase flags, not its genotypes: phased calls yes, unphased no"
    from genediff_nb.cohorts import cohort_phased, Cohort
    d, c = files
    assert cohort_phased(d/'c.vcz')
    write_vcf(Cohort(c.G, c.snps, c.samples, c.labels), tmp_path/'u.vcf.gz'); to_zarr(tmp_path/'u.vcf.gz', tmp_path/'u.vcz')
    assert not cohort_phased(tmp_path/'u.vcz')


def test_vcf_zarr_roundtrip_lossless(tmp_path):
    "Every call, missing ones included, survives the store; read back, it is the cohort `read_vcf` gives"
    rng = np.random.default_rng(0)
    c = population_cohort(10, n_regions=1, region_len=100_000, seed=4, cache=False)
    H = c.haps.copy(); miss = rng.random(H.shape[::2]) < 0.03                        # 3% of calls missing, both alleles
    lines = []
    for j in range(c.m):
        gts = ['.|.' if miss[i, j] else f'{H[i, 0, j]}|{H[i, 1, j]}' for i in range(c.n)]
        s = c.snps.iloc[j]; lines.append('\t'.join([s.chrom, str(s.pos), s.id, s.ref, s.alt, '.', 'PASS', '.', 'GT', *gts]))
    head = ['##fileformat=VCFv4.2', f'##contig=<ID={c.snps.chrom[0]}>', '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
            '\t'.join(['#CHROM', 'POS', 'ID', 'REF', 'ALT', 'QUAL', 'FILTER', 'INFO', 'FORMAT', *c.samples])]
    (tmp_path/'m.vcf').write_text('\n'.join(head + lines) + '\n')
    z = to_zarr(tmp_path/'m.vcf', tmp_path/'m.vcz', variants_chunk=37, samples_chunk=7)
    import zarr
    gt = zarr.open_group(str(z), mode='r')['call_genotype'][:]                        # (variants, samples, 2)
    want = np.where(miss.T[..., None], -1, H.transpose(2, 0, 1))
    assert miss.sum() > 0 and np.array_equal(gt, want)
    for qc in (dict(max_missing=0.2, max_sample_missing=0.2), dict(max_missing=0.0)):  # imputed, and missing sites dropped
        a, b = ZarrCohort(z, **qc).to_cohort(), read_vcf(tmp_path/'m.vcf', **qc)
        assert np.array_equal(a.G, b.G) and a.snps.equals(b.snps) and list(a.samples) == list(b.samples)
        assert (a.haps is None) == (b.haps is None) and (a.haps is None or np.array_equal(a.haps, b.haps))
        assert {k: v for k, v in a.meta.items() if k != 'source'} == {k: v for k, v in b.meta.items() if k != 'source'}


def test_dask_embedding_equals_in_memory(files):
    "The embedding fitted tile by tile on a 2-worker LocalCluster is the in-memory one, to the last bit of its statistics"
    from dask.distributed import Client, LocalCluster
    from genediff_nb.cohorts import split_cohort
    from genediff_nb.embedding import fit_embedding
    d, _ = files
    c, z = read_vcf(d/'c.vcf.gz'), ZarrCohort(d/'c.vcz'); sp = split_cohort(c, seed=0)      # no gene table: 24-SNP blocks
    e1 = fit_embedding(c, sp['train'])
    with LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=None) as cl, Client(cl):
        e2 = fit_embedding(z, sp['train'])
    for k in ('mean', 'load', 'sd', 'mu', 'lo', 'hi', 'ev_ratio', 'n_comp', 'mask'):
        np.testing.assert_allclose(getattr(e2, k), getattr(e1, k), atol=1e-6, err_msg=k)
    X1, X2 = e1.encode(c.G), e2.encode(z.G.compute())
    np.testing.assert_allclose(X2, X1, atol=1e-5)


@pytest.fixture(scope='module')
def single(files):
    "Single-process runs on the VCF (in memory) and on its store (streamed from a token store): their folders and summaries"
    d, _ = files
    return {src: (d/f'1-{src}', genediff('train', d/src, '--labels', d/'c.tsv', '--out', d/f'1-{src}', *TRAIN)) for src in ('c.vcf.gz', 'c.vcz')}


def test_torchrun_equals_single_process(files, single, tmp_path):
    "Two gloo processes with the same global batch and seed give the single process's weights; rank 0 alone writes and reports"
    d, _ = files
    for src in ('c.vcf.gz', 'c.vcz'):                                                 # in memory, and streamed from a token store
        (f1, one) = single[src]
        two = genediff('train', d/src, '--labels', d/'c.tsv', '--out', tmp_path/f'2-{src}', *TRAIN, procs=2)
        assert one['processes'] == 1 and two['processes'] == 2
        assert max_diff(weights(f1), weights(tmp_path/f'2-{src}')) < 1e-5
        assert np.allclose(one['best_val_loss'], two['best_val_loss'], rtol=1e-5)
    assert (single['c.vcz'][0]/'tokens'/'train.zarr').exists()
    e = [np.load(single[s][0]/'embedding.npz')['load'] for s in ('c.vcf.gz', 'c.vcz')]
    assert np.array_equal(*e)                                                          # the store's run fits the same embedding


def test_scheduler_address_equals_single_process(files, single, tmp_path):
    "`genediff train STORE --dask-scheduler tcp://...` runs the store's chunked work on that cluster and gives the single run's embedding and weights"
    from dask.distributed import LocalCluster
    d, _ = files
    with LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=None) as cl:
        assert cl.scheduler_address.startswith('tcp://')
        s = genediff('train', d/'c.vcz', '--labels', d/'c.tsv', '--out', tmp_path/'dask', *TRAIN, '--dask-scheduler', cl.scheduler_address)
        ran = len(cl.scheduler.task_prefixes)                                          # kinds of task the scheduler has seen
    assert ran > 0, 'no task reached the cluster'                                      # the work went to the workers
    assert np.array_equal(np.load(tmp_path/'dask'/'embedding.npz')['load'], np.load(single['c.vcz'][0]/'embedding.npz')['load'])
    assert max_diff(weights(single['c.vcz'][0]), weights(tmp_path/'dask')) < 1e-5 and s['processes'] == 1


def test_torchrun_sample_one_vcf(single, tmp_path):
    "`genediff sample` under torchrun: each process draws its share, rank 0 writes one VCF of n distinct individuals"
    s = genediff('sample', '--checkpoint', single['c.vcf.gz'][0], '-n', 23, '--out', tmp_path/'s.vcf.gz', '--no-progress', procs=2)
    c = read_vcf(tmp_path/'s.vcf.gz')
    assert s['n'] == c.n == 23 and len(set(c.samples)) == 23 and c.haps is not None
    assert not list(tmp_path.glob('.*parts'))                                          # the shares are gone


def test_torchrun_resume_equals_uninterrupted(files, tmp_path):
    "A two-process run stopped after one epoch and resumed under torchrun ends with the weights of an uninterrupted run"
    d, _ = files
    helper = Path(__file__).with_name('ddp_run.py')
    def run(*args, procs=1):
        pre = [sys.executable, '-m', 'torch.distributed.run', '--standalone', '--nproc_per_node', str(procs)] if procs > 1 else [sys.executable]
        p = subprocess.run([*pre, str(helper), str(d/'c.vcz'), str(d/'c.tsv'), *map(str, args)], capture_output=True, text=True, timeout=300)
        assert p.returncode == 0, p.stderr[-3000:]
    run(tmp_path/'whole', 3)
    run(tmp_path/'cut', 3, 1, procs=2)
    assert len(json.loads((tmp_path/'cut'/'history.json').read_text())['epoch']) == 1
    run(tmp_path/'cut', 3, '-', 'resume', procs=2)
    assert len(json.loads((tmp_path/'cut'/'history.json').read_text())['epoch']) == 3
    assert max_diff(weights(tmp_path/'whole'), weights(tmp_path/'cut')) < 1e-5
