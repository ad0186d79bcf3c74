/**
 * Rideline's realtime-gateway, driven only through its contract (README, API.md,
 * websocket-api.md): drivers connect to `/ws/driver/available_bookings/` with a Bearer JWT that
 * the gateway checks against the JWKS at AUTH_JWKS_URL; a publish is one `BookingOffered` envelope
 * per driver on `dispatch.offers`, keyed by the driver id, and each delivery is an
 * `available_booking` message on that driver's socket.
 *
 * Every server start gets its own topics (TOPIC_* overrides), so nothing of an earlier run or of
 * anyone else's system on the same broker is replayed into the sockets.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { resolve } from 'node:path';
import { generateSigningKey, signAccessToken, type SigningKey } from '@rideline/auth';
import { TOPIC_IDS, TOPICS, decodeMessage, type TopicId, type TopicNames } from '@rideline/contracts';
import { ensureTopics, TopicPublisher } from '@rideline/kafka';
import kafkajs from 'kafkajs';
import { bookingIdFor, nowMs, PublishErrors } from '../common.ts';
import { freePort, httpGet, pidListeningOn, startProcess, waitForHttp200, type ServerProcess } from '../proc.ts';
import { JavaOfferProducer, javaProducerUnavailable } from './java-offer-producer.ts';
import type { PublishStats, StartResult, Target, TargetParams } from './target.ts';

const { Kafka, logLevel } = kafkajs;

/** The gateway package to run; FANOUT_GATEWAY_DIR points at another checkout of it. */
export const GATEWAY_DIR = resolve(process.env['FANOUT_GATEWAY_DIR'] ?? resolve(import.meta.dirname, '../../../../services/realtime-gateway'));
const GATEWAY_MAIN = resolve(GATEWAY_DIR, 'src/main.ts');

/** The JWKS the gateway verifies driver tokens with, served from this process. */
async function serveJwks(key: SigningKey): Promise<{ url: string; server: Server }> {
  const body = JSON.stringify({ keys: [key.publicJwk] });
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'max-age=300' });
    res.end(body);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { url: `http://127.0.0.1:${port}/.well-known/jwks.json`, server };
}

/** The parts of one BookingOffered envelope that are the same for every driver of a publish. */
function offerParts(seq: number): { before: string; after: string } {
  const now = new Date().toISOString();
  const bookingId = bookingIdFor(seq);
  const before = `{"event_id":"`;
  const after = `","type":"BookingOffered","version":1,"occurred_at":"${now}","data":{"booking_id":"${bookingId}","driver_id":"`;
  return { before, after };
}

const OFFER_TAIL =
  `","pickup":{"lat":12.9716,"lng":77.5946,"address":"123 Street, City"},` +
  `"dropoff":{"lat":12.9352,"lng":77.6245,"address":"456 Avenue, City"},` +
  `"estimated_cost":300,"distance_m":1250,"offered_at":"`;

function offerValue(parts: { before: string; after: string }, eventId: string, driverId: string, offeredAt: string): string {
  return `${parts.before}${eventId}${parts.after}${driverId}${OFFER_TAIL}${offeredAt}"}}`;
}

/**
 * What produces the gateway's records: Kafka's Java client in a child process (the cheapest
 * publisher there is, leaving the shared cores to the gateway), or kafkajs in this process.
 */
export type GatewayProducerKind = 'java' | 'kafkajs';

/** Produces one publish's records, one per driver; resolves once the broker has them all. */
type OfferSender = (seq: number, parts: { before: string; after: string }, offeredAt: string) => Promise<void>;

export function gatewayTarget(brokers: readonly string[], producerKind: GatewayProducerKind | 'auto'): Target {
  let publishPathNote = '';
  return {
    id: 'gateway',
    label: 'Rideline realtime-gateway',
    get publishPath() {
      return `one \`BookingOffered\` envelope per driver, produced to \`dispatch.offers\` keyed by driver id (acks=all) ${publishPathNote}; the gateway consumes it and sends \`available_booking\` on the driver socket`;
    },
    async start(params: TargetParams): Promise<StartResult> {
      if (!existsSync(GATEWAY_MAIN)) return { ok: false, skip: `${GATEWAY_MAIN} does not exist` };

      const names = Object.fromEntries(TOPIC_IDS.map((id) => [id, `fanout-bench.${params.startId}.${TOPICS[id].defaultName}`])) as Record<TopicId, string>;
      const kafka = new Kafka({
        brokers: [...brokers],
        clientId: `fanout-bench-${params.startId}`,
        logLevel: logLevel.NOTHING,
        connectionTimeout: 3_000,
        retry: { retries: 3 },
      });
      const admin = kafka.admin();
      try {
        await admin.connect();
        await ensureTopics(admin, names as TopicNames, {
          partitions: Number(process.env['KAFKA_TOPIC_PARTITIONS'] ?? 6),
          replicationFactor: 1,
        });
      } catch (error) {
        await admin.disconnect().catch(() => {});
        return { ok: false, skip: `no Kafka broker at ${brokers.join(',')} (${(error as Error).message}); set KAFKA_BROKERS` };
      }

      const dropTopics = async () => {
        await admin.deleteTopics({ topics: Object.values(names), timeout: 10_000 }).catch(() => {});
        await admin.disconnect().catch(() => {});
      };

      const key = generateSigningKey();
      const jwks = await serveJwks(key);
      const drivers = Array.from({ length: params.connections }, () => randomUUID());
      const port = await freePort();
      const topicEnv = Object.fromEntries(TOPIC_IDS.map((id) => [TOPICS[id].envVar, names[id]]));
      const fanoutDrivers = drivers.slice(0, params.fanout);
      let server: ServerProcess | undefined;
      const publisher = new TopicPublisher(kafka, names as TopicNames);
      let javaProducer: JavaOfferProducer | undefined;
      const cleanUp = async () => {
        await server?.stop();
        await publisher.disconnect().catch(() => {});
        await javaProducer?.stop();
        await new Promise<void>((done) => jwks.server.close(() => done()));
        await dropTopics();
      };

      let kind: GatewayProducerKind = producerKind === 'auto' ? 'java' : producerKind;
      const javaMissing = kind === 'java' ? await javaProducerUnavailable() : undefined;
      if (javaMissing !== undefined) {
        if (producerKind === 'java') {
          await cleanUp();
          return { ok: false, skip: `--gateway-producer java cannot run: ${javaMissing}` };
        }
        kind = 'kafkajs';
      }
      publishPathNote =
        kind === 'java'
          ? "by Kafka's Java client (kafka-clients, in a child process of the load generator; its CPU counts as the load generator's)"
          : `by kafkajs via \`@rideline/kafka\` TopicPublisher${javaMissing !== undefined ? ` (the Java client could not run: ${javaMissing})` : ''}`;
      const sendOffers: OfferSender =
        kind === 'java'
          ? (seq, parts, offeredAt) => javaProducer!.publish(seq, offerValue(parts, '{EVENT_ID}', '{DRIVER_ID}', offeredAt))
          : (_seq, parts, offeredAt) =>
              publisher.sendRaw(
                fanoutDrivers.map((driverId) => ({
                  topic: names.dispatchOffers,
                  key: driverId,
                  value: offerValue(parts, randomUUID(), driverId, offeredAt),
                })),
              );

      try {
        // The envelope has to be what the contract says: check one against its schema.
        const sample = offerValue(offerParts(0), randomUUID(), drivers[0]!, new Date().toISOString());
        const decoded = decodeMessage('dispatchOffers', sample);
        if (!decoded.ok) throw new Error(`bench bug: our BookingOffered does not match the contract: ${decoded.reason}`);

        if (kind === 'java') javaProducer = await JavaOfferProducer.start(brokers, names.dispatchOffers, fanoutDrivers);
        else await publisher.connect();
        // GATEWAY_NODE_ARGS: extra node flags for the gateway only, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`.
        const extraNodeArgs = (process.env['GATEWAY_NODE_ARGS'] ?? '').split(/\s+/).filter((arg) => arg !== '');
        server = startProcess(process.execPath, [...extraNodeArgs, '--conditions=development', '--import', 'tsx', 'src/main.ts'], {
          cwd: GATEWAY_DIR,
          env: {
            ...process.env,
            ...topicEnv,
            NODE_ENV: 'production',
            // What production requires; the bench sends no OTP notice, so any key of its own does.
            CORS_ALLOWED_ORIGINS: 'http://127.0.0.1',
            OTP_NOTICE_KEY: randomBytes(32).toString('base64url'),
            HOST: '127.0.0.1',
            PORT: String(port),
            KAFKA_BROKERS: brokers.join(','),
            KAFKA_CLIENT_ID: `fanout-bench-${params.startId}`,
            AUTH_JWKS_URL: jwks.url,
            LOG_LEVEL: process.env['FANOUT_GATEWAY_LOG_LEVEL'] ?? 'warn',
          },
        });
        const running = server;
        const live = await waitForHttp200(`http://127.0.0.1:${port}/health/live`, 45_000, () => !running.exited());
        if (!live) {
          const out = running.output();
          await cleanUp();
          const why = running.exitInfo() ?? 'no 200 from /health/live within 45 s';
          return { ok: false, skip: `services/realtime-gateway/src/main.ts did not start (${why}); its output:\n${out}` };
        }
        const ready = await waitForHttp200(`http://127.0.0.1:${port}/health/ready`, 30_000, () => !running.exited());
        if (!ready) {
          const res = await httpGet(`http://127.0.0.1:${port}/health/ready`);
          const out = running.output();
          await cleanUp();
          return {
            ok: false,
            skip: `the gateway started but never became ready (/health/ready: ${res?.status ?? 'no answer'} ${res?.body.slice(0, 200) ?? ''}); its output:\n${out}`,
          };
        }
      } catch (error) {
        const out = server?.output() ?? '';
        await cleanUp();
        return { ok: false, skip: `could not start the gateway: ${(error as Error).message}\n${out}` };
      }

      const brokerPid = pidListeningOn(Number(brokers[0]?.split(':').pop()));
      const publishErrors = new PublishErrors();
      /** How long each produce took to be acknowledged by the broker, ms (the driver's own side). */
      let ackTimes: number[] = [];
      let pending = 0;
      let maxPending = 0;
      const running = server;
      return {
        ok: true,
        target: {
          pid: running.pid,
          ...(brokerPid !== undefined ? { helper: { name: 'Kafka broker', pid: brokerPid } } : {}),
          protocol: 'ws',
          sockets: drivers.map((id) => ({
            url: `ws://127.0.0.1:${port}/ws/driver/available_bookings/`,
            headers: { Authorization: `Bearer ${signAccessToken(key, { kind: 'driver', id }, { ttlSeconds: 3_600 })}` },
          })),
          ...(javaProducer ? { loadgenPids: [javaProducer.pid] } : {}),
          publish(seq) {
            pending++;
            maxPending = Math.max(maxPending, pending);
            const sentAt = nowMs();
            sendOffers(seq, offerParts(seq), new Date().toISOString()).then(
              () => {
                pending--;
                ackTimes.push(nowMs() - sentAt);
              },
              (error: Error) => {
                pending--;
                publishErrors.note(`produce failed: ${error.message}`);
              },
            );
          },
          takePublishError: () => publishErrors.take(),
          takePublishStats(): PublishStats | undefined {
            if (ackTimes.length === 0) return undefined;
            const sorted = ackTimes.sort((a, b) => a - b);
            const medianAckMs = sorted[Math.floor(sorted.length / 2)]!;
            const maxAckMs = sorted[sorted.length - 1]!;
            const stats = {
              medianAckMs,
              maxAckMs,
              maxInFlight: maxPending,
              note: `produces of ${fanoutDrivers.length} records acknowledged in p50 ${medianAckMs.toFixed(0)} ms, max ${maxAckMs.toFixed(0)} ms, up to ${maxPending} in flight`,
            };
            ackTimes = [];
            maxPending = pending;
            return stats;
          },
          output: () => running.output(),
          stop: cleanUp,
        },
      };
    },
  };
}
