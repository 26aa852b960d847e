/**
 * A readable account of a plan (`spikeflow run --explain`): populations, connectivity,
 * the order inside a step with the delay of each spike edge, and the probes.
 */
import { formatExpr } from '../../src-shared/expr/dimensions.js';
import type { Plan } from './plan.js';

export function explainPlan(plan: Plan): string {
  const out: string[] = [];
  out.push(`plan "${plan.name}": dt ${plan.dt} ms, ${plan.steps} steps (${plan.duration} ms), seed ${plan.seed}`);
  out.push('', 'blocks:');
  for (const b of plan.blocks) {
    const range = (v: Float64Array) => { let lo = Infinity, hi = -Infinity; for (const x of v) { if (x < lo) lo = x; if (x > hi) hi = x; } return `${lo}…${hi}`; };
    // Varying parameters (per neuron) as their range.
    const params = [...Object.entries(b.params).map(([k, v]) => `${k}=${v}`), ...Object.entries(b.varying ?? {}).map(([k, v]) => `${k}=[${range(v)}] per neuron`)].join(' ');
    out.push(`  ${b.id} (${b.type}${b.variant ? `, ${b.variant}` : ''}): ${b.size} element(s); states ${b.states.map((s) => s.name).join(', ') || '—'}${params ? `; ${params}` : ''}${b.integration ? `; integrated by ${b.integration}` : ''}`);
    // A block compiled from equations: what its equations became, one statement a line.
    if (b.integration) for (const s of b.code) out.push(`      ${s.target} = ${formatExpr(s.expr)}`);
  }
  if (plan.projections.length > 0) {
    out.push('', 'connections:');
    for (const p of plan.projections) {
      const n = p.byPre.idx.length;
      out.push(`  ${p.pre} → ${p.synapse} → ${p.post}: ${n} synapses (${(n / Math.max(1, p.nPost)).toFixed(1)} per target), ` +
        `state per ${p.stateOn}synaptic neuron, ` +
        (p.maxLag === undefined ? `delay ${p.delay} ms, reads spikes ${p.lag} step(s) late` : `delays per connection, reads spikes ${p.lag}…${p.maxLag} steps late`));
      // Plastic synapses: what each connection keeps and when its event code runs (models.md, "Plasticity").
      const pl = p.plasticity;
      if (pl) {
        const states = ['w', ...pl.states.map((s) => (s.decay ? `${s.name} (τ ${s.decay.tau} ms${s.decay.rest !== 0 ? ` → ${s.decay.rest}` : ''})` : s.name))];
        out.push(`      plastic: per connection ${states.join(', ')}; on_pre at each arrival (in the propagation)` +
          (pl.onPost.length > 0 ? `, then on_post after ${p.post}'s update` : ''));
        if (!pl.delivers) out.push(`      on_pre: ${p.jump} += w (w as it was before on_pre)`);
        for (const [name, code] of [['on_pre', pl.onPre], ['on_post', pl.onPost]] as const) {
          for (const s of code) out.push(`      ${name}: ${s.target} = ${formatExpr(s.expr)}`);
        }
      }
    }
  }
  out.push('', 'order inside a step (strongly connected components):');
  plan.order.forEach((c, k) => out.push(`  ${k + 1}. ${c.join(', ')}${c.length > 1 ? '  (cycle: synapses first, recurrent edges one step late)' : ''}`));
  out.push('', 'passes:');
  plan.passes.forEach((p, k) => {
    const what = p.kind === 'update' ? `update ${p.block}` : p.kind === 'propagate' ? `propagate spikes into ${p.synapse}` :
      p.kind === 'synapse-current'
        ? `${plan.projections.find((x) => x.synapse === p.synapse)?.into === 'J' ? 'voltage jumps' : 'current'} of ${p.synapse}`
        : `inject ${p.source} → ${p.target}${p.into === 'J' ? ' (voltage jumps)' : ''}`;
    out.push(`  ${k + 1}. ${what}`);
    if (p.kind === 'update') {
      for (const x of plan.projections) if (x.post === p.block && x.plasticity && x.plasticity.onPost.length > 0) out.push(`     then on_post of ${x.synapse} (the spikes of ${p.block})`);
    }
  });
  if (plan.probes.length > 0) {
    out.push('', 'probes:');
    for (const p of plan.probes) {
      const what = p.kind === 'state' ? `${p.block}.${p.state} of ${p.neurons.length} ${p.connections ? 'connection' : 'neuron'}(s) every ${p.every} step(s)` :
        p.kind === 'spikes' ? `spikes of ${p.block}` : `rate of ${p.block} in bins of ${p.binSteps} step(s)`;
      out.push(`  ${p.id}: ${what}`);
    }
  }
  return out.join('\n');
}
