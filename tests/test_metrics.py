"Metrics, baselines and classifiers: known answers that each can fail, bad input, real data when present"
import numpy as np, pytest
from genediff_nb.cohorts import split_cohort, load_cohort
from genediff_nb.embedding import fit_embedding
from genediff_nb.metrics import *
from genediff_nb.baselines import RealTrain, IndependentSNPs, GaussianEmbedding, evaluate_generator
from genediff_nb.classifiers import fit_classifier, accuracy, utility_experiment, stratified_fraction
from conftest import shared_or_skip

@pytest.fixture(scope='module')
def setup(small_pop):
    sp = split_cohort(small_pop, 'population', seed=0)
    emb = fit_embedding(small_pop, sp['train'])
    return small_pop, sp, emb

def test_independent_sample_gives_aa_half_and_neutral_knn():
    rng = np.random.default_rng(1)
    A, B = rng.normal(size=(500, 20)), rng.normal(size=(500, 20))
    aa = adversarial_accuracy(A, B)
    assert abs(aa['AA_truth'] - 0.5) < 0.06 and abs(aa['AA_syn'] - 0.5) < 0.06, aa
    kt = knn_test(A, B, k=10)
    assert abs(kt['share_D1_for_D1'] - 0.5) < 0.05 and abs(kt['share_D1_for_D2'] - 0.5) < 0.05, kt

def test_aa_sees_copies_and_shifted_data():
    rng = np.random.default_rng(2)
    A, B = rng.normal(size=(300, 10)), rng.normal(size=(300, 10))
    cp = adversarial_accuracy(A, A.copy())
    assert cp['AA_truth'] == 0 and cp['AA_syn'] == 0 and cp['syn_at_zero_distance'] == 1   # no d <= 1e-3 skipping
    assert aa_privacy(A, B, A.copy())['privacy_loss'] > 0.4
    far = adversarial_accuracy(A, B + 4)
    assert far['AA_truth'] > 0.9 and far['AA_syn'] > 0.9

def test_real_halves_look_alike_on_genotypes(setup):
    c, sp, emb = setup
    Gtr, Gte = c.G[sp['train']], c.G[sp['test']]
    assert af_report(Gtr, Gte)['af_r'] > 0.95
    assert ld_correlation(Gtr, Gte)['ld_r'] > 0.8
    assert abs(fst_hudson(Gtr, Gte)) < 0.01

def test_copy_of_training_set_fails_privacy(setup):
    c, sp, emb = setup
    Gtr = c.G[sp['train']]
    p = privacy_report(Gtr.copy(), Gtr, c.G[sp['test']])
    assert p['identical_match_rate'] == 1.0 and p['near_copy_rate'] == 1.0
    assert p['mia_auc'] > 0.95 and p['dcr_ratio'] == 0

def test_unseen_real_data_passes_privacy(setup):
    c, sp, emb = setup
    p = privacy_report(c.G[sp['val']], c.G[sp['train']], c.G[sp['test']])
    assert p['identical_match_rate'] == 0 and 0.3 < p['mia_auc'] < 0.7

def test_independent_snp_baseline_keeps_af_loses_ld(setup):
    c, sp, emb = setup
    y = c.y('population')[0]; tr = sp['train']
    G, ys = IndependentSNPs(c, emb, 'population').fit(tr).sample_genotypes(len(tr), y[tr])
    assert af_report(c.G[tr], G)['af_r'] > 0.95
    assert abs(ld_correlation_by_label(c.G[tr], y[tr], G, ys)) < 0.1        # no LD within a population
    assert ld_correlation(c.G[tr], G)['ld_r'] < ld_correlation(c.G[tr], c.G[sp['test']])['ld_r'] - 0.3

def test_real_train_baseline_is_flagged(setup):
    c, sp, emb = setup
    r = evaluate_generator(RealTrain(c, emb, 'population'), sp)
    assert r['identical_match_rate'] == 1 and r['mia_auc'] > 0.95
    assert r['AA_truth_train'] == 0 and r['AA_syn_train'] == 0 and r['aa_privacy_loss'] > 0.3
    g = evaluate_generator(GaussianEmbedding(c, emb, 'population'), sp)
    assert g['identical_match_rate'] == 0 and g['af_r'] > 0.9

def test_recovery_of_real_vs_real_is_100(setup):
    c, sp, emb = setup
    y = c.y('population')[0]; X = emb.encode(c.G)
    ut = utility_experiment(X, y, sp, {'real': RealTrain(c, emb, 'population')}, classifiers=('mlp', 'linear'), seeds=(0,), max_epochs=4)
    assert np.allclose(ut.recovery_mean, 100.0), ut
    assert (ut.acc_mean > 0.5).all()

@pytest.mark.parametrize('f,args,msg', [
    (adversarial_accuracy, (np.zeros((0, 3)), np.zeros((4, 3))), 'empty'),
    (adversarial_accuracy, (np.zeros((4, 3)), np.zeros((4, 2))), 'different feature/token shapes'),
    (knn_test, (np.full((4, 3), np.nan), np.zeros((4, 3))), 'NaN'),
    (af_report, (np.zeros((4, 3), np.int8), np.zeros((4, 5), np.int8)), 'different SNP sets'),
    (af_report, (np.zeros((4, 3)), np.full((4, 3), 3)), '0/1/2'),
    (privacy_report, (np.zeros((0, 3)), np.zeros((4, 3)), np.zeros((4, 3))), 'empty'),
    (fst_hudson, (np.array([[0., np.nan]]), np.zeros((2, 2))), 'NaN'),
    (hamming_matrix, (np.zeros((2, 3)), np.zeros((2, 4))), 'different SNP sets'),
])
def test_bad_input_raises_clear_errors(f, args, msg):
    with pytest.raises(ValueError, match=msg): f(*args)

def test_classifier_bad_input(setup):
    c, sp, emb = setup
    X, y = emb.encode(c.G), c.y('population')[0]
    with pytest.raises(ValueError, match='unknown classifier'): fit_classifier('svm', X, y, X, y)
    with pytest.raises(ValueError, match='NaN'): fit_classifier('mlp', np.full_like(X, np.nan), y, X, y)
    with pytest.raises(ValueError, match='fraction'): stratified_fraction(sp['train'], y, 1.5)

def test_real_1kg_805_baselines():
    p = shared_or_skip('1kg_805', '805_SNP_1000G_real.hapt.zip')
    lab = shared_or_skip('1kg_labels', '1kg_2504_sample_population.tsv')
    c = load_cohort(str(p), labels=lab)
    sp = split_cohort(c, 'superpopulation', seed=0); emb = fit_embedding(c, sp['train'])
    y = c.y('superpopulation')[0]; tr = sp['train']
    G, ys = IndependentSNPs(c, emb, 'superpopulation').fit(tr).sample_genotypes(len(tr), y[tr])
    assert af_report(c.G[sp['test']], G)['af_r'] > 0.95
    p = privacy_report(c.G[tr], c.G[tr], c.G[sp['test']])
    assert p['identical_match_rate'] == 1 and p['mia_auc'] > 0.95
