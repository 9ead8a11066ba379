/** `Events` maps each event name to the arguments its listeners receive. */
type Listener<Args extends unknown[]> = (...args: Args) => void;

/** `on`/`once`/`off`/`emit`, as analytics.js exposes them. A throwing listener breaks nothing. */
export function createEmitter<Events extends Record<string, unknown[]>>() {
  /** One list for every name; `once` entries leave it when they first run. */
  let listeners: { name: keyof Events; fn: Listener<never>; once?: boolean }[] = [];
  const on = <Name extends keyof Events>(name: Name, fn: Listener<Events[Name]>, once?: boolean) => {
    listeners.push({ name, fn, once });
  };
  const off = <Name extends keyof Events>(name: Name, fn: Listener<Events[Name]>) => {
    listeners = listeners.filter((l) => l.name !== name || l.fn !== fn);
  };
  return {
    on,
    once: <Name extends keyof Events>(name: Name, fn: Listener<Events[Name]>) => on(name, fn, true),
    off,
    emit<Name extends keyof Events>(name: Name, ...args: Events[Name]) {
      for (const { name: of, fn, once } of listeners) {
        if (of !== name) continue;
        if (once) off(name, fn as Listener<Events[Name]>);
        try {
          (fn as Listener<Events[Name]>)(...args);
        } catch (error) {
          console.error(error);
        }
      }
    },
  };
}
