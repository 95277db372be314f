// Baseline `raw-http`: node:http answering every request with the precomputed response bytes.
// The ceiling of the machine. Env: PORT, RESPONSE_FILE.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';

const body = readFileSync(process.env.RESPONSE_FILE!);
createServer((request, response) => {
  request.resume();
  request.on('end', () => {
    response.writeHead(200, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': body.length,
    });
    response.end(body);
  });
}).listen(Number(process.env.PORT), '127.0.0.1');
