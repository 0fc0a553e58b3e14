#!/usr/bin/env node
// The `synthetic-studio` command. The CLI is TypeScript run through tsx (a runtime dependency),
// so `npx synthetic-studio …` works right after `npm install`, with no build step.
import { register } from 'tsx/esm/api';

register();
await import('../bridge-server/src/cli/main.ts');
