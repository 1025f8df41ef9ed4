/**
 * TCP facts a test can read about the reference droplet without asking it:
 * how many connections sshd holds right now (from /proc/net/tcp, which lists
 * both ends of a loopback connection), and a loopback relay that can hold a
 * dial in flight for as long as a test needs.
 */
import { readFileSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';

/** ESTABLISHED TCP connections whose local port is `port` (the sshd side of each). */
export function establishedTo(port: number): number {
  const hex = port.toString(16).toUpperCase().padStart(4, '0');
  let n = 0;
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text = '';
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue; // no IPv6 on this machine
    }
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols.length < 4) continue;
      if (cols[1]!.endsWith(`:${hex}`) && cols[3] === '01') n++;
    }
  }
  return n;
}

export interface HoldingRelay {
  port: number;
  /** Connections accepted so far. */
  accepted: number;
  /** Let every held connection through (and every later one at once). */
  release(): void;
  close(): Promise<void>;
}

/**
 * A relay to 127.0.0.1:`target` that passes the first `passFirst`
 * connections at once and holds every later one (accepted, but not relayed,
 * so the client's SSH handshake waits) until `release()`.
 */
export async function holdingRelay(target: number, passFirst: number): Promise<HoldingRelay> {
  const sockets = new Set<Socket>();
  const held: Array<() => void> = [];
  let released = false;
  const relay = (client: Socket) => {
    const up = connect({ host: '127.0.0.1', port: target });
    sockets.add(up);
    up.on('close', () => sockets.delete(up));
    client.pipe(up).pipe(client);
    up.on('error', () => client.destroy());
    client.on('error', () => up.destroy());
    client.on('close', () => up.destroy());
  };
  const r: HoldingRelay = {
    port: 0,
    accepted: 0,
    release() {
      released = true;
      for (const go of held.splice(0)) go();
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((res) => server.close(() => res()));
    },
  };
  const server: Server = createServer((client) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    r.accepted++;
    if (r.accepted <= passFirst || released) relay(client);
    else held.push(() => (client.destroyed ? undefined : relay(client)));
  });
  await new Promise<void>((res) => server.listen(0, '127.0.0.1', () => res()));
  r.port = (server.address() as { port: number }).port;
  return r;
}
