"""Times of the foundation steps through `import genediff_nb` (prints figures; not a test).

Simulates a fresh 1,000-person population cohort (stdpopsim/msprime, no cache), splits it, fits the per-gene PCA
embedding on the training split, encodes everyone and decodes back to 0/1/2 genotypes, and prints the seconds of
each step with the held-out round-trip figures.

    .venv/bin/python benchmarks/bench_foundation.py            # 1,000 people, 10 regions of 1 Mb
    .venv/bin/python benchmarks/bench_foundation.py --n 2000
"""
import argparse, json, time


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--n', type=int, default=1000, help='individuals (split evenly over the 4 populations)')
    p.add_argument('--seed', type=int, default=12345, help='simulation seed (a fresh one is not in the cache)')
    a = p.parse_args()
    t = {}
    t0 = time.perf_counter(); import genediff_nb.cohorts as co, genediff_nb.embedding as em; t['import_s'] = time.perf_counter() - t0
    t0 = time.perf_counter(); c = co.population_cohort(a.n // 4, seed=a.seed, cache=False); t['simulate_s'] = time.perf_counter() - t0
    t0 = time.perf_counter(); sp = co.split_cohort(c, seed=0); t['split_s'] = time.perf_counter() - t0
    t0 = time.perf_counter(); e = em.fit_embedding(c, sp['train']); t['fit_embedding_s'] = time.perf_counter() - t0
    t0 = time.perf_counter(); X = e.encode(c.G); t['encode_s'] = time.perf_counter() - t0
    t0 = time.perf_counter(); G = e.decode(X); t['decode_s'] = time.perf_counter() - t0
    t['total_s'] = sum(v for k, v in t.items() if k != 'import_s')
    r = em.roundtrip_report(e, c.G[sp['test']]); r.pop('explained_variance_per_gene')
    print(repr(c)); print(repr(e))
    print(json.dumps({k: round(v, 2) for k, v in t.items()}, indent=1))
    print(json.dumps({k: (round(v, 4) if isinstance(v, float) else v) for k, v in r.items()}, indent=1))


if __name__ == '__main__': main()
