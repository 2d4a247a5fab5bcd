/** The logging the core does; pino's Logger satisfies it. */
export interface CoreLogger {
  debug(context: object, message: string): void;
  info(context: object, message: string): void;
  warn(context: object, message: string): void;
  error(context: object, message: string): void;
}
