import { startKafkaRuntime } from '@rideline/kafka';
import { createLogger, listenOn, runService } from '@rideline/service-kit';
import { buildApp } from './app.ts';
import { readGatewayConfig } from './config.ts';

await runService({
  name: 'realtime-gateway',
  async start() {
    const config = readGatewayConfig();
    const logger = createLogger('realtime-gateway', config.logLevel);
    const kafka = await startKafkaRuntime({
      ...config.kafka,
      clientId: `${config.kafka.clientId}-gateway`,
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
