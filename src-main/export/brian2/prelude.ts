/**
 * The fixed part of an exported Brian2 script: imports, command-line options, the built-in
 * functions of Spikeflow's update language as Brian2 functions (numpy and C++, so the same
 * script runs in runtime mode and as cpp_standalone), and the CSV writers that reproduce
 * `spikeflow run --out-dir` (src-main/recordings/csv-format.ts): same file names, headers,
 * time stamps (step·dt to 12 significant digits) and f32 values in their shortest text.
 */

/** Python text of a Spikeflow unit string (internal units, assets/docs/models.md). */
export function brian2Unit(unit: string): string {
  const names = unit.replace(/µS/g, 'uS').replace(/MΩ/g, 'Mohm').replace(/·/g, ' * ').replace(/\^/g, ' ** ')
    // Units the script does not import by name (a project type's pF, nS…) come from brian2.units.
    .replace(/[A-Za-zµ]+/g, (u) => (IMPORTED_UNITS.has(u) ? u : `b2.units.${u.replace('µ', 'u')}`));
  if (names === '') return '1';
  const [num, ...den] = names.split('/');
  return [num === '' ? '1' : num, ...den].join(' / ');
}

/** The units the script imports by name (PRELUDE_IMPORTS). */
const IMPORTED_UNITS = new Set(['Hz', 'mM', 'ms', 'mV', 'nA', 'nF', 'Mohm', 'uS', 'second']);

export const PRELUDE_IMPORTS = `import argparse
import base64
import os
import re
import sys
import zlib

import numpy as np
import brian2 as b2
from brian2 import (Function, NeuronGroup, PoissonGroup, PoissonInput, SpikeGeneratorGroup, SpikeMonitor,
                    StateMonitor, Synapses, TimedArray, check_units, implementation, linked_var)
from brian2 import Hz, mM, ms, mV, nA, nF, Mohm, uS, second`;

export const PRELUDE_FUNCTIONS = `# ---------------------------------------------------------------------------------------
# Built-ins of Spikeflow's update language (assets/docs/models.md) as Brian2 functions,
# in numpy (runtime mode) and C++ (cpp_standalone), with Spikeflow's exact meaning.

@implementation('cpp', 'double ifelse(int c, double a, double b) { return c ? a : b; }')
@check_units(c=1, a=1, b=1, result=1)
def ifelse(c, a, b):
    """c ? a : b"""
    return np.where(c, a, b)


@implementation('cpp', 'double round_away(double x) { return x < 0 ? -floor(-x + 0.5) : floor(x + 0.5); }')
@check_units(x=1, result=1)
def round_away(x):
    """Nearest integer, halves away from zero (Spikeflow's round; numpy's rounds halves to even)."""
    return np.where(x < 0, -np.floor(-x + 0.5), np.floor(x + 0.5))


@implementation('cpp', 'double min2(double a, double b) { return a < b ? a : b; }')
@check_units(a=1, b=1, result=1)
def min2(a, b):
    return np.minimum(a, b)


@implementation('cpp', 'double max2(double a, double b) { return a > b ? a : b; }')
@check_units(a=1, b=1, result=1)
def max2(a, b):
    return np.maximum(a, b)


@implementation('cpp', '''
double vtrap(double x, double y) {
    const double r = x / y;
    return fabs(r) < 1e-6 ? y * (1 - r / 2) : x / (exp(r) - 1);
}''')
@check_units(x=1, y=1, result=1)
def vtrap(x, y):
    """x/(exp(x/y) - 1), continued by its limit at x = 0 (the HH rates)."""
    r = x / y
    with np.errstate(divide='ignore', invalid='ignore'):
        return np.where(np.abs(r) < 1e-6, y * (1 - r / 2), x / (np.exp(r) - 1))


@implementation('cpp', '''
double exp_euler(double x, double x_inf, double tau, double dt) {
    const double f = (tau == 0 || !isfinite(tau)) ? 0.0 : exp(-dt / tau);
    return x_inf + (x - x_inf) * f;
}''')
@check_units(x=1, x_inf=1, tau=1, dt=1, result=1)
def exp_euler(x, x_inf, tau, dt):
    """One exponential-Euler step of dx/dt = (x_inf - x)/tau over dt, inputs held (exact for
    a linear equation); x_inf at once when tau is 0 or not finite."""
    with np.errstate(divide='ignore', invalid='ignore', over='ignore'):
        f = np.where((tau == 0) | ~np.isfinite(tau), 0.0, np.exp(-dt / tau))
    return x_inf + (x - x_inf) * f


def value(quantity, unit):
    """A parameter as the number the update code reads: the quantity in Spikeflow's internal
    unit (ms, mV, nA, uS, nF, Mohm, mM, Hz). Refuses a quantity of another dimension."""
    return float(quantity / unit)


def unpack(dtype, text):
    """A long array stored in this script: base64 of its zlib-compressed little-endian bytes."""
    return np.frombuffer(zlib.decompress(base64.b64decode(text)), dtype=dtype).copy()`;

export const PRELUDE_CSV = `# ---------------------------------------------------------------------------------------
# Recordings as CSV files in Spikeflow's layout (the files \`spikeflow run --out-dir\` writes).

def js_number(x):
    """A number as JavaScript's String(x) prints it."""
    x = float(x)
    if x != x:
        return 'NaN'
    if x in (float('inf'), float('-inf')):
        return 'Infinity' if x > 0 else '-Infinity'
    if x == 0:
        return '0'
    if x == int(x) and abs(x) < 1e21:
        return str(int(x))
    if 1e-6 <= abs(x) < 1e21:
        return np.format_float_positional(x, trim='-')
    mantissa, exponent = repr(x).split('e')
    return f"{mantissa.rstrip('0').rstrip('.') if '.' in mantissa else mantissa}e{int(exponent):+d}"


def fmt_time(step):
    """step·dt, printed to 12 significant digits, as Spikeflow's formatTime."""
    return js_number(float('%.12g' % (step * DT_MS)))


def fmt_value(v):
    """A recorded value rounded to f32, in the shortest text that reads back to that f32."""
    v = np.float32(v)
    if not np.isfinite(v):
        return js_number(v)
    for digits in range(6, 9):
        s = '%.*g' % (digits, v)
        if np.float32(float(s)) == v:
            return js_number(float(s))
    return js_number(float('%.9g' % v))


def write_csv(name, header, rows):
    path = os.path.join(args.out_dir, name + '.csv')
    with open(path, 'w') as f:
        f.write(','.join(header) + '\\n')
        for row in rows:
            f.write(','.join(row) + '\\n')
    written.append(path)


def spike_steps(monitor):
    """(step, neuron) of every recorded spike, by step then neuron, as Spikeflow lists them."""
    steps = np.round(np.asarray(monitor.t / second) * 1000.0 / DT_MS).astype(np.int64)
    neurons = np.asarray(monitor.i[:], dtype=np.int64)
    order = np.lexsort((neurons, steps))
    return steps[order], neurons[order]


def write_state_probe(name, block, state, unit, neurons, every, monitor, group):
    # Sample k is the state after k·every steps; sample 0 the initial state. The monitor
    # records at the start of steps 0, every, 2·every, …; the state after the last step is
    # read from the group when the run ends on a sample.
    values = np.asarray(getattr(monitor, state)[:]).reshape(len(neurons), -1)
    if steps % every == 0:
        final = np.asarray(getattr(group, state)[:])[neurons]
        values = np.concatenate([values, final[:, None]], axis=1)
    suffix = f' ({unit})' if unit else ''
    header = ['t (ms)'] + [f'{block}.{state}[{n}]{suffix}' for n in neurons]
    rows = ([fmt_time(k * every)] + [fmt_value(v) for v in values[:, k]] for k in range(values.shape[1]))
    write_csv(name, header, rows)


def write_spike_probe(name, block, neurons, monitor):
    s, n = spike_steps(monitor)
    if neurons is not None:
        keep = np.isin(n, neurons)
        s, n = s[keep], n[keep]
    write_csv(name, ['t (ms)', f'{block}.neuron'], ([fmt_time(a), str(b)] for a, b in zip(s, n)))


def write_rate_probe(name, block, size, bin_steps, monitor):
    # Mean rate per neuron of each bin of bin_steps steps (the last bin may be shorter).
    s, _ = spike_steps(monitor)
    bins = -(-steps // bin_steps)
    counts = np.bincount(s // bin_steps, minlength=bins)[:bins]
    rows = []
    for b in range(bins):
        length = min(bin_steps, steps - b * bin_steps)
        rows.append([fmt_time(b * bin_steps), fmt_value((counts[b] / size) / (length * DT_MS / 1000))])
    write_csv(name, ['t (ms)', f'{block}.rate (Hz)'], rows)`;
