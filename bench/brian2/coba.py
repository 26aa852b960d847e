#!/usr/bin/python3
"""COBA benchmark network in Brian2 cpp_standalone: the reference for `npm run bench`.

The network is Spikeflow's assets/examples/coba.json scaled to N neurons (bench/coba-document.ts):
0.8 N excitatory and 0.2 N inhibitory LIF neurons (tau 20 ms, C 200 pF = R 100 MOhm,
V_rest = V_reset = -60 mV, V_th = -50 mV, refractory 5 ms), exponential conductance synapses
(tau_e 5 ms, E_e 0 mV, w_e 6 nS; tau_i 10 ms, E_i -80 mV, w_i 67 nS), connection probability
p = 80/N, initial V ~ N(-65, 5) mV, g_e ~ N(40, 15) nS, g_i ~ N(200, 120) nS, dt 0.1 ms, 1 s.

Numerics (--method models, the default) follow MODELS.md's LIF: the synaptic current is
evaluated once per step from the start-of-step V and held fixed (Brian2's "constant over dt"),
so V relaxes exactly (method 'exact') towards V_rest + R*I with tau; conductances decay
exactly and jump by w on a spike (Brian2 jumps before the decay of the next step, Spikeflow
after it). --method euler integrates the classic coupled form with forward Euler instead.

Usage: coba.py N SEED BUILD_DIR [--duration MS] [--method models|euler] [--threads T] [--rebuild]

--threads T > 0 builds with OpenMP on T threads (Brian2's openmp_threads); 0, the default,
one thread without OpenMP.

The generated C++ project is cached in BUILD_DIR/coba_n<N>_<method>_<duration>ms: the seed is
read by the binary at run time (environment variable SPIKEFLOW_BENCH_SEED, patched into
main.cpp), so only the first run for an N compiles. Prints one JSON line:
  {"n", "seed", "synapses", "run_s", "loop_cpu_s", "binary_s", "rate_hz", "rate_e_hz",
   "rate_i_hz", "built", "build_s", "method", "threads", "peak_rss_kb"}
peak_rss_kb is the binary's peak resident memory (the kernel's ru_maxrss of that process).
run_s is the wall time of the simulation run alone (Network::run, timed with CLOCK_MONOTONIC
inside the binary); binary_s the whole binary (connectivity generation, initialisation and
writing of results included); loop_cpu_s Brian2's own last_run_time (process CPU time of the
main loop, as Brian2 measures it without OpenMP). Build time is never included.
"""
import argparse
import hashlib
import json
import os
import subprocess
import sys
import time

SCRIPT_VERSION = '1'
SEED_ENV = 'SPIKEFLOW_BENCH_SEED'
PLACEHOLDER_SEED = 987654321


def script_hash():
    with open(os.path.abspath(__file__), 'rb') as f:
        return hashlib.sha256(f.read()).hexdigest()[:16]


def build(n, duration_ms, method, project_dir, threads=0):
    """Generates, patches and compiles the standalone project; returns metadata."""
    import brian2 as b2
    from brian2 import ms, mV, nS, pF, NeuronGroup, Synapses, SpikeMonitor, device, prefs

    t0 = time.perf_counter()
    b2.set_device('cpp_standalone', build_on_run=False, directory=project_dir)
    prefs.devices.cpp_standalone.openmp_threads = threads  # 0: one thread without OpenMP
    b2.defaultclock.dt = 0.1 * ms
    b2.seed(PLACEHOLDER_SEED)

    n_e = n * 4 // 5
    p = 80.0 / n
    ns = {
        'tau': 20 * ms, 'C': 200 * pF, 'g_L': 10 * nS,
        'V_rest': -60 * mV, 'V_reset': -60 * mV, 'V_th': -50 * mV,
        'tau_e': 5 * ms, 'tau_i': 10 * ms, 'E_e': 0 * mV, 'E_i': -80 * mV,
        'w_e': 6 * nS, 'w_i': 67 * nS,
    }
    if method == 'models':
        eqs = '''
        dv/dt = (V_rest - v + I_syn / g_L) / tau : volt (unless refractory)
        I_syn = g_e * (E_e - v) + g_i * (E_i - v) : amp (constant over dt)
        dg_e/dt = -g_e / tau_e : siemens
        dg_i/dt = -g_i / tau_i : siemens
        '''
        integrator = 'exact'
    else:
        eqs = '''
        dv/dt = (g_L * (V_rest - v) + g_e * (E_e - v) + g_i * (E_i - v)) / C : volt (unless refractory)
        dg_e/dt = -g_e / tau_e : siemens
        dg_i/dt = -g_i / tau_i : siemens
        '''
        integrator = 'euler'
    P = NeuronGroup(n, eqs, threshold='v >= V_th', reset='v = V_reset', refractory=5 * ms,
                    method=integrator, namespace=ns, name='P')
    P.v = '-65*mV + 5*mV*randn()'
    P.g_e = '40*nS + 15*nS*randn()'
    P.g_i = '200*nS + 120*nS*randn()'
    Pe = P[:n_e]
    Pi = P[n_e:]
    Ce = Synapses(Pe, P, on_pre='g_e += w_e', namespace=ns, name='Ce')
    Ci = Synapses(Pi, P, on_pre='g_i += w_i', namespace=ns, name='Ci')
    Ce.connect(p=p)
    Ci.connect(p=p)
    mon = SpikeMonitor(P, record=False, name='spikes')

    device.insert_code('main', 'struct timespec _bench_t0, _bench_t1; clock_gettime(CLOCK_MONOTONIC, &_bench_t0);')
    b2.run(duration_ms * ms)
    device.insert_code('main', '\n'.join([
        'clock_gettime(CLOCK_MONOTONIC, &_bench_t1);',
        '{ std::ofstream _bench_out("results/bench_run_wall.txt");',
        '  _bench_out.precision(9);',
        '  _bench_out << ((_bench_t1.tv_sec - _bench_t0.tv_sec) + 1e-9 * (_bench_t1.tv_nsec - _bench_t0.tv_nsec)) << std::endl; }',
    ]))
    device.build(directory=project_dir, compile=False, run=False, with_output=False)

    # The seed becomes a run-time argument, so one compiled binary serves every seed.
    main_cpp = os.path.join(project_dir, 'main.cpp')
    with open(main_cpp) as f:
        src = f.read()
    literal = f'rk_seed({PLACEHOLDER_SEED}L + _i'
    if literal not in src:
        raise RuntimeError('could not find the seed call in the generated main.cpp')
    src = src.replace(literal, f'rk_seed((getenv("{SEED_ENV}") ? atol(getenv("{SEED_ENV}")) : {PLACEHOLDER_SEED}L) + _i')
    with open(main_cpp, 'w') as f:
        f.write(src)
    jobs = str(max(1, os.cpu_count() or 1))
    proc = subprocess.run(['make', '-j', jobs], cwd=project_dir, capture_output=True, text=True)
    if proc.returncode != 0:
        sys.stderr.write(proc.stdout[-4000:] + proc.stderr[-4000:])
        raise RuntimeError(f'compilation of the Brian2 project failed in {project_dir}')

    meta = {
        'key': cache_key(n, duration_ms, method, threads),
        'n': n, 'n_e': n_e, 'duration_ms': duration_ms, 'method': method,
        'count_file': device.get_array_filename(mon.variables['count']),
        'synapse_files': [device.get_array_filename(S.variables['_synaptic_pre']) for S in (Ce, Ci)],
        'build_s': time.perf_counter() - t0,
    }
    with open(os.path.join(project_dir, 'bench_meta.json'), 'w') as f:
        json.dump(meta, f)
    return meta


def cache_key(n, duration_ms, method, threads=0):
    import brian2
    return f'{SCRIPT_VERSION}:{script_hash()}:{brian2.__version__}:{n}:{duration_ms}:{method}:{threads}'


def load_meta(project_dir, n, duration_ms, method, threads=0):
    try:
        with open(os.path.join(project_dir, 'bench_meta.json')) as f:
            meta = json.load(f)
    except (OSError, ValueError):
        return None
    if meta.get('key') != cache_key(n, duration_ms, method, threads):
        return None
    if not os.path.isfile(os.path.join(project_dir, 'main')):
        return None
    return meta


def run_binary(project_dir, meta, seed):
    import numpy as np
    env = dict(os.environ, **{SEED_ENV: str(seed)})
    os.makedirs(os.path.join(project_dir, 'results'), exist_ok=True)
    log_path = os.path.join(project_dir, 'results', 'bench_output.txt')
    with open(log_path, 'w') as log:
        t0 = time.perf_counter()
        proc = subprocess.Popen(['./main'], cwd=project_dir, env=env, stdout=log, stderr=subprocess.STDOUT)
        # wait4 gives this process's own resource use: its peak memory, not make's or g++'s.
        _, status, usage = os.wait4(proc.pid, 0)
        binary_s = time.perf_counter() - t0
    if os.waitstatus_to_exitcode(status) != 0:
        with open(log_path) as f:
            sys.stderr.write(f.read()[-8000:])
        raise RuntimeError(f'the Brian2 binary failed in {project_dir}')

    def read_text(name):
        with open(os.path.join(project_dir, 'results', name)) as f:
            return f.read().split()

    run_s = float(read_text('bench_run_wall.txt')[0])
    loop_cpu_s = float(read_text('last_run_info.txt')[0])
    counts = np.fromfile(os.path.join(project_dir, meta['count_file']), dtype=np.int32)
    synapses = sum(os.path.getsize(os.path.join(project_dir, f)) // 4 for f in meta['synapse_files'])
    n, n_e = meta['n'], meta['n_e']
    seconds = meta['duration_ms'] / 1000.0
    return {
        'n': n, 'seed': seed, 'synapses': int(synapses),
        'run_s': run_s, 'loop_cpu_s': loop_cpu_s, 'binary_s': binary_s,
        'rate_hz': float(counts.sum()) / n / seconds,
        'rate_e_hz': float(counts[:n_e].sum()) / n_e / seconds,
        'rate_i_hz': float(counts[n_e:].sum()) / (n - n_e) / seconds,
        'peak_rss_kb': usage.ru_maxrss,
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('n', type=int)
    ap.add_argument('seed', type=int)
    ap.add_argument('build_dir')
    ap.add_argument('--duration', type=float, default=1000.0, help='biological time, ms')
    ap.add_argument('--method', choices=['models', 'euler'], default='models')
    ap.add_argument('--threads', type=int, default=0, help='OpenMP threads (0: none)')
    ap.add_argument('--rebuild', action='store_true', help='ignore a cached build')
    args = ap.parse_args()
    if args.n < 80 or args.n % 5:
        ap.error('N must be a multiple of 5 and at least 80')

    duration = int(args.duration) if args.duration == int(args.duration) else args.duration
    omp = f'_omp{args.threads}' if args.threads > 0 else ''
    project_dir = os.path.abspath(os.path.join(args.build_dir, f'coba_n{args.n}_{args.method}_{duration}ms{omp}'))
    os.makedirs(project_dir, exist_ok=True)
    meta = None if args.rebuild else load_meta(project_dir, args.n, duration, args.method, args.threads)
    built = meta is None
    if built:
        meta = build(args.n, duration, args.method, project_dir, args.threads)
    result = run_binary(project_dir, meta, args.seed)
    result.update({'built': built, 'build_s': meta['build_s'] if built else 0.0, 'method': args.method, 'threads': args.threads})
    print(json.dumps(result), flush=True)


if __name__ == '__main__':
    main()
