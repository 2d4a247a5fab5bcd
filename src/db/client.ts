import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import type { SqlDriverAdapter, SqlDriverAdapterFactory, Transaction } from "@prisma/driver-adapter-utils";
import { PrismaClient } from "./generated/client.js";

// The only way into the generated client: the rest of the app imports Prisma's types from here.
export type { Contact, Conversation, DeliveryJob, Inbox, Message, Setting } from "./generated/client.js";
export { Prisma, PrismaClient } from "./generated/client.js";

/** How long a statement waits for another connection's write lock before failing with SQLITE_BUSY. */
const busyTimeoutMs = 5000;

/**
 * Run on every connection the adapter opens (pragmas are per connection, and the adapter has no option for
 * them). WAL lets readers go on while the queue writes, and NORMAL synchronous is durable enough with WAL (a
 * power cut can lose the last commits, never corrupt the file) at a fraction of the fsyncs. SQLite leaves
 * foreign keys unenforced unless asked.
 */
const connectionPragmas = `
PRAGMA journal_mode = WAL;
PRAGMA synchronous = NORMAL;
PRAGMA foreign_keys = ON;
`;

/**
 * A client for the SQLite file at `databaseUrl` (`file:<path>`, relative to the cwd). It connects lazily on
 * the first query; use `openDatabase` to connect (and fail) up front.
 */
export function createPrismaClient(databaseUrl: string): PrismaClient {
  const factory = new PrismaBetterSqlite3({ url: databaseUrl, timeout: busyTimeoutMs });
  return new PrismaClient({ adapter: configureConnections(factory) });
}

/**
 * A connected client, its pragmas applied: a database that cannot be opened (missing folder, no permission)
 * fails here at start-up rather than on the first request. Run `migrateDatabase` first.
 */
export async function openDatabase(databaseUrl: string): Promise<PrismaClient> {
  const prisma = createPrismaClient(databaseUrl);
  await prisma.$connect();
  return prisma;
}

function configureConnections(factory: PrismaBetterSqlite3): SqlDriverAdapterFactory {
  return {
    provider: factory.provider,
    adapterName: factory.adapterName,
    connect: async () => {
      const adapter = await factory.connect();
      await adapter.executeScript(connectionPragmas);
      return queueBehindTransactions(adapter);
    },
  };
}

/**
 * The adapter has a single connection and serializes transactions against each other, but not the queries
 * made outside a transaction: while one `$transaction` callback awaits, another caller's query would run on
 * the same connection inside that transaction, see its uncommitted rows and be rolled back with it. Here every
 * query waits for the open transaction to end. A callback that uses the outer client instead of `tx` therefore
 * waits for its own transaction, which Prisma ends at its timeout (P2028) instead of silently mixing them.
 */
function queueBehindTransactions(adapter: SqlDriverAdapter): SqlDriverAdapter {
  const acquire = createLock();
  const exclusive = async <T>(run: () => Promise<T>): Promise<T> => {
    const release = await acquire();
    try {
      return await run();
    } finally {
      release();
    }
  };
  return withOverrides(adapter, {
    queryRaw: (query) => exclusive(() => adapter.queryRaw(query)),
    executeRaw: (query) => exclusive(() => adapter.executeRaw(query)),
    executeScript: (script) => exclusive(() => adapter.executeScript(script)),
    startTransaction: async (isolationLevel) => {
      const release = await acquire();
      let transaction: Transaction;
      try {
        transaction = await adapter.startTransaction(isolationLevel);
      } catch (error) {
        release();
        throw error;
      }
      // Prisma ends every transaction (commit, rollback, timeout, discarded after maxWait) with one of these.
      const end = async (finish: () => Promise<void>) => {
        try {
          await finish();
        } finally {
          release();
        }
      };
      return withOverrides(transaction, {
        commit: () => end(() => transaction.commit()),
        rollback: () => end(() => transaction.rollback()),
      });
    },
  });
}

/** A FIFO mutex: `acquire()` resolves, in call order, with the function that lets the next caller in. */
function createLock(): () => Promise<() => void> {
  let tail = Promise.resolve();
  return () => {
    const previous = tail;
    let release = () => {};
    tail = new Promise((resolve) => {
      release = resolve;
    });
    return previous.then(() => release);
  };
}

/**
 * `target` with some members replaced. The rest stay bound to `target`: the adapter's classes keep their state
 * in private fields, which a copy or a prototype-linked object could not reach.
 */
function withOverrides<T extends object>(target: T, overrides: Partial<T>): T {
  return new Proxy(target, {
    get(object, property) {
      if (Object.hasOwn(overrides, property)) return overrides[property as keyof T];
      const value: unknown = Reflect.get(object, property, object);
      return typeof value === "function" ? value.bind(object) : value;
    },
  });
}
