// The app freezes Object.prototype (Tauri's `freezePrototype`), so assigning `constructor` on a
// fresh object throws. tslib's `__extends`, which ECharts and zrender use for every class, does
// exactly that; this version defines the property instead. Vite points "tslib" here.
// Only `__extends` is imported from tslib by the bundle; a missing helper fails the build loudly.

// A class (constructor function) as tslib sees it.
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
type Ctor = Function & { prototype: object | null };

export function __extends(d: Ctor, b: Ctor | null): void {
  if (typeof b !== "function" && b !== null) {
    throw new TypeError(`Class extends value ${String(b)} is not a constructor or null`);
  }
  if (b !== null) Object.setPrototypeOf(d, b);
  d.prototype = Object.create(b === null ? null : b.prototype, {
    constructor: { value: d, writable: true, configurable: true },
  });
}
