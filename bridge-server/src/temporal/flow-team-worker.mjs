// Helper-thread entry of a FlowTeam (flow-team.ts). Plain JS so node can start it without a loader; it loads
// the TypeScript task through tsx when running from source, or the built .js next to it.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const ts = new URL('./flow-team-task.ts', import.meta.url);
if (existsSync(fileURLToPath(ts))) {
  const { register } = await import('tsx/esm/api');
  register();
  await import(ts.href);
} else {
  await import(new URL('./flow-team-task.js', import.meta.url).href);
}
