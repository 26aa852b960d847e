#!/usr/bin/python3
"""Song, Miller & Abbott (2000) in Brian2, as Brian2's examples/synapses/STDP.py: the
reference for bench/stdp-song.ts (assets/examples/stdp-song-2000.json).

1000 Poisson inputs at 15 Hz, one conductance-based LIF neuron (taum 10 ms, El -74 mV,
vt -54 mV, vr -60 mV, Ee 0 mV, taue 5 ms), additive STDP (taupre = taupost = 20 ms,
dApre = 0.01 gmax, dApost = -1.05 dApre, w clipped to [0, gmax], gmax = 0.01), initial weights
uniform in [0, gmax]. Two differences from the Brian2 example, both to match Spikeflow's
example: v starts at El (the example starts it at 0 V, an immediate spike), and the seed is
set. Integration as in the example (method 'euler').

Usage: stdp_song.py SEED BUILD_DIR [--duration S] [--bins K] [--device cpp_standalone|runtime]
Prints one JSON line: {"seed", "duration_s", "rate_hz", "hist", "run_s", "device"} where hist
counts the final weights in K equal bins over [0, gmax] (gmax itself in the last bin).
"""
import argparse
import json
import os
import time


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('seed', type=int)
    ap.add_argument('build_dir')
    ap.add_argument('--duration', type=float, default=100.0, help='seconds')
    ap.add_argument('--bins', type=int, default=20)
    ap.add_argument('--device', default='cpp_standalone', choices=['cpp_standalone', 'runtime'])
    args = ap.parse_args()
    import brian2 as b2
    from brian2 import ms, mV, Hz, second, NeuronGroup, PoissonGroup, Synapses, SpikeMonitor, prefs
    if args.device == 'cpp_standalone':
        directory = os.path.abspath(os.path.join(args.build_dir, 'stdp_song'))
        b2.set_device('cpp_standalone', directory=directory, build_on_run=False)
        prefs.devices.cpp_standalone.openmp_threads = 0  # one thread, as Spikeflow's CPU engine
    else:
        prefs.codegen.target = 'numpy'
    b2.seed(args.seed)
    b2.defaultclock.dt = 0.1 * ms
    N = 1000
    taum = 10 * ms
    taupre = 20 * ms
    taupost = taupre
    Ee = 0 * mV
    vt = -54 * mV
    vr = -60 * mV
    El = -74 * mV
    taue = 5 * ms
    F = 15 * Hz
    gmax = .01
    dApre = .01
    dApost = -dApre * taupre / taupost * 1.05
    dApost *= gmax
    dApre *= gmax
    eqs_neurons = '''
    dv/dt = (ge * (Ee-v) + El - v) / taum : volt
    dge/dt = -ge / taue : 1
    '''
    inputs = PoissonGroup(N, rates=F)
    neurons = NeuronGroup(1, eqs_neurons, threshold='v>vt', reset='v = vr', method='euler')
    neurons.v = El
    S = Synapses(inputs, neurons,
                 '''w : 1
                    dApre/dt = -Apre / taupre : 1 (event-driven)
                    dApost/dt = -Apost / taupost : 1 (event-driven)''',
                 on_pre='''ge += w
                        Apre += dApre
                        w = clip(w + Apost, 0, gmax)''',
                 on_post='''Apost += dApost
                         w = clip(w + Apre, 0, gmax)''')
    S.connect()
    S.w = 'rand() * gmax'
    mon = SpikeMonitor(neurons)
    t0 = time.perf_counter()
    b2.run(args.duration * second)
    if args.device == 'cpp_standalone':
        b2.device.build(directory=directory, compile=True, run=True, with_output=False)
    wall = time.perf_counter() - t0
    run_s = getattr(b2.device, '_last_run_time', None) if args.device == 'cpp_standalone' else wall
    w = S.w[:]
    hist = [0] * args.bins
    for x in w:
        hist[min(args.bins - 1, int(x / gmax * args.bins))] += 1
    print(json.dumps({'seed': args.seed, 'duration_s': args.duration, 'rate_hz': mon.num_spikes / args.duration,
                      'hist': hist, 'run_s': run_s, 'device': args.device}))


if __name__ == '__main__':
    main()
