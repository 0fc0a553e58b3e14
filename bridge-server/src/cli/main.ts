import { isStudioError } from '@synthetic-studio/shared';
import { buildProgram } from './program.js';

// Entry of the `synthetic-studio` bin (bin/synthetic-studio.js registers tsx, then imports this).
try {
  const program = await buildProgram();
  await program.parseAsync(process.argv);
} catch (e) {
  if (isStudioError(e)) {
    process.stderr.write(`error ${e.code}: ${e.message}\n`);
  } else {
    process.stderr.write(`error: ${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
  }
  process.exitCode = process.exitCode || 1;
}
