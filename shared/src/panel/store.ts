/** A tiny observable store: the panel's state lives here, views subscribe and re-render. */
export type Listener<S> = (state: S, previous: S) => void;

export interface Store<S> {
  get(): S;
  /** Shallow-merge a patch (or the patch a function returns) into the state and notify. */
  set(patch: Partial<S> | ((state: S) => Partial<S>)): void;
  subscribe(listener: Listener<S>): () => void;
}

export function createStore<S extends object>(initial: S): Store<S> {
  let state = initial;
  const listeners = new Set<Listener<S>>();
  return {
    get: () => state,
    set(patch) {
      const previous = state;
      const p = typeof patch === 'function' ? patch(state) : patch;
      state = { ...state, ...p };
      for (const l of [...listeners]) l(state, previous);
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
