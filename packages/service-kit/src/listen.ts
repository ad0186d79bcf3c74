import type { FastifyInstance } from 'fastify';

/** Listens, or fails with a message naming the HOST and PORT settings instead of a stack. */
export async function listenOn(app: FastifyInstance, host: string, port: number): Promise<string> {
  try {
    return await app.listen({ host, port });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'EADDRINUSE'
        ? 'the address is already in use'
        : code === 'EADDRNOTAVAIL'
          ? 'the address is not available on this machine'
          : error instanceof Error
            ? error.message
            : String(error);
    throw new Error(`Cannot listen on HOST=${host} PORT=${port}: ${why}`);
  }
}
