// Answers kept by key for a run: mount -a asks the same few option strings thousands of times.
// Bounded (cleared when full): a long-lived library process never grows it without end.

export class KeptAnswers<V> {
  private readonly answers = new Map<string, V>();

  constructor(private readonly most: number) {}

  /** The answer kept for `key`, else `make()`'s, kept. A `make` that throws keeps nothing. */
  get(key: string, make: () => V): V {
    const known = this.answers.get(key);
    if (known !== undefined) return known;
    const v = make();
    if (this.answers.size >= this.most) this.answers.clear();
    this.answers.set(key, v);
    return v;
  }
}
