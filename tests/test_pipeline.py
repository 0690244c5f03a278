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


def test_runner_rejects_missing_cohort(capsys):
    with pytest.raises(SystemExit): main(['--cohort', '/no/such/file.vcf.gz'])
    assert 'no such file' in capsys.readouterr().err


def test_runner_passes_parameters(monkeypatch):
    import genediff_nb.pipeline as pl
    seen = {}
    def fake(preset, only, params, out): seen.update(params); return dict(preset=preset, seconds=0., notebooks=[])
    monkeypatch.setattr(pl, 'run_pipeline', fake)
    pl.main(['-p', 'N_SEEDS=2', '-p', "MODELS=['mlp']", '-p', 'SAMPLER=ddpm', '--seed', '3'])
    assert seen == {'N_SEEDS': 2, 'MODELS': ['mlp'], 'SAMPLER': 'ddpm', 'SEED': 3}
    with pytest.raises(SystemExit): pl.main(['-p', 'no equals sign'])


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
