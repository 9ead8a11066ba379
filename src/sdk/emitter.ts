/** `Events` maps each event name to the arguments its listeners receive. */
type Listener<Args extends unknown[]> = (...args: Args) => void;

/** `on`/`once`/`off`/`emit`, as analytics.js exposes them. A throwing listener breaks nothing. */
export function createEmitter<Events extends Record<string, unknown[]>>() {
  /** `fn`: the listener a `once` wrapper stands for, so `off` can remove it by the original. */
  const listeners: { [Name in keyof Events]?: (Listener<Events[Name]> & { fn?: Listener<Events[Name]> })[] } = {};
  const off = <Name extends keyof Events>(name: Name, fn: Listener<Events[Name]>) => {
    listeners[name] = (listeners[name] ?? []).filter((l) => l !== fn && l.fn !== fn);
  };
  return {
    on<Name extends keyof Events>(name: Name, fn: Listener<Events[Name]>) {
      (listeners[name] ??= []).push(fn);
    },
    once<Name extends keyof Events>(name: Name, fn: Listener<Events[Name]>) {
      const wrapper = (...args: Events[Name]) => {
        off(name, wrapper);
        fn(...args);
      };
      wrapper.fn = fn;
      (listeners[name] ??= []).push(wrapper);
    },
    off,
    emit<Name extends keyof Events>(name: Name, ...args: Events[Name]) {
      for (const fn of listeners[name] ?? []) {
        try {
          fn(...args);
        } catch (error) {
          console.error(error);
        }
      }
    },
  };
}
