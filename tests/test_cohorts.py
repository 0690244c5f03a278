"Cohorts: simulation, readers, writers, splits, and the errors bad input gets"
import numpy as np, pandas as pd, pytest
from genediff_nb.cohorts import *
from conftest import shared_or_skip

def test_population_cohort_labels_and_counts(small_pop):
    c = small_pop
    assert c.labels.population.value_counts().to_dict() == {p: 60 for p in ['YRI', 'CEU', 'CHB', 'JPT']}
    assert c.G.dtype == np.int8 and set(np.unique(c.G)) <= {0, 1, 2}
    assert c.haps is not None and np.array_equal(c.haps.sum(1), c.G)
    gos = assign_genes(c.snps, c.genes)
    assert (gos >= 0).all(), 'simulated cohorts keep gene SNPs only'
    sizes = np.bincount(gos)
    assert sizes.max() > 20 and sizes.min() < 5, 'genes of varying SNP counts'
    # positions sorted within chromosome, genes never overlap
    for ch, d in c.snps.groupby('chrom'): assert (np.diff(d.pos.values) > 0).all()

def test_same_seed_same_cohort_other_seed_other():
    a = population_cohort(20, n_regions=1, region_len=200_000, seed=5, cache=False)
    b = population_cohort(20, n_regions=1, region_len=200_000, seed=5, cache=False)
    d = population_cohort(20, n_regions=1, region_len=200_000, seed=6, cache=False)
    assert np.array_equal(a.G, b.G) and a.snps.equals(b.snps)
    assert a.G.shape != d.G.shape or not np.array_equal(a.G, d.G)

def test_cache_returns_identical_cohort(tmp_path, monkeypatch):
    monkeypatch.setenv('GENEDIFF_CACHE', str(tmp_path))
    a = population_cohort(20, n_regions=1, region_len=200_000, seed=3)
    assert len(list(tmp_path.glob('population_*.npz'))) == 1
    b = population_cohort(20, n_regions=1, region_len=200_000, seed=3)
    assert np.array_equal(a.G, b.G) and np.array_equal(a.haps, b.haps) and a.genes.equals(b.genes)

def test_disease_cohort_liability_threshold():
    c = disease_cohort(500, n_regions=2, region_len=300_000, seed=4, cache=False)
    d = c.meta['disease']
    assert set(c.labels.status) == {'case', 'control'}
    assert abs((c.labels.status == 'case').mean() - 0.3) < 0.01
    assert 0.7 < d['oracle_accuracy'] < 1.0
    # cases carry more risk alleles, weighted by the true effects, than controls
    causal = np.array(d['causal_snps']); beta = np.array(d['beta'])
    score = c.G[:, causal] @ beta
    case = c.labels.status.values == 'case'
    assert score[case].mean() > score[~case].mean()

def test_vcf_and_plink_roundtrip(small_pop, tmp_path):
    c = small_pop
    write_vcf(c, tmp_path/'c.vcf.gz'); write_labels(c, tmp_path/'c.tsv')
    v = read_vcf(tmp_path/'c.vcf.gz', labels=tmp_path/'c.tsv')
    assert np.array_equal(v.G, c.G) and np.array_equal(v.haps, c.haps)
    assert v.snps.values.tolist() == c.snps.values.tolist() and list(v.samples) == list(c.samples)
    assert list(v.labels.population) == list(c.labels.population)
    unph = Cohort(c.G, c.snps, c.samples, c.labels)
    write_plink(unph, tmp_path/'c')
    p = read_plink(tmp_path/'c.bed', labels=tmp_path/'c.tsv')
    assert np.array_equal(p.G, c.G) and p.snps.values.tolist() == c.snps.values.tolist()
    with open(tmp_path/'c.vcf.gz', 'rb') as f: assert f.read(4)[:2] == b'\x1f\x8b'   # gzip (BGZF) magic

def test_writers_never_overwrite(small_pop, tmp_path):
    write_vcf(small_pop, tmp_path/'x.vcf')
    with pytest.raises(FileExistsError, match='already exists'): write_vcf(small_pop, tmp_path/'x.vcf')
    write_vcf(small_pop, tmp_path/'x.vcf', overwrite=True)

HDR = ('##fileformat=VCFv4.2\n##contig=<ID=1>\n##FORMAT=<ID=GT,Number=1,Type=String,Description="GT">\n'
       '#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\ta\tb\tc\n')

@pytest.mark.parametrize('body,msg', [
    ('1\t5\tx\tA\tG\t.\tPASS\t.\tGT\t0\t1/1\t0/0\n', 'non-diploid'),
    ('1\t5\tx\tA\tG,T\t.\tPASS\t.\tGT\t0/2\t1/1\t0/0\n', 'no biallelic SNPs'),
    ('1\t5\tx\tA\tG\t.\tPASS\t.\tGT\t./.\t./.\t0/1\n', 'missing calls'),
])
def test_bad_vcf_records(tmp_path, body, msg):
    (tmp_path/'b.vcf').write_text(HDR + body)
    with pytest.raises(ValueError, match=msg): read_vcf(tmp_path/'b.vcf', max_sample_missing=1)   # keep every individual

def test_sample_qc_before_site_qc(tmp_path):
    "Individuals with no calls are dropped first (plink --mind before --geno), and the report says so"
    (tmp_path/'b.vcf').write_text(HDR + '1\t5\tx\tA\tG\t.\tPASS\t.\tGT\t./.\t./.\t0/1\n1\t6\ty\tA\tG\t.\tPASS\t.\tGT\t./.\t./.\t1/1\n')
    c = read_vcf(tmp_path/'b.vcf')
    assert list(c.samples) == ['c'] and c.meta['qc']['samples_dropped'] == dict(missingness=2, ids=['a', 'b'])
    assert c.meta['qc']['imputed_calls'] == 0 and 'Dropped individuals: 2 with > 10% missing calls' in qc_summary(c)

def test_malformed_and_missing_files(tmp_path):
    (tmp_path/'junk.vcf').write_text('hello\n')
    with pytest.raises(ValueError, match='not a readable VCF'): read_vcf(tmp_path/'junk.vcf')
    with pytest.raises(FileNotFoundError): read_vcf(tmp_path/'none.vcf')
    with pytest.raises(FileNotFoundError, match='incomplete'): read_plink(tmp_path/'none')
    with pytest.raises(FileNotFoundError, match='neither a built-in'): load_cohort(str(tmp_path/'none.xyz'))
    (tmp_path/'bad.hapt').write_text('Real s_A 0 1 2\nReal s_B 0 1 1\n')
    with pytest.raises(ValueError, match='0 or 1'): read_hapt(tmp_path/'bad.hapt')

def test_missing_genotypes_rule(tmp_path):
    body = '1\t5\tx\tA\tG\t.\tPASS\t.\tGT\t1/1\t./.\t1/1\n1\t6\ty\tC\tT\t.\tPASS\t.\tGT\t0/1\t0/0\t0/0\n'
    (tmp_path/'m.vcf').write_text(HDR + body)
    c = read_vcf(tmp_path/'m.vcf', max_missing=0.5, max_sample_missing=1)
    assert c.G[:, 0].tolist() == [2, 2, 2] and c.meta['imputed_calls'] == 1 and c.haps is None
    assert read_vcf(tmp_path/'m.vcf', max_sample_missing=1).snps.id.tolist() == ['y']

def test_label_errors(tmp_path, small_pop):
    with pytest.raises(ValueError, match='no sample of the cohort'):
        attach_labels(small_pop, pd.DataFrame({'sample': ['zz'], 'pop': ['A']}))
    lab = small_pop.labels.reset_index().iloc[:10]
    with pytest.warns(UserWarning, match='no label and are dropped'):
        assert attach_labels(small_pop, lab).n == 10
    lab2 = small_pop.labels.reset_index(); lab2.loc[0, 'population'] = ''
    with pytest.raises(ValueError, match='empty labels'): attach_labels(small_pop, lab2)
    with pytest.raises(ValueError, match='0/1/2'): Cohort(np.full((2, 3), 3), small_pop.snps.iloc[:3], ['a', 'b'])
    with pytest.raises(ValueError, match='NaN'): Cohort(np.full((2, 3), np.nan), small_pop.snps.iloc[:3], ['a', 'b'])

def test_stratified_split(small_pop):
    sp = split_cohort(small_pop, 'population', seed=0)
    allidx = np.concatenate([sp['train'], sp['val'], sp['test']])
    assert sorted(allidx) == list(range(small_pop.n))
    y = small_pop.y()[0]
    assert np.bincount(y[sp['train']]).tolist() == [42] * 4 and np.bincount(y[sp['test']]).tolist() == [12] * 4
    assert not np.array_equal(split_cohort(small_pop, seed=1)['test'], sp['test'])
    with pytest.raises(ValueError, match='sum to 1'): split_cohort(small_pop, fractions=(0.5, 0.2, 0.2))

def test_real_1kg_files():
    lab = shared_or_skip('1kg_labels', '1kg_2504_sample_population.tsv')
    c = load_cohort(str(shared_or_skip('1kg_805', '805_SNP_1000G_real.hapt.zip')), labels=lab)
    assert (c.n, c.m) == (2504, 805) and c.labels.population.nunique() == 26 and c.labels.superpopulation.nunique() == 5
    v = load_cohort(str(shared_or_skip('1kg_chr15_10k', '1000G_10K_SNP_chr15.vcf.gz')), labels=lab)
    assert v.n == 2504 and v.m == 10_000 and v.haps is not None and (v.snps.chrom == '15').all()
