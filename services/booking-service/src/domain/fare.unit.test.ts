import { describe, expect, it } from 'vitest';
import { estimateFare, greatCircleDistanceM } from './fare.ts';

const tariff = { baseFare: 50, perKm: 12, detourFactor: 1.3, minimumFare: 80 };

describe('greatCircleDistanceM', () => {
  it('is zero for the same point', () => {
    expect(greatCircleDistanceM({ lat: 12.97, lng: 77.59 }, { lat: 12.97, lng: 77.59 })).toBe(0);
  });
  it('matches a known distance (Paris to London, about 343.5 km)', () => {
    const d = greatCircleDistanceM({ lat: 48.8566, lng: 2.3522 }, { lat: 51.5074, lng: -0.1278 });
    expect(d / 1000).toBeCloseTo(343.5, 0);
  });
  it('handles the antimeridian', () => {
    const d = greatCircleDistanceM({ lat: 0, lng: 179.99 }, { lat: 0, lng: -179.99 });
    expect(d).toBeGreaterThan(2000);
    expect(d).toBeLessThan(2300);
  });
});

describe('estimateFare', () => {
  it('charges the base fare plus the road distance', () => {
    // One degree of latitude is about 111.2 km: 50 + 111.2 × 1.3 × 12
    expect(estimateFare({ lat: 0, lng: 0 }, { lat: 1, lng: 0 }, tariff)).toBeCloseTo(50 + 111.195 * 1.3 * 12, 0);
  });
  it('never charges less than the minimum fare', () => {
    expect(estimateFare({ lat: 0, lng: 0 }, { lat: 0, lng: 0.001 }, tariff)).toBe(80);
  });
  it('rounds to cents', () => {
    const fare = estimateFare({ lat: 12.97, lng: 77.59 }, { lat: 12.99, lng: 77.61 }, tariff);
    expect(Math.round(fare * 100)).toBe(fare * 100);
  });
});
