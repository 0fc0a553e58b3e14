// AssemblyScript source of the harmonic fill's sweeps (temporal/laplace-fill.ts runs them); built
// by `npm run build:wasm` into bridge-server/src/temporal/fill-kernels.wasm.

/**
 * `sweeps` SOR sweeps of the Laplace equation over the n pixels listed in idx (i32), each with the
 * neighbours that take part (nb, u8: 1 left, 2 right, 4 up, 8 down) and ω over their count (wt,
 * f64), on nc float32 planes of a w-wide image laid out one after another (planeBytes apart);
 * float64 arithmetic on float32 storage. The caller lists the pixels in red-black order (all with
 * x + y even, then the others): no update then reads another of its own colour, so the updates do
 * not wait for each other, where in raster order each waits for its left neighbour's.
 */
export function sorSweeps(planes: usize, planeBytes: usize, nc: i32, w: i32, idx: usize, nb: usize, wt: usize, n: i32, sweeps: i32, omega: f64): void {
  const om1 = 1 - omega;
  const wb = <usize>w << 2;
  for (let s = 0; s < sweeps; s++) {
    for (let t = 0; t < n; t++) {
      const bits = <i32>load<u8>(nb + <usize>t);
      const k1 = load<f64>(wt + (<usize>t << 3));
      let p = planes + (<usize>load<i32>(idx + (<usize>t << 2)) << 2);
      for (let k = 0; k < nc; k++, p += planeBytes) {
        let sum: f64 = 0;
        if (bits == 15) sum = <f64>load<f32>(p - 4) + <f64>load<f32>(p + 4) + <f64>load<f32>(p - wb) + <f64>load<f32>(p + wb);
        else {
          if (bits & 1) sum += <f64>load<f32>(p - 4);
          if (bits & 2) sum += <f64>load<f32>(p + 4);
          if (bits & 4) sum += <f64>load<f32>(p - wb);
          if (bits & 8) sum += <f64>load<f32>(p + wb);
        }
        store<f32>(p, <f32>(om1 * <f64>load<f32>(p) + k1 * sum));
      }
    }
  }
}
