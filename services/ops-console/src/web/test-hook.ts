/**
 * What the browser tests read (`window.ridelineConsole`): where things are drawn, and the colour
 * drawn there. Declared here, with no DOM types, for the page and the tests alike.
 */
export interface ConsoleTestHook {
  pointOf(lat: number, lng: number): { x: number; y: number };
  colourAt(x: number, y: number): string;
  driverCount(): number;
  drawTimes(): readonly number[];
  messageTimes(): readonly number[];
  setView(lat: number, lng: number, zoom: number): void;
}
