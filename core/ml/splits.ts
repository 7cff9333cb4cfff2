import { SeededRandom } from './random.js';

export interface GroupedItem {
  label: number;
  /** Items sharing a group (an artist) always land in the same fold. */
  group: string;
}

/**
 * Group k-fold with label balance (like scikit-learn's StratifiedGroupKFold): groups, largest
 * first (ties in seeded random order), each go to the fold where they least unbalance the per-label
 * counts. Returns the fold index of every item.
 */
export function groupedFolds(items: GroupedItem[], folds: number, seed: number, classes: number): number[] {
  const groups = new Map<string, number[]>();
  items.forEach((item, i) => {
    const members = groups.get(item.group) ?? [];
    members.push(i);
    groups.set(item.group, members);
  });
  if (groups.size < folds) throw new Error(`cannot make ${folds} folds from ${groups.size} groups`);
  const random = new SeededRandom(seed);
  const order = random.shuffle([...groups.values()]).sort((a, b) => b.length - a.length);
  const counts = Array.from({ length: folds }, () => new Array<number>(classes).fill(0));
  const totals = new Array<number>(classes).fill(0);
  for (const item of items) totals[item.label]++;
  const assignment = new Array<number>(items.length).fill(-1);
  for (const members of order) {
    const added = new Array<number>(classes).fill(0);
    for (const i of members) added[items[i].label]++;
    let bestFold = 0;
    let bestCost = Infinity;
    for (let fold = 0; fold < folds; fold++) {
      // How much the group raises the fold's squared distance from each label's fair share.
      let cost = 0;
      for (let label = 0; label < classes; label++) {
        const before = counts[fold][label] - totals[label] / folds;
        cost += (before + added[label]) ** 2 - before ** 2;
      }
      if (cost < bestCost) {
        bestCost = cost;
        bestFold = fold;
      }
    }
    for (let label = 0; label < classes; label++) counts[bestFold][label] += added[label];
    for (const i of members) assignment[i] = bestFold;
  }
  return assignment;
}
