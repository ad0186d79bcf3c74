import { describe, expect, it } from 'vitest';
import { readDispatchConfig } from './config.ts';

describe('dispatch config', () => {
  it('has the defaults of API.md and the issue', () => {
    const config = readDispatchConfig({});
    expect(config.jwksUrl).toBe('http://127.0.0.1:3001/.well-known/jwks.json');
    expect(config.consumerGroup).toBe('rideline.dispatch');
    expect(config.matching).toEqual({ radiusM: 5000, widenStepsM: [10_000, 20_000], maxDriversPerRound: 5, offerWindowMs: 15_000 });
    expect(config.driverStaleMs).toBe(60_000);
    expect(config.nearbyPerMinute).toBe(30);
  });

  it('reads every setting', () => {
    const config = readDispatchConfig({
      AUTH_JWKS_URL: 'https://auth.example/jwks.json',
      DISPATCH_CONSUMER_GROUP: 'dispatch-eu',
      DISPATCH_RADIUS_M: '3000',
      DISPATCH_WIDEN_STEPS_M: '6000, 12000',
      DISPATCH_MAX_DRIVERS_PER_ROUND: '3',
      DISPATCH_OFFER_WINDOW_MS: '20000',
      DISPATCH_DRIVER_STALE_MS: '30000',
      DISPATCH_NEARBY_PER_MINUTE: '12',
    });
    expect(config).toMatchObject({
      jwksUrl: 'https://auth.example/jwks.json',
      consumerGroup: 'dispatch-eu',
      matching: { radiusM: 3000, widenStepsM: [6000, 12_000], maxDriversPerRound: 3, offerWindowMs: 20_000 },
      driverStaleMs: 30_000,
      nearbyPerMinute: 12,
    });
  });

  it.each([
    ['AUTH_JWKS_URL', 'not a url'],
    ['DISPATCH_WIDEN_STEPS_M', '10000,ten'],
    ['DISPATCH_RADIUS_M', '0'],
    ['DISPATCH_MAX_DRIVERS_PER_ROUND', '1.5'],
    ['DISPATCH_CONSUMER_GROUP', 'has spaces'],
    ['DISPATCH_NEARBY_PER_MINUTE', '0'],
  ])('refuses a bad %s, naming it', (name, value) => {
    expect(() => readDispatchConfig({ [name]: value })).toThrow(name);
  });
});
