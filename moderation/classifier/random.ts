/** Seeded shuffling for reproducible splits and epochs. */
import { seededRandom } from '../bench/corpus.ts';

export { seededRandom };

/** A function returning uniform numbers in [0, 1), the same sequence for the same seed. */
export type Random = () => number;

/** Shuffles `items` in place (Fisher–Yates) with `random`, and returns it. */
export function shuffle<T>(items: T[], random: Random): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const swap = items[i] as T;
    items[i] = items[j] as T;
    items[j] = swap;
  }
  return items;
}
