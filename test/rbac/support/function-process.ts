/**
 * One function in a process of its own, as Knative runs each Service in its own pod: the process builds
 * its cluster clients from KUBECONFIG and REMOTE_KUBECONFIG, so it acts with the identity whose token
 * those carry. Usage: `node --import tsx function-process.ts <target>`; prints `listening <url>`.
 */
import { getTestServer } from '@google-cloud/functions-framework/testing';
import '../../../functions/index.js';

const target = process.argv[2];
if (!target) throw new Error('usage: function-process.ts <target>');
const server = getTestServer(target);
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  process.stdout.write(`listening http://127.0.0.1:${port}/\n`);
});
process.once('SIGTERM', () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
});
