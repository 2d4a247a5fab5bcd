import { StartupFailure } from "../errors.js";

/** Where a listener was told to listen, and the variables that said so. */
export interface ListenAt {
  readonly port: number;
  readonly host: string;
  readonly portVariable: string;
  readonly hostVariable: string;
  /** Another of our own listeners, started before this one: the same port there is a clash, not a stranger. */
  readonly after?: { readonly port: number; readonly portVariable: string };
}

/** The operating system refused a listener its port or address. */
export class PortUnavailable extends StartupFailure {
  constructor(message: string, fix: string, cause: unknown) {
    super("PORT_UNAVAILABLE", message, fix, { cause });
  }
}

function explain(code: string | undefined, at: ListenAt): { message: string; fix: string } | null {
  switch (code) {
    case "EADDRINUSE":
      if (at.after?.port === at.port) {
        return {
          message: `${at.portVariable} and ${at.after.portVariable} are both ${at.port}`,
          fix: `Give ${at.portVariable} a port of its own`,
        };
      }
      return {
        message: `port ${at.port} (${at.portVariable}) is already in use by another program`,
        fix: `Set ${at.portVariable} to a free port, or stop the program using ${at.port}`,
      };
    case "EACCES":
      return {
        message: `port ${at.port} (${at.portVariable}) needs privileges this user does not have`,
        fix: `Set ${at.portVariable} to a port from 1024 up`,
      };
    case "EADDRNOTAVAIL":
      return {
        message: `${at.host} (${at.hostVariable}) is not an address of this machine`,
        fix: `Set ${at.hostVariable} to one of its addresses, e.g. 127.0.0.1, or 0.0.0.0 for all of them`,
      };
    default:
      return null;
  }
}

/** Runs `listen`; a port or address the operating system refuses becomes a PortUnavailable naming the variable. */
export async function listenNamed<T>(at: ListenAt, listen: () => Promise<T>): Promise<T> {
  try {
    return await listen();
  } catch (error) {
    const explained = explain((error as NodeJS.ErrnoException).code, at);
    if (!explained) throw error;
    throw new PortUnavailable(explained.message, explained.fix, error);
  }
}
