"Diffusion, denoisers, training and sampling: schedule, masking, resume, sampling contract, CLI round trip, quality gate"
import dataclasses, numpy as np, pytest, torch
from pathlib import Path
from genediff_nb.diffusion import *
from genediff_nb.models import get_model, DENOISERS, n_params
from genediff_nb.training import *
from genediff_nb.sampling import *
from genediff_nb.guidance import *
from genediff_nb.cohorts import read_vcf, read_labels


@pytest.fixture(scope='module', autouse=True)
def one_thread():
    "Tiny models on a shared 2-core machine: one torch thread avoids oversubscription (5x faster under load)"
    n = torch.get_num_threads(); torch.set_num_threads(1)
    yield
    torch.set_num_threads(n)


# ---- schedule ---------------------------------------------------------------------------------------------------
@pytest.mark.parametrize('T', [10, 100, 500, 1000])
def test_cosine_schedule(T):
    s = Schedule(T)
    assert s.abar.shape == (T,) and (s.abar[1:] < s.abar[:-1]).all(), 'abar strictly decreasing'
    assert 1 - s.abar[0] < 0.01 * (500 / T) + 1e-4, 'almost no noise at the first step'
    assert s.abar[-1] < 1e-3, 'pure noise at the last step'
    assert ((s.beta > 0) & (s.beta <= 0.999)).all()
    torch.testing.assert_close(torch.cumprod(s.alpha, 0), s.abar)


def test_forward_process_statistics():
    s, g = Schedule(500), torch.Generator().manual_seed(1)
    x0 = torch.randn(50_000, 2, 4, generator=g) * 2 + 1           # data with mean 1, sd 2
    for t in [0, 100, 250, 499]:
        xt = q_sample(s, x0, torch.full((len(x0),), t), torch.randn(x0.shape, generator=g))
        ab = float(s.abar[t])
        assert abs(float(xt.mean()) - ab ** .5) < 0.02
        assert abs(float(xt.var()) - (4 * ab + 1 - ab)) < 0.05 * (4 * ab + 1 - ab)


# ---- masks --------------------------------------------------------------------------------------------------------
def _mask(G=16):
    m = torch.zeros(G, 8, dtype=torch.bool); m[:G - 3, :4] = True; m[:5] = True
    return m


def test_loss_ignores_padded_positions():
    torch.manual_seed(0); m = _mask(); lin = get_model('mlp', (16, 8), 2, hidden=16)
    for p in lin.parameters(): p.data.normal_(0, 0.1)
    class Masked(torch.nn.Module):                                 # reads real positions only, garbage out at padding
        def __init__(s): super().__init__(); s.net = lin
        def forward(s, x, tt, yy): return s.net(x * m, tt, yy) * m + 50. * (~m)
    x0 = torch.randn(8, 16, 8) * m; y = torch.zeros(8, dtype=torch.long)
    t, eps = torch.randint(0, 50, (8,)), torch.randn(8, 16, 8)
    eps2 = eps.clone(); eps2[:, ~m] = 1e3                          # wild noise at padded positions only
    a = diffusion_loss(Masked(), Schedule(50), x0, y, m, t=t, eps=eps)
    b = diffusion_loss(Masked(), Schedule(50), x0, y, m, t=t, eps=eps2)
    torch.testing.assert_close(a, b)
    eps3 = eps.clone(); eps3[:, m] += 1.                           # the real positions do count
    assert diffusion_loss(Masked(), Schedule(50), x0, y, m, t=t, eps=eps3) != a
    assert masked_mse(torch.zeros(2, 16, 8), eps2[:2]) > 100 * masked_mse(torch.zeros(2, 16, 8), eps2[:2], m)


@pytest.mark.parametrize('sampler,steps', [('ddpm', None), ('ddim', 5), ('dpm2', 5)])
@pytest.mark.parametrize('w', [0., 2.])
def test_samples_are_zero_at_padding(sampler, steps, w):
    torch.manual_seed(0); m = _mask()
    net = get_model('unet_mlp', (16, 8), 3, widths=(32, 16, 8))
    for p in net.parameters(): p.data.normal_(0, 0.3)             # an untrained, non-trivial denoiser
    x = sample(net, Schedule(30), 6, (16, 8), y=[0, 1, 2, 3, 0, 1], null=3, mask=m, sampler=sampler, steps=steps, w=w)
    assert x.shape == (6, 16, 8) and torch.isfinite(x).all()
    assert (x[:, ~m] == 0).all() and (x[:, m] != 0).any()


def test_sampling_is_reproducible_and_ddim_deterministic():
    torch.manual_seed(0); net = get_model('mlp', (16, 8), 0, hidden=16)
    for p in net.parameters(): p.data.normal_(0, 0.1)
    s = Schedule(20)
    a = sample(net, s, 4, (16, 8), sampler='ddim', steps=4, generator=torch.Generator().manual_seed(3))
    b = sample(net, s, 4, (16, 8), sampler='ddim', steps=4, generator=torch.Generator().manual_seed(3))
    torch.testing.assert_close(a, b)
    with pytest.raises(ValueError, match='DDIM steps'): sample(net, s, 2, (16, 8), sampler='ddim', steps=50)


@pytest.mark.parametrize('T', [3, 30, 500])
@pytest.mark.parametrize('spacing', ['logsnr', 'uniform'])
def test_step_times_are_distinct_and_span_the_process(T, spacing):
    sch = Schedule(T)
    for k in range(1, T + 1):
        ts = step_times(sch, k, spacing)
        assert len(ts) == k and ts[0] == T - 1 and (np.diff(ts) < 0).all() and (k == 1 or ts[-1] == 0), (k, ts)
    with pytest.raises(ValueError, match='steps must be'): step_times(sch, T + 1, spacing)
    with pytest.raises(ValueError, match='steps must be'): step_times(sch, 0, spacing)


def test_logsnr_spacing_is_even_in_log_snr():
    "Uniform-in-log-SNR steps: equal log-SNR gaps (up to rounding to integer t), so more of them at the noisy end than in t"
    sch = Schedule(500); lam = 0.5 * torch.log(sch.abar.double() / (1 - sch.abar.double())).numpy()
    ts = step_times(sch, 10, 'logsnr'); gaps = np.diff(lam[ts[1:-1]])       # the clipped last beta and t=0 aside
    assert gaps.max() / gaps.min() < 1.3, gaps
    assert (ts > 250).sum() > (step_times(sch, 10, 'uniform') > 250).sum()
    with pytest.raises(ValueError, match='unknown spacing'): step_times(sch, 10, 'quadratic')


class GaussianOracle(torch.nn.Module):
    "The exact noise predictor E[eps | x_t] for data x0 ~ N(mu, s^2) in every coordinate"
    def __init__(self, sch, mu=0.7, s=0.3): super().__init__(); self.sch, self.mu, self.s, self.p = sch, mu, s, torch.nn.Parameter(torch.zeros(1))
    def forward(self, xt, tf, y):
        ab = self.sch.abar[(tf * self.sch.T).round().long()].view(-1, 1, 1); a, sg = ab.sqrt(), (1 - ab).sqrt()
        return sg * (xt - a * self.mu) / (ab * self.s ** 2 + 1 - ab)


def test_dpm_solver_is_closer_to_the_exact_flow_than_ddim():
    "Same noise, same 20 steps: DPM-Solver++(2M) (2nd order) lands far nearer the (near-)exact solution than DDIM (1st)"
    sch = Schedule(500); net = GaussianOracle(sch)
    run = lambda smp, st: sample(net, sch, 64, (16, 8), sampler=smp, steps=st, generator=torch.Generator().manual_seed(1))
    exact = run('ddim', 500)
    assert abs(exact.mean() - 0.7) < 0.02 and abs(exact.std() - 0.3) < 0.02     # the flow maps noise onto N(mu, s^2)
    err = {smp: (run(smp, 20) - exact).abs().mean().item() for smp in ('ddim', 'dpm2')}
    assert err['dpm2'] < 0.3 * err['ddim'], err      # measured: 0.005 against 0.025
    with pytest.raises(ValueError, match='unknown sampler'): sample(net, sch, 2, (16, 8), sampler='euler')


# ---- models --------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize('name', list(DENOISERS))
def test_model_contract_and_backward(name):
    torch.manual_seed(0); net = get_model(name, (64, 8), 4)
    x, t, y = torch.randn(3, 64, 8), torch.rand(3), torch.tensor([0, 4, 2])
    out = net(x, t, y); assert out.shape == x.shape
    w = torch.sqrt(1 - cosine_abar(t)).view(-1, 1, 1)
    torch.testing.assert_close(out, w * x)                         # eps_hat = w(t) x_t + f(x_t), f zero-initialised
    torch.testing.assert_close(get_model(name, (64, 8), 4, skip='paper')(x, t, y), x)   # the paper's: w = 1
    out.square().mean().backward()
    assert any(p.grad is not None and p.grad.abs().sum() > 0 for p in net.parameters())
    assert 1e4 < n_params(net) < 2e7


def test_conditioning_options_are_recorded_and_restored(small_pop, tmp_path):
    "Our conditioning additions and the paper's both train, are written to the checkpoint and load back identically"
    from genediff_nb.models import PAPER_CONDITIONING
    small = dict(patch=4, d=16, depth=1, heads=2)
    for extra, want in [({}, dict(class_pos=True, class_bias=True)), (PAPER_CONDITIONING['transformer'], PAPER_CONDITIONING['transformer'])]:
        cfg = TrainConfig(model='transformer', model_cfg={**small, **extra}, T=20, epochs=1, batch_size=32, warmup=2)
        r = train_cohort(small_pop, cfg, tmp_path/str(len(extra)), progress=False)
        model, emb, conf = load_checkpoint(r.out)
        assert {k: conf['model_cfg'][k] for k in want} == want and model.arch == want
        x, t, y = torch.randn(2, *emb.shape), torch.rand(2), torch.tensor([0, 1])
        r.model.eval(); torch.testing.assert_close(model(x, t, y), r.model.to('cpu')(x, t, y))


# ---- training: resume == uninterrupted ----------------------------------------------------------------------------
def test_resume_gives_identical_weights(small_pop, tmp_path):
    cfg = TrainConfig(model='unet_mlp', model_cfg=dict(widths=(32, 16, 8)), T=50, epochs=5, batch_size=32, warmup=4, seed=3)
    a = train_cohort(small_pop, cfg, tmp_path/'a', progress=False)
    train_cohort(small_pop, cfg, tmp_path/'b', progress=False, stop_after=2)
    train_cohort(small_pop, cfg, tmp_path/'b', progress=False, resume=True, stop_after=1)   # a second interruption
    b = train_cohort(small_pop, cfg, tmp_path/'b', progress=False, resume=True)
    assert b.history['epoch'] == [1, 2, 3, 4, 5] and a.history['val_loss'] == b.history['val_loss']
    for k, v in a.model.state_dict().items(): assert torch.equal(v, b.model.state_dict()[k]), k
    la = torch.load(tmp_path/'a'/'last.pt', weights_only=True)['state_dict']
    lb = torch.load(tmp_path/'b'/'last.pt', weights_only=True)['state_dict']
    for k in la['model']: assert torch.equal(la['model'][k], lb['model'][k]), k
    ck = torch.load(tmp_path/'a'/'model.pt', weights_only=True)
    assert set(ck) == {'config', 'state_dict'} and ck['config']['epoch'] == int(np.argmin(a.history['val_loss'])) + 1
    with pytest.raises(FileExistsError): train_cohort(small_pop, cfg, tmp_path/'a', progress=False)
    assert not np.array_equal(a.history['val_loss'], train_cohort(small_pop, TrainConfig(**{**cfg.__dict__, 'seed': 4}),
                                                                  None, progress=False).history['val_loss'])


def test_validation_never_uses_test(small_pop):
    cfg = TrainConfig(model='mlp', model_cfg=dict(hidden=16), T=20, epochs=1, warmup=1)
    r = train_cohort(small_pop, cfg, None, progress=False)
    G2 = small_pop.G.copy(); G2[r.split['test']] = 2 - G2[r.split['test']]     # scramble the test individuals
    from genediff_nb.cohorts import Cohort
    c2 = Cohort(G2, small_pop.snps, small_pop.samples, small_pop.labels, genes=small_pop.genes)
    r2 = train_cohort(c2, cfg, None, split=r.split, progress=False)
    assert r.history['val_loss'] == r2.history['val_loss']


# ---- sampling to genotypes ----------------------------------------------------------------------------------------
@pytest.fixture(scope='module')
def trained(small_pop, tmp_path_factory):
    d = tmp_path_factory.mktemp('ck')/'ck'
    cfg = TrainConfig(model='unet_mlp', T=100, epochs=12, lr=1e-3, warmup=10)
    return train_cohort(small_pop, cfg, d, progress=False)


def test_generate_shape_and_labels(trained, small_pop):
    c = generate(trained.out, 37, sampler='ddim', steps=10, progress=False)
    assert (c.n, c.m) == (37, small_pop.m) and c.G.dtype == np.int8 and set(np.unique(c.G)) <= {0, 1, 2}
    counts = c.labels['population'].value_counts()
    assert counts.sum() == 37 and set(counts.index) == set(trained.config['classes'])
    c2 = generate(trained.out, 10, mix={'CHB': 3, 'YRI': 2}, sampler='ddim', steps=5, batch_size=4, progress=False)
    assert c2.labels['population'].value_counts().to_dict() == {'CHB': 6, 'YRI': 4}
    with pytest.raises(ValueError, match='unknown class'): generate(trained.out, 5, mix={'XXX': 1}, progress=False)
    # same seed, same individuals; other seed, other individuals
    a, b = [generate(trained.out, 8, sampler='ddim', steps=5, seed=s, progress=False).G for s in (0, 0)]
    assert np.array_equal(a, b)
    assert not np.array_equal(a, generate(trained.out, 8, sampler='ddim', steps=5, seed=1, progress=False).G)


def test_quality_gate_quick(trained, small_pop):
    "A classifier fitted on the validation split labels synthetic samples as well as real test samples (not detectably beyond 10%)"
    syn = generate(trained.out, 400, sampler='ddpm', progress=False)
    y, classes = small_pop.y('population'); sp = trained.split
    g = label_fidelity(trained.emb, small_pop.G[sp['val']], y[sp['val']], small_pop.G[sp['test']], y[sp['test']],
                       syn.G, np.searchsorted(classes, syn.labels['population'].values))
    assert g['acc_real_test'] > 0.6 and abs(g['ratio'] - 1) <= 0.1 + 2 * g['ratio_se'], g   # the gate's own noise at 400 draws: a few %


def test_calibrated_guidance(trained, small_pop):
    "Calibration never reads the test split, writes guidance.json once, and sampling with it uses that weight"
    with pytest.raises(FileNotFoundError, match='genediff calibrate'): generate(trained.out, 4, guidance='calibrated', progress=False)
    with pytest.raises(ValueError, match="'calibrated'"): generate(trained.out, 4, guidance='sharp', progress=False)
    sp = trained.split
    r = calibrate_guidance(trained.out, small_pop, SamplingConfig(steps=10), draws=300)
    assert r['tried'][0]['w'] == 0 and r['reference'] == 'training split' and r['n_real'] == len(sp['train'])
    assert r['passed'] == (abs(r['ratio'] - 1) <= 0.1)
    if r['fitted']:     # refined between the weights it drew at, and estimated from all their draws
        lo, hi = min(r['fit_weights']), max(r['fit_weights']); pad = max(hi - lo, 0.1) / 2   # at most half their span beyond them
        assert lo - pad - 0.005 <= r['w'] <= hi + pad + 0.005 and r['w_se'] > 0 and r['n_fit'] > max(t['n'] for t in r['tried'])
    else: assert r['ratio'] == [t['ratio'] for t in r['tried'] if t['w'] == r['w']][0]
    assert all(0 < t['n'] <= 300 and t['se'] > 0 for t in r['tried'])
    # the test split's genotypes do not enter: scrambling them leaves the result unchanged
    G = small_pop.G.copy(); G[sp['test']] = np.random.default_rng(1).integers(0, 3, G[sp['test']].shape).astype(G.dtype)
    r2 = calibrate_guidance(trained.out, dataclasses.replace(small_pop, G=G, haps=None), SamplingConfig(steps=10), draws=300, save=False)
    assert r2['tried'] == r['tried']
    assert generate(trained.out, 6, sampler='ddim', steps=10, guidance='calibrated', progress=False).meta['guidance'] == r['w']
    with pytest.raises(FileExistsError): calibrate_guidance(trained.out, small_pop)
    with pytest.raises(ValueError, match='not the training cohort'): calibrate_guidance(trained.out, small_pop.subset(np.arange(10)), save=False)


def test_fit_guidance_is_unbiased_and_its_se_honest():
    "Over many simulated calibrations the fitted weight centres on the true crossing and lies within 2 s.e. of it ~95% of the time"
    rng = np.random.default_rng(0); a, b, target = 2.6, 5.0, 0.53       # the 805 panel's transformer: acc 0.93 at w = 0
    w_true = (np.log(target / (1 - target)) - a) / b
    acc = lambda w: 1 / (1 + np.exp(-(a + b * w)))
    est, hit = [], []
    for _ in range(300):
        counts = {w: (int(rng.binomial(n, acc(w))), n) for w, n in [(-0.4, 250), (-0.6, 1000), (-0.55, 1000)]}
        f = fit_guidance(counts, target); est.append(f['w']); hit.append(abs(f['w'] - w_true) <= 2 * f['w_se'])
    assert abs(np.mean(est) - w_true) < 0.005 and 0.9 <= np.mean(hit) <= 0.99, (np.mean(est), w_true, np.mean(hit))
    assert fit_guidance({0.: (40, 40), -0.2: (40, 40)}, 0.5) is None       # all right at both weights: no slope to fit
    with pytest.raises(ValueError, match='two or more'): fit_guidance({0.: (3, 10)}, 0.5)
    with pytest.raises(ValueError, match='strictly between'): fit_guidance({0.: (3, 10), 1.: (5, 10)}, 1.0)


def test_model_seed():
    assert model_seed(0, 'mlp') == model_seed(0, 'mlp') and len({model_seed(s, m) for s in (0, 1) for m in ('mlp', 'unet_mlp')}) == 4


def test_unconditional_model(small_pop):
    r = train_cohort(small_pop, TrainConfig(model='mlp', model_cfg=dict(hidden=16), T=20, epochs=1, conditional=False), None, progress=False)
    assert r.config['n_classes'] == 0
    c = generate((r.model, r.emb, r.config), 6, sampler='ddim', steps=3, progress=False, panel=r.panel)   # an unlabelled panel
    assert c.n == 6 and len(c.labels.columns) == 0 and r.panel.labels is None
    with pytest.raises(ValueError, match='unconditional'): generate((r.model, r.emb, r.config), 6, mix={'a': 1}, progress=False, panel=r.panel)


# ---- command line ---------------------------------------------------------------------------------------------------
def test_cli_train_sample_roundtrip(tmp_path, capsys):
    from genediff_nb.cli import run
    run(['train', 'sim-pop', '--quick', '--model', 'mlp', '--model-cfg', 'hidden=32', '--epochs', '2', '--T', '30',
          '--out', str(tmp_path/'ck'), '--no-progress', '--seed', '1'])
    r = run(['sample', '--checkpoint', str(tmp_path/'ck'), '--n', '30', '--out', str(tmp_path/'syn.vcf.gz'),
              '--sampler', 'ddim', '--steps', '4', '--no-progress'])
    c = read_vcf(tmp_path/'syn.vcf.gz', tmp_path/'syn.labels.tsv')
    assert c.n == 30 and r['n'] == 30 and 'population' in c.labels
    with pytest.raises(FileExistsError):
        run(['sample', '--checkpoint', str(tmp_path/'ck'), '--n', '3', '--out', str(tmp_path/'syn.vcf.gz'), '--no-progress'])
    run(['sample', '--checkpoint', str(tmp_path/'ck'), '--n', '3', '--out', str(tmp_path/'syn.vcf.gz'), '--no-progress',
          '--overwrite', '--sampler', 'ddim', '--steps', '2'])
    assert read_vcf(tmp_path/'syn.vcf.gz').n == 3


def test_cli_help_explains_every_option(capsys):
    from genediff_nb.cli import parser
    for cmd in ['train', 'sample']:
        sub = parser()._subparsers._group_actions[0].choices[cmd]
        for a in sub._actions: assert a.help, f'{cmd} {a.option_strings} has no help'


def test_x0_clipping_to_training_range(trained):
    "Samples never leave the per-position range of the training tokens (DDIM would otherwise diverge at t ~ T)"
    lo, hi = trained.emb.token_range()
    assert (lo <= hi).all() and (lo[~trained.emb.mask] == 0).all() and (hi[~trained.emb.mask] == 0).all()
    for sampler, steps in [('ddim', 10), ('ddpm', None)]:
        _, X = generate(trained.out, 20, sampler=sampler, steps=steps, progress=False, return_embeddings=True)
        assert (X >= lo - 1e-5).all() and (X <= hi + 1e-5).all()
    _, Xn = generate(trained.out, 20, sampler='ddim', steps=10, clip=None, progress=False, return_embeddings=True)
    assert np.abs(Xn).max() > np.abs(np.stack([lo, hi])).max()     # without clipping this undertrained model overshoots
    x0 = predict_x0(Schedule(10), torch.full((2, *lo.shape), 50.), 9, torch.zeros(2, *lo.shape),
                    clip=(torch.as_tensor(lo), torch.as_tensor(hi)))
    assert torch.equal(x0[0], torch.as_tensor(hi))


def test_checkpoint_digest_separates_data_and_settings(small_pop, tmp_path):
    from dataclasses import replace
    from genediff_nb.experiments import prepare_task, train_config, model_dir, trained_generator
    task = prepare_task('sim-pop', quick=True)
    cfg = train_config('mlp', quick=True, epochs=1, model_cfg=dict(hidden=16))
    d = model_dir(tmp_path, task, cfg)
    assert d == model_dir(tmp_path, task, cfg) and d.parent.name == task.name
    assert d != model_dir(tmp_path, task, replace(cfg, seed=1))
    task.cohort.G[0, 0] = 2 - task.cohort.G[0, 0]                      # one genotype changed: another folder
    assert d != model_dir(tmp_path, task, cfg)
    g = trained_generator(task, cfg, tmp_path)
    assert (model_dir(tmp_path, task, cfg)/'model.pt').exists() and g.n_fits == 0
