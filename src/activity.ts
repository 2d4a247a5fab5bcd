/**
 * Work the app does outside the delivery worker (a Slack envelope being handled, an App Home being published),
 * counted so that `idle()` can tell when the app has settled.
 */
export class Activity {
  private running = 0;

  get busy(): boolean {
    return this.running > 0;
  }

  /** Runs `work`, counted until it settles; resolves or rejects as it does. */
  track<T>(work: () => Promise<T>): Promise<T> {
    this.running += 1;
    const done = () => {
      this.running -= 1;
    };
    let result: Promise<T>;
    try {
      result = work();
    } catch (error) {
      done();
      return Promise.reject(error);
    }
    return result.finally(done);
  }
}

/**
 * Resolves once `quiet()` holds at two looks a turn of the event loop apart: work hands on work (a listener
 * commits a job, a lane runs its next) and one look could fall in between.
 */
export async function whenQuiet(quiet: () => boolean): Promise<void> {
  for (let quietLooks = 0; quietLooks < 2; ) {
    await new Promise((resolve) => setTimeout(resolve, 1));
    quietLooks = quiet() ? quietLooks + 1 : 0;
  }
}
