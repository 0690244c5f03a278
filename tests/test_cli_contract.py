"""The installed console scripts as a pipeline meets them: exit status, one-line errors, checkpoint folders that cannot
mix runs, QC that reports what it did, arguments checked before anything is read or written, outputs written whole
or refused. Every test runs `genediff` / `genediff-paper` as a subprocess, as a shell script or Snakemake would."""
import gzip, json, shutil, signal, subprocess, sys, time
from pathlib import Path
import numpy as np, pytest
from genediff_nb.cohorts import Cohort, population_cohort, write_vcf, write_labels, write_plink, read_vcf

BIN = Path(sys.executable).parent
TRAIN = ['--model', 'mlp', '--model-cfg', 'hidden=16', '--T', '20', '--no-progress']


def gd(*args, script='genediff', timeout=300, env=None):
    "Run an installed console script (`env`: variables to set); the CompletedProcess (returncode, stdout, stderr as text)"
    import os
    exe = BIN/script
    if not exe.exists(): pytest.skip(f'the {script} console script is not installed (pip install -e .)')
    return subprocess.run([str(exe), *map(str, args)], capture_output=True, text=True, timeout=timeout,
                          env=None if env is None else {**os.environ, **env})


def failed(p, code=1):
    "The process failed with status `code`, nothing on stdout, and its stderr ends with one line saying why; that line"
    lines = [l for l in p.stderr.splitlines() if l.strip()]
    assert p.returncode == code, (p.returncode, p.stdout[-500:], p.stderr[-2000:])
    assert p.stdout == '', p.stdout[-500:]
    assert lines and lines[-1].startswith('genediff') and 'error: ' in lines[-1], p.stderr
    assert sum('error' in l for l in lines) == 1 and 'Traceback' not in p.stderr, p.stderr   # one error line, no traceback
    return lines[-1]


@pytest.fixture(scope='module')
def cohort(tmp_path_factory):
    d = tmp_path_factory.mktemp('cli')
    c = population_cohort(20, n_regions=1, region_len=150_000, seed=5, cache=False)   # 80 people, phased
    write_vcf(c, d/'c.vcf.gz'); write_labels(c, d/'c.tsv')
    return d, c


@pytest.fixture(scope='module')
def ckpt(cohort):
    d, c = cohort
    p = gd('train', d/'c.vcf.gz', '--labels', d/'c.tsv', *TRAIN, '--epochs', '2', '--out', d/'ck')
    assert p.returncode == 0, p.stderr
    return d/'ck', json.loads(p.stdout)


# ---- 1. exit status ---------------------------------------------------------------------------------------------------
def test_success_exits_0_with_a_json_summary_and_chains(cohort, ckpt):
    d, c = cohort; ck, summary = ckpt
    assert summary['epochs'] == 2 and summary['run_id'] and summary['qc']['samples_kept'] == c.n
    priv = json.loads((ck/'privacy.json').read_text())                          # checked after training, kept with the run
    assert priv['run_id'] == summary['run_id'] and priv['n_syn'] > 0 and 0 <= priv['mia_auc'] <= 1 and summary['privacy']['passed'] == priv['passed']
    out = d/'chain.vcf.gz'
    p = subprocess.run(f"'{BIN/'genediff'}' sample --checkpoint '{ck}' --n 8 --out '{out}' --sampler ddim --steps 3 "
                       f"--no-progress && echo CHAINED", shell=True, capture_output=True, text=True, timeout=300)
    assert p.returncode == 0 and p.stdout.rstrip().endswith('CHAINED'), (p.returncode, p.stderr)
    s = json.loads(p.stdout[:p.stdout.rindex('CHAINED')])
    assert s['n'] == 8 and s['sampler'] == 'ddim' and s['steps'] == 3 and read_vcf(out).n == 8


def test_failures_are_one_line_with_status_1(cohort, ckpt):
    d, _ = cohort; ck, _ = ckpt
    assert 'no checkpoint folder' in failed(gd('sample', '--checkpoint', d/'nope', '--n', 3, '--out', d/'x.vcf.gz'))
    bad = d/'corrupt'; shutil.copytree(ck, bad)
    (bad/'model.pt').write_bytes(b'\x00' * 100)
    assert 'model.pt is not a readable checkpoint' in failed(gd('sample', '--checkpoint', bad, '--n', 3, '--out', d/'x.vcf.gz'))
    shutil.copy(ck/'model.pt', bad/'model.pt'); (bad/'embedding.npz').write_bytes(b'PK\x03\x04 not really a zip file')
    assert 'embedding file' in failed(gd('sample', '--checkpoint', bad, '--n', 3, '--out', d/'x.vcf.gz'))
    assert not (d/'x.vcf.gz').exists()


# ---- 2. checkpoint folders cannot mix runs ----------------------------------------------------------------------------
def test_files_of_two_runs_are_refused(cohort, ckpt):
    d, _ = cohort; ck, _ = ckpt
    assert gd('train', d/'c.vcf.gz', '--labels', d/'c.tsv', *TRAIN, '--epochs', '1', '--seed', '1', '--out', d/'ck2').returncode == 0
    mix = d/'mixed'; shutil.copytree(ck, mix)
    for f in ('embedding.npz', 'split.npz'): shutil.copy(d/'ck2'/f, mix/f)    # what an --overwrite killed early left behind
    msg = failed(gd('sample', '--checkpoint', mix, '--n', 3, '--out', d/'m.vcf.gz'))
    assert 'mixes files of different training runs' in msg and not (d/'m.vcf.gz').exists()
    part = d/'partial'; shutil.copytree(d/'ck2', part)
    for f in ('model.pt', 'last.pt', 'history.json'): (part/f).unlink()   # killed before its first epoch ended
    assert 'no model.pt' in failed(gd('sample', '--checkpoint', part, '--n', 3, '--out', d/'m.vcf.gz'))
    assert 'nothing to resume' in failed(gd('train', d/'c.vcf.gz', '--labels', d/'c.tsv', *TRAIN, '--epochs', '1', '--seed', '1',
                                            '--out', part, '--resume'))


def test_guidance_belongs_to_its_run_and_its_sampler(cohort, ckpt):
    d, _ = cohort; ck, _ = ckpt
    g = d/'guided'; shutil.copytree(ck, g)
    p = gd('calibrate', d/'c.vcf.gz', '--labels', d/'c.tsv', '--checkpoint', g, '--steps', 3, '--draws', 40, '--no-fit')
    assert p.returncode == 0, p.stderr
    w = json.loads(p.stdout)['w']
    s = json.loads(gd('sample', '--checkpoint', g, '--n', 4, '--out', d/'g.vcf.gz', '--guidance', 'calibrated', '--no-progress').stdout)
    assert (s['guidance'], s['sampler'], s['steps']) == (w, 'ddim', 3)           # with the sampler it was calibrated for
    assert 'calibrated for ddim with 3 logsnr-spaced steps' in failed(
        gd('sample', '--checkpoint', g, '--n', 4, '--out', d/'g2.vcf.gz', '--guidance', 'calibrated', '--steps', 10))
    old = (g/'guidance.json').read_text()
    p = gd('train', d/'c.vcf.gz', '--labels', d/'c.tsv', *TRAIN, '--epochs', '1', '--seed', '2', '--out', g, '--overwrite')
    assert p.returncode == 0, p.stderr
    assert not (g/'guidance.json').exists()                                        # --overwrite cleared the old run's files
    assert 'no guidance.json' in failed(gd('sample', '--checkpoint', g, '--n', 4, '--out', d/'g3.vcf.gz', '--guidance', 'calibrated'))
    (g/'guidance.json').write_text(old)                                            # the old run's weight, put back by hand
    assert 'mixes files of different training runs' in failed(
        gd('sample', '--checkpoint', g, '--n', 4, '--out', d/'g3.vcf.gz', '--guidance', 'calibrated'))


def test_resume_only_continues_the_same_cohort(cohort, ckpt):
    d, c = cohort; ck, _ = ckpt
    rs = d/'resume'; shutil.copytree(ck, rs)
    other = c.labels.reset_index(); other['population'] = np.where(np.arange(c.n) % 2, 'case', 'control')
    other.to_csv(d/'other.tsv', sep='\t', index=False)                            # same genotypes, other classes
    msg = failed(gd('train', d/'c.vcf.gz', '--labels', d/'other.tsv', *TRAIN, '--epochs', '2', '--out', rs, '--resume'))
    assert 'cannot resume' in msg and 'another' in msg


# ---- 3. quality control says what it did -------------------------------------------------------------------------------
def _vcf_lines(c, path):
    write_vcf(Cohort(c.G, c.snps, c.samples, c.labels), path)                    # unphased text VCF
    return path.read_text().splitlines(keepends=True)

def test_qc_drops_empty_individuals_and_reports_imputation(cohort):
    d, c = cohort
    lines = _vcf_lines(c, d/'qc.vcf'); k = 0
    for i, l in enumerate(lines):
        if l.startswith('#'): continue
        f = l.rstrip('\n').split('\t'); f[9] = './.'                            # the first individual: no calls at all
        if k < 3: f[10] = './.'                                                  # the second: 3 missing calls, imputed
        lines[i] = '\t'.join(f) + '\n'; k += 1
    (d/'qc.vcf').write_text(''.join(lines))
    p = gd('train', d/'qc.vcf', '--labels', d/'c.tsv', *TRAIN, '--epochs', '1', '--out', d/'ck_qc')
    assert p.returncode == 0, p.stderr
    assert 'Dropped individuals: 1 with > 10% missing calls' in p.stderr and 'imputed 3 missing calls' in p.stderr
    q = json.loads((d/'ck_qc'/'qc.json').read_text())
    assert q['samples_dropped']['ids'] == [c.samples[0]] and q['imputed_calls'] == 3 and q['samples_kept'] == c.n - 1
    assert json.loads(p.stdout)['qc']['imputed_calls'] == 3


def test_inconsistent_or_empty_files_are_refused(cohort):
    d, c = cohort
    args = lambda f: ('train', f, '--labels', d/'c.tsv', *TRAIN, '--epochs', '1', '--out', d/'never')
    write_vcf(Cohort(np.zeros_like(c.G), c.snps, c.samples, c.labels), d/'mono.vcf.gz')
    assert 'monomorphic' in failed(gd(*args(d/'mono.vcf.gz')))
    write_plink(Cohort(c.G, c.snps, c.samples, c.labels), d/'pl')
    (d/'pl.fam').write_text((d/'pl.fam').read_text() + 'X1 X1 0 0 0 -9\nX2 X2 0 0 0 -9\n')   # phantom people
    assert 'does not belong to this .bed' in failed(gd(*args(d/'pl')))
    lines = _vcf_lines(c, d/'hdr.vcf'); h = next(i for i, l in enumerate(lines) if l.startswith('#CHROM'))
    lines[h] = lines[h].rstrip('\n').rsplit('\t', 1)[0] + '\n'                   # the header names one sample fewer
    (d/'hdr.vcf').write_text(''.join(lines))
    assert 'header names' in failed(gd(*args(d/'hdr.vcf')))
    (d/'cut.vcf.gz').write_bytes((d/'c.vcf.gz').read_bytes()[:-28])              # bgzip without its end-of-file block
    assert 'truncated' in failed(gd(*args(d/'cut.vcf.gz')))
    assert not (d/'never').exists() or not any((d/'never').iterdir())


# ---- 4. arguments are checked before anything is read or written ------------------------------------------------------
BAD = [(['train', '{vcf}', '--labels', '{tsv}', '--epochs', '0'], '--epochs'),
       (['train', '{vcf}', '--labels', '{tsv}', '--p-uncond', '1.5'], '--p-uncond'),
       (['train', '{vcf}', '--labels', '{tsv}', '--lr', 'nan'], '--lr'),
       (['train', '{vcf}', '--labels', '{tsv}', '--T', '1'], '--T'),
       (['train', '{vcf}', '--labels', '{tsv}', '--batch-size', '0'], '--batch-size'),
       (['sample', '--checkpoint', '{ck}', '--steps', '0'], '--steps'),
       (['sample', '--checkpoint', '{ck}', '--guidance', 'nan'], '--guidance'),
       (['sample', '--checkpoint', '{ck}', '--mix', 'YRI=inf'], '--mix'),
       (['calibrate', '{vcf}', '--labels', '{tsv}', '--checkpoint', '{ck}', '--tol', '-1'], '--tol')]

@pytest.mark.parametrize('argv,option', BAD, ids=[' '.join(a[-2:]) for a, _ in BAD])
def test_bad_values_are_usage_errors_before_any_work(cohort, ckpt, argv, option):
    d, _ = cohort; ck, _ = ckpt
    out = d/'never.vcf.gz' if argv[0] == 'sample' else d/'never_ck'
    argv = [a.format(vcf=d/'c.vcf.gz', tsv=d/'c.tsv', ck=ck) for a in argv] + ([] if argv[0] == 'calibrate' else ['--out', out])
    before = sorted(p.name for p in ck.iterdir())
    last = failed(gd(*argv), code=2)
    assert f'argument {option}' in last and not out.exists() and sorted(p.name for p in ck.iterdir()) == before

def test_semantic_argument_errors_come_before_writing(cohort, ckpt):
    d, _ = cohort; ck, _ = ckpt
    msg = failed(gd('train', d/'c.vcf.gz', '--labels', d/'c.tsv', '--model', 'mlp', '--model-cfg', 'hiden=16', '--out', d/'never_cfg'))
    assert "has no option(s) ['hiden']" in msg and not (d/'never_cfg').exists()
    assert "more than the model's 20 diffusion steps" in failed(
        gd('sample', '--checkpoint', ck, '--sampler', 'ddim', '--steps', 100, '--out', d/'never.vcf.gz'))
    import torch
    if not torch.cuda.is_available():
        assert 'no CUDA GPU' in failed(gd('sample', '--checkpoint', ck, '--device', 'cuda', '--out', d/'never.vcf.gz'), code=2)
    assert not (d/'never.vcf.gz').exists()


# ---- 5. outputs -------------------------------------------------------------------------------------------------------
def test_outputs_are_what_the_extension_says_or_refused(cohort, ckpt):
    d, c = cohort; ck, _ = ckpt
    smp = lambda out, *a: gd('sample', '--checkpoint', ck, '--n', 5, '--sampler', 'ddim', '--steps', 3, '--no-progress', '--out', out, *a)
    assert 'BCF output is not supported' in failed(smp(d/'x.bcf')) and not list(d.glob('x.bcf*'))
    assert 'cannot write .gz files' in failed(smp(d/'x.txt.gz'))
    (d/'afile').write_text('mine')
    assert 'cannot create the folder' in failed(smp(d/'afile'/'x.vcf.gz'))        # found before sampling, not after
    assert smp(d/'x.vcf.bgz').returncode == 0
    raw = (d/'x.vcf.bgz').read_bytes(); assert raw[:4] == b'\x1f\x8b\x08\x04' and raw[-28:-24] == b'\x1f\x8b\x08\x04'   # BGZF, EOF block
    assert gzip.decompress(raw).startswith(b'##fileformat=VCF') and read_vcf(d/'x.vcf.bgz').n == 5
    assert smp(d/'pl_out.bed').returncode == 0 and {p.name for p in d.glob('pl_out*')} == {'pl_out.bed', 'pl_out.bim', 'pl_out.fam', 'pl_out.labels.tsv'}
    mine = d/'mine'; mine.mkdir(); (mine/'history.json').write_text('my notes')
    assert 'already exists' in failed(gd('train', d/'c.vcf.gz', '--labels', d/'c.tsv', *TRAIN, '--out', mine))
    assert (mine/'history.json').read_text() == 'my notes'


def test_kill_9_then_resume_reproduces_the_uninterrupted_run(cohort):
    d, _ = cohort
    args = ['train', d/'c.vcf.gz', '--labels', d/'c.tsv', '--model', 'mlp', '--model-cfg', 'hidden=32', '--T', '20',
            '--epochs', '20', '--batch-size', '2', '--seed', '3', '--no-progress']
    assert gd(*args, '--out', d/'ref').returncode == 0
    proc = subprocess.Popen([str(BIN/'genediff'), *map(str, args), '--out', str(d/'killed')],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    hist, t0, seen = d/'killed'/'history.json', time.time(), 0
    while proc.poll() is None and time.time() - t0 < 120 and seen < 3:
        try: seen = len(json.loads(hist.read_text())['epoch'])
        except (FileNotFoundError, json.JSONDecodeError, KeyError): pass
        time.sleep(0.01)
    if proc.poll() is not None: pytest.fail('training finished before it could be killed: give it more epochs')
    proc.send_signal(signal.SIGKILL); proc.wait()
    assert 3 <= len(json.loads(hist.read_text())['epoch']) < 20
    assert gd(*args, '--out', d/'killed', '--resume').returncode == 0
    for x in ('ref', 'killed'):
        assert gd('sample', '--checkpoint', d/x, '--n', 20, '--sampler', 'ddim', '--steps', 5, '--seed', 7, '--no-progress',
                  '--out', d/f'{x}.vcf').returncode == 0
    assert (d/'ref.vcf').read_bytes() == (d/'killed.vcf').read_bytes()         # the same seed, the same genotypes, byte for byte


def test_paper_runner_exit_status(tmp_path):
    assert 'no such file' in failed(gd('--cohort', tmp_path/'none.vcf.gz', script='genediff-paper'), code=2)
    assert 'no notebook to be run declares it' in failed(gd('-p', 'N_SEED=2', script='genediff-paper'), code=2)


# ---- haplotype mode ---------------------------------------------------------------------------------------------------
def test_phased_input_gives_phased_output(cohort, ckpt):
    "A phased VCF trains on haplotypes (--mode auto) and sampling writes phased calls, as VCF and as .hapt"
    from genediff_nb.cohorts import read_hapt
    d, c = cohort; ck, summary = ckpt
    assert summary['mode'] == 'haplotype'
    s = json.loads(gd('sample', '--checkpoint', ck, '--n', 6, '--sampler', 'ddim', '--steps', 3, '--no-progress', '--out', d/'ph.vcf.gz').stdout)
    assert s['phased'] and s['mode'] == 'haplotype'
    back = read_vcf(d/'ph.vcf.gz', d/'ph.labels.tsv')
    assert back.haps is not None and back.n == 6 and back.m == c.m and 'population' in back.labels
    body = [l for l in gzip.open(d/'ph.vcf.gz', 'rt') if not l.startswith('#')]
    assert all('/' not in l.split('\t', 9)[9] for l in body) and '|' in body[0]            # every call phased
    assert gd('sample', '--checkpoint', ck, '--n', 6, '--sampler', 'ddim', '--steps', 3, '--no-progress', '--out', d/'ph2.hapt').returncode == 0
    assert (read_hapt(d/'ph2.hapt').haps == back.haps).all()                                  # the same seed, the same haplotypes
    if shutil.which('bcftools'):
        assert subprocess.run(['bcftools', 'view', '-H', str(d/'ph.vcf.gz')], capture_output=True).returncode == 0


NO_BEAGLE = dict(GENEDIFF_BEAGLE='no-such-beagle')   # as on a machine without Beagle


def test_haplotype_mode_needs_phased_input(cohort, ckpt):
    d, c = cohort; ck, _ = ckpt
    write_vcf(Cohort(c.G, c.snps, c.samples, c.labels), d/'unph.vcf.gz')                   # unphased calls
    assert 'needs phased input' in failed(gd('train', d/'unph.vcf.gz', '--labels', d/'c.tsv', *TRAIN, '--mode', 'haplotype',
                                             '--phase', 'no', '--out', d/'never_h'))
    assert 'Beagle' in failed(gd('train', d/'unph.vcf.gz', '--labels', d/'c.tsv', *TRAIN, '--phase', 'beagle', '--out', d/'never_b', env=NO_BEAGLE))
    assert not [f for x in ('never_h', 'never_b') for f in (d/x).glob('*')]                   # refused before any file was written
    p = gd('train', d/'unph.vcf.gz', '--labels', d/'c.tsv', *TRAIN, '--epochs', 1, '--out', d/'ck_unph', env=NO_BEAGLE)
    assert p.returncode == 0 and json.loads(p.stdout)['mode'] == 'genotype'                  # auto without Beagle: genotype mode, and
    assert 'Install Beagle' in p.stderr                                                       # a note saying what phasing would give
    assert '.hapt output needs a haplotype-mode checkpoint' in failed(gd('sample', '--checkpoint', d/'ck_unph', '--out', d/'nohap.hapt'))


def test_unphased_input_is_phased_by_beagle_and_written_unphased(cohort):
    "auto with Beagle installed: the unphased VCF is phased, haplotypes are learnt, synthetic people are written unphased"
    if not shutil.which('beagle'): pytest.skip('Beagle is not installed (apt install beagle)')
    d, c = cohort
    write_vcf(Cohort(c.G, c.snps, c.samples, c.labels), d/'unph2.vcf.gz')
    p = gd('train', d/'unph2.vcf.gz', '--labels', d/'c.tsv', *TRAIN, '--epochs', 1, '--out', d/'ck_beagle')
    assert p.returncode == 0, p.stderr[-2000:]
    assert json.loads(p.stdout)['mode'] == 'haplotype' and 'phasing it with Beagle' in p.stderr
    s = json.loads(gd('sample', '--checkpoint', d/'ck_beagle', '--n', 6, '--no-progress', '--out', d/'syn_b.vcf.gz').stdout)
    assert s['mode'] == 'haplotype' and not s['phased']
    body = [l for l in gzip.open(d/'syn_b.vcf.gz', 'rt') if not l.startswith('#')]
    assert all('|' not in l.split('\t', 9)[9] for l in body)                               # no phase claimed that the input lacked
    back = read_vcf(d/'syn_b.vcf.gz'); assert back.n == 6 and back.m == c.m
    assert 'written unphased' in failed(gd('sample', '--checkpoint', d/'ck_beagle', '--out', d/'nope.hapt'))


# ---- mosaic decoding --------------------------------------------------------------------------------------------------
def copy_segments(h, panel)->float:
    "Fewest segments of panel rows that spell haplotype `h` (greedy longest match is optimal); inf where no row has an allele"
    n = i = 0
    while i < len(h):
        alive, j = np.ones(len(panel), bool), i
        while j < len(h) and (a := alive & (panel[:, j] == h[j])).any(): alive, j = a, j + 1
        if j == i: return np.inf
        n, i = n + 1, j
    return n

def assert_copies(H, ck):
    "Haplotypes `H` are copies of the checkpoint's training rows: block by block for block walks; for the anchored walk, no more segments than its switches (Poisson mean plus 4 sd)"
    z = np.load(ck/'panel.npz'); panel = z['panel']
    if 'walk' not in z.files or str(z['walk']) != 'anchor' or np.isfinite(float(z['temperature'])):
        gos = np.load(ck/'embedding.npz')['gene_of_snp']
        for g in np.unique(gos): b = gos == g; assert all((panel[:, b] == h).all(1).any() for h in H[:, b]), g
        return
    d = np.diff(z['pos']).astype(float); same = z['chrom'][1:] == z['chrom'][:-1]; med = np.median(d[same & (d > 0)])
    lam = (1 - (1 - float(z['switch'])) ** np.where(same & (d >= 0), d / med, np.inf)).sum()   # expected switches per haplotype
    seg = np.array([copy_segments(h, panel) for h in H])
    assert seg.max() < np.inf and seg.mean() <= 1 + lam + 4 * np.sqrt(lam / len(H)), (seg, lam)

def test_mosaic_decoder_needs_its_panel_and_copies_training_segments(cohort, ckpt):
    "The default decoder copies training haplotype segments of the sample's class; without panel.npz it says what to do"
    d, c = cohort; ck, _ = ckpt
    s = json.loads(gd('sample', '--checkpoint', ck, '--n', 6, '--no-progress', '--out', d/'mo.vcf.gz').stdout)
    assert s['decoder'] == 'mosaic' and s['sampler'] == 'ddim' and s['steps'] == 20   # the defaults (DDIM, capped here at T=20 steps: see below)
    syn = read_vcf(d/'mo.vcf.gz', d/'mo.labels.tsv'); train = np.load(ck/'split.npz')['train']
    H = syn.haps.reshape(-1, c.m); panel = np.load(ck/'panel.npz')['panel']
    assert (panel == c.haps[train // 2, train % 2]).all()                         # the panel is the training haplotypes
    assert_copies(H, ck)                                                          # segments of training rows, whichever walk calibration chose
    no_panel = d/'no_panel'; shutil.copytree(ck, no_panel); (no_panel/'panel.npz').unlink()
    assert 'use --decoder round' in failed(gd('sample', '--checkpoint', no_panel, '--n', 3, '--out', d/'np.vcf.gz'))
    assert gd('sample', '--checkpoint', no_panel, '--n', 3, '--decoder', 'round', '--no-progress', '--out', d/'np.vcf.gz').returncode == 0
    assert 'settings of --decoder mosaic' in failed(gd('sample', '--checkpoint', ck, '--n', 3, '--decoder', 'round', '--switch', '0.1', '--out', d/'sw.vcf.gz'))
    cal = json.loads(str(np.load(ck/'panel.npz')['calibration']))              # both temperatures tried after training, one kept
    assert {r['temperature'] for r in cal['tried']} == {3.0, float('inf')} and cal['temperature'] in (3.0, float('inf'))
    p = gd('sample', '--checkpoint', ck, '--n', 6, '--temperature', 'inf', '--no-progress', '--out', d/'pr.vcf.gz')
    assert p.returncode == 0, p.stderr                                          # the copying prior alone: still copies, of the sample's class
    pr = read_vcf(d/'pr.vcf.gz', d/'pr.labels.tsv').haps.reshape(-1, c.m)
    assert_copies(pr, ck)
    assert 'must lie in' in failed(gd('sample', '--checkpoint', ck, '--n', 3, '--temperature', '0', '--out', d/'t0.vcf.gz'), 2)
