/** The `export-model` and `import-run` commands of the CLI (registered by src-main/cli/main.ts). */
import { Option, type Command } from 'commander';
import { inFile, loadProjectFile } from '../cli/load-project.js';
import { resolveLabFile } from '../cli/store-commands.js';
import { openLab } from '../store/lab.js';
import { EXPORT_TARGETS, exportModel, type ExportTarget } from './export-model.js';
import { importRun } from './import-run.js';

interface Flags {
  to: ExportTarget;
  out: string;
  regenerate?: boolean;
  device?: 'runtime' | 'cpp_standalone';
  threads?: string;
  seed?: string;
  duration?: string;
  dt?: string;
}

function integer(text: string, what: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${what} must be a whole number ≥ 0, not "${text}"`);
  return n;
}

export function registerExportCommand(program: Command): void {
  program
    .command('export-model')
    .description('write the model as a script for another simulator (Brian2, PyNN)')
    .argument('<project.json>', 'project document')
    .addOption(new Option('--to <simulator>', 'brian2 or pynn').choices(EXPORT_TARGETS).makeOptionMandatory())
    .requiredOption('--out <file.py>', 'the script to write')
    .option('--regenerate', 'draw connectivity, weights and initial values with the simulator\'s rules instead of exporting Spikeflow\'s arrays')
    .addOption(new Option('--device <device>', 'Brian2 device the script uses by default').choices(['runtime', 'cpp_standalone']))
    .option('--threads <n>', 'OpenMP threads for cpp_standalone (default 0: none)')
    .option('--seed <n>', 'seed for the arrays drawn at export (default: the project\'s)')
    .option('--duration <time>', 'default duration of the script (default: the project\'s)')
    .option('--dt <time>', 'time step (default: the project\'s)')
    .action((file: string, f: Flags) => {
      if (f.to !== 'brian2' && (f.device || f.threads)) throw new Error('--device and --threads are options of --to brian2');
      const notes: string[] = [];
      const out = exportModel(file, f.out, {
        to: f.to,
        ...(f.regenerate ? { regenerate: true } : {}),
        ...(f.device ? { device: f.device } : {}),
        ...(f.threads !== undefined ? { threads: integer(f.threads, '--threads') } : {}),
        ...(f.seed !== undefined ? { seed: integer(f.seed, '--seed') } : {}),
        ...(f.duration !== undefined ? { duration: f.duration } : {}),
        ...(f.dt !== undefined ? { dt: f.dt } : {}),
      }, notes);
      for (const n of notes) console.error(`warning: ${n}`);
      console.log(`wrote ${out} (run it with: python3 ${out} --out-dir <dir>)`);
    });

  program
    .command('import-run')
    .description('keep the CSV files an exported script wrote as a run of the project in the lab')
    .argument('<dir>', 'folder with one CSV per probe (as written by the exported script)')
    .requiredOption('--project <project.json>', 'the project the script was exported from')
    .option('--name <name>', 'project name in the lab (default: the document\'s name)')
    .option('--simulator <name>', 'who computed the recordings, kept as the run\'s engine', 'brian2')
    .option('--duration <time>', 'the duration the script ran, if not the project\'s')
    .option('--dt <time>', 'the time step, if not the project\'s')
    .option('--db <file>', 'lab database (default: the standard lab)')
    .action((dir: string, f: { project: string; name?: string; simulator: string; duration?: string; dt?: string; db?: string }) => {
      const doc = loadProjectFile(f.project);
      const lab = openLab(resolveLabFile(f.db));
      try {
        const r = inFile(f.project, () => importRun(lab, doc, dir, {
          simulator: f.simulator,
          ...(f.name !== undefined ? { name: f.name } : {}),
          overrides: { ...(f.duration !== undefined ? { duration: f.duration } : {}), ...(f.dt !== undefined ? { dt: f.dt } : {}) },
        }));
        console.log(`imported ${dir} as run ${r.runId} of "${r.projectName}" (version ${r.versionNumber}, ${r.probes} probe${r.probes === 1 ? '' : 's'})`);
      } finally {
        lab.close();
      }
    });
}
