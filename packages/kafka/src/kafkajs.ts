// kafkajs is CommonJS and Node cannot see its named exports from ESM, so its values are taken
// from the default export once, here.
import kafkajs from 'kafkajs';

export const { Kafka, logLevel, Partitioners, ConfigResourceTypes } = kafkajs;
