/**
 * Gathers what is added during one turn of the event loop and hands it to `flush` in one call at the end of
 * the turn; every `add` of that turn gets the promise of that one call. The incoming messages a burst
 * decrypts back to back go to the store (and, from the engine thread, across to the API thread) together and
 * share a commit, instead of a round trip each.
 */
export class TurnBatch<T> {
  private items: T[] | null = null;
  private done: Promise<void> = Promise.resolve();

  constructor(private readonly flush: (items: T[]) => Promise<void>) {}

  add(item: T): Promise<void> {
    if (this.items) {
      this.items.push(item);
      return this.done;
    }
    const items = (this.items = [item]);
    this.done = new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
      this.items = null;
      return this.flush(items);
    });
    return this.done;
  }
}
