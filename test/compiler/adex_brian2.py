"""AdEx of Brette & Gerstner (2005) in Brian2, the setting of Brian2's
examples/frompapers/Brette_Gerstner_2005.py with the protocol of assets/examples/adex.json:
forward Euler, dt = 0.1 ms, V0 = EL, 1 nA from 20 ms to 420 ms, 500 ms in all.
Prints the spike steps (t / dt) as JSON on one line."""
import json

from brian2 import (NeuronGroup, SpikeMonitor, defaultclock, mV, ms, nA, nS, pF, prefs, run)

prefs.codegen.target = 'numpy'
defaultclock.dt = 0.1 * ms

C = 281 * pF
gL = 30 * nS
EL = -70.6 * mV
VT = -50.4 * mV
DeltaT = 2 * mV
Vcut = VT + 5 * DeltaT
tauw, a, b, Vr = 144 * ms, 4 * nS, 0.0805 * nA, -70.6 * mV

eqs = """
dvm/dt = (gL*(EL - vm) + gL*DeltaT*exp((vm - VT)/DeltaT) + I - w)/C : volt
dw/dt = (a*(vm - EL) - w)/tauw : amp
I : amp
"""
neuron = NeuronGroup(1, model=eqs, threshold='vm > Vcut', reset='vm = Vr; w += b', method='euler')
neuron.vm = EL
spikes = SpikeMonitor(neuron)
run(20 * ms)
neuron.I = 1 * nA
run(400 * ms)
neuron.I = 0 * nA
run(80 * ms)
print(json.dumps([int(round(float(t / defaultclock.dt))) for t in spikes.t]))
