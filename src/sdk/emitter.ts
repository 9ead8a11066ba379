type Listener = (...args: any[]) => void;

/** `on`/`once`/`off`/`emit`, as analytics.js exposes them. A throwing listener breaks nothing. */
export function createEmitter() {
  const listeners: Record<string, Listener[]> = {};
  const off = (name: string, fn: Listener) => {
    listeners[name] = (listeners[name] ?? []).filter((l) => l !== fn && (l as any).fn !== fn);
  };
  return {
    on(name: string, fn: Listener) {
      (listeners[name] ??= []).push(fn);
    },
    once(name: string, fn: Listener) {
      const wrapper = (...args: any[]) => {
        off(name, wrapper);
        fn(...args);
      };
      (wrapper as any).fn = fn;
      (listeners[name] ??= []).push(wrapper);
    },
    off,
    emit(name: string, ...args: any[]) {
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
