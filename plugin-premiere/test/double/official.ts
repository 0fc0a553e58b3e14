/**
 * Present a double's object as the official `@adobe/premierepro` type.
 *
 * Every member the double implements is checked against the official declaration (`Partial<T>`:
 * same name ⇒ same signature). Members it does not emulate throw a clear error when called, so a
 * test fails loudly instead of silently using something the double does not model. Each object
 * gets one stable wrapper, so identity comparisons behave like the host's.
 */
const IMPL = Symbol('double.impl');
const wrappers = new WeakMap<object, object>();

export function official<T>(impl: Partial<T> & object, typeName: string): T {
  const cached = wrappers.get(impl);
  if (cached) return cached as T;
  const proxy = new Proxy(impl, {
    get(target, prop, receiver) {
      if (prop === IMPL) return target;
      if (prop in target) return Reflect.get(target, prop, receiver);
      // Not thenable, not JSON-able, not iterable: behave like a plain host object there.
      if (typeof prop === 'symbol' || prop === 'then' || prop === 'toJSON') return undefined;
      return () => {
        throw new Error(`${typeName}.${prop} is not emulated by the premierepro double`);
      };
    },
  });
  wrappers.set(impl, proxy);
  return proxy as unknown as T;
}

/** The double's own object behind an official-typed wrapper (or the value itself). */
export function unwrap<I>(value: unknown): I {
  if (value && typeof value === 'object' && (value as Record<symbol, unknown>)[IMPL]) return (value as Record<symbol, unknown>)[IMPL] as I;
  return value as I;
}
