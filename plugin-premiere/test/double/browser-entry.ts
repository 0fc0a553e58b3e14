// Browser build of the premierepro double (esbuild IIFE), for the headless Chromium panel test.
import { createPremiereDouble } from './premierepro-double.js';

(globalThis as unknown as { PremiereDouble: unknown }).PremiereDouble = { createPremiereDouble };
