"The runner and the generated README section"
import json, os, pytest
from pathlib import Path
from genediff_nb.pipeline import results_markdown, update_readme, experiment_notebooks, main


def test_experiment_notebooks_in_order():
    names = [p.name for p in experiment_notebooks()]
    assert names == sorted(names) and {'10_embedding.ipynb', '12_tstr.ipynb', '14_realism.ipynb'} <= set(names)


def test_readme_section_rendered_from_results(tmp_path):
    (tmp_path/'13_augmentation.json').write_text(json.dumps(dict(classifier='mlp', model='mlp', seeds=[0], rows=[
        dict(task='t', fraction=0.05, n_real=10, classifier='mlp', protocol=p, acc_mean=a, acc_sd=0.0)
        for p, a in [('real only', 0.3), ('honest', 0.5), ('paper', 0.8)]])))
    md = results_markdown(tmp_path, 'x', 'Title')
    assert md.startswith('### Title') and '30.0 ± 0.0' in md and '80.0 ± 0.0' in md and 'x/13_augmentation.png' in md
    rd = tmp_path/'README.md'; rd.write_text('a\n<!-- results:start -->\nstale\n<!-- results:end -->\nb\n')
    update_readme(md, rd)
    text = rd.read_text()
    assert 'stale' not in text and text.startswith('a\n') and text.endswith('<!-- results:end -->\nb\n')
    rd.write_text('no markers')
    with pytest.raises(ValueError, match='markers'): update_readme(md, rd)


def test_realism_table_reports_the_fields_aa_on_genotypes(tmp_path):
    "The realism table's AA columns are the genotype-level AA (Hamming, as the field computes it); the paper's embedding AA is labelled as such"
    (tmp_path/'14_realism.json').write_text(json.dumps(dict(rows=[dict(task='t', generator='g', AA_truth_geno=0.61, AA_syn_geno=0.42,
                                                                          AA_truth_test=0.93, AA_syn_test=0.17, mia_auc=0.5)])))
    md = results_markdown(tmp_path, 'x', 'Title')
    head = next(l for l in md.splitlines() if l.startswith('| task'))
    row = next(l for l in md.splitlines() if l.startswith('| t | g'))
    cells = dict(zip([c.strip() for c in head.split('|')], [c.strip() for c in row.split('|')]))
    assert (cells['AA_truth'], cells['AA_syn'], cells['AA_truth emb'], cells['AA_syn emb']) == ('0.61', '0.42', '0.93', '0.17'), cells


def test_runner_rejects_missing_cohort(capsys):
    with pytest.raises(SystemExit): main(['--cohort', '/no/such/file.vcf.gz'])
    assert 'no such file' in capsys.readouterr().err


def test_runner_passes_parameters(monkeypatch):
    import genediff_nb.pipeline as pl
    seen = {}
    def fake(preset, only, params, out, skip=None): seen.update(params); return dict(preset=preset, seconds=0., notebooks=[])
    monkeypatch.setattr(pl, 'run_pipeline', fake)
    pl.main(['-p', 'N_SEEDS=2', '-p', "MODELS=['mlp']", '-p', 'SAMPLER=ddpm', '--seed', '3'])
    assert seen == {'N_SEEDS': 2, 'MODELS': ['mlp'], 'SAMPLER': 'ddpm', 'SEED': 3}
    with pytest.raises(SystemExit): pl.main(['-p', 'no equals sign'])


def test_unphased_cohort_skips_the_benchmark_without_beagle(tmp_path, capsys, monkeypatch):
    "Your unphased cohort where Beagle is missing: every notebook but the haplotype benchmark (16) runs, and the run says why"
    import genediff_nb.pipeline as pl
    from genediff_nb.cohorts import Cohort, population_cohort, write_vcf
    c = population_cohort(n_per_pop=5, n_regions=1, region_len=50_000, seed=0)
    write_vcf(c, tmp_path/'p.vcf.gz'); write_vcf(Cohort(c.G, c.snps, c.samples, c.labels), tmp_path/'u.vcf.gz')
    seen = []
    monkeypatch.setattr(pl, 'run_pipeline', lambda preset, only, params, out, skip=None: seen.append(skip) or dict(preset=preset, seconds=0., notebooks=[]))
    monkeypatch.setenv('GENEDIFF_BEAGLE', 'no-such-beagle')
    for f in ('u', 'p'): pl.main(['--cohort', str(tmp_path/f'{f}.vcf.gz'), '--out', str(tmp_path/f'runs_{f}')])
    assert list(seen[0]) == ['16'] and 'not phased' in seen[0]['16'] and seen[1] == {}      # a phased cohort is benchmarked
    assert '16_benchmark skipped' in capsys.readouterr().err
    pl.main(['--cohort', str(tmp_path/'u.vcf.gz'), '--only', '10', '--out', str(tmp_path/'runs_u10')])
    pl.main(['--cohort', str(tmp_path/'p.vcf.gz'), '-p', 'BEAGLE=False', '--out', str(tmp_path/'runs_pb')])
    assert seen[2] == {} and seen[3] == {}              # 16 not asked for; a phased cohort needs no Beagle
    pl.main(['--cohort', str(tmp_path/'u.vcf.gz'), '-p', 'BEAGLE=False', '--out', str(tmp_path/'runs_ub')])
    assert 'BEAGLE=False' in seen[4]['16']
    monkeypatch.undo()
    with pytest.raises(FileNotFoundError, match='16 skipped: why'): pl.run_pipeline('quick', ['16'], skip={'16': 'why'}, out=tmp_path/'r', export=False)


def test_run_time_read_against_its_machine(tmp_path):
    "A run summary records where it ran; the README says so instead of assuming this 2-core machine"
    from genediff_nb.pipeline import machine, format_summary, readme_results
    m = machine(); assert m['cpus'] == os.cpu_count() and 'torch' in m
    s = dict(preset='paper', seconds=600., machine=dict(cpus=16, gpu='Some GPU'), notebooks=[dict(notebook='15_sampling.ipynb', seconds=600., status='ok')])
    assert '16 CPU cores + Some GPU' in format_summary(s)
    d = tmp_path/'figures'/'cohorts'/'mine'; d.mkdir(parents=True)
    (d/'run_summary.json').write_text(json.dumps(s))
    (d/'15_sampling.json').write_text(json.dumps(dict(rows=[dict(task='t', sampler='ddim', steps=10, guidance=0., genotypes_per_s=5., speedup_vs_ddpm=2.,
                                                               gate_ratio=1., AA_truth=.5, AA_syn=.5, af_r=1., ld_r=1.)])))
    md = readme_results(tmp_path)        # a cohort folder without TSTR results still gets its section
    assert 'Your cohort: mine' in md and 'on 16 CPU cores + Some GPU: 10.0 min' in md and 'per second on 16 CPU cores + Some GPU' in md
    s.pop('machine'); (d/'run_summary.json').write_text(json.dumps(s))
    assert 'on 2 CPU cores: 10.0 min' in readme_results(tmp_path)   # summaries from before machines were recorded: this one


def test_runner_rejects_unknown_parameter(capsys, monkeypatch):
    "A misspelt -p name is an error naming it, not a papermill warning that scrolls past while the default is used"
    import genediff_nb.pipeline as pl
    from genediff_nb.pipeline import notebook_parameters
    def must_not_run(*a, **k): raise AssertionError('the run started despite an unknown parameter')
    monkeypatch.setattr(pl, 'run_pipeline', must_not_run)
    assert 'N_SEEDS' in notebook_parameters(experiment_notebooks(None, ['12'])[0])
    with pytest.raises(SystemExit): main(['-p', 'N_SEED=2'])
    err = capsys.readouterr().err
    assert 'N_SEED:' in err and 'N_SEEDS' in err           # names the culprit and lists the parameters that exist
    with pytest.raises(SystemExit): main(['--only', '10', '-p', 'N_SEEDS=2'])   # 10 does not take it
    assert 'N_SEEDS' in capsys.readouterr().err


@pytest.mark.parametrize('flags,says', [([False, False], 'a run from a fresh clone takes about 15 min'),
                                        ([True, True], 'This includes training the denoisers (5 min)'),
                                        ([True, False], 'It trained 1 of the 2 denoisers'),
                                        ([None, None], 'do not record whether it did')])
def test_run_time_says_whether_it_trained(tmp_path, flags, says):
    "The README's run time states whether the run trained the denoisers, from what 11_diffusion recorded"
    from genediff_nb.pipeline import readme_results
    d = tmp_path/'figures'/'cohorts'/'mine'; d.mkdir(parents=True)
    (d/'run_summary.json').write_text(json.dumps(dict(preset='paper', seconds=600., notebooks=[dict(notebook='11_diffusion.ipynb', seconds=600., status='ok')])))
    rows = [dict(task='t', model=m, params=1e6, epochs=1, best_epoch=1, best_val_loss=.5, s_per_epoch=150., train_s=150.,
                 **({} if f is None else dict(trained_in_run=f))) for m, f in zip(['mlp', 'unet_mlp'], flags)]
    gate = [dict(task='t', model=m, acc_real_test=.9, acc_syn=.9, ratio=1., ratio_se=.01, passed=True, AA_truth=.5, AA_syn=.5) for m in ['mlp', 'unet_mlp']]
    (d/'11_diffusion.json').write_text(json.dumps(dict(training=rows, gate=gate)))
    assert says in readme_results(tmp_path)


@pytest.mark.parametrize('full_finished,partial_finished,listed', [('2026-01-02T00:00:00Z', '2026-01-03T00:00:00Z', True),
                                                                   ('2026-01-04T00:00:00Z', '2026-01-03T00:00:00Z', False),
                                                                   (None, None, True)])
def test_partial_rerun_is_listed_until_a_full_run_supersedes_it(tmp_path, full_finished, partial_finished, listed):
    "A `--only` rerun's times appear beside the full run's, unless a later full run replaced them"
    from genediff_nb.pipeline import readme_results
    d = tmp_path/'figures'/'cohorts'/'mine'; d.mkdir(parents=True)
    full = dict(preset='paper', seconds=600., notebooks=[dict(notebook='11_diffusion.ipynb', seconds=600., status='ok')])
    part = dict(preset='paper', seconds=1234., only=['11'], notebooks=[dict(notebook='11_diffusion.ipynb', seconds=1234., status='ok')])
    if full_finished: full['finished'], part['finished'] = full_finished, partial_finished
    (d/'run_summary.json').write_text(json.dumps(full)); (d/'run_summary-11.json').write_text(json.dumps(part))
    rows = [dict(task='t', model='mlp', params=1e6, epochs=1, best_epoch=1, best_val_loss=.5, s_per_epoch=150., train_s=150., trained_in_run=False)]
    gate = [dict(task='t', model='mlp', acc_real_test=.9, acc_syn=.9, ratio=1., ratio_se=.01, passed=True, AA_truth=.5, AA_syn=.5)]
    (d/'11_diffusion.json').write_text(json.dumps(dict(training=rows, gate=gate)))
    md = readme_results(tmp_path)
    assert ('`11_diffusion` 20.6 min' in md) == listed and ('--only 11' in md) == listed
    # 11's record of reusing the checkpoints belongs to the run that wrote it: the rerun when listed, else the full run
    reuse = [l for l in md.splitlines() if 'checkpoints were reused' in l]
    assert len(reuse) == 1 and ('--only 11' in reuse[0]) == listed and ('fresh clone takes about 12 min' in reuse[0]) != listed


def test_readme_links_resolve():
    "Every file the README and SCALE.md link to, or name as `nbs/...`, `benchmarks/...`, is in the repository"
    import re
    root = Path(__file__).resolve().parents[1]
    for doc in ('README.md', 'SCALE.md'):
        text = (root/doc).read_text()
        paths = [p for p in re.findall(r'\]\(([^)#\s]+)', text) if '://' not in p]
        paths += re.findall(r'`((?:nbs|benchmarks|genediff_nb)/[\w./-]+)', text)
        assert paths, doc
        missing = [p for p in paths if not (root/p).exists() and not (root/f'{p}.ipynb').exists()]
        assert not missing, f'{doc} names files that are not in the repository: {missing}'


def test_every_exported_name_says_what_it_is():
    "Every function and class a module exports carries a docstring (its first statement: the one nbdev shows)"
    import importlib, inspect, pkgutil, genediff_nb
    missing = []
    for m in pkgutil.iter_modules(genediff_nb.__path__):
        if m.name.startswith('_'): continue
        mod = importlib.import_module(f'genediff_nb.{m.name}')
        objs = {n: getattr(mod, n) for n in getattr(mod, '__all__', [])}   # a class's own docstring, not one it inherits
        missing += [f'{m.name}.{n}' for n, o in objs.items() if not (o.__doc__ if inspect.isfunction(o) else
                    o.__dict__.get('__doc__') if inspect.isclass(o) else 'not code')]
    assert not missing, missing
