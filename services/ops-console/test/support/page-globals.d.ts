/// <reference lib="dom" />
// What `page.evaluate` callbacks run against: the page's DOM and the hook src/web/console-page.ts exposes.
interface Window {
  ridelineConsole?: import('../../src/web/test-hook.ts').ConsoleTestHook;
}
