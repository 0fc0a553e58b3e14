// The runtime module UXP provides inside Premiere Pro (`require('premierepro')`), typed with the
// official declarations from the type-only npm package `@adobe/premierepro`.
declare module 'premierepro' {
  import type { premierepro } from '@adobe/premierepro';
  const ppro: premierepro;
  export = ppro;
}
