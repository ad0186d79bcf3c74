import { startKafkaRuntime } from '@rideline/kafka';
import { createLogger, listenOn, runService } from '@rideline/service-kit';
import { buildApp } from './app.ts';
import { readBookingConfig } from './config.ts';
import { createPrismaClient } from './db/client.ts';
import { prepareDatabase } from './db/migrate.ts';
import { databaseReadinessCheck } from './db/readiness.ts';
import { loadSigningKeys } from './identity/index.ts';

await runService({
  name: 'booking-service',
  async start() {
    const config = readBookingConfig();
    const logger = createLogger('booking-service', config.logLevel);
    const applied = await prepareDatabase(config.databaseUrl, { logger });
    if (applied.length > 0) logger.info({ migrations: applied }, 'applied migrations');
    const prisma = createPrismaClient(config.databaseUrl);
    const keys = await loadSigningKeys(prisma, config.identity, logger);
    const kafka = await startKafkaRuntime({
      ...config.kafka,
      clientId: `${config.kafka.clientId}-booking`,
      topics: config.topics,
      logger,
    }).catch(async (error: unknown) => {
      await prisma.$disconnect();
      throw error;
    });
    const app = await buildApp({
      logger,
      prisma,
      keys,
      identity: config.identity,
      kafkaReady: kafka.ready,
      databaseReady: databaseReadinessCheck(prisma),
    });
    try {
      await listenOn(app, config.host, config.port);
    } catch (error) {
      await Promise.allSettled([kafka.close(), prisma.$disconnect()]);
      throw error;
    }
    return {
      shutdownTimeoutMs: config.shutdownTimeoutMs,
      async close() {
        await app.close();
        await kafka.close();
        await prisma.$disconnect();
      },
    };
  },
});
