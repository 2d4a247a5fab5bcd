/**
 * A value loaded from Slack and then kept current by events. A change that arrives while a load is in
 * flight is applied to the value in hand and replayed onto the load's result, which may have been read
 * before the change happened. One load at a time: concurrent readers share it.
 */
export class LiveList<T> {
  private value: T | undefined;
  private loadedAt = 0;
  private loading: { promise: Promise<T>; changes: ((value: T) => void)[] } | undefined;

  constructor(
    private readonly load: () => Promise<T>,
    private readonly now: () => number,
    /** Told of each loaded value, once it is the one in hand. */
    private readonly onLoaded: (value: T) => void = () => {},
  ) {}

  get loaded(): boolean {
    return this.value !== undefined;
  }

  get current(): T | undefined {
    return this.value;
  }

  ageMs(): number {
    return this.now() - this.loadedAt;
  }

  /** The value in hand, or the first load's result. */
  get(): Promise<T> {
    return this.value === undefined ? this.reload() : Promise.resolve(this.value);
  }

  /** Loads again (or joins the load under way); the value in hand keeps answering meanwhile. */
  reload(): Promise<T> {
    if (this.loading) return this.loading.promise;
    const changes: ((value: T) => void)[] = [];
    const startedAt = this.now();
    const promise = this.load()
      .then((fresh) => {
        for (const change of changes) change(fresh);
        this.value = fresh;
        this.loadedAt = startedAt;
        this.onLoaded(fresh);
        return fresh;
      })
      .finally(() => {
        this.loading = undefined;
      });
    this.loading = { promise, changes };
    return promise;
  }

  change(apply: (value: T) => void): void {
    if (this.value !== undefined) apply(this.value);
    this.loading?.changes.push(apply);
  }
}
