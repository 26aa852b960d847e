#!/usr/bin/env node
// The `spikeflow` command. Sources are TypeScript run through tsx, so no build step stands
// between an edit and the CLI.
import { register } from 'tsx/esm/api';

register();
await import('../src-main/cli/main.ts');
