import { startKafkaRuntime } from '@rideline/kafka';
import { createLogger, listenOn, runService } from '@rideline/service-kit';
import { buildApp } from './app.ts';
import { readDispatchConfig } from './config.ts';

await runService({
  name: 'dispatch-service',
  async start() {
    const config = readDispatchConfig();
    const logger = createLogger('dispatch-service', config.logLevel);
    const kafka = await startKafkaRuntime({
      ...config.kafka,
      clientId: `${config.kafka.clientId}-dispatch`,
      topics: config.topics,
      logger,
    });
    const app = await buildApp({ logger, kafkaReady: kafka.ready });
    try {
      await listenOn(app, config.host, config.port);
    } catch (error) {
      await kafka.close();
      throw error;
    }
    return {
      shutdownTimeoutMs: config.shutdownTimeoutMs,
      async close() {
        await app.close();
        await kafka.close();
      },
    };
  },
});
