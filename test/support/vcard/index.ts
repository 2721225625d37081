// Controller for virtual cards: each card runs in its own child process (./card-process.ts) and is
// "inserted" into a vpcd slot by connecting to the slot's TCP port; remove() closes the connection.
import { fork, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { VPCD_READERS, type VpcdSlot } from '../pcsc-stack';
import type { CardBehaviour } from './behaviour';
import type { CardProcessConfig, CardProcessMessage } from './card-process';

export type { CardBehaviour } from './behaviour';
export type { CardProcessMessage } from './card-process';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = join(here, '..', '..', '..');
const START_TIMEOUT_MS = 10_000;

export interface InsertCardOptions {
  reader: VpcdSlot;
  /** Lowercase hex, no spaces. */
  atr: string;
  behaviour: CardBehaviour;
}

export interface VirtualCard {
  readonly readerName: string;
  readonly atr: string;
  /** Wall-clock ms (performance.timeOrigin based) when the card's TCP connection to vpcd was made. */
  readonly insertedAt: number;
  /** Everything the card saw so far, in order. */
  readonly log: readonly CardProcessMessage[];
  /** Resolves once the card process has seen a message matching `predicate` (bounded). */
  waitFor(predicate: (message: CardProcessMessage) => boolean, timeoutMs?: number): Promise<CardProcessMessage>;
  /** Take the card out (close its connection) and wait for its process to end. Idempotent. */
  remove(): Promise<void>;
  /** Take the card out but keep it (its state: a YubiKey's keys, PINs, objects) for reinsert(). */
  pull(): Promise<void>;
  /** Put the same card back (after pull(), or after a 'dies' card died); resolves when it is connected. */
  reinsert(): Promise<void>;
}

export async function insertCard(options: InsertCardOptions): Promise<VirtualCard> {
  const slot = VPCD_READERS[options.reader];
  const config: CardProcessConfig = { port: slot.port, atr: options.atr, behaviour: options.behaviour };
  const child = fork(join(here, 'card-process.ts'), [JSON.stringify(config)], {
    cwd: repoRoot,
    execPath: process.execPath,
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const card = new ChildCard(child, slot.name, options.atr);
  try {
    const inserted = await card.waitFor((m) => m.type === 'inserted', START_TIMEOUT_MS);
    if (inserted.type === 'inserted') card.insertedAt = inserted.at;
  } catch (err) {
    await card.remove();
    throw err;
  }
  return card;
}

class ChildCard implements VirtualCard {
  insertedAt = 0;
  readonly log: CardProcessMessage[] = [];
  private readonly waiters = new Set<(message: CardProcessMessage) => void>();
  private readonly exited: Promise<void>;

  constructor(
    private readonly child: ChildProcess,
    readonly readerName: string,
    readonly atr: string,
  ) {
    child.on('message', (message: CardProcessMessage) => {
      this.log.push(message);
      for (const waiter of [...this.waiters]) waiter(message);
    });
    this.exited = new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) resolve();
      else child.once('exit', () => resolve());
    });
  }

  waitFor(predicate: (message: CardProcessMessage) => boolean, timeoutMs = 3_000): Promise<CardProcessMessage> {
    const seen = this.log.find(predicate);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(new Error(`virtual card in ${this.readerName}: expected message not seen within ${timeoutMs} ms`));
      }, timeoutMs);
      const waiter = (message: CardProcessMessage) => {
        if (!predicate(message)) return;
        clearTimeout(timer);
        this.waiters.delete(waiter);
        resolve(message);
      };
      this.waiters.add(waiter);
      this.exited.then(() => {
        if (!this.waiters.has(waiter)) return;
        clearTimeout(timer);
        this.waiters.delete(waiter);
        reject(new Error(`virtual card in ${this.readerName} exited before the expected message`));
      });
    });
  }

  async pull(): Promise<void> {
    const from = this.log.length;
    this.child.send('pull');
    await this.waitFor((m) => m.type === 'pulled' && this.log.indexOf(m) >= from);
  }

  async reinsert(): Promise<void> {
    const from = this.log.length;
    this.child.send('insert');
    const inserted = await this.waitFor((m) => m.type === 'inserted' && this.log.indexOf(m) >= from, START_TIMEOUT_MS);
    if (inserted.type === 'inserted') this.insertedAt = inserted.at;
  }

  async remove(): Promise<void> {
    if (this.child.connected) this.child.send('remove');
    const forced = setTimeout(() => this.child.kill('SIGKILL'), 3_000);
    await this.exited;
    clearTimeout(forced);
  }
}
