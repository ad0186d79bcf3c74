import './tracing.ts';
import { serve } from '@rideline/service-kit';
import { startBookingSystem } from './booking-system.ts';
import { readBookingConfig } from './config.ts';

await serve({ name: 'booking-service', readConfig: () => readBookingConfig(), startSystem: startBookingSystem });
