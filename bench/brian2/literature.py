#!/usr/bin/python3
"""The literature examples in Brian2 (runtime device, Cython), for bench/literature.ts.

Each network is written from its paper as Spikeflow's example is (assets/examples/):
  brunel   Brunel (2000) model A: NE = 10000, NI = 2500, C_E = 1000, C_I = 250 (fixed
           in-degree, no self-connections within E and within I), J = 0.1 mV, g = 5,
           D = 1.5 ms, tau 20 ms, theta 20 mV, V_r 10 mV, tau_rp 2 ms, PoissonInput of
           C_E inputs at 2 nu_thr = 20 Hz; a jump (recurrent or external) is dropped while
           the target is refractory, as Spikeflow's contract says (models.md, "Voltage jumps").
  izhikevich  Izhikevich (2003): 800 + 200 neurons, the listing's parameters and weights;
           updated per step as Spikeflow's Izhikevich block (u by exponential Euler, then v by
           one Euler step), dt 0.5 ms, thalamic input sigma*N(0,1)/sqrt(dt) per step; the
           jumps of step m - 1's spikes land at the start of step m, as in Spikeflow.
  cuba     Brian2's examples/CUBA.py (Brette et al. 2007, benchmark 2).
--scale K divides sizes and in-degrees by K and multiplies Brunel's J by K.

Usage: literature.py NETWORK SEED [--duration MS] [--scale K]
Prints one JSON line: {"network", "seed", "brian2", "run_s", "setup_s", "dt_ms", "steps",
"pops": {"E": {"n", "steps": [...], "neurons": [...]}, "I": {...}}}; run_s is the wall time
of Network.run alone (after a one-step run that generates and compiles the code).
"""
import argparse
import json
import time

import numpy as np


def fixed_indegree(rng, n_pre, n_post, k, same):
    """Presynaptic partners drawn without replacement for each postsynaptic neuron."""
    pre = np.empty(n_post * k, dtype=np.int32)
    for j in range(n_post):
        if same:
            c = rng.choice(n_pre - 1, size=k, replace=False)
            c[c >= j] += 1  # skip j itself
        else:
            c = rng.choice(n_pre, size=k, replace=False)
        pre[j * k:(j + 1) * k] = c
    return pre, np.repeat(np.arange(n_post, dtype=np.int32), k)


def brunel(b2, seed, scale):
    from brian2 import ms, mV, Hz, NeuronGroup, Synapses, PoissonInput
    rng = np.random.default_rng(seed)
    ne, ni = 10000 // scale, 2500 // scale
    ce, ci = 1000 // scale, 250 // scale
    J = 0.1 * scale * mV
    ns = {'tau': 20 * ms, 'theta': 20 * mV, 'Vr': 10 * mV}
    G = NeuronGroup(ne + ni, 'dv/dt = -v / tau : volt (unless refractory)', threshold='v >= theta',
                    reset='v = Vr', refractory=2 * ms, method='exact', namespace=ns)
    G.v = rng.uniform(0, 20, ne + ni) * mV
    E, I = G[:ne], G[ne:]
    objs = [G]
    for name, src, tgt, k, w, same in (('EE', E, E, ce, J, True), ('EI', E, I, ce, J, False),
                                       ('IE', I, E, ci, -5 * J, False), ('II', I, I, ci, -5 * J, True)):
        S = Synapses(src, tgt, on_pre='v_post += w_syn * int(not_refractory_post)', namespace={'w_syn': w}, name=name)
        pre, post = fixed_indegree(rng, len(src), len(tgt), k, same)
        S.connect(i=pre, j=post)
        S.delay = 1.5 * ms
        objs.append(S)
    # The external drive: 1000 inputs at 20 Hz whatever the scale (the full model's mean and variance).
    objs.append(PoissonInput(G, 'v', 1000, 20 * Hz, weight='0.1 * mV * int(not_refractory)'))
    return objs, E, I, 0.1


def izhikevich(b2, seed, scale):
    from brian2 import ms, NeuronGroup, Synapses
    rng = np.random.default_rng(seed)
    ne, ni = 800 // scale, 200 // scale
    dt = 0.5
    G = NeuronGroup(ne + ni, '''v : 1
                                u : 1
                                a : 1
                                b : 1
                                c : 1
                                d : 1
                                sigma : 1''', threshold='v >= 30', reset='v = c; u += d', namespace={})
    re, ri = rng.uniform(size=ne), rng.uniform(size=ni)
    G.a = np.concatenate([0.02 * np.ones(ne), 0.02 + 0.08 * ri])
    G.b = np.concatenate([0.2 * np.ones(ne), 0.25 - 0.05 * ri])
    G.c = np.concatenate([-65 + 15 * re ** 2, -65 * np.ones(ni)])
    G.d = np.concatenate([8 - 6 * re ** 2, 2 * np.ones(ni)])
    G.sigma = np.concatenate([5 * np.ones(ne), 2 * np.ones(ni)])
    G.v = -65
    G.u = G.b * G.v
    # Spikeflow's Izhikevich step: u relaxes towards b v (exponential Euler), then v takes one Euler step.
    G.run_regularly(f'''u = b * v + (u - b * v) * exp(-a * {dt})
                        v = v + {dt} * (0.04 * v * v + 5 * v + 140 - u + sigma * randn() / sqrt({dt}))''', when='groups')
    E, I = G[:ne], G[ne:]
    objs = [G]
    for name, src, w in (('from_E', E, '0.5 * rand()'), ('from_I', I, '-rand()')):
        S = Synapses(src, G, 'w : 1', on_pre='v_post += w', name=name)
        S.connect()
        S.w = w
        # As Spikeflow's recurrent jumps: the spikes of step m - 1 land at the start of step m
        # (before the update), so a neuron reset in step m - 1 receives them too, as in the listing.
        S.pre.when = 'before_groups'
        objs.append(S)
    return objs, E, I, dt


def cuba(b2, seed, scale):
    from brian2 import ms, mV, NeuronGroup, Synapses
    n = 4000 // scale
    ns = {'taum': 20 * ms, 'taue': 5 * ms, 'taui': 10 * ms, 'Vt': -50 * mV, 'Vr': -60 * mV, 'El': -49 * mV}
    eqs = '''dv/dt  = (ge + gi - (v - El)) / taum : volt (unless refractory)
             dge/dt = -ge / taue : volt
             dgi/dt = -gi / taui : volt'''
    P = NeuronGroup(n, eqs, threshold='v > Vt', reset='v = Vr', refractory=5 * ms, method='exact', namespace=ns)
    P.v = 'Vr + rand() * (Vt - Vr)'
    P.ge = 0 * mV
    P.gi = 0 * mV
    we, wi = (60 * 0.27 / 10) * mV, (-20 * 4.5 / 10) * mV
    Ce = Synapses(P, P, on_pre='ge += we', namespace={'we': we})
    Ci = Synapses(P, P, on_pre='gi += wi', namespace={'wi': wi})
    ne = n * 4 // 5
    Ce.connect(f'i < {ne}', p=0.02)
    Ci.connect(f'i >= {ne}', p=0.02)
    return [P, Ce, Ci], P[:ne], P[ne:], 0.1


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('network', choices=['brunel', 'izhikevich', 'cuba'])
    ap.add_argument('seed', type=int)
    ap.add_argument('--duration', type=float, default=1000.0)
    ap.add_argument('--scale', type=int, default=1)
    args = ap.parse_args()

    import brian2 as b2
    from brian2 import ms, SpikeMonitor, Network, defaultclock, prefs
    prefs.codegen.target = 'cython'
    prefs.logging.console_log_level = 'ERROR'
    b2.seed(args.seed)
    t0 = time.perf_counter()
    objs, E, I, dt = {'brunel': brunel, 'izhikevich': izhikevich, 'cuba': cuba}[args.network](b2, args.seed, args.scale)
    defaultclock.dt = dt * ms
    mE, mI = SpikeMonitor(E), SpikeMonitor(I)
    net = Network(*objs, mE, mI)
    net.run(dt * ms)  # generates and compiles the code: not timed below
    setup_s = time.perf_counter() - t0
    steps = int(round(args.duration / dt))
    t1 = time.perf_counter()
    net.run((steps - 1) * dt * ms)
    run_s = time.perf_counter() - t1
    pops = {}
    for name, mon, grp in (('E', mE, E), ('I', mI, I)):
        pops[name] = {'n': len(grp), 'steps': [int(round(t / (dt * ms))) for t in mon.t[:]], 'neurons': [int(i) for i in mon.i[:]]}
    print(json.dumps({'network': args.network, 'seed': args.seed, 'brian2': b2.__version__, 'run_s': run_s,
                      'setup_s': setup_s, 'dt_ms': dt, 'steps': steps, 'pops': pops}))


if __name__ == '__main__':
    main()
