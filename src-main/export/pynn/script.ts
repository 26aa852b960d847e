import type { ProjectDocument } from '../../../src-shared/document/schema.js';
import type { Plan } from '../../compiler/plan.js';
import { ExportRefusal } from '../refusal.js';

export function pynnScript(doc: ProjectDocument, _plan: Plan, _opts: { regenerate?: boolean; source?: string }): string {
  throw new ExportRefusal('PyNN', doc.blocks.map((b) => ({ block: b.id, type: b.type, reason: 'not yet' })));
}
