/**
 * The CM simulator in a process of its own for bench/outbox.ts, seeded with the benchmark's
 * requests, so the station side and the server side do not share one CPU thread (a real CM is
 * another machine). Prints the base URL and the admin URL, and stops when stdin closes.
 *
 *   outbox-sim.ts <request count>
 */
import { startCmSimulator } from '../src/main/training/cm-sim';
import { buildScenario } from '../test/crash/scenario';

const sim = await startCmSimulator({ host: '127.0.0.1', seed: buildScenario(Number(process.argv[2] ?? '1000')).seed, dataFile: null });
process.stdout.write(`${sim.baseUrl}\n${sim.adminUrl}\n${sim.adminToken}\n`);
process.stdin.on('end', () => void sim.close().then(() => process.exit(0)));
process.stdin.resume();
