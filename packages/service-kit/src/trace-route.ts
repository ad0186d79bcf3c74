import { describeActiveSpan, tracingActive } from '@rideline/telemetry';
import type { FastifyInstance } from 'fastify';

/**
 * With tracing on, names each request's server span (started by the HTTP instrumentation,
 * which knows only the method) by its route, `POST /v1/bookings`, as OpenTelemetry's HTTP
 * conventions ask: one name per route, not per URL. Nothing is installed when tracing is off.
 */
export function installTraceRoute(app: FastifyInstance): void {
  if (!tracingActive()) return;
  app.addHook('onRequest', (request, _reply, done) => {
    const route = request.routeOptions.url;
    if (route !== undefined) describeActiveSpan(`${request.method} ${route}`, { 'http.route': route });
    done();
  });
}
