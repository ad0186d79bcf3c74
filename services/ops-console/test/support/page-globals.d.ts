/// <reference lib="dom" />
// What `page.evaluate` callbacks run against: the page's DOM and the hook src/web/console-page.ts exposes.
interface Window {
  ridelineConsole?: {
    pointOf(lat: number, lng: number): { x: number; y: number };
    colourAt(x: number, y: number): string;
    driverCount(): number;
    drawTimes(): readonly number[];
    messageTimes(): readonly number[];
    setView(lat: number, lng: number, zoom: number): void;
  };
}
