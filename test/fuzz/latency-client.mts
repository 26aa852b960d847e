/**
 * The second client of the web-host fuzz test, in its own process so that its clock is not
 * held up by the first client's work: calls `listExamples` again and again (20 ms apart)
 * and prints each round trip in ms, one per line, until stdin closes.
 *   node --import tsx test/fuzz/latency-client.mts <page url with #token=…>
 */
import { WebSocket } from 'ws';
import { connectApi, tokenFromUrl, webSocketUrl, type SocketLike } from '../../src-main/web-host/ws-client.js';

const page = process.argv[2]!;
const client = connectApi(webSocketUrl(page, tokenFromUrl(page)!), (url) => new WebSocket(url) as unknown as SocketLike);
await client.ready;
let running = true;
process.stdin.on('end', () => { running = false; });
process.stdin.resume();
console.log('ready');
while (running) {
  const t0 = performance.now();
  await client.invoke('listExamples', []);
  console.log((performance.now() - t0).toFixed(2));
  await new Promise((r) => setTimeout(r, 20));
}
client.close();
