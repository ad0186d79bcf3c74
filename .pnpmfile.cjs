// Rideline supports Node 20.19+ (package.json engines; CI runs every test on Node 20 and 24) and
// .npmrc's engine-strict makes pnpm refuse any package that declares a newer Node. These four
// declare Node 22 but are not on a path that needs it here, and the suite passes on Node 20:
// their `engines.node` is dropped so that engine-strict keeps guarding everything else.
// Remove an entry when its dependent no longer pulls it in, or when the floor becomes Node 22.
const NODE_22_DECLARED = new Set([
  '@prisma/streams-local', // Prisma CLI's local streams server (`prisma dev`), never started here
  'content-disposition', // @fastify/static's download(); swagger-ui serves files, no downloads
  'cookie', // light-my-request (Fastify's inject, used by tests): runs on Node 20 in CI
  'strip-json-comments', // pino-pretty reads a .pino-prettyrc with it; there is none
]);

module.exports = {
  hooks: {
    readPackage(pkg) {
      if (NODE_22_DECLARED.has(pkg.name) && pkg.engines) delete pkg.engines.node;
      return pkg;
    },
  },
};
