/**
 * The `spikeflow` command line. Every failure ends in one line on stderr naming what is
 * wrong (file, block, field) and a non-zero exit code — never a stack trace.
 */
import { Command, CommanderError, Option } from 'commander';
import { GPU_PROPAGATIONS, GPU_SCATTERS, GPU_SHAPES } from '../engines/webgpu/tuning.js';
import { checkModel } from '../compiler/compile.js';
import { formatWarning } from '../compiler/diagnostics.js';
import { describeEstimate, memoryProblem } from '../compiler/estimate.js';
import { cliMemoryLimit } from './memory-option.js';
import { inFile, loadProjectFile } from './load-project.js';
import { runCommand } from './run-command.js';
import { packageVersion } from './version.js';

const program = new Command();
program
  .name('spikeflow')
  .description('Spikeflow: build, run and record spiking neural networks')
  .version(packageVersion(), '-V, --version', 'print the version')
  .showHelpAfterError()
  .exitOverride();

program
  .command('run')
  .description('run a project and write one CSV per probe')
  .argument('<project.json>', 'project document')
  .option('--duration <time>', 'simulated time, e.g. "500 ms" (default: the project\'s)')
  .option('--dt <time>', 'time step, e.g. "0.1 ms" (default: the project\'s)')
  .option('--seed <n>', 'random seed (default: the project\'s)')
  .option('--engine <name>', 'cpu, webgpu or auto', 'auto')
  .option('--explain', 'print the compiled plan')
  .option('--out-dir <dir>', 'folder for the CSV files')
  .option('--db <file>', 'lab database to keep the project version and the run in')
  .option('--project <name>', 'project name in the lab database (default: the document\'s name)')
  .option('--sweep <block.param=v1,v2,…>', 'run one copy per value (WebGPU batch)')
  .option('--seeds <n>', 'run n copies with seeds seed, seed+1, … (WebGPU batch)')
  .option('--max-memory <size>', 'memory the run may use, e.g. "8 GB"; a larger model is refused before anything is allocated (default: 80% of the memory available)')
  .option('--threads <n>', 'CPU engine: worker threads (default: all cores but one, both of two, fewer for a small model)')
  .option('--verbose', 'print where the time went: start, compile, engine start, stepping, writing')
  .option('--continue-from <run>', 'start the plastic synapses from the final weights of this earlier run in the lab (--db or the default lab)')
  .addOption(new Option('--gpu-shape <shape>', 'WebGPU kernel shape: one dispatch per group and step, or one workgroup per copy for a whole chunk').choices(GPU_SHAPES).default('auto'))
  .addOption(new Option('--gpu-propagation <mode>', 'WebGPU spike propagation: fixed-point or f32 atomics (scatter), or gather by target').choices(GPU_PROPAGATIONS).default('auto'))
  .addOption(new Option('--gpu-scatter <mode>', 'how the WebGPU scatter finds spikes: a compacted list, or a scan of every flag').choices(GPU_SCATTERS).default('auto'))
  .action(runCommand);

program
  .command('validate')
  .description('check a project document without running it')
  .argument('<project.json>', 'project document')
  .option('--max-memory <size>', 'warn when a run would need more than this, e.g. "8 GB" (default: 80% of the memory available)')
  .action((file: string, opts: { maxMemory?: string }) => {
    // Checks and estimates without drawing or allocating anything per neuron or connection.
    const check = inFile(file, () => checkModel(loadProjectFile(file)));
    for (const w of check.warnings) console.error(formatWarning(w));
    const tooBig = memoryProblem(check.estimate, cliMemoryLimit(opts.maxMemory));
    if (tooBig) console.error(`warning: ${tooBig}`);
    const count = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;
    console.log(`${file}: valid — ${count(check.blocks, 'block')}, ${count(check.synapses, 'synapse block')}, ${count(check.probes, 'probe')}, ${count(check.steps, 'step')}; ${describeEstimate(check.estimate)}`);
  });

/** The commands registered above; the others are loaded only when the command line names none of these. */
const CORE_COMMANDS = new Set(['run', 'validate']);

/**
 * The lab-store commands (projects, runs, export, delete-run…) and export-model /
 * import-run, in their own modules: about a third of the command's code, which `run` and
 * `validate` never need, so they are not loaded for them (start-up time, issue #15). Any
 * other command line — one of these commands, help, a mistyped command — loads them all,
 * so that help lists them and commander can suggest them.
 */
async function registerOptional(): Promise<void> {
  if (CORE_COMMANDS.has(process.argv[2] ?? '')) return;
  const { registerExportCommand } = await import('../export/export-command.js');
  registerExportCommand(program);
  const specifier = './store-commands.js';
  const store = (await import(specifier).catch(() => undefined)) as { registerStoreCommands?: (p: Command) => void } | undefined;
  store?.registerStoreCommands?.(program);
}

// No top-level await: bin/spikeflow.js runs this file's bundle as a classic script (with
// V8's code cache, scripts/build-cli.ts), where only a function may await.
async function main(): Promise<void> {
  try {
    await registerOptional();
    await program.parseAsync(process.argv);
  } catch (e) {
    if (e instanceof CommanderError) {
      process.exitCode = e.exitCode;
    } else {
      console.error(`spikeflow: ${(e as Error).message}`);
      process.exitCode = 1;
    }
  }
}

void main();
