import { fileURLToPath } from 'node:url';
import { describeStartupContract } from '@rideline/test-support';

describeStartupContract({
  serviceDir: fileURLToPath(new URL('..', import.meta.url)),
  env: () => ({}),
});
