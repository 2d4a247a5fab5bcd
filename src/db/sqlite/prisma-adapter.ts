import {
  type ArgType,
  type ColumnType,
  ColumnTypeEnum,
  DriverAdapterError,
  type SqlDriverAdapter,
  type SqlDriverAdapterFactory,
  type SqlQuery,
  type SqlResultSet,
  type Transaction,
} from "@prisma/driver-adapter-utils";
import type { Statement } from "better-sqlite3";
import type { SqliteConnection } from "./connection.js";
import { sqliteDate } from "./dates.js";

/*
 * Prisma Client over the app's own better-sqlite3 connection, through Prisma's public SqlDriverAdapter interface,
 * so the cold paths (Prisma) and the hot path (prepared statements) share one connection and one writer. Values
 * are converted the way @prisma/adapter-better-sqlite3 converts them (same ISO-8601 timestamps, 0/1 booleans,
 * JSON as text), which the store's contract test checks row for row.
 */

const declaredTypes: Record<string, ColumnType> = {
  INTEGER: ColumnTypeEnum.Int32,
  INT: ColumnTypeEnum.Int32,
  BIGINT: ColumnTypeEnum.Int64,
  REAL: ColumnTypeEnum.Double,
  DOUBLE: ColumnTypeEnum.Double,
  FLOAT: ColumnTypeEnum.Float,
  DECIMAL: ColumnTypeEnum.Numeric,
  TEXT: ColumnTypeEnum.Text,
  BLOB: ColumnTypeEnum.Bytes,
  BOOLEAN: ColumnTypeEnum.Boolean,
  DATETIME: ColumnTypeEnum.DateTime,
  JSONB: ColumnTypeEnum.Json,
};

function inferredType(value: unknown): ColumnType {
  if (typeof value === "string") return ColumnTypeEnum.Text;
  if (typeof value === "bigint") return ColumnTypeEnum.Int64;
  if (typeof value === "number") return ColumnTypeEnum.UnknownNumber;
  if (value instanceof Uint8Array) return ColumnTypeEnum.Bytes;
  return ColumnTypeEnum.Int32;
}

/** Column types from the declared types, or (for expressions) from the first non-null value. */
function columnTypes(declared: readonly (string | null)[], rows: readonly unknown[][]): ColumnType[] {
  return declared.map((type, index) => {
    const known = type ? declaredTypes[type.toUpperCase()] : undefined;
    if (known !== undefined) return known;
    const sample = rows.find((row) => row[index] !== null)?.[index];
    return sample === undefined ? ColumnTypeEnum.Int32 : inferredType(sample);
  });
}

function resultValue(value: unknown, type: ColumnType): unknown {
  if (typeof value === "bigint") {
    if (type === ColumnTypeEnum.DateTime) return new Date(Number(value)).toISOString();
    const asNumber = Number(value);
    return Number.isSafeInteger(asNumber) ? asNumber : value.toString();
  }
  if (typeof value === "number" && type === ColumnTypeEnum.DateTime) return new Date(value).toISOString();
  return value;
}

// Its home is dates.ts; still exported here for the stores that import it from this file, until they do not.
export { sqliteDate };

function argValue(arg: unknown, type: ArgType | undefined): unknown {
  if (arg === null || arg === undefined) return null;
  if (typeof arg === "boolean") return arg ? 1 : 0;
  if (typeof arg === "string") {
    switch (type?.scalarType) {
      case "int":
        return Number.parseInt(arg, 10);
      case "float":
      case "decimal":
        return Number.parseFloat(arg);
      case "bigint":
        return BigInt(arg);
      case "datetime":
        return sqliteDate(new Date(arg));
      case "bytes":
        return Buffer.from(arg, "base64");
      default:
        return arg;
    }
  }
  if (arg instanceof Date) return sqliteDate(arg);
  return arg;
}

function driverError(error: unknown): never {
  if (!(error instanceof Error) || typeof (error as { code?: unknown }).code !== "string") throw error;
  const { code, message } = error as Error & { code: string };
  const fields = message
    .split("constraint failed: ")[1]
    ?.split(", ")
    .map((field) => field.split(".").pop() ?? "");
  if (code === "SQLITE_CONSTRAINT_UNIQUE" || code === "SQLITE_CONSTRAINT_PRIMARYKEY") {
    throw new DriverAdapterError({
      kind: "UniqueConstraintViolation",
      constraint: fields ? { fields } : undefined,
      originalCode: code,
      originalMessage: message,
    });
  }
  if (code.startsWith("SQLITE_BUSY")) {
    throw new DriverAdapterError({ kind: "SocketTimeout", originalCode: code, originalMessage: message });
  }
  throw new DriverAdapterError({
    kind: "sqlite",
    extendedCode: 1,
    message,
    originalCode: code,
    originalMessage: message,
  });
}

class Queryable {
  readonly provider = "sqlite" as const;
  readonly adapterName = "threadline-sqlite";

  constructor(protected readonly connection: SqliteConnection) {}

  protected prepare(query: SqlQuery): Statement {
    try {
      return this.connection.db.prepare(query.sql);
    } catch (error) {
      return driverError(error);
    }
  }

  protected run(query: SqlQuery): SqlResultSet & { changes: number } {
    const statement = this.prepare(query);
    const args = query.args.map((arg, index) => argValue(arg, query.argTypes[index]));
    try {
      if (!statement.reader) {
        const { changes, lastInsertRowid } = statement.run(...args);
        return { columnNames: [], columnTypes: [], rows: [], changes, lastInsertId: String(lastInsertRowid) };
      }
      const columns = statement.columns();
      const rows = statement
        .safeIntegers(true)
        .raw(true)
        .all(...args) as unknown[][];
      const types = columnTypes(
        columns.map((column) => column.type),
        rows,
      );
      return {
        columnNames: columns.map((column) => column.name),
        columnTypes: types,
        rows: rows.map((row) => row.map((value, index) => resultValue(value, types[index] as ColumnType))),
        changes: 0,
      };
    } catch (error) {
      return driverError(error);
    }
  }
}

class SqliteTransaction extends Queryable implements Transaction {
  readonly options = { usePhantomQuery: false };

  constructor(
    connection: SqliteConnection,
    private readonly finish: () => void,
  ) {
    super(connection);
  }

  async queryRaw(query: SqlQuery): Promise<SqlResultSet> {
    const { changes: _, ...result } = this.run(query);
    return result;
  }

  async executeRaw(query: SqlQuery): Promise<number> {
    return this.run(query).changes;
  }

  // Prisma sends COMMIT or ROLLBACK itself as a query of the transaction; these only let the next writer in.
  async commit(): Promise<void> {
    this.finish();
  }

  async rollback(): Promise<void> {
    this.finish();
  }
}

class SqliteDriverAdapter extends Queryable implements SqlDriverAdapter {
  async queryRaw(query: SqlQuery): Promise<SqlResultSet> {
    return this.connection.exclusive(async () => {
      const { changes: _, ...result } = this.run(query);
      return result;
    });
  }

  async executeRaw(query: SqlQuery): Promise<number> {
    return this.connection.exclusive(async () => this.run(query).changes);
  }

  async executeScript(script: string): Promise<void> {
    await this.connection.exclusive(async () => {
      try {
        this.connection.db.exec(script);
      } catch (error) {
        driverError(error);
      }
    });
  }

  /** Holds the connection (the group commit waits) until Prisma commits or rolls back. */
  async startTransaction(): Promise<Transaction> {
    let finish = () => {};
    const held = new Promise<void>((resolve) => {
      finish = resolve;
    });
    let started: () => void = () => {};
    const ready = new Promise<void>((resolve) => {
      started = resolve;
    });
    void this.connection.exclusive(async () => {
      started();
      await held;
    });
    await ready;
    try {
      this.connection.db.exec("BEGIN");
    } catch (error) {
      finish();
      driverError(error);
    }
    return new SqliteTransaction(this.connection, finish);
  }

  getConnectionInfo() {
    return { maxBindValues: 999, supportsRelationJoins: false };
  }

  /** The connection belongs to the app, which closes it. */
  async dispose(): Promise<void> {}
}

export function sqliteAdapterFactory(connection: SqliteConnection): SqlDriverAdapterFactory {
  return {
    provider: "sqlite",
    adapterName: "threadline-sqlite",
    connect: async () => new SqliteDriverAdapter(connection),
  };
}
