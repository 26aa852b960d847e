#!/usr/bin/python3
"""A small delta-synapse network in Brian2, written to follow Spikeflow's numerical contract
(assets/docs/models.md, "Voltage jumps"), for test/kernels/synapses/delta-brian2.test.ts.

Spikeflow: a jump arriving in step n is added to V at the start of step n (before its
integration) unless the neuron is refractory in step n (n - n_last <= r, r =
round(tau_ref/dt)); a feed-forward spike of step s arrives in step s + d, a recurrent one in
s + d + 1 (d = round(delay/dt)). Brian2: a pathway scheduled 'before_groups' runs at the
start of step m and takes the spikes of step m - 1 (their threshold ran last step), so an
event with Brian2 delay D is applied at the start of step s + 1 + D: D = d - 1 feed-forward,
D = d recurrent. The refractory test is written out in steps (`free`, and in on_pre).

Usage: delta_network.py NETWORK.json  (prints {"spikes": [[step, neuron], ...]} sorted)
NETWORK.json: {"dt_ms", "steps", "n_src", "n", "source": [[neuron, step], ...],
  "lif": {"V_rest", "V_reset", "V_th", "tau", "tau_ref"} (mV, ms),
  "ff": {"pre": [...], "post": [...], "w": [...], "d": steps},
  "rec": {"pre": [...], "post": [...], "w": [...], "d": steps}}
"""
import json
import sys

import brian2 as b2
from brian2 import ms, mV, NeuronGroup, SpikeGeneratorGroup, Synapses, SpikeMonitor, Network, defaultclock, prefs


def main(path):
    with open(path) as f:
        net_def = json.load(f)
    prefs.codegen.target = 'numpy'
    dt = net_def['dt_ms'] * ms
    defaultclock.dt = dt
    lif = net_def['lif']
    r = round(lif['tau_ref'] / net_def['dt_ms'])
    ns = {'V_rest': lif['V_rest'] * mV, 'V_reset': lif['V_reset'] * mV, 'V_th': lif['V_th'] * mV,
          'tau': lif['tau'] * ms, 'r_half': (r + 0.5) * dt}
    # Refractoriness written out in steps (Brian2's own refractory mechanism is not used):
    # `free` is 1 where the neuron integrates, set at the start of each step from the time of
    # its last spike `ls`, exactly as the contract counts steps.
    cells = NeuronGroup(net_def['n'], '''dv/dt = free * (V_rest - v) / tau : volt
                                         free : 1
                                         ls : second''',
                        threshold='v >= V_th', reset='v = V_reset; ls = t', method='exact', namespace=ns)
    cells.v = ns['V_rest']
    cells.ls = -1e4 * b2.second
    cells.run_regularly('free = int((t - ls) >= r_half)', when='before_groups', order=-10)
    src_idx = [s[0] for s in net_def['source']]
    src_t = [s[1] * net_def['dt_ms'] for s in net_def['source']] * ms
    source = SpikeGeneratorGroup(net_def['n_src'], src_idx, src_t)
    on_pre = 'v_post += w * int((t - ls_post) >= r_half)'
    objs = [cells, source]
    for name, pre_group, extra in (('ff', source, -1), ('rec', cells, 0)):
        c = net_def[name]
        syn = Synapses(pre_group, cells, 'w : volt', on_pre=on_pre, namespace=ns, name=f'syn_{name}')
        if len(c['pre']) == 0:
            continue
        syn.connect(i=[int(x) for x in c['pre']], j=[int(x) for x in c['post']])
        syn.w = c['w'] * mV
        syn.delay = (c['d'] + extra) * dt
        syn.pre.when = 'before_groups'
        objs.append(syn)
    mon = SpikeMonitor(cells)
    if 'trace' in net_def:
        from brian2 import StateMonitor
        objs.append(StateMonitor(cells, 'v', record=True, name='vmon'))
    net = Network(*objs, mon)
    net.run(net_def['steps'] * dt)
    spikes = sorted([int(round(t / dt)), int(i)] for i, t in zip(mon.i[:], mon.t[:]))
    out = {'spikes': spikes, 'brian2': b2.__version__}
    if 'trace' in net_def:
        out['v'] = [float(x) for x in net['vmon'].v[int(net_def['trace'])] / mV]
    print(json.dumps(out))


if __name__ == '__main__':
    main(sys.argv[1])
