"Per-gene PCA embedding: training-only fitting, mask, round trip, persistence, errors"
import numpy as np, pytest
from genediff_nb.cohorts import split_cohort, load_cohort, assign_genes
from genediff_nb.embedding import *
from conftest import shared_or_skip

@pytest.fixture(scope='module')
def fitted(small_pop):
    sp = split_cohort(small_pop, seed=0)
    return small_pop, sp, fit_embedding(small_pop, sp['train'])

def test_shapes_and_mask_follow_the_paper(fitted):
    c, sp, e = fitted
    gos = assign_genes(c.snps, c.genes); sizes = np.bincount(gos)
    expect = np.where(sizes > 20, 8, np.where(sizes >= 5, 4, 1))
    assert np.array_equal(e.n_comp, expect)
    assert e.shape == (int(np.ceil(len(sizes) / 64) * 64), 8)
    m = np.zeros(e.shape, bool)
    for g, k in enumerate(expect): m[g, :k] = True
    assert np.array_equal(e.mask, m), 'mask marks exactly the real (unpadded) slots'
    X = e.encode(c.G)
    assert X.dtype == np.float32 and (X[:, ~e.mask] == 0).all()

def test_fitted_on_train_only(fitted):
    c, sp, e = fitted
    G2 = c.G.copy(); G2[sp['test']] = 2 - G2[sp['test']]       # change every test individual
    G2[sp['val']] = 0
    from genediff_nb.cohorts import Cohort
    e2 = fit_embedding(Cohort(G2, c.snps, c.samples, c.labels, None, c.genes), sp['train'])
    for k in ['load', 'mean', 'mu', 'sd', 'mask']: assert np.array_equal(getattr(e, k), getattr(e2, k)), k

def test_roundtrip_concordance_on_held_out(fitted):
    c, sp, e = fitted
    r = roundtrip_report(e, c.G[sp['test']])
    assert r['concordance'] > 0.95, r['concordance']
    assert r['af_r'] > 0.99, r['af_r']
    assert r['explained_variance_median'] > 0.8

def test_full_rank_pca_is_lossless(small_pop):
    G = small_pop.G[:, :60]
    e = GeneEmbedding(rule='variance', var_target=1.0, pad_multiple=4).fit(G, np.repeat(np.arange(15), 4))
    assert np.array_equal(e.decode(e.encode(G)), G)

def test_save_load_identical(fitted, tmp_path):
    c, sp, e = fitted
    e.save(tmp_path/'e.npz'); e2 = GeneEmbedding.load_file(tmp_path/'e.npz')
    X = e.encode(c.G)
    assert np.array_equal(e2.encode(c.G), X) and np.array_equal(e2.decode(X), e.decode(X))
    with pytest.raises(FileExistsError): e.save(tmp_path/'e.npz')
    syn = e2.to_cohort(X[:5], c.labels.iloc[:5].reset_index(drop=True))
    assert syn.snps.values.tolist() == c.snps.values.tolist() and syn.n == 5

def test_bad_input(fitted):
    c, sp, e = fitted
    with pytest.raises(ValueError, match='expected genotypes of shape'): e.encode(c.G[:, 1:])
    with pytest.raises(ValueError, match='expected tokens'): e.decode(np.zeros((2, 3, 8)))
    X = e.encode(c.G[:2]); X[0, 0, 0] = np.nan
    with pytest.raises(ValueError, match='NaN'): e.decode(X)
    gos = np.full(c.m, 0); gos[0] = -1
    with pytest.raises(ValueError, match='lie in no gene'): GeneEmbedding().fit(c.G, gos)
    with pytest.raises(ValueError, match='unknown component rule'): GeneEmbedding(rule='x').fit(c.G, np.zeros(c.m, int))

def test_real_1kg_roundtrip():
    lab = shared_or_skip('1kg_labels', '1kg_2504_sample_population.tsv')
    c = load_cohort(str(shared_or_skip('1kg_chr15_10k', '1000G_10K_SNP_chr15.vcf.gz')), labels=lab)
    sp = split_cohort(c, 'population', seed=0)
    r = roundtrip_report(fit_embedding(c, sp['train']), c.G[sp['test']])
    assert r['concordance'] > 0.95 and r['af_r'] > 0.99


def test_rank_deficient_gene_stays_bounded():
    "SNPs identical in the training split but not outside it: no component with ~0 training variance is kept"
    rng = np.random.default_rng(0)
    G = rng.binomial(2, 0.3, (200, 8)).astype(np.int8)
    G[:, 5] = G[:, 4]; G[:, 7] = G[:, 6]                      # two duplicated SNPs: rank 6 of 8
    tr, te = np.arange(150), np.arange(150, 200)
    G[te, 5] = rng.binomial(2, 0.3, 50)                       # the duplicate differs outside the training split
    e = GeneEmbedding().fit(G[tr], np.zeros(8, int))
    assert e.n_comp[0] <= 6
    X = e.encode(G[te])
    assert np.isfinite(X).all() and np.abs(X).max() < 50, np.abs(X).max()
