export * from './topics.ts';
export * from './envelope.ts';
export * from './shared-shapes.ts';
export * from './booking-events.ts';
export * from './booking-notifications.ts';
export * from './driver-locations.ts';
export * from './dispatch-offers.ts';
export * from './topic-messages.ts';
