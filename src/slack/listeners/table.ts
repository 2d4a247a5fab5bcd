import { type App, MultipleListenerError } from "@slack/bolt";
import { AppError } from "../../core/errors.js";

/** What a listener module registers on: Bolt's own methods, so a module reads as a Bolt listener does. */
export type SlackListeners = Pick<
  App,
  "action" | "command" | "event" | "function" | "options" | "shortcut" | "view"
>;

type Kind = "action" | "event" | "options" | "shortcut" | "view";

/** Bolt has the table's ids once it is attached: a listener registered later would never be reached. */
export class ListenerRegisteredLateError extends AppError {
  constructor(readonly kind: string) {
    super(
      "SLACK_LISTENER_REGISTERED_LATE",
      `A ${kind} listener was registered after the table was attached to Bolt`,
    );
  }
}
type Handler = (args: Record<string, unknown>) => unknown;

/**
 * Bolt runs the middleware chain of every registered listener for every incoming payload, matching or not: with
 * our 33 listeners that was ~14 % of what the app allocated under load (decision 0030). The table takes the
 * registrations that name one id (an action or options `action_id`, a view's or shortcut's `callback_id`, an
 * event type) and gives Bolt one listener per kind, constrained to exactly those ids, that finds the handler by
 * id: 8 listeners in all. Anything else (a pattern, several middleware, commands, workflow functions) goes to
 * Bolt as it came.
 */
export class ListenerTable {
  private readonly handlers: Record<Kind, Map<string, Handler[]>> = {
    action: new Map(),
    event: new Map(),
    options: new Map(),
    shortcut: new Map(),
    view: new Map(),
  };

  private attached = false;
  /** Where listener modules register, before `attach()`. */
  readonly listeners: SlackListeners;

  constructor(private readonly app: App) {
    const table =
      (kind: Kind, idOf: (constraint: unknown) => string | undefined) =>
      (constraint: unknown, ...middleware: Handler[]) =>
        this.add(kind, constraint, idOf(constraint), middleware);
    this.listeners = {
      action: table("action", (constraint) => oneId(constraint, "action_id")),
      event: table("event", onlyString),
      options: table("options", (constraint) => oneId(constraint, "action_id")),
      shortcut: table("shortcut", (constraint) => oneId(constraint, "callback_id")),
      // A view named by a string is a submission (Bolt adds `type`); an object constraint goes to Bolt as it is.
      view: table("view", onlyString),
      command: (...args: Parameters<App["command"]>) => this.app.command(...args),
      function: (...args: unknown[]) => (this.app.function as (...a: unknown[]) => App).apply(this.app, args),
    } as unknown as SlackListeners;
  }

  /** Registers the tables with Bolt: one listener per kind that has any. */
  attach(): void {
    this.attached = true;
    for (const [kind, byId] of Object.entries(this.handlers) as [Kind, Map<string, Handler[]>][]) {
      if (byId.size === 0) continue;
      this.registerWithBolt(kind, exactly([...byId.keys()]), [
        (args) => dispatch(byId.get(idOf[kind](args as Payload) ?? "") ?? [], args),
      ]);
    }
  }

  private add(kind: Kind, constraint: unknown, id: string | undefined, middleware: Handler[]): void {
    if (this.attached) throw new ListenerRegisteredLateError(kind);
    const [handler] = middleware;
    if (id === undefined || middleware.length !== 1 || handler === undefined) {
      this.registerWithBolt(kind, constraint, middleware);
      return;
    }
    const byId = this.handlers[kind];
    byId.set(id, [...(byId.get(id) ?? []), handler]);
  }

  private registerWithBolt(kind: Kind, constraint: unknown, middleware: Handler[]): void {
    (this.app[kind] as (...args: unknown[]) => void).call(this.app, constraint, ...middleware);
  }
}

/** The parts of Bolt's listener arguments that carry each kind's id. */
interface Payload {
  readonly action?: { action_id?: string };
  readonly event?: { type: string };
  readonly payload?: { action_id?: string };
  readonly shortcut?: { callback_id: string };
  readonly view?: { callback_id: string };
}

const idOf: Record<Kind, (args: Payload) => string | undefined> = {
  action: (args) => args.action?.action_id,
  event: (args) => args.event?.type,
  options: (args) => args.payload?.action_id,
  shortcut: (args) => args.shortcut?.callback_id,
  view: (args) => args.view?.callback_id,
};

const onlyString = (constraint: unknown) => (typeof constraint === "string" ? constraint : undefined);

/** The one id a constraint names: a string, or an object whose only key is `idKey` with a string. */
function oneId(constraint: unknown, idKey: string): string | undefined {
  if (typeof constraint === "string") return constraint;
  if (typeof constraint !== "object" || constraint === null || constraint instanceof RegExp) return undefined;
  const keys = Object.keys(constraint);
  const id = (constraint as Record<string, unknown>)[idKey];
  return keys.length === 1 && typeof id === "string" ? id : undefined;
}

function exactly(ids: readonly string[]): RegExp {
  return new RegExp(`^(?:${ids.map((id) => id.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|")})$`);
}

/** As Bolt runs listeners that match one payload: all of them, each failure reported, none stopping another. */
async function dispatch(handlers: readonly Handler[], args: unknown): Promise<void> {
  const [only] = handlers;
  if (handlers.length === 1 && only) {
    await only(args as Record<string, unknown>);
    return;
  }
  const settled = await Promise.allSettled(
    handlers.map((handler) => handler(args as Record<string, unknown>)),
  );
  const failures = settled.flatMap((result) => (result.status === "rejected" ? [result.reason] : []));
  if (failures.length === 1) throw failures[0];
  if (failures.length > 1) throw new MultipleListenerError(failures);
}
